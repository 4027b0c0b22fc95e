#include <core/constitutive.h>

#include <deal.II/fe/fe_values.h>

#include <cmath>

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


  Constitutive::Constitutive(const Discretization &d,
                             const RunParameters  &run,
                             QuadratureState      &points,
                             SolutionState        &x)
    : d(d)
    , run(run)
    , points(points)
    , x(x)
  {
  }


  void
  Constitutive::evaluate_cell(
    const typename DoFHandler<3>::active_cell_iterator &cell,
    const FEValues<3>                                  &fe_values,
    const PETScWrappers::MPI::Vector                   &u,
    const LocalFields                                  &lf,
    CellState                                          &s,
    FullMatrix<double>                                 *K_vol,
    CellCondensation                                   *cc,
    const double                                        time,
    std::vector<PointState>                            *updated) const
  {
    const unsigned int nq       = fe_values.n_quadrature_points;
    const unsigned int n        = fe_values.dofs_per_cell;
    const Material    &material = *run.materials[cell->material_id()];
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
    const bool          mixed = split && run.discretization.mixed;
    std::vector<double> dU(nq, 0.0), d2U(nq, 0.0);
    double              U;
    if (mixed)
      {
        // Local residuals r_p = int N (J - J~), r_J = int N (U'(J~) - p~).
        const unsigned int np = d.fe_pressure.n_dofs_per_cell();
        const double      *cJ = &lf.J[cell->active_cell_index() * np];
        const double      *cp = &lf.p[cell->active_cell_index() * np];
        FullMatrix<double> M(np, np), M_inv(np, np), KJJ(np, np);
        Vector<double>     r_p(np), r_J(np);
        double             volume = 0;
        for (unsigned int q = 0; q < nq; ++q)
          {
            const auto  &N   = d.pressure_basis[q];
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
                const auto  &N     = d.pressure_basis[q];
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
    in.time                    = time;
    in.fibre                   = d.cell_fibres[cell->active_cell_index()];
    in.dt                      = time - points.history_time;
    const auto         history = points.get(cell);
    const PronySeries &prony   = run.viscoelasticity[cell->material_id()];
    const bool         fibre_velocity = material.uses_fibre_velocity();
    if (updated)
      updated->resize(nq);
    for (unsigned int q = 0; q < nq; ++q)
      {
        in.F = s.F[q];
        if (fibre_velocity)
          {
            in.fibre_stretch_old = history[q]->fibre_stretch;
            in.fibre_rate_old    = history[q]->fibre_rate;
          }
        material.evaluate(in, out);
        if (!prony.empty())
          {
            if (updated)
              (*updated)[q].viscous.resize(prony.state_size());
            prony.apply(s.F[q],
                        in.dt,
                        history[q]->viscous.data(),
                        out,
                        updated ? (*updated)[q].viscous.data() : nullptr);
          }
        const double pJ = s.p_tilde[q] * s.J[q];
        s.tau[q]        = out.tau + pJ * I2;
        s.Jc[q]         = out.Jc + pJ * (IxI - 2.0 * I4);
      }
  }


  void
  Constitutive::project_local_fields(const PETScWrappers::MPI::Vector &u,
                                     LocalFields                      &lf) const
  {
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    lf.J.assign(d.triangulation.n_active_cells() * np, 0.0);
    lf.p.assign(d.triangulation.n_active_cells() * np, 0.0);
    FEValues<3>                      fv(d.mapping,
                   d.fe,
                   d.quadrature,
                   update_gradients | update_JxW_values);
    const FEValuesExtractors::Vector disp(0);
    std::vector<Tensor<2, 3>>        grad_u(d.quadrature.size());
    FullMatrix<double>               M(np, np), M_inv(np, np);
    Vector<double>                   b(np), c(np);
    for (const auto &cell : d.dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        fv.reinit(cell);
        fv[disp].get_function_gradients(u, grad_u);
        const Material &material = *run.materials[cell->material_id()];
        const auto      k        = cell->active_cell_index() * np;
        // J~ = Pi_h J, then p~ = Pi_h U'(J~).
        for (unsigned int pass = 0; pass < 2; ++pass)
          {
            M = 0;
            b = 0;
            for (unsigned int q = 0; q < d.quadrature.size(); ++q)
              {
                const auto &N = d.pressure_basis[q];
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
  Constitutive::recover_local_increments(
    const PETScWrappers::MPI::Vector    &du,
    const std::vector<CellCondensation> &condensation,
    LocalFields                         &delta) const
  {
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    delta.J.assign(d.triangulation.n_active_cells() * np, 0.0);
    delta.p.assign(d.triangulation.n_active_cells() * np, 0.0);
    if (!run.discretization.mixed)
      return;
    Vector<double> du_cell(d.fe.n_dofs_per_cell()), t1(np), t2(np), dJ(np),
      dp(np);
    for (const auto &cell : d.dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned() ||
            !run.materials[cell->material_id()]->has_volumetric_split())
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


  void
  Constitutive::commit(const double time)
  {
    FEValues<3>             fv(d.mapping,
                   d.fe,
                   d.quadrature,
                   update_values | update_gradients | update_JxW_values);
    CellState               s;
    std::vector<PointState> updated;
    const double            dt = time - points.history_time;
    for (const auto &cell : d.dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const unsigned int l       = cell->material_id();
        const bool         viscous = !run.viscoelasticity[l].empty();
        const bool         fibres  = run.materials[l]->uses_fibre_velocity();
        if (!viscous && !fibres)
          continue;
        fv.reinit(cell);
        evaluate_cell(
          cell, fv, x.ghosted, x.local, s, nullptr, nullptr, time, &updated);
        const auto history = points.get(cell);
        for (unsigned int q = 0; q < d.quadrature.size(); ++q)
          {
            if (viscous)
              history[q]->viscous = updated[q].viscous;
            if (fibres)
              {
                const double lambda = kinematics::isochoric_fibre_stretch(
                  s.F[q], d.cell_fibres[cell->active_cell_index()][0]);
                if (dt > 0)
                  history[q]->fibre_rate =
                    (lambda - history[q]->fibre_stretch) / dt;
                history[q]->fibre_stretch = lambda;
              }
          }
      }
    points.history_time = time;
  }
} // namespace septa
