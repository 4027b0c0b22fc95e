#include <core/newton.h>

#include <cmath>

namespace septa
{
  Newton::Newton(Discretization      &d,
                 const RunParameters &run,
                 Assembler           &assembler,
                 const Constitutive  &constitutive,
                 TimerOutput         &timer)
    : d(d)
    , run(run)
    , assembler(assembler)
    , constitutive(constitutive)
    , timer(timer)
    , pcout(std::cout, Utilities::MPI::this_mpi_process(d.comm) == 0)
  {
    for (const auto &m : run.materials)
      reference_modulus = std::max(reference_modulus, m->shear_modulus());
  }


  void
  Newton::setup()
  {
    linear_solver = std::make_unique<LinearSolver>(run.linear_solver, d.comm);
    linear_solver->set_rigid_body_modes(d.locally_owned,
                                        d.owned_support_points,
                                        d.owned_component);
  }


  bool
  Newton::solve(const double time, SolutionState &x, NewtonStatistics &stats)
  {
    const auto &nt           = run.newton;
    stats                    = NewtonStatistics();
    auto       &solution     = x.solution;
    auto       &ghosted      = x.ghosted;
    auto       &local_fields = x.local;
    const auto  free_norm    = [&]() { return assembler.free_residual_norm(); };
    const auto &local_error_J = assembler.local_error_J;
    const auto &local_error_p = assembler.local_error_p;
    // The local equations of the mixed cells hold to round-off.
    const auto local_converged = [&]() {
      return local_error_J <= 1e-10 &&
             local_error_p <= 1e-10 * reference_modulus;
    };

    ghosted = solution;
    d.update_dirichlet(time, ghosted);
    if (!assembler.assemble(ghosted, local_fields, time, false))
      return false;
    double residual = free_norm();

    PETScWrappers::MPI::Vector du(d.locally_owned, d.comm),
      trial(d.locally_owned, d.comm),
      du_ghosted(d.locally_owned, d.locally_relevant, d.comm);
    LocalFields delta, trial_fields;
    // Iterations are counted from the last multiplier update.
    unsigned int first = 0;
    for (unsigned int it = 0;; ++it)
      {
        // Dirichlet dofs still away from their targets?
        double mismatch = 0, target = 0;
        for (const auto &[dof, value] : d.dirichlet_targets)
          if (d.locally_owned.is_element(dof))
            {
              mismatch = std::max(mismatch, std::abs(value - solution(dof)));
              target   = std::max(target, std::abs(value));
            }
        mismatch                  = Utilities::MPI::max(mismatch, d.comm);
        target                    = Utilities::MPI::max(target, d.comm);
        const bool dirichlet_done = mismatch <= 1e-10 * target + 1e-300;
        if (run.newton.verbose)
          pcout << "    Newton " << it << ": |R| = " << residual
                << "  |f_int| = " << assembler.f_int_norm
                << "  J~ mismatch = " << local_error_J
                << "  p~ mismatch = " << local_error_p
                << "  Dirichlet mismatch = " << mismatch << std::endl;
        // A participant changed the problem: its iterations count anew.
        const auto start_again = [&](const char *what) {
          ++stats.multiplier_updates;
          first = it;
          if (!assembler.assemble(ghosted, local_fields, time, false))
            return false;
          residual = free_norm();
          if (run.newton.verbose)
            pcout << "    Newton: " << what << ", |R| = " << residual
                  << std::endl;
          return true;
        };
        const bool converged =
          dirichlet_done && local_converged() &&
          residual <= nt.residual_tolerance * assembler.f_int_norm +
                        nt.absolute_tolerance;
        if (!converged && dirichlet_done &&
            residual <= nt.active_set_tolerance * assembler.f_int_norm)
          {
            // Close: a contact active set this iterate contradicts is
            // updated now rather than after the last iterations.
            bool again = false;
            for (auto *p : participants)
              again = p->update_active_set() || again;
            if (again && !start_again("contact active set updated early"))
              return false;
          }
        else if (converged)
          {
            // Converged at fixed multipliers; done unless a participant
            // (augmented-Lagrangian contact) updates them.  Every one is
            // asked: the updates are collective.
            bool again = false;
            for (auto *p : participants)
              again = p->update_multipliers() || again;
            if (!again)
              return true;
            if (!start_again("contact active set or multipliers updated"))
              return false;
          }
        if (interrupt && interrupt())
          {
            pcout << "    Newton: step abandoned on a signal" << std::endl;
            return false;
          }
        if (it - first == nt.max_iterations)
          {
            pcout << "    Newton: no convergence in " << it - first
                  << " iterations, |R| = " << residual << std::endl;
            return false;
          }

        ++stats.newton_iterations;
        assembler.assemble(ghosted, local_fields, time, true);
        for (auto *p : participants)
          p->before_solve(it);
        {
          TimerOutput::Scope t(timer, "solve");
          du = 0;
          stats.linear_iterations += linear_solver->solve(assembler.tangent,
                                                          du,
                                                          assembler.rhs,
                                                          d.symmetric);
          stats.indefinite_solves += linear_solver->met_indefinite() ? 1 : 0;
          stats.negative_eigenvalues = linear_solver->negative_eigenvalues();
          d.constraints.distribute(du);
          du_ghosted = du;
          constitutive.recover_local_increments(du_ghosted,
                                                assembler.condensation,
                                                delta);
        }
        for (auto *p : participants)
          p->after_solve(it);

        // Backtracking line search on the residual norm.  A step that moves
        // Dirichlet dofs is taken in full unless an element inverts: the
        // residual of the previous equilibrium is no measure for it.
        double alpha    = 1.0;
        bool   accepted = false;
        for (unsigned int ls = 0; ls <= nt.max_line_search; ++ls, alpha *= 0.5)
          {
            trial = solution;
            trial.add(alpha, du);
            ghosted = trial;
            // Projected: the local fields solve their cell equations at the
            // trial displacement, and |R| measures progress of u alone.
            // Linearised: they move by their increments and hold a mismatch
            // of second order that |R| does not see.
            const bool project =
              nt.project_local_fields && run.discretization.mixed;
            if (project)
              constitutive.project_local_fields(ghosted, trial_fields);
            else
              {
                trial_fields = local_fields;
                for (std::size_t k = 0; k < delta.J.size(); ++k)
                  {
                    trial_fields.J[k] += alpha * delta.J[k];
                    trial_fields.p[k] += alpha * delta.p[k];
                  }
              }
            if (!assembler.assemble(ghosted, trial_fields, time, false))
              {
                if (run.newton.verbose)
                  pcout << "      line search: alpha = " << alpha
                        << " inverts an element" << std::endl;
                continue;
              }
            const double r = free_norm();
            if (run.newton.verbose)
              pcout << "      line search: alpha = " << alpha << ", |R| = " << r
                    << std::endl;
            const bool last = (ls == nt.max_line_search);
            // With a local mismatch (linearised), |R| alone is no merit:
            // the full step is taken.
            if (!dirichlet_done || r <= (1.0 - 1e-4 * alpha) * residual ||
                last || (!project && !local_converged()))
              {
                residual = r;
                accepted = true;
                break;
              }
          }
        if (!accepted)
          {
            pcout << "    Newton: every line-search trial inverted an element"
                  << std::endl;
            return false;
          }
        solution     = trial;
        ghosted      = solution;
        local_fields = trial_fields;
        d.update_dirichlet(time, ghosted);
      }
  }
} // namespace septa
