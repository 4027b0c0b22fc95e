"""Tests of documented features that the verification tests in run_test.py
do not reach: solver and preconditioner choices, patch pressure and
suction, second fibre families, excitation curves in a run, strain
statistics, post-processing and sweep options, step growth.  Registered
with @test and run as 'run_test.py NAME'."""

import csv
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from septa_test import (agree, close, compressible_uniaxial, follower_pressure_stretches, scenario_text,
                        force_length, lateral_equilibrium, newton, read_statistics, run, test,
                        ENV, HERE, ROOT, SOLVER_PATH)
from state_tests import read_vtk

# Post-processing scripts need VTK/ParaView: Debian's python, not the one
# that comes first on the PATH.
SYSTEM_PYTHON = "/usr/bin/python3"


# ----------------------------------------------------------------- helpers
def uniaxial_text():
    return open(os.path.join(HERE, "cases", "uniaxial.prm")).read()


def without_materials(text):
    return re.sub(r"subsection Materials.*?\nend\n", "", text, flags=re.S)


def layered_uniaxial(geometry):
    """uniaxial.prm without its materials, on a layered block (mm) given by
    the @geometry lines."""
    section = ("subsection Geometry\n set Type = layered block\n set Mesh scale = 1e-3\n" +
               geometry + "end\n")
    return re.sub(r"subsection Geometry.*?\nend\n", lambda _: section,
                  without_materials(uniaxial_text()), flags=re.S)


def with_loads(text, names, blocks):
    """@text with its load list replaced by @names and the plate section
    replaced by @blocks (subsection text of the new loads)."""
    text = re.sub(r"set Names = .*", "set Names = %s" % names, text)
    return re.sub(r"  subsection plate\n.*?  end\n", blocks, text, flags=re.S)


def ksp_and_pc_types(output):
    """KSP and PC types of every solve printed by '-ksp_view': the
    outermost objects only (the view of a multigrid preconditioner nests
    its smoothers' KSP and PC objects, indented)."""
    ksp = re.findall(r"^KSP Object:[^\n]*\n  type: (\S+)", output, flags=re.M)
    pc = re.findall(r"^PC Object:[^\n]*\n  type: (\S+)", output, flags=re.M)
    return ksp, pc


def system_python(args, **kw):
    """Run a post-processing script with Debian's python3 (VTK, ParaView);
    a missing interpreter fails the test instead of skipping it."""
    assert os.path.exists(SYSTEM_PYTHON), "no %s (Debian's python3 with VTK)" % SYSTEM_PYTHON
    return subprocess.run([SYSTEM_PYTHON] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw)


# ------------------------------------------------------- linear solvers
def clamped_block(extra=""):
    """The 1 mm block clamped at the bottom and compressed by 20 % by a
    plate that holds only z: a deformation that is not homogeneous."""
    text = uniaxial_text().replace(
        "    set Components = z\n    set Values     = 0\n  end\n  subsection plate",
        "    set Components = x, y, z\n    set Values     = 0, 0, 0\n  end\n  subsection plate")
    assert "set Components = x, y, z" in text
    return text + ("subsection Loads\n subsection plate\n  set Values = -0.2e-3\n end\nend\n"
                   "subsection Time\n set Initial step = 0.5\n set Maximum step = 0.5\nend\n"
                   "subsection Linear solver\n set Solver = direct\nend\n" + extra)


@test
def boomeramg_gmres(septa, work):
    """'Solver = gmres' with 'Preconditioner = boomeramg' (hypre) on 2 ranks
    against MUMPS on 1 rank, same problem: a 1 mm cube of compressible
    neo-Hookean (mu = 1 kPa, nu = 0.3, Q2) clamped at the bottom and
    compressed by 20 % by a plate that holds only z, so the deformation is
    not homogeneous (bulging sides).  Every statistics column (probe
    displacements inside and on the free edge, reactions, J and strain
    extremes, volume) agrees to 1e-6 relative: both runs stop Newton at
    the relative residual 1e-8 and each Krylov solve at 1e-8, so the
    converged states differ by about 1e-8.  '-ksp_view' shows that the
    Krylov run used GMRES with hypre's BoomerAMG in every solve (and the
    reference MUMPS), and the Krylov run needs more than one iteration per
    solve."""
    # clamped_block's 'Solver = direct' is overridden below.
    text = clamped_block("subsection Output\n set Probe points = inner: 0.0007, 0.0003, 0.0006;"
                         " edge: 0.001, 0.001, 0.0005\nend\n")
    runs = {}
    for label, solver, ranks in (("mumps", "set Solver = direct", 1),
                                 ("boomeramg", "set Solver = gmres\n"
                                  " set Preconditioner = boomeramg", 2)):
        _, out, rows = run(septa, work, "solver_" + label, None, text +
                           "subsection Linear solver\n %s\n set PETSc options = -ksp_view\nend\n"
                           % solver, ranks=ranks)
        runs[label] = (out, rows)
    ksp, pc = ksp_and_pc_types(runs["boomeramg"][0])
    n_solves = int(sum(r["newton_iterations"] for r in runs["boomeramg"][1]))
    assert len(ksp) == n_solves > 0 and set(ksp) == {"gmres"}, (ksp, n_solves)
    assert set(pc) == {"hypre"}, pc
    assert runs["boomeramg"][0].count("HYPRE BoomerAMG") >= n_solves, "BoomerAMG not reported"
    ksp_d, pc_d = ksp_and_pc_types(runs["mumps"][0])
    assert set(ksp_d) == {"preonly"} and set(pc_d) == {"cholesky"}, (ksp_d, pc_d)
    last = runs["boomeramg"][1][-1]
    assert last["linear_iterations"] > last["newton_iterations"], last
    assert len(runs["mumps"][1]) == len(runs["boomeramg"][1]) == 3
    a, b = runs["mumps"][1][-1], runs["boomeramg"][1][-1]
    # Reactions on faces that carry none are round-off: compared against
    # the largest reaction.
    largest = max(abs(v) for k, v in a.items() if k.startswith("reaction"))
    n = agree("GMRES + BoomerAMG on 2 ranks vs MUMPS", a, b, rel=1e-6,
              skip=SOLVER_PATH + ("negative_eigenvalues",),
              floor=lambda key: 1e-6 * largest if key.startswith("reaction") else 1e-15)
    close("GMRES + BoomerAMG: inner probe u_x (m)", b["u_inner_x"], a["u_inner_x"], rel=1e-6)
    close("GMRES + BoomerAMG: plate force (N)", b["reaction_skin_z"], a["reaction_skin_z"],
          rel=1e-6)
    # Not homogeneous (u_x would be proportional to x): the clamped bottom
    # holds the sides in, so the comparison covers a non-trivial solution.
    assert abs(a["u_edge_x"] / 1e-3 - a["u_inner_x"] / 0.7e-3) > 0.05 * abs(a["u_edge_x"] / 1e-3), a
    print("  %d columns agree; %d GMRES + BoomerAMG solves, %d Krylov iterations in the last step"
          % (n, n_solves, last["linear_iterations"]))


def follower_block(p, follower=True):
    """tests/cases/uniaxial.prm with its plate replaced by a pressure p on
    the whole top face (split neo-Hookean, mu = 1 kPa, nu = 0.45), and a
    probe at the free top corner."""
    text = with_loads(uniaxial_text(), "sym x, sym y, bottom, press",
                      "  subsection press\n    set Type = pressure\n    set Boundary = skin\n"
                      "    set Pressure = %g\n    set Follower = %s\n  end\n"
                      % (p, "true" if follower else "false"))
    return text + ("subsection Materials\n subsection solid\n  set Form = split\n"
                   "  set Poisson ratio = 0.45\n end\nend\n"
                   "subsection Output\n set Probe points = corner: 0.001, 0.001, 0.001\nend\n")


