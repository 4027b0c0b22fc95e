// Output of the Solid: statistics.csv rows and PVTU/PVD fields.
#include <core/input_error.h>
#include <core/solid.h>

#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/numerics/data_out.h>

#include <cmath>

#include <filesystem>
#include <iomanip>

namespace septa
{
  void
  Solid::write_statistics_header()
  {
    const auto &o = run_parameters.output;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ec;
        std::filesystem::create_directories(o.directory, ec);
        statistics.open(o.directory + "/statistics.csv");
      }
    const bool good =
      Utilities::MPI::logical_or(Utilities::MPI::this_mpi_process(comm) == 0
                                   ? statistics.good()
                                   : false,
                                 comm);
    require_input(good,
                  run_parameters.filename + ": Output/Directory",
                  o.directory,
                  "a folder that can be created and written");
    if (Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    statistics << "time,step_size,newton_iterations,linear_iterations,"
                  "indefinite_solves,negative_eigenvalues";
    for (const auto &b : boundary_dofs)
      for (const char *c : {"x", "y", "z"})
        statistics << ",reaction_" << b.first << "_" << c;
    for (const auto &name : o.probe_names)
      for (const char *c : {"x", "y", "z"})
        statistics << ",u_" << name << "_" << c;
    for (const auto &layer : run_parameters.layer_names)
      statistics << ",J_min_" << layer << ",J_max_" << layer << ",E_min_"
                 << layer << ",E_max_" << layer;
    for (const auto &layer : run_parameters.layer_names)
      statistics << ",volume_" << layer;
    for (unsigned int l = 0; l < run_parameters.layer_names.size(); ++l)
      if (run_parameters.materials[l]->is_contractile())
        statistics << ",activation_" << run_parameters.layer_names[l];
    for (const auto &surface : o.surfaces)
      statistics << ",un_mean_" << surface << ",un_min_" << surface
                 << ",un_max_" << surface;
    statistics << "\n" << std::flush;
  }


