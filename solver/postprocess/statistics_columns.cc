// The small columns of statistics.csv: the step, the reactions, the mesh.
#include <postprocess/postprocessor.h>

namespace septa
{
  namespace
  {
    /// time, step size, Newton and linear iterations, stability indicators.
    class StepColumns : public Postprocessor
    {
    public:
      std::vector<std::string>
      columns() const override
      {
        return {"time",
                "step_size",
                "newton_iterations",
                "linear_iterations",
                "indefinite_solves",
                "negative_eigenvalues"};
      }

      void
      values(const OutputContext &c, std::vector<double> &v) override
      {
        v.insert(v.end(),
                 {c.time,
                  c.dt,
                  double(c.newton.newton_iterations),
                  double(c.newton.linear_iterations),
                  double(c.newton.indefinite_solves),
                  double(c.newton.negative_eigenvalues)});
      }
    };


    /// Reaction force on each named boundary and rigid layer: the sum of
    /// f_int - f_ext over its DoFs, the force the support exerts on the
    /// body (N).  The residual is the one condensed by the hanging-node
    /// constraints: a hanging node's share belongs to its masters (without
    /// it, a refined clamp misses the force on the nodes next to it).
    class ReactionColumns : public Postprocessor
    {
    public:
      explicit ReactionColumns(const Discretization &d)
        : d(d)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const auto &b : d.boundary_dofs)
          for (const char *c : {"x", "y", "z"})
            names.push_back("reaction_" + b.first + "_" + c);
        return names;
      }

      void
      values(const OutputContext &c, std::vector<double> &v) override
      {
        for (const auto &[name, dofs] : d.boundary_dofs)
          {
            double force[3] = {0, 0, 0};
            for (const auto dof : dofs)
              if (d.locally_owned.is_element(dof))
                force[d.owned_component[d.locally_owned.index_within_set(
                  dof)]] += c.assembler.condensed_residual(dof);
            for (double &f : force)
              v.push_back(Utilities::MPI::sum(f, d.comm));
          }
      }

    private:
      const Discretization &d;
    };


    /// Global active cells and the smallest and largest refinement level
    /// (levels count from the mesh the geometry creates).
    class MeshColumns : public Postprocessor
    {
    public:
      explicit MeshColumns(const Discretization &d)
        : d(d)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        return {"cells", "min_level", "max_level"};
      }

      void
      values(const OutputContext &, std::vector<double> &v) override
      {
        int lo = std::numeric_limits<int>::max(), hi = 0;
        for (const auto &cell : d.triangulation.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              lo = std::min(lo, cell->level());
              hi = std::max(hi, cell->level());
            }
        v.insert(v.end(),
                 {double(d.triangulation.n_global_active_cells()),
                  double(Utilities::MPI::min(lo, d.comm)),
                  double(Utilities::MPI::max(hi, d.comm))});
      }

    private:
      const Discretization &d;
    };
  } // namespace


  std::unique_ptr<Postprocessor>
  make_step_columns()
  {
    return std::make_unique<StepColumns>();
  }


  std::unique_ptr<Postprocessor>
  make_reaction_columns(const Discretization &d)
  {
    return std::make_unique<ReactionColumns>(d);
  }


  std::unique_ptr<Postprocessor>
  make_mesh_columns(const Discretization &d)
  {
    return std::make_unique<MeshColumns>(d);
  }


  std::vector<std::unique_ptr<Postprocessor>>
  standard_postprocessors(const Discretization &d, const RunParameters &run)
  {
    std::vector<std::unique_ptr<Postprocessor>> all;
    all.push_back(make_step_columns());
    all.push_back(make_reaction_columns(d));
    all.push_back(make_probe_columns(d, run));
    all.push_back(make_layer_statistics(d, run));
    all.push_back(make_surface_columns(d, run));
    if (!run.output.roughness_surface.empty())
      all.push_back(make_roughness_columns(d, run));
    all.push_back(make_mesh_columns(d));
    return all;
  }
} // namespace septa
