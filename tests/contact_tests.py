"""Tests of contact with rigid obstacles (solver/contact): the flat patch
test against the prescribed-displacement plate, penetration under the
augmented Lagrangian, Coulomb friction in slip and in stick, Hertz's
sphere on 1 and 3 ranks, a cut-back that leaves no trace, and a rolling
cylinder.  Registered with @test and run as 'run_test.py NAME'.

The references: the prescribed-displacement plate (the same constraint
when nothing penetrates), the Coulomb law itself (mu N when everything
slides), Hertz's closed form, the run without the rejected step, another
rank count."""

import math
import os
import re

from septa_test import close, run, scenario_text, test, within, HERE


def block(cells=4, size=10, height=10, extra=""):
    """A cube of tissue (mm) clamped on 'bone' (z = 0): neo-Hookean, mu = 1
    kPa, K = 50 kPa (nu = 0.49)."""
    return ("subsection Geometry\n set Type = layered block\n set Mesh scale = 1e-3\n"
            " set Layer names = tissue\n set Layer thicknesses = %g\n set Layer cells = %d\n"
            " set Lateral size = %g, %g\n set Lateral cells = %d, %d\n%send\n"
            "subsection Materials\n subsection tissue\n  set Model = neo-Hookean\n"
            "  set Shear modulus = 1000\n  set Bulk modulus = 50e3\n end\nend\n"
            % (height, cells, size, size, cells, cells, extra))


CLAMP = (" subsection bone\n  set Type = displacement\n  set Boundary = bone\n"
         "  set Components = x, y, z\n  set Values = 0, 0, 0\n end\n")
STEPS = "subsection Time\n set End time = 1\n set Initial step = 0.5\n set Maximum step = 0.5\nend\n"


def plane_press(depth, enforcement="augmented Lagrangian", tolerance="0.01"):
    """The skin (z = 10 mm) pressed down by @depth (m) by a rigid plane."""
    return ("subsection Loads\n set Names = bone, plate\n" + CLAMP +
            " subsection plate\n  set Type = contact\n  set Obstacle = plane\n"
            "  set Enforcement = %s\n  set Penetration tolerance = %s\n"
            "  subsection plane\n   set Position = 0, 0, 0.01\n   set Axis = 0, 0, -1\n"
            "   set Translation = 0: 0, 0, 0; 1: 0, 0, %g\n  end\n end\nend\n"
            % (enforcement, tolerance, -depth))


@test
def contact_patch(septa, work):
    """A rigid plane pressing the top of a clamped block by 2 mm, frictionless,
    against the plate of prescribed normal displacement on the same face
    (tangential motion free).  Once nothing penetrates the two are the same
    constraint: a Q2 face's normal displacement is fixed by its 3 x 3
    Gauss points, where contact is enforced.  With the augmented
    Lagrangian at a penetration tolerance of 1e-9 of the cell the reaction
    on the bone and the force on the plane equal the prescribed plate's to
    1e-6 in both steps.  The penalty method alone (no multiplier updates)
    penetrates by p / eps_N and gives a smaller force: it is not the
    reference by accident."""
    glued = ("subsection Loads\n set Names = bone, plate\n" + CLAMP +
             " subsection plate\n  set Type = displacement\n  set Boundary = skin\n"
             "  set Components = z\n  set Values = -2e-3\n  set Load curve = 0:0, 1:1\n"
             " end\nend\n")
    _, _, ref = run(septa, work, "glued", None, block() + glued + STEPS)
    _, _, al = run(septa, work, "augmented", None,
                   block() + plane_press(2e-3, tolerance="1e-9") + STEPS)
    _, _, pen = run(septa, work, "penalty", None,
                    block() + plane_press(2e-3, enforcement="penalty") + STEPS)
    assert len(ref) == len(al) == 3, (len(ref), len(al))
    for r, a in zip(ref[1:], al[1:]):
        close("t = %g: bone reaction z, contact vs plate (N)" % r["time"],
              a["reaction_bone_z"], r["reaction_bone_z"], rel=1e-6)
        close("t = %g: force on the plane z vs plate reaction (N)" % r["time"],
              a["contact_plate_force_z"], -r["reaction_skin_z"], rel=1e-6)
        assert within(a["contact_plate_penetration_max"], 1e-9 * 2.5e-3), a
    print("  penalty alone: penetration %.3g m (1 %% of the cell: 2.5e-05 m)" %
          pen[-1]["contact_plate_penetration_max"])
    assert pen[-1]["contact_plate_penetration_max"] > 2.5e-5, pen[-1]
    assert pen[-1]["contact_plate_force_z"] < (1 - 1e-3) * al[-1]["contact_plate_force_z"], \
        (pen[-1]["contact_plate_force_z"], al[-1]["contact_plate_force_z"])


