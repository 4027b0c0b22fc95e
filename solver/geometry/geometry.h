#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <deal.II/distributed/tria.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace septa
{
  /**
   * Builds or reads the reference mesh.  After create(): the material_id of
   * every cell is the index of its layer in layer_names(), and the boundary
   * ids of faces are those listed in boundary_names().  Coordinates are in
   * metres.
   */
  class Geometry
  {
  public:
    virtual ~Geometry() = default;

    /// Read this geometry's subsection; called before the materials are
    /// declared because layer_names() decides which material subsections
    /// exist.
    virtual void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) = 0;

    virtual void
    create(dealii::parallel::distributed::Triangulation<3> &tria) const = 0;

    /// Curved geometries: after create() and the scaling of the mesh by
    /// @p scale (mesh units to metres), attach the manifolds that place
    /// the new vertices of refined cells on the curved surfaces (called
    /// again on every rank when a run resumes).  Flat ones need none.
    virtual void
    attach_manifolds(dealii::parallel::distributed::Triangulation<3> &tria,
                     const double scale) const
    {
      (void)tria;
      (void)scale;
    }

    /// Geometries with structure finer than their coarse mesh (the septa
    /// of a cellulite patch): after attach_manifolds() and the @p
    /// global_refinements, refine around that structure if @p refine and
    /// set the layer of every cell.  A resuming run calls it with @p refine
    /// false after the checkpoint restored the refinement: the layers must
    /// come out the same.
    virtual void
    resolve(dealii::parallel::distributed::Triangulation<3> &tria,
            const double                                     scale,
            const unsigned int                               global_refinements,
            const bool                                       refine) const
    {
      (void)tria;
      (void)scale;
      (void)global_refinements;
      (void)refine;
    }

    /// A fibre direction the geometry defines at the point @p x (mesh
    /// units), e.g. in the plane of a generated septum; false if none.
    /// Used by 'Fibre field = mesh' before cell_directions().
    virtual bool
    fibre_direction(const dealii::Point<3> &x,
                    dealii::Tensor<1, 3>   &direction) const
    {
      (void)x;
      (void)direction;
      return false;
    }

    /// Layer names, indexed by material_id.
    virtual std::vector<std::string>
    layer_names() const = 0;

    /// Boundary names and the boundary ids they stand for.
    virtual std::map<std::string, std::set<dealii::types::boundary_id>>
    boundary_names() const = 0;

    /// Fibre directions the mesh file gives per cell, as (centre of the
    /// cell in mesh units, direction); empty if it gives none.  May read
    /// the file again: ask only when a layer needs them.
    virtual std::vector<std::pair<dealii::Point<3>, dealii::Tensor<1, 3>>>
    cell_directions() const
    {
      return {};
    }
  };
} // namespace septa
