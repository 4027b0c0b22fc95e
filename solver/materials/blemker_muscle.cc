#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

#include <cmath>

namespace septa
{
  /**
   * Skeletal muscle of Blemker, Pinsky and Delp 2005 (J Biomech 38:657),
   * transversely isotropic with the invariants of Criscione et al. 2003:
   *   W = G1 B1^2 + G2 B2^2 + W3(lambda) + U(J),
   *   B1^2 = I5_bar / I4_bar^2 - 1          (along-fibre shear),
   *   B2 = acosh((I1_bar I4_bar - I5_bar) / (2 sqrt(I4_bar)))
   *                                         (cross-fibre shear),
   *   lambda dW3/dlambda = sigma_max f_p(lambda / lambda_ofl) lambda /
   *                        lambda_ofl,      (passive fibre, per reference
   *                                          fibre section)
   *   f_p(l) = 0 (l <= 1), P1 (exp(P2 (l - 1)) - 1) (1 < l < l*),
   *            P3 l + P4 (l >= l*, continued linearly with slope P3),
   * lambda = sqrt(I4_bar), l* = lambda* / lambda_ofl, plus the active fibre
   * stress of ActiveFibreStress (subsection 'Activation', same sigma_max
   * and lambda_ofl).  B2^2 = acosh(x)^2 is smooth in x: near x = 1 its
   * series 2e - e^2/3 + 4e^3/45 (e = x - 1) is used.
   */
  class BlemkerMuscle : public FibreMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("G1",
                        "500",
                        dealii::Patterns::Double(0.0),
                        "Along-fibre shear modulus G1 in Pa (> 0; the small-"
                        "strain shear modulus along the fibres is 2 G1).");
      prm.declare_entry("G2",
                        "500",
                        dealii::Patterns::Double(0.0),
                        "Cross-fibre shear modulus G2 in Pa (> 0; the small-"
                        "strain shear modulus across the fibres is 2 G2).");
      prm.declare_entry("P1",
                        "0.05",
                        dealii::Patterns::Double(0.0),
                        "Passive fibre coefficient P1 (dimensionless, times "
                        "sigma_max; Blemker 2005: 0.05).");
      prm.declare_entry("P2",
                        "6.6",
                        dealii::Patterns::Double(0.0),
                        "Passive fibre exponent P2 (Blemker 2005: 6.6).");
      prm.declare_entry("Linear fibre stretch",
                        "1.4",
                        dealii::Patterns::Double(0.0),
                        "lambda*, the stretch beyond which the passive fibre "
                        "stress grows linearly (Blemker 2005: 1.4).");
      declare_volumetric(prm);
      declare_active(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      G1          = get_positive(prm, "G1", where, "Pa");
      G2          = get_positive(prm, "G2", where, "Pa");
      P1          = get_positive(prm, "P1", where, "", true);
      P2          = get_positive(prm, "P2", where, "");
      lambda_star = get_positive(prm, "Linear fibre stretch", where, "");
      parse_volumetric(prm, where);
      // sigma_max and lambda_ofl are shared with the active stress.
      parse_active(prm, where);
      sigma_max  = active_fibre_stress().maximum_stress();
      lambda_ofl = active_fibre_stress().optimal_stretch();
      require_input(lambda_star > lambda_ofl,
                    where + "/Linear fibre stretch",
                    prm.get("Linear fibre stretch"),
                    "a stretch above 'Activation/Optimal fibre stretch'");
    }

    double
    shear_modulus() const override
    {
      return 2.0 * std::max(G1, G2);
    }

  protected:
    unsigned int
    n_families() const override
    {
      return 1;
    }

    bool
    uses_I5() const override
    {
      return true;
    }

    Derivatives
    derivatives(const double I1, const double I4[2]) const override
    {
      // Only reached through uses_I5() == true with I5; keep a consistent
      // value for a pure fibre stretch (I5 = I4^2).
      return derivatives_with_I5(I1, I4, I4[0] * I4[0]);
    }

