#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>
#include <geometry/layer_stack.h>
#include <geometry/septa_network.h>

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <sstream>

namespace septa
{
  using namespace dealii;

  namespace
  {
    /// @p x with 6 significant digits, for messages.
    std::string
    number(const double x)
    {
      std::ostringstream out;
      out << x;
      return out.str();
    }

    /**
     * The buttock's shape as a map from the chart (theta, phi, s) to space
     * (mesh units), shared by the mesh generator and the manifold.
     *
     * The direction u(theta, phi) = (cos phi sin theta, sin phi, cos phi
     * cos theta) (theta from the medial plane x = 0 towards lateral, phi
     * from the horizontal upwards) and the depth d above the deep surface
     * of the first layer give x_i = (A_i + d) u_i: d = 0 is the ellipsoid
     * with semi-axes A (the pelvis), and each d the ellipsoid with semi-
     * axes A + d (so a layer of thickness t is t thick along the three
     * axes and a little thinner between them).  s runs through layer k
     * from k to k + 1; layer k has the thickness t_k + delta_k h b(theta,
     * phi), where the tuberosity bump b = exp(-|p - p_t|^2 / (2 r^2)) of
     * the distance between the deep-surface points of (theta, phi) and the
     * tuberosity thickens the first layer (bone) by h b and thins the
     * second (muscle) by as much.
     */
    struct ButtockShape
    {
      Tensor<1, 3>        axes;        // A
      std::vector<double> thicknesses; // t_k
      double              theta_t = 0, phi_t = 0, radius = 1, bump = 0;

      static Tensor<1, 3>
      direction(const double theta, const double phi)
      {
        return Tensor<1, 3>({std::cos(phi) * std::sin(theta),
                             std::sin(phi),
                             std::cos(phi) * std::cos(theta)});
      }

      double
      bump_at(const double theta, const double phi) const
      {
        if (bump == 0)
          return 0;
        Tensor<1, 3> a = direction(theta, phi), b = direction(theta_t, phi_t);
        for (unsigned int i = 0; i < 3; ++i)
          a[i] *= axes[i], b[i] *= axes[i];
        return std::exp(-(a - b).norm_square() / (2 * radius * radius));
      }

      /// Thickness of every layer at (theta, phi).
      std::vector<double>
      local_thicknesses(const double theta, const double phi) const
      {
        auto         t = thicknesses;
        const double b = bump * bump_at(theta, phi);
        t[0] += b; // 'Layer names' asks for two layers at least
        t[1] -= b;
        return t;
      }

      double
      depth(const Point<3> &chart) const
      {
        const auto   t     = local_thicknesses(chart[0], chart[1]);
        const auto   n     = static_cast<int>(t.size());
        const int    k     = std::clamp(int(std::floor(chart[2])), 0, n - 1);
        const double below = std::accumulate(t.begin(), t.begin() + k, 0.0);
        return below + (chart[2] - k) * t[k];
      }

      Point<3>
      push_forward(const Point<3> &chart) const
      {
        const double       d = depth(chart);
        const Tensor<1, 3> u = direction(chart[0], chart[1]);
        return Point<3>((axes[0] + d) * u[0],
                        (axes[1] + d) * u[1],
                        (axes[2] + d) * u[2]);
      }

