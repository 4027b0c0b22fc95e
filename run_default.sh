#!/usr/bin/env bash
# Set up, build and run the default scenario (params/compression.prm) on all
# cores; results go to output/compression/ (solution.pvd for ParaView,
# statistics.csv).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np "$(nproc)" build/septa params/compression.prm
echo "Results: $(pwd)/output/compression (open solution.pvd in ParaView)"
