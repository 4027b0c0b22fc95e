#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

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
  class NeoHookean : public IsochoricMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Shear modulus",
                        "1000",
                        dealii::Patterns::Double(0.0),
                        "Small-strain shear modulus mu in Pa (> 0).");
      declare_volumetric(prm);
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
      mu = get_positive(prm, "Shear modulus", where, "Pa");
      // kappa from 'Bulk modulus' or 'Poisson ratio'; the compressible form
      // uses it through Lame's lambda.
      parse_volumetric(prm, where);
      lambda = bulk_modulus() - 2.0 * mu / 3.0;
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
      if (split)
        IsochoricMaterial::volumetric(J, U, dU, d2U);
      else
        Material::volumetric(J, U, dU, d2U);
    }

    double
    shear_modulus() const override
    {
      return mu;
    }

  private:
    double mu = 0, lambda = 0;
    bool   split = true;
  };

  SEPTA_REGISTER_PLUGIN(
    Material,
    NeoHookean,
    "neo-Hookean",
    "neo-Hookean solid, split (nearly incompressible) or compressible form.")
} // namespace septa