      /// The inverse: d from sum (x_i / (A_i + d))^2 = 1 (decreasing in
      /// d; bisection), then u, the angles, and s within the layer.
      Point<3>
      pull_back(const Point<3> &x) const
      {
        const auto f = [&](const double d) {
          double sum = 0;
          for (unsigned int i = 0; i < 3; ++i)
            sum += std::pow(x[i] / (axes[i] + d), 2);
          return sum - 1;
        };
        const double smallest = std::min({axes[0], axes[1], axes[2]});
        double       lo = -0.9 * smallest, hi = x.norm() + smallest;
        for (int i = 0; i < 200 && hi - lo > 1e-14 * (hi + smallest); ++i)
          {
            const double mid       = 0.5 * (lo + hi);
            (f(mid) > 0 ? lo : hi) = mid;
          }
        const double d = 0.5 * (lo + hi);
        Tensor<1, 3> u;
        for (unsigned int i = 0; i < 3; ++i)
          u[i] = x[i] / (axes[i] + d);
        const double theta = std::atan2(u[0], u[2]);
        const double phi   = std::asin(std::clamp(u[1], -1.0, 1.0));
        const auto   t     = local_thicknesses(theta, phi);
        double       below = 0;
        unsigned int k     = 0;
        while (k + 1 < t.size() && d > below + t[k])
          below += t[k++];
        return Point<3>(theta, phi, k + (d - below) / t[k]);
      }
    };


    /// The chart as a deal.II manifold in metres (the mesh is scaled
    /// after it is built in mesh units).
    class ButtockManifold : public ChartManifold<3, 3, 3>
    {
    public:
      ButtockManifold(const ButtockShape &shape, const double scale)
        : shape(shape)
        , scale(scale)
      {
      }

      std::unique_ptr<Manifold<3, 3>>
      clone() const override
      {
        return std::make_unique<ButtockManifold>(shape, scale);
      }

      Point<3>
      pull_back(const Point<3> &x) const override
      {
        return shape.pull_back(x / scale);
      }

      Point<3>
      push_forward(const Point<3> &chart) const override
      {
        return shape.push_forward(chart) * scale;
      }

    private:
      ButtockShape shape;
      double       scale;
    };
  } // namespace


