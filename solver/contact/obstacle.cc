#include <contact/obstacle.h>
#include <core/input_error.h>

#include <deal.II/base/utilities.h>

#include <cmath>

namespace septa
{
  using namespace dealii;

  void
  Obstacle::declare_motion(ParameterHandler &prm)
  {
    prm.declare_entry("Position",
                      "0, 0, 0",
                      Patterns::List(Patterns::Double(), 3, 3),
                      "Reference point of the body at t = 0, x, y, z in m "
                      "(plane: a point of it; sphere, ring: the centre; "
                      "cylinder: the middle of its axis).");
    prm.declare_entry("Axis",
                      "0, 0, 1",
                      Patterns::List(Patterns::Double(), 3, 3),
                      "Axis of the body (normalised): plane: its normal, "
                      "pointing out of the body towards the tissue; "
                      "cylinder: its axis; ring: the normal of its plane.");
    prm.declare_entry("Translation",
                      "0: 0, 0, 0",
                      Patterns::Anything(),
                      "Displacement of the reference point as a "
                      "piecewise-linear curve of time, 't: x, y, z; t: x, "
                      "y, z; ...' (s: m), constant outside the table.");
    prm.declare_entry("Rotation",
                      "0:0",
                      Patterns::Anything(),
                      "Angle of rotation about the axis (rad) as a load "
                      "curve 't0:a0, t1:a1, ...' (a roller of radius R "
                      "rolling a distance s turns by s / R).");
  }


  void
  Obstacle::parse_parameters(ParameterHandler &prm, const std::string &where)
  {
    const auto vec = [&](const std::string &entry) {
      const auto v = Utilities::string_to_double(
        Utilities::split_string_list(prm.get(entry)));
      return Tensor<1, 3>({v[0], v[1], v[2]});
    };
    origin = Point<3>(vec("Position"));
    e[2]   = vec("Axis");
    require_input(e[2].norm() > 0,
                  where + "/Axis",
                  prm.get("Axis"),
                  "a non-zero vector x, y, z");
    e[2] /= e[2].norm();
    // Any unit vector across the axis, and the third one.
    const Tensor<1, 3> trial = std::abs(e[2][0]) < 0.9
                                 ? Tensor<1, 3>({1.0, 0.0, 0.0})
                                 : Tensor<1, 3>({0.0, 1.0, 0.0});
    e[0]                     = trial - (trial * e[2]) * e[2];
    e[0] /= e[0].norm();
    e[1] = cross_product_3d(e[2], e[0]);

    // 't: x, y, z; ...' -> three load curves.
    const std::string text = prm.get("Translation");
    const std::string allowed =
      "'t: x, y, z' entries separated by ';' with increasing times";
    std::vector<double> times, values[3];
    for (const auto &knot : Utilities::split_string_list(text, ';'))
      {
        const auto colon = knot.find(':');
        require_input(colon != std::string::npos,
                      where + "/Translation",
                      text,
                      allowed);
        std::vector<double> v;
        try
          {
            times.push_back(Utilities::string_to_double(knot.substr(0, colon)));
            v = Utilities::string_to_double(
              Utilities::split_string_list(knot.substr(colon + 1)));
          }
        catch (...)
          {
          }
        require_input(v.size() == 3 && (times.size() < 2 ||
                                        times.back() > times[times.size() - 2]),
                      where + "/Translation",
                      text,
                      allowed);
        for (unsigned int d = 0; d < 3; ++d)
          values[d].push_back(v[d]);
      }
    require_input(!times.empty(), where + "/Translation", text, allowed);
    for (unsigned int d = 0; d < 3; ++d)
      translation[d] = LoadCurve(times, values[d]);
    rotation = LoadCurve(prm.get("Rotation"), where + "/Rotation");
    parse_shape(prm, where);
  }


  double
  Obstacle::read_length(ParameterHandler  &prm,
                        const std::string &entry,
                        const std::string &where,
                        const bool         zero_allowed)
  {
    double v = -1;
    try
      {
        v = Utilities::string_to_double(prm.get(entry));
      }
    catch (...)
      {
      }
    require_input(zero_allowed ? v >= 0 : v > 0,
                  where + "/" + entry,
                  prm.get(entry),
                  zero_allowed ? "a length >= 0 in m"
                               : "a positive length in m");
    return v;
  }


  Point<3>
  Obstacle::position(const double t) const
  {
    Point<3> p = origin;
    for (unsigned int d = 0; d < 3; ++d)
      p[d] += translation[d].value(t);
    return p;
  }


  void
  Obstacle::frame(const double t, Tensor<1, 3> (&b)[3]) const
  {
    const double a = rotation.value(t), c = std::cos(a), s = std::sin(a);
    b[0] = c * e[0] + s * e[1];
    b[1] = -s * e[0] + c * e[1];
    b[2] = e[2];
  }


  Point<3>
  Obstacle::to_body(const Point<3> &x, const double t) const
  {
    Tensor<1, 3> b[3];
    frame(t, b);
    const Tensor<1, 3> r = x - position(t);
    return Point<3>(r * b[0], r * b[1], r * b[2]);
  }


  Point<3>
  Obstacle::to_world(const Point<3> &y, const double t) const
  {
    Tensor<1, 3> b[3];
    frame(t, b);
    Point<3> x = position(t);
    for (unsigned int k = 0; k < 3; ++k)
      x += y[k] * b[k];
    return x;
  }


  ObstacleProjection
  Obstacle::project(const Point<3> &x, const double t) const
  {
    Tensor<1, 3> b[3];
    frame(t, b);
    const Point<3>     o = position(t);
    const Tensor<1, 3> r = x - o;
    const Point<3>     y(r * b[0], r * b[1], r * b[2]);
    const auto         local = project_in_body(y);
    ObstacleProjection out;
    out.gap     = local.gap;
    out.closest = o;
    for (unsigned int k = 0; k < 3; ++k)
      {
        out.normal += local.normal[k] * b[k];
        out.closest += local.closest[k] * b[k];
        for (unsigned int l = 0; l < 3; ++l)
          out.normal_derivative +=
            local.normal_derivative[k][l] * outer_product(b[k], b[l]);
      }
    return out;
  }
} // namespace septa
