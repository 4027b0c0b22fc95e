#include <core/discretization.h>
#include <core/input_error.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>

#include <cmath>

namespace septa
{
  Discretization::Discretization(const RunParameters &run, MPI_Comm comm)
    : run(run)
    , comm(comm)
    , triangulation(comm)
    , fe(FE_Q<3>(run.discretization.degree), 3)
    , fe_pressure(run.discretization.degree - 1)
    , dof_handler(triangulation)
    , quadrature(run.discretization.quadrature)
    , face_quadrature(run.discretization.quadrature)
  {
    pressure_basis.resize(quadrature.size());
    for (unsigned int q = 0; q < quadrature.size(); ++q)
      for (unsigned int k = 0; k < fe_pressure.n_dofs_per_cell(); ++k)
        pressure_basis[q].push_back(
          fe_pressure.shape_value(k, quadrature.point(q)));
  }


  void
  Discretization::create_coarse_mesh()
  {
    run.geometry->create(triangulation);
    GridTools::scale(run.mesh_scale, triangulation);
    run.geometry->attach_manifolds(triangulation, run.mesh_scale);
  }


  void
  Discretization::create_mesh()
  {
    create_coarse_mesh();
    triangulation.refine_global(run.global_refinements);
    run.geometry->resolve(triangulation,
                          run.mesh_scale,
                          run.global_refinements,
                          true);
  }


  void
  Discretization::resume_mesh()
  {
    run.geometry->resolve(triangulation,
                          run.mesh_scale,
                          run.global_refinements,
                          false);
  }


  void
  Discretization::check_mesh()
  {
    // Every layer must have cells, every boundary named by a load must exist.
    const auto               &names = run.layer_names;
    std::vector<unsigned int> count(names.size(), 0);
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          require_input(cell->material_id() < names.size(),
                        run.filename + ": Geometry",
                        "material id " + std::to_string(cell->material_id()),
                        "a mesh whose cells all belong to a named layer");
          ++count[cell->material_id()];
        }
    Utilities::MPI::sum(count, comm, count);
    for (unsigned int l = 0; l < names.size(); ++l)
      require_input(count[l] > 0,
                    run.filename + ": Geometry (layer '" + names[l] + "')",
                    "0 cells",
                    "a mesh with at least one cell in every layer");

