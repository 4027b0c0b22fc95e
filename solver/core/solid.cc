#include <contact/rigid_contact.h>
#include <core/input_error.h>
#include <core/signals.h>
#include <core/solid.h>

#include <deal.II/grid/grid_tools.h>

#include <sys/resource.h>

#include <chrono>
#include <sstream>

namespace septa
{
  namespace
  {
    /// Keeps the unknowns of the last converged step, for cut-backs.
    class SolutionSnapshot : public StepParticipant
    {
    public:
      explicit SolutionSnapshot(SolutionState &x)
        : x(x)
      {
      }

      void
      begin_step(const double) override
      {
        old.reinit(x.solution);
        old       = x.solution;
        old_local = x.local;
      }

      void
      rollback() override
      {
        x.solution = old;
        x.ghosted  = x.solution;
        x.local    = old_local;
      }

      void
      commit(const double) override
      {
        x.ghosted = x.solution;
      }

    private:
      SolutionState             &x;
      PETScWrappers::MPI::Vector old;
      LocalFields                old_local;
    };
  } // namespace


  Solid::Solid(RunParameters &run, MPI_Comm comm, const std::string &resume)
    : run_parameters(run)
    , comm(comm)
    , resume(resume)
    , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
    , timer(pcout, TimerOutput::never, TimerOutput::wall_times)
    , discretization(run, comm)
    , points(discretization, run)
    , constitutive(discretization, run, points, x)
    , assembler(discretization, run, constitutive, timer)
    , newton(discretization, run, assembler, constitutive, timer)
    , stepper(run, comm)
    , output(discretization, run, timer)
    , checkpoint(discretization, run, points, x, output)
    , refinement(discretization, run, points, x)
  {
    for (auto &p : standard_postprocessors(discretization, run))
      output.add(std::move(p));
    std::vector<const RigidContact *> contacts;
    for (const auto &load : run.loads)
      if (const auto *c = dynamic_cast<const RigidContact *>(load.get()))
        contacts.push_back(c);
    if (!contacts.empty())
      output.add(make_contact_output(discretization, contacts));
  }


