// Finite-difference check of every registered material (FEBio's
// FETangentDiagnostic idea): at uniaxial, simple shear, equibiaxial and
// general triaxial deformations, each rotated by a random rotation,
//  - the Kirchhoff stress equals P F^T with P = dW/dF by central
//    differences of the energy,
//  - the spatial tangent Jc reproduces the central difference of tau:
//    d tau = Jc : sym(l) + l tau + tau l^T, l = dF F^-1,
//  - tau(Q F) = Q tau(F) Q^T (objectivity).
// Relative errors must stay below 1e-6 (central differences with h = 1e-6:
// truncation O(h^2) and rounding O(eps/h) are both near 1e-10 relative).
// The volumetric part U(J) of split materials is added as the solver adds
// it.  Every state is evaluated at t = 1 s, where contracting variants are
// active: their activation must equal the closed form of the dynamics and
// their active Kirchhoff stress dev(g n (x) n), g = sigma_max a f_L(l) l
// (Blemker et al. 2005's force-length curve, written out here), so the
// finite-difference checks cover the active stress and its tangent.  A NaN
// anywhere fails (unit::within, unit::Worst).
#include <core/registry.h>
#include <materials/material.h>
#include <materials/viscoelasticity.h>

#include "unit_check.h"

#include <deal.II/base/mpi.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <random>
#include <tuple>

using namespace dealii;
using namespace septa;

namespace
{
  struct Total
  {
    double                W;
    SymmetricTensor<2, 3> tau;
    SymmetricTensor<4, 3> Jc;
  };

  using unit::within;
  using unit::Worst;

  /// Time of every evaluation: one second after a constant excitation
  /// starts at t = 0, so a = L (1 - exp(-1 / 0.015)) = L to rounding.
  const double t_active = 1.0;

  Total
  evaluate(const Material     &m,
           const Tensor<2, 3> &F,
           const double        time = t_active)
  {
    MaterialInput  in;
    MaterialOutput out;
    in.F    = F;
    in.time = time;
    // Fibres oblique to the deformation axes, so that the states stretch
    // or shorten them (anisotropic materials only read them); none sits on
    // the tension-only switch of fibre models, where W is not C^2.
    in.fibre[0] = Tensor<1, 3>({1.0, 0.3, 0.2});
    in.fibre[1] = Tensor<1, 3>({-0.25, 1.0, 0.4}); // off the switch E = 0
    in.fibre[0] /= in.fibre[0].norm();
    in.fibre[1] /= in.fibre[1].norm();
    m.evaluate(in, out);
    const double J = determinant(F);
    double       U, dU, d2U;
    m.volumetric(J, U, dU, d2U);
    const auto I = unit_symmetric_tensor<3>();
    Total      t;
    t.W   = out.energy + U;
    t.tau = out.tau + J * dU * I;
    t.Jc  = out.Jc +
           J * dU * (outer_product(I, I) - 2.0 * identity_tensor<3>()) +
           J * J * d2U * outer_product(I, I);
    return t;
  }

  Tensor<2, 3>
  random_rotation(std::mt19937 &rng)
  {
    std::normal_distribution<double> n;
    double                           q[4], norm = 0;
    for (double &v : q)
      {
        v = n(rng);
        norm += v * v;
      }
    for (double &v : q)
      v /= std::sqrt(norm);
    const double w = q[0], x = q[1], y = q[2], z = q[3];
    Tensor<2, 3> R;
    R[0][0] = 1 - 2 * (y * y + z * z);
    R[0][1] = 2 * (x * y - z * w);
    R[0][2] = 2 * (x * z + y * w);
    R[1][0] = 2 * (x * y + z * w);
    R[1][1] = 1 - 2 * (x * x + z * z);
    R[1][2] = 2 * (y * z - x * w);
    R[2][0] = 2 * (x * z - y * w);
    R[2][1] = 2 * (y * z + x * w);
    R[2][2] = 1 - 2 * (x * x + y * y);
    return R;
  }

