#include <core/registry.h>
#include <materials/material.h>

namespace septa
{
  /**
   * Rigid, fixed bone: every node of the layer is held at zero
   * displacement, so the soft tissue attached to it cannot move there and
   * the layer never enters the stiffness matrix with a modulus millions of
   * times that of fat (which would ruin iterative solvers).  The force the
   * tissue exerts on the bone is written to statistics.csv as
   * reaction_<layer>_x/y/z.
   */
  class Rigid : public Material
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &)
    {
    }

    void
    parse_parameters(dealii::ParameterHandler &, const std::string &) override
    {
    }

    void
    evaluate(const MaterialInput &, MaterialOutput &out) const override
    {
      out.tau    = 0;
      out.Jc     = 0;
      out.energy = 0;
    }

    bool
    has_volumetric_split() const override
    {
      return false;
    }

    double
    shear_modulus() const override
    {
      return 0;
    }

    bool
    is_rigid() const override
    {
      return true;
    }
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        Rigid,
                        "rigid",
                        "Rigid fixed bone: all nodes of the layer are held.")
} // namespace septa
