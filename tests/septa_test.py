"""Helpers for septa's verification tests: run the solver on a .prm file
with overrides, read statistics.csv, compare numbers with stated tolerances.

Every check raises AssertionError with the numbers involved; a test passes
only if all its checks ran."""
import csv
import re
import math
import os
import subprocess

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")

# Every test by name: run_test.py and the modules it imports register their
# tests here with @test.
TESTS = {}


def test(fn):
    TESTS[fn.__name__] = fn
    return fn


def scenario_text(name):
    """params/<name> with its repository-relative paths (presets, meshes)
    made absolute, so that it runs from any working directory."""
    text = open(os.path.join(ROOT, "params", name)).read()
    # An included scenario or shared model (params/models/) includes the
    # material presets in turn, relative to the working directory: inline
    # it.
    text = re.sub(r"(?m)^\s*include params/((?!materials/)\S+)\s*$",
                  lambda m: scenario_text(m.group(1)), text)
    text = text.replace("include params/", "include %s/params/" % os.path.abspath(ROOT))
    return re.sub(r"(set File\s*=\s*)meshes/", r"\g<1>%s/meshes/" % os.path.abspath(ROOT), text)


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


def within(err, bound):
    """err <= bound, written so that NaN (or an infinite err) fails: every
    comparison of the suite goes through here or through close()."""
    return err <= bound and math.isfinite(err)


def close(what, value, reference, rel=None, abs_=None):
    """Assert |value - reference| <= rel * |reference| + abs_.  A NaN or
    infinite value or reference fails."""
    err = abs(value - reference)
    bound = (rel * abs(reference) if rel is not None else 0.0) + (abs_ or 0.0)
    ok = within(err, bound) and math.isfinite(reference)
    print("  %-55s %.10g vs %.10g (|diff| %.3g <= %.3g) %s" %
          (what, value, reference, err, bound, "ok" if ok else "FAIL"))
    if not ok:
        raise AssertionError("%s: %.10g vs reference %.10g" %
                             (what, value, reference))


def worst(errors):
    """The largest of @errors, infinite if any is NaN (Python's max() keeps
    its first argument against a NaN)."""
    errors = list(errors)
    return max(errors) if errors and all(e == e for e in errors) else math.inf


SOLVER_PATH = ("newton_iterations", "linear_iterations", "indefinite_solves")


def agree(label, a, b, rel=1e-6, floor=None, skip=SOLVER_PATH):
    """Assert that statistics row @b equals row @a in every column (the same
    columns in both): |a - b| <= rel max(|a|, |b|) + floor(column), floor
    1e-12 unless @floor says otherwise; columns in @skip (the solver's path:
    iteration counts) are not compared.  NaN fails.  Returns the number of
    columns compared."""
    assert sorted(a) == sorted(b), "%s: columns differ: %s" % (
        label, sorted(set(a) ^ set(b)))
    checked = 0
    for key in a:
        if key in skip:
            continue
        bound = rel * max(abs(a[key]), abs(b[key])) + (floor(key) if floor else 1e-12)
        if not within(abs(a[key] - b[key]), bound):
            raise AssertionError("%s: %s = %.10g against %.10g (bound %.3g)" %
                                 (label, key, b[key], a[key], bound))
        checked += 1
    return checked


def lateral_equilibrium(tau, stretch, scale, tol=1e-12, h=1e-7):
    """Lateral stretches (lx, ly) of uniaxial stress along z: 2x2 Newton
    (finite-difference Jacobian, step @h) on tau(lx, ly)[0:2] = 0, from the
    incompressible guess stretch^-1/2, until both are below @tol * @scale;
    raises if that is not reached."""
    v = [stretch ** -0.5] * 2
    for _ in range(60):
        r = tau(*v)[:2]
        if within(max(abs(r[0]), abs(r[1])), tol * scale):
            return v
        jac = [[(tau(*[v[0] + h * (j == 0), v[1] + h * (j == 1)])[i] - r[i]) / h
                for j in range(2)] for i in range(2)]
        det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0]
        v = [v[0] - (jac[1][1] * r[0] - jac[0][1] * r[1]) / det,
             v[1] - (jac[0][0] * r[1] - jac[1][0] * r[0]) / det]
    raise AssertionError("lateral equilibrium: Newton did not converge at stretch %g" % stretch)


def compressible_uniaxial(mu, nu, stretch):
    """(nominal stress P_zz, lateral stretch lt) of the compressible
    neo-Hookean W = mu/2 (I1 - 3) - mu ln J + lambda/2 (ln J)^2 in uniaxial
    stress along z at axial stretch @stretch: the lateral Kirchhoff stress
    mu (lt^2 - 1) + lambda ln J vanishes, J = stretch lt^2."""
    lam = 2 * mu * nu / (1 - 2 * nu)
    lt = newton(lambda x: mu * (x * x - 1) + lam * math.log(stretch * x * x),
                lambda x: 2 * mu * x + 2 * lam / x, 1.0)
    J = stretch * lt * lt
    return (mu * (stretch ** 2 - 1) + lam * math.log(J)) / stretch, lt


