#pragma once

#include <core/parameters.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <petscksp.h>
#include <petscmat.h>

#include <vector>

namespace septa
{
  /**
   * Krylov or direct solution of the tangent system through PETSc.
   *
   * - cg/gmres with GAMG: smoothed aggregation AMG whose near null space is
   *   set to the six rigid-body modes of the mesh (Vanek, Mandel, Brezina
   *   1996), the standard choice for elasticity.
   * - cg/gmres with BoomerAMG (hypre).
   * - direct: MUMPS (Cholesky for symmetric tangents, else LU).
   * - auto: direct up to a number of unknowns, Krylov + AMG above.
   * Extra options go through the PETSc options database so that a user can
   * tune any of them from the .prm file.
   *
   * With 'Reuse preconditioner' the factorisation or AMG hierarchy of an
   * earlier tangent preconditions the Krylov solves of later Newton
   * iterations (the tangent changes little between them); it is rebuilt
   * when a solve needs more than max('Reuse iterations', 1.5 x the count
   * right after the last rebuild) iterations, or fails.  Each solve still
   * reaches the Krylov tolerance, so Newton stays a full Newton method.
   */
  class LinearSolver
  {
  public:
    LinearSolver(const LinearSolverParameters &parameters, MPI_Comm comm);
    ~LinearSolver();

    /// Rigid-body modes from the coordinates of each locally owned dof:
    /// @p coordinates[i] is the support point and @p component[i] the
    /// component of the i-th locally owned dof.
    void
    set_rigid_body_modes(const dealii::IndexSet              &locally_owned,
                         const std::vector<dealii::Point<3>> &coordinates,
                         const std::vector<unsigned int>     &component);

    /// Solve A x = b. @p symmetric selects cg for Solver = auto.  Returns the
    /// number of iterations; throws SolveError on failure.
    unsigned int
    solve(dealii::PETScWrappers::MPI::SparseMatrix &A,
          dealii::PETScWrappers::MPI::Vector       &x,
          const dealii::PETScWrappers::MPI::Vector &b,
          const bool                                symmetric);

    /// Negative eigenvalues of the matrix of the last solve, counted from its
    /// MUMPS LDL^T factors with 'Count negative eigenvalues'; -1 if not
    /// counted (option off, Krylov solve, or LU of a non-symmetric matrix).
    int
    negative_eigenvalues() const
    {
      return n_negative;
    }

    /// Did the last solve's CG attempt stop on negative curvature of the
    /// matrix or of the preconditioner (KSP_DIVERGED_INDEFINITE_MAT/_PC)?
    /// A hint, not a proof, that the tangent is indefinite: an AMG
    /// preconditioner can lose definiteness by itself.
    bool
    met_indefinite() const
    {
      return indefinite;
    }

  private:
    /// Set up the persistent KSP for @p mat; @p fresh rebuilds the
    /// preconditioner (factorisation or AMG hierarchy); an iterative solve
    /// stops after @p max_iterations.
    void
    configure(const Mat          mat,
              const bool         cg,
              const bool         fresh,
              const bool         force_direct,
              const unsigned int max_iterations);

    KSP          ksp        = nullptr;
    MatNullSpace null_space = nullptr;
    bool         reuse_next = false;
    /// MUMPS for this system: Solver = direct, or auto below the limit.
    bool     use_direct       = false;
    PetscInt fresh_iterations = 0;
    int      n_negative       = -1;
    bool     indefinite       = false;

    LinearSolverParameters                          parameters;
    bool                                            interleaved = false;
    MPI_Comm                                        comm;
    std::vector<dealii::PETScWrappers::MPI::Vector> modes;
  };
} // namespace septa