    Derivatives
    derivatives_with_I5(const double I1,
                        const double I4v[2],
                        const double I5) const override
    {
      Derivatives  d;
      const double I4 = I4v[0];
      // G1 B1^2 = G1 (I5 / I4^2 - 1).
      d.W      = G1 * (I5 / (I4 * I4) - 1.0);
      d.W5     = G1 / (I4 * I4);
      d.W4[0]  = -2.0 * G1 * I5 / (I4 * I4 * I4);
      d.W44[0] = 6.0 * G1 * I5 / (I4 * I4 * I4 * I4);
      d.W45    = -2.0 * G1 / (I4 * I4 * I4);

      // G2 B2^2 = G2 h(x), h = acosh^2, x = (I1 I4 - I5) / (2 sqrt(I4)).
      const double r   = std::sqrt(I4);
      const double x   = (I1 * I4 - I5) / (2.0 * r);
      const double x1  = r / 2.0;
      const double x4  = (I1 * I4 + I5) / (4.0 * I4 * r);
      const double x5  = -1.0 / (2.0 * r);
      const double x14 = 1.0 / (4.0 * r);
      const double x44 = -(I1 * I4 + 3.0 * I5) / (8.0 * I4 * I4 * r);
      const double x45 = 1.0 / (4.0 * I4 * r);
      double       h, h1, h2;
      const double e = x - 1.0;
      if (std::abs(e) < 1e-4)
        {
          h  = 2.0 * e - e * e / 3.0 + 4.0 * e * e * e / 45.0;
          h1 = 2.0 - 2.0 * e / 3.0 + 4.0 * e * e / 15.0;
          h2 = -2.0 / 3.0 + 8.0 * e / 15.0;
        }
      else
        {
          const double ac = std::acosh(x), s = std::sqrt(x * x - 1.0);
          h  = ac * ac;
          h1 = 2.0 * ac / s;
          h2 = 2.0 / (s * s) - 2.0 * ac * x / (s * s * s);
        }
      d.W += G2 * h;
      d.W1 += G2 * h1 * x1;
      d.W4[0] += G2 * h1 * x4;
      d.W5 += G2 * h1 * x5;
      d.W11 += G2 * h2 * x1 * x1;
      d.W14[0] += G2 * (h2 * x1 * x4 + h1 * x14);
      d.W15 += G2 * h2 * x1 * x5;
      d.W44[0] += G2 * (h2 * x4 * x4 + h1 * x44);
      d.W45 += G2 * (h2 * x4 * x5 + h1 * x45);
      d.W55 += G2 * h2 * x5 * x5;

      // Passive fibre: g = lambda dW3/dlambda = sigma_max f_p(l) l.
      const double l = r / lambda_ofl;
      if (l > 1.0)
        {
          const double ls = lambda_star / lambda_ofl;
          const double Es = std::exp(P2 * (ls - 1.0));
          const double P3 = P1 * P2 * Es;
          double       f, df, H; // f_p, f_p', int_1^l f_p
          if (l < ls)
            {
              const double E = std::exp(P2 * (l - 1.0));
              f              = P1 * (E - 1.0);
              df             = P1 * P2 * E;
              H              = P1 * ((E - 1.0) / P2 - (l - 1.0));
            }
          else
            {
              const double fs = P1 * (Es - 1.0);
              f               = fs + P3 * (l - ls);
              df              = P3;
              H = P1 * ((Es - 1.0) / P2 - (ls - 1.0)) + fs * (l - ls) +
                  0.5 * P3 * (l - ls) * (l - ls);
            }
          const double g  = sigma_max * f * l;
          const double dg = sigma_max * (df * l + f) / lambda_ofl;
          d.W += sigma_max * lambda_ofl * H;
          d.W4[0] += g / (2.0 * I4);
          d.W44[0] += dg / (4.0 * r * I4) - g / (2.0 * I4 * I4);
        }
      return d;
    }

  private:
    double G1 = 0, G2 = 0, P1 = 0, P2 = 0, lambda_star = 0;
    double sigma_max = 3e5, lambda_ofl = 1;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        BlemkerMuscle,
                        "Blemker muscle",
                        "Skeletal muscle of Blemker et al. 2005: along- and "
                        "cross-fibre shear, exponential passive fibre stress, "
                        "isochoric/volumetric split.")
} // namespace septa