@test
def contact_penetration(septa, work):
    """The augmented Lagrangian ends every step with its penetration below
    the tolerance it was given (default 1 % of the cell size, here 25 um;
    and 0.1 %), pressing by 2 mm in 4 steps; the penalty method alone
    penetrates by more than either (p / eps_N = p h / (10 mu), about 6 %
    of the cell), so the bound is the multipliers' doing."""
    steps = STEPS.replace("0.5", "0.25")
    for tolerance in ("0.01", "0.001"):
        _, _, rows = run(septa, work, "al_" + tolerance, None,
                         block() + plane_press(2e-3, tolerance=tolerance) + steps)
        assert len(rows) == 5, len(rows)
        for r in rows[1:]:
            bound = float(tolerance) * 2.5e-3
            pen = r["contact_plate_penetration_max"]
            ok = within(pen, bound) and pen > 0
            print("  tolerance %s, t = %g: penetration %.3g m <= %.3g m %s" %
                  (tolerance, r["time"], pen, bound, "ok" if ok else "FAIL"))
            assert ok, (tolerance, r)
    _, _, pen = run(septa, work, "penalty", None,
                    block() + plane_press(2e-3, enforcement="penalty") + steps)
    assert pen[-1]["contact_plate_penetration_max"] > 0.01 * 2.5e-3, pen[-1]


def seat(push, mu="0.3", steps=("0.25", "0.25"), extra=""):
    """A block (10 x 10 x 5 mm) on a rigid seat plane with friction, pressed
    down 0.25 mm and then pushed sideways by @push (m) through its top face
    (prescribed displacement)."""
    return (block(cells=4, height=5).replace("set Layer cells = 4", "set Layer cells = 2") +
            "subsection Loads\n set Names = press, push, seat\n"
            " subsection press\n  set Type = displacement\n  set Boundary = skin\n"
            "  set Components = z\n  set Values = -0.25e-3\n  set Load curve = 0:0, 1:1\n end\n"
            " subsection push\n  set Type = displacement\n  set Boundary = skin\n"
            "  set Components = x, y\n  set Values = %g, 0\n  set Load curve = 0:0, 1:0, 2:1\n"
            " end\n subsection seat\n  set Type = contact\n  set Boundary = bone\n"
            "  set Obstacle = plane\n  set Friction coefficient = %s\n%s"
            "  subsection plane\n   set Axis = 0, 0, 1\n  end\n end\nend\n"
            "subsection Time\n set End time = 2\n set Initial step = %s\n"
            " set Maximum step = %s\nend\n"
            "subsection Output\n set Probe points = bottom: 0, 0, 0\nend\n"
            % (push, mu, extra, steps[0], steps[1]))


