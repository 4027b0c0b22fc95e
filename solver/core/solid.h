#pragma once

#include <core/linear_solver.h>
#include <core/parameters.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_dgp.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace septa
{
  using namespace dealii;

  /// Per-cell results of a constitutive evaluation at every quadrature point.
  struct CellState
  {
    std::vector<Tensor<2, 3>>          F;
    std::vector<double>                J, J_tilde, p_tilde;
    std::vector<SymmetricTensor<2, 3>> tau; ///< total Kirchhoff stress
    std::vector<SymmetricTensor<4, 3>> Jc;  ///< total spatial tangent J c
    bool                               inverted = false;
    /// Mixed cells: -G^T M^-1 (K_JJ M^-1 r_p + r_J), the part of the
    /// condensed right-hand side that comes from the local residuals.
    Vector<double> rhs_vol;
    /// Mixed cells: largest |r_p| / cell volume (dilatation mismatch) and
    /// |r_J| / cell volume (pressure mismatch, Pa).
    double error_J = 0, error_p = 0;
  };

  /**
   * The cell-local unknowns of the mixed formulation: coefficients of the
   * dilatation J~ and pressure p~ in the P_{k-1} basis of each cell, stored
   * by active_cell_index.
   */
  struct LocalFields
  {
    std::vector<double> J, p;
  };

  /// What the recovery of the local increments needs from the last
  /// tangent assembly of a cell.
  struct CellCondensation
  {
    FullMatrix<double> G, M_inv, KJJ;
    Vector<double>     r_p, r_J;
  };

  /**
   * Quasi-static finite-strain equilibrium of layered tissue on a
   * distributed mesh.
   *
   * Formulation (why): tissue is nearly incompressible (nu -> 0.4999), so a
   * pure displacement method locks.  We use the three-field Hu-Washizu
   * functional Pi(u, p~, J~) = int W_dev(F) + U(J~) + p~ (J - J~) dV (Simo,
   * Taylor, Pister 1985; deal.II step-44) with p~ and J~ discontinuous
   * P_{k-1} per cell next to continuous Q_k displacements (Q2-P1: inf-sup
   * stable; Q1-P0: the mean-dilatation element).  Because p~ and J~ live in
   * one cell, they are condensed out of the linearised system cell by cell:
   *   K = K_uu(p~) + G^T M^-1 K_JJ M^-1 G,
   *   G = int N_p J div N_u dV, M = int N_p N_p dV, K_JJ = int N_p U'' N_p dV,
   * and their increments are recovered per cell after each solve.  They
   * stay Newton unknowns of their own (as in step-44) instead of being
   * eliminated exactly (J~ = Pi_h J): the exact elimination turns the
   * second-order error of J in a Newton step into pressures of order kappa
   * and stalls Newton at nu -> 0.5, the linearised update does not.
   * The global system has only displacement unknowns: symmetric (without
   * follower loads) and suited to AMG with rigid-body modes.
   */
  class Solid
  {
  public:
    Solid(RunParameters &run, MPI_Comm comm);

    /// Run the load stepping.  Throws SolveError if a step cannot be
    /// completed above the minimum step size.
    void
    run();

  private:
    void
    make_mesh();
    void
    setup_system();
    /// Stresses and tangents of one cell at displacement @p u and local
    /// fields @p lf; with @p condensation also the condensed volumetric
    /// tangent @p K_vol and what the recovery needs.
    void
    evaluate_cell(
      const typename DoFHandler<3>::active_cell_iterator &cell,
      const FEValues<3>                                  &fe_values,
      const PETScWrappers::MPI::Vector                   &u,
      const LocalFields                                  &lf,
      CellState                                          &state,
      FullMatrix<double>                                 *K_vol,
      CellCondensation                                   *condensation,
      const double                                        time,
      std::vector<SymmetricTensor<2, 3>> *new_history = nullptr) const;
    /// Viscoelastic layers: store the state of every quadrature point at
    /// the converged solution of @p time.
    void
    commit_history(const double time);
    /// Local fields of the exact projection J~ = Pi_h J, p~ = Pi_h U'(J~)
    /// at displacement @p u.
    void
    project_local_fields(const PETScWrappers::MPI::Vector &u,
                         LocalFields                      &lf) const;
    /// Assemble residual (and tangent if @p with_matrix); returns false if an
    /// element inverted.
    bool
    assemble(const PETScWrappers::MPI::Vector &u,
             const LocalFields                &lf,
             const double                      time,
             const bool                        with_matrix);
    /// Increments of the local fields from the displacement increment.
    void
    recover_local_increments(const PETScWrappers::MPI::Vector &du_ghosted,
                             LocalFields                      &delta) const;
    void
    update_dirichlet(const double time);
    /// Newton for one step; returns false if it did not converge.
    bool
    solve_step(const double  time,
               unsigned int &newton_its,
               unsigned int &linear_its);
    void
    write_statistics_header();
    /// Write a statistics row (and fields); full_residual must hold the
    /// residual of the current solution.
    void
    postprocess(const double time,
                const double dt,
                unsigned int newton_its,
                unsigned int linear_its,
                bool         write_fields);

    RunParameters     &run_parameters;
    MPI_Comm           comm;
    ConditionalOStream pcout;
    TimerOutput        timer;

    parallel::distributed::Triangulation<3> triangulation;
    FESystem<3>                             fe;
    FE_DGP<3>                               fe_pressure;
    DoFHandler<3>                           dof_handler;
    MappingQ1<3>                            mapping;
    QGauss<3>                               quadrature;
    QGauss<2>                               face_quadrature;
    /// Pressure basis at the quadrature points of the reference cell.
    std::vector<std::vector<double>> pressure_basis;
    BoundaryNames                    boundaries;
    std::set<types::boundary_id>     loaded_boundaries;
    bool                             symmetric = true;

    IndexSet                  locally_owned, locally_relevant;
    AffineConstraints<double> hanging;
    AffineConstraints<double> constraints; ///< hanging + Dirichlet increments
    std::map<types::global_dof_index, double> dirichlet_targets;

    PETScWrappers::MPI::SparseMatrix tangent;
    PETScWrappers::MPI::Vector       rhs;           ///< -R on free dofs
    PETScWrappers::MPI::Vector       full_residual; ///< f_int - f_ext, all dofs
    PETScWrappers::MPI::Vector       internal_force; ///< f_int, all dofs
    double                           f_int_norm = 0;
    PETScWrappers::MPI::Vector       solution; ///< owned
    PETScWrappers::MPI::Vector       ghosted;  ///< owned + ghosts

    /// Viscoelastic state per cell (PronySeries::state_size() tensors per
    /// quadrature point) at history_time, the last converged time.
    std::vector<std::vector<SymmetricTensor<2, 3>>> history;
    double                                          history_time = 0;
    /// Force-velocity layers: per quadrature point the isochoric stretch of
    /// the first fibre family and its rate at history_time.
    std::vector<std::vector<double>> fibre_history;

    LocalFields                   local_fields;
    std::vector<CellCondensation> condensation;
    double                        local_error_J = 0, local_error_p = 0;
    /// Of the last solve_step: solves whose CG met an indefinite tangent or
    /// preconditioner, and the negative eigenvalues of the last tangent
    /// factorised (-1 if not counted).
    unsigned int indefinite_solves    = 0;
    int          negative_eigenvalues = -1;
    /// Largest shear modulus of the layers: scale of pressure mismatches.
    double reference_modulus = 1;

    std::unique_ptr<LinearSolver> linear_solver;
    /// Component of each locally owned dof (owned order).
    std::vector<unsigned int>       owned_component;
    std::map<std::string, IndexSet> boundary_dofs;
    /// Dofs of rigid layers (locally relevant), held at zero.
    IndexSet rigid_dofs;
    /// Reference fibre directions of each locally owned cell (by active
    /// cell index): the layer's constant ones, or from its fibre field.
    std::vector<std::array<Tensor<1, 3>, 2>> cell_fibres;
    /// Fill cell_fibres.
    void
    setup_fibres();

    struct Probe
    {
      typename DoFHandler<3>::active_cell_iterator cell;
      Point<3>                                     unit_point;
      bool                                         owned = false;
    };
    std::vector<Probe> probes;

    std::ofstream                               statistics;
    std::vector<std::pair<double, std::string>> pvd_records;
    unsigned int                                output_counter = 0;
  };
} // namespace septa
