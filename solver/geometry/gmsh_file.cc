#include <core/input_error.h>
#include <core/registry.h>
#include <geometry/geometry.h>
#include <geometry/split_tetrahedra.h>

#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/tria.h>

#include <fstream>
#include <sstream>

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
   * A hexahedral or tetrahedral Gmsh mesh (.msh, format 2 or 4, ASCII);
   * tetrahedra are split into four hexahedra each (split_tetrahedra()),
   * because the distributed triangulation (p4est) holds hexahedra only.
   * Physical volume tags become layers and physical surface tags named
   * boundaries through the two maps given here; several tags may share a name.
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
      prm.declare_entry("Fibre data",
                        "fibre",
                        Patterns::Anything(),
                        "Name of the $ElementData view (3 components per "
                        "cell, format 2 .msh) that gives the fibre "
                        "direction of each cell, for layers with 'Fibre "
                        "field = mesh'.");
    }

    void
    parse_parameters(ParameterHandler &prm, const std::string &where) override
    {
      file        = prm.get("File");
      this->where = where;
      fibre_view  = prm.get("Fibre data");
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
          throw InputError(where + "/File = '" + file +
                           "' could not be read as a Gmsh mesh: " + e.what());
        }
      unsigned int n_tets = 0, n_hexes = 0;
      for (const auto &cell : serial.active_cell_iterators())
        {
          n_tets += cell->reference_cell() == ReferenceCells::Tetrahedron;
          n_hexes += cell->reference_cell() == ReferenceCells::Hexahedron;
        }
      require_input(n_tets + n_hexes == serial.n_active_cells() &&
                      (n_tets == 0 || n_hexes == 0),
                    where + "/File",
                    file + " (" + std::to_string(n_hexes) + " hexahedra, " +
                      std::to_string(n_tets) + " tetrahedra, " +
                      std::to_string(serial.n_active_cells() - n_tets -
                                     n_hexes) +
                      " other cells)",
                    "a mesh of hexahedra only or of tetrahedra only");
      if (n_tets > 0)
        {
          Triangulation<3> hexes;
          split_tetrahedra(serial, hexes);
          serial.clear();
          serial.copy_triangulation(hexes);
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

    /// Reads the $ElementData view 'Fibre data' (format 2): hexahedron or
    /// tetrahedron centres from $Nodes and $Elements, directions from the
    /// view (a split tetrahedron's four cells take its direction).  A
    /// second pass over the file, made only when a layer asks for it.
    std::vector<std::pair<Point<3>, Tensor<1, 3>>>
    cell_directions() const override
    {
      std::vector<std::pair<Point<3>, Tensor<1, 3>>> directions;
      std::ifstream                                  in(file);
      std::string                                    line;
      std::map<long, Point<3>>                       nodes;
      std::map<long, std::vector<long>>              hexes;
      std::map<long, Tensor<1, 3>>                   data;
      const std::string bad = where + "/Fibre data = '" + fibre_view + "': ";
      while (std::getline(in, line))
        {
          if (line.rfind("$MeshFormat", 0) == 0)
            {
              std::getline(in, line);
              if (line.rfind("2", 0) != 0)
                return directions; // format 4: no element data support
            }
          else if (line.rfind("$Nodes", 0) == 0)
            {
              long n = 0;
              in >> n;
              for (long k = 0; k < n; ++k)
                {
                  long     id;
                  Point<3> p;
                  in >> id >> p[0] >> p[1] >> p[2];
                  nodes[id] = p;
                }
            }
          else if (line.rfind("$Elements", 0) == 0)
            {
              long n = 0;
              in >> n;
              std::getline(in, line);
              for (long k = 0; k < n && std::getline(in, line); ++k)
                {
                  std::istringstream row(line);
                  long               id, type, ntags, v;
                  row >> id >> type >> ntags;
                  for (long t = 0; t < ntags; ++t)
                    row >> v;
                  if (type != 5 && type != 4) // hexahedron, tetrahedron
                    continue;
                  std::vector<long> vertices(type == 5 ? 8 : 4);
                  for (auto &vertex : vertices)
                    row >> vertex;
                  hexes[id] = vertices;
                }
            }
          else if (line.rfind("$ElementData", 0) == 0)
            {
              long        n_strings = 0, n_reals = 0, n_ints = 0;
              std::string name;
              in >> n_strings;
              std::getline(in, line);
              for (long k = 0; k < n_strings; ++k)
                {
                  std::getline(in, line);
                  if (k == 0)
                    name = Utilities::trim(line);
                }
              if (name.size() >= 2 && name.front() == '"')
                name = name.substr(1, name.size() - 2);
              double x;
              in >> n_reals;
              for (long k = 0; k < n_reals; ++k)
                in >> x;
              in >> n_ints;
              std::vector<long> ints(n_ints);
              for (auto &v : ints)
                in >> v;
              if (name != fibre_view)
                continue;
              require_input(n_ints >= 3 && ints[1] == 3,
                            where + "/Fibre data",
                            fibre_view + " (in " + file + ")",
                            "an $ElementData view with 3 components");
              for (long k = 0; k < ints[2]; ++k)
                {
                  long         id;
                  Tensor<1, 3> d;
                  in >> id >> d[0] >> d[1] >> d[2];
                  require_input(in.good() && d.norm() > 0,
                                bad + file + ": element " + std::to_string(id),
                                "(" + std::to_string(d[0]) + ", " +
                                  std::to_string(d[1]) + ", " +
                                  std::to_string(d[2]) + ")",
                                "a non-zero direction x, y, z");
                  data[id] = d / d.norm();
                }
            }
        }
      for (const auto &[id, d] : data)
        {
          const auto h = hexes.find(id);
          require_input(h != hexes.end(),
                        bad + file,
                        "element " + std::to_string(id),
                        "element numbers of cells of the mesh");
          if (h->second.size() == 8)
            {
              Point<3> centre;
              for (const long v : h->second)
                centre += nodes.at(v) / 8.0;
              directions.emplace_back(centre, d);
            }
          else
            // The centres of the tetrahedron's four hexahedra: the mean of
            // their vertices (corner, three edge midpoints, three face
            // centroids, centroid) weighs the corner by 45/96 and each
            // other vertex by 17/96.
            for (unsigned int i = 0; i < 4; ++i)
              {
                Point<3> centre;
                for (unsigned int j = 0; j < 4; ++j)
                  centre += nodes.at(h->second[j]) * (j == i ? 45. : 17.) / 96.;
                directions.emplace_back(centre, d);
              }
        }
      return directions;
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
    std::string                                         file, where, fibre_view;
    std::vector<std::string>                            names;
    std::map<int, unsigned int>                         tag_to_layer;
    std::map<std::string, std::set<types::boundary_id>> boundaries;
  };

  SEPTA_REGISTER_PLUGIN(Geometry,
                        GmshFile,
                        "gmsh",
                        "hexahedral or tetrahedral mesh read from a Gmsh .msh "
                        "file (tetrahedra split into four hexahedra).")
} // namespace septa
