#include <core/input_error.h>
#include <geometry/layer_stack.h>

namespace septa
{
  using namespace dealii;

  void
  LayerStack::declare_parameters(ParameterHandler  &prm,
                                 const std::string &default_names,
                                 const std::string &default_thicknesses,
                                 const std::string &default_cells,
                                 const std::string &names_doc,
                                 const unsigned int min_layers)
  {
    prm.declare_entry("Layer names",
                      default_names,
                      Patterns::List(Patterns::Anything(), min_layers),
                      names_doc + " Each name needs a subsection in "
                                  "'Materials'.");
    prm.declare_entry("Layer thicknesses",
                      default_thicknesses,
                      Patterns::List(Patterns::Double(), min_layers),
                      "Thickness of each layer in mesh units (> 0).");
    prm.declare_entry("Layer cells",
                      default_cells,
                      Patterns::List(Patterns::Integer(), min_layers),
                      "Coarse cells through the thickness of each layer "
                      "(>= 1), before global refinement.");
  }


  void
  LayerStack::parse_parameters(ParameterHandler &prm, const std::string &where)
  {
    names       = Utilities::split_string_list(prm.get("Layer names"));
    thicknesses = Utilities::string_to_double(
      Utilities::split_string_list(prm.get("Layer thicknesses")));
    const auto n = Utilities::string_to_int(
      Utilities::split_string_list(prm.get("Layer cells")));
    const std::string per_layer =
      std::to_string(names.size()) + " values, one per entry of 'Layer names'";
    require_input(thicknesses.size() == names.size(),
                  where + "/Layer thicknesses",
                  prm.get("Layer thicknesses"),
                  per_layer);
    require_input(n.size() == names.size(),
                  where + "/Layer cells",
                  prm.get("Layer cells"),
                  per_layer);
    for (const double t : thicknesses)
      require_input(t > 0,
                    where + "/Layer thicknesses",
                    prm.get("Layer thicknesses"),
                    "positive thicknesses");
    for (const int c : n)
      require_input(c >= 1,
                    where + "/Layer cells",
                    prm.get("Layer cells"),
                    "integers >= 1");
    cells.assign(n.begin(), n.end());
    for (unsigned int i = 0; i < names.size(); ++i)
      for (unsigned int j = 0; j < i; ++j)
        require_input(names[i] != names[j],
                      where + "/Layer names",
                      prm.get("Layer names"),
                      "distinct names");
  }


  void
  Footprint::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Lateral size",
                      "0.04, 0.04",
                      Patterns::List(Patterns::Double(), 2, 2),
                      "Size in x and y in mesh units (> 0).");
    prm.declare_entry("Lateral cells",
                      "4, 4",
                      Patterns::List(Patterns::Integer(), 2, 2),
                      "Coarse cells in x and y (>= 1).");
  }


  void
  Footprint::parse_parameters(ParameterHandler &prm, const std::string &where)
  {
    size = Utilities::string_to_double(
      Utilities::split_string_list(prm.get("Lateral size")));
    for (const double l : size)
      require_input(l > 0,
                    where + "/Lateral size",
                    prm.get("Lateral size"),
                    "two positive values");
    const auto n = Utilities::string_to_int(
      Utilities::split_string_list(prm.get("Lateral cells")));
    for (const int c : n)
      require_input(c >= 1,
                    where + "/Lateral cells",
                    prm.get("Lateral cells"),
                    "two integers >= 1");
    cells.assign(n.begin(), n.end());
  }


  std::map<std::string, std::set<types::boundary_id>>
  Footprint::boundary_names()
  {
    return {{"x-", {0}},
            {"x+", {1}},
            {"y-", {2}},
            {"y+", {3}},
            {"bone", {4}},
            {"skin", {5}},
            {"lateral", {0, 1, 2, 3}}};
  }
} // namespace septa
