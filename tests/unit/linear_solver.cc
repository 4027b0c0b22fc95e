// The retry chain of septa::LinearSolver: CG, then GMRES with a fresh
// preconditioner (indefinite tangents), then MUMPS only up to twice
// 'Direct solver limit' unknowns, else a SolveError for Newton to cut the
// step; the GMRES retry stops after 5x the last fresh CG count (at least
// 200); the indefiniteness indicators (CG's negative curvature, MUMPS's
// inertia).  Small tridiagonal systems whose behaviour is known in closed
// form.
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
#include <utility>

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

  LinearSolverParameters
  parameters(const std::string       &preconditioner,
             const unsigned int       max_iterations,
             const unsigned long long direct_limit)
  {
    LinearSolverParameters p;
    p.solver         = "cg";
    p.preconditioner = preconditioner;
    p.tolerance      = 1e-10;
    p.max_iterations = max_iterations;
    p.direct_limit   = direct_limit;
    return p;
  }

  /// Solve A x = b with @p solver, which keeps what its earlier solves
  /// taught it (the iterations of its last fresh CG solve).
  Result
  solve(LinearSolver &solver, PETScWrappers::MPI::SparseMatrix &A)
  {
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

  /// Solve with a new solver.
  Result
  solve(PETScWrappers::MPI::SparseMatrix &A,
        const std::string                &preconditioner,
        const unsigned int                max_iterations,
        const unsigned long long          direct_limit)
  {
    LinearSolver solver(
      parameters(preconditioner, max_iterations, direct_limit), MPI_COMM_WORLD);
    return solve(solver, A);
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

  // A GMRES retry far beyond the usual iteration count is cut short for
  // Newton to cut the step: at most 5x the last fresh CG count, at least
  // 200.  d = 2 with 150 negative rows: GMRES(100) + Jacobi converges in
  // several hundred iterations when nothing limits it (a new solver has
  // no CG count yet) ...
  build(A, 2.0, 150);
  r                        = solve(A, "jacobi", 5000, 0);
  const unsigned int alone = r.iterations;
  expect(r.residual >= 0 && r.residual < 1e-8 && alone > 800 && alone < 5000,
         "indefinite 1D Laplacian, new solver: GMRES retry converges in " +
           std::to_string(alone) + " iterations " + r.error);

  // ... after an SPD solve of 16 CG iterations the retry stops at 200 ...
  PETScWrappers::MPI::SparseMatrix B;
  LinearSolver easy(parameters("jacobi", 5000, 0), MPI_COMM_WORLD);
  build(B, 4.0, 0);
  const auto first = solve(easy, B);
  r                = solve(easy, A);
  expect(first.iterations < 40 && r.residual < 0 &&
           r.error.find(", 200 iterations") != std::string::npos,
         "after a " + std::to_string(first.iterations) +
           "-iteration CG solve the retry stops at 200: '" + r.error + "'");

  // ... and after a harder SPD solve (d = 2.05: condition number about
  // 4.05 / 0.05 = 81, some 40-180 CG iterations) at 5x its count.
  LinearSolver hard(parameters("jacobi", 5000, 0), MPI_COMM_WORLD);
  build(B, 2.05, 0);
  const auto harder = solve(hard, B);
  r                 = solve(hard, A);
  const std::string cap =
    ", " + std::to_string(5 * harder.iterations) + " iterations";
  expect(harder.residual >= 0 && 5 * harder.iterations > 200 &&
           5 * harder.iterations < alone && r.residual < 0 &&
           r.error.find(cap) != std::string::npos,
         "after a " + std::to_string(harder.iterations) +
           "-iteration CG solve the retry stops at 5x that: '" + r.error + "'");

  // The indefinite-tangent indicators.  CG + Jacobi on the SPD system: no
  // indefiniteness met, nothing counted (a Krylov solve has no factors).
  {
    LinearSolver cg(parameters("jacobi", 2000, 0), MPI_COMM_WORLD);
    build(A, 4.0, 0);
    r = solve(cg, A);
    expect(!cg.met_indefinite() && cg.negative_eigenvalues() == -1,
           "SPD system, CG: no indefiniteness met, no count (" +
             std::to_string(cg.negative_eigenvalues()) + ")");
    build(A, 4.0, 30);
    r = solve(cg, A);
    expect(cg.met_indefinite() && r.residual >= 0 && r.residual < 1e-8,
           "30 negative rows, CG: indefiniteness met, GMRES retry solves");
  }
  // MUMPS LDL^T with 'Count negative eigenvalues': the count must be the
  // number of negative pivots of the tridiagonal LDL^T recurrence
  // p_0 = d_0, p_i = d_i - 1 / p_i-1 (Sylvester's law of inertia), which
  // this test computes on its own.  d = 1 without negative rows is
  // indefinite too: eigenvalues 1 - 2 cos(k pi / 301), negative for
  // k = 1..100.
  for (const auto &[d, n_negative] : {std::pair<double, unsigned int>{4.0, 0},
                                      {4.0, 30},
                                      {2.0, 150},
                                      {2.05, 7},
                                      {1.0, 0}})
    {
      int    expected = 0;
      double pivot    = 0;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double d_i = i + n_negative >= n ? -d : d;
          pivot            = i == 0 ? d_i : d_i - 1.0 / pivot;
          expected += pivot < 0 ? 1 : 0;
        }
      if (d == 1.0)
        expect(expected == 100,
               "LDL^T recurrence for d = 1: " + std::to_string(expected) +
                 " negative pivots, closed form 100");
      auto p                       = parameters("jacobi", 2000, 0);
      p.solver                     = "direct";
      p.count_negative_eigenvalues = true;
      LinearSolver direct(p, MPI_COMM_WORLD);
      build(A, d, n_negative);
      r = solve(direct, A);
      expect(r.residual >= 0 && r.residual < 1e-10 &&
               direct.negative_eigenvalues() == expected,
             "MUMPS inertia, d = " + num(d, 3) + " with " +
               std::to_string(n_negative) + " negative rows: " +
               std::to_string(direct.negative_eigenvalues()) +
               " negative eigenvalues, LDL^T recurrence " +
               std::to_string(expected));
    }
  // Without the option MUMPS counts nothing.
  {
    auto p   = parameters("jacobi", 2000, 0);
    p.solver = "direct";
    LinearSolver direct(p, MPI_COMM_WORLD);
    build(A, 4.0, 30);
    r = solve(direct, A);
    expect(r.residual >= 0 && direct.negative_eigenvalues() == -1,
           "MUMPS without 'Count negative eigenvalues': no count");
  }

  return unit::finish();
}
