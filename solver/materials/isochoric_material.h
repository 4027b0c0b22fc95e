#pragma once

#include <materials/activation.h>
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


  /**
   * Fibre-reinforced W_iso(I1_bar, I4_bar^(1), I4_bar^(2)), I4_bar^(f) =
   * a_f . C_bar a_f for the layer's reference fibre directions a_f (up to
   * two families, no coupling between them).  With the spatial fibre
   * vectors a_f = F_bar a0_f (|a_f|^2 = I4_bar):
   *   tau_bar = 2 W1 b_bar + sum_f 2 W4_f a_f(x)a_f,
   *   Jc_bar = 4 [W11 b(x)b + sum_f (W14_f (b(x)A_f + A_f(x)b)
   *                                 + W44_f A_f(x)A_f)],  A_f = a_f(x)a_f,
   * the push-forward of 4 d^2 W / dC_bar^2 (Holzapfel, Gasser, Ogden 2000,
   * J Elasticity 61:1, sec. 5), projected by kinematics::isochoric_push
   * (valid for any W(C_bar), Holzapfel 2000 eq. 6.169).  Models using
   * I5_bar = a0 . C_bar^2 a0 = a . b_bar a of the first family add, with
   * g = b_bar a and P5 = a (x) g + g (x) a,
   *   tau_bar += 2 W5 P5,
   *   Jc_bar += 4 [W55 P5(x)P5 + W15 (b(x)P5 + P5(x)b) + W45 (A(x)P5 +
   *             P5(x)A)] + 4 W5 T,
   *   T_ijkl = (a_i a_l b_jk + a_j a_l b_ik + a_i a_k b_jl + a_j a_k b_il)/2,
   * the push-forward of d^2 I5 / dC_bar^2 (with its minor symmetries).
   */
  class FibreMaterial : public IsochoricMaterial
  {
  public:
    struct Derivatives
    {
      double W = 0, W1 = 0, W11 = 0;
      double W4[2] = {0, 0}, W44[2] = {0, 0}, W14[2] = {0, 0};
      /// Derivatives with respect to I5_bar = a0 . C_bar^2 a0 of the first
      /// family (models with uses_I5()).
      double W5 = 0, W55 = 0, W15 = 0, W45 = 0;
    };

    bool
    is_anisotropic() const override
    {
      return true;
    }

    void
    evaluate(const MaterialInput &in, MaterialOutput &out) const override;

    bool
    is_contractile() const override
    {
      return contractile && active.is_active();
    }

    double
    activation(const double time) const override
    {
      return is_contractile() ? active.activation(time) : 0.0;
    }

    double
    active_stress(const double         lambda,
                  const double         time,
                  const MaterialInput &in) const override
    {
      return is_contractile() ? active.stress(lambda, time, in) : 0.0;
    }

    bool
    uses_fibre_velocity() const override
    {
      return is_contractile() && active.uses_velocity();
    }

  protected:
    /// Number of fibre families read from MaterialInput::fibre (1 or 2).
    virtual unsigned int
    n_families() const = 0;

    virtual Derivatives
    derivatives(const double I1, const double I4[2]) const = 0;

    /// Models that also depend on I5_bar of the first family override
    /// this one (and uses_I5()); the default ignores I5.
    virtual Derivatives
    derivatives_with_I5(const double I1,
                        const double I4[2],
                        const double I5) const
    {
      (void)I5;
      return derivatives(I1, I4);
    }

    virtual bool
    uses_I5() const
    {
      return false;
    }

    /// Muscle models: declare the subsection 'Activation' of the active
    /// fibre stress along the first family.
    static void
    declare_active(dealii::ParameterHandler &prm)
    {
      ActiveFibreStress::declare_parameters(prm);
    }

    /// Muscle models: read the subsection 'Activation'.
    void
    parse_active(dealii::ParameterHandler &prm, const std::string &where)
    {
      active.parse_parameters(prm, where);
      contractile = true;
    }

    /// The active fibre stress read by parse_active().
    const ActiveFibreStress &
    active_fibre_stress() const
    {
      return active;
    }

  private:
    ActiveFibreStress active;
    bool              contractile = false;
  };
} // namespace septa
