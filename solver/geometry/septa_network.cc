#include <core/input_error.h>
#include <geometry/septa_network.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

namespace septa
{
  using namespace dealii;

  void
  SeptaNetwork::declare_parameters(ParameterHandler  &prm,
                                   const std::string &default_size,
                                   const std::string &default_thickness,
                                   const std::string &default_fascia)
  {
    prm.declare_entry("Lobule size",
                      default_size,
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
                      default_thickness,
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
                      default_fascia,
                      Patterns::Double(0),
                      "Thickness of the septa sheet at the deep side of "
                      "the septa layer (the superficial fascia), in mesh "
                      "units; 0: none.");
    prm.declare_entry("Released radius",
                      "0",
                      Patterns::Double(0),
                      "Septa within this distance of the release axis "
                      "(through the centre, normal to the skin) are cut "
                      "(a subcision); 0: none.");
    prm.declare_entry("Septa refinement",
                      "3",
                      Patterns::Integer(0, 8),
                      "Times the cells crossed by the boundary of a "
                      "septum are refined (0 to 8); each halves the "
                      "cells there.  The septa are resolved once the "
                      "finest cells are thinner than the septa.");
  }


  unsigned int
  SeptaNetwork::layer_index(const std::vector<std::string> &names,
                            const std::string              &name,
                            const unsigned int              first,
                            const std::string              &layer_names,
                            const std::string              &where,
                            const std::string              &allowed)
  {
    const auto  it = std::find(names.begin() + first, names.end(), name);
    std::string listed;
    for (auto n = names.begin() + first; n != names.end(); ++n)
      listed += (listed.empty() ? "" : ", ") + *n;
    require_input(it != names.end(),
                  where + "/Septa layer",
                  name,
                  allowed + " (" + listed + ")");
    require_input(std::find(names.begin(), names.end(), "septa") == names.end(),
                  where + "/Layer names",
                  layer_names,
                  "names other than 'septa' (the septa are their own layer)");
    return it - names.begin();
  }


  void
  SeptaNetwork::parse_parameters(ParameterHandler  &prm,
                                 const std::string &where,
                                 const double       layer_thickness_)
  {
    layer_thickness = layer_thickness_;
    size            = prm.get_double("Lobule size");
    jitter          = prm.get_double("Lobule jitter");
    seed            = prm.get_integer("Seed");
    thickness       = prm.get_double("Septa thickness");
    angle           = prm.get_double("Septa angle") * M_PI / 180;
    fascia          = prm.get_double("Fascia thickness");
    released        = prm.get_double("Released radius");
    refinement      = prm.get_integer("Septa refinement");
    require_input(size > 0,
                  where + "/Lobule size",
                  prm.get("Lobule size"),
                  "a positive length");
    require_input(thickness > 0 && thickness < size,
                  where + "/Septa thickness",
                  prm.get("Septa thickness"),
                  "a length between 0 and 'Lobule size'");
    require_input(fascia < layer_thickness,
                  where + "/Fascia thickness",
                  prm.get("Fascia thickness"),
                  "a length below the thickness of the septa layer");
    require_input(layer_thickness * std::tan(angle) < 0.5 * size,
                  where + "/Septa angle",
                  prm.get("Septa angle"),
                  "an angle whose tangent times the thickness of the "
                  "septa layer is below half the lobule size");
  }


  void
  SeptaNetwork::place_seeds(
    const std::array<double, 2>                   &extent,
    const std::function<Point<3>(double, double)> &surface)
  {
    // Seeds on a jittered grid, colours like a chessboard.
    std::mt19937                           random(seed);
    std::uniform_real_distribution<double> shift(-0.5, 0.5);
    std::array<double, 2>                  spacing;
    for (unsigned int d = 0; d < 2; ++d)
      {
        grid[d]    = std::max(1L, std::lround(extent[d] / size));
        spacing[d] = extent[d] / grid[d];
      }
    const double lean = 0.5 * (spacing[0] + spacing[1]) * std::tan(angle);
    seeds.clear();
    for (unsigned int j = 0; j < grid[1]; ++j)
      for (unsigned int i = 0; i < grid[0]; ++i)
        {
          double a = -0.5 * extent[0] + (i + 0.5) * spacing[0];
          double b = -0.5 * extent[1] + (j + 0.5) * spacing[1];
          a += jitter * spacing[0] * shift(random);
          b += jitter * spacing[1] * shift(random);
          Seed s;
          s.centre = surface(a, b);
          s.lean   = (i + j) % 2 == 0 ? lean : -lean;
          seeds.push_back(s);
        }
  }


  void
  SeptaNetwork::set_release_axis(const Point<3>     &point,
                                 const Tensor<1, 3> &direction)
  {
    release_point     = point;
    release_direction = direction / direction.norm();
  }


  SeptaNetwork::Wall
  SeptaNetwork::nearest_wall(const Point<3> &x, const LayerFrame &frame) const
  {
    const double s = frame.depth;
    // Power distances; the lobule of x minimises them.
    std::vector<double> power(seeds.size());
    for (unsigned int i = 0; i < seeds.size(); ++i)
      power[i] = (x - seeds[i].centre).norm_square() - s * seeds[i].lean;
    const unsigned int a =
      std::min_element(power.begin(), power.end()) - power.begin();
    Wall nearest;
    for (unsigned int j = 0; j < seeds.size(); ++j)
      if (j != a)
        {
          // f = power_j - power_a vanishes on the wall and is positive in
          // lobule a; its gradient, with grad s = -n / rate, is -2 (c_j -
          // c_a) + (w_j - w_a) / s n / rate, and f / |grad f| the distance
          // from the wall's plane.  On a flat layer: (f / 2 l) cos(beta),
          // tan(beta) = (w_a - w_j) / (2 l s) the wall's lean.
          const Tensor<1, 3> gradient =
            -2 * (seeds[j].centre - seeds[a].centre) +
            (seeds[j].lean - seeds[a].lean) / frame.rate * frame.normal;
          const double norm     = gradient.norm();
          const double distance = (power[j] - power[a]) / norm;
          if (distance < nearest.distance)
            {
              nearest.distance = distance;
              nearest.normal   = -gradient / norm;
            }
        }
    return nearest;
  }


