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
