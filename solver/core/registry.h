#pragma once

#include <core/input_error.h>

#include <deal.II/base/parameter_handler.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace septa
{
  /**
   * Name -> plugin table for one interface (materials, loads, geometries).
   * Each plugin file registers itself with SEPTA_REGISTER_PLUGIN; its
   * description becomes the documentation of the selecting parameter and its
   * declare function the documentation of its own subsection.
   */
  template <class Interface>
  class Registry
  {
  public:
    struct Entry
    {
      std::string                                     description;
      std::function<std::unique_ptr<Interface>()>     create;
      std::function<void(dealii::ParameterHandler &)> declare_parameters;
    };

    static std::map<std::string, Entry> &
    entries()
    {
      static std::map<std::string, Entry> table;
      return table;
    }

    static bool
    add(const std::string &name, Entry entry)
    {
      entries().emplace(name, std::move(entry));
      return true;
    }

    /// The names joined by '|', for Patterns::Selection.
    static std::string
    names(const std::string &separator = "|")
    {
      std::string out;
      for (const auto &e : entries())
        out += (out.empty() ? "" : separator) + e.first;
      return out;
    }

    /// The documentation of the selecting parameter: every name with its
    /// description.
    static std::string
    documentation(const std::string &what)
    {
      std::string out = "Name of the " + what + ". One of:";
      for (const auto &e : entries())
        out += "\n  '" + e.first + "': " + e.second.description;
      return out;
    }

    /// Declare the subsection of every plugin (each plugin declares its own
    /// parameters inside a subsection named after it).
    static void
    declare_all(dealii::ParameterHandler &prm)
    {
      for (const auto &e : entries())
        if (e.second.declare_parameters)
          {
            prm.enter_subsection(e.first);
            e.second.declare_parameters(prm);
            prm.leave_subsection();
          }
    }

    static std::unique_ptr<Interface>
    create(const std::string &name, const std::string &where)
    {
      const auto it = entries().find(name);
      require_input(it != entries().end(),
                    where,
                    name,
                    "one of " + names(", "));
      return it->second.create();
    }
  };
} // namespace septa

/// Register @p Class under @p name for @p Interface.  The class must have a
/// static declare_parameters(ParameterHandler &).
#define SEPTA_REGISTER_PLUGIN(Interface, Class, name, description)            \
  namespace                                                                   \
  {                                                                           \
    const bool registered_##Class =                                           \
      ::septa::Registry<Interface>::add(name,                                 \
                                        {description,                         \
                                         []() -> std::unique_ptr<Interface> { \
                                           return std::make_unique<Class>();  \
                                         },                                   \
                                         &Class::declare_parameters});        \
  }
