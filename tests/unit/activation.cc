// Activation dynamics and excitation signals against closed-form solutions
// of the first-order model da/dt = (u - a) / tau (tau = tau_act while u > a,
// tau_deact otherwise), and the force-length curve of Blemker et al. 2005.
#include <materials/activation.h>

#include "unit_check.h"

#include <deal.II/base/mpi.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <string>

using namespace dealii;
using namespace septa;
using unit::expect;
using unit::num;
using unit::within;
using unit::Worst;

namespace
{
  /// An Activation from 'entry = value' settings.
  Activation
  make(const std::vector<std::pair<std::string, std::string>> &settings)
  {
    ParameterHandler prm;
    Activation::declare_parameters(prm);
    for (const auto &[entry, value] : settings)
      prm.set(entry, value);
    Activation a;
    a.parse_parameters(prm, "test");
    return a;
  }

  const double tau_a = 0.015, tau_d = 0.05; // the defaults (Thelen 2003)

  /**
   * Pulse train of frequency f, width w, intensity u: peaks at the end of
   * each pulse and troughs just before the next one follow the recurrence
   * peak_k = u + (trough_k - u) E_a, trough_k+1 = peak_k E_d with
   * E_a = exp(-w / tau_a), E_d = exp(-(T - w) / tau_d), T = 1 / f, whose
   * fixed point is the plateau trough* = u (1 - E_a) E_d / (1 - E_a E_d).
   * Returns trough* / peak* of the model after 2 s of stimulation, sampled
   * every 0.25 ms over the last period.
   */
  double
  pulse_train(const double f, const double w, const double u)
  {
    std::cout << "pulse train " << f << " Hz, width " << w << " s, intensity "
              << u << std::endl;
    const Activation a = make({{"Excitation", "programme"},
                               {"Frequency", num(f)},
                               {"Pulse width", num(w)},
                               {"Intensity", num(u)}});
    const double     T = 1.0 / f, Ea = std::exp(-w / tau_a),
                 Ed           = std::exp(-(T - w) / tau_d);
    double             trough = 0;
    Worst              worst;
    const unsigned int n = static_cast<unsigned int>(std::round(2.0 * f));
    for (unsigned int k = 0; k < n; ++k)
      {
        const double peak = u + (trough - u) * Ea;
        worst.add(std::abs(a.value(k * T + w) - peak) / peak);
        trough = peak * Ed;
        worst.add(std::abs(a.value((k + 1) * T) - trough) / peak);
      }
    // Exact for piecewise-constant excitation: only rounding remains.
    expect(within(worst.value, 1e-10),
           "peaks and troughs of " + std::to_string(n) +
             " pulses match the recurrence (worst relative error " +
             num(worst.value) + ")");
    // After 2 s the recurrence has converged to its fixed point (it
    // contracts by E_a E_d <= 0.61 per period, >= 10 periods): the last
    // peak and trough equal it to rounding, and no sample of the last
    // period leaves [trough*, peak*].
    const double plateau_trough = u * (1 - Ea) * Ed / (1 - Ea * Ed);
    const double plateau_peak   = u + (plateau_trough - u) * Ea;
    const double last_peak = a.value(2.0 - T + w), last_trough = a.value(2.0);
    double       lo = last_trough, hi = last_peak;
    for (unsigned int i = 0; i <= 400; ++i)
      {
        const double v = a.value(2.0 - T + i * T / 400);
        lo             = v < lo ? v : lo;
        hi             = v > hi ? v : hi;
      }
    std::cout << "    plateau (closed form): trough " << plateau_trough
              << ", peak " << plateau_peak
              << "; model over the last period: " << lo << " .. " << hi
              << std::endl;
    expect(within(std::abs(last_trough - plateau_trough),
                  1e-10 * plateau_peak) &&
             within(std::abs(last_peak - plateau_peak), 1e-10 * plateau_peak) &&
             within(last_trough - lo, 1e-12) && within(hi - last_peak, 1e-12),
           "plateau after 2 s equals the periodic fixed point (1e-10)");
    return lo / hi;
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);

  // Fusion: at 5 Hz the period (200 ms) is four deactivation time constants
  // and activation falls back close to zero between twitches; at 50 Hz
  // (20 ms) the next pulse comes before it has decayed.  'Fused' here means
  // the activation never drops below half its peak, 'unfused' that it
  // drops below 5 % of it.
  const double ratio_5  = pulse_train(5, 0.005, 1.0);
  const double ratio_50 = pulse_train(50, 0.005, 1.0);
  expect(ratio_5 < 0.05, "5 Hz unfused: min/max = " + num(ratio_5));
  expect(ratio_50 > 0.5, "50 Hz fused: min/max = " + num(ratio_50));
  pulse_train(50, 0.002, 0.6);

