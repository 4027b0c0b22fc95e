#include <core/registry.h>
#include <loads/load.h>

#include <deal.II/fe/fe_values_extractors.h>

namespace septa
{
  using namespace dealii;

  /**
   * Body force rho g curve(t) per reference volume (rho of each layer from
   * 'Materials/<layer>/Density').
   */
  class Gravity : public Load
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Acceleration",
                        "0, 0, -9.81",
                        Patterns::List(Patterns::Double(), 3, 3),
                        "Gravitational acceleration vector in m/s^2.");
      prm.declare_entry("Load curve",
                        "0:0, 1:1",
                        Patterns::Anything(),
                        LoadCurve::documentation());
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      const auto v = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Acceleration")));
      for (unsigned int d = 0; d < 3; ++d)
        g[d] = v[d];
      curve = LoadCurve(prm.get("Load curve"), where + "/Load curve");
    }

    bool
    has_body_force() const override
    {
      return true;
    }

    void
    assemble_cell(const double       t,
                  const FEValues<3> &fv,
                  const double       density,
                  Vector<double>    &f_ext) const override
    {
      const Tensor<1, 3>               b = density * curve.value(t) * g;
      const FEValuesExtractors::Vector u(0);
      for (unsigned int q = 0; q < fv.n_quadrature_points; ++q)
        for (unsigned int i = 0; i < fv.dofs_per_cell; ++i)
          f_ext(i) += (fv[u].value(i, q) * b) * fv.JxW(q);
    }

  private:
    Tensor<1, 3> g;
    LoadCurve    curve;
  };

  SEPTA_REGISTER_PLUGIN(Load, Gravity, "gravity", "body force rho g.")
} // namespace septa
