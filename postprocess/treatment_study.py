#!/usr/bin/env python3
"""Cellulite treatment study: one baseline and one run per treatment on the
same cellulite patch, then a comparison table and plots.

    python3 postprocess/treatment_study.py params/cellulite_standing.prm \\
        --out studies/standing --ranks 2

The base file must use 'Geometry/Type = cellulite patch' (see the README).
Each treatment changes the patch as its mechanism does:

  subcision      the septa cut within --subcision-radius of the centre
                 (Geometry/Released radius; the fascia stays);
  fat_reduction  the fat layer thinner by --fat-reduction (default 0.157:
                 subcutaneous fat -15.7 % on ultrasound 2 months after
                 electromagnetic abdomen and buttock treatments, Giesse
                 2021, J Clin Aesthet Dermatol 14(1):30);
  muscle         the muscle layer thicker by --muscle-gain (default 0.108:
                 gluteal muscle volume +10.81 % on MRI 1 month after HIFEM
                 treatments, Dermatol Surg 2021;47(3):386, 'MRI evaluation
                 of changes in gluteal muscles after treatments with the
                 high-intensity focused electromagnetic procedure'; a patch
                 held laterally gains it as thickness);
  dermis         the dermis thicker by --dermis-thickening (0.2) and stiffer
                 by --dermis-stiffening (1.5 x its shear modulus): collagen
                 induction; both assumed, no measured values found.

Runs go to OUT/<name>/ (input.prm, septa.log, statistics.csv, fields), one
after the other with mpirun -np RANKS; --slurm writes OUT/<name>/job.sh
instead and prints the sbatch commands (as cluster/sweep.py --slurm), and
--report later only collects.  --set PATH=VALUE (repeatable) changes every
run, e.g. --set "Geometry/Septa refinement=1" for a quick look.

Written: OUT/treatments.csv and OUT/treatments.md (per run the last row's
skin roughness Sa, Sq, Sp, Sv, St of the skin against its Gaussian fit,
depressions and their area, the skin's mean normal displacement and
height above the bone (sum of the layers + un_mean_skin), peak compressive
strain and von Mises stress of the fat, and each metric's change against
the baseline in %), and OUT/roughness.png, OUT/strains.png (bar charts).
A run that did not complete is reported as 'failed', never as numbers, and
the exit code is 1."""
import argparse
import csv
import io
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "cluster"))
from sweep import block, read_statistics, run_septa, write_job  # noqa: E402

METRICS = [("Sa_skin", "Sa (mm)", 1e3), ("Sq_skin", "Sq (mm)", 1e3),
           ("Sp_skin", "Sp (mm)", 1e3), ("Sv_skin", "Sv (mm)", 1e3),
           ("St_skin", "St (mm)", 1e3), ("depressions_skin", "depressions", 1),
           ("depression_area_skin", "depression area (mm^2)", 1e6),
           ("un_mean_skin", "skin un mean (mm)", 1e3),
           ("skin_height", "skin height (mm)", 1e3),
           ("compression_max_fat", "fat peak compressive strain", 1),
           ("von_mises_max_fat", "fat peak von Mises (Pa)", 1)]
TREATMENTS = ["baseline", "subcision", "fat_reduction", "muscle", "dermis"]


def effective(path):
    """The 'set' values of a parameter file after its includes (relative to
    the working directory, as septa reads them), by subsection path."""
    values, stack = {}, []
    for line in open(path).read().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("include "):
            for k, v in effective(line[8:].strip()).items():
                values["/".join(stack + [k])] = v
        elif line.startswith("subsection "):
            stack.append(line[11:].strip())
        elif line == "end":
            stack.pop()
        elif line.startswith("set ") and "=" in line:
            name, value = line[4:].split("=", 1)
            values["/".join(stack + [name.strip()])] = value.strip()
    return values


def fail(message):
    sys.exit("treatment_study.py: " + message)


