// The sections that control how a run proceeds rather than what it models:
// checkpoints and adaptive refinement.
#include <core/input_error.h>
#include <core/parameters.h>

#include <deal.II/base/utilities.h>

#include <set>
#include <sstream>

namespace septa
{
  using namespace dealii;

  void
  RunParameters::declare_run_control(ParameterHandler &prm)
  {
    prm.enter_subsection("Checkpoint");
    prm.declare_entry("Every n steps",
                      "0",
                      Patterns::Integer(0),
                      "Write a checkpoint every n converged steps (0: off). "
                      "A checkpoint is also written on SIGTERM or SIGUSR1, "
                      "after which septa exits with code 75.");
    prm.declare_entry("Every minutes",
                      "0",
                      Patterns::Double(0.0),
                      "Write a checkpoint after a step when this much wall "
                      "time has passed since the last one (0: off).");
    prm.declare_entry("Directory",
                      "",
                      Patterns::Anything(),
                      "Folder of the checkpoints, one subfolder "
                      "step-NNNNNN each, the last two kept (empty: "
                      "<Output/Directory>/checkpoints). Resume with "
                      "'septa FILE.prm --resume FOLDER'.");
    prm.leave_subsection();

    prm.enter_subsection("Adaptive refinement");
    prm.declare_entry("Every n steps",
                      "0",
                      Patterns::Integer(0),
                      "Refine and coarsen the mesh after every n-th "
                      "converged step (0: never). Displacements and every "
                      "quadrature-point history move to the new mesh.");
    prm.declare_entry("Indicators",
                      "kelly",
                      Patterns::MultipleSelection("kelly|layer interfaces"),
                      "kelly: Kelly's error estimator of the displacement "
                      "(jumps of its gradient across faces) marks the cells "
                      "to refine and coarsen. layer interfaces: every cell "
                      "with a face on a cell of another layer is refined.");
    prm.declare_entry("Refine fraction",
                      "0.3",
                      Patterns::Double(0.0, 1.0),
                      "Kelly: fraction of the cells (by number) with the "
                      "largest indicator that are refined.");
    prm.declare_entry("Coarsen fraction",
                      "0",
                      Patterns::Double(0.0, 1.0),
                      "Kelly: fraction of the cells with the smallest "
                      "indicator that are coarsened.");
    prm.declare_entry("Max level",
                      "2",
                      Patterns::Integer(0, 10),
                      "No cell is refined more than this many times beyond "
                      "the mesh the geometry creates (Global refinements "
                      "count).");
    prm.declare_entry("Interface layers",
                      "",
                      Patterns::List(Patterns::Anything()),
                      "layer interfaces: only interfaces with one of these "
                      "layers on a side (empty: every interface).");
    prm.leave_subsection();
  }


  void
  RunParameters::parse_run_control(ParameterHandler &prm)
  {
    const std::string f = filename;
    prm.enter_subsection("Checkpoint");
    checkpoint.every_steps   = prm.get_integer("Every n steps");
    checkpoint.every_minutes = prm.get_double("Every minutes");
    checkpoint.directory     = Utilities::trim(prm.get("Directory"));
    if (checkpoint.directory.empty())
      checkpoint.directory = output.directory + "/checkpoints";
    prm.leave_subsection();

    prm.enter_subsection("Adaptive refinement");
    auto &r             = refinement;
    r.every             = prm.get_integer("Every n steps");
    const auto selected = Utilities::split_string_list(prm.get("Indicators"));
    r.kelly             = false;
    r.interfaces        = false;
    for (const auto &s : selected)
      {
        r.kelly      = r.kelly || s == "kelly";
        r.interfaces = r.interfaces || s == "layer interfaces";
      }
    require_input(r.every == 0 || r.kelly || r.interfaces,
                  f + ": Adaptive refinement/Indicators",
                  prm.get("Indicators"),
                  "kelly and/or layer interfaces when 'Every n steps' > 0");
    r.refine_fraction  = prm.get_double("Refine fraction");
    r.coarsen_fraction = prm.get_double("Coarsen fraction");
    require_input(r.refine_fraction + r.coarsen_fraction <= 1.0,
                  f + ": Adaptive refinement/Coarsen fraction",
                  prm.get("Coarsen fraction"),
                  "at most 1 - 'Refine fraction'");
    r.max_level = prm.get_integer("Max level");
    r.interface_layers =
      Utilities::split_string_list(prm.get("Interface layers"));
    for (const auto &layer : r.interface_layers)
      {
        bool known = false;
        for (const auto &name : layer_names)
          known = known || name == layer;
        std::string names;
        for (const auto &name : layer_names)
          names += (names.empty() ? "" : ", ") + name;
        require_input(known,
                      f + ": Adaptive refinement/Interface layers",
                      layer,
                      "names of layers of the geometry (" + names + ")");
      }
    prm.leave_subsection();
  }


  void
  RunParameters::record_model(const ParameterHandler &prm)
  {
    // Every entry of the file as 'section/.../entry = value', without the
    // sections that do not change the model's solution.
    std::ostringstream all;
    prm.print_parameters(all, ParameterHandler::ShortPRM);
    const std::set<std::string> skipped = {"Time",
                                           "Newton",
                                           "Linear solver",
                                           "Output",
                                           "Checkpoint",
                                           "Adaptive refinement"};
    std::vector<std::string>    path;
    std::istringstream          in(all.str());
    std::string                 line;
    model.clear();
    while (std::getline(in, line))
      {
        line = Utilities::trim(line);
        if (line.rfind("subsection ", 0) == 0)
          path.push_back(Utilities::trim(line.substr(11)));
        else if (line == "end")
          {
            if (!path.empty())
              path.pop_back();
          }
        else if (line.rfind("set ", 0) == 0 &&
                 !(path.size() > 0 && skipped.count(path[0])))
          {
            std::string key;
            for (const auto &p : path)
              key += p + "/";
            model += key + Utilities::trim(line.substr(4)) + "\n";
          }
      }
  }
} // namespace septa
