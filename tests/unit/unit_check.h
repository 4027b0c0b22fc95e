// Reporting shared by the unit-test programs: one line per check, a count
// of failures, and the exit code from it.
#ifndef septa_tests_unit_check_h
#define septa_tests_unit_check_h

#include <iostream>
#include <sstream>
#include <string>

namespace septa::unit
{
  inline int failures = 0;

  /// Print @p what as passed or failed and count failures.
  inline void
  expect(const bool ok, const std::string &what)
  {
    std::cout << (ok ? "  ok    " : "  FAIL  ") << what << std::endl;
    if (!ok)
      ++failures;
  }

  /// err <= tol, false for NaN: every tolerance check goes through here.
  inline bool
  within(const double err, const double tol)
  {
    return err <= tol; // any comparison with NaN is false
  }

  /// The largest error seen; once a NaN is seen it stays NaN (std::max
  /// would keep the old value and lose it), so within() then fails.
  struct Worst
  {
    double value = 0.0;

    void
    add(const double e)
    {
      if (value == value && !(e <= value))
        value = e;
    }
  };

  /// @p v with @p digits significant digits, for messages.
  inline std::string
  num(const double v, const int digits = 10)
  {
    std::ostringstream s;
    s.precision(digits);
    s << v;
    return s.str();
  }

  /// Print the summary line and return the program's exit code.
  inline int
  finish()
  {
    std::cout << (failures ? "FAILED: " + std::to_string(failures) : "passed")
              << std::endl;
    return failures ? 1 : 0;
  }
} // namespace septa::unit

#endif
