#!/usr/bin/env python3
"""Benchmark: septa against deal.II's step-44 on the Reese-Wriggers-Reddy
block (Q2-P1 three-field, nu = 0.4999, p/p0 = 100).

  python3 tests/benchmarks/step44_compare.py [--refinements 3 4] [--ranks 1 2]
      [--step44-runs DIR] [--skip-step44] [--step44-load-steps 4]
      [--septa build/septa]

step-44 is built once (Release) from the sources Debian ships in
libdeal.ii-doc (/usr/share/doc/libdeal.ii-doc/examples/step-44) in a scratch
folder outside the repository and run with its own parameters.prm, changing
only 'Global refinement'.  Its top-midpoint displacement is read from its
last VTU (written on the deformed grid) with postprocess/septa_probe.py.
septa runs tests/cases/step44_block.prm at the same mesh with the whole load
in one step.  Prints wall times, the speed-up and both displacements.

step-44 at refinement 4 takes hours: --step44-runs DIR reuses (or leaves)
its runs in DIR/r<N> (out.log, time.log from /usr/bin/time -v and the VTUs);
a run that has not finished is reported with its progress, the time it ran
(a lower bound of its total, so elapsed / septa's time is a measured lower
bound of the speed-up) and a projection of its total time from the CG
iterations per load step at refinement 3.

--step44-load-steps N also runs step-44 with the whole load in N steps instead
of 10 (DIR/r<N>_<N>steps): the same equilibrium (hyperelastic, path
independent) in fewer Newton solves, to have step-44's displacement at full
load when its shipped 10-step run does not fit in the time one has (at
refinement 4 it outlasts a 3-hour session on this machine).  That run's time
is not used for the speed-up.  Measures; asserts nothing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
from septa_test import read_statistics  # noqa: E402  (tests/septa_test.py)
EXAMPLE = "/usr/share/doc/libdeal.ii-doc/examples/step-44"
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def build_step44(folder):
    exe = os.path.join(folder, "step-44")
    if os.path.isfile(exe):
        return exe
    if not os.path.isdir(EXAMPLE):
        sys.exit("step44_compare: %s missing: apt-get install libdeal.ii-doc" % EXAMPLE)
    os.makedirs(folder, exist_ok=True)
    for f in ("step-44.cc", "CMakeLists.txt", "parameters.prm"):
        shutil.copy(os.path.join(EXAMPLE, f), folder)
    subprocess.run(["cmake", "-DCMAKE_BUILD_TYPE=Release",
                    "-DDEAL_II_DIR=/usr/share/cmake/deal.II", "."], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["make"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return exe


def cg_iterations_per_step(log):
    """CG iterations of each load step in a step-44 out.log."""
    steps, current = [], None
    for line in open(log):
        if line.startswith("Timestep"):
            current = 0
            steps.append(0)
        m = re.match(r"\s+\d+\s+\S+\s+ASM_SYS.*\|\s+(\d+)\s", line)
        if m and current is not None:
            steps[-1] += int(m.group(1))
    return steps


def wall_seconds(time_log):
    for line in open(time_log):
        if "Elapsed (wall clock)" in line:
            parts = [float(p) for p in line.split()[-1].split(":")]
            return sum(p * 60 ** k for k, p in enumerate(reversed(parts)))
    return None


def step44_run(exe, folder, refinement, load_steps=10):
    """Run step-44 in folder (unless it already ran there); return its log paths."""
    os.makedirs(folder, exist_ok=True)
    log, tlog = os.path.join(folder, "out.log"), os.path.join(folder, "time.log")
    if not os.path.isfile(log):
        prm = open(os.path.join(os.path.dirname(exe), "parameters.prm")).read()
        prm = re.sub(r"set Global refinement\s*=\s*\d+", "set Global refinement   = %d" % refinement, prm)
        if load_steps != 10:
            # step-44 steps while t < End time and ramps the load with
            # t / End time: with dt = 1/N summing exactly to 1 it would stop one
            # step short, so End time is 1 + 1e-7 (load 1 - 1e-7 at the end).
            prm = re.sub(r"set Time step size\s*=\s*\S+", "set Time step size = %r" % (1.0 / load_steps), prm)
            prm = re.sub(r"set End time\s*=\s*\S+", "set End time       = 1.0000001", prm)
        open(os.path.join(folder, "parameters.prm"), "w").write(prm)
        with open(log, "w") as out, open(tlog, "w") as err:
            subprocess.run(["/usr/bin/time", "-v", exe], cwd=folder, stdout=out, stderr=err)
    return log, tlog


def top_displacement_step44(folder, load_steps=10):
    vtus = sorted((int(m.group(1)), f) for f in os.listdir(folder)
                  for m in [re.match(r"solution-3d-(\d+)\.vtu$", f)] if m)
    if not vtus or vtus[-1][0] != load_steps:
        return None
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "postprocess", "septa_probe.py"),
                          os.path.join(folder, vtus[-1][1]), "--unwarp", "displacement",
                          "--point", "0,0.001,0"], capture_output=True, text=True, check=True)
    return -float(out.stdout.splitlines()[1].split(",")[5]) * 1e3  # y is up in step-44


def septa_run(septa, refinement, ranks, work):
    text = open(os.path.join(ROOT, "tests", "cases", "step44_block.prm")).read()
    text += """
