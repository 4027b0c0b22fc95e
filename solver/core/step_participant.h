#pragma once

namespace septa
{
  /**
   * Anything whose state follows the solution through Newton and the load
   * steps (material histories, the local fields of the mixed formulation,
   * loads with contact state): it is told what happens and keeps its own
   * state consistent, so that a new feature with state does not edit the
   * Newton loop or the time stepper.
   */
  class StepParticipant
  {
  public:
    virtual ~StepParticipant() = default;

    /// A step to @p time is about to be attempted.
    virtual void
    begin_step(const double time)
    {
      (void)time;
    }

    /// Newton: before and after the linear solve of @p iteration.
    virtual void
    before_solve(const unsigned int iteration)
    {
      (void)iteration;
    }
    virtual void
    after_solve(const unsigned int iteration)
    {
      (void)iteration;
    }

    /// Newton is close to convergence (see 'Active-set tolerance'): if the
    /// current iterate contradicts the active set (contact), update it and
    /// return true.  Collective: every rank returns the same.
    virtual bool
    update_active_set()
    {
      return false;
    }

    /// Newton converged at fixed multipliers: update them (augmented
    /// Lagrangian) and return true if another Newton solve is needed.
    /// Collective: every rank returns the same.
    virtual bool
    update_multipliers()
    {
      return false;
    }

    /// The attempt failed (or was rejected): go back to the state of the
    /// last converged step.
    virtual void
    rollback()
    {
    }

    /// The step to @p time converged: make its state the new reference.
    virtual void
    commit(const double time)
    {
      (void)time;
    }

    /// The mesh was created, refined, coarsened or repartitioned and the
    /// DoFs distributed anew: forget anything indexed by cells or DoFs.
    virtual void
    mesh_changed()
    {
    }
  };
} // namespace septa
