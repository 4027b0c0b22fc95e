#include <core/point_state.h>

#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

namespace septa
{
  namespace
  {
    constexpr unsigned int header = 4; // np, nq, ns, force-velocity

    /// Offset of isotropic child @p i of a hexahedron in its parent's unit
    /// cell (children are numbered lexicographically, x fastest).
    Point<3>
    child_offset(const unsigned int i)
    {
      return Point<3>(0.5 * (i & 1),
                      0.5 * ((i >> 1) & 1),
                      0.5 * ((i >> 2) & 1));
    }
  } // namespace


  QuadratureState::QuadratureState(const Discretization &d,
                                   const RunParameters  &run)
    : d(d)
    , run(run)
  {
    for (unsigned int l = 0; l < run.materials.size(); ++l)
      with_history = with_history || !run.viscoelasticity[l].empty() ||
                     run.materials[l]->uses_fibre_velocity();
    // Mass matrix of the pressure basis on the reference cell: the matrix
    // of every projection between a cell and its children below.
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    FullMatrix<double> M(np, np);
    for (unsigned int q = 0; q < d.quadrature.size(); ++q)
      for (unsigned int a = 0; a < np; ++a)
        for (unsigned int k = 0; k < np; ++k)
          M(a, k) += d.pressure_basis[q][a] * d.pressure_basis[q][k] *
                     d.quadrature.weight(q);
    mass_inverse.reinit(np, np);
    mass_inverse.invert(M);
  }


  void
  QuadratureState::initialize_at_rest()
  {
    storage.clear();
    const unsigned int nq = d.quadrature.size();
    for (const auto &cell : d.triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          storage.initialize(cell, nq);
          const unsigned int ns =
            run.viscoelasticity[cell->material_id()].state_size();
          for (auto &point : storage.get_data(cell))
            point->viscous.assign(ns, SymmetricTensor<2, 3>());
        }
    history_time = 0;
  }


  std::vector<std::vector<double>>
  QuadratureState::pack(const LocalFields &lf) const
  {
    const unsigned int               np = d.fe_pressure.n_dofs_per_cell();
    std::vector<std::vector<double>> packed(d.triangulation.n_active_cells());
    for (const auto &cell : d.triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto         points = storage.get_data(cell);
          const unsigned int l      = cell->material_id();
          const unsigned int ns     = run.viscoelasticity[l].state_size();
          const bool         fv     = run.materials[l]->uses_fibre_velocity();
          auto              &v      = packed[cell->active_cell_index()];
          v = {double(np), double(points.size()), double(ns), fv ? 1.0 : 0.0};
          const auto k = cell->active_cell_index() * np;
          for (unsigned int a = 0; a < np; ++a)
            v.push_back(lf.J.empty() ? 0.0 : lf.J[k + a]);
          for (unsigned int a = 0; a < np; ++a)
            v.push_back(lf.p.empty() ? 0.0 : lf.p[k + a]);
          for (const auto &point : points)
            {
              for (const auto &s : point->viscous)
                for (unsigned int i = 0; i < s.n_independent_components; ++i)
                  v.push_back(s.access_raw_entry(i));
              if (fv)
                v.insert(v.end(), {point->fibre_stretch, point->fibre_rate});
            }
        }
    return packed;
  }


  void
  QuadratureState::unpack(const std::vector<std::vector<double>> &packed,
                          LocalFields                            &lf)
  {
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    const unsigned int nq = d.quadrature.size();
    storage.clear();
    lf.J.assign(d.triangulation.n_active_cells() * np, 0.0);
    lf.p.assign(d.triangulation.n_active_cells() * np, 0.0);
    for (const auto &cell : d.triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto       &v  = packed[cell->active_cell_index()];
          const auto        l  = cell->material_id();
          const auto        ns = run.viscoelasticity[l].state_size();
          const bool        fv = run.materials[l]->uses_fibre_velocity();
          const std::size_t per_point =
            ns * SymmetricTensor<2, 3>::n_independent_components + (fv ? 2 : 0);
          AssertThrow(v.size() == header + 2 * np + nq * per_point &&
                        v[0] == np && v[1] == nq && v[2] == ns && v[3] == fv,
                      ExcMessage("quadrature-point state of a cell does not "
                                 "match its layer's model"));
          const auto k = cell->active_cell_index() * np;
          for (unsigned int a = 0; a < np; ++a)
            {
              lf.J[k + a] = v[header + a];
              lf.p[k + a] = v[header + np + a];
            }
          storage.initialize(cell, nq);
          const auto  points = storage.get_data(cell);
          std::size_t pos    = header + 2 * np;
          for (const auto &point : points)
            {
              point->viscous.assign(ns, SymmetricTensor<2, 3>());
              for (auto &s : point->viscous)
                for (unsigned int i = 0; i < s.n_independent_components; ++i)
                  s.access_raw_entry(i) = v[pos++];
              if (fv)
                {
                  point->fibre_stretch = v[pos++];
                  point->fibre_rate    = v[pos++];
                }
            }
        }
  }