  double
  check(const Material &m, const Tensor<2, 3> &F, const std::string &what)
  {
    const Total  t = evaluate(m, F);
    const double h = 1e-6;
    // Stress from the energy.
    Tensor<2, 3> P;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        {
          Tensor<2, 3> dF;
          dF[i][j] = h;
          P[i][j]  = (evaluate(m, F + dF).W - evaluate(m, F - dF).W) / (2 * h);
        }
    const Tensor<2, 3> tau_fd   = P * transpose(F);
    const double       scale    = Tensor<2, 3>(t.tau).norm() + 1e-300;
    const double       e_stress = (tau_fd - Tensor<2, 3>(t.tau)).norm() / scale;
    // Tangent from the stress.
    Worst              tangent_error;
    double             tangent_scale = 0;
    const Tensor<2, 3> F_inv         = invert(F);
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        {
          Tensor<2, 3> dF;
          dF[i][j] = 1.0;
          const Tensor<2, 3> dtau =
            (Tensor<2, 3>(evaluate(m, F + h * dF).tau) -
             Tensor<2, 3>(evaluate(m, F - h * dF).tau)) /
            (2 * h);
          const Tensor<2, 3> l   = dF * F_inv;
          const Tensor<2, 3> tau = t.tau;
          const Tensor<2, 3> model =
            Tensor<2, 3>(t.Jc * symmetrize(l)) + l * tau + tau * transpose(l);
          tangent_error.add((dtau - model).norm());
          tangent_scale = std::max(tangent_scale, model.norm());
        }
    const double e_tangent = tangent_error.value / (tangent_scale + 1e-300);
    Worst        err;
    err.add(e_stress);
    err.add(e_tangent);
    std::cout << "  " << what << ": stress " << e_stress << ", tangent "
              << e_tangent << (within(err.value, 1e-6) ? "  ok" : "  FAIL")
              << std::endl;
    return err.value;
  }

  /// Blemker et al. 2005's active force-length curve, written out here
  /// independently of ActiveFibreStress.
  double
  f_L(const double l)
  {
    if (l > 0.4 && l < 0.6)
      return 9 * (l - 0.4) * (l - 0.4);
    if (l >= 0.6 && l <= 1.4)
      return 1 - 4 * (1 - l) * (1 - l);
    if (l > 1.4 && l < 1.6)
      return 9 * (l - 1.6) * (l - 1.6);
    return 0;
  }

