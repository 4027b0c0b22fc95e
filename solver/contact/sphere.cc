// A rigid ball: indentation probe, fingertip.
#include <contact/obstacle.h>
#include <core/input_error.h>
#include <core/registry.h>

namespace septa
{
  using namespace dealii;

  class SphereObstacle : public Obstacle
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      declare_motion(prm);
      prm.declare_entry("Radius",
                        "0.0025",
                        Patterns::Anything(),
                        "Radius in m.");
    }

  protected:
    void
    parse_shape(ParameterHandler &prm, const std::string &where) override
    {
      radius = read_length(prm, "Radius", where);
    }

    ObstacleProjection
    project_in_body(const Point<3> &y) const override
    {
      const double       r = y.norm();
      ObstacleProjection p;
      // At the centre every direction is closest: take the axis.
      p.normal  = r > 0 ? Tensor<1, 3>(y) / r : Tensor<1, 3>({0.0, 0.0, 1.0});
      p.gap     = r - radius;
      p.closest = Point<3>(radius * p.normal);
      if (r > 0)
        p.normal_derivative = (Tensor<2, 3>(unit_symmetric_tensor<3>()) -
                               outer_product(p.normal, p.normal)) /
                              r;
      return p;
    }

  private:
    double radius = 0;
  };

  SEPTA_REGISTER_PLUGIN(Obstacle,
                        SphereObstacle,
                        "sphere",
                        "a rigid ball of 'Radius' centred at 'Position' "
                        "(indentation probe, fingertip).")
} // namespace septa
