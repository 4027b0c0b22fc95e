#include <core/input_error.h>
#include <postprocess/output.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iomanip>

namespace septa
{
  Output::Output(const Discretization &d,
                 const RunParameters  &run,
                 TimerOutput          &timer)
    : d(d)
    , run(run)
    , timer(timer)
  {
    if (const char *env = std::getenv("SEPTA_KILL_DURING_OUTPUT"))
      kill_at = Utilities::string_to_int(env);
  }


  void
  Output::open_statistics(const std::ios::openmode mode)
  {
    const bool root = Utilities::MPI::this_mpi_process(d.comm) == 0;
    if (root)
      {
        std::error_code ec;
        std::filesystem::create_directories(run.output.directory, ec);
        statistics.open(statistics_file(), mode);
      }
    const bool good =
      Utilities::MPI::logical_or(root ? statistics.good() : false, d.comm);
    require_input(good,
                  run.filename + ": Output/Directory",
                  run.output.directory,
                  "a folder that can be created and written");
  }


  void
  Output::start()
  {
    open_statistics(std::ios::out | std::ios::trunc);
    if (Utilities::MPI::this_mpi_process(d.comm) != 0)
      return;
    bool first = true;
    for (const auto &p : postprocessors)
      for (const auto &name : p->columns())
        {
          statistics << (first ? "" : ",") << name;
          first = false;
        }
    statistics << "\n" << std::flush;
  }


  void
  Output::resume(const std::string                                 &copy,
                 const std::vector<std::pair<double, std::string>> &r,
                 const unsigned int                                 n)
  {
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      {
        std::error_code ec;
        std::filesystem::create_directories(run.output.directory, ec);
        std::filesystem::copy_file(
          copy,
          statistics_file(),
          std::filesystem::copy_options::overwrite_existing,
          ec);
      }
    open_statistics(std::ios::out | std::ios::app);
    records = r;
    counter = n;
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      write_pvd();
  }


  void
  Output::mesh_changed()
  {
    for (auto &p : postprocessors)
      p->mesh_changed();
  }


  void
  Output::write(const OutputContext &c, const bool fields)
  {
    TimerOutput::Scope  timer_scope(timer, "output");
    std::vector<double> values;
    for (auto &p : postprocessors)
      p->values(c, values);
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      {
        statistics << std::setprecision(10);
        for (unsigned int k = 0; k < values.size(); ++k)
          statistics << (k ? "," : "") << values[k];
        statistics << "\n" << std::flush;
      }
    if (!fields)
      return;

    DataOut<3> data_out;
    data_out.attach_dof_handler(d.dof_handler);
    std::vector<DataComponentInterpretation::DataComponentInterpretation>
      interpretation(3,
                     DataComponentInterpretation::component_is_part_of_vector);
    data_out.add_data_vector(c.x.ghosted,
                             std::vector<std::string>(3, "displacement"),
                             DataOut<3>::type_dof_data,
                             interpretation);
    for (const auto &p : postprocessors)
      p->add_fields(data_out);
    data_out.build_patches(d.mapping, d.fe.degree);
    const std::string dir  = run.output.directory + "/";
    const std::string pvtu = data_out.write_vtu_with_pvtu_record(
      dir, "solution", counter++, d.comm, 5);
    if (++fields_written == kill_at)
      {
        // Tests: die after this output's files and before the PVD names
        // them, as a SIGKILL from the scheduler could.
        MPI_Barrier(d.comm);
        std::raise(SIGKILL);
      }
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      {
        records.emplace_back(c.time, pvtu);
        write_pvd();
      }
  }


  void
  Output::write_pvd() const
  {
    const std::string file = run.output.directory + "/solution.pvd";
    {
      std::ofstream pvd(file + ".tmp");
      DataOutBase::write_pvd_record(pvd, records);
    }
    std::filesystem::rename(file + ".tmp", file);
  }


  void
  Output::close(const std::string &line)
  {
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      statistics << line << std::endl;
  }
} // namespace septa
