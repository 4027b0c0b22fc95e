#pragma once

#include <core/constitutive.h>

namespace septa
{
  /**
   * Adaptive refinement between load steps.  Cells are marked by Kelly's
   * estimator of the displacement (Kelly, Gago, Zienkiewicz, Babuska 1983:
   * the jump of the normal derivative across faces) with fixed fractions of
   * the cells refined and coarsened, and/or refined where two layers meet
   * (interfaces of skin, fat, septa and muscle, where stresses jump);
   * levels stay between the initial mesh and 'Max level'.  The
   * displacements (SolutionTransfer) and the quadrature-point histories
   * (CellDataTransfer, QuadratureState::refine/coarsen) move to the new
   * mesh, which p4est repartitions so that ranks keep equal cell counts.
   */
  class Refinement
  {
  public:
    Refinement(Discretization      &d,
               const RunParameters &run,
               QuadratureState     &points,
               SolutionState       &x);

    /// Mark, refine and transfer (collective).  Returns false, and leaves
    /// everything unchanged, if no cell was marked.  On true the caller
    /// rebuilds whatever depends on DoFs (constraints, matrices, solvers,
    /// outputs).
    bool
    adapt();

  private:
    Discretization      &d;
    const RunParameters &run;
    QuadratureState     &points;
    SolutionState       &x;
  };
} // namespace septa
