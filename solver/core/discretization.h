#pragma once

#include <core/parameters.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_dgp.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_vector.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace septa
{
  using namespace dealii;

  /**
   * The mesh and everything that lives on it and nothing else: finite
   * elements, quadrature, DoFs, hanging-node and Dirichlet constraints, the
   * DoFs of named boundaries and rigid layers, and the reference fibre
   * directions of each cell.  Every member below the mesh is rebuilt by
   * setup_dofs() after the mesh changes (refinement, restart on other
   * ranks), so no DoF or cell index outlives a mesh change.
   */
  class Discretization
  {
  public:
    Discretization(const RunParameters &run, MPI_Comm comm);

    /// The geometry's coarse mesh in metres ('Mesh scale') with its
    /// manifolds: what a checkpoint's refinement is loaded onto.
    void
    create_coarse_mesh();

    /// create_coarse_mesh(), then 'Global refinements', then the
    /// geometry's own refinement (Geometry::resolve()).
    void
    create_mesh();

    /// After a checkpoint restored the mesh: the geometry sets its layers
    /// again (Geometry::resolve() without refining).
    void
    resume_mesh();

    /// Check that every layer has cells, resolve the boundary names of the
    /// loads and outputs, and print the mesh summary.  After create_mesh()
    /// or a mesh loaded from a checkpoint.
    void
    check_mesh();

    /// Distribute DoFs and build everything indexed by DoFs or cells.
    void
    setup_dofs();

    /// Dirichlet targets at @p time (loads and rigid layers) and the
    /// constraints: hanging nodes plus the increments that bring each
    /// Dirichlet DoF from its value in @p current (ghosted) to its target.
    void
    update_dirichlet(const double                      time,
                     const PETScWrappers::MPI::Vector &current);

    const RunParameters &run;
    MPI_Comm             comm;

    parallel::distributed::Triangulation<3> triangulation;
    FESystem<3>                             fe;
    FE_DGP<3>                               fe_pressure;
    DoFHandler<3>                           dof_handler;
    MappingQ1<3>                            mapping;
    QGauss<3>                               quadrature;
    QGauss<2>                               face_quadrature;
    /// Pressure basis at the quadrature points of the reference cell.
    std::vector<std::vector<double>> pressure_basis;

    BoundaryNames                boundaries;
    std::set<types::boundary_id> loaded_boundaries;
    /// False if a load's tangent is not symmetric (follower loads).
    bool symmetric = true;

    IndexSet                  locally_owned, locally_relevant;
    AffineConstraints<double> hanging;
    AffineConstraints<double> constraints; ///< hanging + Dirichlet increments
    std::map<types::global_dof_index, double> dirichlet_targets;

    /// Component and support point of each locally owned DoF (owned order).
    std::vector<unsigned int> owned_component;
    std::vector<Point<3>>     owned_support_points;
    /// DoFs of each named boundary and of each rigid layer ('layer_<name>').
    std::map<std::string, IndexSet> boundary_dofs;
    /// DoFs of rigid layers (locally relevant), held at zero.
    IndexSet rigid_dofs;
    /// Reference fibre directions of each locally owned cell (by active
    /// cell index): the layer's constant ones, or from its fibre field.
    std::vector<std::array<Tensor<1, 3>, 2>> cell_fibres;

  private:
    void
    setup_fibres();
  };
} // namespace septa
