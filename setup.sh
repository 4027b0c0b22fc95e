#!/usr/bin/env bash
# Install what septa needs from Debian 12 packages and build it (Release).
# Used by both commands of the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"
# libopenblas0-serial replaces the reference BLAS under MUMPS's dense fronts (several times
# faster factorisations); serial because parallelism comes from MPI ranks.
# python3-paraview brings ParaView's Python scripting and VTK's Python modules (import vtk) for
# postprocess/ and the real-client tests; it conflicts with python3-vtk9 (and so with libvtk9-dev,
# which septa does not link), so those two are not installed.  xvfb: ParaView renders into a
# virtual X display on headless machines.  gmsh meshes the .geo files of meshes/ (tetrahedra,
# which septa splits into hexahedra on reading).  python3-matplotlib draws the treatment
# study's plots.
packages=(libdeal.ii-dev python3-paraview xvfb xauth libopenblas0-serial openmpi-bin cmake g++ make
  numdiff python3 python3-matplotlib clang-format gmsh)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${SEPTA_CMAKE_ARGS:-} > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
echo "septa built: build/septa"
