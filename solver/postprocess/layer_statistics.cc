// Per-layer extremes of J and of the Green-Lagrange principal strains,
// layer volumes, peak compression and von Mises stress, the volume beyond
// a compressive strain, and activations (statistics.csv), and the cell fields
// of the PVTU files: Cauchy stress, von Mises, pressure, J, principal strains,
// layer, rank, fibre direction and stretch, activation and active stress.
#include <postprocess/postprocessor.h>

#include <deal.II/fe/fe_values.h>

#include <cmath>

namespace septa
{
  namespace
  {
    class LayerStatistics : public Postprocessor
    {
    public:
      LayerStatistics(const Discretization &d, const RunParameters &run)
        : d(d)
        , run(run)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const auto &layer : run.layer_names)
          for (const char *q : {"J_min_", "J_max_", "E_min_", "E_max_"})
            names.push_back(q + layer);
        for (const auto &layer : run.layer_names)
          names.push_back("volume_" + layer);
        // Injury measures: peak compressive strain 1 - lambda_min, peak
        // von Mises stress (Pa), current volume beyond the strain threshold.
        for (const auto &layer : run.layer_names)
          for (const char *q :
               {"compression_max_", "von_mises_max_", "volume_strained_"})
            names.push_back(q + layer);
        for (unsigned int l = 0; l < run.layer_names.size(); ++l)
          if (run.materials[l]->is_contractile())
            names.push_back("activation_" + run.layer_names[l]);
        return names;
      }

      void
      values(const OutputContext &ctx, std::vector<double> &v) override
      {
        const double       time     = ctx.time;
        const unsigned int n_layers = run.layer_names.size();

        // Per-cell averages and per-layer extremes over quadrature points.
        const unsigned int n_cells = d.triangulation.n_active_cells();
        cell_fields.assign(13, Vector<float>(n_cells));
        rank.reinit(n_cells);
        // Anisotropic layers: current direction (x, y, z) and stretch of the
        // first fibre family, F a0 / |F a0| and |F a0| averaged over the cell.
        bool any_fibres = false;
        for (const auto &m : run.materials)
          any_fibres = any_fibres || m->is_anisotropic();
        fibre_fields.assign(any_fibres ? 4 : 0, Vector<float>(n_cells));
        // Contractile layers: activation and active Cauchy fibre stress
        // tau_a / J, cell averages.
        bool any_active = false;
        for (const auto &m : run.materials)
          any_active = any_active || m->is_contractile();
        active_fields.assign(any_active ? 2 : 0, Vector<float>(n_cells));
        std::vector<double> J_min(n_layers, 1e300), J_max(n_layers, -1e300),
          E_min(n_layers, 1e300), E_max(n_layers, -1e300),
          layer_volume(n_layers, 0.0), compression_max(n_layers, 0.0),
          von_mises_max(n_layers, 0.0), strained(n_layers, 0.0);
        const double threshold = run.output.strain_threshold;

        FEValues<3> fv(d.mapping,
                       d.fe,
                       d.quadrature,
                       update_values | update_gradients | update_JxW_values |
                         update_quadrature_points);
        CellState   s;
        for (const auto &cell : d.dof_handler.active_cell_iterators())
          {
            if (!cell->is_locally_owned())
              continue;
            fv.reinit(cell);
            ctx.constitutive.evaluate_cell(
              cell, fv, ctx.x.ghosted, ctx.x.local, s, nullptr, nullptr, time);
            AssertThrow(!s.inverted, ExcMessage("inverted element in output"));
            const unsigned int  l      = cell->material_id();
            const unsigned int  c      = cell->active_cell_index();
            double              volume = 0;
            std::vector<double> sum(12, 0.0);
            for (unsigned int q = 0; q < d.quadrature.size(); ++q)
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
                // Smallest principal stretch from E's smallest eigenvalue.
                const double compression =
                  1.0 - std::sqrt(std::max(1.0 + 2.0 * e[2], 0.0));
                compression_max[l] = std::max(compression_max[l], compression);
                von_mises_max[l]   = std::max(von_mises_max[l], vm);
                if (compression > threshold)
                  strained[l] += s.J[q] * JxW;
              }
            for (unsigned int k = 0; k < 12; ++k)
              cell_fields[k][c] = sum[k] / volume;
            const Material &material = *run.materials[l];
            if (any_fibres && material.is_anisotropic())
              {
                Tensor<1, 3> direction;
                double       stretch = 0;
                for (unsigned int q = 0; q < d.quadrature.size(); ++q)
                  {
                    const Tensor<1, 3> a = s.F[q] * d.cell_fibres[c][0];
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
                const auto    history = ctx.points.get(cell);
                for (unsigned int q = 0; q < d.quadrature.size(); ++q)
                  {
                    if (material.uses_fibre_velocity())
                      {
                        in.fibre_stretch_old = history[q]->fibre_stretch;
                        in.fibre_rate_old    = history[q]->fibre_rate;
                      }
                    const double lambda =
                      kinematics::isochoric_fibre_stretch(s.F[q],
                                                          d.cell_fibres[c][0]);
                    stress += material.active_stress(lambda, time, in) /
                              s.J[q] * fv.JxW(q);
                  }
                active_fields[0][c] = material.activation(time);
                active_fields[1][c] = stress / volume;
              }
            cell_fields[12][c] = l;
            rank[c]            = cell->subdomain_id();
          }
        Utilities::MPI::sum(layer_volume, d.comm, layer_volume);
        Utilities::MPI::min(J_min, d.comm, J_min);
        Utilities::MPI::max(J_max, d.comm, J_max);
        Utilities::MPI::min(E_min, d.comm, E_min);
        Utilities::MPI::max(E_max, d.comm, E_max);
        Utilities::MPI::max(compression_max, d.comm, compression_max);
        Utilities::MPI::max(von_mises_max, d.comm, von_mises_max);
        Utilities::MPI::sum(strained, d.comm, strained);
        for (unsigned int l = 0; l < n_layers; ++l)
          v.insert(v.end(), {J_min[l], J_max[l], E_min[l], E_max[l]});
        v.insert(v.end(), layer_volume.begin(), layer_volume.end());
        for (unsigned int l = 0; l < n_layers; ++l)
          v.insert(v.end(),
                   {compression_max[l], von_mises_max[l], strained[l]});
        for (unsigned int l = 0; l < n_layers; ++l)
          if (run.materials[l]->is_contractile())
            v.push_back(run.materials[l]->activation(time));
      }

      void
      add_fields(DataOut<3> &data_out) const override
      {
        const char *cell_names[13] = {"sigma_xx",
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
      }

    private:
      const Discretization      &d;
      const RunParameters       &run;
      std::vector<Vector<float>> cell_fields, fibre_fields, active_fields;
      Vector<float>              rank;
    };
  } // namespace


  std::unique_ptr<Postprocessor>
  make_layer_statistics(const Discretization &d, const RunParameters &run)
  {
    return std::make_unique<LayerStatistics>(d, run);
  }
} // namespace septa
