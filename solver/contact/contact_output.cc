// Contact forces, areas, pressures and penetrations in statistics.csv, and
// the contact fields on the surface in the PVTU files.
#include <contact/rigid_contact.h>
#include <core/discretization.h>
#include <postprocess/postprocessor.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/numerics/data_component_interpretation.h>

namespace septa
{
  namespace
  {
    class ContactOutput : public Postprocessor
    {
    public:
      ContactOutput(const Discretization                    &d,
                    const std::vector<const RigidContact *> &contacts)
        : d(d)
        , contacts(contacts)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const auto *c : contacts)
          for (const char *q : {"force_x",
                                "force_y",
                                "force_z",
                                "area",
                                "pressure_max",
                                "pressure_mean",
                                "penetration_max",
                                "slip_area",
                                "active_set_updates",
                                "multiplier_updates"})
            names.push_back("contact_" + c->name + "_" + q);
        return names;
      }

      void
      values(const OutputContext &, std::vector<double> &v) override
      {
        for (const auto *contact : contacts)
          {
            // The points of the last assembly, which is at the converged
            // state.
            Tensor<1, 3> force;
            double area = 0, p_max = 0, p_area = 0, penetration = 0, slip = 0;
            for (const auto &[key, points] : contact->trial)
              for (const auto &r : points)
                if (r.active())
                  {
                    force -= r.traction * r.area;
                    area += r.area_current;
                    p_max = std::max(p_max, r.pressure_current);
                    p_area += r.pressure * r.area;
                    penetration = std::max(penetration, -r.gap);
                    slip += r.slip ? r.area_current : 0.0;
                  }
            for (unsigned int k = 0; k < 3; ++k)
              force[k] = Utilities::MPI::sum(force[k], d.comm);
            area        = Utilities::MPI::sum(area, d.comm);
            slip        = Utilities::MPI::sum(slip, d.comm);
            p_area      = Utilities::MPI::sum(p_area, d.comm);
            p_max       = Utilities::MPI::max(p_max, d.comm);
            penetration = Utilities::MPI::max(penetration, d.comm);
            v.insert(v.end(),
                     {force[0],
                      force[1],
                      force[2],
                      area,
                      p_max,
                      area > 0 ? p_area / area : 0.0,
                      penetration,
                      slip,
                      double(contact->set_updates),
                      double(contact->updates)});
          }
      }

      void
      add_fields(DataOut<3> &data_out) const override
      {
        // Only for the steps that write fields (values() runs every step).
        project_fields();
        using DCI = DataComponentInterpretation::DataComponentInterpretation;
        data_out.add_data_vector(
          scalars,
          std::vector<std::string>{"contact_pressure",
                                   "contact_gap",
                                   "contact_slip"},
          DataOut<3>::type_dof_data,
          std::vector<DCI>(3,
                           DataComponentInterpretation::component_is_scalar));
        data_out.add_data_vector(
          shear,
          std::vector<std::string>(3, "contact_shear"),
          DataOut<3>::type_dof_data,
          std::vector<DCI>(
            3, DataComponentInterpretation::component_is_part_of_vector));
      }

      void
      mesh_changed() override
      {
        scalars.clear();
        shear.clear();
      }

    private:
      /// Nodal values on the contact surfaces: sum_q phi_i f_q w_q /
      /// sum_q phi_i w_q (positive weights for Lagrange elements), the three
      /// scalars in the three components of a displacement-like vector.
      void
      project_fields() const
      {
        PETScWrappers::MPI::Vector num_s(d.locally_owned, d.comm),
          num_t(d.locally_owned, d.comm), weight(d.locally_owned, d.comm);
        FEFaceValues<3>                      fv(d.mapping,
                           d.fe,
                           d.face_quadrature,
                           update_values | update_JxW_values);
        const unsigned int                   n  = d.fe.n_dofs_per_cell();
        const unsigned int                   nq = d.face_quadrature.size();
        std::vector<types::global_dof_index> dofs(n);
        Vector<double>                       ls(n), lt(n), lw(n);
        for (const auto &cell : d.dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && cell->at_boundary())
            for (const auto f : cell->face_indices())
              {
                if (!cell->face(f)->at_boundary())
                  continue;
                const unsigned int  key = cell->face(f)->index();
                std::vector<double> pressure(nq, 0.0), gap(nq, 1e300),
                  slip(nq, 0.0);
                std::vector<Tensor<1, 3>> t(nq);
                bool                      any = false;
                for (const auto *contact : contacts)
                  {
                    const auto it = contact->trial.find(key);
                    if (it == contact->trial.end() || it->second.size() != nq)
                      continue;
                    any = true;
                    for (unsigned int q = 0; q < nq; ++q)
                      {
                        const auto &r = it->second[q];
                        pressure[q] += r.pressure_current;
                        gap[q]  = std::min(gap[q], r.gap);
                        slip[q] = std::max(slip[q], r.slip ? 1.0 : 0.0);
                        t[q] += r.shear_current;
                      }
                  }
                if (!any)
                  continue;
                fv.reinit(cell, f);
                cell->get_dof_indices(dofs);
                ls = 0;
                lt = 0;
                lw = 0;
                for (unsigned int i = 0; i < n; ++i)
                  {
                    const unsigned int c =
                      d.fe.system_to_component_index(i).first;
                    for (unsigned int q = 0; q < nq; ++q)
                      {
                        const double w = fv.shape_value(i, q) * fv.JxW(q);
                        const double s =
                          c == 0 ? pressure[q] : (c == 1 ? gap[q] : slip[q]);
                        ls(i) += w * s;
                        lt(i) += w * t[q][c];
                        lw(i) += w;
                      }
                  }
                num_s.add(dofs, ls);
                num_t.add(dofs, lt);
                weight.add(dofs, lw);
              }
        num_s.compress(VectorOperation::add);
        num_t.compress(VectorOperation::add);
        weight.compress(VectorOperation::add);
        for (const auto i : d.locally_owned)
          if (weight(i) > 0)
            {
              num_s(i) = num_s(i) / weight(i);
              num_t(i) = num_t(i) / weight(i);
            }
        num_s.compress(VectorOperation::insert);
        num_t.compress(VectorOperation::insert);
        scalars.reinit(d.locally_owned, d.locally_relevant, d.comm);
        shear.reinit(d.locally_owned, d.locally_relevant, d.comm);
        scalars = num_s;
        shear   = num_t;
      }

      const Discretization             &d;
      std::vector<const RigidContact *> contacts;
      /// Filled by add_fields(), kept until the writer is done with them.
      mutable PETScWrappers::MPI::Vector scalars, shear;
    };
  } // namespace


  std::unique_ptr<Postprocessor>
  make_contact_output(const Discretization                    &d,
                      const std::vector<const RigidContact *> &contacts)
  {
    return std::make_unique<ContactOutput>(d, contacts);
  }
} // namespace septa