@test
def auto_solver_choice(septa, work):
    """'Solver = auto' picks the method documented in the Linear solver
    section, observed with '-ksp_view' in 'PETSc options' (PETSc prints the
    KSP and PC type of every solve): on the 1 mm block under a follower
    pressure of 400 Pa (non-symmetric tangent) with 'Direct solver limit =
    10' (the block has 375 unknowns) every solve is GMRES with GAMG; the
    same block under the dead pressure (symmetric tangent) is solved by CG
    with GAMG; with the default limit (200000) both are MUMPS (PREONLY).
    The GMRES result equals the closed form of run_test.py's
    follower_pressure test (top and lateral displacement, bottom reaction)
    to 1e-6 (Newton and Krylov tolerances 1e-8)."""
    mu, nu, p = 1000.0, 0.45, 400.0
    cases = {"follower_above_limit": (True, 10, "gmres", "gamg"),
             "dead_above_limit": (False, 10, "cg", "gamg"),
             "follower_below_limit": (True, 200000, "preonly", "lu"),
             "dead_below_limit": (False, 200000, "preonly", "cholesky")}
    for name, (follower, limit, ksp_type, pc_type) in cases.items():
        _, out, rows = run(septa, work, name, None, follower_block(p, follower) +
                           "subsection Linear solver\n set Solver = auto\n"
                           " set Direct solver limit = %d\n set PETSc options = -ksp_view\nend\n"
                           % limit)
        ksp, pc = ksp_and_pc_types(out)
        n_solves = int(sum(r["newton_iterations"] for r in rows))
        print("  %-22s KSP %s, PC %s (%d solves)" % (name, sorted(set(ksp)), sorted(set(pc)),
                                                    n_solves))
        assert len(ksp) == n_solves > 0, (len(ksp), n_solves)
        assert set(ksp) == {ksp_type}, "%s: KSP types %s, expected %s" % (name, set(ksp), ksp_type)
        assert set(pc) == {pc_type}, "%s: PC types %s, expected %s" % (name, set(pc), pc_type)
        if name == "follower_above_limit":
            l, lt = follower_pressure_stretches(mu, nu, p)
            r = rows[-1]
            assert r["linear_iterations"] > r["newton_iterations"], r
            close("GMRES: top displacement (m)", r["u_corner_z"], (l - 1) * 1e-3, rel=1e-6)
            close("GMRES: lateral displacement (m)", r["u_corner_x"], (lt - 1) * 1e-3, rel=1e-6)
            close("GMRES: bottom reaction (N)", r["reaction_bone_z"], p * lt * lt * 1e-6,
                  rel=1e-6)


# ------------------------------------------------------ pressure patches
GAUSS3 = [((1 - math.sqrt(0.6)) / 2, 5 / 18), (0.5, 8 / 18), ((1 + math.sqrt(0.6)) / 2, 5 / 18)]


def patch_area(cells, size, inside):
    """Area of the top face of a size x size block with cells x cells
    faces that a load selecting face quadrature points (3 x 3 Gauss, Q2)
    by @inside(x, y) sees: the sum of the weights of the selected points
    (surface_patch.h: 'Tested per quadrature point')."""
    h = size / cells
    area = 0.0
    for i in range(cells):
        for j in range(cells):
            for sx, wx in GAUSS3:
                for sy, wy in GAUSS3:
                    if inside((i + sx) * h, (j + sy) * h):
                        area += wx * wy * h * h
    return area


@test
def pressure_patches(septa, work):
    """Pressure on a 'disc' and a 'rectangle' patch of the top face of the 1
    mm block (rollers on x-, y-, bottom; compressible neo-Hookean, Q2, 4 x 4
    faces on top), and suction.  (1) Dead pressure of 300 Pa on a 0.6 x
    0.4 mm rectangle centred at (0.5, 0.5) mm and dead suction of -300 Pa
    on a disc of radius 0.3 mm centred at (0.4, 0.55) mm: the bottom
    reaction equals p times the patch area the load sees, i.e. the sum of
    the 3 x 3 Gauss weights of the top-face quadrature points inside the
    patch, computed here (1e-8: equilibrium to the Newton tolerance); with
    8 x 8 faces the same, and the Gauss area of the disc tends to pi R^2
    (within the area of the cut faces, 2 pi R h, on both meshes, and
    closer on the finer one); the rectangle is 0.24 mm^2 to within the
    cut faces too.  (2) Follower suction of -400 Pa on the whole top face
    of the free block is uniaxial tension with Cauchy stress 400 Pa:
    displacements and bottom reaction equal the closed form (split
    neo-Hookean, mu = 1 kPa, nu = 0.45) to 1e-6; the same suction on a
    rectangle patch larger than the face gives the same result (1e-9)."""
    size = 1e-3
    shapes = {
        "rectangle": ("set Patch = rectangle\n    set Patch center = 0.0005, 0.0005, 0\n"
                      "    set Patch size = 0.0006, 0.0004", 300.0,
                      lambda x, y: abs(x - 0.5e-3) <= 0.3e-3 and abs(y - 0.5e-3) <= 0.2e-3,
                      0.6e-3 * 0.4e-3, 2 * (0.6e-3 + 0.4e-3)),
        "disc": ("set Patch = disc\n    set Patch center = 0.0004, 0.00055, 0\n"
                 "    set Patch radius = 0.0003", -300.0,
                 lambda x, y: (x - 0.4e-3) ** 2 + (y - 0.55e-3) ** 2 <= 0.3e-3 ** 2,
                 math.pi * 0.3e-3 ** 2, 2 * math.pi * 0.3e-3),
    }
    for shape, (patch, p, inside, exact, perimeter) in shapes.items():
        errors = []
        for cells in (4, 8):
            text = with_loads(uniaxial_text(), "sym x, sym y, bottom, press",
                              "  subsection press\n    set Type = pressure\n"
                              "    set Boundary = skin\n    set Pressure = %g\n"
                              "    set Follower = false\n    %s\n  end\n" % (p, patch))
            text += ("subsection Geometry\n set Lateral cells = %d, %d\n set Layer cells = 1\nend\n"
                     "subsection Time\n set Initial step = 1\n set Maximum step = 1\nend\n"
                     "subsection Linear solver\n set Solver = direct\nend\n" % (cells, cells))
            _, _, rows = run(septa, work, "patch_%s_%d" % (shape, cells), None, text)
            area = patch_area(cells, size, inside)
            r = rows[-1]
            close("%s, %d x %d faces: bottom reaction = p x Gauss area (N)" % (shape, cells, cells),
                  r["reaction_bone_z"], p * area, rel=1e-8)
            assert abs(r["reaction_bone_z"]) > 1e-9, r
            close("%s: patch area vs exact, within the cut faces (m^2)" % shape, area, exact,
                  abs_=perimeter * size / cells)
            errors.append(abs(area - exact))
        if shape == "disc":
            assert errors[1] < errors[0], "disc area does not converge: %s" % errors

    # Follower suction on the whole face: uniaxial tension.
    mu, nu, p = 1000.0, 0.45, -400.0
    l, lt = follower_pressure_stretches(mu, nu, p)
    assert l > 1.05, l
    results = []
    for name, extra in (("suction_whole", ""),
                        ("suction_rectangle", "subsection Loads\n subsection press\n"
                         "  set Patch = rectangle\n  set Patch center = 0.0005, 0.0005, 0\n"
                         "  set Patch size = 0.0011, 0.0011\n end\nend\n")):
        _, _, rows = run(septa, work, name, None, follower_block(p) + extra +
                         "subsection Linear solver\n set Solver = direct\nend\n")
        r = rows[-1]
        close("%s: top displacement (m)" % name, r["u_corner_z"], (l - 1) * 1e-3, rel=1e-6)
        close("%s: lateral displacement (m)" % name, r["u_corner_x"], (lt - 1) * 1e-3, rel=1e-6)
        close("%s: bottom reaction (N)" % name, r["reaction_bone_z"], p * lt * lt * 1e-6,
              rel=1e-6)
        results.append(r)
    close("suction: rectangle patch over the whole face = whole face (m)",
          results[1]["u_corner_z"], results[0]["u_corner_z"], rel=1e-9)


