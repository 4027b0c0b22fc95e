#include <core/input_error.h>
#include <loads/surface_patch.h>

#include <deal.II/base/numbers.h>
#include <deal.II/base/utilities.h>

#include <cmath>

namespace septa
{
  using namespace dealii;

  void
  SurfacePatch::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Patch",
                      "whole",
                      Patterns::Selection("whole|disc|rectangle"),
                      "Part of the boundary that is loaded: 'whole', a 'disc' "
                      "or a 'rectangle' in the plane normal to 'Patch axis' "
                      "(reference configuration).");
    prm.declare_entry("Patch axis",
                      "z",
                      Patterns::Selection("x|y|z"),
                      "Axis normal to the plane of the patch.");
    prm.declare_entry("Patch center",
                      "0, 0, 0",
                      Patterns::List(Patterns::Double(), 3, 3),
                      "Centre of the patch in m (the coordinate along the "
                      "axis is ignored).");
    prm.declare_entry("Patch radius",
                      "0.01",
                      Patterns::Double(0.0),
                      "Radius of a disc patch in m.");
    prm.declare_entry("Patch size",
                      "0.01, 0.01",
                      Patterns::List(Patterns::Double(0.0), 2, 2),
                      "Side lengths of a rectangle patch in m, along the two "
                      "other axes in the order x, y, z.");
  }


  void
  SurfacePatch::parse_parameters(ParameterHandler  &prm,
                                 const std::string &where)
  {
    const std::string s = prm.get("Patch");
    shape               = (s == "whole" ? Shape::whole
                                        : (s == "disc" ? Shape::disc : Shape::rectangle));
    const std::string a = prm.get("Patch axis");
    axis                = (a == "x" ? 0 : (a == "y" ? 1 : 2));
    const auto c        = Utilities::string_to_double(
      Utilities::split_string_list(prm.get("Patch center")));
    center          = Point<3>(c[0], c[1], c[2]);
    radius          = prm.get_double("Patch radius");
    const auto size = Utilities::string_to_double(
      Utilities::split_string_list(prm.get("Patch size")));
    half_size[0] = 0.5 * size[0];
    half_size[1] = 0.5 * size[1];
    require_input(shape != Shape::disc || radius > 0,
                  where + "/Patch radius",
                  prm.get("Patch radius"),
                  "a positive radius for a disc patch");
    require_input(shape != Shape::rectangle ||
                    (half_size[0] > 0 && half_size[1] > 0),
                  where + "/Patch size",
                  prm.get("Patch size"),
                  "two positive lengths for a rectangle patch");
  }


  std::pair<double, double>
  SurfacePatch::offsets(const Point<3> &p) const
  {
    const unsigned int a0 = (axis + 1) % 3, a1 = (axis + 2) % 3;
    // In-plane axes in increasing order so that 'Patch size' reads x, y, z.
    const unsigned int i0 = std::min(a0, a1), i1 = std::max(a0, a1);
    return {p[i0] - center[i0], p[i1] - center[i1]};
  }


  bool
  SurfacePatch::contains(const Point<3> &p) const
  {
    if (shape == Shape::whole)
      return true;
    const auto [d0, d1] = offsets(p);
    if (shape == Shape::disc)
      return d0 * d0 + d1 * d1 <= radius * radius;
    return std::abs(d0) <= half_size[0] && std::abs(d1) <= half_size[1];
  }


  double
  SurfacePatch::cosine_bump(const Point<3> &p) const
  {
    if (shape == Shape::whole)
      return 1;
    if (!contains(p))
      return 0;
    const auto [d0, d1] = offsets(p);
    const auto bump     = [](const double s) {
      return 0.5 * (1 + std::cos(numbers::PI * s));
    };
    if (shape == Shape::disc)
      return bump(std::sqrt(d0 * d0 + d1 * d1) / radius);
    return bump(std::abs(d0) / half_size[0]) *
           bump(std::abs(d1) / half_size[1]);
  }
} // namespace septa
