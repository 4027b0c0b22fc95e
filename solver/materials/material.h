#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <array>
#include <string>

namespace septa
{
  using dealii::SymmetricTensor;
  using dealii::Tensor;

  /**
   * What a material sees at one quadrature point.  Later additions (fibre
   * directions, activation, history) go here so that the interface of
   * Material::evaluate does not change.
   */
  struct MaterialInput
  {
    /// Deformation gradient F = I + Grad u.
    Tensor<2, 3> F;
    /// Current (pseudo-)time in s.
    double time = 0.0;
    /// Unit fibre directions in the reference configuration (first and
    /// second family); only anisotropic materials read them.
    std::array<Tensor<1, 3>, 2> fibre = {
      {Tensor<1, 3>({1.0, 0.0, 0.0}), Tensor<1, 3>({0.0, 1.0, 0.0})}};
    /// Time since the last converged state (s) and, at that state, the
    /// isochoric stretch of the first fibre family and its rate (1/s):
    /// the fibre velocity of the force-velocity relation is (lambda -
    /// fibre_stretch_old) / dt, or fibre_rate_old when dt = 0.
    double dt = 0.0, fibre_stretch_old = 1.0, fibre_rate_old = 0.0;
  };

  /**
   * What a material returns at one quadrature point.  Stresses are Kirchhoff
   * stresses tau = J sigma and tangents the spatial tangent J c, the pair
   * that appears in the reference-volume weak form (Holzapfel 2000, sec. 6.6;
   * Miehe 1994).  The volumetric part U(J~) of split materials is NOT in tau
   * and Jc: the solver evaluates it with the projected dilatation J~ of the
   * mixed formulation.
   */
  struct MaterialOutput
  {
    SymmetricTensor<2, 3> tau;
    SymmetricTensor<4, 3> Jc;
    /// Strain energy per reference volume of the part in tau (J/m^3).
    double energy = 0.0;
  };

  /**
   * A hyperelastic material, W(F) = W_dev(F) + U(J) for "split" materials
   * (U handled by the mixed formulation), or W(F) for materials without a
   * split (evaluated with the true J: such materials lock when nearly
   * incompressible).
   */
  class Material
  {
  public:
    virtual ~Material() = default;

    /// Read this material's parameters from its own subsection.
    /// @p where names the file and subsection for error messages.
    virtual void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) = 0;

    /// Stress and tangent of the part of W that is not U(J).
    virtual void
    evaluate(const MaterialInput &in, MaterialOutput &out) const = 0;

    /// True if the material has a volumetric function U(J) evaluated by the
    /// mixed formulation.
    virtual bool
    has_volumetric_split() const = 0;

    /// U(J), U'(J), U''(J) for split materials (zero otherwise).
    virtual void
    volumetric(const double J, double &U, double &dU, double &d2U) const
    {
      (void)J;
      U = dU = d2U = 0.0;
    }

    /// A shear modulus of the small-strain limit (Pa), for scaling.
    virtual double
    shear_modulus() const = 0;

    /// Mass density in kg/m^3 (gravity).
    double
    density() const
    {
      return rho;
    }

    void
    set_density(const double value)
    {
      rho = value;
    }

    /// True for a rigid, fixed layer (all its nodes are held).
    virtual bool
    is_rigid() const
    {
      return false;
    }

    /// True if evaluate() reads MaterialInput::fibre.
    virtual bool
    is_anisotropic() const
    {
      return false;
    }

    /// True if the material contracts (an active fibre stress driven by an
    /// excitation): activation and active stress are then written out.
    virtual bool
    is_contractile() const
    {
      return false;
    }

    /// Activation a(t) in [0, 1] of a contractile material.
    virtual double
    activation(const double time) const
    {
      (void)time;
      return 0.0;
    }

    /// Active Kirchhoff fibre stress (Pa) at isochoric fibre stretch
    /// @p lambda and @p time, with the fibre velocity of @p in.
    virtual double
    active_stress(const double         lambda,
                  const double         time,
                  const MaterialInput &in) const
    {
      (void)lambda;
      (void)time;
      (void)in;
      return 0.0;
    }

    /// True if the stress depends on the fibre stretch rate (force-
    /// velocity): the solver then keeps the fibre stretch of the last
    /// converged state per quadrature point.
    virtual bool
    uses_fibre_velocity() const
    {
      return false;
    }

    /// The layer's constant reference fibre directions (unit vectors).
    const std::array<Tensor<1, 3>, 2> &
    fibres() const
    {
      return fibre;
    }

    void
    set_fibres(const std::array<Tensor<1, 3>, 2> &directions)
    {
      fibre = directions;
    }

  private:
    double                      rho   = 1000.0;
    std::array<Tensor<1, 3>, 2> fibre = {
      {Tensor<1, 3>({1.0, 0.0, 0.0}), Tensor<1, 3>({0.0, 1.0, 0.0})}};
  };

  /**
   * A material parameter that must be positive (or non-negative with
   * @p allow_zero): its value, or an InputError naming @p where/@p entry,
   * the value and @p unit.
   */
  double
  get_positive(dealii::ParameterHandler &prm,
               const std::string        &entry,
               const std::string        &where,
               const std::string        &unit,
               const bool                allow_zero = false);

  /**
   * Helpers shared by isotropic materials written in terms of the
   * isochoric left Cauchy-Green tensor b_bar.
   */
  namespace kinematics
  {
    /// The fourth-order deviatoric projector P = I^s - 1/3 I x I.
    SymmetricTensor<4, 3>
    deviatoric_projector();

    /**
     * Kirchhoff stress and tangent of an isochoric energy W(b_bar) given the
     * "fictitious" stress tau_bar = 2 dW/db_bar b_bar and fictitious tangent
     * Jc_bar (zero for neo-Hookean): tau = P:tau_bar and
     * Jc = P:Jc_bar:P + 2/3 tr(tau_bar) P - 2/3 (tau (x) I + I (x) tau)
     * (Holzapfel 2000, eq. 6.169, in Kirchhoff form).
     */
    void
    isochoric_push(const SymmetricTensor<2, 3> &tau_bar,
                   const SymmetricTensor<4, 3> &Jc_bar,
                   MaterialOutput              &out);

    /// Isochoric stretch J^(-1/3) |F a0| of the reference fibre @p a0, the
    /// stretch the fibre materials (and the force-velocity history) use.
    double
    isochoric_fibre_stretch(const Tensor<2, 3> &F, const Tensor<1, 3> &a0);
  } // namespace kinematics
} // namespace septa
