// Roughness of the surface named in 'Output/Roughness surface' (the skin):
// Sa_, Sq_, Sp_, Sv_, St_<surface>, depressions_ and depression_area_,
// deepest_x/y/z_ (surface_roughness()), and the cell field 'roughness'.
#include <postprocess/postprocessor.h>
#include <postprocess/surface_roughness.h>

#include <deal.II/base/mpi.h>

namespace septa
{
  namespace
  {
    class RoughnessColumns : public Postprocessor
    {
    public:
      RoughnessColumns(const Discretization &d, const RunParameters &run)
        : d(d)
        , name(run.output.roughness_surface)
        , cutoff(run.output.roughness_cutoff)
        , depth(run.output.depression_depth)
      {
      }

      std::vector<std::string>
      columns() const override
      {
        std::vector<std::string> names;
        for (const char *q : {"Sa_",
                              "Sq_",
                              "Sp_",
                              "Sv_",
                              "St_",
                              "depressions_",
                              "depression_area_",
                              "deepest_x_",
                              "deepest_y_",
                              "deepest_z_"})
          names.push_back(q + name);
        return names;
      }

      void
      values(const OutputContext &c, std::vector<double> &v) override
      {
        // This rank's faces, flattened: 12 vertex coordinates, the number
        // of points, then x, y, z, height, area per point.
        std::vector<double>       mine;
        std::vector<unsigned int> owner_cell; // active index per face
        for_each_surface_face(
          d,
          c.x.ghosted,
          d.boundaries.at(name),
          [&](
            const auto &cell, unsigned int f, const auto &ffv, const auto &un) {
            for (unsigned int k = 0; k < 4; ++k)
              for (unsigned int i = 0; i < 3; ++i)
                mine.push_back(cell->face(f)->vertex(k)[i]);
            mine.push_back(un.size());
            for (unsigned int q = 0; q < un.size(); ++q)
              {
                const Point<3> &X = ffv.quadrature_point(q);
                mine.insert(mine.end(), {X[0], X[1], X[2], un[q], ffv.JxW(q)});
              }
            owner_cell.push_back(cell->active_cell_index());
          });
        // Every rank filters the whole surface (the fit reaches across
        // ranks); the faces are in rank order, this rank's at 'first'.
        const auto all   = Utilities::MPI::all_gather(d.comm, mine);
        const auto rank  = Utilities::MPI::this_mpi_process(d.comm);
        size_t     first = 0;
        std::vector<RoughnessFace> faces;
        for (unsigned int p = 0; p < all.size(); ++p)
          {
            if (p == rank)
              first = faces.size();
            const auto &a = all[p];
            for (size_t i = 0; i < a.size();)
              {
                RoughnessFace face;
                for (unsigned int k = 0; k < 4; ++k, i += 3)
                  face.vertices[k] = Point<3>(a[i], a[i + 1], a[i + 2]);
                const unsigned int m = a[i++];
                for (unsigned int q = 0; q < m; ++q, i += 5)
                  {
                    face.points.emplace_back(a[i], a[i + 1], a[i + 2]);
                    face.heights.push_back(a[i + 3]);
                    face.areas.push_back(a[i + 4]);
                  }
                faces.push_back(std::move(face));
              }
          }
        AssertThrow(!faces.empty(),
                    ExcMessage("Output/Roughness surface '" + name +
                               "' has no faces"));
        const Roughness s = surface_roughness(faces, cutoff, depth);
        v.insert(v.end(),
                 {s.Sa,
                  s.Sq,
                  s.Sp,
                  s.Sv,
                  s.St,
                  double(s.n_depressions),
                  s.depression_area,
                  s.deepest[0],
                  s.deepest[1],
                  s.deepest[2]});

        // The field: each cell under the surface carries the area mean of
        // its face's residual (a cell with two such faces, their mean).
        field.reinit(d.triangulation.n_active_cells());
        Vector<float> weight(field.size());
        for (size_t f = 0; f < owner_cell.size(); ++f)
          {
            const auto &face = faces[first + f];
            for (size_t q = 0; q < face.points.size(); ++q)
              {
                field[owner_cell[f]] +=
                  s.residual[first + f][q] * face.areas[q];
                weight[owner_cell[f]] += face.areas[q];
              }
          }
        for (unsigned int i = 0; i < field.size(); ++i)
          if (weight[i] > 0)
            field[i] /= weight[i];
      }

      void
      add_fields(DataOut<3> &data_out) const override
      {
        data_out.add_data_vector(field, "roughness");
      }

    private:
      const Discretization &d;
      const std::string     name;
      const double          cutoff, depth;
      Vector<float>         field;
    };
  } // namespace


  std::unique_ptr<Postprocessor>
  make_roughness_columns(const Discretization &d, const RunParameters &run)
  {
    return std::make_unique<RoughnessColumns>(d, run);
  }
} // namespace septa