@test
def contact_friction(septa, work):
    """Coulomb friction, mu = 0.3: a block on a rigid seat, pressed and
    pushed sideways through its top.  Pushed 2 mm, the whole base slides
    (slip area = contact area) and the tangential force on the seat is mu
    times the normal force to 1e-5 and not more (every point on the cone,
    sliding nearly the same way), while its centre has moved with the top (more than half of
    the push; the first 0.4 mm or so shear the block before it slides).  Pushed 0.1 mm, the tangential force stays below mu N (under
    half of it) and the base centre sticks: it moves by less than 20 % of
    the push (the elastic slip mu p / eps_T is about 0.02 mm).  Frictionless,
    the same push gives no tangential force."""
    _, _, slide = run(septa, work, "slide", None, seat(2e-3))
    last = slide[-1]
    assert abs(last["time"] - 2) < 1e-12
    close("sliding: slip area / contact area", last["contact_seat_slip_area"] /
          last["contact_seat_area"], 1.0, rel=1e-12)
    # Each point slides along its own v / |v|: the base also spreads
    # sideways a little as it slides, so |F_x| is mu N times the mean
    # cosine of the slip angles, just under 1 (1e-5: angles below 0.3 deg).
    ratio = last["contact_seat_force_x"] / (-0.3 * last["contact_seat_force_z"])
    close("sliding: F_x / (mu |F_z|)", ratio, 1.0, rel=1e-5)
    assert ratio <= 1 + 1e-9, ratio
    print("  sliding: base centre u_x / push = %.4g" % (last["u_bottom_x"] / 2e-3))
    assert 0.5 < last["u_bottom_x"] / 2e-3 <= 1.0, last["u_bottom_x"]
    _, _, stick = run(septa, work, "stick", None, seat(1e-4))
    last = stick[-1]
    ratio = last["contact_seat_force_x"] / (-0.3 * last["contact_seat_force_z"])
    print("  sticking: F_x / (mu |F_z|) = %.4g, base centre u_x / push = %.4g" %
          (ratio, last["u_bottom_x"] / 1e-4))
    assert 0.01 < ratio < 0.5, ratio
    assert 0 <= last["u_bottom_x"] / 1e-4 < 0.2, last["u_bottom_x"]
    _, _, free = run(septa, work, "frictionless", None, seat(1e-4, mu="0"))
    assert within(abs(free[-1]["contact_seat_force_x"]), 1e-12), free[-1]


@test
def contact_cut_back(septa, work):
    """A rejected step leaves nothing in the contact state.  The friction
    case of contact_friction with steps of 0.125 against the same case
    started with a step of 0.25 whose first converged attempt is rejected
    (SEPTA_INJECT_FAILURES=1): the attempt touched, stuck and slid points
    and updated multipliers; the cut back to 0.125 then repeats the first
    run's steps exactly (growth factor 1), and every row (time, contact
    forces, areas, penetration, reactions, probe) agrees to 1e-9.
    Friction is path-dependent, so a sticking point or multiplier left
    from the rejected attempt would change every later row."""
    fixed = "subsection Time\n set Growth factor = 1\nend\n"
    _, _, ref = run(septa, work, "reference", None,
                    seat(5e-4, steps=("0.125", "0.125")) + fixed)
    _, out, cut = run(septa, work, "cut_back", None,
                      seat(5e-4, steps=("0.25", "0.25")) + fixed,
                      env={"SEPTA_INJECT_FAILURES": "1"})
    assert out.count("failure injected") == 1, out[-2000:]
    # 16 steps, more if a step of either run was cut back by itself (the
    # same steps in both, checked below).
    assert len(ref) == len(cut) >= 17, (len(ref), len(cut))
    checked = 0
    for a, b in zip(ref, cut):
        close("t = %g: same time" % a["time"], b["time"], a["time"], abs_=1e-12)
        for key in a:
            if key.startswith(("contact_", "reaction_", "u_")) and \
                    not key.endswith("_updates"):
                scale = max(abs(a[key]), abs(b[key]))
                if not within(abs(a[key] - b[key]), 1e-9 * scale + 1e-18):
                    raise AssertionError("t = %g: %s = %.12g after the cut-back, %.12g "
                                         "without" % (a["time"], key, b[key], a[key]))
                checked += 1
    print("  %d values agree to 1e-9" % checked)
    assert checked > 200, checked


