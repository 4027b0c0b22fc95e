#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>
#include <geometry/layer_stack.h>
#include <geometry/septa_network.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>

namespace septa
{
  using namespace dealii;

  /**
   * A patch of skin over fat over muscle whose fat ('Septa layer') carries
   * a network of fibrous septa around seeded lobules (SeptaNetwork: a power
   * diagram of seeds on a jittered grid over the whole footprint, septa
   * upright or leaning, a fascia sheet at the deep side, a release around
   * the vertical axis through the centre), resolved by adaptive
   * refinement.  Cells whose centre lies in a septum or the fascia get the
   * extra layer 'septa'.
   *
   * The coarse mesh is a block like the 'layered block'; resolve() refines
   * 'Septa refinement' times the cells that the boundary of a septum
   * crosses (decided from the geometry alone, so the mesh is the same on
   * any number of ranks) and sets the layers.  Boundaries as the layered
   * block: 'bone' (z = 0), 'skin', 'x-', 'x+', 'y-', 'y+', 'lateral'.
   */
  class CellulitePatch : public Geometry
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      LayerStack::declare_parameters(prm,
                                     "muscle, fat, skin",
                                     "0.01, 0.015, 0.0015",
                                     "2, 3, 1",
                                     "Layer names from the bone side up to "
                                     "the skin; 'Septa layer' carries the "
                                     "septa, which form the extra layer "
                                     "'septa'.",
                                     2);
      Footprint::declare_parameters(prm);
      prm.declare_entry("Septa layer",
                        "fat",
                        Patterns::Anything(),
                        "The layer (one of 'Layer names') the lobules fill.");
      SeptaNetwork::declare_parameters(prm, "0.01", "0.0005", "0.0005");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      layers.parse_parameters(prm, where);
      footprint.parse_parameters(prm, where);

      septa_layer = SeptaNetwork::layer_index(layers.names,
                                              prm.get("Septa layer"),
                                              0,
                                              prm.get("Layer names"),
                                              where,
                                              "one of 'Layer names'");
      bottom      = std::accumulate(layers.thicknesses.begin(),
                               layers.thicknesses.begin() + septa_layer,
                               0.0);
      top         = bottom + layers.thicknesses[septa_layer];

      network.parse_parameters(prm, where, top - bottom);
      network.place_seeds({{footprint.size[0], footprint.size[1]}},
                          [this](const double a, const double b) {
                            return Point<3>(a, b, top);
                          });
      network.set_release_axis(Point<3>(0, 0, top), Tensor<1, 3>({0, 0, 1}));
    }

    void
    create(parallel::distributed::Triangulation<3> &tria) const override
    {
      // The septa come with resolve().
      create_layered_block(tria, layers, footprint, {{1, 1, 1}}, true);
    }

    void
    resolve(parallel::distributed::Triangulation<3> &tria,
            const double                             scale,
            const unsigned int                       global_refinements,
            const bool                               refine) const override
    {
      network.resolve(
        tria,
        scale,
        global_refinements,
        refine,
        septa_layer,
        layers.names.size(),
        [this](const Point<3> &x) { return network.distance(x, frame(x)); },
        "Septa network: ");
    }

    bool
    fibre_direction(const Point<3> &x, Tensor<1, 3> &direction) const override
    {
      return layers.layer_at(x[2]) == septa_layer &&
             network.fibre_direction(x,
                                     frame(x),
                                     Tensor<1, 3>({1, 0, 0}),
                                     direction);
    }

    std::vector<std::string>
    layer_names() const override
    {
      auto names = layers.names;
      names.push_back("septa");
      return names;
    }

    std::map<std::string, std::set<types::boundary_id>>
    boundary_names() const override
    {
      return Footprint::boundary_names();
    }

  private:
    /// Depth below the top of the septa layer, normal +z.
    LayerFrame
    frame(const Point<3> &x) const
    {
      LayerFrame f;
      f.depth  = top - x[2];
      f.normal = Tensor<1, 3>({0, 0, 1});
      return f;
    }

    LayerStack   layers;
    Footprint    footprint;
    SeptaNetwork network;
    unsigned int septa_layer = 0;
    double       bottom = 0, top = 0;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        CellulitePatch,
                        "cellulite patch",
                        "skin over fat over muscle; the fat holds fibrous "
                        "septa around seeded lobules, upright or oblique, "
                        "resolved by adaptive refinement.")
} // namespace septa
