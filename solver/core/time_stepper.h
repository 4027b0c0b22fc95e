#pragma once

#include <core/newton.h>
#include <core/parameters.h>
#include <core/step_participant.h>

#include <deal.II/base/conditional_ostream.h>

#include <functional>
#include <set>
#include <vector>

namespace septa
{
  /// Where the load stepping stands; a checkpoint stores it.
  struct StepperState
  {
    double       time = 0, dt = 0;
    unsigned int step         = 0;
    unsigned int total_newton = 0, total_linear = 0;
  };

  /**
   * Adaptive pseudo-time stepping: a step that fails (Newton, an inverted
   * element, a linear solver error) is rolled back by every participant and
   * retried with half the step, down to 'Time/Minimum step'; easy steps let
   * the step grow.  What happens after a converged step (output,
   * refinement, checkpoints) is the caller's.
   */
  class TimeStepper
  {
  public:
    enum class Outcome
    {
      completed,
      interrupted ///< stop_requested() said so; the last step is committed
    };

    TimeStepper(const RunParameters &run, MPI_Comm comm);

    void
    add_participant(StepParticipant &p)
    {
      participants.push_back(&p);
    }

    /// Step from state to 'Time/End time'.  @p solve attempts a step to a
    /// time; @p after_step is called after each committed step (with true
    /// for the last one); @p stop_requested (collective) is asked after
    /// every step and attempt.
    Outcome
    run(const std::function<bool(double, NewtonStatistics &)>     &solve,
        const std::function<void(bool, const NewtonStatistics &)> &after_step,
        const std::function<bool()> &stop_requested);

    StepperState state;
    /// Set before a SolveError: the line that ends statistics.csv.
    std::string failure;

  private:
    const RunParameters           &run_parameters;
    MPI_Comm                       comm;
    ConditionalOStream             pcout;
    std::vector<StepParticipant *> participants;
    /// SEPTA_INJECT_FAILURES (tests): steps whose first converged attempt
    /// is rejected.
    std::set<unsigned int> injected_failures;
  };
} // namespace septa
