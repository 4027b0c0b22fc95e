#pragma once

#include <materials/material.h>

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace septa
{
  /**
   * Quasi-linear viscoelasticity (Fung 1981) on any hyperelastic material:
   * the second Piola-Kirchhoff stress S0(C) of the material's non-volumetric
   * part (the isochoric part of split materials) is convolved with the
   * reduced relaxation function of a Prony series,
   *   S(t) = int_0^t G(t - s) dS0/ds ds,
   *   G(t) = 1 - sum_i g_i (1 - exp(-t / tau_i)),
   * so the material's parameters give the instantaneous response and
   * (1 - sum g_i) times them the long-term one.  The volumetric part stays
   * elastic.  With internal variables h_i = int exp(-(t - s) / tau_i) dS0
   * and dS0/dt constant over a step (Simo 1987, Comput Methods Appl Mech
   * Eng 60:153; Holzapfel 2000, sec. 6.10):
   *   h_i^n+1 = exp(-x_i) h_i^n + beta_i (S0^n+1 - S0^n),
   *   beta_i = (1 - exp(-x_i)) / x_i,  x_i = dt / tau_i,
   *   S = (1 - sum g_i) S0 + sum g_i h_i,
   * whose tangent is the elastic one times gamma = 1 - sum g_i (1 -
   * beta_i).  Exact for S0 linear in time within each step (a ramp applied
   * in one step, or a held deformation).  The state of one quadrature point
   * is S0^n and the h_i^n, stored by the solver per quadrature point and
   * updated only when a step has converged, so cut-backs restart from the
   * last converged state; time is physical time in s.
   */
  class PronySeries
  {
  public:
    /// Declares the subsection 'Viscoelasticity' (in a layer's section).
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    bool
    empty() const
    {
      return g.empty();
    }

    /// Symmetric tensors of state per quadrature point: S0 and one h_i per
    /// term.
    unsigned int
    state_size() const
    {
      return empty() ? 0 : 1 + g.size();
    }

    /**
     * Replace the elastic Kirchhoff stress and tangent in @p out by the
     * viscoelastic ones after a time @p dt since the state @p old
     * (state_size() tensors); write the new state to @p updated if given.
     */
    void
    apply(const Tensor<2, 3>          &F,
          const double                 dt,
          const SymmetricTensor<2, 3> *old,
          MaterialOutput              &out,
          SymmetricTensor<2, 3>       *updated) const;

    /// G(t) of the series.
    double
    relaxation(const double t) const;

  private:
    std::vector<double> g, tau;
  };
} // namespace septa
