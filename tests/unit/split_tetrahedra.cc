// split_tetrahedra() on tetrahedral meshes of a box, one regular and one
// with randomly moved interior vertices:
//  - four hexahedra per tetrahedron with its material id;
//  - the box's volume (a hexahedron with planar faces, as these are, has
//    the volume of its flat-faced solid; the split fills the tetrahedron);
//  - a valid mesh: the Jacobian determinant of the trilinear map positive
//    at every vertex of every hexahedron;
//  - conforming: one new vertex per edge, face and cell of the tetrahedral
//    mesh (V + E + F + C vertices; a non-conforming split would duplicate
//    the ones on shared edges and faces);
//  - every boundary id's area kept (three quadrilaterals per triangle) and
//    no other boundary (a face without its neighbour would add area).
#include <geometry/split_tetrahedra.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>

#include "unit_check.h"

#include <map>

using namespace dealii;
using namespace septa;
using unit::expect;
using unit::num;
using unit::within;

namespace
{
  /// Smallest Jacobian determinant over the vertices of the hexahedra,
  /// relative to the cell's measure.
  double
  min_vertex_jacobian(const Triangulation<3> &tria)
  {
    double worst = 1e300;
    for (const auto &cell : tria.active_cell_iterators())
      for (unsigned int v = 0; v < 8; ++v)
        {
          Tensor<2, 3> J;
          for (unsigned int d = 0; d < 3; ++d)
            {
              const unsigned int n    = v ^ (1u << d);
              const double       sign = (v >> d) & 1 ? -1 : 1;
              const auto         e = sign * (cell->vertex(n) - cell->vertex(v));
              for (unsigned int i = 0; i < 3; ++i)
                J[i][d] = e[i];
            }
          worst = std::min(worst, determinant(J) / cell->measure());
        }
    return worst;
  }

  /// Boundary ids 0-5 by side of the box [0, p] (deal.II 9.4 does not
  /// colorize simplex boxes).
  void
  colorize(Triangulation<3> &tets, const Point<3> &p)
  {
    for (const auto &cell : tets.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          {
            const auto c = cell->face(f)->center();
            for (unsigned int d = 0; d < 3; ++d)
              {
                if (std::abs(c[d]) < 1e-12)
                  cell->face(f)->set_boundary_id(2 * d);
                if (std::abs(c[d] - p[d]) < 1e-12)
                  cell->face(f)->set_boundary_id(2 * d + 1);
              }
          }
  }

  void
  check(Triangulation<3> &tets, const std::string &name)
  {
    std::cout << name << std::endl;
    unsigned int material = 0;
    for (const auto &cell : tets.active_cell_iterators())
      cell->set_material_id(material++ % 3);
    std::map<types::boundary_id, double> area_before, area_after;
    for (const auto &cell : tets.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          area_before[cell->face(f)->boundary_id()] += cell->face(f)->measure();

    Triangulation<3> hexes;
    split_tetrahedra(tets, hexes);

    expect(hexes.n_active_cells() == 4 * tets.n_active_cells(),
           std::to_string(hexes.n_active_cells()) + " hexahedra from " +
             std::to_string(tets.n_active_cells()) + " tetrahedra");
    bool kept = true;
    auto hex  = hexes.begin_active();
    for (const auto &cell : tets.active_cell_iterators())
      for (unsigned int i = 0; i < 4; ++i, ++hex)
        kept = kept && hex->material_id() == cell->material_id() &&
               hex->center().distance(cell->center()) <
                 cell->diameter(); // the i-th hexahedron of this tetrahedron
    expect(kept, "each hexahedron has its tetrahedron's material id");
    double volume = 0, tet_volume = 0;
    for (const auto &cell : hexes.active_cell_iterators())
      volume += cell->measure();
    for (const auto &cell : tets.active_cell_iterators())
      tet_volume += cell->measure();
    expect(within(std::abs(volume - tet_volume), 1e-12),
           "volume " + num(volume) + " = the tetrahedra's " + num(tet_volume));
    const double jacobian = min_vertex_jacobian(hexes);
    expect(jacobian > 0,
           "smallest vertex Jacobian / cell measure: " + num(jacobian));
    const unsigned int expected = tets.n_vertices() + tets.n_lines() +
                                  tets.n_faces() + tets.n_active_cells();
    expect(hexes.n_vertices() == expected,
           std::to_string(hexes.n_vertices()) +
             " vertices = V + E + F + C = " + std::to_string(expected));
    for (const auto &cell : hexes.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          area_after[cell->face(f)->boundary_id()] += cell->face(f)->measure();
    for (const auto &[id, area] : area_before)
      expect(within(std::abs(area_after[id] - area), 1e-12),
             "boundary " + std::to_string(id) + ": area " +
               num(area_after[id]) + " against " + num(area));
    expect(area_after.size() == area_before.size(), "no new boundary ids");
  }
} // namespace


int
main()
{
  {
    Triangulation<3> tets;
    GridGenerator::subdivided_hyper_rectangle_with_simplices(tets,
                                                             {3, 2, 2},
                                                             Point<3>(0, 0, 0),
                                                             Point<3>(3, 2, 1));
    colorize(tets, Point<3>(3, 2, 1));
    check(tets, "box of 3 x 2 x 2 cubes, 5 tetrahedra each");
  }
  {
    Triangulation<3> tets;
    GridGenerator::subdivided_hyper_rectangle_with_simplices(tets,
                                                             {4, 4, 4},
                                                             Point<3>(0, 0, 0),
                                                             Point<3>(1, 1, 1));
    colorize(tets, Point<3>(1, 1, 1));
    // Interior vertices moved by up to 20 % of the edge (the seed of
    // distort_random is fixed), boundary ones kept.
    GridTools::distort_random(0.2, tets, true);
    check(tets, "unit cube of 4^3 cubes with interior vertices moved");
  }
  return unit::finish();
}
