// A rigid half-space: seat, compression plate.
#include <contact/obstacle.h>
#include <core/registry.h>

namespace septa
{
  using namespace dealii;

  /// The body fills the half-space behind the plane through 'Position'
  /// with outward normal 'Axis'; the gap is the distance along it.
  class PlaneObstacle : public Obstacle
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      declare_motion(prm);
    }

  protected:
    void
    parse_shape(ParameterHandler &, const std::string &) override
    {
    }

    ObstacleProjection
    project_in_body(const Point<3> &y) const override
    {
      ObstacleProjection p;
      p.gap     = y[2];
      p.normal  = Tensor<1, 3>({0.0, 0.0, 1.0});
      p.closest = Point<3>(y[0], y[1], 0.0);
      return p;
    }
  };

  SEPTA_REGISTER_PLUGIN(Obstacle,
                        PlaneObstacle,
                        "plane",
                        "a rigid half-space (seat, compression plate) behind "
                        "the plane through 'Position' with outward normal "
                        "'Axis'.")
} // namespace septa
