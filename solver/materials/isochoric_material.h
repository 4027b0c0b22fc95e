#pragma once

#include <materials/material.h>

#include <deal.II/base/parameter_handler.h>

#include <string>

namespace septa
{
  /**
   * Base of the nearly incompressible isotropic materials written as
   * W = W_iso(b_bar) + U(J) with U = kappa/4 (J^2 - 1 - 2 ln J) (the
   * volumetric function of the neo-Hookean 'split' form, evaluated by the
   * mixed formulation).  Derived classes give W_iso; this class reads the
   * bulk modulus ('Bulk modulus' in Pa, or 'Poisson ratio' with the
   * small-strain shear modulus of the derived class).
   */
  class IsochoricMaterial : public Material
  {
  public:
    /// Declares 'Poisson ratio' and 'Bulk modulus'.
    static void
    declare_volumetric(dealii::ParameterHandler &prm);

    bool
    has_volumetric_split() const override
    {
      return true;
    }

    void
    volumetric(const double J,
               double      &U,
               double      &dU,
               double      &d2U) const override;

    double
    bulk_modulus() const
    {
      return kappa;
    }

  protected:
    /// Reads kappa; call after the shear modulus is known.
    void
    parse_volumetric(dealii::ParameterHandler &prm, const std::string &where);

  private:
    double kappa = 0;
  };


  /**
   * Isotropic W_iso(I1_bar, I2_bar) (Mooney-Rivlin, Yeoh, ...).  With
   * A = W1 + I1 W2 the fictitious Kirchhoff stress and spatial tangent are
   *   tau_bar = 2 (A b_bar - W2 b_bar^2),
   *   Jc_bar = 4 [d b(x)b - g (b(x)b^2 + b^2(x)b) + W22 b^2(x)b^2 - W2 I_b],
   *   d = W11 + 2 I1 W12 + I1^2 W22 + W2,  g = W12 + I1 W22,
   *   (I_b)_ijkl = (b_ik b_jl + b_il b_jk) / 2,  b = b_bar,
   * the push-forward of 4 d^2 W / dC_bar^2 (Holzapfel 2000, eq. 6.193 with
   * the invariant derivatives of sec. 6.2), then projected by
   * kinematics::isochoric_push.
   */
  class InvariantMaterial : public IsochoricMaterial
  {
  public:
    /// Energy and its derivatives with respect to I1_bar and I2_bar.
    struct Derivatives
    {
      double W = 0, W1 = 0, W2 = 0, W11 = 0, W12 = 0, W22 = 0;
    };

    void
    evaluate(const MaterialInput &in, MaterialOutput &out) const override;

  protected:
    virtual Derivatives
    derivatives(const double I1, const double I2) const = 0;
  };
} // namespace septa
