#!/usr/bin/env python3
"""Benchmark: the layered muscle/fat/skin block (params/compression.prm)
compressed by 30 % at about 1e4, 1e5 and 1e6 unknowns (Q2-P1 mixed), on 1
and 2 ranks.  Prints unknowns, wall time, Newton iterations, average Krylov
iterations per solve, the time split and the peak memory per rank.

  python3 tests/benchmarks/layered_block.py [--sizes 1e4 1e5] [--ranks 1 2]
      [--septa build/septa] [--solver cg] [--preconditioner gamg]

--solver cg (default) measures the Krylov + AMG path that septa's 'auto'
takes above its 'Direct solver limit'; --solver auto or direct measures
MUMPS (what 'auto' uses at 1e4 and 1e5).

--bone sliding (default) compresses the stack between frictionless plates
(bone side: z held; symmetry planes x- and y-: a quarter of an 80 x 80 mm
block), the unconfined compression test of tissue mechanics.  --bone clamped
keeps params/compression.prm's bonded bone with free sides: there the free
side folds over the clamped bone edge, and once the mesh resolves that fold
(1e5 unknowns and up) every Newton trial past about 22 % compression inverts
an element, so that variant measures cut-backs, not scaling.

Each run works in a fresh /tmp/septa_bench_* folder (bench.prm, septa.log
with one console line per load step, statistics.csv), removed after a
successful run unless --keep.

--steps 12 --solver direct --count-negative-eigenvalues --keep: load steps
of 2.5 %, each tangent factorised by MUMPS and its negative eigenvalues
counted (statistics.csv): where the block stops being stable.

--end-time 0.25 runs only the first load step (Krylov iterations per solve
and memory at 1e6 in about a quarter of the time).
Measures; asserts nothing.  At 1e6 unknowns the first load step takes about
10 minutes on 2 ranks of this machine (9 GB in all), the first two (--end-time
0.5, 15 %) 19 minutes on 2 ranks and 35 on 1; past about 19 % the 1e6 block
creases at its free edge under the skin (see README) and the whole 30 % takes
more than two hours on 2 ranks."""
import argparse
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
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
    p.add_argument("--steps", type=int, default=4,
                   help="load steps for the whole 30 %% (each step may be cut, never "
                        "grown past this size)")
    p.add_argument("--count-negative-eigenvalues", action="store_true",
                   help="with --solver direct: MUMPS counts the negative eigenvalues of "
                        "every tangent (statistics.csv column negative_eigenvalues; keep "
                        "the folder with --keep)")
    p.add_argument("--bone", default="sliding", choices=["sliding", "clamped"])
    p.add_argument("--keep", action="store_true",
                   help="keep each run's work folder (prm, septa.log, statistics.csv)")
    p.add_argument("--verbose", action="store_true",
                   help="Newton/Verbose in septa.log: residual norms of every Newton "
                        "iteration (PETSC_OPTIONS=-ksp_converged_reason adds each "
                        "Krylov solve's outcome and iteration count)")
    a = p.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    base = open(os.path.join(ROOT, "params", "compression.prm")).read()
    print("%-5s %5s %9s %8s %6s %8s %9s %9s %8s %10s" % (
        "size", "ranks", "unknowns", "wall_s", "newton", "kry/sol", "assemb_s",
        "solve_s", "output_s", "peak_MB/rk"))
    for size in a.sizes:
        (nx, ny), layers = MESHES[size]
        for ranks in a.ranks:
            work = tempfile.mkdtemp(prefix="septa_bench_")
            prm = os.path.join(work, "bench.prm")
            open(prm, "w").write(base + (SLIDING if a.bone == "sliding" else "") + """
subsection Geometry
  set Lateral cells = %d, %d
  set Layer cells   = %d, %d, %d
end
subsection Loads
  subsection plate
    set Values = -10.95e-3
  end
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
            if not a.keep:
                shutil.rmtree(work)
            f = dict(kv.split("=") for kv in m.group(1).split())
            newton = int(f["newton"])
            print("%-5s %5d %9s %8.1f %6d %8.1f %9.1f %9.1f %8.1f %10.0f" % (
                size, ranks, f["dofs"], float(f["wall_s"]), newton,
                int(f["linear"]) / max(newton, 1), float(f["assembly_s"]),
                float(f["solve_s"]), float(f["output_s"]), float(f["peak_mb_max"])),
                flush=True)


if __name__ == "__main__":
    main()
