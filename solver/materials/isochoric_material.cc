#include <core/input_error.h>
#include <materials/isochoric_material.h>

#include <cmath>

namespace septa
{
  void
  IsochoricMaterial::declare_volumetric(dealii::ParameterHandler &prm)
  {
    prm.declare_entry("Poisson ratio",
                      "0.49",
                      dealii::Patterns::Double(-1.0, 0.5),
                      "Small-strain Poisson ratio nu in (-1, 0.5); sets the "
                      "bulk modulus kappa = 2 mu (1 + nu) / (3 (1 - 2 nu)) "
                      "from the small-strain shear modulus mu unless 'Bulk "
                      "modulus' is positive.");
    prm.declare_entry("Bulk modulus",
                      "0",
                      dealii::Patterns::Double(0.0),
                      "Bulk modulus kappa in Pa of U = kappa/4 (J^2 - 1 - 2 "
                      "ln J); 0 means: from the Poisson ratio.");
  }


  void
  IsochoricMaterial::parse_volumetric(dealii::ParameterHandler &prm,
                                      const std::string        &where)
  {
    const double nu = prm.get_double("Poisson ratio");
    require_input(nu > -1.0 && nu < 0.5,
                  where + "/Poisson ratio",
                  prm.get("Poisson ratio"),
                  "a value in (-1, 0.5)");
    const double mu = shear_modulus();
    require_input(mu > 0,
                  where,
                  "small-strain shear modulus " + std::to_string(mu) + " Pa",
                  "parameters whose small-strain shear modulus is positive");
    kappa = prm.get_double("Bulk modulus");
    if (kappa == 0.0)
      kappa = 2.0 * mu * (1.0 + nu) / (3.0 * (1.0 - 2.0 * nu));
  }


  void
  IsochoricMaterial::volumetric(const double J,
                                double      &U,
                                double      &dU,
                                double      &d2U) const
  {
    U   = 0.25 * kappa * (J * J - 1.0 - 2.0 * std::log(J));
    dU  = 0.5 * kappa * (J - 1.0 / J);
    d2U = 0.5 * kappa * (1.0 + 1.0 / (J * J));
  }


  void
  InvariantMaterial::evaluate(const MaterialInput &in,
                              MaterialOutput      &out) const
  {
    const double                J = dealii::determinant(in.F);
    const SymmetricTensor<2, 3> b =
      std::pow(J, -2.0 / 3.0) *
      dealii::symmetrize(in.F * dealii::transpose(in.F));
    const SymmetricTensor<2, 3> b2 =
      dealii::symmetrize(Tensor<2, 3>(b) * Tensor<2, 3>(b)); // b_bar^2
    const double      I1 = trace(b);
    const double      I2 = 0.5 * (I1 * I1 - trace(b2));
    const Derivatives d  = derivatives(I1, I2);

    const double A     = d.W1 + I1 * d.W2;
    const double delta = d.W11 + 2.0 * I1 * d.W12 + I1 * I1 * d.W22 + d.W2;
    const double gamma = d.W12 + I1 * d.W22;

    const SymmetricTensor<2, 3> tau_bar = 2.0 * (A * b - d.W2 * b2);
    SymmetricTensor<4, 3>       Jc_bar =
      4.0 * (delta * outer_product(b, b) -
             gamma * (outer_product(b, b2) + outer_product(b2, b)) +
             d.W22 * outer_product(b2, b2));
    if (d.W2 != 0.0)
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = k; l < 3; ++l)
              Jc_bar[i][j][k][l] -=
                2.0 * d.W2 * (b[i][k] * b[j][l] + b[i][l] * b[j][k]);
    kinematics::isochoric_push(tau_bar, Jc_bar, out);
    out.energy = d.W;
  }


  void
  FibreMaterial::evaluate(const MaterialInput &in, MaterialOutput &out) const
  {
    const double                J     = dealii::determinant(in.F);
    const Tensor<2, 3>          F_bar = std::pow(J, -1.0 / 3.0) * in.F;
    const SymmetricTensor<2, 3> b =
      dealii::symmetrize(F_bar * dealii::transpose(F_bar));
    const unsigned int    nf = n_families();
    Tensor<1, 3>          a[2];
    SymmetricTensor<2, 3> A[2];
    double                I4[2] = {1.0, 1.0};
    for (unsigned int f = 0; f < nf; ++f)
      {
        a[f]  = F_bar * in.fibre[f];
        A[f]  = dealii::symmetrize(dealii::outer_product(a[f], a[f]));
        I4[f] = a[f] * a[f];
      }
    const bool   with_I5 = uses_I5();
    Tensor<1, 3> g;
    double       I5 = 0;
    if (with_I5)
      {
        g  = b * a[0];
        I5 = a[0] * g;
      }
    Derivatives d = with_I5 ? derivatives_with_I5(trace(b), I4, I5)
                            : derivatives(trace(b), I4);
    if (contractile)
      active.add(I4[0], in, d.W, d.W4[0], d.W44[0]);

    SymmetricTensor<2, 3> tau_bar = 2.0 * d.W1 * b;
    SymmetricTensor<4, 3> Jc_bar  = 4.0 * d.W11 * outer_product(b, b);
    for (unsigned int f = 0; f < nf; ++f)
      {
        tau_bar += 2.0 * d.W4[f] * A[f];
        Jc_bar +=
          4.0 * (d.W14[f] * (outer_product(b, A[f]) + outer_product(A[f], b)) +
                 d.W44[f] * outer_product(A[f], A[f]));
      }
    if (with_I5)
      {
        const SymmetricTensor<2, 3> P5 = dealii::symmetrize(
          dealii::outer_product(a[0], g) + dealii::outer_product(g, a[0]));
        tau_bar += 2.0 * d.W5 * P5;
        Jc_bar +=
          4.0 * (d.W55 * outer_product(P5, P5) +
                 d.W15 * (outer_product(b, P5) + outer_product(P5, b)) +
                 d.W45 * (outer_product(A[0], P5) + outer_product(P5, A[0])));
        const Tensor<1, 3> &v = a[0];
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = i; j < 3; ++j)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = k; l < 3; ++l)
                Jc_bar[i][j][k][l] +=
                  2.0 * d.W5 *
                  (v[i] * v[l] * b[j][k] + v[j] * v[l] * b[i][k] +
                   v[i] * v[k] * b[j][l] + v[j] * v[k] * b[i][l]);
      }
    kinematics::isochoric_push(tau_bar, Jc_bar, out);
    out.energy = d.W;
  }
} // namespace septa
