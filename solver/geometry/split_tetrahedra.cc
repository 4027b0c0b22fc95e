#include <geometry/split_tetrahedra.h>

#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/reference_cell.h>

#include <algorithm>
#include <map>

namespace septa
{
  using namespace dealii;

  void
  split_tetrahedra(const Triangulation<3> &tets, Triangulation<3> &hexes)
  {
    std::vector<Point<3>> vertices = tets.get_vertices();
    // New vertices by the sorted corner indices they are the mean of, so
    // that the cells beside an edge or a face share them.
    std::map<std::vector<unsigned int>, unsigned int> centres;
    const auto centre = [&](std::vector<unsigned int> corners) {
      std::sort(corners.begin(), corners.end());
      const auto found = centres.find(corners);
      if (found != centres.end())
        return found->second;
      Point<3> x;
      for (const unsigned int c : corners)
        x += vertices[c] / static_cast<double>(corners.size());
      vertices.push_back(x);
      const auto index = static_cast<unsigned int>(vertices.size() - 1);
      centres.emplace(corners, index);
      return index;
    };

    std::vector<CellData<3>> cells;
    SubCellData              boundary;
    for (const auto &cell : tets.active_cell_iterators())
      {
        AssertThrow(cell->reference_cell() == ReferenceCells::Tetrahedron,
                    ExcMessage("split_tetrahedra: a cell is not a "
                               "tetrahedron"));
        unsigned int v[4];
        for (unsigned int i = 0; i < 4; ++i)
          v[i] = cell->vertex_index(i);
        const unsigned int middle = centre({v[0], v[1], v[2], v[3]});
        for (unsigned int i = 0; i < 4; ++i)
          {
            // The corner's hexahedron with its axes along the three edges
            // from it, vertices in deal.II's lexicographic order.
            // Right-handed axes: a tetrahedron's corners alternate in
            // orientation, so half of them swap two axes.
            const unsigned int a = v[i], l = v[(i + 3) % 4];
            unsigned int       j = v[(i + 1) % 4], k = v[(i + 2) % 4];
            const Tensor<1, 3> ej = vertices[j] - vertices[a],
                               ek = vertices[k] - vertices[a],
                               el = vertices[l] - vertices[a];
            if (cross_product_3d(ej, ek) * el < 0)
              std::swap(j, k);
            CellData<3> hex;
            hex.vertices    = {a,
                               centre({a, j}),
                               centre({a, k}),
                               centre({a, j, k}),
                               centre({a, l}),
                               centre({a, j, l}),
                               centre({a, k, l}),
                               middle};
            hex.material_id = cell->material_id();
            cells.push_back(hex);
          }
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary())
            {
              unsigned int w[3];
              for (unsigned int i = 0; i < 3; ++i)
                w[i] = cell->face(f)->vertex_index(i);
              for (unsigned int i = 0; i < 3; ++i)
                {
                  const unsigned int a = w[i], b = w[(i + 1) % 3],
                                     c = w[(i + 2) % 3];
                  CellData<2> quad;
                  quad.vertices    = {a,
                                      centre({a, b}),
                                      centre({a, c}),
                                      centre({a, b, c})};
                  quad.boundary_id = cell->face(f)->boundary_id();
                  boundary.boundary_quads.push_back(quad);
                }
            }
      }
    GridTools::consistently_order_cells(cells);
    hexes.create_triangulation(vertices, cells, boundary);
  }
} // namespace septa
