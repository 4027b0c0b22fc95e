#pragma once

#include <core/load_curve.h>
#include <core/step_participant.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace septa
{
  class Discretization;

  using BoundaryNames =
    std::map<std::string, std::set<dealii::types::boundary_id>>;

  /// Boundary ids of a named boundary; an InputError lists the known names
  /// if @p name is not one of them.
  std::set<dealii::types::boundary_id>
  resolve_boundary(const BoundaryNames &names,
                   const std::string   &name,
                   const std::string   &where);

  /**
   * One load or boundary condition, picked by name ('Type') in its own
   * subsection 'Loads/<instance name>'.  A load either prescribes
   * displacements (Dirichlet), or contributes external forces f_ext(u) and
   * their derivative K_ext = d f_ext / du (surface and body loads).  The
   * residual is R = f_int - f_ext and the tangent K = K_int - K_ext.
   * A load with state of its own (contact: which points touch, where they
   * stick) keeps it through the StepParticipant hooks, which the solver
   * calls for every load: begin_step, before and after each Newton solve,
   * rollback on a cut-back, commit on a converged step.
   */
  class Load : public StepParticipant
  {
  public:
    virtual ~Load() = default;

    virtual void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) = 0;

    /// Resolve boundary names; called once the mesh exists.
    virtual void
    initialize(const BoundaryNames &boundaries)
    {
      (void)boundaries;
    }

    /// The discretization the load acts on (its communicator, mesh,
    /// materials), for loads that keep state by cell or face; called
    /// before initialize().
    virtual void
    attach(const Discretization &d)
    {
      (void)d;
    }

    /// Displacements this load prescribes at time @p t, dof -> value (m).
    virtual void
    prescribed_displacements(
      const double                                       t,
      const dealii::DoFHandler<3>                       &dof_handler,
      std::map<dealii::types::global_dof_index, double> &values) const
    {
      (void)t;
      (void)dof_handler;
      (void)values;
    }

    /// Boundary ids whose faces get assemble_face() calls.
    virtual std::set<dealii::types::boundary_id>
    loaded_boundaries() const
    {
      return {};
    }

    /**
     * External force on one boundary face and its tangent.  @p u and
     * @p grad_u hold u and Grad u at the face quadrature points.  Loads with
     * state (contact) record here what the state at this displacement
     * would be; the hooks of StepParticipant decide what is kept.
     */
    virtual void
    assemble_face(const double                             t,
                  const dealii::FEFaceValues<3>           &fe_face_values,
                  const std::vector<dealii::Tensor<1, 3>> &u,
                  const std::vector<dealii::Tensor<2, 3>> &grad_u,
                  dealii::Vector<double>                  &f_ext,
                  dealii::FullMatrix<double>              &K_ext)
    {
      (void)t, (void)fe_face_values, (void)u, (void)grad_u, (void)f_ext,
        (void)K_ext;
    }

    /// True if assemble_cell() adds a body force.
    virtual bool
    has_body_force() const
    {
      return false;
    }

    /// Body force on one cell, @p density in kg/m^3.
    virtual void
    assemble_cell(const double               t,
                  const dealii::FEValues<3> &fe_values,
                  const double               density,
                  dealii::Vector<double>    &f_ext) const
    {
      (void)t, (void)fe_values, (void)density, (void)f_ext;
    }

    /// True if K_ext is not symmetric (follower loads): the solver then uses
    /// a non-symmetric Krylov method.
    virtual bool
    nonsymmetric_tangent() const
    {
      return false;
    }

    /// The committed state of this rank as numbers (empty for loads
    /// without state), for checkpoints ...
    virtual std::vector<double>
    pack_state() const
    {
      return {};
    }

    /// ... and back, from the concatenation of every rank's pack_state()
    /// (on any number of ranks and any mesh with the same boundary).
    virtual void
    unpack_state(const std::vector<double> &all)
    {
      (void)all;
    }
  };
} // namespace septa
