#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

namespace septa
{
  /**
   * Hendriks skin model: W = c0 (I1_bar - 3) + c1 (I1_bar - 3)(I2_bar - 3)
   * + U(J), the second term stiffening the skin at larger strains (Hendriks
   * et al. 2006, Med Eng Phys 28:259; default c0, c1 as given by Xu &
   * Lu 2011, Introduction to Skin Biothermomechanics and Thermal Pain,
   * Springer).
   * Small-strain shear modulus mu = 2 c0.
   */
  class Hendriks : public InvariantMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("c0",
                        "9.4e3",
                        dealii::Patterns::Double(0.0),
                        "Coefficient of (I1_bar - 3) in Pa (> 0).");
      prm.declare_entry(
        "c1",
        "82e3",
        dealii::Patterns::Double(0.0),
        "Coefficient of (I1_bar - 3)(I2_bar - 3) in Pa (>= 0).");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      c0 = get_positive(prm, "c0", where, "Pa");
      c1 = get_positive(prm, "c1", where, "Pa", true);
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      return 2.0 * c0;
    }

  protected:
    Derivatives
    derivatives(const double I1, const double I2) const override
    {
      Derivatives d;
      d.W   = c0 * (I1 - 3.0) + c1 * (I1 - 3.0) * (I2 - 3.0);
      d.W1  = c0 + c1 * (I2 - 3.0);
      d.W2  = c1 * (I1 - 3.0);
      d.W12 = c1;
      return d;
    }

  private:
    double c0 = 0, c1 = 0;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        Hendriks,
                        "Hendriks",
                        "Hendriks skin model c0 (I1_bar - 3) + c1 (I1_bar - "
                        "3)(I2_bar - 3), isochoric/volumetric split.")
} // namespace septa