# ---------------------------------------------------------- fibre families
def uniaxial_fibres(W1, W4, kappa, stretch, axes):
    """Nominal stress along z in uniaxial stress (free lateral faces) of
    W_iso(I1_bar, I4_bar^(f)) + kappa/4 (J^2 - 1 - 2 ln J) with fibre
    families along the coordinate axes @axes (0 x, 1 y, 2 z).  W1(I1) and
    W4(I4) give dW/dI1 and dW/dI4 of one family (zero where the family is
    slack, decided by W4 itself).  Fictitious principal Kirchhoff stresses
    beta_a = 2 W1 x_a + 2 sum_f W4(x_f) x_a [a = axis of f], tau = dev(beta)
    + kappa/2 (J^2 - 1); the lateral stretches solve tau_xx = tau_yy = 0."""
    def tau(lx, ly):
        J = lx * ly * stretch
        x = [v * v * J ** (-2 / 3) for v in (lx, ly, stretch)]
        b = [2 * W1(sum(x)) * xa for xa in x]
        for f in axes:
            b[f] += 2 * W4(x[f]) * x[f]
        return [ba - sum(b) / 3 + kappa / 2 * (J * J - 1) for ba in b]
    return tau(*lateral_equilibrium(tau, stretch, kappa, tol=1e-13, h=1e-8))[2] / stretch


@test
def second_fibre_family(septa, work):
    """'Fibre families = 2' with 'Second fibre direction' in a run: fibrous
    septa (mu = 1 kPa, E_f = 100 kPa) and Holzapfel-Gasser-Ogden (mu = 1
    kPa, k1 = 5 kPa, k2 = 2, no dispersion), nu = 0.45, Q2-P1 mixed,
    stretched to 1.3 along z in uniaxial stress.  First family along x
    (it shortens and carries nothing: both models are tension-only), second
    along z, given as (0, 0, 3) (directions are normalised): the nominal
    stress equals the closed form with fibres along z for the same kappa
    (homogeneous state, 1e-6) and the one-family run with its fibre along z
    (1e-9), and exceeds the one-family run along x (the matrix alone) by
    more than 50 %."""
    nu = 0.45
    mu, Ef, k1, k2 = 1000.0, 1e5, 5000.0, 2.0
    models = {
        "fibrous septa": (" set Shear modulus = %g\n set Fibre modulus = %g\n" % (mu, Ef),
                          lambda i4: Ef / 4 * (i4 - 1) if i4 > 1 else 0.0),
        "Holzapfel-Gasser-Ogden": (" set Shear modulus = %g\n set k1 = %g\n set k2 = %g\n"
                                   " set Dispersion = 0\n" % (mu, k1, k2),
                                   lambda i4: k1 * (i4 - 1) * math.exp(k2 * (i4 - 1) ** 2)
                                   if i4 > 1 else 0.0),
    }
    kappa = 2 * mu * (1 + nu) / (3 * (1 - 2 * nu))
    base = without_materials(uniaxial_text())
    for model, (entries, W4) in models.items():
        P = {}
        for label, families, first, second in (("two", 2, "1, 0, 0", "0, 0, 3"),
                                               ("one_z", 1, "0, 0, 1", "0, 1, 0"),
                                               ("one_x", 1, "1, 0, 0", "0, 1, 0")):
            _, _, rows = run(septa, work, "%s_%s" % (model.split()[0], label), None, base +
                             "subsection Materials\n subsection solid\n  set Model = %s\n%s"
                             "  set Fibre families = %d\n  set Poisson ratio = %g\n"
                             "  set Fibre direction = %s\n  set Second fibre direction = %s\n"
                             " end\nend\n"
                             "subsection Loads\n subsection plate\n  set Values = 0.3e-3\n end\nend\n"
                             "subsection Linear solver\n set Solver = direct\nend\n"
                             % (model, entries, families, nu, first, second))
            assert len(rows) == 5
            P[label] = [r["reaction_skin_z"] / 1e-6 for r in rows[1:]]
            if label == "two":
                for r in rows[1:]:
                    l = 1 + 0.3 * r["time"]
                    close("%s, families x and z, P at %.3f (Pa)" % (model, l),
                          r["reaction_skin_z"] / 1e-6,
                          uniaxial_fibres(lambda i1: mu / 2, W4, kappa, l, [0, 2]), rel=1e-6)
                    close("%s, closed form with fibres along z only, P at %.3f (Pa)" % (model, l),
                          r["reaction_skin_z"] / 1e-6,
                          uniaxial_fibres(lambda i1: mu / 2, W4, kappa, l, [2]), rel=1e-6)
        for k in range(4):
            close("%s: two families (x, z) = one along z, step %d (Pa)" % (model, k + 1),
                  P["two"][k], P["one_z"][k], rel=1e-9)
        assert P["two"][-1] > 1.5 * P["one_x"][-1] > 0, (model, P)


# ----------------------------------------------------------- active muscle
@test
def optimal_fibre_stretch(septa, work):
    """'Optimal fibre stretch' lambda_ofl = 1.2 in a run: Martins muscle
    (published c, b, A, a; nu = 0.4999, Q2-P1 mixed), fibres along z,
    stretched to lambda = 1.05 (0 - 0.1 s) and held while excited (constant
    0.8 from 0.1 s; a = 0.8 (1 - exp(-(t - 0.1)/15 ms)), checked to 1e-9).
    The README's Kirchhoff active stress tau_a = sigma_max a f_L(l) l n x n
    with l = lambda / lambda_ofl (here l = 0.875, f_L = 0.9375): the total
    nominal stress equals the closed form for the same kappa with this
    active term (homogeneous state, 1e-6); in uniaxial stress its nominal
    part is tau_a / lambda = sigma_max a f_L(l) / lambda_ofl, so the active
    force (reaction minus the passive one at 0.1 s) is sigma_max a
    f_L(lambda / lambda_ofl) A0 / lambda_ofl (2e-3, nearly incompressible:
    O(sigma / kappa)), and differs by more than 10 % from the force with
    lambda_ofl = 1 (f_L(1.05) = 0.99)."""
    c, b, A, a = 387.0, 23.46, 584.0, 12.43
    nu, sigma, lo, level, t0, tau_act = 0.4999, 3e5, 1.2, 0.8, 0.1, 0.015
    kappa = 2 * (2 * b * c) * (1 + nu) / (3 * (1 - 2 * nu))
    text = (without_materials(uniaxial_text()) +
            "subsection Materials\n subsection solid\n  set Model = Martins muscle\n"
            "  set c = %g\n  set b = %g\n  set A = %g\n  set a = %g\n"
            "  set Poisson ratio = %g\n  set Fibre direction = 0, 0, 1\n"
            "  subsection Activation\n   set Excitation = constant\n"
            "   set Level = %g\n   set Start time = %g\n   set Optimal fibre stretch = %g\n"
            "  end\n end\nend\n"
            "subsection Linear solver\n set Solver = direct\nend\n"
            "subsection Loads\n subsection plate\n  set Values = 0.05e-3\n"
            "  set Load curve = 0:0, 0.1:1\n end\nend\n"
            "subsection Time\n set End time = 0.2\n set Initial step = 0.025\n"
            " set Maximum step = 0.025\nend\n" % (c, b, A, a, nu, level, t0, lo))
    _, _, rows = run(septa, work, "optimal_stretch", None, text)
    assert len(rows) == 9, len(rows)
    passive = [r for r in rows if abs(r["time"] - t0) < 1e-12]
    assert len(passive) == 1
    checked = 0
    for r in rows[1:]:
        t = r["time"]
        lam = 1 + 0.05 * min(t / t0, 1.0)
        act = level * (1 - math.exp(-(t - t0) / tau_act)) if t > t0 else 0.0
        close("activation at t = %.3f" % t, r["activation_solid"], act, abs_=1e-9)

        def W4(i4):
            w = 2 * A * a * (i4 - 1) * math.exp(a * (i4 - 1) ** 2) if i4 > 1 else 0.0
            lf = math.sqrt(i4)
            return w + sigma * act * force_length(lf / lo) * (lf / lo) / (2 * i4)
        close("P at t = %.3f, same kappa (Pa)" % t, r["reaction_skin_z"] / 1e-6,
              uniaxial_fibres(lambda i1: c * b * math.exp(b * (i1 - 3)), W4, kappa, lam, [2]),
              rel=1e-6)
        if t > t0 + 1e-9:
            active = r["reaction_skin_z"] - passive[0]["reaction_skin_z"]
            expected = sigma * act * force_length(lam / lo) / lo * 1e-6
            close("active force at t = %.3f (N)" % t, active, expected, rel=2e-3)
            assert abs(active / (sigma * act * force_length(lam) * 1e-6) - 1) > 0.1
            checked += 1
    assert checked == 4, checked


