#pragma once

#include <core/discretization.h>
#include <core/point_state.h>
#include <core/step_participant.h>

#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/vector.h>

#include <vector>

namespace septa
{
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

  /// What the recovery of the local increments needs from the last
  /// tangent assembly of a cell.
  struct CellCondensation
  {
    FullMatrix<double> G, M_inv, KJJ;
    Vector<double>     r_p, r_J;
  };

  /// The unknowns of the nonlinear problem: displacements and the local
  /// fields of the mixed formulation.
  struct SolutionState
  {
    PETScWrappers::MPI::Vector solution; ///< owned
    PETScWrappers::MPI::Vector ghosted;  ///< owned + ghosts
    LocalFields                local;
  };

  /**
   * The constitutive driver of the three-field formulation: stresses and
   * tangents of a cell from its displacements, local fields and the history
   * of its quadrature points; the static condensation of p~ and J~ and the
   * recovery of their increments; the update of the histories when a step
   * is committed.
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
   * and their increments are recovered per cell after each solve.  By
   * default they stay Newton unknowns of their own (as in step-44) instead
   * of being eliminated exactly (J~ = Pi_h J): the exact elimination turns
   * the second-order error of J in a Newton step into pressures of order
   * kappa and stalls Newton at nu -> 0.5, the linearised update does not.
   * The exact elimination (project_local_fields, 'Newton/Local fields =
   * projected') makes the residual a function of u alone, which the line
   * search needs where contact with friction makes Newton cycle.
   */
  class Constitutive : public StepParticipant
  {
  public:
    Constitutive(const Discretization &d,
                 const RunParameters  &run,
                 QuadratureState      &points,
                 SolutionState        &x);

    /// Stresses and tangents of one cell at displacement @p u and local
    /// fields @p lf at @p time, from the histories at history_time; with
    /// @p K_vol also the condensed volumetric tangent and, with
    /// @p condensation, what the recovery needs.  With @p updated, the
    /// histories at @p time.
    void
    evaluate_cell(const typename DoFHandler<3>::active_cell_iterator &cell,
                  const FEValues<3>                                  &fe_values,
                  const PETScWrappers::MPI::Vector                   &u,
                  const LocalFields                                  &lf,
                  CellState                                          &state,
                  FullMatrix<double>                                 *K_vol,
                  CellCondensation        *condensation,
                  const double             time,
                  std::vector<PointState> *updated = nullptr) const;

    /// Local fields of the exact projection J~ = Pi_h J, p~ = Pi_h U'(J~)
    /// at displacement @p u.
    void
    project_local_fields(const PETScWrappers::MPI::Vector &u,
                         LocalFields                      &lf) const;

    /// Increments of the local fields from the displacement increment
    /// @p du (ghosted) and the condensation of the last tangent assembly.
    void
    recover_local_increments(const PETScWrappers::MPI::Vector    &du,
                             const std::vector<CellCondensation> &condensation,
                             LocalFields                         &delta) const;

    /// Histories of every point at the converged solution of @p time.
    void
    commit(const double time) override;

    /// Time of the histories the evaluation starts from.
    double
    history_time() const
    {
      return points.history_time;
    }

  private:
    const Discretization &d;
    const RunParameters  &run;
    QuadratureState      &points;
    SolutionState        &x;
  };
} // namespace septa
