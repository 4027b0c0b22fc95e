#include <core/input_error.h>
#include <core/solid.h>

#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <sys/resource.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <set>

namespace septa
{
  namespace
  {
    const SymmetricTensor<2, 3> I2  = unit_symmetric_tensor<3>();
    const SymmetricTensor<4, 3> I4  = identity_tensor<3>();
    const SymmetricTensor<4, 3> IxI = outer_product(I2, I2);

    /// div_x of vector shape function @p j (one nonzero component c):
    /// (Grad N_j F^-1)_c.
    inline double
    spatial_divergence(const FEValues<3>  &fe_values,
                       const unsigned int  j,
                       const unsigned int  q,
                       const Tensor<2, 3> &F_inv)
    {
      const unsigned int c =
        fe_values.get_fe().system_to_component_index(j).first;
      const Tensor<1, 3> &grad = fe_values.shape_grad(j, q);
      return grad[0] * F_inv[0][c] + grad[1] * F_inv[1][c] +
             grad[2] * F_inv[2][c];
    }
  } // namespace


  Solid::Solid(RunParameters &run, MPI_Comm comm)
    : run_parameters(run)
    , comm(comm)
    , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
    , timer(pcout, TimerOutput::never, TimerOutput::wall_times)
    , triangulation(comm)
    , fe(FE_Q<3>(run.discretization.degree), 3)
    , fe_pressure(run.discretization.degree - 1)
    , dof_handler(triangulation)
    , quadrature(run.discretization.quadrature)
    , face_quadrature(run.discretization.quadrature)
  {
    pressure_basis.resize(quadrature.size());
    for (unsigned int q = 0; q < quadrature.size(); ++q)
      for (unsigned int k = 0; k < fe_pressure.n_dofs_per_cell(); ++k)
        pressure_basis[q].push_back(
          fe_pressure.shape_value(k, quadrature.point(q)));
  }


  void
  Solid::make_mesh()
  {
    TimerOutput::Scope t(timer, "mesh");
    run_parameters.geometry->create(triangulation);
    GridTools::scale(run_parameters.mesh_scale, triangulation);
    triangulation.refine_global(run_parameters.global_refinements);

    // Every layer must have cells, every boundary named by a load must exist.
    const auto               &names = run_parameters.layer_names;
    std::vector<unsigned int> count(names.size(), 0);
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          require_input(cell->material_id() < names.size(),
                        run_parameters.filename + ": Geometry",
                        "material id " + std::to_string(cell->material_id()),
                        "a mesh whose cells all belong to a named layer");
          ++count[cell->material_id()];
        }
    Utilities::MPI::sum(count, comm, count);
    for (unsigned int l = 0; l < names.size(); ++l)
      require_input(count[l] > 0,
                    run_parameters.filename + ": Geometry (layer '" + names[l] +
                      "')",
                    "0 cells",
                    "a mesh with at least one cell in every layer");

    boundaries = run_parameters.geometry->boundary_names();
    for (const auto &surface : run_parameters.output.surfaces)
      resolve_boundary(boundaries,
                       surface,
                       run_parameters.filename + ": Output/Surface statistics");
    for (auto &load : run_parameters.loads)
      {
        load->initialize(boundaries);
        for (const auto id : load->loaded_boundaries())
          loaded_boundaries.insert(id);
        if (load->nonsymmetric_tangent())
          symmetric = false;
      }
    pcout << "Mesh: " << triangulation.n_global_active_cells() << " cells, "
          << names.size() << " layers (";
    for (unsigned int l = 0; l < names.size(); ++l)
      pcout << (l ? ", " : "") << names[l] << ": " << count[l];
    pcout << ")" << std::endl;
  }


  void
  Solid::setup_system()
  {
    TimerOutput::Scope t(timer, "setup");
    dof_handler.distribute_dofs(fe);
    locally_owned = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, locally_relevant);

    hanging.clear();
    hanging.reinit(locally_relevant);
    DoFTools::make_hanging_node_constraints(dof_handler, hanging);
    hanging.close();

    // Sparsity with all Dirichlet dofs constrained (their values do not
    // change the pattern).
    update_dirichlet(0.0);
    {
      DynamicSparsityPattern dsp(locally_relevant);
      DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 locally_owned,
                                                 comm,
                                                 locally_relevant);
      tangent.reinit(locally_owned, locally_owned, dsp, comm);
    }
#ifdef __GLIBC__
    // The pattern's rows were many small vectors; glibc keeps their freed
    // pages in the heap, where the large PETSc allocations that follow (AMG
    // hierarchy, Krylov vectors) do not reuse them: return them (25 MB of
    // the 800 MB peak at 1e5 unknowns).
    malloc_trim(0);