  void
  QuadratureState::embed(const double      *parent,
                         const unsigned int child,
                         double            *out) const
  {
    // Child coefficients: L2 projection onto the child's P_{k-1} basis of
    // the parent's polynomial, which it represents exactly.
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    Vector<double>     b(np), c(np);
    for (unsigned int q = 0; q < d.quadrature.size(); ++q)
      {
        const Point<3> x     = d.quadrature.point(q);
        const Point<3> X     = child_offset(child) + 0.5 * Tensor<1, 3>(x);
        double         value = 0;
        for (unsigned int k = 0; k < np; ++k)
          value += parent[k] * d.fe_pressure.shape_value(k, X);
        for (unsigned int a = 0; a < np; ++a)
          b(a) += d.pressure_basis[q][a] * d.quadrature.weight(q) * value;
      }
    mass_inverse.vmult(c, b);
    std::copy(c.begin(), c.end(), out);
  }


  void
  QuadratureState::restrict_to_parent(
    const std::vector<std::vector<double>> &children,
    const std::size_t                       offset,
    double                                 *out) const
  {
    // L2 projection of the children's polynomials onto the parent's basis
    // (the children's quadrature points cover the parent's cell).
    const unsigned int np = d.fe_pressure.n_dofs_per_cell();
    Vector<double>     b(np), c(np);
    for (unsigned int child = 0; child < children.size(); ++child)
      for (unsigned int q = 0; q < d.quadrature.size(); ++q)
        {
          const Point<3> x     = d.quadrature.point(q);
          const Point<3> X     = child_offset(child) + 0.5 * Tensor<1, 3>(x);
          double         value = 0;
          for (unsigned int k = 0; k < np; ++k)
            value += children[child][offset + k] * d.pressure_basis[q][k];
          const double w = d.quadrature.weight(q) / children.size();
          for (unsigned int a = 0; a < np; ++a)
            b(a) += d.fe_pressure.shape_value(a, X) * w * value;
        }
    mass_inverse.vmult(c, b);
    std::copy(c.begin(), c.end(), out);
  }


  unsigned int
  QuadratureState::nearest(const Point<3> &x) const
  {
    unsigned int best = 0;
    for (unsigned int q = 1; q < d.quadrature.size(); ++q)
      if (x.distance(d.quadrature.point(q)) <
          x.distance(d.quadrature.point(best)))
        best = q;
    return best;
  }


  std::vector<std::vector<double>>
  QuadratureState::refine(
    const typename Triangulation<3>::cell_iterator &parent,
    const std::vector<double>                      &value) const
  {
    std::vector<std::vector<double>> children(parent->n_children(), value);
    if (value.size() < header)
      return children;
    const std::size_t np = value[0], nq = value[1];
    const std::size_t per_point = (value.size() - header - 2 * np) / nq;
    const std::size_t first     = header + 2 * np;
    for (unsigned int c = 0; c < children.size(); ++c)
      {
        embed(&value[header], c, &children[c][header]);
        embed(&value[header + np], c, &children[c][header + np]);
      }
    for (unsigned int c = 0; c < children.size(); ++c)
      for (unsigned int q = 0; q < nq; ++q)
        {
          const Point<3> x =
            child_offset(c) + 0.5 * Tensor<1, 3>(d.quadrature.point(q));
          const unsigned int from = nearest(x);
          std::copy_n(value.begin() + first + from * per_point,
                      per_point,
                      children[c].begin() + first + q * per_point);
        }
    return children;
  }


  std::vector<double>
  QuadratureState::coarsen(
    const typename Triangulation<3>::cell_iterator &parent,
    const std::vector<std::vector<double>>         &children) const
  {
    (void)parent;
    std::vector<double> value = children[0];
    if (value.size() < header)
      return value;
    const std::size_t np = value[0], nq = value[1];
    const std::size_t per_point = (value.size() - header - 2 * np) / nq;
    const std::size_t first     = header + 2 * np;
    for (unsigned int q = 0; q < nq; ++q)
      {
        const Point<3>     x = d.quadrature.point(q);
        const unsigned int c =
          (x[0] > 0.5) + 2 * (x[1] > 0.5) + 4 * (x[2] > 0.5);
        const Point<3>     in_child(2.0 * (x - child_offset(c)));
        const unsigned int from = nearest(in_child);
        std::copy_n(children[c].begin() + first + from * per_point,
                    per_point,
                    value.begin() + first + q * per_point);
      }
    return value;
  }
} // namespace septa
