#!/usr/bin/env python3
"""Benchmark: the cost of checkpoints, restarts and adaptive refinement on
params/restart_stimulated.prm (stimulated muscle with force-velocity,
viscoelastic fat: every quadrature point has history) at about 1e4 and
1e5 unknowns.  For each size: 3 load steps of 0.1 s on --ranks ranks with
a checkpoint after every step (seconds per checkpoint, its size on disk),
then a resume from the step-2 checkpoint on each of --resume-ranks (seconds
to load mesh, displacements and histories; the last row must equal the
uninterrupted run's, printed as the largest relative difference), and a
run with one Kelly refinement of 10 % of the cells after step 1 (seconds
for estimating, marking, transferring displacements and histories and
repartitioning; cells before and after).

  python3 tests/benchmarks/checkpoint_restart.py [--sizes 1e4 1e5]
      [--ranks 2] [--resume-ranks 1 2 3] [--septa build/septa]

Measures; asserts nothing.  Work folders /tmp/septa_ckpt_* are removed
unless --keep."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
from septa_test import read_statistics  # noqa: E402  (tests/septa_test.py)
# (lateral cells, cells per layer muscle/fat/skin), as layered_block.py.
MESHES = {"1e4": ((8, 8), (3, 3, 1)), "1e5": ((16, 16), (7, 6, 2))}


def timer_section(log, name):
    """Wall seconds of a section of the timing table (0 if absent)."""
    m = re.search(r"^\|\s*%s\s*\|\s*\d+\s*\|\s*([0-9.e+-]+)s" % re.escape(name), log, re.M)
    return float(m.group(1)) if m else 0.0


def run(binary, prm, ranks, extra=()):
    cmd = [binary, prm] + list(extra)
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(ranks)] + cmd
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - start
    if p.returncode != 0:
        sys.exit("septa failed (%d):\n%s" % (p.returncode, p.stdout[-3000:]))
    return p.stdout, wall


def size_mb(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder)
               for f in fs) / 2 ** 20


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", nargs="+", default=["1e4", "1e5"])
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--resume-ranks", nargs="+", type=int, default=[1, 2, 3])
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    base = open(os.path.join(ROOT, "params", "restart_stimulated.prm")).read()
    base = base.replace("include params/", "include %s/params/" % ROOT)
    print("%-5s %8s %6s %12s %9s %14s %12s %16s" % (
        "size", "unknowns", "ranks", "checkpoint_s", "size_MB", "resume(ranks)_s",
        "max_rel_diff", "refine_s(cells)"))
    for size in args.sizes:
        (nx, ny), layers = MESHES[size]
        work = tempfile.mkdtemp(prefix="septa_ckpt_%s_" % size)
        text = base + ("subsection Geometry\n set Lateral cells = %d, %d\n"
                       " set Layer cells = %d, %d, %d\nend\n"
                       "subsection Time\n set End time = 0.3\nend\n"
                       "subsection Linear solver\n set Solver = auto\nend\n"
                       "subsection Output\n set Write fields = false\n set Directory = %s\nend\n"
                       "subsection Checkpoint\n set Every n steps = 1\nend\n"
                       % ((nx, ny) + layers + (os.path.join(work, "run"),)))
        prm = os.path.join(work, "bench.prm")
        open(prm, "w").write(text)
        log, _ = run(args.septa, prm, args.ranks)
        dofs = int(re.search(r"SUMMARY dofs=(\d+)", log).group(1))
        calls = len(re.findall(r"^  checkpoint ", log, re.M))
        per_checkpoint = timer_section(log, "checkpoint") / max(calls, 1)
        folder = os.path.join(work, "run", "checkpoints", "step-000002")
        megabytes = size_mb(folder)
        reference = read_statistics(os.path.join(work, "run", "statistics.csv"))[-1]
        resumes, diff = [], 0.0
        for r in args.resume_ranks:
            log_r, _ = run(args.septa, prm, r, ["--resume", folder])
            resumes.append("%.2f(%d)" % (timer_section(log_r, "mesh") +
                                         timer_section(log_r, "setup"), r))
            last = read_statistics(os.path.join(work, "run", "statistics.csv"))[-1]
            for k, v in reference.items():
                if k in ("newton_iterations", "linear_iterations"):
                    continue
                scale = max(abs(v), abs(last[k]))
                if scale > 1e-9:
                    diff = max(diff, abs(v - last[k]) / scale)
        refined = text + ("subsection Adaptive refinement\n set Every n steps = 1\n"
                          " set Indicators = kelly\n set Refine fraction = 0.1\n"
                          " set Max level = 1\nend\n"
                          "subsection Checkpoint\n set Every n steps = 0\nend\n"
                          "subsection Time\n set End time = 0.2\nend\n")
        open(prm, "w").write(refined)
        log_a, _ = run(args.septa, prm, args.ranks)
        cells = re.findall(r"(\d+) cells, \d+ MPI rank", log_a)
        print("%-5s %8d %6d %12.2f %9.1f %14s %12.1e %16s" % (
            size, dofs, args.ranks, per_checkpoint, megabytes, " ".join(resumes), diff,
            "%.2f(%s->%s)" % (timer_section(log_a, "refinement"), cells[0], cells[-1])))
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