    boundaries = run.geometry->boundary_names();
    for (const auto &surface : run.output.surfaces)
      resolve_boundary(boundaries,
                       surface,
                       run.filename + ": Output/Surface statistics");
    if (!run.output.roughness_surface.empty())
      resolve_boundary(boundaries,
                       run.output.roughness_surface,
                       run.filename + ": Output/Roughness surface");
    for (auto &load : run.loads)
      {
        load->attach(*this);
        load->initialize(boundaries);
        for (const auto id : load->loaded_boundaries())
          loaded_boundaries.insert(id);
        if (load->nonsymmetric_tangent())
          symmetric = false;
      }
    ConditionalOStream pcout(std::cout,
                             Utilities::MPI::this_mpi_process(comm) == 0);
    pcout << "Mesh: " << triangulation.n_global_active_cells() << " cells, "
          << names.size() << " layers (";
    for (unsigned int l = 0; l < names.size(); ++l)
      pcout << (l ? ", " : "") << names[l] << ": " << count[l];
    pcout << ")" << std::endl;
  }


  void
  Discretization::setup_dofs()
  {
    dof_handler.distribute_dofs(fe);
    locally_owned = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, locally_relevant);

    hanging.clear();
    hanging.reinit(locally_relevant);
    DoFTools::make_hanging_node_constraints(dof_handler, hanging);
    hanging.close();

    // Component and support point of each owned dof: rigid-body modes for
    // AMG and per-component reaction sums.
    owned_component.assign(locally_owned.n_elements(), 0);
    owned_support_points.assign(locally_owned.n_elements(), Point<3>());
    {
      const Quadrature<3> support(fe.get_unit_support_points());
      FEValues<3>         fv(mapping, fe, support, update_quadrature_points);
      std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            cell->get_dof_indices(dofs);
            for (unsigned int i = 0; i < dofs.size(); ++i)
              if (locally_owned.is_element(dofs[i]))
                {
                  const auto k       = locally_owned.index_within_set(dofs[i]);
                  owned_component[k] = fe.system_to_component_index(i).first;
                  owned_support_points[k] = fv.quadrature_point(i);
                }
          }
    }

    boundary_dofs.clear();
    for (const auto &[name, ids] : boundaries)
      boundary_dofs[name] =
        DoFTools::extract_boundary_dofs(dof_handler, ComponentMask(), ids);
    // Rigid layers: every dof of their cells is held; the force on them is
    // reported like a boundary's, as 'layer_<name>'.
    rigid_dofs = IndexSet(dof_handler.n_dofs());
    for (unsigned int l = 0; l < run.materials.size(); ++l)
      if (run.materials[l]->is_rigid())
        {
          IndexSet                             dofs(dof_handler.n_dofs());
          std::vector<types::global_dof_index> cell_dofs(fe.n_dofs_per_cell());
          for (const auto &cell : dof_handler.active_cell_iterators())
            if (!cell->is_artificial() && cell->material_id() == l)
              {
                cell->get_dof_indices(cell_dofs);
                for (const auto dof : cell_dofs)
                  dofs.add_index(dof);
              }
          dofs.compress();
          boundary_dofs["layer_" + run.layer_names[l]] = dofs;
          rigid_dofs.add_indices(dofs);
        }
    for (auto &load : run.loads)
      load->mesh_changed();
    setup_fibres();
  }


  void
  Discretization::update_dirichlet(const double                      time,
                                   const PETScWrappers::MPI::Vector &current)
  {
    dirichlet_targets.clear();
    for (const auto &load : run.loads)
      load->prescribed_displacements(time, dof_handler, dirichlet_targets);
    for (const auto dof : rigid_dofs)
      dirichlet_targets[dof] = 0.0;
    constraints.clear();
    constraints.reinit(locally_relevant);
    constraints.merge(hanging);
    for (const auto &[dof, value] : dirichlet_targets)
      if (!constraints.is_constrained(dof))
        {
          constraints.add_line(dof);
          // The increment that brings the dof to its target.
          const double now = current.size() > 0 ? current(dof) : 0.0;
          constraints.set_inhomogeneity(dof, value - now);
        }
    constraints.close();
  }


  void
  Discretization::setup_fibres()
  {
    cell_fibres.assign(triangulation.n_active_cells(), {});
    // Mesh directions by cell centre (mesh units, rounded to 1e-7 of the
    // mesh size; neighbouring keys are searched too).
    std::map<std::array<long long, 3>, Tensor<1, 3>> by_centre;
    bool                                             from_mesh = false;
    for (const auto &field : run.fibre_fields)
      from_mesh = from_mesh || field.type() == FibreField::Type::mesh;
    const auto directions =
      from_mesh ? run.geometry->cell_directions()
                : std::vector<std::pair<Point<3>, Tensor<1, 3>>>();
    double extent = 0;
    for (const auto &[c, d] : directions)
      extent = std::max(extent, c.norm());
    const double tol = 1e-7 * std::max(extent, 1e-300);
    const auto   key =
      [&](const Point<3> &c, const int dx, const int dy, const int dz) {
        return std::array<long long, 3>{{std::llround(c[0] / tol) + dx,
                                         std::llround(c[1] / tol) + dy,
                                         std::llround(c[2] / tol) + dz}};
      };
    for (const auto &[c, d] : directions)
      by_centre[key(c, 0, 0, 0)] = d;

    unsigned int n_missing = 0, missing_layer = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const unsigned int l      = cell->material_id();
        const auto        &field  = run.fibre_fields[l];
        auto              &fibres = cell_fibres[cell->active_cell_index()];
        fibres                    = run.materials[l]->fibres();
        if (field.type() == FibreField::Type::origin_insertion)
          fibres[0] = field.direction(cell->center());
        else if (field.type() == FibreField::Type::mesh &&
                 !run.geometry->fibre_direction(cell->center() / run.mesh_scale,
                                                fibres[0]))
          {
            // The coarse cell the mesh file describes, in mesh units.
            typename Triangulation<3>::cell_iterator coarse = cell;
            while (coarse->level() > 0)
              coarse = coarse->parent();
            const Point<3> c     = coarse->center() / run.mesh_scale;
            bool           found = false;
            for (int dx = -1; dx <= 1 && !found; ++dx)
              for (int dy = -1; dy <= 1 && !found; ++dy)
                for (int dz = -1; dz <= 1 && !found; ++dz)
                  {
                    const auto it = by_centre.find(key(c, dx, dy, dz));
                    if (it != by_centre.end())
                      {
                        fibres[0] = it->second;
                        found     = true;
                      }
                  }
            if (!found)
              {
                ++n_missing;
                missing_layer = l;
              }
          }
      }
    // Decided on every rank, so that all stop together.
    n_missing     = Utilities::MPI::sum(n_missing, comm);
    missing_layer = Utilities::MPI::max(missing_layer, comm);
    require_input(n_missing == 0,
                  run.filename + ": Materials/" +
                    run.layer_names[missing_layer] + "/Fibre field",
                  "mesh (" + std::to_string(n_missing) +
                    " cells have no direction in the mesh file)",
                  "a Gmsh mesh (format 2) whose 'Fibre data' element view "
                  "gives every cell of the layer a direction");
  }
} // namespace septa
