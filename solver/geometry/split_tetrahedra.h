#pragma once

#include <deal.II/grid/tria.h>

namespace septa
{
  /**
   * The all-hexahedral mesh of a tetrahedral one: each tetrahedron split
   * into four hexahedra, one per corner, through the midpoints of its six
   * edges, the centroids of its four faces and its own centroid (the
   * subdivision Gmsh's Mesh.SubdivisionAlgorithm = 2 makes).  Neighbouring
   * tetrahedra share edge midpoints and face centroids, so the result is
   * conforming; each hexahedron keeps its tetrahedron's material id, each
   * boundary triangle becomes three quadrilaterals with its boundary id.
   * The hexahedra are valid (positive Jacobian) wherever the tetrahedron
   * is, but not well shaped where it is flat: mesh quality carries over.
   *
   * @p tets must hold tetrahedra only, on one level (as read by GridIn);
   * @p hexes must be empty.
   */
  void
  split_tetrahedra(const dealii::Triangulation<3> &tets,
                   dealii::Triangulation<3>       &hexes);
} // namespace septa
