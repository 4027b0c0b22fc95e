#pragma once

#include <core/constitutive.h>

#include <deal.II/base/timer.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <vector>

namespace septa
{
  /**
   * Residual and tangent of the condensed displacement problem.  The global
   * system has only displacement unknowns: symmetric (without follower
   * loads) and suited to AMG with rigid-body modes.
   */
  class Assembler
  {
  public:
    Assembler(const Discretization &d,
              const RunParameters  &run,
              const Constitutive   &constitutive,
              TimerOutput          &timer);

    /// Sparsity pattern and vectors for the current DoFs.
    void
    setup();

    /// Assemble the residual (and the tangent if @p with_matrix) at
    /// displacement @p u (ghosted) and local fields @p lf; returns false if
    /// an element inverted (on every rank).
    bool
    assemble(const PETScWrappers::MPI::Vector &u,
             const LocalFields                &lf,
             const double                      time,
             const bool                        with_matrix);

    /// Residual norm on the free DoFs: the residual condensed by the
    /// hanging-node constraints (C^T R, which vanishes at equilibrium also
    /// where nodes hang) without the Dirichlet DoFs.
    double
    free_residual_norm() const;

    PETScWrappers::MPI::SparseMatrix tangent;
    PETScWrappers::MPI::Vector       rhs;           ///< -R on free dofs
    PETScWrappers::MPI::Vector       full_residual; ///< f_int - f_ext, all dofs
    PETScWrappers::MPI::Vector condensed_residual;  ///< C_h^T (f_int - f_ext)
    double                     f_int_norm = 0;
    /// Largest local-equation mismatches of the mixed cells.
    double local_error_J = 0, local_error_p = 0;
    /// Of the last tangent assembly, by active cell index.
    std::vector<CellCondensation> condensation;

  private:
    const Discretization      &d;
    const RunParameters       &run;
    const Constitutive        &constitutive;
    TimerOutput               &timer;
    PETScWrappers::MPI::Vector internal_force; ///< f_int, all dofs
  };
} // namespace septa