  /**
   * One buttock over the pelvis: nested ellipsoidal layers from the deep
   * surface out to the skin (see ButtockShape for the map), cut by the
   * medial plane (theta = theta_0), a lateral cut, and inferior and
   * superior cuts (constant phi).  All hexahedral; the chart is attached
   * as a manifold to every cell and face, so refinement keeps the skin,
   * the layer interfaces and the interior on the ellipsoids.
   *
   * Boundaries: 'bone' (the deep surface, s = 0), 'skin', 'medial',
   * 'lateral', 'inferior', 'superior', 'cuts' (the four cuts) and, with a
   * cellulite patch, 'patch_skin'.
   *
   * 'Deep muscles' (e.g. the gluteus minimus and medius) take the deep
   * 'Deep muscle fractions' of the second layer's thickness where theta and
   * phi reach 'Deep muscle region' (the upper lateral buttock, over the
   * ilium), coarse cell by coarse cell; elsewhere the second layer (the
   * maximus) keeps its whole thickness.
   *
   * With a 'Septa layer', a cellulite patch is placed into that layer (the
   * fat): a SeptaNetwork whose seeds lie on the layer's outer surface over
   * 'Septa patch size' (lengths along the theta and phi lines through
   * 'Septa patch centre'), its septa confined to the patch (outside it the
   * layer stays plain fat), resolved by adaptive refinement as in the
   * cellulite patch; the septa cells form the extra layer 'septa'.  The
   * skin faces of the coarse mesh whose centre lies over the patch form the
   * boundary 'patch_skin' (part of 'skin'), for statistics of the patch's
   * skin alone.
   */
  class Buttock : public Geometry
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      LayerStack::declare_parameters(
        prm,
        "bone, muscle, fat, skin",
        "10, 30, 25, 2",
        "1, 3, 2, 1",
        "Layers from the deep surface out: the first is the bone the "
        "tuberosity bump thickens, the second the muscle it thins; the "
        "thicknesses hold along the ellipsoid's axes, away from the "
        "tuberosity.",
        2);
      prm.declare_entry("Deep semi-axes",
                        "70, 90, 40",
                        Patterns::List(Patterns::Double(), 3, 3),
                        "Semi-axes A_x (lateral), A_y (vertical), A_z "
                        "(posterior) of the deep surface in mesh units; the "
                        "skin's are these plus the total thickness.");
      prm.declare_entry("Theta range",
                        "0, 75",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "Medial and lateral cut, degrees from the medial "
                        "plane (-90 < first < second < 90).");
      prm.declare_entry("Phi range",
                        "-60, 45",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "Inferior and superior cut, degrees from the "
                        "horizontal (-90 < first < second < 90).");
      prm.declare_entry("Angular cells",
                        "5, 7",
                        Patterns::List(Patterns::Integer(), 2, 2),
                        "Coarse cells across theta and phi (>= 1).");
      prm.declare_entry("Tuberosity position",
                        "15, -45",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "theta, phi (degrees) of the ischial tuberosity's "
                        "apex.");
      prm.declare_entry("Tuberosity radius",
                        "20",
                        Patterns::Double(0),
                        "Width r of the bump (mesh units, > 0).");
      prm.declare_entry("Tissue under tuberosity",
                        "39",
                        Patterns::Double(0),
                        "Soft tissue (all layers but the first) over the "
                        "tuberosity's apex, mesh units; at most their "
                        "thickness elsewhere, and more than that minus "
                        "the muscle's.  0: no bump.");
      prm.declare_entry("Deep muscles",
                        "",
                        Patterns::Anything(),
                        "Empty: none.  Else names of extra layers carved, "
                        "from the deep side out, from the deep part of the "
                        "second layer (the gluteus maximus) within 'Deep "
                        "muscle region', e.g. 'minimus, medius': the "
                        "gluteus minimus and medius under the maximus on "
                        "the ilium.");
      prm.declare_entry("Deep muscle fractions",
                        "",
                        Patterns::List(Patterns::Double(), 0),
                        "The share of the second layer's thickness each "
                        "deep muscle takes, in their order (each > 0, sum "
                        "< 1); cells go by their centre, so multiples of "
                        "1 / (its Layer cells) keep the interfaces on cell "
                        "faces.");
      prm.declare_entry("Deep muscle region",
                        "45, -15",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "theta, phi (degrees) from which on (lateral and "
                        "up) the deep muscles lie under the maximus.");
      prm.declare_entry("Septa layer",
                        "",
                        Patterns::Anything(),
                        "Empty: no septa.  Else the layer (one of 'Layer "
                        "names' after the first two, which the tuberosity "
                        "changes) into which a cellulite patch is placed; "
                        "its septa form the extra layer 'septa'.");
      prm.declare_entry("Septa patch centre",
                        "35, -15",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "theta, phi (degrees) of the patch's centre, inside "
                        "'Theta range' and 'Phi range'.");
      prm.declare_entry("Septa patch size",
                        "40, 40",
                        Patterns::List(Patterns::Double(), 2, 2),
                        "Lengths of the patch along the theta and phi lines "
                        "on the layer's outer surface (mesh units, > 0).");
      SeptaNetwork::declare_parameters(prm, "10", "1", "0");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      layers.parse_parameters(prm, where);
      shape.thicknesses = layers.thicknesses;

      const auto axes = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Deep semi-axes")));
      for (unsigned int i = 0; i < 3; ++i)
        {
          require_input(axes[i] > 0,
                        where + "/Deep semi-axes",
                        prm.get("Deep semi-axes"),
                        "three positive lengths");
          shape.axes[i] = axes[i];
        }
      const auto angles = [&](const std::string &entry) {
        const auto a = Utilities::string_to_double(
          Utilities::split_string_list(prm.get(entry)));
        require_input(-90 < a[0] && a[0] < a[1] && a[1] < 90,
                      where + "/" + entry,
                      prm.get(entry),
                      "two angles in degrees, -90 < first < second < 90");
        return std::array<double, 2>{{a[0] * M_PI / 180, a[1] * M_PI / 180}};
      };
      theta         = angles("Theta range");
      phi           = angles("Phi range");
      const auto ac = Utilities::string_to_int(
        Utilities::split_string_list(prm.get("Angular cells")));
      for (const int c : ac)
        require_input(c >= 1,
                      where + "/Angular cells",
                      prm.get("Angular cells"),
                      "two integers >= 1");
      angular_cells = {
        {static_cast<unsigned int>(ac[0]), static_cast<unsigned int>(ac[1])}};

