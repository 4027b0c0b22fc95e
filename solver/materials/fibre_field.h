#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <string>

namespace septa
{
  /**
   * Where a layer's (first) fibre direction comes from: 'constant' (the
   * layer's 'Fibre direction'), 'origin-insertion' (an analytic field for a
   * fan-shaped muscle such as the gluteus maximus: fibres run from an origin
   * line, e.g. along the sacrum and iliac crest, to an insertion line, e.g.
   * on the femur and iliotibial band; the fibre through a point x is the
   * segment O(s) -> I(s), O(s) = O0 + s (O1 - O0), I(s) = I0 + s (I1 - I0),
   * s in [0, 1], that passes closest to x), or 'mesh' (one direction per
   * cell read from the mesh file).  Evaluated once per cell at its centre.
   */
  class FibreField
  {
  public:
    enum class Type
    {
      constant,
      origin_insertion,
      mesh
    };

    /// Declares 'Fibre field', 'Origin line', 'Insertion line' in a layer's
    /// subsection.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    Type
    type() const
    {
      return kind;
    }

    /// Unit fibre direction of the origin-insertion field at @p x (m).
    dealii::Tensor<1, 3>
    direction(const dealii::Point<3> &x) const;

  private:
    Type             kind = Type::constant;
    dealii::Point<3> origin[2], insertion[2];
  };
} // namespace septa