def activation_exact(knots, t, tau_act=0.015, tau_deact=0.05):
    """a(t) of da/dt = (u - a)/tau, a(0) = 0, for the piecewise-linear u
    through @knots (constant outside), tau = tau_act while u > a, else
    tau_deact.  On a linear piece u = u0 + s r with constant tau the
    solution is a = u - s tau + (a0 - u0 + s tau) exp(-r/tau); the knots
    given here are chosen so that u - a changes sign only at a knot (the
    caller checks the sign on each piece)."""
    pts = [(0.0, knots[0][1])] + [k for k in knots if k[0] > 0] + [(max(t, knots[-1][0]) + 1,
                                                                    knots[-1][1])]
    a, time = 0.0, 0.0
    for (ta, ua), (tb, ub) in zip(pts, pts[1:]):
        if time >= t:
            break
        end = min(tb, t)
        if end <= ta:
            continue
        s = (ub - ua) / (tb - ta)
        u0 = ua
        mid = 0.5 * (ta + end)
        tau = tau_act if u0 + s * (mid - ta) > a else tau_deact
        r = end - ta
        a = (u0 + s * r) - s * tau + (a - u0 + s * tau) * math.exp(-r / tau)
        time = end
    return a


def activation_rk4(knots, times, h=5e-7, tau_act=0.015, tau_deact=0.05):
    """a at each of the sorted @times by the classical Runge-Kutta method
    with the fixed step @h (an independent discretisation of the same ODE:
    its right-hand side is continuous where the time constant switches, at
    u = a, so the error stays O(h^2) there, about 1e-9 at h = 5e-7)."""
    def u(t):
        if t <= knots[0][0]:
            return knots[0][1]
        for (ta, ua), (tb, ub) in zip(knots, knots[1:]):
            if t <= tb:
                return ua + (ub - ua) * (t - ta) / (tb - ta)
        return knots[-1][1]

    def f(t, a):
        d = u(t) - a
        return d / (tau_act if d > 0 else tau_deact)
    a, t, out = 0.0, 0.0, []
    for target in times:
        while t < target - 1e-15:
            k = min(h, target - t)
            k1 = f(t, a)
            k2 = f(t + k / 2, a + k / 2 * k1)
            k3 = f(t + k / 2, a + k / 2 * k2)
            k4 = f(t + k, a + k * k3)
            a += k / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            t += k
        out.append(a)
    return out


@test
def excitation_curves(septa, work):
    """'Excitation = table' and 'ramp' in a run: a two-layer Martins block
    (held at its length, sigma_max 1 kPa so the mechanics stay trivial),
    one layer driven by a CSV table (rise to 1 in 20 ms, hold, fall to a*
    at 60 ms and to 0 at 70 ms), the other by a ramp to 0.7 from 30 ms
    over 50 ms.  The activation_<layer> columns equal the closed form of
    da/dt = (u - a)/tau, tau = 15 ms while u > a and 50 ms after (Zajac;
    Thelen's constants), integrated exactly over the linear pieces of u:
    a* is the activation reached at 60 ms (solved here), so u meets a at
    that knot and the table layer deactivates from there, decaying with
    the 50 ms constant after u reaches 0 (exp(-(t - 70 ms)/50 ms), 2 steps
    checked against it directly).  Tolerance 1e-9 (10 digits in
    statistics.csv).  A third layer's table falls from 1 at 50 ms to 0 at
    70 ms, so u meets a inside that piece and the time constant switches
    there: its activation equals a Runge-Kutta integration of the same
    equation with 5e-7 s steps (activation_rk4, 1e-8: its error is about
    1e-9); an integration that switched only at the ends of its 1 ms
    sub-steps was 1.8e-4 off at 70 ms."""
    # a* : u falls linearly from 1 (50 ms) to a* (60 ms) and meets a there.
    def a_at_60(astar):
        return activation_exact([(0.0, 0.0), (0.02, 1.0), (0.05, 1.0), (0.06, astar)], 0.06)
    astar = newton(lambda x: a_at_60(x) - x, lambda x: (a_at_60(x + 1e-7) - a_at_60(x - 1e-7)) / 2e-7 - 1,
                   0.9, tol=1e-15)
    table = [(0.0, 0.0), (0.02, 1.0), (0.05, 1.0), (0.06, astar), (0.07, 0.0)]
    ramp = [(0.0, 0.0), (0.03, 0.0), (0.08, 0.7)]
    # u - a has one sign on each piece: check at fine points.
    for knots in (table, ramp):
        for k in range(1, 400):
            t = k * 0.0005
            a = activation_exact(knots, t)
            ts = [kn[0] for kn in knots]
            u = knots[-1][1] if t >= ts[-1] else next(
                ua + (ub - ua) * (t - ta) / (tb - ta)
                for (ta, ua), (tb, ub) in zip(knots, knots[1:]) if ta <= t <= tb)
            if knots is table:
                assert (u > a) == (t < 0.06) or abs(u - a) < 1e-12, (t, u, a)
            else:
                assert u >= a - 1e-15, (t, u, a)
    out = os.path.join(work, "excitation")
    os.makedirs(out, exist_ok=True)
    csv_file = os.path.join(out, "excitation.csv")
    with open(csv_file, "w") as f:
        f.write("# time (s), excitation\ntime,u\n")
        for t, u in table:
            f.write("%r, %r\n" % (t, u))
    crossing = [(0.0, 0.0), (0.02, 1.0), (0.05, 1.0), (0.07, 0.0)]
    crossing_file = os.path.join(out, "crossing.csv")
    with open(crossing_file, "w") as f:
        f.write("time,u\n" + "".join("%r, %r\n" % k for k in crossing))
    muscle = ("  set Model = Martins muscle\n  set Fibre direction = 0, 0, 1\n"
              "  set Poisson ratio = 0.45\n  subsection Activation\n"
              "   set Maximum active stress = 1e3\n%s  end\n")
    text = layered_uniaxial(" set Layer names = lower, middle, upper\n"
                            " set Layer thicknesses = 0.3, 0.3, 0.4\n"
                            " set Layer cells = 1, 1, 1\n set Lateral size = 1, 1\n"
                            " set Lateral cells = 1, 1\n set Centered = false\n")
    text += ("subsection Materials\n subsection lower\n%s end\n subsection middle\n%s end\n"
             " subsection upper\n%s end\nend\n"
             % (muscle % ("   set Excitation = table\n   set Excitation file = %s\n" % csv_file),
                muscle % ("   set Excitation = table\n   set Excitation file = %s\n"
                          % crossing_file),
                muscle % ("   set Excitation = ramp\n   set Level = 0.7\n"
                          "   set Start time = 0.03\n   set Ramp time = 0.05\n")))
    text += ("subsection Loads\n subsection plate\n  set Values = 0\n end\nend\n"
             "subsection Discretization\n set Polynomial degree = 1\nend\n"
             "subsection Linear solver\n set Solver = direct\nend\n"
             "subsection Time\n set End time = 0.2\n set Initial step = 0.01\n"
             " set Maximum step = 0.01\nend\n")
    _, _, rows = run(septa, work, "excitation", None, text)
    assert len(rows) == 21, len(rows)
    for r in rows:
        t = r["time"]
        close("table: activation at t = %.3f" % t, r["activation_lower"],
              activation_exact(table, t), abs_=1e-9)
        close("ramp: activation at t = %.3f" % t, r["activation_upper"],
              activation_exact(ramp, t), abs_=1e-9)
    # Deactivation: after u = 0 (70 ms) a decays with the 50 ms constant.
    a70 = activation_exact(table, 0.07)
    for r in rows:
        if min(abs(r["time"] - 0.1), abs(r["time"] - 0.2)) < 1e-12:
            close("table: a(%.1f) = a(70 ms) exp(-(t - 70 ms)/50 ms)" % r["time"],
                  r["activation_lower"], a70 * math.exp(-(r["time"] - 0.07) / 0.05), abs_=1e-9)
    assert rows[-1]["activation_lower"] < 0.1 < a70, (rows[-1], a70)
    # Crossing inside a piece: against Runge-Kutta.
    reference = activation_rk4(crossing, [r["time"] for r in rows])
    for r, a in zip(rows, reference):
        close("crossing table: activation at t = %.3f" % r["time"], r["activation_middle"], a,
              abs_=1e-8)


