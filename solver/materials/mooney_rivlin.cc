#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

namespace septa
{
  /**
   * Mooney-Rivlin: W = C10 (I1_bar - 3) + C01 (I2_bar - 3) + U(J)
   * (Mooney 1940, Rivlin 1948; decoupled form as in FEBio's
   * 'Mooney-Rivlin').  Small-strain shear modulus mu = 2 (C10 + C01).
   * C01 = 0 is the neo-Hookean split form with mu = 2 C10.
   */
  class MooneyRivlin : public InvariantMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("C10",
                        "500",
                        dealii::Patterns::Double(),
                        "Coefficient of (I1_bar - 3) in Pa.");
      prm.declare_entry("C01",
                        "0",
                        dealii::Patterns::Double(),
                        "Coefficient of (I2_bar - 3) in Pa; C10 + C01 > 0.");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      c10 = prm.get_double("C10");
      c01 = prm.get_double("C01");
      require_input(c10 + c01 > 0,
                    where + "/C10, C01",
                    prm.get("C10") + ", " + prm.get("C01"),
                    "coefficients with C10 + C01 > 0 (Pa)");
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      return 2.0 * (c10 + c01);
    }

  protected:
    Derivatives
    derivatives(const double I1, const double I2) const override
    {
      Derivatives d;
      d.W  = c10 * (I1 - 3.0) + c01 * (I2 - 3.0);
      d.W1 = c10;
      d.W2 = c01;
      return d;
    }

  private:
    double c10 = 0, c01 = 0;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        MooneyRivlin,
                        "Mooney-Rivlin",
                        "Mooney-Rivlin solid, isochoric/volumetric split.")
} // namespace septa
