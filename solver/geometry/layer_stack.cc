#include <core/input_error.h>
#include <geometry/layer_stack.h>

#include <deal.II/grid/grid_generator.h>

#include <cmath>
#include <numeric>

namespace septa
{
  using namespace dealii;

  namespace
  {
    /// @p n cell sizes over @p length growing geometrically from the first
    /// to the last by the factor @p ratio (uniform for ratio 1).
    std::vector<double>
    graded(const double length, const unsigned int n, const double ratio)
    {
      std::vector<double> sizes(n, length / n);
      if (ratio > 1 && n > 1)
        {
          const double q = std::pow(ratio, 1.0 / (n - 1));
          double       s = length * (q - 1) / (std::pow(q, n) - 1);
          for (auto &size : sizes)
            size = s, s *= q;
        }
      return sizes;
    }
  } // namespace

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


  unsigned int
  LayerStack::layer_at(const double z) const
  {
    double       top = 0;
    unsigned int l   = 0;
    for (; l + 1 < names.size(); ++l)
      {
        top += thicknesses[l];
        if (z < top)
          break;
      }
    return l;
  }


  void
  create_layered_block(parallel::distributed::Triangulation<3> &tria,
                       const LayerStack                        &layers,
                       const Footprint                         &footprint,
                       const std::array<double, 3>             &grading,
                       const bool                               centered)
  {
    std::vector<std::vector<double>> steps(3);
    for (unsigned int d = 0; d < 2; ++d)
      if (centered && grading[d] > 1)
        {
          // Symmetric: fine at the centre, coarse at both sides.
          auto half =
            graded(0.5 * footprint.size[d], footprint.cells[d] / 2, grading[d]);
          steps[d].assign(half.rbegin(), half.rend());
          steps[d].insert(steps[d].end(), half.begin(), half.end());
        }
      else
        steps[d] = graded(footprint.size[d], footprint.cells[d], grading[d]);
    for (unsigned int l = 0; l < layers.names.size(); ++l)
      {
        // Fine at the top of the layer.
        const auto cells =
          graded(layers.thicknesses[l], layers.cells[l], grading[2]);
        steps[2].insert(steps[2].end(), cells.rbegin(), cells.rend());
      }
    const double   height = std::accumulate(layers.thicknesses.begin(),
                                          layers.thicknesses.end(),
                                          0.0);
    const Point<3> lower(centered ? -0.5 * footprint.size[0] : 0.0,
                         centered ? -0.5 * footprint.size[1] : 0.0,
                         0.0);
    const Point<3> upper(lower[0] + footprint.size[0],
                         lower[1] + footprint.size[1],
                         height);
    GridGenerator::subdivided_hyper_rectangle(tria, steps, lower, upper, true);
    for (const auto &cell : tria.active_cell_iterators())
      cell->set_material_id(layers.layer_at(cell->center()[2]));
  }
} // namespace septa