def hertz_case():
    """A quarter of a block 20 x 20 x 20 mm, graded to 0.2 mm cells under
    the sphere, symmetric about x = 0 and y = 0, clamped at z = 0;
    neo-Hookean mu = 1 kPa, K = 1 MPa; a rigid sphere of radius 5 mm
    indenting 0.2 mm in two steps."""
    return ("subsection Geometry\n set Type = layered block\n set Mesh scale = 1e-3\n"
            " set Layer names = tissue\n set Layer thicknesses = 20\n set Layer cells = 10\n"
            " set Lateral size = 20, 20\n set Lateral cells = 10, 10\n set Grading = 32, 32\n"
            " set Centered = false\nend\n"
            "subsection Materials\n subsection tissue\n  set Model = neo-Hookean\n"
            "  set Shear modulus = 1000\n  set Bulk modulus = 1e6\n end\nend\n"
            "subsection Loads\n set Names = bone, symmetry x, symmetry y, probe\n" + CLAMP +
            " subsection symmetry x\n  set Type = displacement\n  set Boundary = x-\n"
            "  set Components = x\n  set Values = 0\n end\n"
            " subsection symmetry y\n  set Type = displacement\n  set Boundary = y-\n"
            "  set Components = y\n  set Values = 0\n end\n"
            " subsection probe\n  set Type = contact\n  set Obstacle = sphere\n"
            "  subsection sphere\n   set Radius = 0.005\n   set Position = 0, 0, 0.025\n"
            "   set Translation = 0: 0, 0, 0; 1: 0, 0, -2e-4\n  end\n end\nend\n" + STEPS)


@test
def contact_hertz(septa, work):
    """Hertz (1882; Johnson 1985, Contact Mechanics, eq. 4.22-4.23): a rigid
    sphere of radius R pressed to depth d into an elastic half-space:
    F = 4/3 E* sqrt(R) d^1.5 with E* = 2 mu / (1 - nu) (= 16/3 mu sqrt(R)
    d^1.5 at nu = 1/2) and contact radius a = sqrt(R d).  Here R = 5 mm,
    d = 0.1 and 0.2 mm (a = 0.7, 1 mm; d/R <= 0.04), nu = 0.4995, on a
    quarter model.  Tolerances: 5 % on the force and 8 % on a.  The block
    is 20 a deep and wide, not a half-space: a bonded layer of thickness h
    stiffens the contact by a term of order a / h (5 %; Hayes et al. 1972,
    J Biomech 5:541, their kappa); Hertz's parabolic, small-strain
    solution differs from the finite-strain sphere by O(a / R) = 0.2; the
    mesh resolves a by 5 cells of 0.2 mm, and the contact radius, from the
    area of the Gauss points in contact, is quantised by about h/a / 2.  On
    3 ranks every number equals the 1-rank run to 1e-6."""
    mu, K, R = 1000.0, 1e6, 5e-3
    nu = (3 * K - 2 * mu) / (2 * (3 * K + mu))
    results = {}
    for ranks in (1, 3):
        _, _, rows = run(septa, work, "ranks_%d" % ranks, None, hertz_case(), ranks=ranks)
        assert len(rows) == 3, len(rows)
        results[ranks] = rows
        for r in rows[1:]:
            d = 2e-4 * r["time"]
            F = 4 * r["contact_probe_force_z"]
            a = math.sqrt(4 * r["contact_probe_area"] / math.pi)
            close("%d rank(s), d = %.2g mm: force (N)" % (ranks, d * 1e3), F,
                  8.0 / 3.0 * mu / (1 - nu) * math.sqrt(R) * d ** 1.5, rel=0.05)
            close("%d rank(s), d = %.2g mm: contact radius (m)" % (ranks, d * 1e3), a,
                  math.sqrt(R * d), rel=0.08)
    for a, b in zip(results[1][1:], results[3][1:]):
        for key in ("contact_probe_force_z", "contact_probe_area", "reaction_bone_z"):
            close("3 ranks vs 1: %s at t = %g" % (key, a["time"]), b[key], a[key], rel=1e-6)


