#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <deal.II/distributed/tria.h>

#include <array>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace septa
{
  /**
   * Where a point sits in the layer that carries the septa: its depth s
   * below the layer's top surface (mesh units), the outward unit normal n
   * of the surface of constant depth through it, and the normal distance
   * per unit of depth there (1 for a flat layer; below 1 where the depth
   * is an offset along a direction that is not the normal).
   */
  struct LayerFrame
  {
    double               depth = 0;
    dealii::Tensor<1, 3> normal;
    double               rate = 1;
  };

  /**
   * A network of fibrous septa around seeded fat lobules, in a layer of
   * thickness H, shared by the geometries that carry one (the cellulite
   * patch; a patch in the buttock's fat).
   *
   * The lobules are the cells of a power (Laguerre) diagram of seeds c_i
   * on the layer's top surface, laid out on a jittered grid of spacing
   * 'Lobule size' d: a point x at depth s belongs to the lobule i that
   * minimises |x - c_i|^2 - w_i(s), with w_i = +-s d tan(alpha), the sign
   * alternating like a chessboard.  The wall between neighbours i and j
   * then lies at the distance (w_i - w_j) / (2 |c_i - c_j|) = s tan(alpha)
   * (on a flat square grid) from their bisector: every septum leans by
   * alpha from the surface normal, towards the lobule that narrows with
   * depth, and neighbouring septa lean in opposite directions, so that in
   * a section they cross like the oblique bands under dimples (Whipple et
   * al. 2021, ultrasound of 173 dimples: 84 % oblique), and alpha = 0 gives
   * the upright chambers of the female pattern (Nurnberger & Muller 1978,
   * J Dermatol Surg Oncol 4:221).  On a curved layer the bisector planes of
   * seeds on its surface pass close to the centre of curvature: the walls
   * stay close to normal to the surface.  Each septum is 'Septa thickness'
   * thick normal to its plane; a sheet of 'Fascia thickness' at the deep
   * side (the superficial fascia) anchors them; within 'Released radius'
   * of the release axis the septa (not the fascia) are cut, as a subcision
   * would.
   */
  class SeptaNetwork
  {
  public:
    /// Default lengths in mesh units: lobule size, septa and fascia
    /// thickness.
    static void
    declare_parameters(dealii::ParameterHandler &prm,
                       const std::string        &default_size,
                       const std::string        &default_thickness,
                       const std::string        &default_fascia);

    /**
     * Index of the layer @p name ('Septa layer') among @p names from @p
     * first on, after checking that no layer is called 'septa' (the septa
     * form that layer; @p layer_names is the 'Layer names' entry as given).
     * Refused otherwise: @p allowed says which layers may carry septa; the
     * message lists them.
     */
    static unsigned int
    layer_index(const std::vector<std::string> &names,
                const std::string              &name,
                unsigned int                    first,
                const std::string              &layer_names,
                const std::string              &where,
                const std::string              &allowed);

    /// Read and check the entries for a layer @p layer_thickness thick.
    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where,
                     double                    layer_thickness);

    /**
     * Seeds on a grid over a rectangle @p size (mesh units) of the top
     * surface, round(L / d) along each side, each moved at random by up to
     * 'Lobule jitter' of the spacing; @p surface maps the rectangle's
     * coordinates (a, b), centred on 0, to the point of the surface.
     */
    void
    place_seeds(const std::array<double, 2>                           &size,
                const std::function<dealii::Point<3>(double, double)> &surface);

    /// The axis the release cuts around: through @p point along @p
    /// direction (unit).
    void
    set_release_axis(const dealii::Point<3>     &point,
                     const dealii::Tensor<1, 3> &direction);

    /// Signed distance of x from the boundary of the septa (negative
    /// inside, including the fascia), normal to the walls; a lower bound
    /// of the true distance where the walls are flat.
    double
    distance(const dealii::Point<3> &x, const LayerFrame &frame) const;

    /// If x lies in the septa (distance() < 0): true, and in @p direction
    /// the fibre direction there: down its septum (in the septum's plane,
    /// normal to the septum's edge along the surface, pointing away from the
    /// top), or in the fascia along @p reference projected onto the
    /// fascia's plane.
    bool
    fibre_direction(const dealii::Point<3>     &x,
                    const LayerFrame           &frame,
                    const dealii::Tensor<1, 3> &reference,
                    dealii::Tensor<1, 3>       &direction) const;

    /**
     * Refine 'Septa refinement' times the locally owned active cells of the
     * layer @p septa_layer (by material id) that the boundary of the septa
     * crosses: |@p distance(centre)| below the largest distance from the
     * centre to a vertex (decided from the geometry alone, so the mesh is
     * the same on any number of ranks).  Then every cell up to the finest
     * level that refinement can reach whose coarse cell create() put into
     * @p septa_layer gets @p septa_id where @p distance(centre) < 0; deeper
     * cells (refined during a run) keep their parent's.  With @p refine
     * false (a resumed run) only the layers are set.  @p distance takes and
     * returns mesh units, the triangulation is in metres (@p scale).
     * Prints the number of active cells per level after @p description.
     */
    void
    resolve(dealii::parallel::distributed::Triangulation<3> &tria,
            double                                           scale,
            unsigned int                                     global_refinements,
            bool                                             refine,
            unsigned int                                     septa_layer,
            unsigned int                                     septa_id,
            const std::function<double(const dealii::Point<3> &)> &distance,
            const std::string &description) const;

    /// What the network is, for the log: lobules, thickness, angle, fascia.
    std::string
    summary() const;

    std::size_t
    n_lobules() const
    {
      return seeds.size();
    }

  private:
    struct Seed
    {
      dealii::Point<3> centre;
      double           lean = 0; // w_i / s: the weight grows with depth s
    };

    /// The wall nearest to x within its lobule: its distance (normal to
    /// its plane) and unit normal, outward from the lobule.
    struct Wall
    {
      double               distance = std::numeric_limits<double>::max();
      dealii::Tensor<1, 3> normal;
    };

    Wall
    nearest_wall(const dealii::Point<3> &x, const LayerFrame &frame) const;

    /// distance() with the nearest wall already found.
    double
    distance(const dealii::Point<3> &x,
             const LayerFrame       &frame,
             const Wall             &wall) const;

    /// Signed distance from the boundary of the fascia sheet.
    double
    fascia_distance(const LayerFrame &frame) const;

    double                      layer_thickness = 0;
    double                      size = 0, jitter = 0, thickness = 0;
    double                      angle = 0, fascia = 0, released = 0;
    unsigned int                seed = 1, refinement = 0;
    std::array<unsigned int, 2> grid{{1, 1}};
    dealii::Point<3>            release_point;
    dealii::Tensor<1, 3>        release_direction;
    std::vector<Seed>           seeds;
  };
} // namespace septa
