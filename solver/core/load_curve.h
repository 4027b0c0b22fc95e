#pragma once

#include <string>
#include <vector>

namespace septa
{
  /**
   * A piecewise-linear function of (pseudo-)time given as a table
   * "t0:v0, t1:v1, ...".  Constant outside the table.  The word "constant"
   * or a single number means a constant factor.
   */
  class LoadCurve
  {
  public:
    LoadCurve() = default;

    /// Parse @p text; @p where names the file and parameter for messages.
    LoadCurve(const std::string &text, const std::string &where);

    /// From knots with increasing @p times (not checked here).
    LoadCurve(std::vector<double> times, std::vector<double> values);

    double
    value(const double t) const;

    /// Piecewise-constant reading of the table: the value of the last knot
    /// at or before @p t (the first value before the first knot).
    double
    held_value(const double t) const;

    /// The first knot time after @p t, +infinity if there is none.
    double
    next_knot(const double t) const;

    /// Documentation string shared by every "Load curve" parameter.
    static const char *
    documentation();

  private:
    std::vector<double> times{0.0};
    std::vector<double> values{1.0};
  };
} // namespace septa
