#include <core/registry.h>
#include <loads/load.h>
#include <loads/surface_patch.h>

#include <deal.II/fe/fe_values_extractors.h>

namespace septa
{
  using namespace dealii;

  /**
   * Dead traction vector t(t) = value * curve(t) per unit reference area on
   * a named boundary or a patch of it (first Piola traction P N = t), e.g.
   * the shear load of Cook's membrane.
   */
  class Traction : public Load
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Boundary",
                        "skin",
                        Patterns::Anything(),
                        "Name of the boundary.");
      prm.declare_entry("Traction",
                        "0, 0, 0",
                        Patterns::List(Patterns::Double(), 3, 3),
                        "Traction vector in Pa per reference area, times the "
                        "load curve.");
      prm.declare_entry("Load curve",
                        "0:0, 1:1",
                        Patterns::Anything(),
                        LoadCurve::documentation());
      SurfacePatch::declare_parameters(prm);
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      this->where  = where;
      boundary     = prm.get("Boundary");
      const auto v = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Traction")));
      for (unsigned int d = 0; d < 3; ++d)
        traction[d] = v[d];
      curve = LoadCurve(prm.get("Load curve"), where + "/Load curve");
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

    void
    assemble_face(const double           t,
                  const FEFaceValues<3> &fv,
                  const std::vector<Tensor<1, 3>> &,
                  const std::vector<Tensor<2, 3>> &,
                  Vector<double> &f_ext,
                  FullMatrix<double> &) override
    {
      const Tensor<1, 3>               tv = curve.value(t) * traction;
      const FEValuesExtractors::Vector u(0);
      for (unsigned int q = 0; q < fv.n_quadrature_points; ++q)
        if (patch.contains(fv.quadrature_point(q)))
          for (unsigned int i = 0; i < fv.dofs_per_cell; ++i)
            f_ext(i) += (fv[u].value(i, q) * tv) * fv.JxW(q);
    }

  private:
    std::string                  where, boundary;
    Tensor<1, 3>                 traction;
    LoadCurve                    curve;
    SurfacePatch                 patch;
    std::set<types::boundary_id> ids;
  };

  SEPTA_REGISTER_PLUGIN(Load,
                        Traction,
                        "traction",
                        "dead traction vector per reference area on a named "
                        "boundary or a patch of it.")
} // namespace septa
