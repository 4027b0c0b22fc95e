// The retry chain of septa::LinearSolver: CG, then GMRES with a fresh
// preconditioner (indefinite tangents), then MUMPS only up to twice
// 'Direct solver limit' unknowns, else a SolveError for Newton to cut the
// step.  Small tridiagonal systems whose behaviour is known in closed form.
#include <core/input_error.h>
#include <core/linear_solver.h>

#include "unit_check.h"

#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <cmath>
#include <iostream>
#include <string>

using namespace dealii;
using namespace septa;
using unit::expect;
using unit::num;

namespace
{
  constexpr unsigned int n = 300;

  /// Tridiagonal (-1, d_i, -1) with d_i = @p d except the last @p n_negative
  /// rows, which get -d: symmetric, and indefinite if n_negative > 0.
  void
  build(PETScWrappers::MPI::SparseMatrix &A,
        const double                      d,
        const unsigned int                n_negative)
  {
    IndexSet owned(n);
    owned.add_range(0, n);
    DynamicSparsityPattern dsp(n, n);
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = (i > 0 ? i - 1 : 0); j < std::min(n, i + 2); ++j)
        dsp.add(i, j);
    A.reinit(owned, owned, dsp, MPI_COMM_WORLD);
    for (unsigned int i = 0; i < n; ++i)
      {
        A.set(i, i, i + n_negative >= n ? -d : d);
        if (i > 0)
          A.set(i, i - 1, -1.0);
        if (i + 1 < n)
          A.set(i, i + 1, -1.0);
      }
    A.compress(VectorOperation::insert);
  }

  struct Result
  {
    unsigned int iterations = 0;
    double       residual   = -1; // relative, -1 if the solve threw
    std::string  error;
  };

  Result
  solve(PETScWrappers::MPI::SparseMatrix &A,
        const std::string                &preconditioner,
        const unsigned int                max_iterations,
        const unsigned long long          direct_limit)
  {
    LinearSolverParameters p;
    p.solver         = "cg";
    p.preconditioner = preconditioner;
    p.tolerance      = 1e-10;
    p.max_iterations = max_iterations;
    p.direct_limit   = direct_limit;
    LinearSolver               solver(p, MPI_COMM_WORLD);
    IndexSet                   owned(n);
    PETScWrappers::MPI::Vector x, b, r;
    owned.add_range(0, n);
    x.reinit(owned, MPI_COMM_WORLD);
    b.reinit(owned, MPI_COMM_WORLD);
    r.reinit(owned, MPI_COMM_WORLD);
    for (unsigned int i = 0; i < n; ++i)
      b(i) = std::sin(0.1 * i) + 1.0;
    b.compress(VectorOperation::insert);
    Result result;
    try
      {
        result.iterations = solver.solve(A, x, b, true);
        A.vmult(r, x);
        r -= b;
        result.residual = r.l2_norm() / b.l2_norm();
      }
    catch (const SolveError &e)
      {
        result.error = e.what();
      }
    return result;
  }
} // namespace


int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  PETScWrappers::MPI::SparseMatrix A;

  // Diagonally dominant, SPD: CG + Jacobi converges by itself (more than
  // one iteration; MUMPS would report 1).
  build(A, 4.0, 0);
  auto r = solve(A, "jacobi", 2000, 0);
  expect(r.iterations > 1 && r.residual >= 0 && r.residual < 1e-8,
         "SPD system: CG solves it in " + std::to_string(r.iterations) +
           " iterations, residual " + num(r.residual, 3));

  // 30 negative diagonal entries: CG with Jacobi meets an indefinite
  // preconditioner and stops; GMRES solves it (diagonal dominance keeps the
  // Jacobi-preconditioned operator close to the identity).  Direct solver
  // limit 0 rules out the MUMPS retry, so success means GMRES.
  build(A, 4.0, 30);
  r = solve(A, "jacobi", 2000, 0);
  expect(r.iterations > 1 && r.residual >= 0 && r.residual < 1e-8,
         "indefinite system: GMRES retry solves it in " +
           std::to_string(r.iterations) + " iterations, residual " +
           num(r.residual, 3) + (r.error.empty() ? "" : r.error));

  // The 1D Laplacian (d = 2) needs about n CG iterations; with 5 allowed
  // both Krylov attempts fail.  Up to twice the direct limit (here
  // 2 x 150 = n) MUMPS takes over and reports 1 iteration ...
  build(A, 2.0, 0);
  r = solve(A, "jacobi", 5, n / 2);
  expect(r.iterations == 1 && r.residual >= 0 && r.residual < 1e-10,
         "Krylov fails, n <= 2 x direct limit: MUMPS retry, residual " +
           num(r.residual, 3));

  // ... above it the failure is reported (for Newton to cut the step).
  r = solve(A, "jacobi", 5, n / 2 - 1);
  expect(r.residual < 0 &&
           r.error.find("no MUMPS retry above twice 'Direct solver limit'") !=
             std::string::npos,
         "Krylov fails, n > 2 x direct limit: SolveError '" + r.error + "'");

  return unit::finish();
}
