#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/types.h>
#include <deal.II/distributed/tria.h>

#include <array>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace septa
{
  /**
   * The layers of a generated geometry, from the deep side out: their
   * names (one material subsection each), thicknesses in mesh units and
   * coarse cells through each, as the entries 'Layer names', 'Layer
   * thicknesses' and 'Layer cells'.
   */
  struct LayerStack
  {
    std::vector<std::string>  names;
    std::vector<double>       thicknesses;
    std::vector<unsigned int> cells;

    /// Declare the three entries with these defaults; @p names_doc says
    /// what the layers are, @p min_layers how many there must be.
    static void
    declare_parameters(dealii::ParameterHandler &prm,
                       const std::string        &default_names,
                       const std::string        &default_thicknesses,
                       const std::string        &default_cells,
                       const std::string        &names_doc,
                       unsigned int              min_layers);

    /// Read and check them: one thickness (> 0) and one cell count (>= 1)
    /// per name, distinct names.
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// Index of the layer at the height @p z above the deep side (the last
    /// one above the top).
    unsigned int
    layer_at(double z) const;
  };

  /**
   * The footprint of a generated block: 'Lateral size' in x and y (mesh
   * units) and 'Lateral cells' (coarse cells along each).
   */
  struct Footprint
  {
    std::vector<double>       size;
    std::vector<unsigned int> cells;

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read and check them: sizes > 0, cells >= 1.
    void
    parse_parameters(dealii::ParameterHandler &prm, const std::string &where);

    /// The boundaries of such a block made by
    /// GridGenerator::subdivided_hyper_rectangle() with colorize: 'x-',
    /// 'x+', 'y-', 'y+', 'bone' (z = 0), 'skin' (top), 'lateral' (the four
    /// sides).
    static std::map<std::string, std::set<dealii::types::boundary_id>>
    boundary_names();
  };

  /**
   * The block of @p layers stacked along z from z = 0 over @p footprint
   * (spanning [-L/2, L/2] if @p centered, else [0, L]), every cell's
   * material id its layer; boundaries as Footprint::boundary_names().
   * @p grading: ratio of the largest to the smallest cell along x, y, z,
   * geometric; laterally the smallest cell is at the centre if @p
   * centered (the cells along that axis must then be even), else at 0;
   * along z, within each layer, at its top.
   */
  void
  create_layered_block(dealii::parallel::distributed::Triangulation<3> &tria,
                       const LayerStack                                &layers,
                       const Footprint             &footprint,
                       const std::array<double, 3> &grading,
                       bool                         centered);
} // namespace septa
