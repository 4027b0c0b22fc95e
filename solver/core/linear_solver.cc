#include <core/input_error.h>
#include <core/linear_solver.h>

#include <petscksp.h>

#include <sstream>

namespace septa
{
  using namespace dealii;

  namespace
  {
    void
    check(const PetscErrorCode ierr, const char *what)
    {
      if (ierr != 0)
        throw SolveError(std::string("PETSc error in ") + what + " (code " +
                         std::to_string(ierr) + ")");
    }
  } // namespace


  LinearSolver::LinearSolver(const LinearSolverParameters &parameters,
                             MPI_Comm                      comm)
    : parameters(parameters)
    , comm(comm)
  {
    if (!parameters.petsc_options.empty())
      check(PetscOptionsInsertString(nullptr, parameters.petsc_options.c_str()),
            "PetscOptionsInsertString ('Linear solver/PETSc options')");
  }


  LinearSolver::~LinearSolver()
  {
    if (ksp)
      KSPDestroy(&ksp);
    if (null_space)
      MatNullSpaceDestroy(&null_space);
    if (blocked)
      MatDestroy(&blocked);
  }


  void
  LinearSolver::copy_with_block_size(const Mat A)
  {
    // deal.II creates its matrices with block size 1, but GAMG aggregates
    // and BoomerAMG coarsens nodes only when they know that three
    // consecutive rows belong to one node.  Copy the values into a matrix
    // of block size 3 with the same layout (the first copy allocates).
    PetscInt first, last;
    check(MatGetOwnershipRange(A, &first, &last), "MatGetOwnershipRange");
    if (!blocked)
      {
        PetscInt M, N;
        check(MatGetSize(A, &M, &N), "MatGetSize");
        std::vector<PetscInt> d_nnz(last - first), o_nnz(last - first);
        for (PetscInt row = first; row < last; ++row)
          {
            PetscInt        ncols;
            const PetscInt *cols;
            check(MatGetRow(A, row, &ncols, &cols, nullptr), "MatGetRow");
            for (PetscInt k = 0; k < ncols; ++k)
              (cols[k] >= first && cols[k] < last ? d_nnz
                                                  : o_nnz)[row - first]++;
            check(MatRestoreRow(A, row, &ncols, &cols, nullptr),
                  "MatRestoreRow");
          }
        check(MatCreate(comm, &blocked), "MatCreate");
        check(MatSetSizes(blocked, last - first, last - first, M, N),
              "MatSetSizes");
        check(MatSetBlockSize(blocked, 3), "MatSetBlockSize");
        check(MatSetType(blocked, MATAIJ), "MatSetType");
        check(MatSeqAIJSetPreallocation(blocked, 0, d_nnz.data()),
              "MatSeqAIJSetPreallocation");
        check(
          MatMPIAIJSetPreallocation(blocked, 0, d_nnz.data(), 0, o_nnz.data()),
          "MatMPIAIJSetPreallocation");
        check(MatSetOption(blocked, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE),
              "MatSetOption");
      }
    for (PetscInt row = first; row < last; ++row)
      {
        PetscInt           ncols;
        const PetscInt    *cols;
        const PetscScalar *vals;
        check(MatGetRow(A, row, &ncols, &cols, &vals), "MatGetRow");
        check(MatSetValues(blocked, 1, &row, ncols, cols, vals, INSERT_VALUES),
              "MatSetValues");
        check(MatRestoreRow(A, row, &ncols, &cols, &vals), "MatRestoreRow");
      }
    check(MatAssemblyBegin(blocked, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
    check(MatAssemblyEnd(blocked, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
  }


  void
  LinearSolver::set_rigid_body_modes(const IndexSet                  &owned,
                                     const std::vector<Point<3>>     &x,
                                     const std::vector<unsigned int> &comp)
  {
    modes.assign(6, PETScWrappers::MPI::Vector(owned, comm));
    // Are the three components of each node consecutive rows?
    bool ok = owned.n_elements() % 3 == 0 && owned.is_contiguous();
    for (std::size_t k = 0; ok && k < comp.size(); ++k)
      ok = comp[k] == k % 3 &&
           x[k].distance(x[k - k % 3]) <= 1e-10 * (1.0 + x[k].norm());
    interleaved    = dealii::Utilities::MPI::min(ok ? 1 : 0, comm) == 1;
    unsigned int i = 0;
    for (const auto dof : owned)
      {
        const unsigned int c = comp[i];
        const Point<3>    &p = x[i];
        ++i;
        modes[c](dof) = 1.0; // translations
        // Rotations about x, y, z: omega x p.
        const double rot[3][3] = {{0, -p[2], p[1]},  // about x: (0,-z,y)
                                  {p[2], 0, -p[0]},  // about y: (z,0,-x)
                                  {-p[1], p[0], 0}}; // about z: (-y,x,0)
        for (unsigned int r = 0; r < 3; ++r)
          modes[3 + r](dof) = rot[r][c];
      }
    // PETSc wants an orthonormal basis: modified Gram-Schmidt.
    for (unsigned int a = 0; a < 6; ++a)
      {
        modes[a].compress(VectorOperation::insert);
        for (unsigned int b = 0; b < a; ++b)
          modes[a].add(-(modes[a] * modes[b]), modes[b]);
        modes[a] /= modes[a].l2_norm();
      }
  }


  void
  LinearSolver::configure(const Mat  mat,
                          const bool cg,
                          const bool fresh,
                          const bool force_direct)
  {
    if (!ksp)
      check(KSPCreate(comm, &ksp), "KSPCreate");
    check(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
    check(KSPSetReusePreconditioner(ksp, fresh ? PETSC_FALSE : PETSC_TRUE),
          "KSPSetReusePreconditioner");
    PC pc;
    check(KSPGetPC(ksp, &pc), "KSPGetPC");
    const bool direct = use_direct || force_direct;
    if (direct && (!parameters.reuse || force_direct))
      check(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
    else
      {
        check(KSPSetType(ksp, cg ? KSPCG : KSPGMRES), "KSPSetType");
        if (!cg)
          // 50 Krylov vectors: at 1e6 unknowns 200 of them cost 0.9 GB per
          // rank on 2 ranks, more than the AMG hierarchy's headroom.
          check(KSPGMRESSetRestart(ksp, 50), "KSPGMRESSetRestart");
        check(KSPSetTolerances(ksp,
                               parameters.tolerance,
                               1e-300,
                               PETSC_DEFAULT,
                               parameters.max_iterations),
              "KSPSetTolerances");
      }
    if (!fresh)
      return;
    if (direct)
      {
        // Cholesky for symmetric tangents is about 1.5x faster than LU.
        check(PCSetType(pc, cg ? PCCHOLESKY : PCLU), "PCSetType");
        check(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
              "PCFactorSetMatSolverType (MUMPS)");
      }
    else if (parameters.preconditioner == "gamg")
      {
        check(PCSetType(pc, PCGAMG), "PCSetType (GAMG)");
        if (!modes.empty())
          {
            if (!null_space)
              {
                std::vector<Vec> vecs;
                for (auto &m : modes)
                  vecs.push_back(static_cast<const Vec &>(m));
                check(MatNullSpaceCreate(
                        comm, PETSC_FALSE, 6, vecs.data(), &null_space),
                      "MatNullSpaceCreate");
              }
            check(MatSetNearNullSpace(mat, null_space), "MatSetNearNullSpace");
          }
      }
    else if (parameters.preconditioner == "boomeramg")
      {
        check(PCSetType(pc, PCHYPRE), "PCSetType (hypre)");
        check(PCHYPRESetType(pc, "boomeramg"), "PCHYPRESetType");
      }
    else
      check(PCSetType(pc, PCJACOBI), "PCSetType (Jacobi)");
    check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
  }


  unsigned int
  LinearSolver::solve(PETScWrappers::MPI::SparseMatrix &A,
                      PETScWrappers::MPI::Vector       &x,
                      const PETScWrappers::MPI::Vector &b,
                      const bool                        symmetric)
  {
    Mat mat = static_cast<Mat>(A);
    use_direct =
      parameters.solver == "direct" ||
      (parameters.solver == "auto" && A.m() <= parameters.direct_limit);
    if (interleaved && !use_direct && parameters.preconditioner != "jacobi")
      {
        copy_with_block_size(mat);
        mat = blocked;
      }
    const bool cg_wanted =
      parameters.solver == "cg" ||
      ((parameters.solver == "auto" || use_direct) && symmetric);
    PetscInt           its    = 0;
    KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
    // Attempts, each only if the one before failed: (0) the configured
    // method, reusing the last preconditioner if it is still good; (1) for
    // an iterative method, GMRES with a fresh preconditioner of the same
    // type: Newton iterates far from equilibrium (a fold forming where a
    // soft layer bulges past a stiff one) can have an indefinite tangent,
    // where CG stops but GMRES does not need positive definiteness; (2) a
    // MUMPS LU factorisation of this tangent, independent of the AMG
    // hierarchy, but only up to twice 'Direct solver limit' unknowns: beyond
    // that its memory (growing like n^(4/3)) would exhaust the node, and
    // the failure goes to Newton, which cuts the step.
    const bool gmres_retry = !use_direct && (cg_wanted || reuse_next);
    const bool lu_retry    = A.m() <= 2 * parameters.direct_limit;
    for (unsigned int attempt = 0; attempt < 3; ++attempt)
      {
        if ((attempt == 1 && !gmres_retry) || (attempt == 2 && !lu_retry))
          continue;
        const bool fresh  = attempt > 0 || !reuse_next;
        const bool cg     = cg_wanted && attempt == 0;
        const bool direct = attempt == 2;
        configure(direct ? static_cast<Mat>(A) : mat, cg, fresh, direct);
        const Vec &bv             = b;
        const Vec &xv             = x;
        x                         = 0;
        const PetscErrorCode ierr = KSPSolve(ksp, bv, xv);
        KSPGetConvergedReason(ksp, &reason);
        KSPGetIterationNumber(ksp, &its);
        if (ierr == 0 && reason > 0)
          {
            if (direct)
              {
                // Back to the configured method (and preconditioner type)
                // at the next solve.
                KSPDestroy(&ksp);
                ksp        = nullptr;
                reuse_next = false;
                return 1;
              }
            if (attempt == 0 && fresh)
              fresh_iterations = its;
            reuse_next = attempt == 0 && parameters.reuse &&
                         its <= std::max<double>(parameters.reuse_iterations,
                                                 1.5 * fresh_iterations);
            return std::max<PetscInt>(its, 1);
          }
        reuse_next = false;
      }
    throw SolveError("linear solver '" + parameters.solver + "' with '" +
                     parameters.preconditioner + "' failed (PETSc reason " +
                     std::to_string(static_cast<int>(reason)) + ", " +
                     std::to_string(its) + " iterations" +
                     (lu_retry ? ", also with MUMPS"
                               : ", no MUMPS retry above twice 'Direct "
                                 "solver limit'") +
                     ")");
  }
} // namespace septa
