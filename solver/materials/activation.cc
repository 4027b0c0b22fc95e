#include <core/input_error.h>
#include <materials/activation.h>
#include <materials/material.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace septa
{
  namespace
  {
    constexpr double infinity = std::numeric_limits<double>::infinity();

    /// A value in [0, 1] or an InputError.
    double
    get_fraction(dealii::ParameterHandler &prm,
                 const std::string        &entry,
                 const std::string        &where)
    {
      const double v = prm.get_double(entry);
      require_input(v >= 0.0 && v <= 1.0,
                    where + "/" + entry,
                    prm.get(entry),
                    "a fraction between 0 and 1");
      return v;
    }
  } // namespace


  void
  Excitation::declare_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Double;
    prm.declare_entry(
      "Excitation",
      "none",
      dealii::Patterns::Selection("none|constant|ramp|table|programme"),
      "Neural excitation u(t) in [0, 1] that drives the activation: none "
      "(passive muscle), constant ('Level' from 'Start time'), ramp (0 at "
      "'Start time' to 'Level' after 'Ramp time'), table (CSV 'Excitation "
      "file' of time, u rows, linear in between), programme (stimulation "
      "pulse train, see 'Frequency' and below).");
    prm.declare_entry("Level", "1", Double(), "Excitation level (0 to 1).");
    prm.declare_entry("Start time",
                      "0",
                      Double(0.0),
                      "Time in s at which the excitation starts.");
    prm.declare_entry("Ramp time",
                      "1",
                      Double(0.0),
                      "Duration in s of the ramp from 0 to 'Level' (ramp).");
    prm.declare_entry("Excitation file",
                      "",
                      dealii::Patterns::Anything(),
                      "CSV file of 'time, excitation' rows (s, 0 to 1) with "
                      "increasing times; '#' lines and a header are skipped; "
                      "constant outside the table (table).  Relative paths "
                      "start from the working directory.");
    prm.declare_entry("Frequency",
                      "50",
                      Double(),
                      "Stimulation pulse frequency in Hz (programme; devices "
                      "use 30-100 Hz, most often 50 Hz).");
    prm.declare_entry(
      "Pulse width",
      "0.005",
      Double(),
      "Time in s for which each pulse excites the muscle (programme).  The "
      "activation model sees the excitation of the fibres, not the electric "
      "waveform: give the time a stimulus keeps them excited (a few ms) "
      "rather than the 0.1-0.4 ms electrical pulse.  Must be shorter than "
      "the pulse period.");
    prm.declare_entry("On time",
                      "1e9",
                      Double(),
                      "Duration in s of the stimulation phase of each duty "
                      "cycle, ramps included (programme; devices 5-15 s).");
    prm.declare_entry("Off time",
                      "0",
                      Double(),
                      "Duration in s of the rest phase of each duty cycle "
                      "(programme; devices 10-50 s).");
    prm.declare_entry("Ramp up",
                      "0",
                      Double(),
                      "Time in s over which the pulse intensity rises at the "
                      "start of each 'On time' (programme; devices 0.5-3.5 "
                      "s).");
    prm.declare_entry("Ramp down",
                      "0",
                      Double(),
                      "Time in s over which the pulse intensity falls at the "
                      "end of each 'On time' (programme).");
    prm.declare_entry("Intensity",
                      "1",
                      Double(),
                      "Excitation during a pulse at full envelope, 0 to 1 "
                      "(fraction of the muscle recruited; programme).");
  }


  void
  Excitation::parse_parameters(dealii::ParameterHandler &prm,
                               const std::string        &where)
  {
    type  = prm.get("Excitation");
    start = prm.get_double("Start time");
    if (type == "constant" || type == "ramp")
      level = get_fraction(prm, "Level", where);
    if (type == "ramp")
      {
        const double ramp = get_positive(prm, "Ramp time", where, "s");
        curve             = LoadCurve(std::vector<double>{start, start + ramp},
                          std::vector<double>{0.0, level});
      }
    if (type == "table")
      {
        const std::string file = prm.get("Excitation file");
        std::ifstream     in(file);
        require_input(!file.empty() && in.good(),
                      where + "/Excitation file",
                      file,
                      "a readable CSV file of 'time, excitation' rows "
                      "(relative paths start from the working directory)");
        std::vector<double> table_t, table_u;
        std::string         line;
        unsigned int        number = 0;
        while (std::getline(in, line))
          {
            ++number;
            line = dealii::Utilities::trim(line);
            if (line.empty() || line[0] == '#')
              continue;
            std::replace(line.begin(), line.end(), ',', ' ');
            std::istringstream row(line);
            double             t, u;
            if (!(row >> t >> u))
              {
                // A header line is allowed before the first number.
                require_input(table_t.empty(),
                              file + ": line " + std::to_string(number),
                              line,
                              "two numbers 'time, excitation'");
                continue;
              }
            require_input(u >= 0.0 && u <= 1.0 &&
                            (table_t.empty() || t > table_t.back()),
                          file + ": line " + std::to_string(number),
                          line,
                          "increasing times and excitations from 0 to 1");
            table_t.push_back(t);
            table_u.push_back(u);
          }
        require_input(!table_t.empty(),
                      where + "/Excitation file",
                      file,
                      "a CSV file with at least one 'time, excitation' row");
        curve = LoadCurve(table_t, table_u);
      }
    if (type == "programme")
      {
        frequency   = get_positive(prm, "Frequency", where, "Hz");
        pulse_width = get_positive(prm, "Pulse width", where, "s");
        require_input(pulse_width < 1.0 / frequency,
                      where + "/Pulse width",
                      prm.get("Pulse width"),
                      "a duration shorter than the pulse period 1/Frequency "
                      "= " +
                        std::to_string(1.0 / frequency) + " s");
        on_time   = get_positive(prm, "On time", where, "s");
        off_time  = get_positive(prm, "Off time", where, "s", true);
        ramp_up   = get_positive(prm, "Ramp up", where, "s", true);
        ramp_down = get_positive(prm, "Ramp down", where, "s", true);
        require_input(ramp_up + ramp_down <= on_time,
                      where + "/Ramp up",
                      prm.get("Ramp up"),
                      "ramps that fit in the 'On time' (Ramp up + Ramp down "
                      "<= On time = " +
                        prm.get("On time") + " s)");
        intensity = get_fraction(prm, "Intensity", where);
      }
  }


  double
  Excitation::envelope(const double t) const
  {
    const double s = std::fmod(t - start, on_time + off_time);
    if (s >= on_time)
      return 0.0;
    if (ramp_up > 0 && s < ramp_up)
      return s / ramp_up;
    if (ramp_down > 0 && s > on_time - ramp_down)
      return (on_time - s) / ramp_down;
    return 1.0;
  }


  double
  Excitation::value(const double t) const
  {
    if (type == "none")
      return 0.0;
    if (type == "ramp" || type == "table")
      return curve.value(t);
    if (t < start)
      return 0.0;
    if (type == "constant")
      return level;
    // programme: pulses of width w at start + k / f inside the on phases
    const double period = 1.0 / frequency;
    const double s      = t - start;
    const double phase  = s - std::floor(s / period) * period;
    return phase < pulse_width ? intensity * envelope(t) : 0.0;
  }


  double
  Excitation::next_break(const double t) const
  {
    if (type == "none")
      return infinity;
    if (type == "ramp" || type == "table")
      return curve.next_knot(t);
    if (t < start)
      return start;
    if (type == "constant")
      return infinity;
    // Pulse edges and the ends of the on and off phases; a break must lie
    // strictly after t (guard against rounding).
    const double eps    = 1e-12 * (1.0 + std::abs(t));
    const double period = 1.0 / frequency;
    const double k      = std::floor((t - start) / period);
    const double cycle  = on_time + off_time;
    const double c      = std::floor((t - start) / cycle);
    double       next   = infinity;
    for (const double b : {start + k * period + pulse_width,
                           start + (k + 1) * period,
                           start + c * cycle + ramp_up,
                           start + c * cycle + on_time - ramp_down,
                           start + c * cycle + on_time,
                           start + (c + 1) * cycle})
      if (b > t + eps)
        next = std::min(next, b);
    return next;
  }


  void
  Activation::declare_parameters(dealii::ParameterHandler &prm)
  {
    Excitation::declare_parameters(prm);
    prm.declare_entry("Activation time constant",
                      "0.015",
                      dealii::Patterns::Double(),
                      "tau_act in s of the first-order activation dynamics "
                      "(default 15 ms: Thelen 2003, J Biomech Eng 125:70).");
    prm.declare_entry("Deactivation time constant",
                      "0.05",
                      dealii::Patterns::Double(),
                      "tau_deact in s (default 50 ms: Thelen 2003).");
  }


  void
  Activation::parse_parameters(dealii::ParameterHandler &prm,
                               const std::string        &where)
  {
    excitation.parse_parameters(prm, where);
    tau_act     = get_positive(prm, "Activation time constant", where, "s");
    tau_deact   = get_positive(prm, "Deactivation time constant", where, "s");
    checkpoints = {{0.0, 0.0}};
  }


  double
  Activation::value(const double t) const
  {
    if (excitation.is_none() || t <= 0.0)
      return 0.0;
    auto it = checkpoints.upper_bound(t);
    --it; // the key 0 is always there and t > 0
    double time = it->first, a = it->second;
    if (time == t)
      return a;
    constexpr double h_max = 1e-3; // s
    while (time < t)
      {
        const double end =
          std::min({t, excitation.next_break(time), time + h_max});
        // u is linear between breaks, u = u0 + s r: exact solution of
        // da/dr = (u - a) / tau over the step is
        // a = u - s tau + (a0 - u0 + s tau) exp(-r / tau).  u0 and s come
        // from the quarter points, away from the jumps at the breaks.
        const double h     = end - time;
        const double uq1   = excitation.value(time + 0.25 * h);
        const double uq3   = excitation.value(time + 0.75 * h);
        const double slope = (uq3 - uq1) / (0.5 * h);
        const double start = uq1 - slope * 0.25 * h;
        // The time constant follows the sign of d = u - a (activating while
        // u > a); at d = 0 the slope of u decides.  Rounding after a switch
        // leaves |d0| ~ 1e-16: count that as zero.
        const double d0     = start - a;
        const bool   rising = std::abs(d0) > 1e-14 ? d0 > 0 : slope > 0;
        const double tau    = rising ? tau_act : tau_deact;
        // d(r) = s tau - (s tau - d0) exp(-r / tau) changes sign at r* =
        // -tau ln(s tau / (s tau - d0)) when that ratio lies in (0, 1): the
        // time constant switches there, so the step ends at r* and the next
        // one starts from d = 0.
        double       r  = h;
        const double st = slope * tau;
        // (At least 1e-12 of the time, so that time advances; a crossing
        // closer than that changes a by less than rounding.)
        if (std::abs(d0) > 1e-14 && (st > 0) != (d0 > 0) && st != 0.0)
          r = std::min(h,
                       std::max(-tau * std::log(st / (st - d0)),
                                1e-12 * std::max(1.0, time)));
        // Same in a form without cancellation for short steps (x -> 0):
        // a = a0 (1 - e) + u0 e + s tau (x - e), e = 1 - exp(-x), x = r/tau.
        const double x = r / tau, e = -std::expm1(-x);
        a    = a * (1.0 - e) + start * e + slope * tau * (x - e);
        time = r < h ? time + r : end;
      }
    checkpoints[t] = a;
    return a;
  }


  void
  ActiveFibreStress::declare_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Activation");
    prm.declare_entry("Maximum active stress",
                      "3e5",
                      dealii::Patterns::Double(),
                      "sigma_max in Pa, the fibre stress of the fully "
                      "activated muscle at optimal length (default 300 kPa: "
                      "Blemker et al. 2005).");
    prm.declare_entry("Optimal fibre stretch",
                      "1",
                      dealii::Patterns::Double(),
                      "lambda_ofl, the fibre stretch of maximal active "
                      "force, relative to the mesh (default 1: Blemker et "
                      "al. 2005).");
    prm.declare_entry("Maximum shortening velocity",
                      "0",
                      dealii::Patterns::Double(),
                      "V_max in optimal fibre lengths per s of the "
                      "force-velocity relation (0: no force-velocity "
                      "effect, quasi-static; skeletal muscle: about 10).");
    prm.declare_entry("Force-velocity curvature",
                      "0.25",
                      dealii::Patterns::Double(),
                      "Hill's constant k = a / F0 of the shortening branch "
                      "(Hill 1938: about 0.25).");
    prm.declare_entry("Eccentric force ratio",
                      "1.8",
                      dealii::Patterns::Double(),
                      "Force of fast lengthening relative to isometric, the "
                      "plateau of the lengthening branch (> 1; about 1.8).");
    Activation::declare_parameters(prm);
    prm.leave_subsection();
  }


  void
  ActiveFibreStress::parse_parameters(dealii::ParameterHandler &prm,
                                      const std::string        &where)
  {
    prm.enter_subsection("Activation");
    const std::string w = where + "/Activation";
    sigma_max  = get_positive(prm, "Maximum active stress", w, "Pa", true);
    lambda_ofl = get_positive(prm, "Optimal fibre stretch", w, "");
    v_max = get_positive(prm, "Maximum shortening velocity", w, "1/s", true);
    curvature = get_positive(prm, "Force-velocity curvature", w, "");
    eccentric = prm.get_double("Eccentric force ratio");
    require_input(eccentric > 1.0,
                  w + "/Eccentric force ratio",
                  prm.get("Eccentric force ratio"),
                  "a ratio above 1");
    dynamics.parse_parameters(prm, w);
    prm.leave_subsection();
  }


  void
  ActiveFibreStress::force_length(const double l, double &f, double &df)
  {
    if (l > 0.4 && l < 0.6)
      {
        f  = 9.0 * (l - 0.4) * (l - 0.4);
        df = 18.0 * (l - 0.4);
      }
    else if (l >= 0.6 && l <= 1.4)
      {
        f  = 1.0 - 4.0 * (1.0 - l) * (1.0 - l);
        df = 8.0 * (1.0 - l);
      }
    else if (l > 1.4 && l < 1.6)
      {
        f  = 9.0 * (l - 1.6) * (l - 1.6);
        df = 18.0 * (l - 1.6);
      }
    else
      f = df = 0.0;
  }


  double
  ActiveFibreStress::force_length_integral(const double l)
  {
    // Antiderivatives of f_L on the three pieces.
    const auto p1 = [](const double x) { return 3.0 * std::pow(x - 0.4, 3); };
    const auto p2 = [](const double x) {
      return x + 4.0 / 3.0 * std::pow(1.0 - x, 3);
    };
    const auto p3 = [](const double x) { return 3.0 * std::pow(x - 1.6, 3); };
    double     H  = 0;
    if (l > 0.4)
      H += p1(std::min(l, 0.6)) - p1(0.4);
    if (l > 0.6)
      H += p2(std::min(l, 1.4)) - p2(0.6);
    if (l > 1.4)
      H += p3(std::min(l, 1.6)) - p3(1.4);
    return H;
  }


  void
  ActiveFibreStress::force_velocity(const double v, double &f, double &df) const
  {
    if (v <= -1.0)
      f = df = 0.0;
    else if (v <= 0.0)
      {
        const double d = 1.0 - v / curvature;
        f              = (1.0 + v) / d;
        df             = (1.0 + (1.0 + v) / curvature / d) / d;
      }
    else
      {
        const double c = (1.0 + 1.0 / curvature) / (eccentric - 1.0);
        const double d = 1.0 + c * v;
        f              = eccentric - (eccentric - 1.0) / d;
        df             = (eccentric - 1.0) * c / (d * d);
      }
  }


  void
  ActiveFibreStress::velocity(const double         lambda,
                              const MaterialInput &in,
                              double              &v,
                              double              &dv) const
  {
    const double scale = 1.0 / (lambda_ofl * v_max);
    if (in.dt > 0)
      {
        v  = (lambda - in.fibre_stretch_old) / in.dt * scale;
        dv = scale / in.dt;
      }
    else
      {
        v  = in.fibre_rate_old * scale;
        dv = 0.0;
      }
  }


  void
  ActiveFibreStress::fibre_stress(const double         lambda,
                                  const double         a,
                                  const MaterialInput &in,
                                  double              &g,
                                  double              &dg) const
  {
    const double l = lambda / lambda_ofl;
    double       f, df;
    force_length(l, f, df);
    double fv = 1.0, dfv_dlambda = 0.0;
    if (uses_velocity())
      {
        double v, dv, dfv;
        velocity(lambda, in, v, dv);
        force_velocity(v, fv, dfv);
        dfv_dlambda = dfv * dv;
      }
    g  = sigma_max * a * f * l * fv;
    dg = sigma_max * a * ((df * l + f) / lambda_ofl * fv + f * l * dfv_dlambda);
  }


  double
  ActiveFibreStress::stress(const double         lambda,
                            const double         time,
                            const MaterialInput &in) const
  {
    if (!is_active())
      return 0.0;
    double g, dg;
    fibre_stress(lambda, dynamics.value(time), in, g, dg);
    return g;
  }


  void
  ActiveFibreStress::add(const double         I4,
                         const MaterialInput &in,
                         double              &W,
                         double              &W4,
                         double              &W44) const
  {
    if (!is_active())
      return;
    const double a = dynamics.value(in.time);
    if (a == 0.0)
      return;
    // g = lambda dW/dlambda = sigma_max a f_L(l) f_V l (Blemker et al.
    // 2005, eq. 9), so dW/dlambda = sigma_max a f_L(l) / lambda_ofl and W =
    // sigma_max a (H(l) - H(1 / lambda_ofl)) with H' = f_L (the energy
    // reported stays the one without f_V).
    const double lambda = std::sqrt(I4);
    double       g, dg;
    fibre_stress(lambda, a, in, g, dg);
    W += sigma_max * a *
         (force_length_integral(lambda / lambda_ofl) -
          force_length_integral(1.0 / lambda_ofl));
    W4 += g / (2.0 * I4);
    W44 += dg / (4.0 * lambda * I4) - g / (2.0 * I4 * I4);
  }
} // namespace septa