@test
def contact_rolling(septa, work):
    """A rigid cylinder (radius 10 mm, axis y, longer than the block is
    wide) pressed 1 mm into a long block (60 x 10 x 10 mm) and rolled 30 mm
    along it at constant depth, frictionless: after the entry transient the
    normal force is steady (every row of the second half within 1 % of
    their mean), the force along the motion small against it (a rolling
    cylinder on a frictionless surface pushes only through its normal,
    and the pressure field moves with it: |F_x| < 5 % of F_z)."""
    _, _, rows = run(septa, work, "rolling", None, rolling_case())
    assert abs(rows[-1]["time"] - 4) < 1e-12
    late = [r for r in rows if r["time"] >= 2.5 - 1e-9]
    assert len(late) >= 6, len(late)
    forces = [r["contact_roller_force_z"] for r in late]
    mean = sum(forces) / len(forces)
    for r, f in zip(late, forces):
        close("t = %g: normal force vs its mean over the second half (N)" % r["time"],
              f, mean, rel=0.01)
    assert mean > 0
    sideways = max(abs(r["contact_roller_force_x"]) for r in late)
    print("  largest |F_x| in the second half: %.3g N (F_z %.3g N)" % (sideways, mean))
    assert sideways < 0.05 * mean, sideways


@test
def contact_early_active_set(septa, work):
    """'Newton/Active-set tolerance': the rolling case of contact_rolling
    (its active set changes in every step as the cylinder moves on) with
    the contact active set updated as soon as |R| <= 1e-4 |f_int| (the
    default) and only at convergence (0).  Both end every step at the
    same converged state: every row's contact force and penetration agree
    to 1e-6 of the largest (both stop at the same Newton tolerance, and the
    multipliers are updated only at convergence in both), and the early
    updates take fewer Newton iterations in all."""
    runs = {}
    for label, tol in (("early", "1e-4"), ("late", "0")):
        _, _, runs[label] = run(septa, work, label, None, rolling_case() +
                                "subsection Newton\n set Active-set tolerance = %s\nend\n" % tol)
    early, late = runs["early"], runs["late"]
    assert len(early) == len(late), (len(early), len(late))
    scale = max(abs(r["contact_roller_force_z"]) for r in late)
    for a, b in zip(early, late):
        close("t = %g: roller force z (N)" % b["time"], a["contact_roller_force_z"],
              b["contact_roller_force_z"], abs_=1e-6 * scale)
        close("t = %g: roller force x (N)" % b["time"], a["contact_roller_force_x"],
              b["contact_roller_force_x"], abs_=1e-6 * scale)
    its = [sum(r["newton_iterations"] for r in x[1:]) for x in (early, late)]
    print("  Newton iterations: %d early, %d at convergence only" % tuple(its))
    assert its[0] < its[1], its


def rolling_case():
    """contact_rolling's cylinder (radius 10 mm) pressed 1 mm into a long
    block and rolled 30 mm along it, frictionless."""
    return ("subsection Geometry\n set Type = layered block\n set Mesh scale = 1e-3\n"
            " set Layer names = tissue\n set Layer thicknesses = 10\n set Layer cells = 4\n"
            " set Lateral size = 60, 10\n set Lateral cells = 24, 4\nend\n"
            "subsection Materials\n subsection tissue\n  set Model = neo-Hookean\n"
            "  set Shear modulus = 1000\n  set Bulk modulus = 50e3\n end\nend\n"
            "subsection Loads\n set Names = bone, roller\n" + CLAMP +
            " subsection roller\n  set Type = contact\n  set Obstacle = cylinder\n"
            "  subsection cylinder\n   set Radius = 0.01\n   set Length = 0.03\n"
            "   set Axis = 0, 1, 0\n   set Position = -0.015, 0, 0.02\n"
            "   set Translation = 0: 0, 0, 0; 1: 0, 0, -1e-3; 4: 0.03, 0, -1e-3\n"
            "   set Rotation = 0:0, 1:0, 4:3\n  end\n end\nend\n"
            "subsection Time\n set End time = 4\n set Initial step = 0.25\n"
            " set Maximum step = 0.25\nend\n")