  double
  SeptaNetwork::fascia_distance(const LayerFrame &frame) const
  {
    const double from_bottom = layer_thickness - frame.depth;
    return (std::abs(from_bottom - 0.5 * fascia) - 0.5 * fascia) * frame.rate;
  }


  double
  SeptaNetwork::distance(const Point<3> &x, const LayerFrame &frame) const
  {
    return distance(x, frame, nearest_wall(x, frame));
  }


  double
  SeptaNetwork::distance(const Point<3>   &x,
                         const LayerFrame &frame,
                         const Wall       &wall) const
  {
    double walls = wall.distance - 0.5 * thickness;
    if (released > 0)
      {
        const Tensor<1, 3> r = x - release_point;
        const Tensor<1, 3> off =
          r - (r * release_direction) * release_direction;
        walls = std::max(walls, released - off.norm());
      }
    if (fascia > 0)
      walls = std::min(walls, fascia_distance(frame));
    return walls;
  }


  bool
  SeptaNetwork::fibre_direction(const Point<3>     &x,
                                const LayerFrame   &frame,
                                const Tensor<1, 3> &reference,
                                Tensor<1, 3>       &direction) const
  {
    const Wall wall = nearest_wall(x, frame);
    if (distance(x, frame, wall) >= 0)
      return false;
    if (fascia > 0 && fascia_distance(frame) <= wall.distance - 0.5 * thickness)
      {
        // In the fascia: along its plane.
        direction = reference - (reference * frame.normal) * frame.normal;
        direction /= direction.norm();
        return true;
      }
    // Down the septum, away from the top: in its plane, normal to its edge
    // along the surface.
    const Tensor<1, 3> along = cross_product_3d(frame.normal, wall.normal);
    direction                = cross_product_3d(wall.normal, along);
    direction /= direction.norm();
    if (direction * frame.normal > 0)
      direction = -direction;
    return true;
  }


  void
  SeptaNetwork::resolve(parallel::distributed::Triangulation<3> &tria,
                        const double                             scale,
                        const unsigned int global_refinements,
                        const bool         refine,
                        const unsigned int septa_layer,
                        const unsigned int septa_id,
                        const std::function<double(const Point<3> &)> &distance,
                        const std::string &description) const
  {
    // The layer ids are create()'s until the layers are set below.
    const auto crossed =
      [&](const Triangulation<3>::active_cell_iterator &cell) {
        if (cell->material_id() != septa_layer)
          return false;
        double radius = 0;
        for (const unsigned int v : cell->vertex_indices())
          radius = std::max(radius, cell->vertex(v).distance(cell->center()));
        return std::abs(distance(cell->center() / scale)) < radius / scale;
      };
    const auto layer_of = [&](const Point<3> &centre, const unsigned int base) {
      return base == septa_layer && distance(centre / scale) < 0 ? septa_id
                                                                 : base;
    };
    const unsigned int finest = global_refinements + refinement;
    if (refine)
      for (unsigned int r = 0; r < refinement; ++r)
        {
          for (const auto &cell : tria.active_cell_iterators())
            if (cell->is_locally_owned() && crossed(cell))
              cell->set_refine_flag();
          tria.execute_coarsening_and_refinement();
        }

    // Every cell up to the finest level the refinement above can reach
    // gets its layer from its centre; deeper ones (refined during a run)
    // keep their parent's, as deal.II gives them.  The same rule when a
    // run resumes gives the same layers.
    std::function<void(const Triangulation<3>::cell_iterator &, unsigned int)>
      assign = [&](const Triangulation<3>::cell_iterator &cell,
                   const unsigned int                     base) {
        if (static_cast<unsigned int>(cell->level()) <= finest)
          cell->set_material_id(layer_of(cell->center(), base));
        else
          cell->set_material_id(cell->parent()->material_id());
        if (cell->has_children())
          for (unsigned int c = 0; c < cell->n_children(); ++c)
            assign(cell->child(c), base);
      };
    for (const auto &cell : tria.cell_iterators_on_level(0))
      assign(cell, cell->material_id());

    // What the network is and how finely it is resolved.
    std::vector<unsigned int> per_level(tria.n_global_levels(), 0);
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        ++per_level[cell->level()];
    const MPI_Comm comm = tria.get_communicator();
    Utilities::MPI::sum(per_level, comm, per_level);
    ConditionalOStream out(std::cout,
                           Utilities::MPI::this_mpi_process(comm) == 0);
    out << description << summary() << "; active cells per level:";
    for (unsigned int l = 0; l < per_level.size(); ++l)
      out << ' ' << l << ": " << per_level[l];
    out << std::endl;
  }


  std::string
  SeptaNetwork::summary() const
  {
    std::ostringstream out;
    out << seeds.size() << " lobules (" << grid[0] << " x " << grid[1]
        << "), septa " << thickness << " thick at " << angle * 180 / M_PI
        << " deg, fascia " << fascia;
    return out.str();
  }
} // namespace septa
