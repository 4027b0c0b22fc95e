"""Benchmark: the cost of contact per Newton iteration.  Runs the default
compression with its prescribed plate (params/compression.prm) and with a
contact plane in its place (params/plate_contact.prm moved 20 %, skin
only), on the same mesh, and prints for each the time per Newton
iteration (assembly and residual evaluations, linear solves, all) and the
ratio.  Prints figures, asserts nothing.

    python3 tests/benchmarks/contact_cost.py [--ranks 2] [--cells 8 8]
"""
import argparse
import os
import re
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def text(name, cells, layers, end):
    t = open(os.path.join(ROOT, "params", name)).read()
    t = t.replace("include params/", "include %s/params/" % os.path.abspath(ROOT))
    t += ("subsection Geometry\n set Lateral cells = %d, %d\n set Layer cells = %s\nend\n"
          "subsection Time\n set End time = %g\n set Initial step = 0.125\n"
          " set Maximum step = 0.125\nend\n"
          "subsection Output\n set Every n steps = 0\nend\n" % (cells[0], cells[1], layers, end))
    if name == "plate_contact.prm":
        t = re.sub(r"set Translation = .*", "set Translation = 0: 0, 0, 0; 1: 0, 0, -7.3e-3", t)
        t = t.replace("set Boundary = skin, lateral", "set Boundary = skin")
    return t


def summary(septa, prm, ranks, work):
    cmd = [septa, prm]
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(ranks)] + cmd
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=ENV, cwd=work).stdout
    line = [l for l in out.splitlines() if l.startswith("SUMMARY")]
    if not line:
        raise SystemExit(out[-2000:])
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.eE+-]+)", line[0])}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--septa", default=os.path.join(ROOT, "build", "septa"))
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--cells", type=int, nargs=2, default=(8, 8))
    p.add_argument("--layer-cells", default="4, 3, 1")
    p.add_argument("--end", type=float, default=0.5)
    a = p.parse_args()
    work = tempfile.mkdtemp()
    rows = {}
    for name in ("compression.prm", "plate_contact.prm"):
        prm = os.path.join(work, name)
        body = text(name, a.cells, a.layer_cells, a.end)
        body += "subsection Output\n set Directory = %s\nend\n" % os.path.join(work, name[:-4])
        open(prm, "w").write(body)
        s = summary(a.septa, prm, a.ranks, work)
        per = (s["assembly_s"] + s["solve_s"]) / s["newton"]
        rows[name] = per
        print("%-18s dofs %d, ranks %d: %d Newton iterations, assembly %.2f s, solve %.2f s, "
              "%.3f s per iteration" % (name, s["dofs"], a.ranks, s["newton"], s["assembly_s"],
                                        s["solve_s"], per))
    print("contact / prescribed plate, time per Newton iteration: %.3f" %
          (rows["plate_contact.prm"] / rows["compression.prm"]))


if __name__ == "__main__":
    main()