  void
  Solid::postprocess(const double time,
                     const double dt,
                     unsigned int newton_its,
                     unsigned int linear_its,
                     bool         write_fields)
  {
    TimerOutput::Scope timer_scope(timer, "output");
    ghosted                     = solution;
    const unsigned int n_layers = run_parameters.layer_names.size();

    // Per-cell averages and per-layer extremes over quadrature points.
    const unsigned int         n_cells = triangulation.n_active_cells();
    std::vector<Vector<float>> cell_fields(13, Vector<float>(n_cells));
    const char                *cell_names[13] = {"sigma_xx",
                                                 "sigma_yy",
                                                 "sigma_zz",
                                                 "sigma_xy",
                                                 "sigma_xz",
                                                 "sigma_yz",
                                                 "von_mises",
                                                 "pressure",
                                                 "J",
                                                 "E_1",
                                                 "E_2",
                                                 "E_3",
                                                 "layer"};
    Vector<float>              rank(n_cells);
    // Anisotropic layers: current direction (x, y, z) and stretch of the
    // first fibre family, F a0 / |F a0| and |F a0| averaged over the cell.
    bool any_fibres = false;
    for (const auto &m : run_parameters.materials)
      any_fibres = any_fibres || m->is_anisotropic();
    std::vector<Vector<float>> fibre_fields(any_fibres ? 4 : 0,
                                            Vector<float>(n_cells));
    // Contractile layers: activation and active Cauchy fibre stress
    // tau_a / J, cell averages.
    bool any_active = false;
    for (const auto &m : run_parameters.materials)
      any_active = any_active || m->is_contractile();
    std::vector<Vector<float>> active_fields(any_active ? 2 : 0,
                                             Vector<float>(n_cells));
    std::vector<double> J_min(n_layers, 1e300), J_max(n_layers, -1e300),
      E_min(n_layers, 1e300), E_max(n_layers, -1e300),
      layer_volume(n_layers, 0.0);

    FEValues<3> fv(mapping,
                   fe,
                   quadrature,
                   update_values | update_gradients | update_JxW_values |
                     update_quadrature_points);
    CellState   s;
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        fv.reinit(cell);
        evaluate_cell(
          cell, fv, ghosted, local_fields, s, nullptr, nullptr, time);
        AssertThrow(!s.inverted, ExcMessage("inverted element in output"));
        const unsigned int  l      = cell->material_id();
        const unsigned int  c      = cell->active_cell_index();
        double              volume = 0;
        std::vector<double> sum(12, 0.0);
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          {
            const SymmetricTensor<2, 3> sigma = s.tau[q] / s.J[q];
            const SymmetricTensor<2, 3> E =
              0.5 * (symmetrize(transpose(s.F[q]) * s.F[q]) -
                     unit_symmetric_tensor<3>());
            const auto   e        = eigenvalues(E); // descending
            const double JxW      = fv.JxW(q);
            const double vm       = std::sqrt(1.5) * deviator(sigma).norm();
            const double vals[12] = {sigma[0][0],
                                     sigma[1][1],
                                     sigma[2][2],
                                     sigma[0][1],
                                     sigma[0][2],
                                     sigma[1][2],
                                     vm,
                                     -trace(sigma) / 3.0,
                                     s.J[q],
                                     e[0],
                                     e[1],
                                     e[2]};
            for (unsigned int k = 0; k < 12; ++k)
              sum[k] += vals[k] * JxW;
            volume += JxW;
            layer_volume[l] += s.J[q] * JxW;
            J_min[l] = std::min(J_min[l], s.J[q]);
            J_max[l] = std::max(J_max[l], s.J[q]);
            E_min[l] = std::min(E_min[l], e[2]);
            E_max[l] = std::max(E_max[l], e[0]);
          }
        for (unsigned int k = 0; k < 12; ++k)
          cell_fields[k][c] = sum[k] / volume;
        const Material &material = *run_parameters.materials[l];
        if (any_fibres && material.is_anisotropic())
          {
            Tensor<1, 3> direction;
            double       stretch = 0;
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                const Tensor<1, 3> a = s.F[q] * cell_fibres[c][0];
                direction += a / a.norm() * fv.JxW(q);
                stretch += a.norm() * fv.JxW(q);
              }
            direction /= direction.norm();
            for (unsigned int d = 0; d < 3; ++d)
              fibre_fields[d][c] = direction[d];
            fibre_fields[3][c] = stretch / volume;
          }
        if (any_active && material.is_contractile())
          {
            double        stress = 0;
            MaterialInput in; // output at history_time: the last rate
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                if (!fibre_history[c].empty())
                  {
                    in.fibre_stretch_old = fibre_history[c][2 * q];
                    in.fibre_rate_old    = fibre_history[c][2 * q + 1];
                  }
                const double lambda =
                  kinematics::isochoric_fibre_stretch(s.F[q],
                                                      cell_fibres[c][0]);
                stress +=
                  material.active_stress(lambda, time, in) / s.J[q] * fv.JxW(q);
              }
            active_fields[0][c] = material.activation(time);
            active_fields[1][c] = stress / volume;
          }
        cell_fields[12][c] = l;
        rank[c]            = cell->subdomain_id();
      }
    Utilities::MPI::sum(layer_volume, comm, layer_volume);

    // Normal displacement u . N of the surfaces asked for, over face
    // quadrature points (reference normals and areas).
    const auto         &surfaces = run_parameters.output.surfaces;
    std::vector<double> un_sum(surfaces.size(), 0.0),
      un_area(surfaces.size(), 0.0), un_min(surfaces.size(), 1e300),
      un_max(surfaces.size(), -1e300);
    if (!surfaces.empty())
      {
        FEFaceValues<3>             ffv(mapping,
                            fe,
                            face_quadrature,
                            update_values | update_normal_vectors |
                              update_JxW_values);
        std::vector<Vector<double>> u_face(face_quadrature.size(),
                                           Vector<double>(3));
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && cell->at_boundary())
            for (const unsigned int f : cell->face_indices())
              if (cell->face(f)->at_boundary())
                for (unsigned int k = 0; k < surfaces.size(); ++k)
                  if (boundaries.at(surfaces[k])
                        .count(cell->face(f)->boundary_id()))
                    {
                      ffv.reinit(cell, f);
                      ffv.get_function_values(ghosted, u_face);
                      for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                        {
                          const Tensor<1, 3> N  = ffv.normal_vector(q);
                          const double       un = u_face[q][0] * N[0] +
                                            u_face[q][1] * N[1] +
                                            u_face[q][2] * N[2];
                          un_sum[k] += un * ffv.JxW(q);
                          un_area[k] += ffv.JxW(q);
                          un_min[k] = std::min(un_min[k], un);
                          un_max[k] = std::max(un_max[k], un);
                        }
                    }
        Utilities::MPI::sum(un_sum, comm, un_sum);
        Utilities::MPI::sum(un_area, comm, un_area);
        Utilities::MPI::min(un_min, comm, un_min);
        Utilities::MPI::max(un_max, comm, un_max);
      }
    Utilities::MPI::min(J_min, comm, J_min);
    Utilities::MPI::max(J_max, comm, J_max);
    Utilities::MPI::min(E_min, comm, E_min);
    Utilities::MPI::max(E_max, comm, E_max);

    // Reaction force on each named boundary: sum of f_int - f_ext over its
    // dofs, i.e. the force the support exerts on the body (N).  The caller
    // guarantees that full_residual belongs to this state: Newton's last
    // residual evaluation is at the converged solution.
    std::vector<double> reactions;
    for (const auto &[name, dofs] : boundary_dofs)
      {
        double force[3] = {0, 0, 0};
        for (const auto dof : dofs)
          if (locally_owned.is_element(dof))
            force[owned_component[locally_owned.index_within_set(dof)]] +=
              full_residual(dof);
        for (double &f : force)
          reactions.push_back(Utilities::MPI::sum(f, comm));
      }

    // Probe displacements.
    std::vector<double> probe_values(3 * probes.size(), 0.0);
    for (unsigned int p = 0; p < probes.size(); ++p)
      if (probes[p].owned)
        {
          const Quadrature<3> q(probes[p].unit_point);
          FEValues<3>         pv(mapping, fe, q, update_values);
          pv.reinit(probes[p].cell);
          std::vector<Vector<double>> v(1, Vector<double>(3));
          pv.get_function_values(ghosted, v);
          for (unsigned int d = 0; d < 3; ++d)
            probe_values[3 * p + d] = v[0][d];
        }
    Utilities::MPI::sum(probe_values, comm, probe_values);

    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        statistics << std::setprecision(10) << time << "," << dt << ","
                   << newton_its << "," << linear_its << ","
                   << indefinite_solves << "," << negative_eigenvalues;
        for (const double r : reactions)
          statistics << "," << r;
        for (const double v : probe_values)
          statistics << "," << v;
        for (unsigned int l = 0; l < n_layers; ++l)
          statistics << "," << J_min[l] << "," << J_max[l] << "," << E_min[l]
                     << "," << E_max[l];
        for (unsigned int l = 0; l < n_layers; ++l)
          statistics << "," << layer_volume[l];
        for (unsigned int l = 0; l < n_layers; ++l)
          if (run_parameters.materials[l]->is_contractile())
            statistics << "," << run_parameters.materials[l]->activation(time);
        for (unsigned int k = 0; k < surfaces.size(); ++k)
          statistics << "," << un_sum[k] / un_area[k] << "," << un_min[k] << ","
                     << un_max[k];
        statistics << "\n" << std::flush;
      }

    if (!write_fields)
      return;
    DataOut<3> data_out;
    data_out.attach_dof_handler(dof_handler);
    std::vector<DataComponentInterpretation::DataComponentInterpretation>
      interpretation(3,
                     DataComponentInterpretation::component_is_part_of_vector);
    data_out.add_data_vector(ghosted,
                             std::vector<std::string>(3, "displacement"),
                             DataOut<3>::type_dof_data,
                             interpretation);
    for (unsigned int k = 0; k < cell_fields.size(); ++k)
      data_out.add_data_vector(cell_fields[k], cell_names[k]);
    data_out.add_data_vector(rank, "mpi_rank");
    const char *fibre_names[4] = {"fibre_x",
                                  "fibre_y",
                                  "fibre_z",
                                  "fibre_stretch"};
    for (unsigned int k = 0; k < fibre_fields.size(); ++k)
      data_out.add_data_vector(fibre_fields[k], fibre_names[k]);
    const char *active_names[2] = {"activation", "active_stress"};
    for (unsigned int k = 0; k < active_fields.size(); ++k)
      data_out.add_data_vector(active_fields[k], active_names[k]);
    data_out.build_patches(mapping, fe.degree);
    const std::string dir  = run_parameters.output.directory + "/";
    const std::string pvtu = data_out.write_vtu_with_pvtu_record(
      dir, "solution", output_counter++, comm, 5);
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        pvd_records.emplace_back(time, pvtu);
        std::ofstream pvd(dir + "solution.pvd");
        DataOutBase::write_pvd_record(pvd, pvd_records);
      }
  }
} // namespace septa