  std::cout << "constant excitation" << std::endl;
  {
    const Activation a = make(
      {{"Excitation", "constant"}, {"Level", "0.8"}, {"Start time", "0.1"}});
    const auto exact = [](const double t) {
      return t > 0.1 ? 0.8 * (1 - std::exp(-(t - 0.1) / tau_a)) : 0.0;
    };
    Worst worst;
    for (const double t : {0.05, 0.11, 0.2, 0.5})
      worst.add(std::abs(a.value(t) - exact(t)));
    expect(within(worst.value, 1e-12),
           "a = L (1 - exp(-(t - t0) / tau_act)), error " + num(worst.value));
    // A cut-back asks for an earlier time after a later one: a fresh object
    // asked for 0.3, 0.15, 0.3 s gives the closed form every time.
    const Activation b = make(
      {{"Excitation", "constant"}, {"Level", "0.8"}, {"Start time", "0.1"}});
    Worst order;
    for (const double t : {0.3, 0.15, 0.3, 0.12})
      order.add(std::abs(b.value(t) - exact(t)));
    expect(within(order.value, 1e-12),
           "values do not depend on the order of requests (cut-backs), "
           "error " +
             num(order.value));
  }

  // Ramp u = L (t - t0) / T_r: a = L / T_r ((t - t0) - tau (1 - exp(-(t -
  // t0) / tau))) while u > a.  The integration is exact for linear u:
  // rounding only (1e-10).
  std::cout << "ramp and table excitation" << std::endl;
  {
    const Activation ramp = make({{"Excitation", "ramp"},
                                  {"Level", "1"},
                                  {"Ramp time", "1"},
                                  {"Start time", "0"}});
    {
      std::ofstream csv("activation_table.csv");
      csv << "time,excitation\n0,0\n1,1\n";
    }
    const Activation table = make(
      {{"Excitation", "table"}, {"Excitation file", "activation_table.csv"}});
    Worst worst_r, worst_t;
    for (const double t : {0.05, 0.2, 0.5, 0.9})
      {
        const double exact = t - tau_a * (1 - std::exp(-t / tau_a));
        worst_r.add(std::abs(ramp.value(t) - exact) / exact);
        worst_t.add(std::abs(table.value(t) - exact) / exact);
      }
    expect(within(worst_r.value, 1e-10),
           "ramp, relative error " + num(worst_r.value));
    expect(within(worst_t.value, 1e-10),
           "table 0:0, 1:1, relative error " + num(worst_t.value));
  }

  std::cout << "duty cycle and ramps of a programme" << std::endl;
  {
    ParameterHandler prm;
    Excitation::declare_parameters(prm);
    prm.set("Excitation", "programme");
    prm.set("Frequency", "50");
    prm.set("Pulse width", "0.004");
    prm.set("On time", "5");
    prm.set("Off time", "10");
    prm.set("Ramp up", "1");
    prm.set("Ramp down", "2");
    prm.set("Intensity", "0.9");
    Excitation e;
    e.parse_parameters(prm, "test");
    // Pulses start at multiples of 20 ms; t = 0.501 is inside the pulse of
    // 0.5 s, half-way up the ramp; t = 0.51 is between pulses; t = 4 s is
    // half-way down (ramp down from 3 to 5 s); t = 6 s is in the off phase;
    // t = 15.001 s starts the next cycle at the bottom of the ramp.
    expect(std::abs(e.value(0.501) - 0.9 * 0.501) < 1e-12, "ramp up");
    expect(e.value(0.51) == 0.0, "no excitation between pulses");
    expect(std::abs(e.value(2.001) - 0.9) < 1e-12, "full intensity");
    expect(std::abs(e.value(4.001) - 0.9 * 0.4995) < 1e-9, "ramp down");
    expect(e.value(6.001) == 0.0, "off phase");
    expect(std::abs(e.value(15.001) - 0.9 * 0.001) < 1e-9, "next cycle");
  }

  std::cout << "force-length curve (Blemker et al. 2005)" << std::endl;
  {
    double       f, df;
    Worst        worst;
    const double l[6] = {0.3, 0.5, 0.6, 1.0, 1.5, 1.7};
    const double v[6] = {0, 0.09, 0.36, 1, 0.09, 0};
    for (unsigned int i = 0; i < 6; ++i)
      {
        ActiveFibreStress::force_length(l[i], f, df);
        worst.add(std::abs(f - v[i]));
      }
    expect(within(worst.value, 1e-14), "values at 0.3, 0.5, 0.6, 1, 1.5, 1.7");
    // H(l) = int_0^l f dx by the composite Simpson rule.
    Worst simpson_error;
    for (const double x : {0.55, 0.9, 1.2, 1.45, 2.0})
      {
        const unsigned int n = 20000;
        const double       h = x / n;
        double             s = 0;
        for (unsigned int i = 1; i < n; ++i)
          {
            ActiveFibreStress::force_length(i * h, f, df);
            s += (i % 2 ? 4 : 2) * f;
          }
        ActiveFibreStress::force_length(x, f, df);
        s = (s + f) * h / 3;
        simpson_error.add(
          std::abs(s - ActiveFibreStress::force_length_integral(x)));
      }
    expect(within(simpson_error.value, 1e-8),
           "integral of f_L matches Simpson's rule, error " +
             num(simpson_error.value));
  }

  return unit::finish();
}
