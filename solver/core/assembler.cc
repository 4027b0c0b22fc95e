#include <core/assembler.h>

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cmath>

namespace septa
{
  Assembler::Assembler(const Discretization &d,
                       const RunParameters  &run,
                       const Constitutive   &constitutive,
                       TimerOutput          &timer)
    : d(d)
    , run(run)
    , constitutive(constitutive)
    , timer(timer)
  {
  }


  void
  Assembler::setup()
  {
    // Sparsity with all Dirichlet dofs constrained (their values do not
    // change the pattern): d.constraints must hold them.
    {
      DynamicSparsityPattern dsp(d.locally_relevant);
      DoFTools::make_sparsity_pattern(d.dof_handler, dsp, d.constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 d.locally_owned,
                                                 d.comm,
                                                 d.locally_relevant);
      tangent.reinit(d.locally_owned, d.locally_owned, dsp, d.comm);
    }
#ifdef __GLIBC__
    // The pattern's rows were many small vectors; glibc keeps their freed
    // pages in the heap, where the large PETSc allocations that follow (AMG
    // hierarchy, Krylov vectors) do not reuse them: return them (25 MB of
    // the 800 MB peak at 1e5 unknowns).
    malloc_trim(0);
#endif
    rhs.reinit(d.locally_owned, d.comm);
    full_residual.reinit(d.locally_owned, d.comm);
    condensed_residual.reinit(d.locally_owned, d.comm);
    internal_force.reinit(d.locally_owned, d.comm);
    condensation.clear();
  }


  double
  Assembler::free_residual_norm() const
  {
    double sum = 0;
    for (const auto dof : d.locally_owned)
      if (d.dirichlet_targets.count(dof) == 0)
        sum += condensed_residual(dof) * condensed_residual(dof);
    return std::sqrt(Utilities::MPI::sum(sum, d.comm));
  }


  bool
  Assembler::assemble(const PETScWrappers::MPI::Vector &u,
                      const LocalFields                &lf,
                      const double                      time,
                      const bool                        with_matrix)
  {
    TimerOutput::Scope t(timer, with_matrix ? "assembly" : "residual");
    if (with_matrix)
      tangent = 0;
    rhs                = 0;
    full_residual      = 0;
    condensed_residual = 0;
    internal_force     = 0;

    FEValues<3>                          fv(d.mapping,
                   d.fe,
                   d.quadrature,
                   update_values | update_gradients | update_JxW_values |
                     update_quadrature_points);
    FEFaceValues<3>                      ffv(d.mapping,
                        d.fe,
                        d.face_quadrature,
                        update_values | update_gradients | update_JxW_values |
                          update_normal_vectors | update_quadrature_points);
    const unsigned int                   n  = d.fe.n_dofs_per_cell();
    const unsigned int                   nq = d.quadrature.size();
    FullMatrix<double>                   K(n, n), K_vol(n, n), K_ext(n, n);
    Vector<double>                       r(n), f_int(n), f_ext(n);
    std::vector<types::global_dof_index> dofs(n);
    std::vector<Tensor<1, 3>>            g(n), tau_g(n);
    std::vector<std::array<std::array<double, 3>, 3>> Cg(n);
    std::vector<unsigned int>                         comp(n);
    for (unsigned int i = 0; i < n; ++i)
      comp[i] = d.fe.system_to_component_index(i).first;
    std::vector<Tensor<2, 3>>        face_grad_u(d.face_quadrature.size());
    std::vector<Tensor<1, 3>>        face_u(d.face_quadrature.size());
    const FEValuesExtractors::Vector disp(0);
    CellState                        s;
    bool                             inverted = false;
    double                           error_J = 0, error_p = 0;
    if (with_matrix)
      condensation.resize(d.triangulation.n_active_cells());

    for (const auto &cell : d.dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        fv.reinit(cell);
        cell->get_dof_indices(dofs);
        K_vol = 0;
        s.rhs_vol.reinit(0);
        constitutive.evaluate_cell(cell,
                                   fv,
                                   u,
                                   lf,
                                   s,
                                   with_matrix ? &K_vol : nullptr,
                                   with_matrix
                                     ? &condensation[cell->active_cell_index()]
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

        const Material &material = *run.materials[cell->material_id()];
        for (const auto &load : run.loads)
          if (load->has_body_force())
            load->assemble_cell(time, fv, material.density(), f_ext);
        if (cell->at_boundary() && !d.loaded_boundaries.empty())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                d.loaded_boundaries.count(cell->face(f)->boundary_id()))
              {
                ffv.reinit(cell, f);
                ffv[disp].get_function_gradients(u, face_grad_u);
                ffv[disp].get_function_values(u, face_u);
                K_ext = 0;
                for (const auto &load : run.loads)
                  if (load->loaded_boundaries().count(
                        cell->face(f)->boundary_id()))
                    load->assemble_face(
                      time, ffv, face_u, face_grad_u, f_ext, K_ext);
                if (with_matrix)
                  K.add(-1.0, K_ext);
              }
        if (with_matrix)
          K.add(1.0, K_vol);

        for (unsigned int i = 0; i < n; ++i)
          r(i) = f_ext(i) - f_int(i); // -R
        full_residual.add(dofs, r);
        d.hanging.distribute_local_to_global(r, dofs, condensed_residual);
        internal_force.add(dofs, f_int);
        if (with_matrix && s.rhs_vol.size() == n)
          r += s.rhs_vol;
        if (with_matrix)
          d.constraints.distribute_local_to_global(
            K, r, dofs, tangent, rhs, true);
        else
          d.constraints.distribute_local_to_global(r, dofs, rhs);
      }
    // compress() is collective: every rank gets here, inverted or not.
    if (with_matrix)
      tangent.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);
    full_residual.compress(VectorOperation::add);
    condensed_residual.compress(VectorOperation::add);
    internal_force.compress(VectorOperation::add);
    full_residual *= -1.0; // f_int - f_ext
    condensed_residual *= -1.0;
    f_int_norm    = internal_force.l2_norm();
    local_error_J = Utilities::MPI::max(error_J, d.comm);
    local_error_p = Utilities::MPI::max(error_p, d.comm);
    return !Utilities::MPI::logical_or(inverted, d.comm);
  }
} // namespace septa
