#pragma once

#include <core/assembler.h>
#include <core/checkpoint.h>
#include <core/constitutive.h>
#include <core/discretization.h>
#include <core/newton.h>
#include <core/point_state.h>
#include <core/refinement.h>
#include <core/time_stepper.h>
#include <postprocess/output.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <string>

namespace septa
{
  /**
   * Quasi-static finite-strain equilibrium of layered tissue on a
   * distributed mesh: wires the parts together and runs them.  Each part
   * has one job:
   *   Discretization  mesh, DoFs, constraints, fibre directions
   *   QuadratureState histories of the quadrature points (CellDataStorage)
   *   Constitutive    stresses, tangents, condensation, history updates
   *   Assembler       residual and tangent
   *   Newton          one load step, with hooks around each linear solve
   *   TimeStepper     load stepping, cut-backs, commit and rollback
   *   Refinement      adaptive refinement with transfer of all state
   *   Checkpoint      checkpoint and restart, on any number of ranks
   *   Output          statistics.csv and PVTU/PVD from postprocessors
   */
  class Solid
  {
  public:
    /// With @p resume, continue from the checkpoint (or the newest one in
    /// the folder) it names.
    Solid(RunParameters &run, MPI_Comm comm, const std::string &resume = "");

    /// Run the load stepping; returns the exit code: 0, or
    /// signals::stop_exit_code when a signal stopped the run after a
    /// checkpoint.  Throws SolveError if a step cannot be completed above
    /// the minimum step size.
    int
    run();

  private:
    /// Everything that depends on the DoFs of the current mesh.
    void
    setup_system(const double time);
    OutputContext
    context(const double            time,
            const double            dt,
            const NewtonStatistics &s) const;

    RunParameters     &run_parameters;
    MPI_Comm           comm;
    const std::string  resume;
    ConditionalOStream pcout;
    TimerOutput        timer;

    Discretization  discretization;
    QuadratureState points;
    SolutionState   x;
    Constitutive    constitutive;
    Assembler       assembler;
    Newton          newton;
    TimeStepper     stepper;
    Output          output;
    Checkpoint      checkpoint;
    Refinement      refinement;
  };
} // namespace septa
