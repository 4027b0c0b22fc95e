// A rigid torus: the rim of a suction cup.
#include <contact/obstacle.h>
#include <core/registry.h>

#include <cmath>

namespace septa
{
  using namespace dealii;

  /// The points within 'Minor radius' of the circle of 'Radius' about
  /// 'Axis' through 'Position' (a torus): a suction cup's rim.
  class RingObstacle : public Obstacle
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      declare_motion(prm);
      prm.declare_entry("Radius",
                        "0.02",
                        Patterns::Anything(),
                        "Radius of the rim's centre line in m.");
      prm.declare_entry("Minor radius",
                        "0.002",
                        Patterns::Anything(),
                        "Radius of the rim's cross-section in m (smaller "
                        "than 'Radius').");
    }

  protected:
    void
    parse_shape(ParameterHandler &prm, const std::string &where) override
    {
      radius = read_length(prm, "Radius", where);
      minor  = read_length(prm, "Minor radius", where);
      require_input(minor < radius,
                    where + "/Minor radius",
                    prm.get("Minor radius"),
                    "a radius smaller than 'Radius'");
    }

    ObstacleProjection
    project_in_body(const Point<3> &y) const override
    {
      // The closest point of the centre circle, then of the tube around it.
      const double   rho = std::hypot(y[0], y[1]);
      const Point<3> c =
        rho > 0 ? Point<3>(radius * y[0] / rho, radius * y[1] / rho, 0)
                : Point<3>(radius, 0, 0);
      const Tensor<1, 3> d = y - c;
      const double       r = d.norm();
      ObstacleProjection p;
      p.normal  = r > 0 ? d / r : Tensor<1, 3>({0.0, 0.0, 1.0});
      p.gap     = r - minor;
      p.closest = c + minor * p.normal;
      if (r > 0 && rho > 0)
        {
          // d n / d y = (I - n n)(I - d c / d y) / r, where the centre-line
          // point turns with y: d c / d y = (R / rho) e_theta e_theta.
          const Tensor<1, 3> e_theta({-y[1] / rho, y[0] / rho, 0.0});
          p.normal_derivative =
            (Tensor<2, 3>(unit_symmetric_tensor<3>()) -
             outer_product(p.normal, p.normal) -
             (radius / rho) * outer_product(e_theta, e_theta)) /
            r;
        }
      return p;
    }

  private:
    double radius = 0, minor = 0;
  };

  SEPTA_REGISTER_PLUGIN(Obstacle,
                        RingObstacle,
                        "ring",
                        "a rigid torus: the rim of a suction cup, 'Radius' "
                        "and 'Minor radius' about 'Axis' through 'Position'.")
} // namespace septa