# ------------------------------------------------------- strain statistics
@test
def strain_statistics(septa, work):
    """Green-Lagrange strain extremes in statistics.csv (E_min_<layer>,
    E_max_<layer>) on the homogeneous uniaxial block (compressible
    neo-Hookean, mu = 1 kPa, nu = 0.3, Q1): compressed to l = 0.875 ... 0.5,
    E_min = (l^2 - 1)/2 along the load and E_max = (lt^2 - 1)/2 across it,
    lt from the zero lateral stress mu (lt^2 - 1) + lambda ln(l lt^2) = 0;
    stretched to l = 1.125 ... 1.5 the other way round.  Tolerance 1e-6
    relative (exact in the discretisation; Newton tolerance 1e-8, 10
    digits written)."""
    mu, nu = 1000.0, 0.3
    for name, values, sign in (("compressed", -0.5e-3, -1), ("stretched", 0.5e-3, 1)):
        _, _, rows = run(septa, work, "strain_" + name, "uniaxial.prm",
                         "subsection Discretization\n set Polynomial degree = 1\n"
                         " set Formulation = displacement\nend\n"
                         "subsection Loads\n subsection plate\n  set Values = %g\n end\nend\n"
                         % values)
        assert len(rows) == 5
        close("%s: strains zero at t = 0" % name, abs(rows[0]["E_min_solid"]) +
              abs(rows[0]["E_max_solid"]), 0.0, abs_=1e-14)
        for r in rows[1:]:
            l = 1 + sign * 0.5 * r["time"]
            lt = compressible_uniaxial(mu, nu, l)[1]
            along, across = (l * l - 1) / 2, (lt * lt - 1) / 2
            lo, hi = (along, across) if sign < 0 else (across, along)
            close("%s l = %.3f: E_min (along)" % (name, l) if sign < 0 else
                  "%s l = %.3f: E_min (across)" % (name, l), r["E_min_solid"], lo, rel=1e-6)
            close("%s l = %.3f: E_max (across)" % (name, l) if sign < 0 else
                  "%s l = %.3f: E_max (along)" % (name, l), r["E_max_solid"], hi, rel=1e-6)


# ------------------------------------------------------------ step growth
def predicted_steps(rows, end, initial, maximum, growth, easy, injected):
    """Step sizes the README's rule gives, replayed on the Newton counts of
    @rows: a step rejected (here: the first converged attempt of each step
    number in @injected, as SEPTA_INJECT_FAILURES does) is repeated at half
    the size; after an accepted step that took at most @easy Newton
    iterations the size grows by @growth up to the maximum; the last step is
    shortened to end at @end.  @maximum is one number or a schedule
    [(t0, dt0), (t1, dt1), ...]: from t_k on a step is at most dt_k, and a
    step that would pass t_k ends on it (the next one starts from the size
    it would have had).  Returns [(time, dt)] of the accepted steps."""
    schedule = maximum if isinstance(maximum, list) else [(0.0, maximum)]
    eps = 1e-9 * end

    def held(t):
        return [v for k, v in schedule if k <= t][-1] if t >= schedule[0][0] else schedule[0][1]

    def next_knot(t):
        return min([k for k, _ in schedule if k > t] + [float("inf")])

    t, dt, step, out = 0.0, initial, 0, []
    injected = set(injected)
    k = 1
    while t < end * (1 - 1e-12):
        dt = min(dt, held(t + eps))
        knot, unclamped = next_knot(t + eps), 0.0
        if t + dt > knot - eps and knot < end * (1 - 1e-9):
            unclamped, dt = dt, knot - t
        if t + dt > end * (1 - 1e-9):
            dt = end - t
        if step + 1 in injected:
            injected.discard(step + 1)
            dt *= 0.5
            continue
        t += dt
        step += 1
        out.append((t, dt))
        newton_its = rows[k]["newton_iterations"] if k < len(rows) else 0
        k += 1
        dt = max(dt, unclamped)
        if newton_its <= easy:
            dt = min(dt * growth, held(t + eps))
    return out


