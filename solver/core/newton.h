#pragma once

#include <core/assembler.h>
#include <core/linear_solver.h>
#include <core/step_participant.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <functional>
#include <memory>
#include <vector>

namespace septa
{
  /// What one Newton solve did.
  struct NewtonStatistics
  {
    unsigned int newton_iterations = 0, linear_iterations = 0;
    /// Solves whose CG met an indefinite tangent or preconditioner, and the
    /// negative eigenvalues of the last tangent factorised (-1 if not
    /// counted).
    unsigned int indefinite_solves    = 0;
    int          negative_eigenvalues = -1;
    /// Multiplier updates (augmented-Lagrangian contact).
    unsigned int multiplier_updates = 0;
  };

  /**
   * Newton's method with a backtracking line search for one load step.
   * Converged when the Dirichlet DoFs sit on their targets, the local
   * equations of the mixed cells hold to round-off and the residual
   * condensed by the hanging-node constraints is small on the free DoFs,
   * and no participant updates its multipliers (augmented-Lagrangian
   * contact: the solve then goes on with the new multipliers).
   * Participants hear before and after every linear solve.
   */
  class Newton
  {
  public:
    Newton(Discretization      &d,
           const RunParameters &run,
           Assembler           &assembler,
           const Constitutive  &constitutive,
           TimerOutput         &timer);

    /// A linear solver for the current DoFs (rigid-body modes of the mesh).
    void
    setup();

    /// Asked (collectively) before every iteration: true abandons the
    /// step (a scheduler's signal).
    std::function<bool()> interrupt;

    void
    add_participant(StepParticipant &p)
    {
      participants.push_back(&p);
    }

    /// Solve the step to @p time from the state in @p x, which holds the
    /// result (converged or not); returns false if it did not converge.
    bool
    solve(const double time, SolutionState &x, NewtonStatistics &statistics);

  private:
    Discretization                &d;
    const RunParameters           &run;
    Assembler                     &assembler;
    const Constitutive            &constitutive;
    TimerOutput                   &timer;
    ConditionalOStream             pcout;
    std::unique_ptr<LinearSolver>  linear_solver;
    std::vector<StepParticipant *> participants;
    /// Largest shear modulus of the layers: scale of pressure mismatches.
    double reference_modulus = 1;
  };
} // namespace septa
