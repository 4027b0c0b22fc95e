// A rigid half-space (seat, compression plate), or a plate of finite size
// with rounded edges.
#include <contact/obstacle.h>
#include <core/input_error.h>
#include <core/registry.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>

namespace septa
{
  using namespace dealii;

  /**
   * The body fills the half-space behind the plane through 'Position' with
   * outward normal 'Axis'; the gap is the distance along it.  With 'Half
   * widths' a, b > 0 it is a plate instead: its face is the rectangle
   * |x| <= a, |y| <= b of the plane (x, y the body frame's first two axes)
   * and its edges are rounded with 'Edge radius' r: the set of points
   * within r of the rectangle moved by r behind the plane, so the normal
   * turns smoothly over the rim and an edge pressed into tissue has no
   * kink (the stress under it stays finite).
   */
  class PlaneObstacle : public Obstacle
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      declare_motion(prm);
      prm.declare_entry("Half widths",
                        "0, 0",
                        Patterns::Anything(),
                        "Half sizes a, b of a finite plate along the body "
                        "frame's x and y axes in m; 0, 0: an unbounded "
                        "plane.");
      prm.declare_entry("Edge radius",
                        "0.005",
                        Patterns::Anything(),
                        "Radius of the rounded edges of a finite plate in "
                        "m.");
    }

  protected:
    void
    parse_shape(ParameterHandler &prm, const std::string &where) override
    {
      std::vector<double> v;
      try
        {
          v = Utilities::string_to_double(
            Utilities::split_string_list(prm.get("Half widths")));
        }
      catch (...)
        {
        }
      require_input(v.size() == 2 && v[0] >= 0 && v[1] >= 0 &&
                      ((v[0] > 0) == (v[1] > 0)),
                    where + "/Half widths",
                    prm.get("Half widths"),
                    "two lengths a, b in m, both > 0 (a plate) or both 0 "
                    "(an unbounded plane)");
      half[0] = v[0];
      half[1] = v[1];
      if (bounded())
        edge = read_length(prm, "Edge radius", where);
    }

    ObstacleProjection
    project_in_body(const Point<3> &y) const override
    {
      ObstacleProjection p;
      if (!bounded() ||
          (std::abs(y[0]) <= half[0] && std::abs(y[1]) <= half[1]))
        {
          p.gap     = y[2];
          p.normal  = Tensor<1, 3>({0.0, 0.0, 1.0});
          p.closest = Point<3>(y[0], y[1], 0.0);
          return p;
        }
      // Beyond the rim: the nearest point of the rectangle behind the
      // plane, then the rounded edge around it.
      const Point<3>     q(std::clamp(y[0], -half[0], half[0]),
                       std::clamp(y[1], -half[1], half[1]),
                       -edge);
      const Tensor<1, 3> d = y - q;
      const double       r = d.norm();
      p.normal             = d / r; // r > 0: y is off the rectangle
      p.gap                = r - edge;
      p.closest            = q + edge * p.normal;
      // (I - n n)(I - d q / d y) / r; q follows y along an edge, not
      // across it.
      Tensor<2, 3> follow;
      for (unsigned int k = 0; k < 2; ++k)
        if (std::abs(y[k]) < half[k])
          follow[k][k] = 1;
      p.normal_derivative =
        (Tensor<2, 3>(unit_symmetric_tensor<3>()) -
         outer_product(p.normal, p.normal)) *
        (Tensor<2, 3>(unit_symmetric_tensor<3>()) - follow) / r;
      return p;
    }

  private:
    bool
    bounded() const
    {
      return half[0] > 0;
    }

    double half[2] = {0, 0}, edge = 0;
  };

  SEPTA_REGISTER_PLUGIN(Obstacle,
                        PlaneObstacle,
                        "plane",
                        "a rigid half-space (seat, compression plate) behind "
                        "the plane through 'Position' with outward normal "
                        "'Axis', or with 'Half widths' a plate of that size "
                        "with rounded edges.")
} // namespace septa