def treatments(values, a):
    """Name -> (changes as PATH: VALUE, thicknesses in mesh units)."""
    if values.get("Geometry/Type") != "cellulite patch":
        fail("%s: Geometry/Type = '%s' is not allowed: expected 'cellulite patch'"
             % (a.base, values.get("Geometry/Type")))
    names = [n.strip() for n in values.get("Geometry/Layer names", "muscle, fat, skin").split(",")]
    thick = [float(t) for t in values.get("Geometry/Layer thicknesses", "0.01, 0.015, 0.0015")
             .split(",")]
    for layer in ("muscle", "fat", "skin"):
        if layer not in names:
            fail("%s: Geometry/Layer names = '%s' is not allowed: expected layers "
                 "named muscle, fat and skin" % (a.base, ", ".join(names)))

    def scaled(layer, factor):
        t = list(thick)
        t[names.index(layer)] *= factor
        return t
    mu = values.get("Materials/skin/Shear modulus")
    if mu is None:
        fail("%s: Materials/skin/Shear modulus is missing: the dermis treatment "
             "scales it" % a.base)
    lateral = [float(v) for v in values.get("Geometry/Lateral size", "0.04, 0.04").split(",")]
    radius = a.subcision_radius if a.subcision_radius is not None else 0.3 * min(lateral)
    out = {"baseline": ({}, thick),
           "subcision": ({"Geometry/Released radius": "%g" % radius}, thick),
           "fat_reduction": ({}, scaled("fat", 1 - a.fat_reduction)),
           "muscle": ({}, scaled("muscle", 1 + a.muscle_gain)),
           "dermis": ({"Materials/skin/Shear modulus": "%g" % (float(mu) * a.dermis_stiffening)},
                      scaled("skin", 1 + a.dermis_thickening))}
    for name, (changes, t) in out.items():
        if t != thick:
            changes["Geometry/Layer thicknesses"] = ", ".join("%g" % v for v in t)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", help="parameter file of a cellulite patch scenario")
    p.add_argument("--out", required=True, help="folder for the runs and the report")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--only", default=",".join(TREATMENTS),
                   help="comma-separated subset of: " + ", ".join(TREATMENTS))
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="a change for every run (repeatable)")
    p.add_argument("--subcision-radius", type=float, default=None,
                   help="mesh units; default 0.3 x the smaller lateral size")
    p.add_argument("--fat-reduction", type=float, default=0.157)
    p.add_argument("--muscle-gain", type=float, default=0.108)
    p.add_argument("--dermis-thickening", type=float, default=0.2)
    p.add_argument("--dermis-stiffening", type=float, default=1.5)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--slurm", action="store_true", help="write sbatch jobs, run nothing")
    mode.add_argument("--report", action="store_true", help="only collect finished runs")
    a = p.parse_args()

    if not os.path.isfile(a.base):
        fail("%s: no such parameter file" % a.base)
    chosen = [n.strip() for n in a.only.split(",") if n.strip()]
    for n in chosen:
        if n not in TREATMENTS:
            fail("--only '%s' is not allowed: expected some of %s" % (n, ", ".join(TREATMENTS)))
    if "baseline" not in chosen:
        chosen.insert(0, "baseline")
    common = []
    for s in a.set:
        if "=" not in s or not s.split("=", 1)[1].strip():
            fail("--set '%s' is not allowed: expected PATH=VALUE" % s)
        path, value = s.split("=", 1)
        common.append((path.strip(), value.strip()))
    for name, value in (("--fat-reduction", a.fat_reduction), ("--muscle-gain", a.muscle_gain),
                        ("--dermis-thickening", a.dermis_thickening)):
        if not 0 <= value < 1:
            fail("%s %g is not allowed: expected a fraction in [0, 1)" % (name, value))
    if a.dermis_stiffening <= 0:
        fail("--dermis-stiffening %g is not allowed: expected a factor > 0" % a.dermis_stiffening)

    values = effective(a.base)
    for path, value in common:
        values[path] = value
    plan = treatments(values, a)
    scale = float(values.get("Geometry/Mesh scale", "1"))
    base = open(a.base).read()
    os.makedirs(a.out, exist_ok=True)
    failed = 0
    for name in chosen:
        changes, _ = plan[name]
        folder = os.path.abspath(os.path.join(a.out, name))
        os.makedirs(folder, exist_ok=True)
        text = base + "\n# treatment study: %s\n" % name
        for path, value in common:
            text += block(path, value)
        for path, value in changes.items():
            text += block(path, value)
        # Probe points at fixed heights may leave a thinner patch; the
        # skin's mean normal displacement is needed.
        text += block("Output/Probe points", "")
        text += block("Output/Surface statistics", "skin")
        text += block("Output/Roughness surface", "skin")
        text += block("Output/Directory", folder)
        prm = os.path.join(folder, "input.prm")
        if a.report:
            continue
        open(prm, "w").write(text)
        if a.slurm:
            print("sbatch %s" % write_job(folder, "septa-" + name, a.ranks, a.septa, prm))
            continue
        rc = run_septa(folder, a.ranks, a.septa, prm)
        print("%s: exit %d" % (name, rc), file=sys.stderr)
    if a.slurm:
        print("after the jobs: python3 %s %s --out %s --report%s"
              % (os.path.relpath(__file__), a.base, a.out,
                 "".join(" --set '%s=%s'" % c for c in common)))
        return 0

    rows = {}
    for name in chosen:
        stats = read_statistics(os.path.join(a.out, name, "statistics.csv"))
        if stats is None:
            rows[name] = None
            failed += 1
            continue
        last = {k: float(v) for k, v in stats[-1].items()}
        last["skin_height"] = sum(plan[name][1]) * scale + last["un_mean_skin"]
        rows[name] = last
    write_report(a.out, chosen, rows, plan)
    return 1 if failed else 0


