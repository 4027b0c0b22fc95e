#include <core/refinement.h>

#include <deal.II/distributed/cell_data_transfer.templates.h>
#include <deal.II/distributed/grid_refinement.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/numerics/error_estimator.h>

#include <set>

namespace septa
{
  Refinement::Refinement(Discretization      &d,
                         const RunParameters &run,
                         QuadratureState     &points,
                         SolutionState       &x)
    : d(d)
    , run(run)
    , points(points)
    , x(x)
  {
  }


  bool
  Refinement::adapt()
  {
    const auto &r    = run.refinement;
    auto       &tria = d.triangulation;
    const int   lo   = run.global_refinements;
    const int   hi   = r.max_level;
    x.ghosted        = x.solution;
    if (r.kelly)
      {
        Vector<float> indicator(tria.n_active_cells());
        KellyErrorEstimator<3>::estimate(d.mapping,
                                         d.dof_handler,
                                         d.face_quadrature,
                                         {},
                                         x.ghosted,
                                         indicator);
        parallel::distributed::GridRefinement::refine_and_coarsen_fixed_number(
          tria, indicator, r.refine_fraction, r.coarsen_fraction);
      }
    if (r.interfaces)
      {
        std::set<types::material_id> chosen;
        for (unsigned int l = 0; l < run.layer_names.size(); ++l)
          if (r.interface_layers.empty() ||
              std::count(r.interface_layers.begin(),
                         r.interface_layers.end(),
                         run.layer_names[l]))
            chosen.insert(l);
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto f : cell->face_indices())
              if (!cell->at_boundary(f))
                {
                  // (A neighbour refined further is one cell of a coarser
                  // level here, with its children's layer.)
                  const auto n = cell->neighbor(f);
                  const auto a = cell->material_id(), b = n->material_id();
                  if (a != b && (chosen.count(a) || chosen.count(b)))
                    {
                      cell->clear_coarsen_flag();
                      cell->set_refine_flag();
                    }
                }
      }
    // Levels between the initial mesh and the maximum.
    bool marked = false;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          if (cell->level() >= hi)
            cell->clear_refine_flag();
          if (cell->level() <= lo)
            cell->clear_coarsen_flag();
          marked =
            marked || cell->refine_flag_set() || cell->coarsen_flag_set();
        }
    if (!Utilities::MPI::logical_or(marked, d.comm))
      return false;

    tria.prepare_coarsening_and_refinement();
    parallel::distributed::SolutionTransfer<3, PETScWrappers::MPI::Vector>
      solution_transfer(d.dof_handler);
    solution_transfer.prepare_for_coarsening_and_refinement(x.ghosted);
    using CellData = std::vector<std::vector<double>>;
    parallel::distributed::CellDataTransfer<3, 3, CellData> cell_transfer(
      tria,
      true,
      [this](const typename Triangulation<3>::cell_iterator &parent,
             const std::vector<double>                      &value) {
        return points.refine(parent, value);
      },
      [this](const typename Triangulation<3>::cell_iterator &parent,
             const std::vector<std::vector<double>>         &children) {
        return points.coarsen(parent, children);
      });
    const CellData packed = points.pack(x.local);
    cell_transfer.prepare_for_coarsening_and_refinement(packed);
    tria.execute_coarsening_and_refinement();

    d.setup_dofs();
    x.solution.reinit(d.locally_owned, d.comm);
    x.ghosted.reinit(d.locally_owned, d.locally_relevant, d.comm);
    solution_transfer.interpolate(x.solution);
    // Values at hanging nodes from their masters.
    d.hanging.distribute(x.solution);
    x.ghosted = x.solution;
    CellData moved(tria.n_active_cells());
    cell_transfer.unpack(moved);
    points.unpack(moved, x.local);
    return true;
  }
} // namespace septa
