#include <core/input_error.h>
#include <loads/load.h>

namespace septa
{
  std::set<dealii::types::boundary_id>
  resolve_boundary(const BoundaryNames &names,
                   const std::string   &name,
                   const std::string   &where)
  {
    const auto it = names.find(name);
    if (it == names.end())
      {
        std::string known;
        for (const auto &n : names)
          known += (known.empty() ? "" : ", ") + n.first;
        require_input(false, where, name, "a boundary of the mesh: " + known);
      }
    return it->second;
  }
} // namespace septa
