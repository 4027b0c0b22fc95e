#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/utilities.h>

#include <cmath>
#include <vector>

namespace septa
{
  /**
   * Ogden solid with N terms: W = sum_p mu_p / alpha_p (l1^a_p + l2^a_p +
   * l3^a_p - 3) + U(J), l_a the principal stretches of b_bar (Ogden 1972,
   * Proc R Soc A 326:565; decoupled form as in FEBio's 'Ogden').
   * Small-strain shear modulus mu = 1/2 sum_p mu_p alpha_p.
   *
   * In principal directions n_a of b_bar, with x_a = l_a^2 and
   * beta_a = sum_p mu_p l_a^a_p, the fictitious Kirchhoff stress is
   * tau_bar = sum_a beta_a n_a(x)n_a and its tangent (Holzapfel 2000,
   * eq. 6.196, pushed forward, Kirchhoff form)
   *   Jc_bar = sum_a (sum_p mu_p a_p l_a^a_p - 2 beta_a) m_aa(x)m_aa
   *          + sum_{a != b} g_ab (m_ab(x)m_ab + m_ab(x)m_ba),
   *   g_ab = (beta_b x_a - beta_a x_b) / (x_b - x_a),  m_ab = n_a(x)n_b.
   * For x_a -> x_b, g_ab -> x beta'(x) - beta(x) at the mean x; g is
   * symmetric in a, b, so the error of that limit is second order in
   * x_b - x_a and is used below a relative gap of 1e-5.
   */
  class Ogden : public IsochoricMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Moduli",
                        "1000",
                        dealii::Patterns::List(dealii::Patterns::Double(),
                                               1,
                                               6),
                        "mu_1, ..., mu_N in Pa (1 to 6 terms).");
      prm.declare_entry("Exponents",
                        "2",
                        dealii::Patterns::List(dealii::Patterns::Double(),
                                               1,
                                               6),
                        "alpha_1, ..., alpha_N (dimensionless, non-zero), as "
                        "many as Moduli; each mu_p alpha_p > 0.");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      mu = dealii::Utilities::string_to_double(
        dealii::Utilities::split_string_list(prm.get("Moduli")));
      alpha = dealii::Utilities::string_to_double(
        dealii::Utilities::split_string_list(prm.get("Exponents")));
      require_input(mu.size() == alpha.size(),
                    where + "/Exponents",
                    prm.get("Exponents"),
                    "as many exponents as moduli (" +
                      std::to_string(mu.size()) + ")");
      for (unsigned int p = 0; p < mu.size(); ++p)
        require_input(alpha[p] != 0.0 && mu[p] * alpha[p] > 0.0,
                      where + "/Moduli, Exponents",
                      prm.get("Moduli") + " / " + prm.get("Exponents"),
                      "non-zero exponents with mu_p alpha_p > 0 for every "
                      "term (Ogden's stability condition)");
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      double m = 0;
      for (unsigned int p = 0; p < mu.size(); ++p)
        m += 0.5 * mu[p] * alpha[p];
      return m;
    }

    void
    evaluate(const MaterialInput &in, MaterialOutput &out) const override
    {
      const double                J = dealii::determinant(in.F);
      const SymmetricTensor<2, 3> b_bar =
        std::pow(J, -2.0 / 3.0) *
        dealii::symmetrize(in.F * dealii::transpose(in.F));
      const auto eig =
        dealii::eigenvectors(b_bar,
                             dealii::SymmetricTensorEigenvectorMethod::jacobi);
      double       x[3], beta[3], dbeta[3];
      Tensor<1, 3> n[3];
      out.energy = 0;
      for (unsigned int a = 0; a < 3; ++a)
        {
          x[a]     = eig[a].first;
          n[a]     = eig[a].second;
          beta[a]  = 0;
          dbeta[a] = 0; // d beta / d ln l
          for (unsigned int p = 0; p < mu.size(); ++p)
            {
              const double la = std::pow(x[a], 0.5 * alpha[p]); // l^alpha
              beta[a] += mu[p] * la;
              dbeta[a] += mu[p] * alpha[p] * la;
              out.energy += mu[p] / alpha[p] * (la - 1.0);
            }
        }

      SymmetricTensor<2, 3> tau_bar;
      for (unsigned int a = 0; a < 3; ++a)
        tau_bar += beta[a] * dealii::symmetrize(outer_product(n[a], n[a]));

      double g[3][3] = {};
      for (unsigned int a = 0; a < 3; ++a)
        for (unsigned int b = 0; b < 3; ++b)
          if (a != b)
            {
              const double gap = x[b] - x[a];
              if (std::abs(gap) > 1e-5 * 0.5 * (x[a] + x[b]))
                g[a][b] = (beta[b] * x[a] - beta[a] * x[b]) / gap;
              else
                g[a][b] = limit(0.5 * (x[a] + x[b]));
            }

      SymmetricTensor<4, 3> Jc_bar;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = k; l < 3; ++l)
              {
                double v = 0;
                for (unsigned int a = 0; a < 3; ++a)
                  {
                    v += (dbeta[a] - 2.0 * beta[a]) * n[a][i] * n[a][j] *
                         n[a][k] * n[a][l];
                    for (unsigned int b = 0; b < 3; ++b)
                      if (a != b)
                        v += g[a][b] * n[a][i] * n[b][j] *
                             (n[a][k] * n[b][l] + n[b][k] * n[a][l]);
                  }
                Jc_bar[i][j][k][l] = v;
              }
      kinematics::isochoric_push(tau_bar, Jc_bar, out);
    }

  private:
    /// lim_{x_b -> x_a} g_ab = x beta'(x) - beta(x), beta(x) = sum mu_p
    /// x^(alpha_p / 2).
    double
    limit(const double x) const
    {
      double v = 0;
      for (unsigned int p = 0; p < mu.size(); ++p)
        v += mu[p] * (0.5 * alpha[p] - 1.0) * std::pow(x, 0.5 * alpha[p]);
      return v;
    }

    std::vector<double> mu, alpha;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        Ogden,
                        "Ogden",
                        "Ogden solid with up to six terms, isochoric/"
                        "volumetric split.")
} // namespace septa
