#include <core/checkpoint.h>
#include <core/input_error.h>

#include <deal.II/distributed/cell_data_transfer.templates.h>
#include <deal.II/distributed/solution_transfer.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace septa
{
  namespace fs = std::filesystem;

  namespace
  {
    using CellData = std::vector<std::vector<double>>;

    /// 'key = value' lines of a file.
    std::map<std::string, std::string>
    read_keys(const std::string &file)
    {
      std::map<std::string, std::string> keys;
      std::ifstream                      in(file);
      std::string                        line;
      while (std::getline(in, line))
        {
          const auto eq = line.find(" = ");
          if (eq != std::string::npos)
            keys[line.substr(0, eq)] = line.substr(eq + 3);
        }
      return keys;
    }

    std::string
    read_text(const std::string &file)
    {
      std::ifstream      in(file);
      std::ostringstream s;
      s << in.rdbuf();
      return s.str();
    }

    /// FNV-1a hash of the model text: a short fingerprint for state.txt
    /// (the full text is in model.txt).
    std::string
    fingerprint(const std::string &text)
    {
      std::uint64_t h = 1469598103934665603ull;
      for (const unsigned char c : text)
        {
          h ^= c;
          h *= 1099511628211ull;
        }
      std::ostringstream s;
      s << std::hex << std::setw(16) << std::setfill('0') << h;
      return s.str();
    }

    bool
    is_checkpoint(const fs::path &folder)
    {
      return fs::is_regular_file(folder / "state.txt") &&
             fs::is_regular_file(folder / "mesh.info");
    }
  } // namespace


  Checkpoint::Checkpoint(Discretization      &d,
                         const RunParameters &run,
                         QuadratureState     &points,
                         SolutionState       &x,
                         Output              &output)
    : d(d)
    , run(run)
    , points(points)
    , x(x)
    , output(output)
  {
  }


  std::string
  Checkpoint::save(const StepperState &state)
  {
    const bool         root = Utilities::MPI::this_mpi_process(d.comm) == 0;
    std::ostringstream name;
    name << "step-" << std::setw(6) << std::setfill('0') << state.step;
    const fs::path dir   = run.checkpoint.directory;
    const fs::path final = dir / name.str();
    const fs::path tmp   = dir / (name.str() + ".tmp");
    bool           ok    = true;
    if (root)
      {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        fs::create_directories(tmp, ec);
        ok = !ec;
      }
    require_input(Utilities::MPI::logical_or(root && ok, d.comm),
                  run.filename + ": Checkpoint/Directory",
                  run.checkpoint.directory,
                  "a folder that can be created and written");

    // Attached data is written with the mesh; loading reads it back in the
    // same order: displacements, then cell data.
    parallel::distributed::SolutionTransfer<3, PETScWrappers::MPI::Vector>
      solution_transfer(d.dof_handler);
    solution_transfer.prepare_for_serialization(x.ghosted);
    parallel::distributed::CellDataTransfer<3, 3, CellData> cell_transfer(
      d.triangulation, true);
    const CellData packed = points.pack(x.local);
    cell_transfer.prepare_for_serialization(packed);
    d.triangulation.save((tmp / "mesh").string());

    // State of the loads (contact): every rank's part, gathered.
    std::vector<std::vector<double>> load_states;
    for (const auto &load : run.loads)
      {
        std::vector<double> all;
        for (const auto &part :
             Utilities::MPI::gather(d.comm, load->pack_state(), 0))
          all.insert(all.end(), part.begin(), part.end());
        load_states.push_back(std::move(all));
      }

    if (root)
      {
        for (std::size_t k = 0; k < load_states.size(); ++k)
          {
            std::ofstream s(
              (tmp / ("load-" + std::to_string(k) + ".bin")).string(),
              std::ios::binary);
            s.write(reinterpret_cast<const char *>(load_states[k].data()),
                    load_states[k].size() * sizeof(double));
          }
        {
          std::ofstream s((tmp / "state.txt").string());
          s << std::setprecision(17) << "format = " << checkpoint_format
            << "\nversion = " << septa_version << "\ntime = " << state.time
            << "\ndt = " << state.dt << "\nstep = " << state.step
            << "\ntotal_newton = " << state.total_newton
            << "\ntotal_linear = " << state.total_linear
            << "\nhistory_time = " << points.history_time
            << "\noutput_counter = " << output.counter
            << "\nranks = " << Utilities::MPI::n_mpi_processes(d.comm)
            << "\nparameters = " << run.filename
            << "\nmodel = " << fingerprint(run.model) << "\n";
        }
        {
          std::ofstream m((tmp / "model.txt").string());
          m << run.model;
          std::ofstream p((tmp / "pvd.txt").string());
          p << std::setprecision(17);
          for (const auto &[t, file] : output.records)
            p << t << " " << file << "\n";
        }
        std::error_code ec;
        fs::copy_file(output.statistics_file(),
                      tmp / "statistics.csv",
                      fs::copy_options::overwrite_existing,
                      ec);
        fs::copy_file(run.filename,
                      tmp / "parameters.prm",
                      fs::copy_options::overwrite_existing,
                      ec);
        fs::remove_all(final, ec);
        fs::rename(tmp, final, ec);
        ok = !ec;
        // Keep the newest two.
        std::vector<fs::path> all;
        for (const auto &e : fs::directory_iterator(dir))
          if (e.path().filename().string().rfind("step-", 0) == 0 &&
              e.path().extension() != ".tmp")
            all.push_back(e.path());
        std::sort(all.begin(), all.end());
        for (std::size_t k = 0; k + 2 < all.size(); ++k)
          fs::remove_all(all[k], ec);
      }
    require_input(Utilities::MPI::logical_or(root && ok, d.comm),
                  run.filename + ": Checkpoint/Directory",
                  run.checkpoint.directory,
                  "a folder where a checkpoint can be renamed into place");
    return final.string();
  }


  unsigned int
  Checkpoint::remove_stale() const
  {
    unsigned int removed = 0;
    if (Utilities::MPI::this_mpi_process(d.comm) == 0)
      {
        std::error_code ec;
        if (fs::is_directory(run.checkpoint.directory, ec))
          for (const auto &e :
               fs::directory_iterator(run.checkpoint.directory, ec))
            if (e.path().filename().string().rfind("step-", 0) == 0)
              {
                fs::remove_all(e.path(), ec);
                ++removed;
              }
      }
    return Utilities::MPI::max(removed, d.comm);
  }


  std::string
  Checkpoint::locate(const std::string &folder)
  {
    const fs::path p = folder;
    if (is_checkpoint(p))
      return p.string();
    std::vector<fs::path> all;
    std::error_code       ec;
    if (fs::is_directory(p, ec))
      for (const auto &e : fs::directory_iterator(p, ec))
        if (e.path().filename().string().rfind("step-", 0) == 0 &&
            e.path().extension() != ".tmp" && is_checkpoint(e.path()))
          all.push_back(e.path());
    require_input(!all.empty(),
                  "command line: --resume",
                  folder,
                  "a checkpoint folder (with state.txt and mesh.info) or a "
                  "folder of step-NNNNNN checkpoints");
    return std::max_element(all.begin(), all.end())->string();
  }


  StepperState
  Checkpoint::read_state(const std::string &folder) const
  {
    auto        keys  = read_keys(folder + "/state.txt");
    const auto  where = "command line: --resume (" + folder + ")";
    std::string found = keys.count("format") ? keys["format"] : "none";
    require_input(found == std::to_string(checkpoint_format) &&
                    keys["version"] == septa_version,
                  where,
                  "checkpoint format " + found + ", septa " + keys["version"],
                  "a checkpoint written by septa " +
                    std::string(septa_version) + " (format " +
                    std::to_string(checkpoint_format) + ")");
    // The model: the first line that differs, if any.
    const std::string theirs = read_text(folder + "/model.txt");
    if (theirs != run.model)
      {
        std::istringstream a(run.model), b(theirs);
        std::string        la, lb;
        while (std::getline(a, la) && std::getline(b, lb) && la == lb)
          {
          }
        throw InputError(
          where + ": the checkpoint belongs to another model: " + run.filename +
          " has '" + la + "' where the checkpoint's model has '" + lb +
          "'. Resume with the parameter file of the run "
          "that wrote it (" +
          keys["parameters"] +
          "); only the sections Time, Newton, Linear "
          "solver, Output, Checkpoint and Adaptive "
          "refinement may change.");
      }
    StepperState s;
    s.time         = std::stod(keys.at("time"));
    s.dt           = std::stod(keys.at("dt"));
    s.step         = std::stoul(keys.at("step"));
    s.total_newton = std::stoul(keys.at("total_newton"));
    s.total_linear = std::stoul(keys.at("total_linear"));
    return s;
  }


  void
  Checkpoint::load_mesh(const std::string &folder)
  {
    d.triangulation.load(folder + "/mesh");
  }


  void
  Checkpoint::load_state(const std::string &folder)
  {
    parallel::distributed::SolutionTransfer<3, PETScWrappers::MPI::Vector>
      solution_transfer(d.dof_handler);
    solution_transfer.deserialize(x.solution);
    x.ghosted = x.solution;
    parallel::distributed::CellDataTransfer<3, 3, CellData> cell_transfer(
      d.triangulation, true);
    CellData packed(d.triangulation.n_active_cells());
    cell_transfer.deserialize(packed);
    points.unpack(packed, x.local);

    for (std::size_t k = 0; k < run.loads.size(); ++k)
      {
        std::ifstream       in(folder + "/load-" + std::to_string(k) + ".bin",
                         std::ios::binary | std::ios::ate);
        std::vector<double> all(in ? std::size_t(in.tellg()) / sizeof(double)
                                   : 0);
        in.seekg(0);
        in.read(reinterpret_cast<char *>(all.data()),
                all.size() * sizeof(double));
        run.loads[k]->unpack_state(all);
      }

    auto keys           = read_keys(folder + "/state.txt");
    points.history_time = std::stod(keys.at("history_time"));
    std::vector<std::pair<double, std::string>> records;
    std::ifstream                               in(folder + "/pvd.txt");
    double                                      t;
    std::string                                 file;
    while (in >> t >> file)
      records.emplace_back(t, file);
    output.resume(folder + "/statistics.csv",
                  records,
                  std::stoul(keys.at("output_counter")));
  }
} // namespace septa
