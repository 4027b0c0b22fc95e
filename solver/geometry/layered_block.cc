#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>
#include <geometry/layer_stack.h>

#include <array>

namespace septa
{
  using namespace dealii;

  /**
   * A rectangular block of tissue layers stacked along z: the first layer sits
   * on the bone side (z = 0) and the last one carries the skin surface.  Each
   * layer gets its own number of cells through the thickness so that a thin
   * dermis is resolved without refining the whole block.
   *
   * Boundaries: 'bone' (z = 0), 'skin' (top), 'x-', 'x+', 'y-', 'y+', and
   * 'lateral' (all four sides).
   */
  class LayeredBlock : public Geometry
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      LayerStack::declare_parameters(prm,
                                     "muscle, fat, skin",
                                     "0.02, 0.015, 0.0015",
                                     "4, 3, 1",
                                     "Layer names from the bone side up to "
                                     "the skin.",
                                     1);
      Footprint::declare_parameters(prm);
      prm.declare_entry("Grading",
                        "1, 1",
                        Patterns::List(Patterns::Double(1.0), 2, 3),
                        "Ratio of the largest to the smallest cell, "
                        "geometric: 'lateral, vertical' or 'x, y, z'. "
                        "Laterally the smallest cell is at the centre, or "
                        "at x = 0 or y = 0 if not 'Centered'; along z, "
                        "within each layer, at its top (the skin side). "
                        "Fine cells under a probe or applicator; 'x, y, z' "
                        "keeps x uniform along a roller's track.");
      prm.declare_entry("Centered",
                        "true",
                        Patterns::Bool(),
                        "true: the block spans [-L/2, L/2] laterally; false: "
                        "[0, L].");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      layers.parse_parameters(prm, where);
      footprint.parse_parameters(prm, where);
      centered     = prm.get_bool("Centered");
      const auto g = Utilities::string_to_double(
        Utilities::split_string_list(prm.get("Grading")));
      // Two values: one ratio for x and y, then z.
      grading = g.size() == 2 ? std::array<double, 3>{{g[0], g[0], g[1]}}
                              : std::array<double, 3>{{g[0], g[1], g[2]}};
      for (unsigned int d = 0; d < 2; ++d)
        require_input(!centered || grading[d] == 1 ||
                        footprint.cells[d] % 2 == 0,
                      where + "/Grading",
                      prm.get("Grading"),
                      "1 along x (y), or an even number of 'Lateral cells' "
                      "along it (a centred grading is symmetric)");
    }

    void
    create(parallel::distributed::Triangulation<3> &tria) const override
    {
      create_layered_block(tria, layers, footprint, grading, centered);
    }

    std::vector<std::string>
    layer_names() const override
    {
      return layers.names;
    }

    std::map<std::string, std::set<types::boundary_id>>
    boundary_names() const override
    {
      return Footprint::boundary_names();
    }

  private:
    std::array<double, 3> grading = {{1, 1, 1}};
    LayerStack            layers;
    Footprint             footprint;
    bool                  centered = true;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        LayeredBlock,
                        "layered block",
                        "block of tissue layers stacked along z (bone side at "
                        "z = 0, skin on top).")
} // namespace septa
