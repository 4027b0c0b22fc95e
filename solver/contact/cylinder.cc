// A rigid roller of finite length with rounded (hemispherical) ends.
#include <contact/obstacle.h>
#include <core/registry.h>

#include <algorithm>

namespace septa
{
  using namespace dealii;

  /// The points within 'Radius' of the segment of 'Length' along 'Axis'
  /// through 'Position' (a capsule): a roller whose ends are rounded, so
  /// that its surface has no edge to cut the skin.
  class CylinderObstacle : public Obstacle
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      declare_motion(prm);
      prm.declare_entry("Radius",
                        "0.015",
                        Patterns::Anything(),
                        "Radius in m.");
      prm.declare_entry("Length",
                        "0.05",
                        Patterns::Anything(),
                        "Length of the straight part in m (the rounded ends "
                        "add a radius at each end).");
    }

  protected:
    void
    parse_shape(ParameterHandler &prm, const std::string &where) override
    {
      radius = read_length(prm, "Radius", where);
      length = read_length(prm, "Length", where, true);
    }

    ObstacleProjection
    project_in_body(const Point<3> &y) const override
    {
      const double       s = std::clamp(y[2], -0.5 * length, 0.5 * length);
      const Tensor<1, 3> d = y - Point<3>(0.0, 0.0, s);
      const double       r = d.norm();
      ObstacleProjection p;
      p.normal  = r > 0 ? d / r : Tensor<1, 3>({1.0, 0.0, 0.0});
      p.gap     = r - radius;
      p.closest = Point<3>(0.0, 0.0, s) + radius * p.normal;
      if (r > 0)
        {
          // Along the straight part the normal does not turn with the axial
          // coordinate; on the rounded ends it turns like a sphere's.
          const Tensor<1, 3> axis({0.0, 0.0, 1.0});
          p.normal_derivative = Tensor<2, 3>(unit_symmetric_tensor<3>()) -
                                outer_product(p.normal, p.normal);
          if (std::abs(y[2]) < 0.5 * length)
            p.normal_derivative -= outer_product(axis, axis);
          p.normal_derivative /= r;
        }
      return p;
    }

  private:
    double radius = 0, length = 0;
  };

  SEPTA_REGISTER_PLUGIN(Obstacle,
                        CylinderObstacle,
                        "cylinder",
                        "a rigid roller: 'Radius', 'Length' along 'Axis' "
                        "through 'Position', rounded ends.")
} // namespace septa
