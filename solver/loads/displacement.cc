#include <core/input_error.h>
#include <core/registry.h>
#include <loads/load.h>
#include <loads/surface_patch.h>

#include <deal.II/base/function.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/numerics/vector_tools.h>

namespace septa
{
  using namespace dealii;

  /**
   * Prescribed displacement of some components on a named boundary:
   * u_c = value_c * curve(t).  Zero values clamp; a single component gives a
   * roller (e.g. 'z' on a symmetry plane normal to z).  With a patch only
   * the nodes inside it are moved: a rigid flat indenter glued to the skin
   * (a disc or a rectangle); with 'Patch profile = cosine' each node moves
   * by the values times SurfacePatch::cosine_bump, a rounded indenter whose
   * rim has no kink (no singular edge, so the deformation converges under
   * refinement).
   */
  class PrescribedDisplacement : public Load
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Boundary",
                        "bone",
                        Patterns::Anything(),
                        "Name of the boundary.");
      prm.declare_entry("Components",
                        "x, y, z",
                        Patterns::List(Patterns::Selection("x|y|z"), 1, 3),
                        "Constrained displacement components.");
      prm.declare_entry("Values",
                        "0, 0, 0",
                        Patterns::List(Patterns::Double(), 1, 3),
                        "Displacement of each listed component in m (mesh "
                        "units times 'Mesh scale'), multiplied by the load "
                        "curve.");
      prm.declare_entry("Load curve",
                        "constant",
                        Patterns::Anything(),
                        LoadCurve::documentation());
      SurfacePatch::declare_parameters(prm);
      prm.declare_entry("Patch profile",
                        "flat",
                        Patterns::Selection("flat|cosine"),
                        "'flat': every node in the patch moves by 'Values'; "
                        "'cosine': by 'Values' times (1 + cos(pi r/R))/2 for a "
                        "disc of radius R (r: distance from the centre), or "
                        "the product of such factors along the two sides of "
                        "a rectangle: a rounded indenter, deepest at the "
                        "centre, flush at the rim.");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      this->where      = where;
      boundary         = prm.get("Boundary");
      const auto comps = Utilities::split_string_list(prm.get("Components"));
      values           = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Values")));
      require_input(values.size() == comps.size(),
                    where + "/Values",
                    prm.get("Values"),
                    std::to_string(comps.size()) +
                      " numbers, one per entry of 'Components'");
      for (const auto &c : comps)
        components.push_back(c == "x" ? 0 : (c == "y" ? 1 : 2));
      curve = LoadCurve(prm.get("Load curve"), where + "/Load curve");
      patch.parse_parameters(prm, where);
      rounded = prm.get("Patch profile") == "cosine";
      require_input(!rounded || !patch.is_whole(),
                    where + "/Patch profile",
                    "cosine",
                    "'flat' with 'Patch = whole' (a cosine profile needs a "
                    "disc or a rectangle)");
    }

    void
    initialize(const BoundaryNames &boundaries) override
    {
      ids = resolve_boundary(boundaries, boundary, where + "/Boundary");
    }

    void
    prescribed_displacements(
      const double                               t,
      const DoFHandler<3>                       &dof_handler,
      std::map<types::global_dof_index, double> &out) const override
    {
      const double f = curve.value(t);
      for (unsigned int i = 0; i < components.size(); ++i)
        {
          ComponentMask mask(3, false);
          mask.set(components[i], true);
          Vector<double> v(3);
          v[components[i]] = values[i] * f;
          const Functions::ConstantFunction<3>      function(v);
          std::map<types::global_dof_index, double> values_on_boundary;
          for (const auto id : ids)
            VectorTools::interpolate_boundary_values(
              dof_handler, id, function, values_on_boundary, mask);
          if (!patch.is_whole() && support_points.empty())
            DoFTools::map_dofs_to_support_points(MappingQ1<3>(),
                                                 dof_handler,
                                                 support_points);
          for (const auto &[dof, value] : values_on_boundary)
            if (patch.is_whole())
              out[dof] = value;
            else if (const Point<3> &p = support_points.at(dof);
                     patch.contains(p))
              out[dof] = rounded ? value * patch.cosine_bump(p) : value;
        }
    }

    /// The mesh or its DoFs changed: forget the support points.
    void
    mesh_changed() override
    {
      support_points.clear();
    }

  private:
    std::string                  where, boundary;
    std::vector<unsigned int>    components;
    std::vector<double>          values;
    LoadCurve                    curve;
    std::set<types::boundary_id> ids;
    SurfacePatch                 patch;
    bool                         rounded = false;
    /// Reference positions of the dofs this rank sees (patches only).
    mutable std::map<types::global_dof_index, Point<3>> support_points;
  };

  SEPTA_REGISTER_PLUGIN(Load,
                        PrescribedDisplacement,
                        "displacement",
                        "prescribed displacement of chosen components on a "
                        "named boundary.")
} // namespace septa
