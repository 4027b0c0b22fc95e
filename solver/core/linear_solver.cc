#include <core/input_error.h>
#include <core/linear_solver.h>

#include <petscksp.h>
#include <petscmat.h>

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
  LinearSolver::configure(const Mat          mat,
                          const bool         cg,
                          const bool         fresh,
                          const bool         force_direct,
                          const unsigned int max_iterations)
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
          // 100 Krylov vectors: at 1e5 unknowns (30 % compression benchmark,
          // last load step) 50 need 162.7 iterations per solve, 100 need
          // 134.8 and 200 126.1; at 1e6 on 2 ranks 200 vectors are 0.9 GB per
          // rank.  '-ksp_gmres_restart' in 'PETSc options' overrides it.
          check(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
        check(KSPSetTolerances(ksp,
                               parameters.tolerance,
                               1e-300,
                               PETSC_DEFAULT,
                               max_iterations),
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
        if (parameters.count_negative_eigenvalues && cg)
          {
            // The inertia is exact in parallel only without ScaLAPACK on
            // the root front (ICNTL(13)), and PETSc reads it only with
            // null-pivot detection on (ICNTL(24)).
            Mat factor;
            check(PCFactorSetUpMatSolverType(pc), "PCFactorSetUpMatSolverType");
            check(PCFactorGetMatrix(pc, &factor), "PCFactorGetMatrix");
            check(MatMumpsSetIcntl(factor, 13, 1), "MatMumpsSetIcntl(13)");
            check(MatMumpsSetIcntl(factor, 24, 1), "MatMumpsSetIcntl(24)");
          }
      }
    else if (parameters.preconditioner == "gamg")
      {
        check(PCSetType(pc, PCGAMG), "PCSetType (GAMG)");
        // The Chebyshev smoothers estimate their own eigenvalue bounds
        // instead of reusing the few-iteration estimate GAMG made for
        // smoothing its prolongators: that one can fall below the largest
        // eigenvalue, the smoother then amplifies it and the preconditioner
        // is no longer positive definite, so CG stops ('indefinite PC') on
        // a positive definite tangent.  Under the rounded applicator
        // (params/rounded_applicator.prm, whole 30 % in 2 steps) CG stopped
        // that way in 7 of 8 solves at 1e4 and 1e5 unknowns and each went
        // to the GMRES retry (259 and 318 iterations per solve); with its
        // own bounds CG converges every time (340 and 306).
        check(PCGAMGSetUseSAEstEig(pc, PETSC_FALSE), "PCGAMGSetUseSAEstEig");
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
    // deal.II creates its matrices with block size 1, but GAMG aggregates
    // and BoomerAMG coarsens nodes only when they know that three
    // consecutive rows belong to one node.  For AIJ the block size is only
    // this hint, so it is set on the assembled matrix in place (PETSc 3.18
    // accepts that after assembly); a block-size-3 copy would double the
    // largest allocation of the run.
    if (interleaved && !use_direct && parameters.preconditioner != "jacobi")
      check(MatSetBlockSize(mat, 3), "MatSetBlockSize");
    const bool cg_wanted =
      parameters.solver == "cg" ||
      ((parameters.solver == "auto" || use_direct) && symmetric);
    PetscInt           its    = 0;
    KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
    n_negative                = -1;
    indefinite                = false;
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
        // The GMRES retry gets at most 5x the iterations of the last fresh
        // CG solve (at least 200).  Where it converged in the 30 %
        // compression benchmark it needed 1.4-1.9x (1e5 unknowns, last load
        // step); where it did not (1e6, 15 % -> 22.5 %) the step failed after
        // 35 minutes, about the time of 2000 GMRES iterations there, and the
        // half step then took 4 Newton iterations: past a few times the
        // usual count, cutting the step is the cheaper way forward.
        unsigned int max_its = parameters.max_iterations;
        if (attempt == 1 && fresh_iterations > 0)
          max_its = std::min<unsigned int>(
            max_its, std::max<unsigned int>(200, 5 * fresh_iterations));
        configure(mat, cg, fresh, direct, max_its);
        const Vec &bv             = b;
        const Vec &xv             = x;
        x                         = 0;
        const PetscErrorCode ierr = KSPSolve(ksp, bv, xv);
        KSPGetConvergedReason(ksp, &reason);
        KSPGetIterationNumber(ksp, &its);
        if (attempt == 0 && cg)
          indefinite = reason == KSP_DIVERGED_INDEFINITE_MAT ||
                       reason == KSP_DIVERGED_INDEFINITE_PC;
        if (ierr == 0 && reason > 0)
          {
            // A MUMPS Cholesky of this matrix (not a Krylov solve that
            // reuses older factors): its inertia is this matrix's.
            if (parameters.count_negative_eigenvalues && use_direct && cg &&
                fresh)
              {
                PC       pc;
                Mat      factor;
                PetscInt negative = 0, zero = 0, positive = 0;
                check(KSPGetPC(ksp, &pc), "KSPGetPC");
                check(PCFactorGetMatrix(pc, &factor), "PCFactorGetMatrix");
                check(MatGetInertia(factor, &negative, &zero, &positive),
                      "MatGetInertia");
                n_negative = static_cast<int>(negative);
              }
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