@test
def step_growth(septa, work):
    """Step size control after cut-backs (Time section): the uniaxial block
    (compressible neo-Hookean, Q1) compressed by 50 % over t = 0 ... 1 with
    'Initial step' 0.05, 'Maximum step' 0.3, 'Growth factor' 2, and the
    first converged attempts of steps 2 and 5 rejected
    (SEPTA_INJECT_FAILURES=2,5, as if Newton had failed).  Every row of
    statistics.csv has the time and step size of the documented rule
    replayed here on the rows' Newton counts: a rejected step is repeated at
    half the size, a step that converged within 'Easy iterations' lets the
    next one grow by the growth factor up to the maximum, the last step ends
    at the end time (1e-12; exact arithmetic on powers of two and 0.3).  A
    second run with 'Easy iterations = 2' (Newton needs 2 or 3 iterations
    per step here) grows only after the 2-iteration steps, again as
    replayed.  A third run with the schedule 'Maximum step = 0: 0.3,
    0.45: 0.2, 0.8: 0.125' must have steps ending on 0.45 and 0.8 (1e-12),
    none larger than 0.2 between them and 0.125 after, and the sizes of the
    rule replayed with the schedule (the step shortened to end on 0.8 does
    not hold back the next one: 0.125, not 0.1).  The steps must include a growth to the maximum
    after a cut, and the stress at the end equals the closed form (1e-6)."""
    mu, nu = 1000.0, 0.3
    base = ("subsection Discretization\n set Polynomial degree = 1\n"
            " set Formulation = displacement\nend\n"
            "subsection Time\n set Initial step = 0.05\n set Maximum step = %s\n"
            " set Growth factor = 2\n set Minimum step = 0.001\nend\n")
    schedule = [(0.0, 0.3), (0.45, 0.2), (0.8, 0.125)]
    for name, easy, maximum in (("easy5", 5, 0.3), ("easy2", 2, 0.3), ("schedule", 5, schedule)):
        text = ", ".join("%g: %g" % k for k in maximum) if name == "schedule" else "%g" % maximum
        _, out, rows = run(septa, work, "steps_" + name, "uniaxial.prm",
                           base % text + "subsection Newton\n set Easy iterations = %d\nend\n" % easy,
                           env={"SEPTA_INJECT_FAILURES": "2, 5"})
        assert out.count("failure injected") == 2, out[-2000:]
        expected = predicted_steps(rows, 1.0, 0.05, maximum, 2.0, easy, (2, 5))
        got = [(r["time"], r["step_size"]) for r in rows[1:]]
        print("  %s: steps %s" % (name, " ".join("%.4g" % dt for _, dt in got)))
        assert len(got) == len(expected), (got, expected)
        for (t, dt), (te, dte) in zip(got, expected):
            close("%s: time of the step" % name, t, te, abs_=1e-12)
            close("%s: step size at t = %.4g" % (name, t), dt, dte, abs_=1e-12)
        sizes = [dt for _, dt in got]
        its = [r["newton_iterations"] for r in rows[1:]]
        if name == "schedule":
            times = [t for t, _ in got]
            for knot in (0.45, 0.8):
                assert min(abs(t - knot) for t in times) <= 1e-12, (knot, times)
            for lo, hi, cap in ((0.45, 0.8, 0.2), (0.8, 1.0, 0.125)):
                inside = [dt for t, dt in got if lo + 1e-9 < t <= hi + 1e-9]
                assert inside and max(inside) <= cap + 1e-12, (lo, got)
        elif easy == 5:
            assert max(its) <= 5, its
            cut = sizes.index(0.05, 1)  # step 2: 0.1 halved
            assert sizes[cut + 1] == 0.1 and 0.3 in sizes[cut + 1:], sizes
        else:
            # Both branches of the rule: steps that let the next one grow
            # and steps that do not.
            assert min(its) <= 2 < max(its), its
        close("%s: end stress (Pa)" % name, rows[-1]["reaction_skin_z"] / 1e-6,
              compressible_uniaxial(mu, nu, 0.5)[0], rel=1e-6)


# ------------------------------------------------------------ mesh grading
POINTS_SCRIPT = r"""
import json, os, sys, vtk
import xml.etree.ElementTree as ET
pvd = sys.argv[1]
first = ET.parse(pvd).getroot().find("Collection").findall("DataSet")[0].get("file")
r = vtk.vtkXMLPUnstructuredGridReader()
r.SetFileName(os.path.join(os.path.dirname(pvd), first)); r.Update()
g = r.GetOutput()
print(json.dumps([g.GetPoint(i) for i in range(g.GetNumberOfPoints())]))
"""


def spacings(values):
    """Gaps between the distinct sorted coordinates (1e-9 m apart)."""
    xs = []
    for v in sorted(values):
        if not xs or v - xs[-1] > 1e-9:
            xs.append(v)
    return [b - a for a, b in zip(xs, xs[1:])]


@test
def block_grading(septa, work):
    """'Grading = x, y, z' of the layered block (not centred): a 10 x 8 mm
    block of two layers (3 mm in 3 cells, 2 mm in 2 cells), 4 x 4 lateral
    cells, 'Grading = 1, 3, 2'.  The undeformed points of the first output
    step are read back with VTK: the gaps between distinct x coordinates
    are all equal (uniform along x, 1e-5 relative: gaps of float32 coordinates),
    those along y grow from y = 0 (the smallest gap first, largest / smallest
    = 3), and within each layer those along z shrink towards its top
    (largest / smallest = 2).  Every cell is split into equal sub-cells in
    the output, so the ratios of the gaps are those of the cells.  The
    two-value form 'Grading = 3, 2' grades x as y (x gaps: ratio 3), and a
    centred block with an odd number of cells along a graded direction is
    refused, naming the parameter."""
    text = layered_uniaxial(" set Layer names = lower, upper\n set Layer thicknesses = 3, 2\n"
                            " set Layer cells = 3, 2\n set Lateral size = 10, 8\n"
                            " set Lateral cells = 4, 4\n set Centered = false\n"
                            " set Grading = %s\n")
    mat = "  set Model = neo-Hookean\n  set Shear modulus = 1e3\n  set Poisson ratio = 0.3\n"
    text += ("subsection Materials\n subsection lower\n%s end\n subsection upper\n%s end\nend\n"
             "subsection Loads\n subsection plate\n  set Values = -0.1e-3\n end\nend\n"
             "subsection Time\n set Initial step = 1\n set Maximum step = 1\nend\n"
             "subsection Linear solver\n set Solver = direct\nend\n"
             "subsection Output\n set Write fields = true\nend\n" % (mat, mat))
    for name, grading, ratio_x in (("xyz", "1, 3, 2", 1.0), ("two", "3, 2", 3.0)):
        run(septa, work, "grading_" + name, None, text % grading)
        p = system_python(["-c", POINTS_SCRIPT,
                           os.path.join(work, "grading_" + name, "solution.pvd")])
        assert p.returncode == 0, p.stdout + p.stderr
        points = json.loads(p.stdout)
        gx = spacings([x[0] for x in points])
        gy = spacings([x[1] for x in points])
        close("%s: x gaps, largest / smallest" % name, max(gx) / min(gx), ratio_x, rel=1e-5)
        close("%s: y gaps, largest / smallest" % name, max(gy) / min(gy), 3.0, rel=1e-5)
        assert gy[0] == min(gy) and all(b >= a * (1 - 1e-5) for a, b in zip(gy, gy[1:])), gy
        for layer, lo, hi in (("lower", 0.0, 3e-3), ("upper", 3e-3, 5e-3)):
            gz = spacings([x[2] for x in points if lo - 1e-9 <= x[2] <= hi + 1e-9])
            close("%s: %s z gaps, largest / smallest" % (name, layer),
                  max(gz) / min(gz), 2.0, rel=1e-5)
            assert gz[-1] == min(gz) and all(b <= a * (1 + 1e-5) for a, b in zip(gz, gz[1:])), gz
    bad = text.replace("set Lateral cells = 4, 4", "set Lateral cells = 4, 3").replace(
        "set Centered = false", "set Centered = true")
    _, out, _ = run(septa, work, "grading_odd", None, bad % "1, 3, 2", expect_rc=1)
    assert "Geometry/Grading" in out and "even number" in out, out[-2000:]


# -------------------------------------------------------- post-processing
WARP_SCRIPT = r"""
import sys, vtk
r = vtk.vtkXMLPUnstructuredGridReader(); r.SetFileName(sys.argv[1]); r.Update()
grid = vtk.vtkUnstructuredGrid(); grid.DeepCopy(r.GetOutput())
u = grid.GetPointData().GetArray("displacement")
points = grid.GetPoints()
for i in range(grid.GetNumberOfPoints()):
    x = points.GetPoint(i); d = u.GetTuple3(i)
    points.SetPoint(i, x[0] + d[0], x[1] + d[1], x[2] + d[2])
w = vtk.vtkXMLUnstructuredGridWriter(); w.SetFileName(sys.argv[2]); w.SetInputData(grid)
assert w.Write() == 1
print(grid.GetNumberOfPoints())
"""


