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
        // Normal displacement u . N of the surfaces asked for, over face
        // quadrature points (reference normals and areas).
        const auto         &surfaces = run.output.surfaces;
        std::vector<double> un_sum(surfaces.size(), 0.0),
          un_area(surfaces.size(), 0.0), un_min(surfaces.size(), 1e300),
          un_max(surfaces.size(), -1e300);
        if (!surfaces.empty())
          {
            FEFaceValues<3>             ffv(d.mapping,
                                d.fe,
                                d.face_quadrature,
                                update_values | update_normal_vectors |
                                  update_JxW_values);
            std::vector<Vector<double>> u_face(d.face_quadrature.size(),
                                               Vector<double>(3));
            for (const auto &cell : d.dof_handler.active_cell_iterators())
              if (cell->is_locally_owned() && cell->at_boundary())
                for (const unsigned int f : cell->face_indices())
                  if (cell->face(f)->at_boundary())
                    for (unsigned int k = 0; k < surfaces.size(); ++k)
                      if (d.boundaries.at(surfaces[k])
                            .count(cell->face(f)->boundary_id()))
                        {
                          ffv.reinit(cell, f);
                          ffv.get_function_values(c.x.ghosted, u_face);
                          for (unsigned int q = 0; q < d.face_quadrature.size();
                               ++q)
                            {
                              const Tensor<1, 3> N  = ffv.normal_vector(q);
                              const double       un = u_face[q][0] * N[0] +
                                                u_face[q][1] * N[1] +
                                                u_face[q][2] * N[2];
                              un_sum[k] += un * ffv.JxW(q);
                              un_area[k] += ffv.JxW(q);
                              un_min[k] = std::min(un_min[k], un);
                              un_max[k] = std::max(un_max[k], un);
                            }
                        }
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


  std::unique_ptr<Postprocessor>
  make_surface_columns(const Discretization &d, const RunParameters &run)
  {
    return std::make_unique<SurfaceColumns>(d, run);
  }
} // namespace septa
