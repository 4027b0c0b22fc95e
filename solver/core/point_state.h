#pragma once

#include <core/discretization.h>

#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/lac/full_matrix.h>

#include <memory>
#include <vector>

namespace septa
{
  /**
   * The history of one quadrature point at the last converged time: what a
   * material with memory needs besides the current deformation.
   */
  struct PointState
  {
    /// Viscoelastic layers: S0 and the h_i of the Prony series
    /// (PronySeries::state_size() tensors; empty for elastic layers).
    std::vector<SymmetricTensor<2, 3>> viscous;
    /// Force-velocity layers: isochoric stretch of the first fibre family
    /// and its rate (1/s).
    double fibre_stretch = 1.0, fibre_rate = 0.0;
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

  /**
   * Quadrature-point histories of every locally owned cell, in deal.II's
   * CellDataStorage (one PointState per point, step-44's pattern), and
   * their packing into one vector of doubles per cell, the form that
   * parallel::distributed::CellDataTransfer moves across refinement,
   * repartitioning and checkpoints.
   *
   * Transfer across refinement (no interpolation of internal variables,
   * which could leave the admissible set): a child's point takes the state
   * of the parent's point nearest to it, a coarsened parent's point that of
   * the nearest point of the child containing it.  A uniform state moves
   * exactly.  The local fields J~, p~ of a child are its parent's
   * polynomials (exactly), those of a coarsened parent the L2 projection
   * of its children's: re-projecting J~ = Pi_h J on the children instead
   * would change p~ by kappa times the change of the projection, pressures
   * far from equilibrium when the tissue is nearly incompressible.
   */
  class QuadratureState
  {
  public:
    QuadratureState(const Discretization &d, const RunParameters &run);

    /// Every owned cell at rest: viscoelastic layers relaxed (S0 = 0, h_i =
    /// 0), force-velocity layers at fibre stretch 1 with rate 0.
    void
    initialize_at_rest();

    /// Does any layer have history (viscoelastic or force-velocity)?
    bool
    any() const
    {
      return with_history;
    }

    std::vector<std::shared_ptr<PointState>>
    get(const typename Triangulation<3>::cell_iterator &cell)
    {
      return storage.get_data(cell);
    }

    std::vector<std::shared_ptr<const PointState>>
    get(const typename Triangulation<3>::cell_iterator &cell) const
    {
      return storage.get_data(cell);
    }

    /// One vector per active cell (by active_cell_index; empty for cells
    /// not owned): the local fields @p lf of the cell and the state of its
    /// points.
    std::vector<std::vector<double>>
    pack(const LocalFields &lf) const;

    /// Inverse of pack() on the current mesh; the local fields go to @p lf
    /// (sized here).
    void
    unpack(const std::vector<std::vector<double>> &packed, LocalFields &lf);

    /// How CellDataTransfer builds children and coarsened parents.
    std::vector<std::vector<double>>
    refine(const typename Triangulation<3>::cell_iterator &parent,
           const std::vector<double>                      &value) const;
    std::vector<double>
    coarsen(const typename Triangulation<3>::cell_iterator &parent,
            const std::vector<std::vector<double>>         &children) const;

    /// Time of the stored state (the last converged time).
    double history_time = 0;

  private:
    const Discretization &d;
    const RunParameters  &run;
    bool                  with_history = false;
    /// Inverse mass matrix of the pressure basis on the reference cell.
    FullMatrix<double> mass_inverse;
    CellDataStorage<typename Triangulation<3>::cell_iterator, PointState>
      storage;
    /// Local-field coefficients of isotropic child @p child from its
    /// parent's (exact: the parent's polynomial restricted to the child).
    void
    embed(const double *parent, const unsigned int child, double *out) const;
    /// Parent coefficients: L2 projection of the children's polynomials
    /// (coefficients at @p offset of each child's vector).
    void
    restrict_to_parent(const std::vector<std::vector<double>> &children,
                       const std::size_t                       offset,
                       double                                 *out) const;
    /// Nearest point of @p points to @p x.
    unsigned int
    nearest(const Point<3> &x) const;
  };
} // namespace septa
