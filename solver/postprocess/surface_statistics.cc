// Normal displacement u . N (mean, min, max) of the boundaries named in
// 'Output/Surface statistics', over face quadrature points (reference
// normals and areas): un_mean_<surface>, un_min_..., un_max_...
#include <postprocess/postprocessor.h>

#include <deal.II/fe/fe_values.h>

namespace septa
{
  namespace
  {
    class SurfaceColumns : public Postprocessor
    {
    public:
      SurfaceColumns(const Discretization &d, const RunParameters &run)
        : d(d)
        , run(run)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const auto &s : run.output.surfaces)
          for (const char *q : {"un_mean_", "un_min_", "un_max_"})
            names.push_back(q + s);
        return names;
      }

      void
      values(const OutputContext &c, std::vector<double> &v) override
      {
        const auto         &surfaces = run.output.surfaces;
        std::vector<double> un_sum(surfaces.size(), 0.0),
          un_area(surfaces.size(), 0.0), un_min(surfaces.size(), 1e300),
          un_max(surfaces.size(), -1e300);
        for (unsigned int k = 0; k < surfaces.size(); ++k)
          for_each_surface_face(
            d,
            c.x.ghosted,
            d.boundaries.at(surfaces[k]),
            [&](const auto &, unsigned int, const auto &ffv, const auto &un) {
              for (unsigned int q = 0; q < un.size(); ++q)
                {
                  un_sum[k] += un[q] * ffv.JxW(q);
                  un_area[k] += ffv.JxW(q);
                  un_min[k] = std::min(un_min[k], un[q]);
                  un_max[k] = std::max(un_max[k], un[q]);
                }
            });
        if (!surfaces.empty())
          {
            Utilities::MPI::sum(un_sum, d.comm, un_sum);
            Utilities::MPI::sum(un_area, d.comm, un_area);
            Utilities::MPI::min(un_min, d.comm, un_min);
            Utilities::MPI::max(un_max, d.comm, un_max);
          }
        for (unsigned int k = 0; k < surfaces.size(); ++k)
          v.insert(v.end(), {un_sum[k] / un_area[k], un_min[k], un_max[k]});
      }

    private:
      const Discretization &d;
      const RunParameters  &run;
    };
  } // namespace


  void
  for_each_surface_face(
    const Discretization                                   &d,
    const PETScWrappers::MPI::Vector                       &ghosted,
    const std::set<types::boundary_id>                     &ids,
    const std::function<void(const DoFHandler<3>::active_cell_iterator &,
                             unsigned int,
                             const FEFaceValues<3> &,
                             const std::vector<double> &)> &visit)
  {
    FEFaceValues<3>             ffv(d.mapping,
                        d.fe,
                        d.face_quadrature,
                        update_values | update_normal_vectors |
                          update_JxW_values | update_quadrature_points);
    std::vector<Vector<double>> u(d.face_quadrature.size(), Vector<double>(3));
    std::vector<double>         un(u.size());
    for (const auto &cell : d.dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              ids.count(cell->face(f)->boundary_id()))
            {
              ffv.reinit(cell, f);
              ffv.get_function_values(ghosted, u);
              for (unsigned int q = 0; q < u.size(); ++q)
                {
                  const Tensor<1, 3> N = ffv.normal_vector(q);
                  un[q] = u[q][0] * N[0] + u[q][1] * N[1] + u[q][2] * N[2];
                }
              visit(cell, f, ffv, un);
            }
  }


  std::unique_ptr<Postprocessor>
  make_surface_columns(const Discretization &d, const RunParameters &run)
  {
    return std::make_unique<SurfaceColumns>(d, run);
  }
} // namespace septa
