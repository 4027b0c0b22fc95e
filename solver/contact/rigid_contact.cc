#include <contact/rigid_contact.h>
#include <core/discretization.h>
#include <core/input_error.h>
#include <core/registry.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace septa
{
  using namespace dealii;

  namespace
  {
    // X, lambda, anchored, anchor, mode
    constexpr unsigned int packed_size = 9;

    bool
    worth_keeping(const ContactPointState &s)
    {
      return s.lambda > 0 || s.anchored || s.mode != ContactMode::apart;
    }
  } // namespace


  void
  RigidContact::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Boundary",
                      "skin",
                      Patterns::Anything(),
                      "Names of the boundaries the obstacle may touch "
                      "(comma-separated: 'skin, lateral' keeps the sides of "
                      "a block from passing through a plate).");
    prm.declare_entry("Obstacle",
                      "sphere",
                      Patterns::Selection(Registry<Obstacle>::names()),
                      Registry<Obstacle>::documentation("obstacle shape") +
                        "\nIts size and motion go in the subsection of that "
                        "name.");
    prm.declare_entry("Enforcement",
                      "augmented Lagrangian",
                      Patterns::Selection("augmented Lagrangian|penalty"),
                      "augmented Lagrangian: multiplier updates between "
                      "Newton solves until every point penetrates less than "
                      "'Penetration tolerance'; penalty: one solve, "
                      "penetration p / eps_N.");
    // eps_N = factor mu / h makes the penalty spring of a face point about
    // as stiff as the tissue under it for factor ~ 1 (an element's
    // stiffness scales with mu h, a point's penalty with eps_N h^2): 10
    // keeps the penalty-only penetration near p / (10 mu) h, a few per cent
    // of the cell at the strains of tissue contact, so that the augmented
    // Lagrangian needs few updates, while the tangent stays as well
    // conditioned as the tissue's (a factor of 1e3 and more would slow the
    // Krylov solver and make the active set chatter).
    prm.declare_entry("Penalty factor",
                      "10",
                      Patterns::Double(0.0),
                      "eps_N = factor * mu / h (Pa/m), mu the initial shear "
                      "modulus of the touched cell's layer, h its smallest "
                      "vertex distance.");
    prm.declare_entry("Tangential penalty factor",
                      "1",
                      Patterns::Double(0.0),
                      "eps_T / eps_N: stiffness of sticking (the elastic "
                      "slip before sliding is mu_f p / eps_T).");
    // 1 % of the cell: the error of the penetration is then well below the
    // discretisation error of the displacement near the contact (a few
    // per cent of h for quadratic elements).
    prm.declare_entry("Penetration tolerance",
                      "0.01",
                      Patterns::Double(0.0),
                      "Largest penetration the augmented Lagrangian "
                      "accepts, relative to the local cell size h.");
    prm.declare_entry("Friction coefficient",
                      "0",
                      Patterns::Double(0.0),
                      "Coulomb friction coefficient mu_f (0: frictionless).");
    // A settled contact needs one or two active-set updates per step; more
    // than 10 mean points go back and forth (chatter): a smaller step
    // converges where this one cannot.
    prm.declare_entry("Maximum active-set changes",
                      "10",
                      Patterns::Integer(1),
                      "Active-set updates (points starting or ending to "
                      "touch, stick or slide, each followed by a Newton "
                      "solve) in one step; more cut the step back.");
    prm.declare_entry("Maximum multiplier updates",
                      "25",
                      Patterns::Integer(1),
                      "Augmented-Lagrangian updates in one step; more cut "
                      "the step back.");
    Registry<Obstacle>::declare_all(prm);
  }


  void
  RigidContact::parse_parameters(ParameterHandler  &prm,
                                 const std::string &where)
  {
    this->where        = where;
    name               = where.substr(where.rfind('/') + 1);
    boundary           = prm.get("Boundary");
    augmented          = prm.get("Enforcement") == "augmented Lagrangian";
    penalty_factor     = prm.get_double("Penalty factor");
    tangential_factor  = prm.get_double("Tangential penalty factor");
    relative_tolerance = prm.get_double("Penetration tolerance");
    friction           = prm.get_double("Friction coefficient");
    max_changes        = prm.get_integer("Maximum active-set changes");
    max_updates        = prm.get_integer("Maximum multiplier updates");
    require_input(penalty_factor > 0,
                  where + "/Penalty factor",
                  prm.get("Penalty factor"),
                  "a positive factor");
    require_input(tangential_factor > 0 || friction == 0,
                  where + "/Tangential penalty factor",
                  prm.get("Tangential penalty factor"),
                  "a positive factor (with friction)");
    require_input(relative_tolerance > 0 || !augmented,
                  where + "/Penetration tolerance",
                  prm.get("Penetration tolerance"),
                  "a positive fraction of the cell size");
    const std::string shape = prm.get("Obstacle");
    obstacle = Registry<Obstacle>::create(shape, where + "/Obstacle");
    prm.enter_subsection(shape);
    obstacle->parse_parameters(prm, where + "/" + shape);
    prm.leave_subsection();
  }


  void
  RigidContact::attach(const Discretization &d)
  {
    this->d = &d;
  }


  void
  RigidContact::initialize(const BoundaryNames &boundaries)
  {
    ids.clear();
    for (const auto &name : Utilities::split_string_list(boundary))
      for (const auto id :
           resolve_boundary(boundaries, name, where + "/Boundary"))
        ids.insert(id);
  }


  void
  RigidContact::assemble_face(const double                     t,
                              const FEFaceValues<3>           &fv,
                              const std::vector<Tensor<1, 3>> &u,
                              const std::vector<Tensor<2, 3>> &grad_u,
                              Vector<double>                  &f_ext,
                              FullMatrix<double>              &K_ext)
  {
    const auto         cell = fv.get_cell();
    const unsigned int key  = fv.get_face_index();
    const unsigned int nq   = fv.n_quadrature_points;
    const unsigned int n    = fv.dofs_per_cell;
    auto              &out  = trial[key];
    // With friction: stick or slip of the last evaluation, to count each
    // point's flips.
    std::vector<ContactMode> last;
    std::vector<Flips>      *flip = nullptr;
    if (friction > 0)
      {
        last.assign(nq, ContactMode::apart);
        for (unsigned int q = 0; q < std::min<std::size_t>(nq, out.size()); ++q)
          last[q] = out[q].mode;
        flip = &flips[key];
        flip->resize(nq);
      }
    out.assign(nq, ContactPointTrial());
    const auto  found = step.find(key);
    const auto *state = found == step.end() ? nullptr : &found->second;

    const double h   = cell->minimum_vertex_distance();
    const double eps = penalty_factor *
                       d->run.materials[cell->material_id()]->shear_modulus() /
                       h;
    const double eps_t = tangential_factor * eps;
    const auto   I     = unit_symmetric_tensor<3>();
    const auto  &fe    = fv.get_fe();

    for (unsigned int q = 0; q < nq; ++q)
      {
        ContactPointTrial &r          = out[q];
        const Point<3>     X          = fv.quadrature_point(q);
        r.next.X                      = X;
        r.area                        = fv.JxW(q);
        r.tolerance                   = relative_tolerance * h;
        const Point<3>           y    = X + u[q];
        const auto               proj = obstacle->project(y, t);
        const ContactPointState  none;
        const ContactPointState &s = state ? (*state)[q] : none;
        r.mode                     = s.mode;
        r.gap                      = proj.gap;
        r.raw_pressure             = s.lambda - eps * proj.gap;
        if (s.mode == ContactMode::apart)
          {
            // No traction.  A point within a cell of the obstacle
            // remembers the obstacle point it faces, so that if it touches
            // in the next step its friction starts from the relative
            // motion in that step (not from zero).
            if (friction > 0 && proj.gap < h)
              {
                r.next.anchor   = obstacle->to_body(proj.closest, t);
                r.next.anchored = true;
              }
            continue;
          }
        // The pressure of a point in contact may go negative during a
        // Newton solve (the law stays smooth); the active set releases the
        // point if it is still negative at convergence.
        const double       p = r.raw_pressure;
        const Tensor<2, 3> F = I + grad_u[q];
        r.area_current       = determinant(F) *
                         (transpose(invert(F)) * fv.normal_vector(q)).norm() *
                         r.area;
        r.pressure         = p;
        r.pressure_current = p * r.area / r.area_current;
        r.next.mode        = s.mode;
        r.next.lambda      = augmented ? p : 0.0;

        // Normal traction p n and its derivative by x:
        // d(p n) = n (x) dp + p dn, dp = -eps_N n . dx.
        const Tensor<1, 3> &normal   = proj.normal;
        Tensor<1, 3>        traction = p * normal;
        Tensor<2, 3>        D =
          -eps * outer_product(normal, normal) + p * proj.normal_derivative;
        if (friction > 0 && (s.mode == ContactMode::touching || !s.anchored))
          {
            // First touch without a remembered obstacle point: sticks
            // where it touches at the end of this step, no tangential
            // traction yet.
            r.next.anchor   = obstacle->to_body(proj.closest, t);
            r.next.anchored = true;
            r.next.mode     = ContactMode::sticking;
          }
        else if (friction > 0)
          {
            const Point<3> a = obstacle->to_world(s.anchor, t);
            // Tangential part v = P_T (x - a) and its derivative
            // dv/dx = I - n n - (n . r) dn/dx - n (x) (dn/dx r).
            const Tensor<1, 3>  rel = y - a;
            const Tensor<1, 3>  v   = rel - (normal * rel) * normal;
            const Tensor<2, 3> &W   = proj.normal_derivative;
            const Tensor<2, 3>  dv =
              Tensor<2, 3>(I) - outer_product(normal, normal) -
              (normal * rel) * W - outer_product(normal, W * rel);
            const double v_norm = v.norm();
            // Radius of the friction cone b = mu_f p and its derivative.
            const double       bound = friction * std::max(p, 0.0);
            const Tensor<1, 3> dbound =
              p > 0 ? -friction * eps * normal : Tensor<1, 3>();
            const Tensor<1, 3> direction =
              v_norm > 0 ? v / v_norm : Tensor<1, 3>();
            // Return mapping, at every Newton iteration (Wriggers 2006,
            // sec. 10.3): the trial traction -eps_T v sticks inside the
            // cone, and outside it is returned onto the cone along
            // m = v / |v|, t_T = -b m, with the consistent tangent
            // d t_T = -(m (x) db + b / |v| (I - m m) dv).  |v| > b / eps_T
            // on the cone, so m is defined wherever the traction is not
            // zero.
            // A point that flipped between the two twice in this step
            // sits on the cone, where they agree, and Newton would cycle
            // between them: it slides for the rest of the step, along the
            // direction it had then (v / |v| of a point inside the cone
            // turns fast, and Newton would turn with it).
            auto             &f     = (*flip)[q];
            const bool        slide = f.count >= 2 || eps_t * v_norm > bound;
            const ContactMode mode =
              slide ? ContactMode::sliding : ContactMode::sticking;
            if (f.count < 2 && last[q] != ContactMode::apart &&
                last[q] != ContactMode::touching && last[q] != mode &&
                ++f.count == 2)
              f.direction = direction;
            // On the cone along m: t_T = -b m, d t_T = -m (x) db + ...
            const auto slide_along = [&](const Tensor<1, 3> &m) {
              traction -= bound * m;
              D -= outer_product(m, dbound);
              r.mode = r.next.mode = ContactMode::sliding;
              r.slip               = true;
              r.next.anchor =
                obstacle->to_body(proj.closest - (bound / eps_t) * m, t);
            };
            if (f.count >= 2)
              slide_along(f.direction);
            else if (!slide)
              {
                traction -= eps_t * v;
                D -= eps_t * dv;
                r.mode        = ContactMode::sticking;
                r.next.anchor = obstacle->to_body(a, t);
                r.next.mode   = ContactMode::sticking;
              }
            else
              {
                // ... - b / |v| (I - m m) dv, m turning with v.
                slide_along(direction);
                D -= bound / v_norm *
                     ((Tensor<2, 3>(I) - outer_product(direction, direction)) *
                      dv);
              }
            r.next.anchored = true;
            r.shear_current = (traction - (traction * normal) * normal) *
                              r.area / r.area_current;
          }
        r.traction = traction;

        const double JxW = r.area;
        for (unsigned int i = 0; i < n; ++i)
          {
            const unsigned int ci    = fe.system_to_component_index(i).first;
            const double       phi_i = fv.shape_value(i, q) * JxW;
            if (phi_i == 0)
              continue;
            f_ext(i) += phi_i * traction[ci];
            for (unsigned int j = 0; j < n; ++j)
              K_ext(i, j) += phi_i *
                             D[ci][fe.system_to_component_index(j).first] *
                             fv.shape_value(j, q);
          }
      }
  }


  void
  RigidContact::begin_step(const double)
  {
    // Every point starts the step in the mode it ended the last one.
    step = committed;
    trial.clear();
    flips.clear();
    step_set_updates = 0;
    step_updates     = 0;
  }


  bool
  RigidContact::update_multipliers()
  {
    // The active set first, the multipliers once it holds: an Uzawa update
    // on a state whose active set is wrong would make the converged state
    // depend on when the set was updated ('Active-set tolerance').
    if (update_active_set())
      return true;
    if (!augmented)
      return false;
    return update_penalty_multipliers();
  }


  bool
  RigidContact::update_active_set()
  {
    // Active set: contact the current state contradicts.  A point apart
    // that penetrates touches (and sticks if it remembers an obstacle
    // point); a point in contact that pulls lets go.  Sticking or sliding
    // is decided by the return mapping at every Newton iteration.
    unsigned int changes = 0;
    for (const auto &[key, points] : trial)
      {
        auto &s = step[key];
        s.resize(points.size());
        for (unsigned int q = 0; q < points.size(); ++q)
          {
            const auto &r    = points[q];
            auto        mode = r.mode;
            if (mode == ContactMode::apart && r.raw_pressure > 0)
              mode = (friction > 0 && s[q].anchored) ? ContactMode::sticking
                                                     : ContactMode::touching;
            else if (mode != ContactMode::apart && r.raw_pressure < 0)
              mode = ContactMode::apart; // pulls: let go
            if (mode != r.mode)
              {
                ++changes;
                s[q].mode = mode;
              }
          }
      }
    if (Utilities::MPI::sum(changes, d->comm) > 0)
      {
        if (++step_set_updates > max_changes)
          throw SolveError("contact '" + name +
                           "': the set of touching, sticking and sliding "
                           "points changed more than " +
                           std::to_string(max_changes) +
                           " times in this step (" + where +
                           "/Maximum active-set changes)");
        return true;
      }
    return false;
  }


  bool
  RigidContact::update_penalty_multipliers()
  {
    // Penetration, or a gap where lambda still presses (after unloading),
    // over the tolerance.
    double worst = 0;
    for (const auto &[key, points] : trial)
      for (const auto &r : points)
        if (r.active())
          worst = std::max(worst, std::abs(r.gap) / r.tolerance);
    worst = Utilities::MPI::max(worst, d->comm);
    if (worst <= 1)
      return false;
    if (++step_updates > max_updates)
      throw SolveError("contact '" + name + "': penetration still " +
                       std::to_string(worst) + " times the tolerance after " +
                       std::to_string(max_updates) + " multiplier updates (" +
                       where + "/Maximum multiplier updates)");
    // Uzawa: lambda <- <lambda - eps_N g>_+, the pressure just found.
    for (const auto &[key, points] : trial)
      {
        auto &s = step[key];
        s.resize(points.size());
        for (unsigned int q = 0; q < points.size(); ++q)
          s[q].lambda = std::max(points[q].pressure, 0.0);
      }
    return true;
  }


  void
  RigidContact::rollback()
  {
    begin_step(0);
  }


  void
  RigidContact::commit(const double)
  {
    committed.clear();
    for (const auto &[key, points] : trial)
      {
        bool keep = false;
        for (const auto &r : points)
          keep = keep || worth_keeping(r.next);
        if (!keep)
          continue;
        auto &s = committed[key];
        for (const auto &r : points)
          {
            s.push_back(r.next);
            // A point that came apart starts the next step apart.
            if (r.mode != ContactMode::apart && r.raw_pressure <= 0)
              s.back().mode = ContactMode::apart;
          }
      }
    step        = committed;
    set_updates = step_set_updates;
    updates     = step_updates;
  }


  std::vector<double>
  RigidContact::pack_state() const
  {
    std::vector<double> v;
    for (const auto &[key, points] : committed)
      for (const auto &s : points)
        if (worth_keeping(s))
          v.insert(v.end(),
                   {s.X[0],
                    s.X[1],
                    s.X[2],
                    s.lambda,
                    s.anchored ? 1.0 : 0.0,
                    s.anchor[0],
                    s.anchor[1],
                    s.anchor[2],
                    double(static_cast<char>(s.mode))});
    return v;
  }


  void
  RigidContact::unpack_state(const std::vector<double> &all)
  {
    committed.clear();
    step.clear();
    trial.clear();
    const std::size_t m = all.size() / packed_size;
    if (m == 0)
      return;
    // Each face point of the current mesh takes the state of the nearest
    // stored point within its face's size (the same point on the same
    // mesh, the nearest old point after refinement), found in a bucket
    // grid of that size.
    FEFaceValues<3> fv(d->mapping,
                       d->fe,
                       d->face_quadrature,
                       update_quadrature_points);
    // The owned faces of the contact boundaries.
    std::vector<std::pair<DoFHandler<3>::active_cell_iterator, unsigned int>>
           faces;
    double size = 0;
    for (const auto &cell : d->dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              ids.count(cell->face(f)->boundary_id()))
            {
              faces.emplace_back(cell, f);
              size = std::max(size, cell->face(f)->diameter());
            }
    if (size == 0)
      return;
    const auto bucket = [&](const Point<3> &x) {
      return std::array<long, 3>{{std::lround(std::floor(x[0] / size)),
                                  std::lround(std::floor(x[1] / size)),
                                  std::lround(std::floor(x[2] / size))}};
    };
    struct Hash
    {
      std::size_t
      operator()(const std::array<long, 3> &b) const
      {
        return std::hash<long>()(b[0] * 73856093L ^ b[1] * 19349663L ^
                                 b[2] * 83492791L);
      }
    };
    std::unordered_map<std::array<long, 3>, std::vector<std::size_t>, Hash>
      grid;
    for (std::size_t k = 0; k < m; ++k)
      grid[bucket(Point<3>(all[k * packed_size],
                           all[k * packed_size + 1],
                           all[k * packed_size + 2]))]
        .push_back(k);
    for (const auto &[cell, f] : faces)
      {
        fv.reinit(cell, f);
        const double                   reach = cell->face(f)->diameter();
        std::vector<ContactPointState> states(fv.n_quadrature_points);
        bool                           any = false;
        for (unsigned int q = 0; q < fv.n_quadrature_points; ++q)
          {
            const Point<3> X = fv.quadrature_point(q);
            states[q].X      = X;
            const auto  b    = bucket(X);
            double      best = reach;
            std::size_t from = m;
            for (long i = -1; i <= 1; ++i)
              for (long j = -1; j <= 1; ++j)
                for (long l = -1; l <= 1; ++l)
                  {
                    const auto it = grid.find({{b[0] + i, b[1] + j, b[2] + l}});
                    if (it == grid.end())
                      continue;
                    for (const auto k : it->second)
                      {
                        const double dist =
                          X.distance(Point<3>(all[k * packed_size],
                                              all[k * packed_size + 1],
                                              all[k * packed_size + 2]));
                        if (dist < best)
                          best = dist, from = k;
                      }
                  }
            if (from == m)
              continue;
            const double *v    = &all[from * packed_size];
            states[q].lambda   = v[3];
            states[q].anchored = v[4] != 0;
            states[q].anchor   = Point<3>(v[5], v[6], v[7]);
            states[q].mode     = static_cast<ContactMode>(char(v[8]));
            any                = true;
          }
        if (any)
          committed[cell->face(f)->index()] = states;
      }
    step = committed;
  }


  void
  RigidContact::mesh_changed()
  {
    // Face indices of the old mesh mean nothing on the new one: the state
    // moves by reference position, gathered from every rank because the
    // cells may have moved to other ranks.
    const auto          mine = pack_state();
    std::vector<double> all;
    for (const auto &part : Utilities::MPI::all_gather(d->comm, mine))
      all.insert(all.end(), part.begin(), part.end());
    unpack_state(all);
  }


  SEPTA_REGISTER_PLUGIN(Load,
                        RigidContact,
                        "contact",
                        "contact of a named boundary with a rigid obstacle "
                        "(sphere, plane or plate, cylinder, ring) that may "
                        "move: penalty or augmented Lagrangian, frictionless "
                        "or Coulomb friction.")
} // namespace septa
