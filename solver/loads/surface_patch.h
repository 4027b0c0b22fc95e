#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <string>

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

  private:
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