@test
def contact_default_plate(septa, work):
    """The default scenario's plate (params/compression.prm: prescribed
    normal displacement of the skin, 20 % of the height) against the same
    compression by a rigid contact plane (params/plate_contact.prm with
    its plane moved 20 % instead of 30 % and touching the skin only, as the
    prescribed plate does; penetration tolerance 1e-9 of the cell), both on
    the coarsened mesh at a quarter and half of the load: the reactions on
    the bone agree to 1e-6, the contact force equals the prescribed plate's
    reaction to 1e-6.  Where nothing slides differently, contact and the
    prescribed plate are one constraint."""
    def text(name):
        t = open(os.path.join(HERE, "..", "params", name)).read()
        t = t.replace("include params/", "include %s/params/" %
                      os.path.abspath(os.path.join(HERE, "..")))
        return t + ("subsection Geometry\n set Lateral cells = 4, 4\n"
                    " set Layer cells = 2, 2, 1\nend\n"
                    "subsection Time\n set End time = 0.5\n set Initial step = 0.25\n"
                    " set Maximum step = 0.25\nend\n"
                    "subsection Output\n set Every n steps = 0\nend\n")
    _, _, ref = run(septa, work, "prescribed", None, text("compression.prm"))
    contact = text("plate_contact.prm")
    contact = re.sub(r"set Translation = .*", "set Translation = 0: 0, 0, 0; 1: 0, 0, -7.3e-3",
                     contact)
    contact = contact.replace("set Boundary = skin, lateral",
                              "set Boundary = skin\n    set Penetration tolerance = 1e-9")
    _, _, rows = run(septa, work, "contact", None, contact)
    assert len(ref) == len(rows) == 3, (len(ref), len(rows))
    for a, b in zip(ref[1:], rows[1:]):
        close("t = %g: bone reaction z, contact vs prescribed (N)" % a["time"],
              b["reaction_bone_z"], a["reaction_bone_z"], rel=1e-6)
        close("t = %g: force on the plane vs prescribed plate's reaction (N)" % a["time"],
              b["contact_plate_force_z"], -a["reaction_skin_z"], rel=1e-6)


@test
def contact_restart(septa, work):
    """The contact state travels with checkpoints, to another rank count.
    The sliding block of contact_friction (Coulomb, path-dependent) in
    steps of 0.125 (cut where the active set needs it) with a checkpoint
    after every 4th: run to the end on 1 rank, then resume from the older
    of the two checkpoints kept (the base partly sliding: modes, sticking
    points, directions, multipliers) on 2 ranks: statistics.csv equals
    the first run row by row (every column but the iteration counts) to
    1e-7 (Newton to 1e-10; MUMPS on 1 and 2 ranks).  Without the contact
    state the resumed base would start apart, first touch again without
    friction and the tangential force would drop."""
    from state_tests import checkpoints, expect_rc, launch, prepare, same_rows
    from septa_test import read_statistics
    text = (seat(2e-3, steps=("0.125", "0.125")) +
            "subsection Time\n set Growth factor = 1\nend\n"
            "subsection Checkpoint\n set Every n steps = 4\nend\n"
            "subsection Newton\n set Residual tolerance = 1e-10\nend\n")
    out, prm = prepare(work, "seat", text)
    expect_rc("uninterrupted", launch(septa, prm), 0)
    stats = os.path.join(out, "statistics.csv")
    reference = read_statistics(stats)
    kept = checkpoints(os.path.join(out, "checkpoints"))
    assert len(reference) > 12 and len(kept) == 2, (len(reference), kept)
    step = int(kept[0].split("-")[1])
    assert reference[step]["contact_seat_slip_area"] > 0, reference[step]
    p = launch(septa, prm, 2, ["--resume", os.path.join(out, "checkpoints", kept[0])])
    expect_rc("resumed on 2 ranks", p, 0)
    resumed = read_statistics(stats)
    assert len(resumed) == len(reference), (len(resumed), len(reference))
    n = same_rows("sliding block resumed from step %d on 2 ranks" % step, reference, resumed,
                  rel=1e-7)
    print("  %d values agree" % n)


