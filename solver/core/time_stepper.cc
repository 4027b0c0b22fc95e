#include <core/input_error.h>
#include <core/time_stepper.h>

#include <chrono>
#include <cstdlib>
#include <iomanip>

namespace septa
{
  TimeStepper::TimeStepper(const RunParameters &run, MPI_Comm comm)
    : run_parameters(run)
    , comm(comm)
    , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
  {
    state.dt = run.time.initial_step;
    // Fault injection for tests: SEPTA_INJECT_FAILURES = "3, 5" rejects the
    // first converged attempt of steps 3 and 5, as if Newton had failed, to
    // check that cut-backs leave no trace (viscoelastic history, local
    // fields).
    if (const char *env = std::getenv("SEPTA_INJECT_FAILURES"))
      for (const auto &n : Utilities::split_string_list(env))
        injected_failures.insert(Utilities::string_to_int(n));
  }


  TimeStepper::Outcome
  TimeStepper::run(
    const std::function<bool(double, NewtonStatistics &)>     &solve,
    const std::function<void(bool, const NewtonStatistics &)> &after_step,
    const std::function<bool()>                               &stop_requested)
  {
    const auto  &tp    = run_parameters.time;
    auto        &t     = state.time;
    auto        &dt    = state.dt;
    const auto   start = std::chrono::steady_clock::now();
    const double t0    = t;
    while (t < tp.end_time * (1.0 - 1e-12))
      {
        if (stop_requested())
          return Outcome::interrupted;
        // The step schedule: at most the maximum step in force at t, and
        // end on its next knot (a knot closer than eps counts as reached).
        const double eps  = 1e-9 * tp.end_time;
        dt                = std::min(dt, tp.maximum_step.held_value(t + eps));
        const double knot = tp.maximum_step.next_knot(t + eps);
        double       unclamped = 0.0;
        if (t + dt > knot - eps && knot < tp.end_time * (1.0 - 1e-9))
          {
            unclamped = dt;
            dt        = knot - t;
          }
        if (t + dt > tp.end_time * (1.0 - 1e-9))
          dt = tp.end_time - t;
        for (auto *p : participants)
          p->begin_step(t + dt);
        NewtonStatistics stats;
        bool             ok     = false;
        std::string      reason = "Newton did not converge";
        try
          {
            ok = solve(t + dt, stats);
          }
        catch (const SolveError &e)
          {
            reason = e.what();
          }
        if (ok && injected_failures.erase(state.step + 1) > 0)
          {
            ok     = false;
            reason = "failure injected by SEPTA_INJECT_FAILURES";
          }
        if (!ok)
          {
            for (auto *p : participants)
              p->rollback();
            if (stop_requested())
              return Outcome::interrupted;
            dt *= 0.5;
            pcout << "  step to t = " << t + 2 * dt << " failed (" << reason
                  << "); step size cut to " << dt << std::endl;
            if (dt < tp.minimum_step)
              {
                failure = "# FAILED at t = " + std::to_string(t) + ": " +
                          reason + "; step size below 'Time/Minimum step' = " +
                          std::to_string(tp.minimum_step);
                throw SolveError(
                  run_parameters.filename + ": the step from t = " +
                  std::to_string(t) + " could not be solved (" + reason +
                  ") with step sizes down to 'Time/Minimum step' = " +
                  std::to_string(tp.minimum_step) +
                  ". Results up to t = " + std::to_string(t) +
                  " are in the output folder; the run is incomplete.");
              }
            continue;
          }
        t += dt;
        for (auto *p : participants)
          p->commit(t);
        ++state.step;
        state.total_newton += stats.newton_iterations;
        state.total_linear += stats.linear_iterations;
        const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
        pcout << "step " << std::setw(4) << state.step
              << "  t = " << std::setw(10) << std::left << t << std::right
              << "  dt = " << std::setw(10) << std::left << dt << std::right
              << "  Newton " << std::setw(2) << stats.newton_iterations
              << "  linear " << std::setw(4) << stats.linear_iterations
              << "  elapsed " << std::fixed << std::setprecision(1) << elapsed
              << " s  ETA " << elapsed / (t - t0) * (tp.end_time - t) << " s"
              << std::defaultfloat << std::setprecision(6) << std::endl;
        if (stats.negative_eigenvalues > 0)
          pcout << "  warning: the last tangent of this step has "
                << stats.negative_eigenvalues
                << " negative eigenvalue(s): the equilibrium reached is "
                   "unstable (past a buckling, wrinkling or creasing point)"
                << std::endl;
        after_step(t >= tp.end_time * (1.0 - 1e-12), stats);
        // A step shortened to land on a knot does not hold back the next.
        if (unclamped > dt)
          dt = unclamped;
        if (stats.newton_iterations <= run_parameters.newton.easy_iterations)
          dt = std::min(dt * tp.growth_factor,
                        tp.maximum_step.held_value(t + eps));
      }
    return Outcome::completed;
  }
} // namespace septa