      const auto apex = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Tuberosity position")));
      shape.theta_t = apex[0] * M_PI / 180;
      shape.phi_t   = apex[1] * M_PI / 180;
      shape.radius  = prm.get_double("Tuberosity radius");
      require_input(shape.radius > 0,
                    where + "/Tuberosity radius",
                    prm.get("Tuberosity radius"),
                    "a positive length");
      const double under = prm.get_double("Tissue under tuberosity");
      const double soft  = std::accumulate(shape.thicknesses.begin() + 1,
                                          shape.thicknesses.end(),
                                          0.0);
      shape.bump         = under > 0 ? soft - under : 0.0;
      require_input(under == 0 ||
                      (shape.bump >= 0 && shape.bump < shape.thicknesses[1]),
                    where + "/Tissue under tuberosity",
                    prm.get("Tissue under tuberosity"),
                    "0 (no bump) or a thickness above the soft layers' " +
                      number(soft) + " minus the muscle's " +
                      number(shape.thicknesses[1]) + " and at most " +
                      number(soft) + " (mesh units)");

      parse_deep_muscles(prm, where);

      const std::string septa = prm.get("Septa layer");
      septa_layer             = numbers::invalid_unsigned_int;
      if (!septa.empty())
        parse_septa(prm, where, septa);
    }

    void
    create(parallel::distributed::Triangulation<3> &tria) const override
    {
      std::vector<std::vector<double>> steps(3);
      steps[0].assign(angular_cells[0],
                      (theta[1] - theta[0]) / angular_cells[0]);
      steps[1].assign(angular_cells[1], (phi[1] - phi[0]) / angular_cells[1]);
      for (const unsigned int n : layers.cells)
        steps[2].insert(steps[2].end(), n, 1.0 / n);
      GridGenerator::subdivided_hyper_rectangle(
        tria,
        steps,
        Point<3>(theta[0], phi[0], 0),
        Point<3>(theta[1], phi[1], static_cast<double>(layers.names.size())),
        true);
      for (const auto &cell : tria.active_cell_iterators())
        {
          cell->set_material_id(coarse_layer(cell->center()));
          // The skin over a cellulite patch: its own boundary, for the
          // surface statistics and roughness of the patch alone.
          if (septa_layer != numbers::invalid_unsigned_int)
            for (const auto &face : cell->face_iterators())
              if (face->at_boundary() && face->boundary_id() == 5 &&
                  patch_edge(face->center()) <= 0)
                face->set_boundary_id(6);
        }
      const ButtockShape &s = shape;
      GridTools::transform(
        [&s](const Point<3> &p) { return s.push_forward(p); }, tria);
      tria.set_all_manifold_ids(0);
    }

    void
    attach_manifolds(parallel::distributed::Triangulation<3> &tria,
                     const double scale) const override
    {
      tria.set_manifold(0, ButtockManifold(shape, scale));
    }

    void
    resolve(parallel::distributed::Triangulation<3> &tria,
            const double                             scale,
            const unsigned int                       global_refinements,
            const bool                               refine) const override
    {
      if (septa_layer == numbers::invalid_unsigned_int)
        return;
      network.resolve(
        tria,
        scale,
        global_refinements,
        refine,
        septa_layer,
        septa_id(),
        [this](const Point<3> &x) { return septa_distance(x); },
        "Septa network in the buttock: ");
    }

    bool
    fibre_direction(const Point<3> &x, Tensor<1, 3> &direction) const override
    {
      if (septa_layer == numbers::invalid_unsigned_int)
        return false;
      const Point<3> chart = shape.pull_back(x);
      return static_cast<unsigned int>(chart[2]) == septa_layer &&
             patch_edge(chart) < 0 &&
             network.fibre_direction(x,
                                     frame(x, chart),
                                     Tensor<1, 3>({0, 1, 0}),
                                     direction);
    }

    std::vector<std::string>
    layer_names() const override
    {
      auto names = layers.names;
      names.insert(names.end(), deep_names.begin(), deep_names.end());
      if (septa_layer != numbers::invalid_unsigned_int)
        names.push_back("septa");
      return names;
    }

    std::map<std::string, std::set<types::boundary_id>>
    boundary_names() const override
    {
      std::map<std::string, std::set<types::boundary_id>> names = {
        {"medial", {0}},
        {"lateral", {1}},
        {"inferior", {2}},
        {"superior", {3}},
        {"bone", {4}},
        {"skin", {5}},
        {"cuts", {0, 1, 2, 3}}};
      if (septa_layer != numbers::invalid_unsigned_int)
        {
          names["skin"]       = {5, 6};
          names["patch_skin"] = {6};
        }
      return names;
    }

  private:
    /// Layer id of a coarse cell from its centre in chart coordinates
    /// (theta, phi, s): the stack layer floor(s), or a deep muscle where
    /// the second layer lies in the deep muscles' region.
    types::material_id
    coarse_layer(const Point<3> &chart) const
    {
      const auto layer = static_cast<unsigned int>(std::floor(chart[2]));
      if (layer == 1 && chart[0] >= deep_region[0] &&
          chart[1] >= deep_region[1])
        {
          double below = 0;
          for (unsigned int k = 0; k < deep_fractions.size(); ++k)
            {
              below += deep_fractions[k];
              if (chart[2] - 1 < below)
                return layers.names.size() + k;
            }
        }
      return layer;
    }

    /// The septa's layer id: after the stack and the deep muscles.
    unsigned int
    septa_id() const
    {
      return layers.names.size() + deep_names.size();
    }

    void
    parse_deep_muscles(ParameterHandler &prm, const std::string &where)
    {
      deep_names     = Utilities::split_string_list(prm.get("Deep muscles"));
      deep_fractions = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Deep muscle fractions")));
      const double sum =
        std::accumulate(deep_fractions.begin(), deep_fractions.end(), 0.0);
      const bool positive = std::all_of(deep_fractions.begin(),
                                        deep_fractions.end(),
                                        [](const double f) { return f > 0; });
      require_input(deep_fractions.size() == deep_names.size() && positive &&
                      sum < 1,
                    where + "/Deep muscle fractions",
                    prm.get("Deep muscle fractions"),
                    "one fraction > 0 per name in 'Deep muscles' (" +
                      std::to_string(deep_names.size()) +
                      "), together below 1");
      std::vector<std::string> all = layers.names;
      for (const auto &n : deep_names)
        {
          require_input(!n.empty() && n != "septa" &&
                          std::find(all.begin(), all.end(), n) == all.end(),
                        where + "/Deep muscles",
                        prm.get("Deep muscles"),
                        "names other than 'septa', the 'Layer names' and "
                        "each other");
          all.push_back(n);
        }
      const auto region = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Deep muscle region")));
      deep_region = {{region[0] * M_PI / 180, region[1] * M_PI / 180}};
    }

    void
    parse_septa(ParameterHandler  &prm,
                const std::string &where,
                const std::string &name)
    {
      septa_layer = SeptaNetwork::layer_index(
        layers.names,
        name,
        2,
        prm.get("Layer names"),
        where,
        "empty or one of the layers the tuberosity leaves as they are");
      top_depth = std::accumulate(shape.thicknesses.begin(),
                                  shape.thicknesses.begin() + septa_layer + 1,
                                  0.0);

      const auto centre = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Septa patch centre")));
      patch_theta = centre[0] * M_PI / 180;
      patch_phi   = centre[1] * M_PI / 180;
      require_input(theta[0] < patch_theta && patch_theta < theta[1] &&
                      phi[0] < patch_phi && patch_phi < phi[1],
                    where + "/Septa patch centre",
                    prm.get("Septa patch centre"),
                    "theta, phi inside 'Theta range' and 'Phi range'");
      const auto extent = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Septa patch size")));
      require_input(extent[0] > 0 && extent[1] > 0,
                    where + "/Septa patch size",
                    prm.get("Septa patch size"),
                    "two positive lengths");
      patch_size = {{extent[0], extent[1]}};

      // Lengths along the theta and phi lines per radian at the centre, on
      // the layer's outer surface (central differences of the map).
      const double h = 1e-6;
      const double s = septa_layer + 1;
      metric[0]      = (shape.push_forward({patch_theta + h, patch_phi, s}) -
                   shape.push_forward({patch_theta - h, patch_phi, s}))
                    .norm() /
                  (2 * h);
      metric[1] = (shape.push_forward({patch_theta, patch_phi + h, s}) -
                   shape.push_forward({patch_theta, patch_phi - h, s}))
                    .norm() /
                  (2 * h);

      network.parse_parameters(prm, where, shape.thicknesses[septa_layer]);
      network.place_seeds(patch_size, [&](const double a, const double b) {
        return shape.push_forward(
          {patch_theta + a / metric[0], patch_phi + b / metric[1], s});
      });
      const Point<3> centre_point =
        shape.push_forward({patch_theta, patch_phi, s});
      network.set_release_axis(
        centre_point,
        frame(centre_point, shape.pull_back(centre_point)).normal);
    }

    /// At x, whose chart coordinates are @p chart: depth below the septa
    /// layer's outer surface, the outward normal of the ellipsoid of
    /// constant depth through x (gradient of sum (x_i /
    /// (A_i + d))^2) and the normal distance per unit depth, u . n (the
    /// depth grows along u).
    LayerFrame
    frame(const Point<3> &x, const Point<3> &chart) const
    {
      const double       d = shape.depth(chart);
      const Tensor<1, 3> u = ButtockShape::direction(chart[0], chart[1]);
      LayerFrame         f;
      f.depth = top_depth - d;
      for (unsigned int i = 0; i < 3; ++i)
        f.normal[i] = x[i] / std::pow(shape.axes[i] + d, 2);
      f.normal /= f.normal.norm();
      f.rate = u * f.normal;
      return f;
    }

    /// Signed distance (mesh units, positive outside) from the patch's
    /// edges of the point with chart coordinates @p chart: its lengths along
    /// the theta and phi lines from the centre scaled to the centre's
    /// metric, an estimate (not a bound) of the distance from the edges.
    double
    patch_edge(const Point<3> &chart) const
    {
      return std::max(std::abs(chart[0] - patch_theta) * metric[0] -
                        0.5 * patch_size[0],
                      std::abs(chart[1] - patch_phi) * metric[1] -
                        0.5 * patch_size[1]);
    }

    /// Signed distance (mesh units, negative inside) from the boundary of
    /// the septa, which end at the edges of the patch.
    double
    septa_distance(const Point<3> &x) const
    {
      const Point<3> chart = shape.pull_back(x);
      return std::max(network.distance(x, frame(x, chart)), patch_edge(chart));
    }

    std::vector<std::string>    deep_names;
    std::vector<double>         deep_fractions;
    std::array<double, 2>       deep_region = {{0, 0}};
    SeptaNetwork                network;
    unsigned int                septa_layer = numbers::invalid_unsigned_int;
    double                      top_depth   = 0;
    double                      patch_theta = 0, patch_phi = 0;
    std::array<double, 2>       patch_size = {{0, 0}};
    std::array<double, 2>       metric     = {{1, 1}};
    ButtockShape                shape;
    LayerStack                  layers;
    std::array<double, 2>       theta = {{0, 0}}, phi = {{0, 0}};
    std::array<unsigned int, 2> angular_cells = {{1, 1}};
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        Buttock,
                        "buttock",
                        "one buttock over the pelvis: nested ellipsoidal "
                        "layers (bone, muscle, fat, skin) with an ischial "
                        "tuberosity, curved under refinement.")
} // namespace septa
