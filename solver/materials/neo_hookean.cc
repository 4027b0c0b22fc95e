#include <core/input_error.h>
#include <core/registry.h>
#include <materials/material.h>

#include <cmath>

namespace septa
{
  /**
   * Neo-Hookean solid in two forms.
   *
   * split (default): W = mu/2 (I1_bar - 3) + U(J), U = kappa/4 (J^2 - 1 -
   *   2 ln J) (Simo and Taylor 1991; the volumetric function of deal.II's
   *   step-44 and the Cook membrane code-gallery entry).  tau_dev = mu
   *   dev(b_bar).
   * compressible: W = mu/2 (I1 - 3) - mu ln J + lambda/2 (ln J)^2, tau =
   *   mu (b - I) + lambda ln J I, Jc = lambda I(x)I + 2 (mu - lambda ln J) I^s
   *   (Holzapfel 2000, eq. 6.148 ff.).  No split: locks when nearly
   *   incompressible; use it for compressible benchmarks.
   */
  class NeoHookean : public Material
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Shear modulus",
                        "1000",
                        dealii::Patterns::Double(0.0),
                        "Small-strain shear modulus mu in Pa (> 0).");
      prm.declare_entry("Poisson ratio",
                        "0.49",
                        dealii::Patterns::Double(-1.0, 0.5),
                        "Small-strain Poisson ratio nu in (-1, 0.5); sets the "
                        "bulk modulus kappa = 2 mu (1 + nu) / (3 (1 - 2 nu)) "
                        "unless 'Bulk modulus' is positive.");
      prm.declare_entry("Bulk modulus",
                        "0",
                        dealii::Patterns::Double(0.0),
                        "Bulk modulus kappa in Pa; 0 means: from the Poisson "
                        "ratio.");
      prm.declare_entry("Form",
                        "split",
                        dealii::Patterns::Selection("split|compressible"),
                        "'split': isochoric/volumetric split, volumetric part "
                        "through the mixed formulation (nearly incompressible "
                        "tissue). 'compressible': classical compressible "
                        "neo-Hookean with Lame lambda, no split.");
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      mu              = prm.get_double("Shear modulus");
      const double nu = prm.get_double("Poisson ratio");
      require_input(mu > 0,
                    where + "/Shear modulus",
                    prm.get("Shear modulus"),
                    "a positive value in Pa");
      require_input(nu > -1.0 && nu < 0.5,
                    where + "/Poisson ratio",
                    prm.get("Poisson ratio"),
                    "a value in (-1, 0.5)");
      kappa = prm.get_double("Bulk modulus");
      if (kappa == 0.0)
        kappa = 2.0 * mu * (1.0 + nu) / (3.0 * (1.0 - 2.0 * nu));
      lambda = kappa - 2.0 * mu / 3.0;
      split  = prm.get("Form") == "split";
    }

    void
    evaluate(const MaterialInput &in, MaterialOutput &out) const override
    {
      const double                J = dealii::determinant(in.F);
      const SymmetricTensor<2, 3> b =
        dealii::symmetrize(in.F * dealii::transpose(in.F));
      const SymmetricTensor<2, 3> I = dealii::unit_symmetric_tensor<3>();
      if (split)
        {
          const double                jm23  = std::pow(J, -2.0 / 3.0);
          const SymmetricTensor<2, 3> b_bar = jm23 * b;
          kinematics::isochoric_push(mu * b_bar, SymmetricTensor<4, 3>(), out);
          out.energy = 0.5 * mu * (trace(b_bar) - 3.0);
        }
      else
        {
          const double lnJ = std::log(J);
          out.tau          = mu * (b - I) + lambda * lnJ * I;
          out.Jc           = lambda * dealii::outer_product(I, I) +
                   2.0 * (mu - lambda * lnJ) * dealii::identity_tensor<3>();
          out.energy =
            0.5 * mu * (trace(b) - 3.0) - mu * lnJ + 0.5 * lambda * lnJ * lnJ;
        }
    }

    bool
    has_volumetric_split() const override
    {
      return split;
    }

    void
    volumetric(const double J,
               double      &U,
               double      &dU,
               double      &d2U) const override
    {
      if (!split)
        return Material::volumetric(J, U, dU, d2U);
      U   = 0.25 * kappa * (J * J - 1.0 - 2.0 * std::log(J));
      dU  = 0.5 * kappa * (J - 1.0 / J);
      d2U = 0.5 * kappa * (1.0 + 1.0 / (J * J));
    }

    double
    shear_modulus() const override
    {
      return mu;
    }

  private:
    double mu = 0, kappa = 0, lambda = 0;
    bool   split = true;
  };

  SEPTA_REGISTER_PLUGIN(
    Material,
    NeoHookean,
    "neo-Hookean",
    "neo-Hookean solid, split (nearly incompressible) or compressible form.")
} // namespace septa
