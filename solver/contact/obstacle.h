#pragma once

#include <core/load_curve.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <string>

namespace septa
{
  /// Where a point is relative to an obstacle's surface.
  struct ObstacleProjection
  {
    /// Signed distance to the surface (m): positive outside the obstacle,
    /// negative inside (penetration).
    double gap = 0;
    /// Unit outward normal of the surface at the closest point.
    dealii::Tensor<1, 3> normal;
    /// Closest point of the surface.
    dealii::Point<3> closest;
    /// Derivative of the normal with respect to the point, d normal / d x
    /// (symmetric; zero on flat parts, (I - n (x) n) / rho on a sphere of
    /// radius rho about the nearest centre): the curvature term of the
    /// consistent contact tangent.
    dealii::Tensor<2, 3> normal_derivative;
  };

  /**
   * A rigid body with an analytic surface that tissue may touch (seat,
   * plate, probe, roller, suction-cup rim), one plugin per shape picked by
   * 'Shape'.  Each shape describes itself in a body frame in which its axis
   * is z and its reference point the origin (project_in_body()); the body
   * moves rigidly: its reference point is 'Position' + the 'Translation'
   * curve of time and it turns about its own axis by the 'Rotation' angle
   * curve (a roller rolls by turning while it translates).  The closest
   * point is exact for every shape (no iteration), so contact needs no
   * search beyond the faces near the body.
   */
  class Obstacle
  {
  public:
    virtual ~Obstacle() = default;

    /// The entries every shape has (position, axis, motion); shapes call
    /// it from their declare_parameters().
    static void
    declare_motion(dealii::ParameterHandler &prm);

    /// Read the motion entries and then the shape's own ones.
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// Closest point, gap and normal of @p x (reference-frame point in m,
    /// e.g. a deformed skin point) at time @p t.
    ObstacleProjection
    project(const dealii::Point<3> &x, const double t) const;

    /// Position of the reference point at time @p t.
    dealii::Point<3>
    position(const double t) const;

    /// Coordinates in the body frame at time @p t of the world point @p x,
    /// and back: a point fixed to the body (a friction anchor) keeps its
    /// body coordinates while the body moves.
    dealii::Point<3>
    to_body(const dealii::Point<3> &x, const double t) const;
    dealii::Point<3>
    to_world(const dealii::Point<3> &y, const double t) const;

    /// Rotation about the axis at time @p t (rad).
    double
    angle(const double t) const
    {
      return rotation.value(t);
    }

  protected:
    /// A positive length (zero too with @p zero_allowed) from @p entry.
    static double
    read_length(dealii::ParameterHandler &prm,
                const std::string        &entry,
                const std::string        &where,
                const bool                zero_allowed = false);

    virtual void
    parse_shape(dealii::ParameterHandler &prm, const std::string &where) = 0;

    /// Projection of @p y given in the body frame (axis z).
    virtual ObstacleProjection
    project_in_body(const dealii::Point<3> &y) const = 0;

  private:
    /// The body frame at time @p t (turned about the axis).
    void
    frame(const double t, dealii::Tensor<1, 3> (&b)[3]) const;

    dealii::Point<3> origin;
    /// Orthonormal body frame: e[2] is the axis.
    dealii::Tensor<1, 3> e[3];
    LoadCurve            translation[3];
    LoadCurve            rotation;
  };
} // namespace septa
