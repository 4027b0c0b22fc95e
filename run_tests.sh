#!/usr/bin/env bash
# Set up, build and run the test suite: formatting check, then ctest.
# SEPTA_LONG=1 also runs the long verification tests (mesh convergence,
# step-44 block, full roller scenario); they take about 45 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${SEPTA_LONG:-0}" = 1 ]; then
  export SEPTA_CMAKE_ARGS="-DSEPTA_LONG_TESTS_ENABLED=ON"
else
  export SEPTA_CMAKE_ARGS="-DSEPTA_LONG_TESTS_ENABLED=OFF"
fi
./setup.sh
echo "clang-format check"
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find solver tests -name '*.cc' -o -name '*.h')
clang-format --dry-run -Werror $files
cd build
ctest --output-on-failure