#endif
    rhs.reinit(locally_owned, comm);
    full_residual.reinit(locally_owned, comm);
    internal_force.reinit(locally_owned, comm);
    solution.reinit(locally_owned, comm);
    ghosted.reinit(locally_owned, locally_relevant, comm);

    // Support point and component of each owned dof: rigid-body modes for
    // AMG and per-component reaction sums.
    owned_component.assign(locally_owned.n_elements(), 0);
    std::vector<Point<3>> coordinates(locally_owned.n_elements());
    {
      const Quadrature<3> support(fe.get_unit_support_points());
      FEValues<3>         fv(mapping, fe, support, update_quadrature_points);
      std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            cell->get_dof_indices(dofs);
            for (unsigned int i = 0; i < dofs.size(); ++i)
              if (locally_owned.is_element(dofs[i]))
                {
                  const auto k       = locally_owned.index_within_set(dofs[i]);
                  owned_component[k] = fe.system_to_component_index(i).first;
                  coordinates[k]     = fv.quadrature_point(i);
                }
          }
    }
    linear_solver =
      std::make_unique<LinearSolver>(run_parameters.linear_solver, comm);
    linear_solver->set_rigid_body_modes(locally_owned,
                                        coordinates,
                                        owned_component);

    for (const auto &[name, ids] : boundaries)
      boundary_dofs[name] =
        DoFTools::extract_boundary_dofs(dof_handler, ComponentMask(), ids);
    // Rigid layers: every dof of their cells is held; the force on them is
    // reported like a boundary's, as 'layer_<name>'.
    rigid_dofs = IndexSet(dof_handler.n_dofs());
    for (unsigned int l = 0; l < run_parameters.materials.size(); ++l)
      if (run_parameters.materials[l]->is_rigid())
        {
          IndexSet                             dofs(dof_handler.n_dofs());
          std::vector<types::global_dof_index> cell_dofs(fe.n_dofs_per_cell());
          for (const auto &cell : dof_handler.active_cell_iterators())
            if (!cell->is_artificial() && cell->material_id() == l)
              {
                cell->get_dof_indices(cell_dofs);
                for (const auto dof : cell_dofs)
                  dofs.add_index(dof);
              }
          dofs.compress();
          boundary_dofs["layer_" + run_parameters.layer_names[l]] = dofs;
          rigid_dofs.add_indices(dofs);
        }

    // Probe points: find the owning cell once.
    for (const auto &p : run_parameters.output.probe_points)
      {
        // Search the owned cells only: the library's point search may walk
        // into artificial cells of a distributed mesh.
        Probe probe;
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && !probe.owned)
            {
              const auto box = cell->bounding_box();
              Point<3>   lo  = box.get_boundary_points().first,
                       hi    = box.get_boundary_points().second;
              bool near      = true;
              for (unsigned int d = 0; d < 3; ++d)
                {
                  const double tol = 1e-10 * (hi[d] - lo[d]);
                  near = near && p[d] >= lo[d] - tol && p[d] <= hi[d] + tol;
                }
              if (!near)
                continue;
              try
                {
                  const Point<3> unit =
                    mapping.transform_real_to_unit_cell(cell, p);
                  if (GeometryInfo<3>::is_inside_unit_cell(unit, 1e-10))
                    {
                      probe.cell = cell;
                      probe.unit_point =
                        GeometryInfo<3>::project_to_unit_cell(unit);
                      probe.owned = true;
                    }
                }
              catch (...)
                {
                }
            }
        const unsigned int n_found =
          Utilities::MPI::sum(probe.owned ? 1u : 0u, comm);
        std::ostringstream point;
        point << p;
        require_input(n_found > 0,
                      run_parameters.filename + ": Output/Probe points",
                      point.str(),
                      "points inside the mesh (m, reference configuration)");
        // A point on a partition boundary belongs to the lowest rank.
        const unsigned int rank  = probe.owned
                                     ? Utilities::MPI::this_mpi_process(comm)
                                     : std::numeric_limits<unsigned int>::max();
        const unsigned int first = Utilities::MPI::min(rank, comm);
        probe.owned              = probe.owned && first == rank;
        probes.push_back(probe);
      }

    pcout << "Degrees of freedom: " << dof_handler.n_dofs() << " (Q"
          << fe.degree << "-"
          << (run_parameters.discretization.mixed
                ? "P" + std::to_string(fe.degree - 1) + "disc mixed"
                : std::string("displacement"))
          << "), " << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s)"
          << std::endl;
  }


  void
  Solid::update_dirichlet(const double time)
  {
    dirichlet_targets.clear();
    for (const auto &load : run_parameters.loads)
      load->prescribed_displacements(time, dof_handler, dirichlet_targets);
    for (const auto dof : rigid_dofs)
      dirichlet_targets[dof] = 0.0;
    constraints.clear();
    constraints.reinit(locally_relevant);
    constraints.merge(hanging);
    for (const auto &[dof, value] : dirichlet_targets)
      if (!constraints.is_constrained(dof))
        {
          constraints.add_line(dof);
          // The increment that brings the dof to its target; solution is
          // owned-only, so read ghosts from the ghosted copy.
          const double current = ghosted.size() > 0 ? ghosted(dof) : 0.0;
          constraints.set_inhomogeneity(dof, value - current);
        }
    constraints.close();
  }


  void
  Solid::evaluate_cell(const typename DoFHandler<3>::active_cell_iterator &cell,
                       const FEValues<3>                  &fe_values,
                       const PETScWrappers::MPI::Vector   &u,
                       const LocalFields                  &lf,
                       CellState                          &s,
                       FullMatrix<double>                 *K_vol,
                       CellCondensation                   *cc,
                       const double                        time,
                       std::vector<SymmetricTensor<2, 3>> *new_history) const
  {
    const unsigned int nq    = fe_values.n_quadrature_points;
    const unsigned int n     = fe_values.dofs_per_cell;
    const Material &material = *run_parameters.materials[cell->material_id()];
    const FEValuesExtractors::Vector disp(0);
    std::vector<Tensor<2, 3>>        grad_u(nq);
    fe_values[disp].get_function_gradients(u, grad_u);
    s.F.resize(nq);
    s.J.resize(nq);
    s.J_tilde.resize(nq);
    s.p_tilde.assign(nq, 0.0);
    s.tau.resize(nq);
    s.Jc.resize(nq);
    s.inverted = false;
    s.error_J  = 0;
    s.error_p  = 0;
    for (unsigned int q = 0; q < nq; ++q)
      {
        s.F[q] = Tensor<2, 3>(I2) + grad_u[q];
        s.J[q] = determinant(s.F[q]);
        if (!(s.J[q] > 0))
          {
            s.inverted = true;
            return;
          }
      }

    const bool          split = material.has_volumetric_split();
    const bool          mixed = split && run_parameters.discretization.mixed;
    std::vector<double> dU(nq, 0.0), d2U(nq, 0.0);
    double              U;
    if (mixed)
      {
        // Local residuals r_p = int N (J - J~), r_J = int N (U'(J~) - p~).
        const unsigned int np = fe_pressure.n_dofs_per_cell();
        const double      *cJ = &lf.J[cell->active_cell_index() * np];
        const double      *cp = &lf.p[cell->active_cell_index() * np];
        FullMatrix<double> M(np, np), M_inv(np, np), KJJ(np, np);
        Vector<double>     r_p(np), r_J(np);
        double             volume = 0;
        for (unsigned int q = 0; q < nq; ++q)
          {
            const auto  &N   = pressure_basis[q];
            const double JxW = fe_values.JxW(q);
            s.J_tilde[q]     = 0;
            for (unsigned int a = 0; a < np; ++a)
              {
                s.J_tilde[q] += N[a] * cJ[a];
                s.p_tilde[q] += N[a] * cp[a];
              }
            if (!(s.J_tilde[q] > 0))
              {
                s.inverted = true;
                return;
              }
            material.volumetric(s.J_tilde[q], U, dU[q], d2U[q]);
            volume += JxW;
            for (unsigned int a = 0; a < np; ++a)
              {
                r_p(a) += N[a] * (s.J[q] - s.J_tilde[q]) * JxW;
                r_J(a) += N[a] * (dU[q] - s.p_tilde[q]) * JxW;
                for (unsigned int b = 0; b < np; ++b)
                  {
                    M(a, b) += N[a] * N[b] * JxW;
                    KJJ(a, b) += N[a] * d2U[q] * N[b] * JxW;
                  }
              }
          }
        s.error_J = r_p.linfty_norm() / volume;
        s.error_p = r_J.linfty_norm() / volume;

        if (K_vol)
          {
            // Eliminating dJ = M^-1 (G du + r_p), dp = M^-1 (K_JJ dJ + r_J)
            // from the linearised local equations gives the condensed
            // tangent G^T A G, A = M^-1 K_JJ M^-1, and the right-hand side
            // part -G^T M^-1 (K_JJ M^-1 r_p + r_J).
            M_inv.invert(M);
            FullMatrix<double> G(np, n), A(np, np), tmp(np, np), AG(np, n);
            for (unsigned int q = 0; q < nq; ++q)
              {
                const auto  &N     = pressure_basis[q];
                const double JxW   = fe_values.JxW(q);
                const auto   F_inv = invert(s.F[q]);
                for (unsigned int j = 0; j < n; ++j)
                  {
                    const double div =
                      spatial_divergence(fe_values, j, q, F_inv);
                    for (unsigned int a = 0; a < np; ++a)
                      G(a, j) += N[a] * s.J[q] * div * JxW;
                  }
              }
            M_inv.mmult(tmp, KJJ);
            tmp.mmult(A, M_inv);
            A.mmult(AG, G);
            G.Tmmult(*K_vol, AG);

            Vector<double> t1(np), t2(np), t3(np);
            M_inv.vmult(t1, r_p);
            KJJ.vmult(t2, t1);
            t2 += r_J;
            M_inv.vmult(t3, t2);
            s.rhs_vol.reinit(n);
            G.Tvmult(s.rhs_vol, t3);
            s.rhs_vol *= -1.0;
            if (cc)
              {
                cc->G     = G;
                cc->M_inv = M_inv;
                cc->KJJ   = KJJ;
                cc->r_p   = r_p;
                cc->r_J   = r_J;
              }
          }
      }
    else if (split)
      {
        // Displacement formulation: J~ = J, p~ = U'(J) pointwise.
        for (unsigned int q = 0; q < nq; ++q)
          {
            s.J_tilde[q] = s.J[q];
            material.volumetric(s.J[q], U, s.p_tilde[q], d2U[q]);
          }
        if (K_vol)
          {
            std::vector<double> Jdiv(n);
            for (unsigned int q = 0; q < nq; ++q)
              {
                const auto F_inv = invert(s.F[q]);
                for (unsigned int j = 0; j < n; ++j)
                  Jdiv[j] = s.J[q] * spatial_divergence(fe_values, j, q, F_inv);
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = 0; j < n; ++j)
                    (*K_vol)(i, j) +=
                      Jdiv[i] * d2U[q] * Jdiv[j] * fe_values.JxW(q);
              }
          }
      }
    else
      for (unsigned int q = 0; q < nq; ++q)
        s.J_tilde[q] = s.J[q];

    MaterialInput  in;
    MaterialOutput out;
    in.time  = time;
    in.fibre = cell_fibres[cell->active_cell_index()];
    in.dt    = time - history_time;
    const std::vector<double> &fibre_state =
      fibre_history[cell->active_cell_index()];
    const PronySeries &prony =
      run_parameters.viscoelasticity[cell->material_id()];
    const unsigned int n_state = prony.state_size();
    if (new_history)
      new_history->resize(nq * n_state);
    for (unsigned int q = 0; q < nq; ++q)
      {
        in.F = s.F[q];
        if (!fibre_state.empty())
          {
            in.fibre_stretch_old = fibre_state[2 * q];
            in.fibre_rate_old    = fibre_state[2 * q + 1];
          }
        material.evaluate(in, out);
        if (n_state > 0)
          prony.apply(s.F[q],
                      in.dt,
                      &history[cell->active_cell_index()][q * n_state],
                      out,
                      new_history ? &(*new_history)[q * n_state] : nullptr);
        const double pJ = s.p_tilde[q] * s.J[q];
        s.tau[q]        = out.tau + pJ * I2;
        s.Jc[q]         = out.Jc + pJ * (IxI - 2.0 * I4);
      }
  }


  void
  Solid::project_local_fields(const PETScWrappers::MPI::Vector &u,
                              LocalFields                      &lf) const
  {
    const unsigned int np = fe_pressure.n_dofs_per_cell();
    lf.J.assign(triangulation.n_active_cells() * np, 0.0);
    lf.p.assign(triangulation.n_active_cells() * np, 0.0);
    FEValues<3>                      fv(mapping,
                   fe,
                   quadrature,
                   update_gradients | update_JxW_values);
    const FEValuesExtractors::Vector disp(0);
    std::vector<Tensor<2, 3>>        grad_u(quadrature.size());
    FullMatrix<double>               M(np, np), M_inv(np, np);
    Vector<double>                   b(np), c(np);
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        fv.reinit(cell);
        fv[disp].get_function_gradients(u, grad_u);
        const Material &material =
          *run_parameters.materials[cell->material_id()];
        const auto k = cell->active_cell_index() * np;
        // J~ = Pi_h J, then p~ = Pi_h U'(J~).
        for (unsigned int pass = 0; pass < 2; ++pass)
          {
            M = 0;
            b = 0;
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                const auto &N = pressure_basis[q];
                double      value;
                if (pass == 0)
                  value = determinant(Tensor<2, 3>(I2) + grad_u[q]);
                else
                  {
                    double Jt = 0, U, d2U;
                    for (unsigned int a = 0; a < np; ++a)
                      Jt += N[a] * lf.J[k + a];
                    material.volumetric(Jt, U, value, d2U);
                  }
                for (unsigned int a = 0; a < np; ++a)
                  {
                    b(a) += N[a] * value * fv.JxW(q);
                    for (unsigned int bb = 0; bb < np; ++bb)
                      M(a, bb) += N[a] * N[bb] * fv.JxW(q);
                  }
              }
            M_inv.invert(M);
            M_inv.vmult(c, b);
            for (unsigned int a = 0; a < np; ++a)
              (pass == 0 ? lf.J : lf.p)[k + a] = c(a);
          }
      }
  }


  void
  Solid::recover_local_increments(const PETScWrappers::MPI::Vector &du,
                                  LocalFields                      &delta) const
  {
    const unsigned int np = fe_pressure.n_dofs_per_cell();
    delta.J.assign(triangulation.n_active_cells() * np, 0.0);
    delta.p.assign(triangulation.n_active_cells() * np, 0.0);
    if (!run_parameters.discretization.mixed)
      return;
    Vector<double> du_cell(fe.n_dofs_per_cell()), t1(np), t2(np), dJ(np),
      dp(np);
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned() ||
            !run_parameters.materials[cell->material_id()]
               ->has_volumetric_split())
          continue;
        const auto &cc = condensation[cell->active_cell_index()];
        cell->get_dof_values(du, du_cell);
        // dJ = M^-1 (G du + r_p), dp = M^-1 (K_JJ dJ + r_J)
        cc.G.vmult(t1, du_cell);
        t1 += cc.r_p;
        cc.M_inv.vmult(dJ, t1);
        cc.KJJ.vmult(t2, dJ);
        t2 += cc.r_J;
        cc.M_inv.vmult(dp, t2);
        const auto k = cell->active_cell_index() * np;
        for (unsigned int a = 0; a < np; ++a)
          {
            delta.J[k + a] = dJ(a);
            delta.p[k + a] = dp(a);
          }
      }
  }


  bool
  Solid::assemble(const PETScWrappers::MPI::Vector &u,
                  const LocalFields                &lf,
                  const double                      time,
                  const bool                        with_matrix)
  {
    TimerOutput::Scope t(timer, with_matrix ? "assembly" : "residual");
    if (with_matrix)
      tangent = 0;
    rhs            = 0;
    full_residual  = 0;
    internal_force = 0;

    FEValues<3>                          fv(mapping,
                   fe,
                   quadrature,
                   update_values | update_gradients | update_JxW_values |
                     update_quadrature_points);
    FEFaceValues<3>                      ffv(mapping,
                        fe,
                        face_quadrature,
                        update_values | update_gradients | update_JxW_values |
                          update_normal_vectors | update_quadrature_points);
    const unsigned int                   n  = fe.n_dofs_per_cell();
    const unsigned int                   nq = quadrature.size();
    FullMatrix<double>                   K(n, n), K_vol(n, n), K_ext(n, n);
    Vector<double>                       r(n), f_int(n), f_ext(n);
    std::vector<types::global_dof_index> dofs(n);
    std::vector<Tensor<1, 3>>            g(n), tau_g(n);
    std::vector<std::array<std::array<double, 3>, 3>> Cg(n);
    std::vector<unsigned int>                         comp(n);
    for (unsigned int i = 0; i < n; ++i)
      comp[i] = fe.system_to_component_index(i).first;
    std::vector<Tensor<2, 3>>        face_grad_u(face_quadrature.size());
    const FEValuesExtractors::Vector disp(0);
    CellState                        s;
    bool                             inverted = false;
    double                           error_J = 0, error_p = 0;
    if (with_matrix)
      condensation.resize(triangulation.n_active_cells());

    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        fv.reinit(cell);
        cell->get_dof_indices(dofs);
        K_vol = 0;
        s.rhs_vol.reinit(0);
        evaluate_cell(cell,
                      fv,
                      u,
                      lf,
                      s,
                      with_matrix ? &K_vol : nullptr,
                      with_matrix ? &condensation[cell->active_cell_index()]
                                  : nullptr,
                      time);
        error_J = std::max(error_J, s.error_J);
        error_p = std::max(error_p, s.error_p);
        if (s.inverted)
          {
            inverted = true;
            break;
          }
        K     = 0;
        f_int = 0;
        f_ext = 0;
        for (unsigned int q = 0; q < nq; ++q)
          {
            const Tensor<2, 3> F_inv = invert(s.F[q]);
            const double       JxW   = fv.JxW(q);
            // Shape function i moves only component comp[i], so its spatial
            // gradient is e_comp (x) g_i with g_i = Grad N_i F^-1: the weak
            // form needs only the vectors g_i (a third of the work of full
            // tensors).
            for (unsigned int i = 0; i < n; ++i)
              {
                g[i]            = fv.shape_grad(i, q) * F_inv;
                const auto &tau = s.tau[q];
                const auto  c   = comp[i];
                f_int(i) += (tau[c][0] * g[i][0] + tau[c][1] * g[i][1] +
                             tau[c][2] * g[i][2]) *
                            JxW;
              }
            if (!with_matrix)
              continue;
            // K_ij = g_i,k Jc_{ck dl} g_j,l + delta_cd g_i . tau . g_j
            // (material and geometric parts of the spatial tangent).
            double C[3][3][3][3];
            for (unsigned int a = 0; a < 3; ++a)
              for (unsigned int b = 0; b < 3; ++b)
                for (unsigned int c = 0; c < 3; ++c)
                  for (unsigned int d = 0; d < 3; ++d)
                    C[a][b][c][d] = s.Jc[q][a][b][c][d] * JxW;
            for (unsigned int j = 0; j < n; ++j)
              {
                const unsigned int d = comp[j];
                for (unsigned int a = 0; a < 3; ++a)
                  for (unsigned int k = 0; k < 3; ++k)
                    Cg[j][a][k] =
                      (C[a][k][d][0] * g[j][0] + C[a][k][d][1] * g[j][1] +
                       C[a][k][d][2] * g[j][2]);
                tau_g[j] = (s.tau[q] * g[j]) * JxW;
              }
            for (unsigned int i = 0; i < n; ++i)
              {
                const unsigned int c = comp[i];
                for (unsigned int j = 0; j <= i; ++j)
                  {
                    double k_ij = g[i][0] * Cg[j][c][0] +
                                  g[i][1] * Cg[j][c][1] + g[i][2] * Cg[j][c][2];
                    if (c == comp[j])
                      k_ij += g[i] * tau_g[j];
                    K(i, j) += k_ij;
                  }
              }
          }
        if (with_matrix)
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = 0; j < i; ++j)
              K(j, i) = K(i, j);

        const Material &material =
          *run_parameters.materials[cell->material_id()];
        for (const auto &load : run_parameters.loads)
          if (load->has_body_force())
            load->assemble_cell(time, fv, material.density(), f_ext);
        if (cell->at_boundary() && !loaded_boundaries.empty())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                loaded_boundaries.count(cell->face(f)->boundary_id()))
              {
                ffv.reinit(cell, f);
                ffv[disp].get_function_gradients(u, face_grad_u);
                K_ext = 0;
                for (const auto &load : run_parameters.loads)
                  if (load->loaded_boundaries().count(
                        cell->face(f)->boundary_id()))
                    load->assemble_face(time, ffv, face_grad_u, f_ext, K_ext);
                if (with_matrix)
                  K.add(-1.0, K_ext);
              }
        if (with_matrix)
          K.add(1.0, K_vol);

        for (unsigned int i = 0; i < n; ++i)
          r(i) = f_ext(i) - f_int(i); // -R
        full_residual.add(dofs, r);
        internal_force.add(dofs, f_int);
        if (with_matrix && s.rhs_vol.size() == n)
          r += s.rhs_vol;
        if (with_matrix)
          constraints.distribute_local_to_global(
            K, r, dofs, tangent, rhs, true);
        else
          constraints.distribute_local_to_global(r, dofs, rhs);
      }
    // compress() is collective: every rank gets here, inverted or not.
    if (with_matrix)
      tangent.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);
    full_residual.compress(VectorOperation::add);
    internal_force.compress(VectorOperation::add);
    full_residual *= -1.0; // f_int - f_ext
    f_int_norm    = internal_force.l2_norm();
    local_error_J = Utilities::MPI::max(error_J, comm);
    local_error_p = Utilities::MPI::max(error_p, comm);
    return !Utilities::MPI::logical_or(inverted, comm);
  }


  bool
  Solid::solve_step(const double  time,
                    unsigned int &newton_its,
                    unsigned int &linear_its)
  {
    const auto &nt       = run_parameters.newton;
    newton_its           = 0;
    linear_its           = 0;
    indefinite_solves    = 0;
    negative_eigenvalues = -1;

    // Residual norm on free dofs (Dirichlet dofs excluded).
    const auto free_norm = [&]() {
      double sum = 0;
      for (const auto dof : locally_owned)
        if (dirichlet_targets.count(dof) == 0)
          sum += full_residual(dof) * full_residual(dof);
      return std::sqrt(Utilities::MPI::sum(sum, comm));
    };
    // The local equations of the mixed cells hold to round-off.
    const auto local_converged = [&]() {
      return local_error_J <= 1e-10 &&
             local_error_p <= 1e-10 * reference_modulus;
    };

    ghosted = solution;
    update_dirichlet(time);
    if (!assemble(ghosted, local_fields, time, false))
      return false;
    double residual = free_norm();

    PETScWrappers::MPI::Vector du(locally_owned, comm),
      trial(locally_owned, comm),
      du_ghosted(locally_owned, locally_relevant, comm);
    LocalFields delta, trial_fields;
    for (unsigned int it = 0;; ++it)
      {
        // Dirichlet dofs still away from their targets?
        double mismatch = 0, target = 0;
        for (const auto &[dof, value] : dirichlet_targets)
          if (locally_owned.is_element(dof))
            {
              mismatch = std::max(mismatch, std::abs(value - solution(dof)));
              target   = std::max(target, std::abs(value));
            }
        mismatch                  = Utilities::MPI::max(mismatch, comm);
        target                    = Utilities::MPI::max(target, comm);
        const bool dirichlet_done = mismatch <= 1e-10 * target + 1e-300;
        if (run_parameters.newton.verbose)
          pcout << "    Newton " << it << ": |R| = " << residual
                << "  |f_int| = " << f_int_norm
                << "  J~ mismatch = " << local_error_J
                << "  p~ mismatch = " << local_error_p
                << "  Dirichlet mismatch = " << mismatch << std::endl;
        if (dirichlet_done && local_converged() &&
            residual <=
              nt.residual_tolerance * f_int_norm + nt.absolute_tolerance)
          return true;
        if (it == nt.max_iterations)
          {
            pcout << "    Newton: no convergence in " << it
                  << " iterations, |R| = " << residual << std::endl;
            return false;
          }

        ++newton_its;
        assemble(ghosted, local_fields, time, true);
        {
          TimerOutput::Scope t(timer, "solve");
          du = 0;
          linear_its += linear_solver->solve(tangent, du, rhs, symmetric);
          indefinite_solves += linear_solver->met_indefinite() ? 1 : 0;
          negative_eigenvalues = linear_solver->negative_eigenvalues();
          constraints.distribute(du);
          du_ghosted = du;
          recover_local_increments(du_ghosted, delta);
        }

        // Backtracking line search on the residual norm.  A step that moves
        // Dirichlet dofs is taken in full unless an element inverts: the
        // residual of the previous equilibrium is no measure for it.
        double alpha    = 1.0;
        bool   accepted = false;
        for (unsigned int ls = 0; ls <= nt.max_line_search; ++ls, alpha *= 0.5)
          {
            trial = solution;
            trial.add(alpha, du);
            ghosted      = trial;
            trial_fields = local_fields;
            for (std::size_t k = 0; k < delta.J.size(); ++k)
              {
                trial_fields.J[k] += alpha * delta.J[k];
                trial_fields.p[k] += alpha * delta.p[k];
              }
            if (!assemble(ghosted, trial_fields, time, false))
              {
                if (run_parameters.newton.verbose)
                  pcout << "      line search: alpha = " << alpha
                        << " inverts an element" << std::endl;
                continue;
              }
            const double r = free_norm();
            if (run_parameters.newton.verbose)
              pcout << "      line search: alpha = " << alpha << ", |R| = " << r
                    << std::endl;
            const bool last = (ls == nt.max_line_search);
            if (!dirichlet_done || r <= (1.0 - 1e-4 * alpha) * residual ||
                last || !local_converged())
              {
                residual = r;
                accepted = true;
                break;
              }
          }
        if (!accepted)
          {
            pcout << "    Newton: every line-search trial inverted an element"
                  << std::endl;
            return false;
          }
        solution     = trial;
        ghosted      = solution;
        local_fields = trial_fields;
        update_dirichlet(time);
      }
  }


  void
  Solid::setup_fibres()
  {
    cell_fibres.assign(triangulation.n_active_cells(), {});
    // Mesh directions by cell centre (mesh units, rounded to 1e-7 of the
    // mesh size; neighbouring keys are searched too).
    std::map<std::array<long long, 3>, Tensor<1, 3>> by_centre;
    bool                                             from_mesh = false;
    for (const auto &field : run_parameters.fibre_fields)
      from_mesh = from_mesh || field.type() == FibreField::Type::mesh;
    const auto directions =
      from_mesh ? run_parameters.geometry->cell_directions()
                : std::vector<std::pair<Point<3>, Tensor<1, 3>>>();
    double extent = 0;
    for (const auto &[c, d] : directions)
      extent = std::max(extent, c.norm());
    const double tol = 1e-7 * std::max(extent, 1e-300);
    const auto   key =
      [&](const Point<3> &c, const int dx, const int dy, const int dz) {
        return std::array<long long, 3>{{std::llround(c[0] / tol) + dx,
                                         std::llround(c[1] / tol) + dy,
                                         std::llround(c[2] / tol) + dz}};
      };
    for (const auto &[c, d] : directions)
      by_centre[key(c, 0, 0, 0)] = d;

    unsigned int n_missing = 0, missing_layer = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const unsigned int l      = cell->material_id();
        const auto        &field  = run_parameters.fibre_fields[l];
        auto              &fibres = cell_fibres[cell->active_cell_index()];
        fibres                    = run_parameters.materials[l]->fibres();
        if (field.type() == FibreField::Type::origin_insertion)
          fibres[0] = field.direction(cell->center());
        else if (field.type() == FibreField::Type::mesh)
          {
            // The coarse cell the mesh file describes, in mesh units.
            typename Triangulation<3>::cell_iterator coarse = cell;
            while (coarse->level() > 0)
              coarse = coarse->parent();
            const Point<3> c     = coarse->center() / run_parameters.mesh_scale;
            bool           found = false;
            for (int dx = -1; dx <= 1 && !found; ++dx)
              for (int dy = -1; dy <= 1 && !found; ++dy)
                for (int dz = -1; dz <= 1 && !found; ++dz)
                  {
                    const auto it = by_centre.find(key(c, dx, dy, dz));
                    if (it != by_centre.end())
                      {
                        fibres[0] = it->second;
                        found     = true;
                      }
                  }
            if (!found)
              {
                ++n_missing;
                missing_layer = l;
              }
          }
      }
    // Decided on every rank, so that all stop together.
    n_missing     = Utilities::MPI::sum(n_missing, comm);
    missing_layer = Utilities::MPI::max(missing_layer, comm);
    require_input(n_missing == 0,
                  run_parameters.filename + ": Materials/" +
                    run_parameters.layer_names[missing_layer] + "/Fibre field",
                  "mesh (" + std::to_string(n_missing) +
                    " cells have no direction in the mesh file)",
                  "a Gmsh mesh (format 2) whose 'Fibre data' element view "
                  "gives every cell of the layer a direction");
  }


  void
  Solid::commit_history(const double time)
  {
    ghosted = solution;
    FEValues<3>                        fv(mapping,
                   fe,
                   quadrature,
                   update_values | update_gradients | update_JxW_values);
    CellState                          s;
    std::vector<SymmetricTensor<2, 3>> updated;
    const double                       dt = time - history_time;
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const unsigned int c       = cell->active_cell_index();
        const bool         viscous = !history[c].empty();
        const bool         fibres  = !fibre_history[c].empty();
        if (!viscous && !fibres)
          continue;
        fv.reinit(cell);
        evaluate_cell(cell,
                      fv,
                      ghosted,
                      local_fields,
                      s,
                      nullptr,
                      nullptr,
                      time,
                      viscous ? &updated : nullptr);
        if (viscous)
          history[c] = updated;
        if (fibres)
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const double lambda =
                kinematics::isochoric_fibre_stretch(s.F[q], cell_fibres[c][0]);
              double &old = fibre_history[c][2 * q];
              if (dt > 0)
                fibre_history[c][2 * q + 1] = (lambda - old) / dt;
              old = lambda;
            }
      }
    history_time = time;
  }


  void
  Solid::run()
  {
    make_mesh();
    setup_system();
    setup_fibres();
    write_statistics_header();
    solution = 0;
    ghosted  = solution;
    project_local_fields(ghosted, local_fields);
    // Histories start at rest: viscoelastic layers relaxed (S0 = 0, h_i =
    // 0), force-velocity layers at fibre stretch 1 with rate 0.
    history.assign(triangulation.n_active_cells(), {});
    fibre_history.assign(triangulation.n_active_cells(), {});
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const unsigned int l = cell->material_id();
          const unsigned int c = cell->active_cell_index();
          history[c].assign(quadrature.size() *
                              run_parameters.viscoelasticity[l].state_size(),
                            SymmetricTensor<2, 3>());
          if (run_parameters.materials[l]->uses_fibre_velocity())
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              fibre_history[c].insert(fibre_history[c].end(), {1.0, 0.0});
        }
    update_dirichlet(0.0);
    for (const auto &m : run_parameters.materials)
      reference_modulus = std::max(reference_modulus, m->shear_modulus());
    assemble(ghosted,
             local_fields,
             0.0,
             false); // reactions of the initial state
    postprocess(0.0, 0.0, 0, 0, run_parameters.output.vtu);

    std::set<unsigned int> injected_failures;
    if (const char *env = std::getenv("SEPTA_INJECT_FAILURES"))
      for (const auto &n : Utilities::split_string_list(env))
        injected_failures.insert(Utilities::string_to_int(n));
    const auto                &tp           = run_parameters.time;
    double                     t            = 0.0;
    double                     dt           = tp.initial_step;
    unsigned int               step         = 0;
    unsigned int               total_newton = 0, total_linear = 0;
    const auto                 start = std::chrono::steady_clock::now();
    PETScWrappers::MPI::Vector old(locally_owned, comm);
    LocalFields                old_fields;
    while (t < tp.end_time * (1.0 - 1e-12))
      {
        if (t + dt > tp.end_time * (1.0 - 1e-9))
          dt = tp.end_time - t;
        old                     = solution;
        old_fields              = local_fields;
        unsigned int newton_its = 0, linear_its = 0;
        bool         ok     = false;
        std::string  reason = "Newton did not converge";
        try
          {
            ok = solve_step(t + dt, newton_its, linear_its);
          }
        catch (const SolveError &e)
          {
            reason = e.what();
          }
        // Fault injection for tests: SEPTA_INJECT_FAILURES = "3, 5" rejects
        // the first converged attempt of steps 3 and 5, as if Newton had
        // failed, to check that cut-backs leave no trace (viscoelastic
        // history, local fields).
        if (ok && injected_failures.erase(step + 1) > 0)
          {
            ok     = false;
            reason = "failure injected by SEPTA_INJECT_FAILURES";
          }
        if (!ok)
          {
            solution     = old;
            ghosted      = solution;
            local_fields = old_fields;
            dt *= 0.5;
            pcout << "  step to t = " << t + 2 * dt << " failed (" << reason
                  << "); step size cut to " << dt << std::endl;
            if (dt < tp.minimum_step)
              {
                if (Utilities::MPI::this_mpi_process(comm) == 0)
                  statistics << "# FAILED at t = " << t << ": " << reason
                             << "; step size below 'Time/Minimum step' = "
                             << tp.minimum_step << std::endl;
                throw SolveError(
                  run_parameters.filename + ": the step from t = " +
                  std::to_string(t) + " could not be solved (" + reason +
                  ") with step sizes down to 'Time/Minimum step' = " +
                  std::to_string(tp.minimum_step) +
                  ". Results up to t = " + std::to_string(t) +
                  " are in the output folder; the run is incomplete.");
              }
            continue;
          }
        t += dt;
        commit_history(t);
        ++step;
        total_newton += newton_its;
        total_linear += linear_its;
        const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
        pcout << "step " << std::setw(4) << step << "  t = " << std::setw(10)
              << std::left << t << std::right << "  dt = " << std::setw(10)
              << std::left << dt << std::right << "  Newton " << std::setw(2)
              << newton_its << "  linear " << std::setw(4) << linear_its
              << "  elapsed " << std::fixed << std::setprecision(1) << elapsed
              << " s  ETA " << elapsed / t * (tp.end_time - t) << " s"
              << std::defaultfloat << std::setprecision(6) << std::endl;
        if (negative_eigenvalues > 0)
          pcout << "  warning: the last tangent of this step has "
                << negative_eigenvalues
                << " negative eigenvalue(s): the equilibrium reached is "
                   "unstable (past a buckling, wrinkling or creasing point)"
                << std::endl;
        const bool last  = t >= tp.end_time * (1.0 - 1e-12);
        const auto every = run_parameters.output.every;
        postprocess(t,
                    dt,
                    newton_its,
                    linear_its,
                    run_parameters.output.vtu &&
                      (last || (every > 0 && step % every == 0)));
        if (newton_its <= run_parameters.newton.easy_iterations)
          dt = std::min(dt * tp.growth_factor, tp.maximum_step);
      }
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      statistics << "# completed at t = " << t << std::endl;
    timer.print_summary();

    // One machine-readable line for benchmark scripts.
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const double peak_mb = usage.ru_maxrss / 1024.0; // kB on Linux
    const auto   memory  = Utilities::MPI::min_max_avg(peak_mb, comm);
    auto         times   = timer.get_summary_data(TimerOutput::total_wall_time);
    pcout << "SUMMARY dofs=" << dof_handler.n_dofs()
          << " ranks=" << Utilities::MPI::n_mpi_processes(comm)
          << " steps=" << step << " newton=" << total_newton
          << " linear=" << total_linear
          << " assembly_s=" << times["assembly"] + times["residual"]
          << " solve_s=" << times["solve"] << " output_s=" << times["output"]
          << " wall_s="
          << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           start)
               .count()
          << " peak_mb_max=" << memory.max << " peak_mb_avg=" << memory.avg
          << std::endl;
  }
} // namespace septa
