#!/usr/bin/env python3
"""Benchmark: the layered muscle/fat/skin block under 30 % compression at
about 1e4, 1e5 and 1e6 unknowns (Q2-P1 mixed), on 1 and 2 ranks.  Prints
unknowns, wall time, Newton iterations, average Krylov iterations per solve,
the time split, the peak memory per rank and the force on the skin (the
quarter model's applicator or plate force, N).

  python3 tests/benchmarks/layered_block.py [--sizes 1e4 1e5] [--ranks 1 2]
      [--variant indenter] [--septa build/septa] [--solver cg]
      [--preconditioner gamg] [--steps N] [--end-time 1]

--variant indenter (default) runs params/rounded_applicator.prm: a glued
cosine-shaped applicator of 40 mm diameter pressed 30 % of the tissue height
into a block that continues laterally (rollers on all sides, muscle bonded
to the bone).  Nothing in it is singular, so every size solves the same
problem (the force agrees to 0.3 % from 1e4 to 1e6).  Default: the whole
indentation as one load step (septa cuts it if Newton fails).

--variant sliding compresses the whole skin between frictionless plates
(bone side: z held; symmetry planes x- and y-; free sides): past about 19 %
(1e6) the fat creases at the free edge under the skin, which needs
self-contact (see README), so each size solves a different problem there.
--variant clamped is params/compression.prm's bonded bone with free sides:
the free side folds over the clamped bone edge, and once the mesh resolves
that fold (1e5 unknowns and up) every Newton trial past about 22 %
compression inverts an element.  Both default to 4 load steps.

--solver cg (default) measures the Krylov + AMG path that septa's 'auto'
takes above its 'Direct solver limit'; --solver auto or direct measures
MUMPS (what 'auto' uses at 1e4 and 1e5).

Each run works in a fresh /tmp/septa_bench_* folder (bench.prm, septa.log
with one console line per load step, statistics.csv), removed after a
successful run unless --keep.

--steps 12 --solver direct --count-negative-eigenvalues --keep: load steps
of 2.5 %, each tangent factorised by MUMPS and its negative eigenvalues
counted (statistics.csv): whether and where the block stops being stable.

--end-time 0.5 runs only the first half of the load.
Measures; asserts nothing.  The indenter at 1e6 unknowns takes about 15
minutes on 2 ranks of this machine (9.3 GB in all) and 26 minutes on 1
(7.8 GB)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, ".."))
from septa_test import read_statistics  # noqa: E402  (tests/septa_test.py)
# (lateral cells, cells per layer muscle/fat/skin): 3 (2nx+1)^2 (2nz+1) dofs.
MESHES = {"1e4": ((8, 8), (3, 3, 1)), "1e5": ((16, 16), (7, 6, 2)),
          "1e6": ((36, 36), (17, 14, 3))}


SLIDING = """
subsection Loads
  set Names = bone, plate, symmetry_x, symmetry_y
  subsection bone
    set Components = z
    set Values     = 0
  end
  subsection symmetry_x
    set Type       = displacement
    set Boundary   = x-
    set Components = x
    set Values     = 0
  end
  subsection symmetry_y
    set Type       = displacement
    set Boundary   = y-
    set Components = y
    set Values     = 0
  end
end
"""


PLATE_30 = """
subsection Loads
  subsection plate
    set Values = -10.95e-3
  end
