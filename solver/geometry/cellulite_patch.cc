#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>
#include <geometry/layer_stack.h>

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
   * A patch of skin over fat over muscle whose fat carries a network of
   * fibrous septa around seeded lobules, resolved by adaptive refinement.
   *
   * The lobules are the cells of a power (Laguerre) diagram in the plane of
   * the skin whose seeds sit on a jittered grid of spacing 'Lobule size' d:
   * at the depth s below the dermis, a point x belongs to the lobule i that
   * minimises |x - c_i|^2 - w_i(s), with w_i = +-s d tan(alpha), the sign
   * alternating like a chessboard.  The wall between neighbours i and j
   * then lies at the distance (w_i - w_j) / (2 |c_i - c_j|) = s tan(alpha)
   * (on a square grid) from their bisector: every septum leans by alpha
   * from the skin normal, towards the lobule that narrows with depth, and
   * neighbouring septa lean in opposite directions, so that in a section
   * they cross like the oblique bands under dimples (Whipple et al. 2021,
   * ultrasound of 173 dimples: 84 % oblique) and alpha = 0 gives the upright
   * chambers of the female pattern (Nurnberger & Muller 1978, J Dermatol Surg
   * Oncol 4:221).  Each septum is 'Septa thickness' thick normal to its plane;
   * a sheet of 'Fascia thickness' at the deep side of the fat (the
   * superficial fascia) anchors them.  Cells whose centre lies in a septum
   * or the fascia get the extra layer 'septa'; within 'Released radius' of
   * the vertical axis through the centre the septa (not the fascia) are
   * cut, as a subcision would.
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
      prm.declare_entry("Lobule size",
                        "0.01",
                        Patterns::Double(),
                        "Spacing d of the lobule seeds in mesh units (> 0): "
                        "round(L / d) lobules along each side.  Gluteal "
                        "cadaver slices show 7.5 (women) to 10 (men) "
                        "subdermal lobules per slice (Rudolph et al. 2019).");
      prm.declare_entry("Lobule jitter",
                        "0.3",
                        Patterns::Double(0, 0.5),
                        "Random shift of each seed from its grid point, as "
                        "a fraction of the spacing (0: square lobules; at "
                        "most 0.5).");
      prm.declare_entry("Seed",
                        "1",
                        Patterns::Integer(0),
                        "Seed of the random jitter: the same seed gives the "
                        "same network.");
      prm.declare_entry("Septa thickness",
                        "0.0005",
                        Patterns::Double(),
                        "Thickness of each septum, normal to its plane, in "
                        "mesh units (> 0, below the lobule size).");
      prm.declare_entry(
        "Septa angle",
        "0",
        Patterns::Double(0, 60),
        "Lean of the septa from the skin normal in degrees: 0 is the "
        "upright female pattern; larger angles the oblique, criss-crossing "
        "male pattern (0 to 60; the lobules narrowing with depth must "
        "reach the fascia: fat thickness * tan(angle) < size / 2).");
      prm.declare_entry("Fascia thickness",
                        "0.0005",
                        Patterns::Double(0),
                        "Thickness of the septa sheet at the deep side of "
                        "the septa layer (the superficial fascia), in mesh "
                        "units; 0: none.");
      prm.declare_entry("Released radius",
                        "0",
                        Patterns::Double(0),
                        "Septa within this distance of the vertical axis "
                        "through the centre are cut (a subcision); 0: "
                        "none.");
      prm.declare_entry("Septa refinement",
                        "3",
                        Patterns::Integer(0, 8),
                        "Times the cells crossed by the boundary of a "
                        "septum are refined (0 to 8); each halves the "
                        "cells there.  The septa are resolved once the "
                        "finest cells are thinner than the septa.");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      layers.parse_parameters(prm, where);
      footprint.parse_parameters(prm, where);

      const std::string name = prm.get("Septa layer");
      const auto it = std::find(layers.names.begin(), layers.names.end(), name);
      std::string names;
      for (const auto &n : layers.names)
        names += (names.empty() ? "" : ", ") + n;
      require_input(it != layers.names.end(),
                    where + "/Septa layer",
                    name,
                    "one of 'Layer names' (" + names + ")");
      require_input(std::find(layers.names.begin(),
                              layers.names.end(),
                              "septa") == layers.names.end(),
                    where + "/Layer names",
                    prm.get("Layer names"),
                    "names other than 'septa' (the septa are their own "
                    "layer)");
      septa_layer = it - layers.names.begin();
      bottom      = std::accumulate(layers.thicknesses.begin(),
                               layers.thicknesses.begin() + septa_layer,
                               0.0);
      top         = bottom + layers.thicknesses[septa_layer];

      size       = prm.get_double("Lobule size");
      jitter     = prm.get_double("Lobule jitter");
      seed       = prm.get_integer("Seed");
      thickness  = prm.get_double("Septa thickness");
      angle      = prm.get_double("Septa angle") * M_PI / 180;
      fascia     = prm.get_double("Fascia thickness");
      released   = prm.get_double("Released radius");
      refinement = prm.get_integer("Septa refinement");
      require_input(size > 0,
                    where + "/Lobule size",
                    prm.get("Lobule size"),
                    "a positive length");
      require_input(thickness > 0 && thickness < size,
                    where + "/Septa thickness",
                    prm.get("Septa thickness"),
                    "a length between 0 and 'Lobule size'");
      require_input(fascia < top - bottom,
                    where + "/Fascia thickness",
                    prm.get("Fascia thickness"),
                    "a length below the thickness of the septa layer");
      require_input((top - bottom) * std::tan(angle) < 0.5 * size,
                    where + "/Septa angle",
                    prm.get("Septa angle"),
                    "an angle whose tangent times the thickness of the "
                    "septa layer is below half the lobule size");

      // Seeds on a jittered grid, colours like a chessboard.
      std::mt19937                           random(seed);
      std::uniform_real_distribution<double> shift(-0.5, 0.5);
      for (unsigned int d = 0; d < 2; ++d)
        {
          grid[d]    = std::max(1L, std::lround(footprint.size[d] / size));
          spacing[d] = footprint.size[d] / grid[d];
        }
      const double lean = 0.5 * (spacing[0] + spacing[1]) * std::tan(angle);
      seeds.clear();
      for (unsigned int j = 0; j < grid[1]; ++j)
        for (unsigned int i = 0; i < grid[0]; ++i)
          {
            Seed s;
            for (unsigned int d = 0; d < 2; ++d)
              s.centre[d] = -0.5 * footprint.size[d] +
                            ((d == 0 ? i : j) + 0.5) * spacing[d];
            s.centre[0] += jitter * spacing[0] * shift(random);
            s.centre[1] += jitter * spacing[1] * shift(random);
            s.lean = (i + j) % 2 == 0 ? lean : -lean;
            seeds.push_back(s);
          }
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
      const unsigned int finest = global_refinements + refinement;
      if (refine)
        for (unsigned int r = 0; r < refinement; ++r)
          {
            for (const auto &cell : tria.active_cell_iterators())
              if (cell->is_locally_owned() && crossed(cell, scale))
                cell->set_refine_flag();
            tria.execute_coarsening_and_refinement();
          }

      // Every cell up to the finest level the refinement above can reach
      // gets its layer from its centre; deeper ones (refined during a run)
      // keep their parent's, as deal.II gives them.  The same rule when a
      // run resumes gives the same layers.
      std::function<void(const Triangulation<3>::cell_iterator &)> assign =
        [&](const Triangulation<3>::cell_iterator &cell) {
          if (static_cast<unsigned int>(cell->level()) <= finest)
            cell->set_material_id(layer_of(cell->center() / scale));
          else
            cell->set_material_id(cell->parent()->material_id());
          if (cell->has_children())
            for (unsigned int c = 0; c < cell->n_children(); ++c)
              assign(cell->child(c));
        };
      for (const auto &cell : tria.cell_iterators_on_level(0))
        assign(cell);

      // What the network is and how finely it is resolved.
      std::vector<unsigned int> per_level(tria.n_global_levels(), 0);
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          ++per_level[cell->level()];
      const MPI_Comm comm = tria.get_communicator();
      Utilities::MPI::sum(per_level, comm, per_level);
      ConditionalOStream out(std::cout,
                             Utilities::MPI::this_mpi_process(comm) == 0);
      out << "Septa network: " << seeds.size() << " lobules (" << grid[0]
          << " x " << grid[1] << "), septa " << thickness << " thick at "
          << angle * 180 / M_PI << " deg, fascia " << fascia
          << "; active cells per level:";
      for (unsigned int l = 0; l < per_level.size(); ++l)
        out << ' ' << l << ": " << per_level[l];
      out << std::endl;
    }

    bool
    fibre_direction(const Point<3> &x, Tensor<1, 3> &direction) const override
    {
      if (layer_of(x) != layers.names.size())
        return false;
      const Septum s = nearest_septum(x);
      if (fascia > 0 && fascia_distance(x) <= s.distance - 0.5 * thickness)
        {
          // In the fascia: along its plane.
          direction = Tensor<1, 3>({1, 0, 0});
          return true;
        }
      // Down the septum, from the dermis towards the fascia: in its plane,
      // normal to its horizontal edge.
      const Tensor<1, 3> along({-s.normal[1], s.normal[0], 0});
      direction = cross_product_3d(s.normal, along);
      direction /= direction.norm();
      if (direction[2] > 0)
        direction = -direction;
      return true;
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
    struct Seed
    {
      Point<2> centre;
      double   lean = 0; // w_i / s: the weight grows with depth s
    };

    /// The septum nearest to x within its lobule: its distance (normal to
    /// its plane) and unit normal.
    struct Septum
    {
      double       distance = std::numeric_limits<double>::max();
      Tensor<1, 3> normal;
    };

    Septum
    nearest_septum(const Point<3> &x) const
    {
      const double   s = top - x[2];
      const Point<2> p(x[0], x[1]);
      // Power distances; the lobule of x minimises them.
      std::vector<double> power(seeds.size());
      for (unsigned int i = 0; i < seeds.size(); ++i)
        power[i] = (p - seeds[i].centre).norm_square() - s * seeds[i].lean;
      const unsigned int a =
        std::min_element(power.begin(), power.end()) - power.begin();
      Septum nearest;
      for (unsigned int j = 0; j < seeds.size(); ++j)
        if (j != a)
          {
            // In the plane: (power_j - power_a) / (2 |c_a - c_j|) from the
            // wall; the wall leans by tan(beta) = (w_a - w_j) / (s 2 |c_a -
            // c_j|), so its normal distance is that times cos(beta).
            const Tensor<1, 2> e    = seeds[j].centre - seeds[a].centre;
            const double       l    = e.norm();
            const double       tanb = (seeds[a].lean - seeds[j].lean) / (2 * l);
            const double       cosb = 1 / std::sqrt(1 + tanb * tanb);
            const double distance   = (power[j] - power[a]) / (2 * l) * cosb;
            if (distance < nearest.distance)
              {
                nearest.distance = distance;
                // Outward from lobule a: the wall moves by tan(beta) per
                // unit depth along e, i.e. up (+z) by tan(beta) per unit
                // along e.
                nearest.normal =
                  Tensor<1, 3>({e[0] / l * cosb, e[1] / l * cosb, tanb * cosb});
              }
          }
      return nearest;
    }

    /// Signed distance from the boundary of the septa (negative inside),
    /// within the septa layer; a lower bound of the true distance, which
    /// is what the refinement needs.
    double
    septa_distance(const Point<3> &x) const
    {
      double walls = nearest_septum(x).distance - 0.5 * thickness;
      if (released > 0)
        walls = std::max(walls, released - std::hypot(x[0], x[1]));
      if (fascia > 0)
        walls = std::min(walls, fascia_distance(x));
      return walls;
    }

    /// Signed distance from the boundary of the fascia sheet.
    double
    fascia_distance(const Point<3> &x) const
    {
      return std::abs(x[2] - bottom - 0.5 * fascia) - 0.5 * fascia;
    }

    /// Layer index of the point x (mesh units): 'septa' (the last) within
    /// the septa.
    unsigned int
    layer_of(const Point<3> &x) const
    {
      const unsigned int l = layers.layer_at(x[2]);
      if (l == septa_layer && septa_distance(x) < 0)
        return layers.names.size();
      return l;
    }

    /// Does the boundary of a septum cross this cell (in metres)?
    bool
    crossed(const Triangulation<3>::active_cell_iterator &cell,
            const double                                  scale) const
    {
      const Point<3> c = cell->center() / scale;
      if (c[2] < bottom || c[2] > top)
        return false;
      double radius = 0;
      for (const unsigned int v : cell->vertex_indices())
        radius = std::max(radius, cell->vertex(v).distance(cell->center()));
      return std::abs(septa_distance(c)) < radius / scale;
    }

    LayerStack                  layers;
    Footprint                   footprint;
    unsigned int                septa_layer = 0;
    double                      bottom = 0, top = 0;
    double                      size = 0, jitter = 0, thickness = 0;
    double                      angle = 0, fascia = 0, released = 0;
    unsigned int                seed = 1, refinement = 0;
    std::array<unsigned int, 2> grid{{1, 1}};
    std::array<double, 2>       spacing{{1, 1}};
    std::vector<Seed>           seeds;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        CellulitePatch,
                        "cellulite patch",
                        "skin over fat over muscle; the fat holds fibrous "
                        "septa around seeded lobules, upright or oblique, "
                        "resolved by adaptive refinement.")
} // namespace septa
