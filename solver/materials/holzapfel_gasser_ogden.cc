#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

#include <cmath>

namespace septa
{
  /**
   * Holzapfel-Gasser-Ogden with fibre dispersion (Gasser, Ogden, Holzapfel
   * 2006, J R Soc Interface 3:15), for skin (Ni Annaidh et al. 2012):
   *   W = mu/2 (I1_bar - 3) + sum_{f=1,2} k1/(2 k2) (exp(k2 E_f^2) - 1) + U,
   *   E_f = kd (I1_bar - 3) + (1 - 3 kd)(I4_bar^(f) - 1),
   * kd in [0, 1/3] the dispersion (0: aligned fibres, 1/3: isotropic).
   * Fibres carry no compression: a family with E_f <= 0 adds nothing
   * (Gasser et al. 2006, sec. 2.4).  The two families follow the layer's
   * 'Fibre direction' and 'Second fibre direction'.
   */
  class HolzapfelGasserOgden : public FibreMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Shear modulus",
                        "0.2014e6",
                        dealii::Patterns::Double(0.0),
                        "Ground-matrix shear modulus mu in Pa (> 0).");
      prm.declare_entry("k1",
                        "243.6e3",
                        dealii::Patterns::Double(0.0),
                        "Fibre stiffness k1 in Pa (>= 0).");
      prm.declare_entry("k2",
                        "0.1327",
                        dealii::Patterns::Double(0.0),
                        "Fibre exponential coefficient k2 (dimensionless, "
                        "> 0).");
      prm.declare_entry("Dispersion",
                        "0.1404",
                        dealii::Patterns::Double(0.0, 1.0 / 3.0),
                        "Fibre dispersion kappa in [0, 1/3].");
      prm.declare_entry("Fibre families",
                        "2",
                        dealii::Patterns::Integer(1, 2),
                        "1 or 2 fibre families.");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      mu       = get_positive(prm, "Shear modulus", where, "Pa");
      k1       = get_positive(prm, "k1", where, "Pa", true);
      k2       = get_positive(prm, "k2", where, "");
      kd       = prm.get_double("Dispersion");
      families = prm.get_integer("Fibre families");
      require_input(kd >= 0 && kd <= 1.0 / 3.0,
                    where + "/Dispersion",
                    prm.get("Dispersion"),
                    "a value in [0, 1/3]");
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      return mu;
    }

  protected:
    unsigned int
    n_families() const override
    {
      return families;
    }

    Derivatives
    derivatives(const double I1, const double I4[2]) const override
    {
      Derivatives d;
      d.W            = 0.5 * mu * (I1 - 3.0);
      d.W1           = 0.5 * mu;
      const double w = 1.0 - 3.0 * kd;
      for (unsigned int f = 0; f < families; ++f)
        {
          const double E = kd * (I1 - 3.0) + w * (I4[f] - 1.0);
          if (E <= 0.0)
            continue;
          const double e    = std::exp(k2 * E * E);
          const double W_E  = k1 * E * e;
          const double W_EE = k1 * (1.0 + 2.0 * k2 * E * E) * e;
          d.W += 0.5 * k1 / k2 * (e - 1.0);
          d.W1 += kd * W_E;
          d.W11 += kd * kd * W_EE;
          d.W4[f]  = w * W_E;
          d.W44[f] = w * w * W_EE;
          d.W14[f] = kd * w * W_EE;
        }
      return d;
    }

  private:
    double       mu = 0, k1 = 0, k2 = 0, kd = 0;
    unsigned int families = 2;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        HolzapfelGasserOgden,
                        "Holzapfel-Gasser-Ogden",
                        "Holzapfel-Gasser-Ogden with fibre dispersion, one or "
                        "two families (skin), isochoric/volumetric split.")
} // namespace septa
