#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <string>
#include <utility>

namespace septa
{
  /**
   * The part of a boundary a surface load acts on: the whole boundary, or a
   * disc or rectangle given in the reference configuration in the plane
   * normal to an axis (the skin surface of the layered block is normal to
   * z).  Tested per quadrature point, so the edge of the patch is resolved to
   * the quadrature points of the mesh.
   */
  class SurfacePatch
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    bool
    contains(const dealii::Point<3> &reference_point) const;

    /**
     * A smooth bump over the patch: 1 at its centre, 0 on and beyond its
     * edge, with zero slope at both.  For a disc of radius R it is
     * (1 + cos(pi r / R)) / 2; for a rectangle with half sides a, b it is the
     * product of (1 + cos(pi d_i / a_i)) / 2 along the two in-plane axes.
     * The shape of a rounded indenter, so a prescribed indentation has no
     * edge where the displacement gradient jumps.
     */
    double
    cosine_bump(const dealii::Point<3> &reference_point) const;

    bool
    is_whole() const
    {
      return shape == Shape::whole;
    }

  private:
    /// In-plane offsets of a point from the centre, in the order x, y, z.
    std::pair<double, double>
    offsets(const dealii::Point<3> &p) const;

    enum class Shape
    {
      whole,
      disc,
      rectangle
    } shape               = Shape::whole;
    unsigned int     axis = 2;
    dealii::Point<3> center;
    double           radius = 0;
    double           half_size[2]{0, 0};
  };
} // namespace septa
