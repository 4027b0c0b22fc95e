#pragma once

#include <stdexcept>
#include <string>

namespace septa
{
  /**
   * An error in what the user gave us: the parameter file, a mesh, a value.
   * main() prints the message once (on rank 0) and every rank exits with a
   * non-zero code.  The message must name the file, the parameter, the value
   * and what is allowed, so that the user can fix the input without reading
   * code.
   */
  class InputError : public std::runtime_error
  {
  public:
    explicit InputError(const std::string &message)
      : std::runtime_error(message)
    {
    }
  };

  /**
   * Throw an InputError unless @p condition holds.  @p where names the file
   * and parameter ("run.prm: Geometry/Layered block/Layer thicknesses"),
   * @p value the offending value and @p allowed what would be accepted.
   */
  inline void
  require_input(const bool         condition,
                const std::string &where,
                const std::string &value,
                const std::string &allowed)
  {
    if (!condition)
      throw InputError(where + " = '" + value + "' is not allowed: expected " +
                       allowed + ".");
  }

  /**
   * Raised when the nonlinear solve cannot go on (Newton diverged below the
   * minimum step, linear solver failure that cut-back cannot cure).
   */
  class SolveError : public std::runtime_error
  {
  public:
    explicit SolveError(const std::string &message)
      : std::runtime_error(message)
    {
    }
  };
} // namespace septa