@test
def local_fields_projected(septa, work):
    """'Newton/Local fields = projected' (p~ and J~ solved exactly in each
    cell at each trial displacement) solves the same equations as the
    linearised update: the sliding block of contact_friction (friction
    0.3, nu = 0.49, Q2-P1), run both ways to a Newton tolerance of 1e-10,
    gives every row's seat force (x, z) and the bottom probe's
    displacement equal to 1e-7 of the largest."""
    runs = {}
    for mode in ("linearised", "projected"):
        # The split form: the mixed cells then carry p~ and J~.
        text = seat(2e-3).replace("set Model = neo-Hookean", "set Model = neo-Hookean\n"
                                  "  set Form = split")
        _, _, runs[mode] = run(septa, work, mode, None, text +
                               "subsection Newton\n set Local fields = %s\n"
                               " set Residual tolerance = 1e-10\nend\n" % mode)
    a, b = runs["linearised"], runs["projected"]
    assert len(a) == len(b) and len(a) > 4, (len(a), len(b))
    for column in ("contact_seat_force_x", "contact_seat_force_z", "u_bottom_x"):
        scale = max(abs(r[column]) for r in a)
        assert scale > 0, column
        for p, q in zip(a, b):
            close("t = %g: %s" % (p["time"], column), q[column], p[column], abs_=1e-7 * scale)
    its = [sum(r["newton_iterations"] for r in x[1:]) for x in (a, b)]
    print("  Newton iterations: %d linearised, %d projected" % tuple(its))


@test
def roller_recovery(septa, work):
    """params/roller_massage.prm in full on 2 ranks (long): the roller is
    pressed 8 mm in, rolled 60 mm, lifted off, and the tissue recovers
    for an hour.
      - force history: the roller pushes (F_z > 0) from the first step to
        the lift-off, and nothing touches once it is lifted (t >= 2.9 s:
        force and contact area zero);
      - under the roller after the press (t = 0.5 s) the skin is 8 mm
        down, to the penetration tolerance (1 % of the 1.5 mm skin cell);
      - recovery: the residual dent un_min_skin (t >= 3 s) shrinks at every
        step, and its time constant, fitted by least squares to log|un|,
        lies between the fat's relaxation time (700 s: the fat held at
        fixed strain) and its retardation time 700 / (1 - 0.39) = 1148 s
        (the fat under a fixed load; Sims et al. 2010's Prony term, in
        params/materials/fat_sims2010.prm): elastic skin and muscle around
        it put the structure between the two.  A recovery set by anything
        else (the solver, the step sizes) would fall outside."""
    text = scenario_text("roller_massage.prm") + \
        "subsection Output\n set Every n steps = 0\nend\n"
    _, _, rows = run(septa, work, "roller", None, text, ranks=2, timeout=3000)
    check_roller(rows)


def check_roller(rows):
    """roller_recovery's checks on the rows of statistics.csv."""
    assert abs(rows[-1]["time"] - 3600) < 1e-9, rows[-1]["time"]
    pressing = [r for r in rows if 0 < r["time"] <= 2.5 + 1e-9]
    assert all(r["contact_roller_force_z"] > 0 for r in pressing), \
        min(r["contact_roller_force_z"] for r in pressing)
    lifted = [r for r in rows if r["time"] >= 2.9]
    assert lifted and all(r["contact_roller_force_z"] == 0 and r["contact_roller_area"] == 0
                          for r in lifted)
    pressed = [r for r in rows if abs(r["time"] - 0.5) < 1e-9][0]
    close("skin under the roller at t = 0.5 s (m)", pressed["u_track start_z"], -8e-3,
          abs_=0.01 * 1.5e-3)
    late = [r for r in rows if r["time"] >= 3 - 1e-9]
    dent = [-r["un_min_skin"] for r in late]
    assert all(d > 0 for d in dent), dent
    assert all(b < a for a, b in zip(dent, dent[1:])), dent
    t = [r["time"] for r in late]
    y = [math.log(d) for d in dent]
    tm, ym = sum(t) / len(t), sum(y) / len(y)
    slope = sum((a - tm) * (b - ym) for a, b in zip(t, y)) / sum((a - tm) ** 2 for a in t)
    tau = -1 / slope
    print("  residual dent at t = 3 s: %.3g m; recovery time constant %.0f s "
          "(dent / 10 after %.0f s)" % (dent[0], tau, tau * math.log(10)))
    assert within(abs(tau - (700 + 1148) / 2), (1148 - 700) / 2), tau