def follower_pressure_stretches(mu, nu, p):
    """Split neo-Hookean block under a follower pressure p on its top face,
    lateral faces free (uniaxial Cauchy stress -p): (axial, lateral)
    stretch from sigma_zz = mu J^(-5/3) (l^2 - lt^2) = -p and a zero
    lateral stress."""
    kappa = 2 * mu * (1 + nu) / (3 * (1 - 2 * nu))

    def lateral(l):
        f = lambda lt: (-mu / 3 * (l * lt * lt) ** (-2 / 3) * (l * l - lt * lt) +
                        kappa / 2 * ((l * lt * lt) ** 2 - 1))
        return newton(f, lambda x: (f(x + 1e-8) - f(x - 1e-8)) / 2e-8, 1.0)

    def axial(l):
        lt = lateral(l)
        return mu * (l * lt * lt) ** (-5 / 3) * (l * l - lt * lt) + p

    l = newton(axial, lambda x: (axial(x + 1e-8) - axial(x - 1e-8)) / 2e-8, 0.9)
    return l, lateral(l)


def force_length(l):
    """Blemker et al. 2005 force-length curve."""
    if 0.4 < l < 0.6:
        return 9 * (l - 0.4) ** 2
    if 0.6 <= l <= 1.4:
        return 1 - 4 * (1 - l) ** 2
    if 1.4 < l < 1.6:
        return 9 * (l - 1.6) ** 2
    return 0.0


def prony_confined_stress(t, mu, nu, lam, g, tau, t_r=1.0):
    """P_zz of a split neo-Hookean block (mu, nu) with a Prony series (g_i,
    tau_i) on its isochoric part, confined-compressed to @lam in one step
    of @t_r and held: [tau_vol + tau_iso R(t)] / lam with tau_vol = kappa/2
    (lam^2 - 1), tau_iso = mu lam^(-2/3) 2/3 (lam^2 - 1), R(t) = 1 - sum g_i
    + sum g_i beta_i exp(-(t - t_r) / tau_i), beta_i = (1 - exp(-t_r/tau_i))
    / (t_r/tau_i) (Simo 1987, S0 linear in time over the ramp step)."""
    kappa = 2 * mu * (1 + nu) / (3 * (1 - 2 * nu))
    R = 1 - sum(g) + sum(gi * (-math.expm1(-t_r / ti)) / (t_r / ti) * math.exp(-(t - t_r) / ti)
                         for gi, ti in zip(g, tau))
    tau_vol = kappa / 2 * (lam * lam - 1)
    tau_iso = mu * lam ** (-2 / 3) * 2 / 3 * (lam * lam - 1)
    return (tau_vol + tau_iso * R) / lam


def hill_force_velocity(v):
    """Hill's force-velocity factor of the active muscle model at fibre
    velocity @v in maximum shortening velocities (shortening v < 0:
    (1 + v) / (1 - v / 0.25); lengthening: 1.8 - 0.8 / (1 + 5 v / 0.8))."""
    if v <= 0:
        return max(0.0, (1 + v) / (1 - v / 0.25))
    return 1.8 - 0.8 / (1 + v * 5 / 0.8)


# The force-velocity protocol of the muscle tests (plate load curve): the
# fibre stretched to 1.05 in 0.1 s, excited from 0.1 s, held to 0.3 s,
# shortened to 0.95 at 0.5 s (v = -0.25 V_max with V_max = 2 optimal
# lengths/s) and lengthened back to 1.05 at 0.7 s (v = +0.25).
FORCE_VELOCITY_CURVE = "0:0, 0.1:1, 0.3:1, 0.5:-1, 0.7:1"


def force_velocity_stress(t, c, b, A, a, sigma_max, act):
    """Incompressible nominal stress along the fibre of Martins muscle (c,
    b, A, a) in the force-velocity protocol at time @t with activation
    @act: passive + sigma_max a f_L f_V; None where the protocol gives no
    reference: before the excitation, and in the first step (0.05 s) after
    the active stress jumps (0.1, 0.3, 0.5 s), whose fibre velocity has a
    spurious part from the volume change O(sigma / kappa)."""
    if t <= 0.1 + 1e-9 or min(abs(t - t0 - 0.05) for t0 in (0.1, 0.3, 0.5)) < 1e-9:
        return None
    if t <= 0.3 + 1e-9:
        lam, v = 1.05, 0.0
    elif t <= 0.5 + 1e-9:
        lam, v = 1.05 - 0.5 * (t - 0.3), -0.25
    else:
        lam, v = 0.95 + 0.5 * (t - 0.5), 0.25
    x = lam * lam + 2 / lam
    passive = 2 * c * b * math.exp(b * (x - 3)) * (lam - lam ** -2)
    if lam > 1:
        passive += 2 * (2 * A * a * (lam * lam - 1) * math.exp(a * (lam * lam - 1) ** 2)) * lam
    return passive + sigma_max * act * force_length(lam) * hill_force_velocity(v)


def newton(f, df, x, tol=1e-14):
    for _ in range(100):
        dx = f(x) / df(x)
        x -= dx
        if abs(dx) < tol * max(1.0, abs(x)):
            return x
    raise AssertionError("scalar Newton did not converge")
