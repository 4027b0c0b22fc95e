// Areal roughness of a displaced surface: ISO 16610-61 Gaussian filter,
// ISO 25178-2 height parameters, depressions as connected face sets.
#include <postprocess/surface_roughness.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

namespace septa
{
  namespace
  {
    /// Buckets of a cubic grid: the points within the kernel's reach of x
    /// are in the 27 buckets around x's.
    struct Grid
    {
      double                                             h;
      std::map<std::array<long, 3>, std::vector<size_t>> buckets;

      std::array<long, 3>
      key(const dealii::Point<3> &x) const
      {
        return {{long(std::floor(x[0] / h)),
                 long(std::floor(x[1] / h)),
                 long(std::floor(x[2] / h))}};
      }
    };

    /// Union-find with path halving.
    size_t
    find(std::vector<size_t> &parent, size_t i)
    {
      while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
      return i;
    }
  } // namespace


  Roughness
  surface_roughness(const std::vector<RoughnessFace> &faces,
                    const double                      cutoff,
                    const double                      depression_depth)
  {
    std::vector<dealii::Point<3>> x;
    std::vector<double>           h, a;
    for (const auto &f : faces)
      {
        x.insert(x.end(), f.points.begin(), f.points.end());
        h.insert(h.end(), f.heights.begin(), f.heights.end());
        a.insert(a.end(), f.areas.begin(), f.areas.end());
      }
    const size_t n = x.size();

    // g(d) = exp(-pi d^2 / (alpha lambda_c)^2) = exp(-c d^2).
    const double alpha = std::sqrt(std::log(2.0) / M_PI);
    const double c     = M_PI / std::pow(alpha * cutoff, 2);
    const double reach = 1.2 * cutoff;
    Grid         grid{reach, {}};
    for (size_t i = 0; i < n; ++i)
      grid.buckets[grid.key(x[i])].push_back(i);

    std::vector<double> r(n);
    for (size_t i = 0; i < n; ++i)
      {
        const auto k   = grid.key(x[i]);
        double     num = 0, den = 0;
        for (long dx = -1; dx <= 1; ++dx)
          for (long dy = -1; dy <= 1; ++dy)
            for (long dz = -1; dz <= 1; ++dz)
              {
                const auto it =
                  grid.buckets.find({{k[0] + dx, k[1] + dy, k[2] + dz}});
                if (it == grid.buckets.end())
                  continue;
                for (const size_t j : it->second)
                  {
                    const double d2 = x[i].distance_square(x[j]);
                    if (d2 > reach * reach)
                      continue;
                    const double w = std::exp(-c * d2) * a[j];
                    num += w * h[j];
                    den += w;
                  }
              }
        r[i] = h[i] - num / den;
      }

    Roughness    out;
    const double area   = std::accumulate(a.begin(), a.end(), 0.0);
    double       lowest = 1e300, highest = -1e300;
    for (size_t i = 0; i < n; ++i)
      {
        out.Sa += std::abs(r[i]) * a[i];
        out.Sq += r[i] * r[i] * a[i];
        highest = std::max(highest, r[i]);
        lowest  = std::min(lowest, r[i]);
      }
    // The deepest point: among the points within 1e-9 of the range of r
    // of the lowest (a symmetric surface has several, whose r differ by
    // the summation order, i.e. by the number of ranks), the
    // lexicographically smallest position, so that it does not depend on
    // the order of the faces.
    const double tie   = 1e-9 * (highest - lowest);
    bool         found = false;
    for (size_t i = 0; i < n; ++i)
      if (r[i] <= lowest + tie &&
          (!found || std::lexicographical_compare(x[i].begin_raw(),
                                                  x[i].end_raw(),
                                                  out.deepest.begin_raw(),
                                                  out.deepest.end_raw())))
        {
          out.deepest = x[i];
          found       = true;
        }
    out.Sa /= area;
    out.Sq = std::sqrt(out.Sq / area);
    out.Sp = highest;
    out.Sv = -lowest;
    out.St = out.Sp + out.Sv;

    // Per face: residuals and the area-mean residual.
    out.residual.resize(faces.size());
    std::vector<bool> low(faces.size(), false);
    size_t            offset = 0;
    for (size_t f = 0; f < faces.size(); ++f)
      {
        const size_t m = faces[f].points.size();
        out.residual[f].assign(r.begin() + offset, r.begin() + offset + m);
        double sum = 0, face_area = 0;
        for (size_t q = 0; q < m; ++q)
          {
            sum += r[offset + q] * a[offset + q];
            face_area += a[offset + q];
          }
        low[f] = sum / face_area < -depression_depth;
        if (low[f])
          out.depression_area += face_area;
        offset += m;
      }

    // Depressions: faces below the threshold joined through shared
    // vertices (matched by position: the faces may come from several
    // ranks, whose vertex numbers differ).  Positions are rounded to a
    // millionth of the smallest face diagonal.
    double diagonal = 1e300;
    for (const auto &f : faces)
      diagonal = std::min(diagonal, f.vertices[0].distance(f.vertices[3]));
    const double tick = diagonal * 1e-6;
    std::map<std::tuple<long long, long long, long long>, size_t> first_face;
    std::vector<size_t> parent(faces.size());
    std::iota(parent.begin(), parent.end(), 0);
    for (size_t f = 0; f < faces.size(); ++f)
      if (low[f])
        for (const auto &v : faces[f].vertices)
          {
            const auto key          = std::make_tuple(std::llround(v[0] / tick),
                                             std::llround(v[1] / tick),
                                             std::llround(v[2] / tick));
            const auto it           = first_face.emplace(key, f).first;
            parent[find(parent, f)] = find(parent, it->second);
          }
    for (size_t f = 0; f < faces.size(); ++f)
      if (low[f] && find(parent, f) == f)
        ++out.n_depressions;
    return out;
  }
} // namespace septa