@test
def probe_unwarp(septa, work):
    """postprocess/septa_probe.py --unwarp FIELD: septa's last step of the
    clamped, compressed 1 mm block (bulging sides: displacement not linear
    in x) is written again with VTK on the deformed grid (points moved by
    the displacement, as deal.II's step-44 writes its output).  Probing
    that file with '--unwarp displacement' at 6 reference points (interior,
    on the bulging side, on the top) gives the displacement and the cell
    field von_mises that probing septa's own output gives, to 1e-6 of the
    largest value (float32 coordinates in the files: 1e-7 relative), while
    the same file without --unwarp does not (a check that the file really
    is deformed).  An unknown field, for --unwarp or --field, stops it with
    exit code 1 and a message naming the field."""
    run(septa, work, "probe_block", None, clamped_block(
        "subsection Output\n set Write fields = true\nend\n"))
    out = os.path.join(work, "probe_block")
    pvd = os.path.join(out, "solution.pvd")
    last = [d.get("file") for d in ET.parse(pvd).getroot().iter("DataSet")][-1]
    warped = os.path.join(out, "warped.vtu")
    p = system_python(["-c", WARP_SCRIPT, os.path.join(out, last), warped])
    assert p.returncode == 0 and int(p.stdout.split()[-1]) > 0, p.stdout + p.stderr
    probe = os.path.join(ROOT, "postprocess", "septa_probe.py")
    points = ["0.0003,0.0006,0.0005", "0.0007,0.0002,0.0002", "0.001,0.0005,0.0005",
              "0.001,0.001,0.0008", "0.0005,0.0005,0.001", "0.0002,0.0009,0.00095"]

    def sample(path, field, unwarp=None, at=points):
        args = [probe, path, "--field", field] + sum([["--point", x] for x in at], [])
        if path.endswith(".pvd"):
            args.append("--last")
        if unwarp:
            args += ["--unwarp", unwarp]
        r = system_python(args)
        assert r.returncode == 0, r.stdout + r.stderr
        rows = list(csv.DictReader(r.stdout.splitlines()))
        assert len(rows) == len(at), r.stdout
        return rows

    for field, columns in (("displacement", ["displacement_x", "displacement_y",
                                             "displacement_z"]), ("von_mises", ["von_mises"])):
        ref = sample(pvd, field)
        got = sample(warped, field, unwarp="displacement")
        scale = max(abs(float(r[c])) for r in ref for c in columns)
        assert scale > 0
        for a, b in zip(ref, got):
            for c in columns:
                close("unwarped %s at (%s, %s, %s)" % (c, a["x"], a["y"], a["z"]),
                      float(b[c]), float(a[c]), abs_=1e-6 * scale)
    # Without --unwarp the deformed file gives other values (at the two
    # points well inside, which the deformed block still contains).
    ref = sample(pvd, "displacement", at=points[:2])
    plain = sample(warped, "displacement", at=points[:2])
    diff = max(abs(float(a["displacement_%s" % c]) - float(b["displacement_%s" % c]))
               for a, b in zip(ref, plain) for c in "xyz")
    u_scale = max(abs(float(r["displacement_%s" % c])) for r in ref for c in "xyz")
    assert diff > 0.05 * u_scale, "the warped file probes like the original: %g" % diff
    for option, name in (("--unwarp", "no_such_vector"), ("--field", "no_such_field")):
        args = [probe, warped, "--point", points[0], option, name]
        r = system_python(args)
        print("  %s %s: exit %d, %s" % (option, name, r.returncode, r.stderr.strip()[:120]))
        assert r.returncode == 1 and name in r.stderr and r.stderr.count("\n") == 1, \
            (r.returncode, r.stdout, r.stderr)


PNG_INFO = r"""
import sys, vtk, hashlib
for name in sys.argv[1:]:
    r = vtk.vtkPNGReader(); r.SetFileName(name); r.Update()
    img = r.GetOutput(); nx, ny, _ = img.GetDimensions()
    a = img.GetPointData().GetScalars()
    data = bytes(int(a.GetComponent(i, k)) for i in range(nx * ny) for k in range(3))
    print(nx, ny, hashlib.sha1(data).hexdigest())
"""


@test
def render_options(septa, work):
    """postprocess/render.py (ParaView, own Xvfb) on the homogeneous uniaxial
    block (compressible neo-Hookean, mu = 1 kPa, nu = 0.3) compressed to
    l = 0.8 in 2 steps (fields written at 3 times).  --animation writes one
    PNG per time step of the .pvd (3, named _0000 ... _0002, all 320 x 240,
    the first (undeformed, t = 0) differs from the last).  --warp s with
    --clip z colours the half above the reference mid-plane z = 0.5 mm of
    the block warped by s u: the smallest displacement magnitude on the
    kept part is on the axis x = y = 0 where the warped mid-plane cuts it,
    |u| = (1 - l) z0 with z0 (1 - s (1 - l)) = 0.5 mm, i.e. 0.1, 0.125 and
    0.1667 mm for s = 0, 1, 2, and the largest is the top corner's
    sqrt(2 (lt - 1)^2 + (l - 1)^2) mm, lt from the lateral equilibrium
    mu (lt^2 - 1) + lambda ln(l lt^2) = 0, for every s: both from the
    printed range to 1e-6 (float32 data)."""
    mu, nu, l = 1000.0, 0.3, 0.8
    run(septa, work, "render_block", "uniaxial.prm",
        "subsection Output\n set Write fields = true\nend\n"
        "subsection Loads\n subsection plate\n  set Values = %g\n end\nend\n"
        "subsection Time\n set Initial step = 0.5\n set Maximum step = 0.5\nend\n"
        % ((l - 1) * 1e-3))
    out = os.path.join(work, "render_block")
    pvd = os.path.join(out, "solution.pvd")
    n_steps = len(list(ET.parse(pvd).getroot().iter("DataSet")))
    assert n_steps == 3, n_steps
    render = os.path.join(ROOT, "postprocess", "render.py")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}

    def info(args):
        r = system_python([render, pvd, "--size", "320,240"] + args, env=env)
        lines = [x for x in r.stdout.splitlines() if x.startswith("{")]
        assert r.returncode == 0 and lines, r.stdout[-2000:] + r.stderr[-2000:]
        return json.loads(lines[-1])

    frames = os.path.join(work, "frames")
    if os.path.isdir(frames):
        for f in os.listdir(frames):
            os.remove(os.path.join(frames, f))
    result = info(["--field", "displacement", "--animation", os.path.join(frames, "block.png")])
    written = sorted(os.listdir(frames))
    expected = ["block_%04d.png" % k for k in range(n_steps)]
    assert written == expected, (written, expected)
    assert [os.path.basename(f) for f in result["files"]] == expected, result["files"]
    png = system_python(["-c", PNG_INFO] + [os.path.join(frames, f) for f in written])
    assert png.returncode == 0, png.stderr
    pictures = [line.split() for line in png.stdout.splitlines()]
    assert all(p[:2] == ["320", "240"] for p in pictures), pictures
    assert pictures[0][2] != pictures[-1][2], "first and last frame are the same picture"
    print("  --animation: %d frames for %d steps" % (len(written), n_steps))

    lt = compressible_uniaxial(mu, nu, l)[1]
    largest = math.sqrt(2 * (lt - 1) ** 2 + (l - 1) ** 2) * 1e-3
    for s in (0.0, 1.0, 2.0):
        result = info(["--field", "displacement", "--clip", "z", "--warp", "%g" % s,
                       "--out", os.path.join(work, "warp_%g.png" % s)])
        z0 = 0.5e-3 / (1 - s * (1 - l))
        close("--warp %g: smallest |u| on the clipped half (m)" % s, result["range"][0],
              (1 - l) * z0, rel=1e-6)
        close("--warp %g: largest |u| (top corner) (m)" % s, result["range"][1], largest,
              rel=1e-6)


