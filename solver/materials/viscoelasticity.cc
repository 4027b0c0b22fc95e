#include <core/input_error.h>
#include <materials/viscoelasticity.h>

#include <deal.II/base/utilities.h>

#include <cmath>

namespace septa
{
  void
  PronySeries::declare_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Viscoelasticity");
    prm.declare_entry("Relative moduli",
                      "",
                      dealii::Patterns::List(dealii::Patterns::Double()),
                      "Prony series g_1, g_2, ... (each > 0, sum < 1): the "
                      "fractions of the instantaneous stress that relax; "
                      "empty = elastic.  Fat: 0.39 (Sims et al. 2010).");
    prm.declare_entry("Relaxation times",
                      "",
                      dealii::Patterns::List(dealii::Patterns::Double()),
                      "tau_1, tau_2, ... in s (> 0), one per relative "
                      "modulus.  Fat: 700 s (Sims et al. 2010).");
    prm.leave_subsection();
  }


  void
  PronySeries::parse_parameters(dealii::ParameterHandler &prm,
                                const std::string        &where)
  {
    prm.enter_subsection("Viscoelasticity");
    const std::string w = where + "/Viscoelasticity";
    g                   = dealii::Utilities::string_to_double(
      dealii::Utilities::split_string_list(prm.get("Relative moduli")));
    tau = dealii::Utilities::string_to_double(
      dealii::Utilities::split_string_list(prm.get("Relaxation times")));
    require_input(tau.size() == g.size(),
                  w + "/Relaxation times",
                  prm.get("Relaxation times"),
                  "one relaxation time per relative modulus ('" +
                    prm.get("Relative moduli") + "')");
    double sum = 0;
    for (unsigned int i = 0; i < g.size(); ++i)
      {
        require_input(g[i] > 0,
                      w + "/Relative moduli",
                      prm.get("Relative moduli"),
                      "positive fractions whose sum is below 1");
        require_input(tau[i] > 0,
                      w + "/Relaxation times",
                      prm.get("Relaxation times"),
                      "positive times in s");
        sum += g[i];
      }
    require_input(sum < 1.0,
                  w + "/Relative moduli",
                  prm.get("Relative moduli"),
                  "positive fractions whose sum is below 1 (the long-term "
                  "stress must stay positive)");
    prm.leave_subsection();
  }


  void
  PronySeries::apply(const Tensor<2, 3>          &F,
                     const double                 dt,
                     const SymmetricTensor<2, 3> *old,
                     MaterialOutput              &out,
                     SymmetricTensor<2, 3>       *updated) const
  {
    const Tensor<2, 3>          F_inv = dealii::invert(F);
    const SymmetricTensor<2, 3> S0    = dealii::symmetrize(
      F_inv * Tensor<2, 3>(out.tau) * dealii::transpose(F_inv));
    SymmetricTensor<2, 3> S     = S0;
    double                gamma = 1.0;
    for (unsigned int i = 0; i < g.size(); ++i)
      {
        const double x = dt / tau[i];
        const double e = std::exp(-x);
        // (1 - e^-x) / x without cancellation for short steps.
        const double beta = x > 1e-8 ? -std::expm1(-x) / x : 1.0 - 0.5 * x;
        const SymmetricTensor<2, 3> h = e * old[1 + i] + beta * (S0 - old[0]);
        S += g[i] * (h - S0);
        gamma -= g[i] * (1.0 - beta);
        if (updated)
          updated[1 + i] = h;
      }
    if (updated)
      updated[0] = S0;
    out.tau = dealii::symmetrize(F * Tensor<2, 3>(S) * dealii::transpose(F));
    out.Jc *= gamma;
  }


  double
  PronySeries::relaxation(const double t) const
  {
    double G = 1.0;
    for (unsigned int i = 0; i < g.size(); ++i)
      G -= g[i] * (1.0 - std::exp(-t / tau[i]));
    return G;
  }
} // namespace septa