  void
  Solid::setup_system(const double time)
  {
    TimerOutput::Scope t(timer, "setup");
    auto              &d = discretization;
    if (x.solution.size() != d.dof_handler.n_dofs())
      {
        x.solution.reinit(d.locally_owned, comm);
        x.ghosted.reinit(d.locally_owned, d.locally_relevant, comm);
      }
    // The sparsity pattern needs every Dirichlet DoF constrained.
    d.update_dirichlet(time, x.ghosted);
    assembler.setup();
    newton.setup();
    output.mesh_changed();
    pcout << "Degrees of freedom: " << d.dof_handler.n_dofs() << " (Q"
          << d.fe.degree << "-"
          << (run_parameters.discretization.mixed
                ? "P" + std::to_string(d.fe.degree - 1) + "disc mixed"
                : std::string("displacement"))
          << "), " << d.triangulation.n_global_active_cells() << " cells, "
          << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s)"
          << std::endl;
  }


  OutputContext
  Solid::context(const double            time,
                 const double            dt,
                 const NewtonStatistics &s) const
  {
    return OutputContext{discretization,
                         run_parameters,
                         constitutive,
                         points,
                         x,
                         assembler,
                         time,
                         dt,
                         s};
  }


  int
  Solid::run()
  {
    signals::install();
    auto       &d    = discretization;
    const auto &o    = run_parameters.output;
    std::string from = resume.empty() ? "" : Checkpoint::locate(resume);
    {
      TimerOutput::Scope t(timer, "mesh");
      if (from.empty())
        d.create_mesh();
      else
        {
          // The model check comes first: a wrong checkpoint stops before
          // any work.
          stepper.state = checkpoint.read_state(from);
          d.create_coarse_mesh();
          checkpoint.load_mesh(from);
          d.resume_mesh();
        }
      d.check_mesh();
      d.setup_dofs();
    }
    setup_system(stepper.state.time);

    SolutionSnapshot snapshot(x);
    stepper.add_participant(snapshot);
    stepper.add_participant(constitutive);
    for (auto &load : run_parameters.loads)
      {
        stepper.add_participant(*load);
        newton.add_participant(*load);
      }
    if (from.empty())
      {
        if (const unsigned int n = checkpoint.remove_stale())
          pcout << "Removed " << n << " checkpoint(s) of an earlier run from "
                << run_parameters.checkpoint.directory << std::endl;
        output.start();
        x.solution = 0;
        x.ghosted  = x.solution;
        constitutive.project_local_fields(x.ghosted, x.local);
        points.initialize_at_rest();
        d.update_dirichlet(0.0, x.ghosted);
        // Reactions of the initial state.
        assembler.assemble(x.ghosted, x.local, 0.0, false);
        output.write(context(0.0, 0.0, NewtonStatistics()), o.vtu);
      }
    else
      {
        checkpoint.load_state(from);
        pcout << "Resumed from " << from << " at t = " << stepper.state.time
              << " (step " << stepper.state.step << ")" << std::endl;
      }

    const auto  start           = std::chrono::steady_clock::now();
    auto        last_checkpoint = start;
    const auto &cp              = run_parameters.checkpoint;
    const auto &ar              = run_parameters.refinement;
    newton.interrupt = [&]() { return signals::received(comm) != 0; };
    const auto solve = [&](const double t, NewtonStatistics &s) {
      return newton.solve(t, x, s);
    };
    const auto after_step = [&](const bool last, const NewtonStatistics &s) {
      const auto  &state = stepper.state;
      const double t     = state.time;
      const auto   every = o.every;
      output.write(context(t, state.dt, s),
                   o.vtu && (last || (every > 0 && state.step % every == 0)));
      if (!last && ar.every > 0 && state.step % ar.every == 0)
        {
          TimerOutput::Scope scope(timer, "refinement");
          if (refinement.adapt())
            setup_system(t);
        }
      const double minutes =
        Utilities::MPI::max(std::chrono::duration<double>(
                              std::chrono::steady_clock::now() -
                              last_checkpoint)
                                .count() /
                              60.0,
                            comm);
      if (!last && ((cp.every_steps > 0 && state.step % cp.every_steps == 0) ||
                    (cp.every_minutes > 0 && minutes >= cp.every_minutes)))
        {
          TimerOutput::Scope scope(timer, "checkpoint");
          pcout << "  checkpoint " << checkpoint.save(state) << std::endl;
          last_checkpoint = std::chrono::steady_clock::now();
        }
    };

    TimeStepper::Outcome outcome;
    try
      {
        outcome = stepper.run(solve, after_step, [&]() {
          return signals::received(comm) != 0;
        });
      }
    catch (const SolveError &)
      {
        output.close(stepper.failure);
        throw;
      }
    const double t    = stepper.state.time;
    const auto   time = [](const double t) {
      std::ostringstream s;
      s << t;
      return s.str();
    };
    if (outcome == TimeStepper::Outcome::interrupted)
      {
        const std::string folder = checkpoint.save(stepper.state);
        output.close("# stopped at t = " + time(t) + " (checkpoint " + folder +
                     ")");
        pcout << "septa: stopped by signal " << signals::received(comm)
              << " at t = " << t << " (step " << stepper.state.step
              << "); checkpoint " << folder << "; continue with: septa "
              << run_parameters.filename << " --resume "
              << run_parameters.checkpoint.directory << std::endl;
        return signals::stop_exit_code;
      }
    output.close("# completed at t = " + time(t));
    timer.print_summary();

    // One machine-readable line for benchmark scripts.
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const double peak_mb = usage.ru_maxrss / 1024.0; // kB on Linux
    const auto   memory  = Utilities::MPI::min_max_avg(peak_mb, comm);
    auto         times   = timer.get_summary_data(TimerOutput::total_wall_time);
    pcout << "SUMMARY dofs=" << d.dof_handler.n_dofs()
          << " ranks=" << Utilities::MPI::n_mpi_processes(comm)
          << " steps=" << stepper.state.step
          << " newton=" << stepper.state.total_newton
          << " linear=" << stepper.state.total_linear
          << " assembly_s=" << times["assembly"] + times["residual"]
          << " solve_s=" << times["solve"] << " output_s=" << times["output"]
          << " wall_s="
          << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           start)
               .count()
          << " peak_mb_max=" << memory.max << " peak_mb_avg=" << memory.avg
          << std::endl;
    return 0;
  }
} // namespace septa
