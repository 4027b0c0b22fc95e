#pragma once

#include <core/load_curve.h>
#include <materials/material.h>

#include <deal.II/base/parameter_handler.h>

#include <map>
#include <string>
#include <vector>

namespace septa
{
  /**
   * Neural excitation u(t) in [0, 1] of a muscle layer: none, constant,
   * ramp, a tabulated CSV signal, or a stimulation programme (pulse train at
   * a frequency, switched on and off with a duty cycle and ramped up and down,
   * as electrical and electromagnetic muscle stimulation devices do).
   */
  class Excitation
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read and range-check; @p where names file and subsection.
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// u(t).
    double
    value(const double t) const;

    /// The first time after @p t at which u may jump (pulse edges, start
    /// times, table knots); +infinity if there is none.
    double
    next_break(const double t) const;

    bool
    is_none() const
    {
      return type == "none";
    }

  private:
    /// Envelope of the stimulation programme in [0, 1] at time @p t.
    double
    envelope(const double t) const;

    std::string type  = "none";
    double      level = 0, start = 0;
    double      frequency = 50, pulse_width = 0.005, on_time = 1, off_time = 0,
           ramp_up = 0, ramp_down = 0, intensity = 0;
    /// u(t) of 'ramp' and 'table': piecewise linear.
    LoadCurve curve;
  };


  /**
   * Muscle activation a(t) in [0, 1] from first-order activation dynamics
   * driven by the excitation u(t) (Zajac 1989, Crit Rev Biomed Eng 17:359):
   *   da/dt = (u - a) / tau,  tau = tau_act if u > a, tau_deact otherwise,
   * with a(0) = 0.  Integrated exactly for piecewise-linear u (constant,
   * ramps, tables, pulse trains): steps end at every jump or kink of u
   * and use the closed-form solution for linear u; tau is chosen per step
   * (at most 1 ms) by the sign of u - a at its midpoint.  a(t) depends only on
   * t, not on the solver's step sizes, so step cut-backs cannot change it.
   */
  class Activation
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// a(t).
    double
    value(const double t) const;

    bool
    is_active() const
    {
      return !excitation.is_none();
    }

    const Excitation &
    get_excitation() const
    {
      return excitation;
    }

  private:
    Excitation excitation;
    double     tau_act = 0.015, tau_deact = 0.05;
    /// Activation at times already computed: integration restarts from the
    /// latest one not after the requested time.
    mutable std::map<double, double> checkpoints{{0.0, 0.0}};
  };


  /**
   * Active fibre stress of skeletal muscle along the first fibre family
   * (Blemker, Pinsky and Delp 2005, J Biomech 38:657): the active force per
   * reference fibre cross-section is sigma_max a(t) f_L(lambda / lambda_ofl),
   * i.e. the Kirchhoff stress
   *   tau_a = sigma_max a(t) f_L(l) l n (x) n,  l = lambda / lambda_ofl,
   * with the isochoric fibre stretch lambda, the spatial unit fibre n and the
   * force-length curve f_L(l) = 9 (l - 0.4)^2 on [0.4, 0.6], 1 - 4 (1 - l)^2
   * on [0.6, 1.4], 9 (l - 1.6)^2 on [1.4, 1.6], 0 otherwise.  In uniaxial
   * stress along the fibres the nominal active stress is sigma_max a f_L(l)
   * / lambda_ofl: a muscle held at its optimal length pulls with sigma_max
   * a times its reference cross-section.  (A constant Cauchy stress instead
   * would let the force fall as the muscle is stretched and make stretched
   * muscle unstable.)  With 'Maximum shortening velocity' > 0 the stress is
   * multiplied by the force-velocity factor f_V (force_velocity()) of the
   * fibre velocity since the last converged state.  Declared in the
   * subsection 'Activation' of a muscle material.
   */
  class ActiveFibreStress
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// Blemker's force-length factor and its derivative at l.
    static void
    force_length(const double l, double &f, double &df);

    /// H(l) = int_0^l f_L(x) dx: at fixed time the active stress derives
    /// from W_a = sigma_max a lambda_ofl (H(l) - H(1 / lambda_ofl)), the
    /// energy reported and checked against the stress by finite differences.
    static double
    force_length_integral(const double l);

    /**
     * Force-velocity factor f_V(v) of the normalised fibre velocity v =
     * d lambda/dt / (lambda_ofl V_max) and its derivative: Hill's (1938)
     * hyperbola (1 + v) / (1 - v / k) in shortening (0 below v = -1), and
     * in lengthening f_ecc - (f_ecc - 1) / (1 + v (1 + 1/k) / (f_ecc - 1)),
     * which rises to the eccentric plateau f_ecc with the same slope 1 +
     * 1/k at v = 0.
     */
    void
    force_velocity(const double v, double &f, double &df) const;

    bool
    uses_velocity() const
    {
      return v_max > 0;
    }

    /// Kirchhoff fibre stress sigma_max a(t) f_L(l) l (Pa), l = lambda /
    /// lambda_ofl.
    double
    stress(const double         lambda,
           const double         time,
           const MaterialInput &in) const;

    /**
     * Add the active part to W, dW/dI4 and d2W/dI4^2 of a FibreMaterial:
     * with g(lambda) the Kirchhoff fibre stress, tau_bar = 2 W4 a (x) a =
     * g n (x) n gives W4 = g / (2 I4), W44 = g' / (4 lambda I4) - g / (2
     * I4^2).
     */
    void
    add(const double         I4,
        const MaterialInput &in,
        double              &W,
        double              &W4,
        double              &W44) const;

    double
    activation(const double time) const
    {
      return dynamics.value(time);
    }

    bool
    is_active() const
    {
      return dynamics.is_active();
    }

    /// sigma_max in Pa (also scales Blemker's passive fibre stress).
    double
    maximum_stress() const
    {
      return sigma_max;
    }

    /// lambda_ofl.
    double
    optimal_stretch() const
    {
      return lambda_ofl;
    }

  private:
    /// Kirchhoff fibre stress g = sigma_max a f_L(l) f_V l and dg/dlambda
    /// at isochoric fibre stretch @p lambda and activation @p a.
    void
    fibre_stress(const double         lambda,
                 const double         a,
                 const MaterialInput &in,
                 double              &g,
                 double              &dg) const;

    Activation dynamics;
    double     sigma_max = 3e5, lambda_ofl = 1.0;
    /// Force-velocity: V_max in optimal fibre lengths per s (0: none),
    /// Hill's curvature k and the eccentric plateau f_ecc.
    double v_max = 0, curvature = 0.25, eccentric = 1.8;
    /// v and dv/dlambda at @p lambda for @p in.
    void
    velocity(const double         lambda,
             const MaterialInput &in,
             double              &v,
             double              &dv) const;
  };
} // namespace septa