# ------------------------------------------------------------------ sweeps
@test
def sweep_options(septa, work):
    """cluster/sweep.py --reduce and --slurm on the uniaxial block (plate
    moved to -0.2 and -0.3 mm at t = 0.5 and back to half of that at t =
    1, so the extremes of the reaction and the strains are not in the last
    row, and the compressive ones not in the first).  --reduce max and --reduce min: every table
    value equals the max or min over the rows of that run's statistics.csv
    computed here (to the table's 10 digits, 1e-9), and differs from the
    last row.  --slurm: no run starts; one OUT/run_NNN/job.sh per
    combination (2 x 2 here), each with #SBATCH --ntasks = --ranks and an
    'srun SEPTA input.prm' line whose input.prm ends with the 'set' lines
    of its combination; the sbatch commands are printed."""
    sweep = os.path.join(ROOT, "cluster", "sweep.py")
    base = os.path.join(work, "base.prm")
    with open(base, "w") as f:
        f.write(uniaxial_text() + "subsection Loads\n subsection plate\n"
                "  set Load curve = 0:0, 0.5:1, 1:0.5\n end\nend\n")
    columns = ["reaction_skin_z", "E_min_solid", "E_max_solid"]
    for reduce in ("max", "min"):
        out = os.path.join(work, "sweep_" + reduce)
        p = subprocess.run([sys.executable, sweep, base, "--out", out, "--septa", septa,
                            "--set", "Loads/plate/Values=-0.2e-3,-0.3e-3",
                            "--collect"] + columns + ["--reduce", reduce],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=ENV)
        assert p.returncode == 0, p.stdout + p.stderr[-2000:]
        table = list(csv.reader(p.stdout.splitlines()))
        assert table[0] == ["Loads/plate/Values"] + ["%s_%s" % (c, reduce) for c in columns], \
            table[0]
        assert [r[0] for r in table[1:]] == ["-0.2e-3", "-0.3e-3"], table
        for k, row in enumerate(table[1:]):
            stats = read_statistics(os.path.join(out, "run_%03d" % k, "statistics.csv"))
            assert len(stats) == 5, len(stats)
            for c, value in zip(columns, row[1:]):
                column = [r[c] for r in stats]
                expected = max(column) if reduce == "max" else min(column)
                close("--reduce %s, %s = %s: %s" % (reduce, table[0][0], row[0], c),
                      float(value), expected, rel=1e-9)
                assert abs(expected - column[-1]) > 1e-3 * abs(expected), (c, column)

    out = os.path.join(work, "sweep_slurm")
    p = subprocess.run([sys.executable, sweep, base, "--out", out, "--septa", septa,
                        "--slurm", "--ranks", "4",
                        "--set", "Loads/plate/Values=-0.2e-3,-0.3e-3",
                        "--set", "Materials/solid/Shear modulus=1000,2000"],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=ENV)
    assert p.returncode == 0, p.stdout + p.stderr
    combos = [(v, m) for v in ("-0.2e-3", "-0.3e-3") for m in ("1000", "2000")]
    runs = sorted(d for d in os.listdir(out) if d.startswith("run_"))
    assert runs == ["run_%03d" % k for k in range(4)], runs
    printed = [line for line in p.stdout.splitlines() if line.startswith("sbatch ")]
    assert len(printed) == 4, p.stdout
    for k, (values, modulus) in enumerate(combos):
        folder = os.path.join(out, "run_%03d" % k)
        assert not os.path.exists(os.path.join(folder, "statistics.csv")), "a run was started"
        job = os.path.join(folder, "job.sh")
        assert printed[k] == "sbatch " + job, (printed[k], job)
        text = open(job).read()
        prm = os.path.join(folder, "input.prm")
        assert text.startswith("#!") and "#SBATCH --ntasks=4\n" in text, text
        assert re.search(r"^srun %s %s$" % (re.escape(septa), re.escape(prm)), text, re.M), text
        sets = open(prm).read().split("# sweep")[-1]
        assert re.search(r"subsection Loads\n subsection plate\n  set Values = %s\n" %
                         re.escape(values), sets), sets
        assert re.search(r"subsection Materials\n subsection solid\n  set Shear modulus = %s\n" %
                         modulus, sets), sets
        assert "set Directory = %s" % folder in sets, sets
    print("  --slurm: %d job scripts, none run" % len(runs))


@test
def skin_roughness(septa, work):
    """Output/Roughness surface = skin on the cellulite block under its
    garment (params/cellulite_septa.prm).  (1) 2 ranks give the 1-rank
    roughness columns (1e-8 of St: the fit is the same sum in another
    order; Newton at 1e-8 relative moves the solution by less).  (2) With a
    cutoff of 1 km the kernel varies by less than 5e-8 over the 40 mm
    block, so the fit is the area mean of the normal displacement (another
    postprocessor's un_mean_skin): Sp = un_max - un_mean and Sv = un_mean -
    un_min to 1e-7 of St.  (3) The septa tether the skin, the fat chambers
    between them bulge: with septa of fat instead, St and Sq are less than
    half.  (4) The 'roughness' field lies in [-Sv, Sp] and reaches them
    within the face averaging.  (5) An unknown surface and a cutoff of 0
    are refused naming the parameter."""
    text = scenario_text("cellulite_septa.prm")
    rough = "subsection Output\n set Roughness surface = skin\n%s\nend\n"
    rows = {}
    for label, ranks, extra in (("one", 1, ""), ("two", 2, ""),
                                ("mean", 1, " set Roughness cutoff = 1e3\n")):
        rows[label] = run(septa, work, "rough_" + label, None, text + rough % extra,
                          ranks=ranks)[2]
    names = ("Sa_skin", "Sq_skin", "Sp_skin", "Sv_skin", "St_skin", "depressions_skin",
             "depression_area_skin", "deepest_x_skin", "deepest_y_skin", "deepest_z_skin")
    last = rows["one"][-1]
    St = last["St_skin"]
    print("  last step: " + ", ".join("%s %.4g" % (n, last[n]) for n in names))
    assert St > 1e-5, St
    for a, b in zip(rows["one"], rows["two"]):
        for n in names[:7]:
            close("2 ranks, t = %g: %s" % (a["time"], n), b[n], a[n], abs_=1e-8 * St)
        # The deepest point: the same place unless two points tie.
        for n in names[7:]:
            close("2 ranks, t = %g: %s" % (a["time"], n), b[n], a[n], abs_=1e-9)
    for r in rows["mean"][1:]:
        close("cutoff 1 km, t = %g: Sp = un_max - un_mean" % r["time"], r["Sp_skin"],
              r["un_max_skin"] - r["un_mean_skin"], abs_=1e-7 * r["St_skin"])
        close("cutoff 1 km, t = %g: Sv = un_mean - un_min" % r["time"], r["Sv_skin"],
              r["un_mean_skin"] - r["un_min_skin"], abs_=1e-7 * r["St_skin"])

    fat = re.sub(r"  subsection septa\n.*?\n  end\n",
                 "  subsection septa\n   include %s/params/materials/buttock_fat.prm\n  end\n"
                 % os.path.abspath(ROOT), text, count=1, flags=re.S)
    assert fat != text
    plain = run(septa, work, "rough_fat", None, fat + rough % " set Write fields = false\n")[2][-1]
    for n in ("St_skin", "Sq_skin"):
        print("  %s: %.4g mm with septa, %.4g mm with fat" % (n, last[n] * 1e3, plain[n] * 1e3))
        assert last[n] > 2 * plain[n] > 0, (n, last[n], plain[n])

    field = read_vtk(os.path.join(work, "rough_one", "solution.pvd"))["point_arrays"]["roughness"]
    low, high = field["min"][0], field["max"][0]
    print("  roughness field: %.4g to %.4g mm" % (low * 1e3, high * 1e3))
    assert -last["Sv_skin"] * (1 + 1e-6) <= low < -0.3 * last["Sv_skin"], (low, last["Sv_skin"])
    assert 0.3 * last["Sp_skin"] < high <= last["Sp_skin"] * (1 + 1e-6), (high, last["Sp_skin"])

    for entry, value in (("Roughness surface", "shin"), ("Roughness cutoff", "0")):
        rc, out, _ = run(septa, work, "rough_bad", None, text + rough %
                         (" set Roughness surface = skin\n set %s = %s\n" % (entry, value)),
                         expect_rc=1)
        assert "Output/" + entry in out and value in out, out[-2000:]
