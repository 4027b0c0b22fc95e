#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

#include <deal.II/base/utilities.h>

#include <cmath>

namespace septa
{
  /**
   * Yeoh: W = sum_{k=1..3} C_k0 (I1_bar - 3)^k + U(J) (Yeoh 1993, Rubber
   * Chem Technol 66:754).  Small-strain shear modulus mu = 2 C10; C20, C30
   * describe the stiffening at larger strains.
   */
  class Yeoh : public InvariantMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("C10",
                        "500",
                        dealii::Patterns::Double(0.0),
                        "Coefficient of (I1_bar - 3) in Pa (> 0).");
      prm.declare_entry("C20",
                        "0",
                        dealii::Patterns::Double(),
                        "Coefficient of (I1_bar - 3)^2 in Pa.");
      prm.declare_entry("C30",
                        "0",
                        dealii::Patterns::Double(),
                        "Coefficient of (I1_bar - 3)^3 in Pa.");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      c[0] = get_positive(prm, "C10", where, "Pa");
      c[1] = prm.get_double("C20");
      c[2] = prm.get_double("C30");
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      return 2.0 * c[0];
    }

  protected:
    Derivatives
    derivatives(const double I1, const double) const override
    {
      const double x = I1 - 3.0;
      Derivatives  d;
      d.W   = c[0] * x + c[1] * x * x + c[2] * x * x * x;
      d.W1  = c[0] + 2.0 * c[1] * x + 3.0 * c[2] * x * x;
      d.W11 = 2.0 * c[1] + 6.0 * c[2] * x;
      return d;
    }

  private:
    double c[3] = {0, 0, 0};
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        Yeoh,
                        "Yeoh",
                        "Yeoh solid (cubic in I1_bar), isochoric/volumetric "
                        "split.")
} // namespace septa
