#include <core/input_error.h>
#include <core/registry.h>
#include <loads/load.h>
#include <loads/surface_patch.h>

#include <deal.II/fe/fe_values_extractors.h>

namespace septa
{
  using namespace dealii;

  /**
   * Pressure p(t) = value * curve(t) on a named boundary or a patch of it,
   * positive pushing into the body.  Follower (default): acts on the current
   * surface, t da = -p J F^{-T} N dA, with the tangent
   * d(J F^{-T} N) = J [tr(dl) I - dl^T] F^{-T} N, dl = Grad du F^{-1}
   * (Wriggers 2008, sec. 4.2.5), which is not symmetric.  Dead: t = -p N
   * on the reference surface (as in Reese, Wriggers, Reddy 2000 and
   * deal.II step-44).
   */
  class Pressure : public Load
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Boundary",
                        "skin",
                        Patterns::Anything(),
                        "Name of the boundary.");
      prm.declare_entry("Pressure",
                        "0",
                        Patterns::Double(),
                        "Pressure in Pa (positive presses into the body; "
                        "negative is suction), times the load curve.");
      prm.declare_entry("Follower",
                        "true",
                        Patterns::Bool(),
                        "true: acts normal to the deformed surface on the "
                        "deformed area; false: dead load on the reference "
                        "surface.");
      prm.declare_entry("Load curve",
                        "0:0, 1:1",
                        Patterns::Anything(),
                        LoadCurve::documentation());
      SurfacePatch::declare_parameters(prm);
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      this->where = where;
      boundary    = prm.get("Boundary");
      pressure    = prm.get_double("Pressure");
      follower    = prm.get_bool("Follower");
      curve       = LoadCurve(prm.get("Load curve"), where + "/Load curve");
      patch.parse_parameters(prm, where);
    }

    void
    initialize(const BoundaryNames &boundaries) override
    {
      ids = resolve_boundary(boundaries, boundary, where + "/Boundary");
    }

    std::set<types::boundary_id>
    loaded_boundaries() const override
    {
      return ids;
    }

    bool
    nonsymmetric_tangent() const override
    {
      return follower;
    }

    void
    assemble_face(const double           t,
                  const FEFaceValues<3> &fv,
                  const std::vector<Tensor<1, 3>> &,
                  const std::vector<Tensor<2, 3>> &grad_u,
                  Vector<double>                  &f_ext,
                  FullMatrix<double>              &K_ext) override
    {
      const double                     p = pressure * curve.value(t);
      const FEValuesExtractors::Vector u(0);
      const unsigned int               n = fv.dofs_per_cell;
      for (unsigned int q = 0; q < fv.n_quadrature_points; ++q)
        {
          if (!patch.contains(fv.quadrature_point(q)))
            continue;
          const Tensor<1, 3> &N   = fv.normal_vector(q);
          const double        JxW = fv.JxW(q);
          if (!follower)
            {
              for (unsigned int i = 0; i < n; ++i)
                f_ext(i) += -p * (fv[u].value(i, q) * N) * JxW;
              continue;
            }
          const Tensor<2, 3> F     = unit_symmetric_tensor<3>() + grad_u[q];
          const Tensor<2, 3> F_inv = invert(F);
          const double       J     = determinant(F);
          const Tensor<1, 3> a     = J * (transpose(F_inv) * N); // J F^-T N
          for (unsigned int i = 0; i < n; ++i)
            f_ext(i) += -p * (fv[u].value(i, q) * a) * JxW;
          for (unsigned int j = 0; j < n; ++j)
            {
              const Tensor<2, 3> dl = fv[u].gradient(j, q) * F_inv;
              const Tensor<1, 3> da = trace(dl) * a - transpose(dl) * a;
              for (unsigned int i = 0; i < n; ++i)
                K_ext(i, j) += -p * (fv[u].value(i, q) * da) * JxW;
            }
        }
    }

  private:
    std::string                  where, boundary;
    double                       pressure = 0;
    bool                         follower = true;
    LoadCurve                    curve;
    SurfacePatch                 patch;
    std::set<types::boundary_id> ids;
  };

  SEPTA_REGISTER_PLUGIN(Load,
                        Pressure,
                        "pressure",
                        "follower or dead pressure on a named boundary or a "
                        "disc/rectangle patch of it (suction: negative).")
} // namespace septa