subsection Geometry
  set Global refinements = %d
end
subsection Time
  set Initial step = 1
  set Maximum step = 1
end
subsection Linear solver
  set Solver = auto
end
subsection Output
  set Directory = %s
end
""" % (refinement - 1, work)
    prm = os.path.join(work, "step44.prm")
    open(prm, "w").write(text)
    out = subprocess.run(["mpirun", "--oversubscribe", "-np", str(ranks), septa, prm],
                         capture_output=True, text=True, env=ENV)
    if out.returncode != 0:
        sys.exit("septa failed:\n" + out.stdout[-2000:] + out.stderr[-2000:])
    summary = dict(kv.split("=") for kv in
                   [l for l in out.stdout.splitlines() if l.startswith("SUMMARY")][0].split()[1:])
    top = read_statistics(os.path.join(work, "statistics.csv"))[-1]["u_top centre_z"]
    return float(summary["wall_s"]), int(summary["newton"]), float(summary["peak_mb_max"]), -top * 1e3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--refinements", nargs="+", type=int, default=[3])
    p.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--step44-runs", help="folder for (or with) step-44 runs")
    p.add_argument("--skip-step44", action="store_true",
                   help="only report step-44 runs already in --step44-runs")
    p.add_argument("--step44-load-steps", type=int,
                   help="also run step-44 with the load in this many steps (displacement only)")
    a = p.parse_args()
    runs = a.step44_runs or tempfile.mkdtemp(prefix="step44_")
    exe = build_step44(os.path.join(runs, "build"))
    reference = None  # CG iterations per load step at refinement 3
    print("%-4s %-12s %10s %8s %10s %16s %12s %9s" % ("ref", "program", "wall_s", "newton",
                                                     "peak_MB/rk", "speedup", "u_top_mm", "vs_44_%"))
    for r in sorted(a.refinements):
        t44, at_least, u_ref = None, None, None
        folder = os.path.join(runs, "r%d" % r)
        if a.skip_step44 and not os.path.isfile(os.path.join(folder, "out.log")):
            print("%-4d step-44      (no run in %s)" % (r, folder))
        else:
            log, tlog = step44_run(exe, folder, r)
            t44 = wall_seconds(tlog) if os.path.isfile(tlog) else None
            its = cg_iterations_per_step(log)
            if r == 3 and t44:
                reference = its
            u_ref = top_displacement_step44(folder)
            if t44 is not None and u_ref is not None:
                print("%-4d %-12s %10.1f %8s %10s %16s %12.6f" % (r, "step-44", t44, "-", "-", "1", u_ref))
            else:
                # Unfinished: the time it ran is a lower bound of its total;
                # the projection assumes a constant time per CG iteration and
                # the refinement-3 growth of CG iterations over the load steps.
                done = sum(its)
                finished = max(len(its) - 1, 0)
                at_least = os.path.getmtime(log) - os.path.getmtime(os.path.join(folder, "parameters.prm"))
                t44 = None
                if reference and finished:
                    expected = sum(its[:finished]) * sum(reference) / sum(reference[:finished])
                    t44 = at_least * expected / done
                print("%-4d step-44      unfinished: %d of 10 load steps, %d CG iterations in %.0f s%s"
                      % (r, finished, done, at_least,
                         "; projected total %.0f s" % t44 if t44 else ""))
        if a.step44_load_steps:
            n = a.step44_load_steps
            nfolder = os.path.join(runs, "r%d_%dsteps" % (r, n))
            if a.skip_step44 and not os.path.isfile(os.path.join(nfolder, "out.log")):
                print("%-4d step-44/%-2d   (no run in %s)" % (r, n, nfolder))
            else:
                log, tlog = step44_run(exe, nfolder, r, n)
                tn = wall_seconds(tlog) if os.path.isfile(tlog) else None
                un = top_displacement_step44(nfolder, n)
                print("%-4d %-12s %10s %8s %10s %16s %12s" % (
                    r, "step-44/%d" % n, "%.1f" % tn if tn else "-", "-", "-", "(n/a)",
                    "%.6f" % un if un is not None else "unfinished"))
                if u_ref is None:
                    u_ref = un
        for ranks in a.ranks:
            work = tempfile.mkdtemp(prefix="septa_s44_")
            wall, newton, mem, u = septa_run(a.septa, r, ranks, work)
            if at_least:
                speedup = ">=%.1f" % (at_least / wall) + (" p%.1f" % (t44 / wall) if t44 else "")
            else:
                speedup = "%.1f" % (t44 / wall) if t44 else "-"
            diff = "%.4f" % (100 * (u - u_ref) / u_ref) if u_ref else "-"
            print("%-4d %-12s %10.1f %8d %10.0f %16s %12.6f %9s" % (r, "septa np%d" % ranks, wall, newton,
                                                                 mem, speedup, u, diff))
            shutil.rmtree(work, ignore_errors=True)
    print("speedup: step-44 / septa wall time; for an unfinished step-44, >= is from the time it "
          "ran (a measured lower bound) and p from its projected total; vs_44_%: septa's top displacement against step-44's at "
          "full load (its shipped run, else its run with fewer load steps)")


if __name__ == "__main__":
    main()
