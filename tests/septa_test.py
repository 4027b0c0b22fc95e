"""Helpers for septa's verification tests: run the solver on a .prm file
with overrides, read statistics.csv, compare numbers with stated tolerances.

Every check raises AssertionError with the numbers involved; a test passes
only if all its checks ran."""
import csv
import os
import subprocess

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
HERE = os.path.dirname(os.path.abspath(__file__))


def prm_with(base, overrides, out):
    """The text of @base followed by @overrides (later 'set' lines win),
    with the output directory set to @out."""
    text = open(os.path.join(HERE, "cases", base)).read() if base else ""
    return (text + "\n" + overrides +
            "\nsubsection Output\n  set Directory = %s\nend\n" % out)


def run(septa, work, name, base, overrides="", ranks=1, expect_rc=0,
        timeout=900, env=None):
    """Run septa on base + overrides in work/name; return (rc, output, rows)."""
    out = os.path.join(work, name)
    os.makedirs(out, exist_ok=True)
    prm = os.path.join(out, "input.prm")
    with open(prm, "w") as f:
        f.write(prm_with(base, overrides, out))
    cmd = [septa, prm]
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np",
               str(ranks)] + cmd
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(ENV, **(env or {})), timeout=timeout, text=True)
    if expect_rc is not None and p.returncode != expect_rc:
        raise AssertionError("%s: exit code %d, expected %d\n%s" %
                             (name, p.returncode, expect_rc, p.stdout[-3000:]))
    rows = read_statistics(os.path.join(out, "statistics.csv")) \
        if p.returncode == 0 else []
    return p.returncode, p.stdout, rows


def read_statistics(path):
    lines = open(path).read().splitlines()
    if not lines or not lines[-1].startswith("# completed"):
        raise AssertionError("%s does not end with '# completed'" % path)
    return [{k: float(v) for k, v in r.items()}
            for r in csv.DictReader(l for l in lines if not l.startswith("#"))]


def close(what, value, reference, rel=None, abs_=None):
    """Assert |value - reference| <= rel * |reference| (or <= abs_)."""
    err = abs(value - reference)
    bound = (rel * abs(reference) if rel is not None else 0.0) + (abs_ or 0.0)
    status = "ok" if err <= bound else "FAIL"
    print("  %-55s %.10g vs %.10g (|diff| %.3g <= %.3g) %s" %
          (what, value, reference, err, bound, status))
    if err > bound:
        raise AssertionError("%s: %.10g vs reference %.10g" %
                             (what, value, reference))


def newton(f, df, x, tol=1e-14):
    for _ in range(100):
        dx = f(x) / df(x)
        x -= dx
        if abs(dx) < tol * max(1.0, abs(x)):
            return x
    raise AssertionError("scalar Newton did not converge")
