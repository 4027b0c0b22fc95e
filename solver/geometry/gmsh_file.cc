#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>

#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/tria.h>

#include <fstream>

namespace septa
{
  using namespace dealii;

  namespace
  {
    /// Parse "tag: name, tag: name" into a map.
    std::map<int, std::string>
    parse_tag_map(const std::string &text, const std::string &where)
    {
      std::map<int, std::string> out;
      for (const auto &entry : Utilities::split_string_list(text, ','))
        {
          const auto parts = Utilities::split_string_list(entry, ':');
          int        tag   = -1;
          try
            {
              if (parts.size() == 2)
                tag = Utilities::string_to_int(parts[0]);
            }
          catch (...)
            {
            }
          require_input(parts.size() == 2 && tag >= 0 && !parts[1].empty(),
                        where,
                        text,
                        "a list 'physical tag: name, ...' with tags >= 0");
          out[tag] = parts[1];
        }
      return out;
    }
  } // namespace

  /**
   * A hexahedral Gmsh mesh (.msh, format 2 or 4, ASCII).  Physical volume tags
   * become layers and physical surface tags named boundaries through the two
   * maps given here; several tags may share a name.
   */
  class GmshFile : public Geometry
  {
  public:
    static void
    declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("File",
                        "",
                        Patterns::Anything(),
                        "Path of the .msh file.");
      prm.declare_entry("Layer tags",
                        "1: muscle, 2: fat, 3: skin",
                        Patterns::Anything(),
                        "Physical volume tag -> layer name, as 'tag: name, "
                        "...'. Every tag in the mesh must be listed.");
      prm.declare_entry("Boundary tags",
                        "",
                        Patterns::Anything(),
                        "Physical surface tag -> boundary name, as 'tag: "
                        "name, ...'.");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      file        = prm.get("File");
      this->where = where;
      const auto layer_tags =
        parse_tag_map(prm.get("Layer tags"), where + "/Layer tags");
      for (const auto &[tag, name] : layer_tags)
        {
          auto it = std::find(names.begin(), names.end(), name);
          if (it == names.end())
            {
              names.push_back(name);
              it = names.end() - 1;
            }
          tag_to_layer[tag] = static_cast<unsigned int>(it - names.begin());
        }
      if (!prm.get("Boundary tags").empty())
        for (const auto &[tag, name] :
             parse_tag_map(prm.get("Boundary tags"), where + "/Boundary tags"))
          boundaries[name].insert(static_cast<types::boundary_id>(tag));
    }

    void
    create(parallel::distributed::Triangulation<3> &tria) const override
    {
      std::ifstream in(file);
      require_input(!file.empty() && in.good(),
                    where + "/File",
                    file,
                    "a readable .msh file (relative paths start from the "
                    "working directory)");
      Triangulation<3> serial;
      GridIn<3>        grid_in(serial);
      try
        {
          grid_in.read_msh(in);
        }
      catch (const std::exception &e)
        {
          throw InputError(
            where + "/File = '" + file +
            "' could not be read as a hexahedral Gmsh mesh: " + e.what());
        }
      for (const auto &cell : serial.active_cell_iterators())
        {
          const auto it = tag_to_layer.find(cell->material_id());
          require_input(it != tag_to_layer.end(),
                        where + "/Layer tags",
                        "(tag " + std::to_string(cell->material_id()) + " in " +
                          file + ")",
                        "a name for every physical volume tag of the mesh");
          cell->set_material_id(it->second);
        }
      tria.copy_triangulation(serial);
    }

    std::vector<std::string>
    layer_names() const override
    {
      return names;
    }

    std::map<std::string, std::set<types::boundary_id>>
    boundary_names() const override
    {
      return boundaries;
    }

  private:
    std::string                                         file, where;
    std::vector<std::string>                            names;
    std::map<int, unsigned int>                         tag_to_layer;
    std::map<std::string, std::set<types::boundary_id>> boundaries;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        GmshFile,
                        "gmsh",
                        "hexahedral mesh read from a Gmsh .msh file.")
} // namespace septa
