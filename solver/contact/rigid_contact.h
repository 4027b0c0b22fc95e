#pragma once

#include <contact/obstacle.h>
#include <loads/load.h>

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace septa
{
  /// How a face quadrature point meets the obstacle.  During a Newton
  /// solve it is fixed (the contact law is then smooth and Newton
  /// converges quadratically); between solves it changes where the
  /// converged state contradicts it.
  enum class ContactMode : char
  {
    apart,    ///< no traction
    touching, ///< pressure, no friction (frictionless, or first touch)
    sticking, ///< pressure and elastic stick
    sliding   ///< pressure and Coulomb slip
  };

  /// What a face quadrature point keeps from one step to the next.
  struct ContactPointState
  {
    ContactMode mode = ContactMode::apart;
    /// Reference position (identifies the point across meshes and ranks).
    dealii::Point<3> X;
    /// Normal multiplier of the augmented Lagrangian (Pa, per reference
    /// area); 0 with the penalty method.
    double lambda = 0;
    /// Sticking point of the obstacle in its body frame (friction).
    bool             anchored = false;
    dealii::Point<3> anchor;
  };

  /// What a face quadrature point is at the displacement last assembled.
  struct ContactPointTrial
  {
    ContactMode mode = ContactMode::apart;
    double      gap  = 0;
    /// Normal pressure per reference and per current area (Pa).
    double pressure = 0, pressure_current = 0;
    /// Reference and current area weights (m^2).
    double area = 0, area_current = 0;
    /// Penetration the augmented Lagrangian accepts here (m).
    double tolerance = 0;
    /// lambda - eps_N g: the pressure if positive.
    double raw_pressure = 0;
    /// Traction on the tissue per reference area and its tangential part
    /// per current area (Pa).
    dealii::Tensor<1, 3> traction, shear_current;
    bool                 slip = false;
    /// State to keep if the step converges here.
    ContactPointState next;

    /// In contact (its pressure law acts on it in this Newton solve).
    bool
    active() const
    {
      return mode != ContactMode::apart;
    }
  };

  /**
   * Contact of a named boundary (the skin) with one rigid obstacle
   * (sphere, plane or plate, cylinder, ring: solver/contact/<shape>.cc),
   * enforced at the face quadrature points with the closest-point
   * projection onto the obstacle (node-to-analytic-surface contact,
   * Wriggers 2006, Computational Contact Mechanics, ch. 4).
   *
   * Normal: pressure p = <lambda - eps_N g>_+ per reference area (g the
   * signed gap).  With the penalty method lambda = 0; with the augmented
   * Lagrangian (Uzawa, Simo & Laursen 1992, Comput. Struct. 42:97)
   * lambda <- p after each converged Newton solve until every active
   * point penetrates less than the tolerance, and the step's final p
   * starts the next step.
   *
   * Friction (Coulomb, coefficient mu_f): the tangential traction is an
   * elastic-slip penalty t_T = -eps_T P_T (x - a) towards the sticking
   * point a fixed to the obstacle, returned onto the cone |t_T| <= mu_f p
   * when it slips (Wriggers 2006, sec. 5.2; the sticking point then moves
   * to where the returned traction is the elastic one).  The tangent is
   * consistent, with the curvature of the obstacle (d n / d x) and the
   * slip term, which is not symmetric.
   *
   * Active set: whether a point is apart or in contact is fixed during a
   * Newton solve, starting from the last step's; after a converged solve,
   * points that penetrate while apart or pull while in contact change and
   * Newton solves again (a primal active-set strategy, Hueber & Wohlmuth
   * 2005; Wriggers 2006 sec. 6.3): letting contact change inside Newton
   * makes points near p = 0 switch back and forth in every iteration.
   * Stick or slip is the return mapping's at every iteration (a held
   * direction of slip would need an active-set update for every turn of
   * the slip, and points at the edge of the contact zone, where it turns
   * fast, would exhaust them); a point that flips between them twice in a
   * step slides for the rest of it, along the direction it had then.
   *
   * State per face quadrature point (mode, multiplier, sticking point) is
   * kept by face and committed only when a step converges; a rejected step
   * leaves the committed state as it was.  Across refinement and restarts
   * it moves with the points' reference positions.
   */
  class RigidContact : public Load
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override;

    void
    attach(const Discretization &d) override;

    void
    initialize(const BoundaryNames &boundaries) override;

    std::set<dealii::types::boundary_id>
    loaded_boundaries() const override
    {
      return ids;
    }

    bool
    nonsymmetric_tangent() const override
    {
      return friction > 0;
    }

    void
    assemble_face(const double                             t,
                  const dealii::FEFaceValues<3>           &fv,
                  const std::vector<dealii::Tensor<1, 3>> &u,
                  const std::vector<dealii::Tensor<2, 3>> &grad_u,
                  dealii::Vector<double>                  &f_ext,
                  dealii::FullMatrix<double>              &K_ext) override;

    void
    begin_step(const double time) override;
    bool
    update_multipliers() override;
    bool
    update_active_set() override;
    void
    rollback() override;
    void
    commit(const double time) override;
    void
    mesh_changed() override;

    std::vector<double>
    pack_state() const override;
    void
    unpack_state(const std::vector<double> &all) override;

    /// Name of the load (the column prefix).
    std::string name;
    /// The points at the displacement last assembled, by face index.
    std::map<unsigned int, std::vector<ContactPointTrial>> trial;
    /// Active-set updates and multiplier updates of the last committed
    /// step.
    unsigned int set_updates = 0, updates = 0;

  private:
    /// Uzawa update of the multipliers; true if a point penetrates more
    /// than the tolerance.
    bool
    update_penalty_multipliers();

    const Discretization                *d = nullptr;
    std::string                          where, boundary;
    std::unique_ptr<Obstacle>            obstacle;
    bool                                 augmented          = true;
    double                               penalty_factor     = 10;
    double                               tangential_factor  = 1;
    double                               relative_tolerance = 0.01;
    double                               friction           = 0;
    unsigned int                         max_changes        = 10;
    unsigned int                         max_updates        = 25;
    std::set<dealii::types::boundary_id> ids;

    /// Committed and current-step state, by face index.
    std::map<unsigned int, std::vector<ContactPointState>> committed, step;
    /// Stick-slip flips of a point in this step's Newton iterations, and
    /// the direction it slides along after the second.
    struct Flips
    {
      unsigned int         count = 0;
      dealii::Tensor<1, 3> direction;
    };
    std::map<unsigned int, std::vector<Flips>> flips;
    unsigned int step_set_updates = 0, step_updates = 0;
  };

  class Postprocessor;

  /**
   * Output of the contact loads: per load in statistics.csv the force the
   * tissue exerts on the obstacle (x, y, z; N), the contact area (current,
   * m^2), the peak and mean contact pressure (per current area, Pa), the
   * largest penetration (m), the area that slides (m^2), and the step's
   * active-set and multiplier updates; and surface fields on the
   * mesh's nodes (lumped L2 projection of the face-point values):
   * contact_pressure (sum over obstacles), contact_gap (to the nearest
   * obstacle), contact_shear (tangential traction per current area) and
   * contact_slip (1 sliding, 0 sticking).
   */
  std::unique_ptr<Postprocessor>
  make_contact_output(const Discretization                    &d,
                      const std::vector<const RigidContact *> &contacts);
} // namespace septa
