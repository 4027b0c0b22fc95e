#include <core/registry.h>
#include <geometry/geometry.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>

namespace septa
{
  using namespace dealii;

  /**
   * Cook's tapered membrane (Cook 1974), extruded one cell in z: corners
   * (0,0), (48,44), (48,60), (0,44) in mesh units (mm with 'Mesh scale' =
   * 1e-3).  Boundaries 'left' (clamped edge), 'right' (loaded edge),
   * 'bottom', 'top', 'back' (z = 0) and 'front' (z = thickness).  A
   * verification geometry with a single layer 'solid'.
   */
  class CookMembrane : public Geometry
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Elements per edge",
                        "8",
                        Patterns::Integer(1),
                        "Cells along each in-plane edge.");
      prm.declare_entry("Thickness",
                        "1",
                        Patterns::Double(0.0),
                        "Out-of-plane thickness in mesh units.");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &) override
    {
      n         = prm.get_integer("Elements per edge");
      thickness = prm.get_double("Thickness");
    }

    void
    create(parallel::distributed::Triangulation<3> &tria) const override
    {
      GridGenerator::subdivided_hyper_rectangle(
        tria, {n, n, 1}, Point<3>(), Point<3>(1.0, 1.0, thickness), true);
      // Map the unit square onto the trapezoid: x = 48 s, lower edge y = 44 s,
      // upper edge y = 44 + 16 s.
      GridTools::transform(
        [](const Point<3> &p) {
          const double x  = 48.0 * p[0];
          const double y0 = 44.0 * p[0];
          const double y1 = 44.0 + 16.0 * p[0];
          return Point<3>(x, y0 + p[1] * (y1 - y0), p[2]);
        },
        tria);
      for (const auto &cell : tria.active_cell_iterators())
        cell->set_material_id(0);
    }

    std::vector<std::string>
    layer_names() const override
    {
      return {"solid"};
    }

    std::map<std::string, std::set<types::boundary_id>>
    boundary_names() const override
    {
      return {{"left", {0}},
              {"right", {1}},
              {"bottom", {2}},
              {"top", {3}},
              {"back", {4}},
              {"front", {5}}};
    }

  private:
    unsigned int n         = 8;
    double       thickness = 1.0;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        CookMembrane,
                        "Cook membrane",
                        "Cook's tapered membrane benchmark (verification).")
} // namespace septa