  /**
   * Relative error of the active stress: tau(t_active) - tau(0) against
   * dev(g n (x) n), g = sigma_max a f_L(l) l, l = lambda_bar / lambda_ofl
   * with lambda_bar = J^(-1/3) |F a0| the isochoric fibre stretch and n =
   * F a0 / |F a0| (the fibre term of W_iso(I4_bar) with dW/dI4_bar = g / (2
   * I4_bar), Holzapfel 2000 sec. 6.7).  @p l_out returns l.
   */
  double
  active_error(const Material     &m,
               const Tensor<2, 3> &F,
               const double        a,
               const double        sigma_max,
               const double        lambda_ofl,
               double             &l_out)
  {
    Tensor<1, 3> a0({1.0, 0.3, 0.2});
    a0 /= a0.norm();
    const Tensor<1, 3> Fa         = F * a0;
    const double       lambda_bar = std::cbrt(1.0 / determinant(F)) * Fa.norm();
    l_out                         = lambda_bar / lambda_ofl;
    const double                g = sigma_max * a * f_L(l_out) * l_out;
    const auto                  n = Fa / Fa.norm();
    const SymmetricTensor<2, 3> expected =
      deviator(symmetrize(outer_product(n, n))) * g;
    const SymmetricTensor<2, 3> active =
      evaluate(m, F).tau - evaluate(m, F, 0.0).tau;
    return (active - expected).norm() / (expected.norm() + 1e-300);
  }
  /**
   * Tangent-only check for stresses that do not derive from an energy
   * (history or rate dependent): central differences of tau(F) against
   * Jc : sym(l) + l tau + tau l^T at every state, randomly rotated.
   */
  void
  tangent_only(
    const std::function<void(const Tensor<2, 3> &, MaterialOutput &)> &tau,
    const std::vector<std::pair<std::string, Tensor<2, 3>>>           &states,
    std::mt19937                                                      &rng,
    Worst                                                             &worst,
    unsigned int                                                      &n_checks)
  {
    for (const auto &[what, F0] : states)
      {
        const Tensor<2, 3> F = random_rotation(rng) * F0;
        MaterialOutput     o;
        tau(F, o);
        const double h = 1e-6;
        Worst        e;
        double       scale = 0;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            {
              Tensor<2, 3> dF;
              dF[i][j] = 1.0;
              MaterialOutput p, q;
              tau(F + h * dF, p);
              tau(F - h * dF, q);
              const Tensor<2, 3> dtau =
                (Tensor<2, 3>(p.tau) - Tensor<2, 3>(q.tau)) / (2 * h);
              const Tensor<2, 3> l = dF * invert(F);
              const Tensor<2, 3> t = o.tau;
              const Tensor<2, 3> model =
                Tensor<2, 3>(o.Jc * symmetrize(l)) + l * t + t * transpose(l);
              e.add((dtau - model).norm());
              scale = std::max(scale, model.norm());
            }
        const double rel = e.value / scale;
        std::cout << "  " << what << ": tangent " << rel
                  << (within(rel, 1e-6) ? "  ok" : "  FAIL") << std::endl;
        worst.add(rel);
        ++n_checks;
      }
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  std::mt19937                     rng(20261123);
  // Variants beyond the defaults: (model, entry, value); several entries
  // are separated by '|' in both.
  const std::vector<std::array<std::string, 3>> variants = {
    {{"neo-Hookean", "Form", "split"}},
    {{"neo-Hookean", "Form", "compressible"}},
    {{"neo-Hookean", "Poisson ratio", "0.4999"}},
    {{"Mooney-Rivlin", "C01", "300"}},
    {{"Mooney-Rivlin", "C01", "-100"}},
    {{"Yeoh", "C20", "400"}},
    {{"Hendriks", "c0|c1", "500|2000"}},
    {{"Holzapfel-Gasser-Ogden", "Dispersion", "0"}},
    {{"Holzapfel-Gasser-Ogden", "Fibre families|k2", "1|5"}},
    {{"Yeoh", "C30", "-50"}},
    // Ogden's three-term fit of Treloar's rubber data (Ogden 1972).
    {{"Ogden", "Moduli|Exponents", "630e3, 1.2e3, -10e3|1.3, 5, -2"}},
    {{"Ogden", "Moduli|Exponents", "-400|-3"}},
    {{"fibrous septa", "Fibre families", "2"}},
    {{"Blemker muscle", "G1|G2", "300|2000"}},
    {{"Blemker muscle",
      "Activation/Excitation|Linear fibre stretch",
      "constant|1.05"}},
    {{"Martins muscle",
      "Activation/Excitation|Activation/Level",
      "constant|0.7"}},
    {{"Martins muscle",
      "Activation/Excitation|Activation/Optimal fibre stretch|"
      "Activation/Maximum active stress",
      "constant|1.2|5e4"}}};
  // Activation settings of a contracting variant, read back from its
  // parameters.
  struct Active
  {
    bool   on    = false;
    double level = 0, sigma_max = 0, lambda_ofl = 1;
  };
  std::vector<std::tuple<std::string, std::unique_ptr<Material>, Active>>
    materials;
  for (const auto &entry : Registry<Material>::entries())
    {
      // A rigid layer has no stress: its nodes are held (tested in
      // rigid_bone).
      if (entry.second.create()->is_rigid())
        continue;
      std::vector<std::pair<std::string, std::string>> settings = {{"", ""}};
      for (const auto &v : variants)
        if (v[0] == entry.first)
          settings.push_back({v[1], v[2]});
      for (const auto &s : settings)
        {
          ParameterHandler prm;
          entry.second.declare_parameters(prm);
          // Materials without a 'Shear modulus' entry keep their defaults.
          try
            {
              prm.set("Shear modulus", "1000");
            }
          catch (const ExceptionBase &)
            {
            }
          const auto keys   = Utilities::split_string_list(s.first, '|');
          const auto values = Utilities::split_string_list(s.second, '|');
          // 'Subsection/Entry' keys set an entry of a subsection.
          for (unsigned int k = 0; k < keys.size() && !s.first.empty(); ++k)
            {
              const auto path = Utilities::split_string_list(keys[k], '/');
              for (unsigned int i = 0; i + 1 < path.size(); ++i)
                prm.enter_subsection(path[i]);
              prm.set(path.back(), values[k]);
              for (unsigned int i = 0; i + 1 < path.size(); ++i)
                prm.leave_subsection();
            }
          auto m = entry.second.create();
          m->parse_parameters(prm, entry.first);
          Active active;
          if (m->is_contractile())
            {
              prm.enter_subsection("Activation");
              active.on         = prm.get("Excitation") != "none";
              active.level      = prm.get_double("Level");
              active.sigma_max  = prm.get_double("Maximum active stress");
              active.lambda_ofl = prm.get_double("Optimal fibre stretch");
              prm.leave_subsection();
            }
          materials.emplace_back(
            entry.first +
              (s.first.empty() ? "" : " (" + s.first + " = " + s.second + ")"),
            std::move(m),
            active);
        }
    }

  const double                                      s = 1.3;
  std::vector<std::pair<std::string, Tensor<2, 3>>> states;
  Tensor<2, 3> F = unit_symmetric_tensor<3>();
  F[0][0] = s, F[1][1] = F[2][2] = 1 / std::sqrt(s);
  states.emplace_back("uniaxial", F);
  F       = unit_symmetric_tensor<3>();
  F[0][1] = 0.4;
  states.emplace_back("simple shear", F);
  F       = unit_symmetric_tensor<3>();
  F[0][0] = F[1][1] = 1.2, F[2][2] = 0.75;
  states.emplace_back("equibiaxial", F);
  F = Tensor<2, 3>({{1.1, 0.2, 0.05}, {0.1, 0.9, 0.15}, {-0.05, 0.1, 1.2}});
  states.emplace_back("triaxial", F);
  // Stretch along the first fibre with equal lateral contraction: Blemker's
  // cross-fibre shear argument is exactly 1 (its series branch).
  {
    Tensor<1, 3> a0({1.0, 0.3, 0.2});
    a0 /= a0.norm();
    const Tensor<2, 3> A = outer_product(a0, a0);
    F                    = 1.25 * A +
        (Tensor<2, 3>(unit_symmetric_tensor<3>()) - A) / std::sqrt(1.25);
    states.emplace_back("along the fibre", F);
  }

  Worst        worst;
  unsigned int n_checks = 0, n_active = 0;
  for (const auto &[name, m, active] : materials)
    {
      std::cout << name << std::endl;
      if (active.on)
        {
          // Constant excitation L from t = 0: a = L (1 - exp(-t / tau_act)),
          // tau_act = 15 ms (the default).
          const double a = active.level * (1 - std::exp(-t_active / 0.015));
          unit::expect(
            a > 0 && within(std::abs(m->activation(t_active) - a), 1e-12),
            "  activation at t = 1 s: " + unit::num(m->activation(t_active)) +
              ", closed form " + unit::num(a));
          unsigned int off_peak = 0;
          for (const auto &[what, F0] : states)
            {
              double       l;
              const double e =
                active_error(*m, F0, a, active.sigma_max, active.lambda_ofl, l);
              // Closed form: only rounding of tau(1) - tau(0), whose passive
              // parts can be ten times the active one.
              unit::expect(within(e, 1e-9),
                           "  " + what +
                             ": active stress, l = " + unit::num(l, 4) +
                             ", relative error " + unit::num(e, 3));
              off_peak += std::abs(l - 1) > 0.05;
            }
          // Where f_L' != 0, a tangent that misses df_L/dl fails below.
          unit::expect(off_peak > 0, "  some states away from the peak of f_L");
          ++n_active;
        }
      for (const auto &[what, F0] : states)
        {
          const Tensor<2, 3> Q = random_rotation(rng);
          const Tensor<2, 3> F = Q * F0;
          worst.add(check(*m, F, what + " (rotated)"));
          // Objectivity: tau(Q F) = Q tau(F) Q^T.
          const Tensor<2, 3> a = evaluate(*m, F).tau;
          const Tensor<2, 3> b =
            Q * Tensor<2, 3>(evaluate(*m, F0).tau) * transpose(Q);
          const double e = (a - b).norm() / (b.norm() + 1e-300);
          std::cout << "  " << what << ": objectivity " << e << std::endl;
          worst.add(e);
          n_checks += 2;
        }
    }
  // The three contracting variants of the list above.
  unit::expect(n_active == 3,
               std::to_string(n_active) + " active variants checked, 3 listed");
  // Quasi-linear viscoelasticity: with a Prony series the stress no longer
  // derives from W, but tau(F) at fixed history and step must still have
  // the tangent Jc (checked by central differences, tangent only), for an
  // isotropic and a fibre material.
  {
    std::mt19937                           rng2(7);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    for (const std::string name : {"neo-Hookean", "Holzapfel-Gasser-Ogden"})
      {
        ParameterHandler prm;
        Registry<Material>::entries().at(name).declare_parameters(prm);
        PronySeries::declare_parameters(prm);
        prm.set("Shear modulus", "1000");
        prm.enter_subsection("Viscoelasticity");
        prm.set("Relative moduli", "0.39, 0.2");
        prm.set("Relaxation times", "700, 50");
        prm.leave_subsection();
        auto m = Registry<Material>::create(name, name);
        m->parse_parameters(prm, name);
        PronySeries prony;
        prony.parse_parameters(prm, name);
        std::vector<SymmetricTensor<2, 3>> old(prony.state_size());
        for (auto &t : old)
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              t[i][j] = 500.0 * uni(rng2);
        const double dt  = 30.0;
        const auto   tau = [&](const Tensor<2, 3> &F, MaterialOutput &out) {
          MaterialInput in;
          in.F        = F;
          in.fibre[0] = Tensor<1, 3>({1.0, 0.3, 0.2});
          in.fibre[0] /= in.fibre[0].norm();
          m->evaluate(in, out);
          prony.apply(F, dt, old.data(), out, nullptr);
        };
        std::cout << name << " with Prony series (dt = 30 s)" << std::endl;
        tangent_only(tau, states, rng, worst, n_checks);
      }
  }

  // Force-velocity: the active stress depends on the fibre velocity (lambda
  // - lambda_old) / dt, so it no longer derives from W; tangent only, for
  // shortening and lengthening states.
  for (const std::string name : {"Martins muscle", "Blemker muscle"})
    for (const double lambda_old : {1.15, 0.95})
      {
        ParameterHandler prm;
        Registry<Material>::entries().at(name).declare_parameters(prm);
        prm.enter_subsection("Activation");
        prm.set("Excitation", "constant");
        prm.set("Maximum shortening velocity", "4");
        prm.leave_subsection();
        auto m = Registry<Material>::create(name, name);
        m->parse_parameters(prm, name);
        // Level 1 from t = 0: fully active at t = 1 s.
        unit::expect(within(std::abs(m->activation(1.0) - 1.0), 1e-12),
                     name + " active at t = 1 s");
        const auto tau = [&](const Tensor<2, 3> &F, MaterialOutput &out) {
          MaterialInput in;
          in.F                 = F;
          in.time              = 1.0;
          in.dt                = 0.1;
          in.fibre_stretch_old = lambda_old;
          in.fibre[0]          = Tensor<1, 3>({1.0, 0.3, 0.2});
          in.fibre[0] /= in.fibre[0].norm();
          m->evaluate(in, out);
        };
        std::cout << name << " with force-velocity (lambda_old = " << lambda_old
                  << ")" << std::endl;
        tangent_only(tau, states, rng, worst, n_checks);
      }

  unit::expect(n_checks > 0 && within(worst.value, 1e-6),
               std::to_string(n_checks) +
                 " finite-difference checks, worst relative error " +
                 unit::num(worst.value, 3));
  return unit::finish();
}
