#include <core/input_error.h>
#include <core/load_curve.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <limits>

namespace septa
{
  LoadCurve::LoadCurve(const std::string &text, const std::string &where)
  {
    const std::string trimmed = dealii::Utilities::trim(text);
    if (trimmed == "constant" || trimmed.empty())
      return;
    times.clear();
    values.clear();
    const std::string allowed =
      "a list 't0:v0, t1:v1, ...' with increasing times, or one number";
    for (const auto &pair : dealii::Utilities::split_string_list(trimmed, ','))
      {
        const auto tv = dealii::Utilities::split_string_list(pair, ':');
        try
          {
            if (tv.size() == 1 && times.empty())
              {
                times.push_back(0.0);
                values.push_back(dealii::Utilities::string_to_double(tv[0]));
                continue;
              }
            require_input(tv.size() == 2, where, text, allowed);
            times.push_back(dealii::Utilities::string_to_double(tv[0]));
            values.push_back(dealii::Utilities::string_to_double(tv[1]));
          }
        catch (const InputError &)
          {
            throw;
          }
        catch (...)
          {
            require_input(false, where, text, allowed);
          }
        require_input(times.size() < 2 ||
                        times[times.size() - 1] > times[times.size() - 2],
                      where,
                      text,
                      allowed);
      }
    require_input(!times.empty(), where, text, allowed);
  }


  LoadCurve::LoadCurve(std::vector<double> times, std::vector<double> values)
    : times(std::move(times))
    , values(std::move(values))
  {
  }


  double
  LoadCurve::next_knot(const double t) const
  {
    const auto it = std::upper_bound(times.begin(), times.end(), t);
    return it == times.end() ? std::numeric_limits<double>::infinity() : *it;
  }


  double
  LoadCurve::held_value(const double t) const
  {
    const auto it = std::upper_bound(times.begin(), times.end(), t);
    return it == times.begin() ? values.front()
                               : *(values.begin() + (it - times.begin() - 1));
  }


  double
  LoadCurve::value(const double t) const
  {
    if (t <= times.front())
      return values.front();
    if (t >= times.back())
      return values.back();
    const auto   it = std::upper_bound(times.begin(), times.end(), t);
    const auto   i  = static_cast<std::size_t>(it - times.begin());
    const double s  = (t - times[i - 1]) / (times[i] - times[i - 1]);
    return (1.0 - s) * values[i - 1] + s * values[i];
  }


  const char *
  LoadCurve::documentation()
  {
    return "Load curve: piecewise-linear factor over (pseudo-)time as "
           "'t0:v0, t1:v1, ...' (constant before the first and after the "
           "last point), a single number, or 'constant' (= 1).";
  }
} // namespace septa
