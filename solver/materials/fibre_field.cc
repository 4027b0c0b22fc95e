#include <core/input_error.h>
#include <materials/fibre_field.h>

#include <deal.II/base/utilities.h>

#include <cmath>

namespace septa
{
  namespace
  {
    /// "x0, y0, z0; x1, y1, z1" -> two points, or an InputError.
    void
    parse_line(const std::string &text,
               const std::string &where,
               dealii::Point<3>   points[2])
    {
      const auto ends = dealii::Utilities::split_string_list(text, ';');
      bool       ok   = ends.size() == 2;
      for (unsigned int e = 0; ok && e < 2; ++e)
        {
          const auto v = dealii::Utilities::split_string_list(ends[e], ',');
          ok           = v.size() == 3;
          for (unsigned int d = 0; ok && d < 3; ++d)
            try
              {
                points[e][d] = dealii::Utilities::string_to_double(v[d]);
              }
            catch (...)
              {
                ok = false;
              }
        }
      require_input(ok,
                    where,
                    text,
                    "two end points 'x0, y0, z0; x1, y1, z1' in m");
    }
  } // namespace


  void
  FibreField::declare_parameters(dealii::ParameterHandler &prm)
  {
    prm.declare_entry(
      "Fibre field",
      "constant",
      dealii::Patterns::Selection("constant|origin-insertion|mesh"),
      "Source of the first fibre direction of this layer: 'constant' "
      "('Fibre direction'), 'origin-insertion' (fibres from 'Origin line' "
      "to 'Insertion line', one direction per cell) or 'mesh' (one "
      "direction per cell from the mesh file: Gmsh element data, see "
      "Geometry/Fibre data).");
    prm.declare_entry("Origin line",
                      "",
                      dealii::Patterns::Anything(),
                      "Origin of the muscle fibres (e.g. sacrum and iliac "
                      "crest) as a segment 'x0, y0, z0; x1, y1, z1' in m "
                      "(reference configuration).");
    prm.declare_entry("Insertion line",
                      "",
                      dealii::Patterns::Anything(),
                      "Insertion of the fibres (e.g. gluteal tuberosity and "
                      "iliotibial band), 'x0, y0, z0; x1, y1, z1' in m; its "
                      "first point pairs with the origin's first point.");
  }


  void
  FibreField::parse_parameters(dealii::ParameterHandler &prm,
                               const std::string        &where)
  {
    const std::string t = prm.get("Fibre field");
    kind                = t == "constant"
                            ? Type::constant
                            : (t == "mesh" ? Type::mesh : Type::origin_insertion);
    if (kind != Type::origin_insertion)
      return;
    parse_line(prm.get("Origin line"), where + "/Origin line", origin);
    parse_line(prm.get("Insertion line"), where + "/Insertion line", insertion);
    for (unsigned int e = 0; e < 2; ++e)
      require_input((insertion[e] - origin[e]).norm() > 0,
                    where + "/Insertion line",
                    prm.get("Insertion line"),
                    "end points different from those of the 'Origin line'");
  }


  dealii::Tensor<1, 3>
  FibreField::direction(const dealii::Point<3> &x) const
  {
    // Distance of x to the line through O(s) and I(s).
    const auto distance = [&](const double s) {
      const dealii::Point<3> o = origin[0] + s * (origin[1] - origin[0]);
      const dealii::Point<3> i =
        insertion[0] + s * (insertion[1] - insertion[0]);
      const dealii::Tensor<1, 3> d = (i - o) / (i - o).norm();
      const dealii::Tensor<1, 3> r = x - o;
      return (r - (r * d) * d).norm();
    };
    // Coarse search, then golden section around the best sample.
    double best = 0, best_distance = distance(0);
    for (unsigned int k = 1; k <= 100; ++k)
      if (distance(k / 100.0) < best_distance)
        {
          best          = k / 100.0;
          best_distance = distance(best);
        }
    double       a = std::max(0.0, best - 0.01), b = std::min(1.0, best + 0.01);
    const double r = 0.5 * (std::sqrt(5.0) - 1.0);
    for (unsigned int k = 0; k < 60; ++k)
      {
        const double c = b - r * (b - a), d = a + r * (b - a);
        if (distance(c) < distance(d))
          b = d;
        else
          a = c;
      }
    const double         s = 0.5 * (a + b);
    dealii::Tensor<1, 3> v =
      (insertion[0] + s * (insertion[1] - insertion[0])) -
      (origin[0] + s * (origin[1] - origin[0]));
    return v / v.norm();
  }
} // namespace septa