end
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", nargs="+", default=["1e4", "1e5", "1e6"])
    p.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--solver", default="cg", choices=["cg", "auto", "direct"])
    p.add_argument("--end-time", type=float, default=1.0,
                   help="stop after this much of the load (0.25: the first of 4 steps, "
                        "7.5 %% compression) to measure large sizes in less time")
    p.add_argument("--preconditioner", default="gamg")
    p.add_argument("--steps", type=int, default=None,
                   help="load steps for the whole 30 %% (each step may be cut, never "
                        "grown past this size); default 1 for the indenter (Newton "
                        "takes the whole indentation at once), 4 for the plates")
    p.add_argument("--count-negative-eigenvalues", action="store_true",
                   help="with --solver direct: MUMPS counts the negative eigenvalues of "
                        "every tangent (statistics.csv column negative_eigenvalues; keep "
                        "the folder with --keep)")
    p.add_argument("--variant", default="indenter",
                   choices=["indenter", "sliding", "clamped"])
    p.add_argument("--keep", action="store_true",
                   help="keep each run's work folder (prm, septa.log, statistics.csv)")
    p.add_argument("--verbose", action="store_true",
                   help="Newton/Verbose in septa.log: residual norms of every Newton "
                        "iteration (PETSC_OPTIONS=-ksp_converged_reason adds each "
                        "Krylov solve's outcome and iteration count)")
    a = p.parse_args()
    if a.steps is None:
        a.steps = 1 if a.variant == "indenter" else 4
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    # indenter: params/rounded_applicator.prm as it is (its applicator goes
    # 30 % deep); sliding and clamped: params/compression.prm's plate moved
    # to 30 % of the height.
    base = open(os.path.join(ROOT, "params", "rounded_applicator.prm"
                             if a.variant == "indenter" else "compression.prm")).read()
    if a.variant != "indenter":
        base += {"sliding": SLIDING, "clamped": ""}[a.variant] + PLATE_30
    print("%-5s %5s %9s %8s %6s %8s %9s %9s %8s %10s %10s" % (
        "size", "ranks", "unknowns", "wall_s", "newton", "kry/sol", "assemb_s",
        "solve_s", "output_s", "peak_MB/rk", "force_N"))
    for size in a.sizes:
        (nx, ny), layers = MESHES[size]
        for ranks in a.ranks:
            work = tempfile.mkdtemp(prefix="septa_bench_")
            prm = os.path.join(work, "bench.prm")
            open(prm, "w").write(base + """
subsection Geometry
  set Lateral cells = %d, %d
  set Layer cells   = %d, %d, %d
end
subsection Linear solver
  set Solver                     = %s
  set Preconditioner             = %s
  set Count negative eigenvalues = %s
end
subsection Time
  set End time     = %g
  set Initial step = %.12g
  set Maximum step = %.12g
end
subsection Output
  set Directory     = %s
  set Every n steps = 0
  set Write fields  = false
end
subsection Newton
  set Verbose = %s
end
""" % (nx, ny, *layers, a.solver, a.preconditioner,
       "true" if a.count_negative_eigenvalues else "false", a.end_time,
       1.0 / a.steps, 1.0 / a.steps, work,
       "true" if a.verbose else "false"))
            cmd = ["mpirun", "--oversubscribe", "-np", str(ranks), a.septa, prm]
            # septa's console goes to a log in the work folder: a long run's
            # progress (one line per load step) can be followed there.
            log = os.path.join(work, "septa.log")
            with open(log, "w") as fh:
                subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
            out = open(log).read()
            m = re.search(r"SUMMARY (.*)", out)
            if not m:
                print("%-5s %5d  failed (log kept: %s):\n%s" % (
                    size, ranks, log, out[-1500:]), flush=True)
                continue
            # The skin's reaction at the end (the quarter model's indenter or
            # plate force): equal at every size when every size solves the
            # same problem.
            force = -read_statistics(os.path.join(work, "statistics.csv"))[-1][
                "reaction_skin_z"]
            if not a.keep:
                shutil.rmtree(work)
            f = dict(kv.split("=") for kv in m.group(1).split())
            newton = int(f["newton"])
            print("%-5s %5d %9s %8.1f %6d %8.1f %9.1f %9.1f %8.1f %10.0f %10.6f" % (
                size, ranks, f["dofs"], float(f["wall_s"]), newton,
                int(f["linear"]) / max(newton, 1), float(f["assembly_s"]),
                float(f["solve_s"]), float(f["output_s"]), float(f["peak_mb_max"]),
                force),
                flush=True)


if __name__ == "__main__":
    main()
