#!/usr/bin/env python3
"""Parameter sweep: one septa run per combination of parameter values.

    python3 cluster/sweep.py params/stimulated_block.prm --out sweeps/freq \\
        --set "Materials/muscle/Activation/Frequency=5,20,50" \\
        --set "Time/End time=3" --ranks 2 --collect un_max_skin activation_muscle

Each --set PATH=v1,v2,... names a parameter by its subsection path and the
values to try; the runs are the Cartesian product of all --set options.
For every run the base file is copied to OUT/run_NNN/input.prm with the
values appended as 'set' lines (later lines win in a deal.II parameter
file) and the output directory set to OUT/run_NNN.  Then:
  --run (default)  runs them one after the other with mpirun -np RANKS,
  --slurm          writes OUT/run_NNN/job.sh for sbatch and prints the
                   sbatch commands (cluster/slurm_job.sh settings),
  --collect COL..  after the runs, prints a CSV table: the swept values and,
                   for each column of statistics.csv, its value at the last
                   row (--reduce last) or its max/min over all rows.
Runs whose statistics.csv does not end with '# completed' are reported as
'failed' in the table, never as numbers.  Paths in the base file (include,
mesh files) are relative to the working directory, as for septa itself:
run from the repository root."""
import argparse
import csv
import io
import itertools
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def block(path, value):
    """'A/B/entry', v -> nested subsections setting entry = v."""
    parts = path.split("/")
    text = ""
    for depth, name in enumerate(parts[:-1]):
        text += " " * depth + "subsection %s\n" % name
    text += " " * (len(parts) - 1) + "set %s = %s\n" % (parts[-1], value)
    for depth in reversed(range(len(parts) - 1)):
        text += " " * depth + "end\n"
    return text


def write_job(folder, name, ranks, septa, prm):
    """FOLDER/job.sh: an sbatch script running septa on PRM with RANKS
    tasks (cluster/slurm_job.sh settings); returns its path."""
    job = os.path.join(folder, "job.sh")
    open(job, "w").write(
        "#!/usr/bin/env bash\n#SBATCH --job-name=%s\n"
        "#SBATCH --ntasks=%d\n#SBATCH --time=02:00:00\n"
        "#SBATCH --output=%s/septa-%%j.log\nset -euo pipefail\n"
        "srun %s %s\n" % (name, ranks, folder, septa, prm))
    return job


def run_septa(folder, ranks, septa, prm):
    """Run septa on PRM (mpirun -np RANKS if more than one), its output in
    FOLDER/septa.log; returns the exit code."""
    cmd = [septa, prm]
    if ranks > 1:
        cmd = ["mpirun", "--oversubscribe", "-np", str(ranks)] + cmd
    with open(os.path.join(folder, "septa.log"), "w") as log:
        return subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)


def read_statistics(path):
    if not os.path.isfile(path):
        return None
    lines = open(path).read().splitlines()
    if not lines or not lines[-1].startswith("# completed"):
        return None
    return list(csv.DictReader(io.StringIO(
        "\n".join(l for l in lines if not l.startswith("#")))))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", help="parameter file to start from")
    p.add_argument("--out", required=True, help="folder for the runs")
    p.add_argument("--set", action="append", default=[], metavar="PATH=V1,V2",
                   help="parameter path and values (repeatable)")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--slurm", action="store_true", help="write sbatch jobs instead of running")
    p.add_argument("--collect", nargs="*", default=[], help="statistics.csv columns")
    p.add_argument("--reduce", choices=["last", "max", "min"], default="last")
    a = p.parse_args()

    sweeps = []
    for s in a.set:
        if "=" not in s or not s.split("=", 1)[1].strip():
            sys.exit("sweep.py: --set '%s' is not allowed: expected PATH=V1,V2,..." % s)
        path, values = s.split("=", 1)
        sweeps.append((path.strip(), [v.strip() for v in values.split(",")]))
    if not sweeps:
        sys.exit("sweep.py: nothing to sweep: give at least one --set PATH=V1,V2,...")
    base = open(a.base).read()
    combos = list(itertools.product(*[v for _, v in sweeps]))
    os.makedirs(a.out, exist_ok=True)
    failed = 0
    rows = []
    for k, combo in enumerate(combos):
        folder = os.path.abspath(os.path.join(a.out, "run_%03d" % k))
        os.makedirs(folder, exist_ok=True)
        text = base + "\n# sweep\n"
        for (path, _), value in zip(sweeps, combo):
            text += block(path, value)
        text += block("Output/Directory", folder)
        prm = os.path.join(folder, "input.prm")
        open(prm, "w").write(text)
        if a.slurm:
            print("sbatch %s" % write_job(folder, "septa-sweep-%03d" % k, a.ranks, a.septa, prm))
            continue
        rc = run_septa(folder, a.ranks, a.septa, prm)
        print("run_%03d %s: exit %d" % (k, ", ".join("%s=%s" % (s[0], v)
                                                   for s, v in zip(sweeps, combo)), rc),
              file=sys.stderr)
        failed += rc != 0
        rows.append((combo, read_statistics(os.path.join(folder, "statistics.csv"))))
    if a.slurm or not a.collect:
        return 1 if failed else 0
    out = csv.writer(sys.stdout)
    out.writerow([path for path, _ in sweeps] + ["%s_%s" % (c, a.reduce) for c in a.collect])
    for combo, stats in rows:
        if stats is None:
            out.writerow(list(combo) + ["failed"] * len(a.collect))
            continue
        values = []
        for c in a.collect:
            if c not in stats[0]:
                sys.exit("sweep.py: column '%s' is not in statistics.csv (columns: %s)"
                         % (c, ", ".join(stats[0])))
            column = [float(r[c]) for r in stats]
            values.append({"last": column[-1], "max": max(column), "min": min(column)}[a.reduce])
        out.writerow(list(combo) + ["%.10g" % v for v in values])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
