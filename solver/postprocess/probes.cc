// Displacements at probe points (columns u_<name>_x, _y, _z).
#include <core/input_error.h>
#include <postprocess/postprocessor.h>

#include <deal.II/fe/fe_values.h>

#include <limits>
#include <sstream>

namespace septa
{
  namespace
  {
    class ProbeColumns : public Postprocessor
    {
    public:
      ProbeColumns(const Discretization &d, const RunParameters &run)
        : d(d)
        , run(run)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const auto &name : run.output.probe_names)
          for (const char *c : {"x", "y", "z"})
            names.push_back("u_" + name + "_" + c);
        return names;
      }

      /// Find the cell of each probe (collective; an InputError on every
      /// rank if a point is outside the mesh).
      void
      mesh_changed() override
      {
        probes.clear();
        // Probe points: find the owning cell once.
        for (const auto &p : run.output.probe_points)
          {
            // Search the owned cells only: the library's point search may walk
            // into artificial cells of a distributed mesh.
            Probe probe;
            for (const auto &cell : d.dof_handler.active_cell_iterators())
              if (cell->is_locally_owned() && !probe.owned)
                {
                  const auto box = cell->bounding_box();
                  Point<3>   lo  = box.get_boundary_points().first,
                           hi    = box.get_boundary_points().second;
                  bool near      = true;
                  for (unsigned int d = 0; d < 3; ++d)
                    {
                      const double tol = 1e-10 * (hi[d] - lo[d]);
                      near = near && p[d] >= lo[d] - tol && p[d] <= hi[d] + tol;
                    }
                  if (!near)
                    continue;
                  try
                    {
                      const Point<3> unit =
                        d.mapping.transform_real_to_unit_cell(cell, p);
                      if (GeometryInfo<3>::is_inside_unit_cell(unit, 1e-10))
                        {
                          probe.cell = cell;
                          probe.unit_point =
                            GeometryInfo<3>::project_to_unit_cell(unit);
                          probe.owned = true;
                        }
                    }
                  catch (...)
                    {
                    }
                }
            const unsigned int n_found =
              Utilities::MPI::sum(probe.owned ? 1u : 0u, d.comm);
            std::ostringstream point;
            point << p;
            require_input(
              n_found > 0,
              run.filename + ": Output/Probe points",
              point.str(),
              "points inside the mesh (m, reference configuration)");
            // A point on a partition boundary belongs to the lowest rank.
            const unsigned int rank =
              probe.owned ? Utilities::MPI::this_mpi_process(d.comm)
                          : std::numeric_limits<unsigned int>::max();
            const unsigned int first = Utilities::MPI::min(rank, d.comm);
            probe.owned              = probe.owned && first == rank;
            probes.push_back(probe);
          }
      }

      void
      values(const OutputContext &c, std::vector<double> &v) override
      {
        std::vector<double> probe_values(3 * probes.size(), 0.0);
        for (unsigned int p = 0; p < probes.size(); ++p)
          if (probes[p].owned)
            {
              const Quadrature<3> q(probes[p].unit_point);
              FEValues<3>         pv(d.mapping, d.fe, q, update_values);
              pv.reinit(probes[p].cell);
              std::vector<Vector<double>> u(1, Vector<double>(3));
              pv.get_function_values(c.x.ghosted, u);
              for (unsigned int k = 0; k < 3; ++k)
                probe_values[3 * p + k] = u[0][k];
            }
        Utilities::MPI::sum(probe_values, d.comm, probe_values);
        v.insert(v.end(), probe_values.begin(), probe_values.end());
      }

    private:
      struct Probe
      {
        typename DoFHandler<3>::active_cell_iterator cell;
        Point<3>                                     unit_point;
        bool                                         owned = false;
      };
      const Discretization &d;
      const RunParameters  &run;
      std::vector<Probe>    probes;
    };
  } // namespace


  std::unique_ptr<Postprocessor>
  make_probe_columns(const Discretization &d, const RunParameters &run)
  {
    return std::make_unique<ProbeColumns>(d, run);
  }
} // namespace septa