def write_report(out, chosen, rows, plan):
    base = rows.get("baseline")
    header = ["treatment", "changes"] + [label for _, label, _ in METRICS]
    table = []
    for name in chosen:
        changes = "; ".join("%s = %s" % (k.split("/")[-1], v) for k, v in plan[name][0].items())
        r = rows[name]
        if r is None:
            table.append([name, changes] + ["failed"] * len(METRICS))
            continue
        cells = []
        for key, _, factor in METRICS:
            text = "%.4g" % (r[key] * factor)
            if name != "baseline" and base is not None and base[key] != 0:
                text += " (%+.1f %%)" % (100 * (r[key] / base[key] - 1))
            cells.append(text)
        table.append([name, changes or "-"] + cells)
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(["treatment"] + [key for key, _, _ in METRICS])
    for name in chosen:
        r = rows[name]
        w.writerow([name] + (["failed"] * len(METRICS) if r is None else
                             ["%.10g" % r[key] for key, _, _ in METRICS]))
    open(os.path.join(out, "treatments.csv"), "w").write(buffer.getvalue())
    md = "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n"
    for line in table:
        md += "| " + " | ".join(re.sub(r"\|", "/", c) for c in line) + " |\n"
    md += ("\nSkin roughness against the Gaussian fit of the skin (ISO 16610-61, the "
           "run's Roughness cutoff); last output step of each run; in brackets the "
           "change against the baseline.\n")
    open(os.path.join(out, "treatments.md"), "w").write(md)
    print(md)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    done = [n for n in chosen if rows[n] is not None]
    for filename, keys in (("roughness.png", ["Sa_skin", "Sq_skin", "Sv_skin", "St_skin"]),
                           ("strains.png", ["compression_max_fat"])):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        width = 0.8 / len(keys)
        for k, key in enumerate(keys):
            label, factor = [(lb, f) for kk, lb, f in METRICS if kk == key][0]
            ax.bar([i + k * width for i in range(len(done))],
                   [rows[n][key] * factor for n in done], width, label=label)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(done))])
        ax.set_xticklabels(done)
        ax.legend()
        ax.set_title("cellulite treatments: " + ("skin roughness" if "rough" in filename
                                                 else "peak compressive strain of the fat"))
        fig.tight_layout()
        fig.savefig(os.path.join(out, filename), dpi=100)
        plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
