"""Tests of the run's state across interruptions and meshes: checkpoints
and restart (after a signal, on another number of ranks, refused for another
model), a process killed while it writes its fields, and adaptive refinement
(the quadrature-point state carried to the refined cells, Kelly refinement
of Cook's membrane).  Registered with @test and run as 'run_test.py NAME'.

The references: the uninterrupted run of the same case (restart), closed
forms (Prony relaxation, Hill's force-velocity relation, the plate
displacement in the written fields, the cell counts of the layer-interface
rule), the globally refined mesh and another rank count (adaptive)."""

import csv
import json
import math
import os
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from fractions import Fraction

from septa_test import (agree, close, force_velocity_stress, prm_with, prony_confined_stress,
                        read_statistics, test, worst, ENV, FORCE_VELOCITY_CURVE, HERE, ROOT)

# VTK comes with Debian's python3, not with the one first on the PATH.
SYSTEM_PYTHON = "/usr/bin/python3"
# Exit code of a run stopped by SIGTERM/SIGUSR1 after its checkpoint
# (sysexits.h EX_TEMPFAIL: try again, i.e. resume).
EX_TEMPFAIL = 75


# ----------------------------------------------------------------- helpers
def prepare(work, name, text):
    """A fresh folder work/name (whatever an earlier run of the test left
    there removed) holding input.prm = @text with its output directed to
    that folder; returns (folder, path of input.prm)."""
    out = os.path.join(work, name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    prm = os.path.join(out, "input.prm")
    with open(prm, "w") as f:
        f.write(prm_with(None, text, out))
    return out, prm


def command(septa, prm, ranks, args=(), env=None):
    cmd = [septa, prm] + list(args)
    if ranks > 1:
        exports = sum([["-x", k] for k in sorted(env or {})], [])
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(ranks)] + \
            exports + cmd
    return cmd


def launch(septa, prm, ranks=1, args=(), env=None, timeout=600):
    """Run septa to its end; stdout and stderr apart (messages on stderr)."""
    return subprocess.run(command(septa, prm, ranks, args, env), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=dict(ENV, **(env or {})),
                          timeout=timeout)


def expect_rc(label, p, rc):
    if p.returncode != rc:
        raise AssertionError("%s: exit code %d, expected %d\n%s\n%s" %
                             (label, p.returncode, rc, p.stdout[-3000:], p.stderr[-3000:]))


def data_rows(path):
    """(rows, lines) of a statistics.csv that may be incomplete (stopped,
    killed): rows of the data lines as floats, and every line of the file."""
    lines = open(path).read().splitlines()
    rows = [{k: float(v) for k, v in r.items()}
            for r in csv.DictReader(l for l in lines if not l.startswith("#"))]
    return rows, lines


def rows_written(path):
    """Complete data lines in @path so far (the file is being written)."""
    if not os.path.exists(path):
        return 0
    lines = open(path).read().split("\n")[:-1]  # the last one may be partial
    return max(0, len([l for l in lines if l and not l.startswith("#")]) - 1)


def floors(reference, rel):
    """Absolute floor per column for comparing runs to @rel: reactions on
    faces that carry no load and displacements on symmetry planes are
    round-off, compared against @rel times the largest reaction or
    displacement of the reference; other columns against 1e-12."""
    def largest(prefixes):
        values = [abs(r[k]) for r in reference for k in r if k.startswith(prefixes)]
        scale = worst(values) if values else 0.0
        assert math.isfinite(scale), "non-finite %s in the reference" % (prefixes,)
        return scale
    reaction, displacement = largest(("reaction",)), largest(("u_", "un_"))
    return lambda key: (rel * reaction if key.startswith("reaction") else
                        rel * displacement if key.startswith(("u_", "un_")) else 1e-12)


def same_rows(label, reference, rows, rel):
    """Every row of @rows equals the one of @reference with the same index:
    times to 1e-12 s, every other column to @rel (floors() for values that
    are round-off); iteration counts not compared.  Returns the number of
    values compared."""
    floor = floors(reference, rel)
    checked = 0
    for k, (a, b) in enumerate(zip(reference, rows)):
        close("%s: time of row %d (s)" % (label, k), b["time"], a["time"], abs_=1e-12)
        checked += agree("%s at t = %g" % (label, a["time"]), a, b, rel=rel, floor=floor)
    return checked


def series(out):
    """[(time, file)] of out/solution.pvd after checking it: well-formed XML
    (ET.parse fails otherwise), each time once, each file named once, every
    .pvtu it names and every .vtu piece those name exists."""
    pvd = os.path.join(out, "solution.pvd")
    entries = [(float(d.get("timestep")), d.get("file"))
               for d in ET.parse(pvd).getroot().iter("DataSet")]
    times, files = [t for t, _ in entries], [f for _, f in entries]
    assert entries, "%s names no data set" % pvd
    assert len(set(times)) == len(times), "%s: a time twice: %s" % (pvd, times)
    assert len(set(files)) == len(files), "%s: a file twice: %s" % (pvd, files)
    for f in files:
        pvtu = os.path.join(out, f)
        assert os.path.isfile(pvtu), "%s names %s, which does not exist" % (pvd, f)
        pieces = [p.get("Source") for p in ET.parse(pvtu).getroot().iter("Piece")]
        assert pieces, "%s names no pieces" % pvtu
        for piece in pieces:
            assert os.path.isfile(os.path.join(os.path.dirname(pvtu), piece)), \
                "%s names %s, which does not exist" % (pvtu, piece)
    return entries


def pieces_named(out, entries):
    """Every .vtu piece named by the .pvtu files of @entries."""
    named = set()
    for _, f in entries:
        pvtu = os.path.join(out, f)
        named |= {os.path.normpath(os.path.join(os.path.dirname(pvtu), p.get("Source")))
                  for p in ET.parse(pvtu).getroot().iter("Piece")}
    return named


def read_vtk(pvd, *options):
    """tests/read_vtk.py on @pvd (its last data set; see that file for
    @options) with Debian's python3, as parsed JSON."""
    assert os.path.exists(SYSTEM_PYTHON), "no %s (Debian's python3 with VTK)" % SYSTEM_PYTHON
    p = subprocess.run([SYSTEM_PYTHON, os.path.join(HERE, "read_vtk.py"), pvd] + list(options),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    return json.loads(p.stdout)


def checkpoints(directory):
    """The step-NNNNNN folders of a checkpoint Directory, oldest first, after
    checking that no half-written one (*.tmp) is left and that at most two
    are kept."""
    names = sorted(os.listdir(directory))
    assert not [n for n in names if n.endswith(".tmp")], \
        "%s: a half-written checkpoint is left: %s" % (directory, names)
    steps = [n for n in names if re.fullmatch(r"step-\d{6}", n)]
    assert 1 <= len(steps) <= 2, "%s: expected the last one or two checkpoints, found %s" % (
        directory, names)
    return steps


def state(folder):
    """state.txt of a checkpoint as a dict of strings, after checking that
    the folder holds what a checkpoint must (state, statistics, parameters,
    p4est mesh files)."""
    names = os.listdir(folder)
    for required in ("state.txt", "statistics.csv", "parameters.prm"):
        assert required in names, "%s: no %s (has %s)" % (folder, required, sorted(names))
    assert [n for n in names if n.startswith("mesh")], "%s: no mesh files" % folder
    values = {}
    for line in open(os.path.join(folder, "state.txt")):
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    for key in ("time", "step", "ranks", "model", "version"):
        assert values.get(key), "%s/state.txt: no '%s' (has %s)" % (folder, key, sorted(values))
    return values


def check_checkpoint(folder, rows, ranks):
    """@folder is the checkpoint of the last of @rows (statistics rows up
    to it) written on @ranks ranks: named after the step, state.txt with
    the same step and time, a copy of the statistics up to that step."""
    step = len(rows) - 1
    assert os.path.basename(os.path.normpath(folder)) == "step-%06d" % step, (folder, step)
    s = state(folder)
    assert int(s["step"]) == step, (folder, s["step"], step)
    assert int(s["ranks"]) == ranks, (folder, s["ranks"], ranks)
    # The rows are written with 10 digits.
    close("%s: time in state.txt (s)" % os.path.basename(folder), float(s["time"]),
          rows[-1]["time"], rel=1e-9)
    copy, _ = data_rows(os.path.join(folder, "statistics.csv"))
    assert len(copy) == len(rows), "%s: %d rows in the copy of the statistics, expected %d" % (
        folder, len(copy), len(rows))
    for a, b in zip(rows, copy):  # a copy of the same text: equal
        agree("%s: copied statistics at t = %g" % (os.path.basename(folder), a["time"]), a, b,
              rel=0.0, skip=())


# -------------------------------------------------------- restart_signal
def restart_case():
    """params/restart_stimulated.prm (force-velocity muscle, viscoelastic
    fat) coarsened to 4 x 4 x (2, 2, 1) cells, to t = 1.2 s with steps
    growing from 0.025 s to 0.1 s (so that a resumed run must restore the
    step size), Newton to 1e-10, MUMPS, fields written at every step."""
    text = open(os.path.join(ROOT, "params", "restart_stimulated.prm")).read()
    text = text.replace("include params/", "include %s/params/" % os.path.abspath(ROOT))
    return text + ("subsection Geometry\n set Lateral cells = 4, 4\n set Layer cells = 2, 2, 1\nend\n"
                   "subsection Time\n set End time = 1.2\n set Initial step = 0.025\n"
                   " set Maximum step = 0.1\n set Growth factor = 2\nend\n"
                   "subsection Newton\n set Residual tolerance = 1e-10\nend\n"
                   "subsection Linear solver\n set Solver = direct\nend\n"
                   "subsection Output\n set Every n steps = 1\n set Write fields = true\nend\n"
                   "subsection Checkpoint\n set Every n steps = 0\n set Every minutes = 0\nend\n")


def descendants(pid):
    """Process ids of every descendant of @pid (from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % entry).read()
        except OSError:
            continue
        # 'pid (comm) state ppid ...': comm may hold spaces and brackets.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def septa_ranks(launcher, septa, ranks, timeout=60):
    """The septa processes (the MPI ranks) started by the mpirun @launcher."""
    exe = os.path.realpath(septa)
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for pid in descendants(launcher):
            try:
                # ' (deleted)': the binary was rebuilt while it ran.
                if os.readlink("/proc/%d/exe" % pid).replace(" (deleted)", "") == exe:
                    found.append(pid)
            except OSError:
                pass
        if len(found) == ranks:
            return found
        assert time.monotonic() < deadline, "found %d septa ranks under mpirun, expected %d" % (
            len(found), ranks)
        time.sleep(0.05)


def interrupt(septa, prm, out, ranks, how, after_rows):
    """Start septa on @ranks ranks, wait until statistics.csv has
    @after_rows data rows, signal it (@how: 'SIGTERM to the ranks' or
    'SIGUSR1 to mpirun', which Open MPI forwards to the ranks) and wait for
    its end; returns (exit code, console output)."""
    stats = os.path.join(out, "statistics.csv")
    log_path = os.path.join(out, "console.log")
    with open(log_path, "w") as log:
        p = subprocess.Popen(command(septa, prm, ranks), stdout=log, stderr=subprocess.STDOUT,
                             env=ENV)
        try:
            deadline = time.monotonic() + 600
            while rows_written(stats) < after_rows:
                if p.poll() is not None:
                    raise AssertionError("the run ended (exit %d) before it had %d rows to "
                                         "interrupt:\n%s" % (p.returncode, after_rows,
                                                             open(log_path).read()[-3000:]))
                assert time.monotonic() < deadline, "no %d rows after 600 s" % after_rows
                time.sleep(0.01)
            if how.startswith("SIGTERM"):
                for pid in septa_ranks(p.pid, septa, ranks):
                    os.kill(pid, signal.SIGTERM)
            else:
                p.send_signal(signal.SIGUSR1)
            rc = p.wait(timeout=600)
        finally:
            if p.poll() is None:  # only on a failure above: end what we started
                p.kill()
                p.wait()
    return rc, open(log_path).read()


@test
def restart_signal(septa, work):
    """Checkpoint and restart after a signal.  params/restart_stimulated.prm
    coarsened (stimulated muscle with Hill's force-velocity relation, so the
    active stress depends on the previous fibre stretch; fat with a Prony
    series; steps growing from 0.025 s to 0.1 s), to t = 1.2 s on 2 ranks:
    (a) uninterrupted; (b) with 'Checkpoint/Every n steps = 2', sent SIGTERM
    (to the ranks, as a batch system does) once statistics.csv has 5 rows:
    exit code 75, 'septa: stopped by signal', statistics.csv ends with
    '# stopped at t = ... (checkpoint DIR)' where DIR is step-NNNNNN of the
    last row (its state.txt: that step and time, 2 ranks; its copy of the
    statistics: the rows written), at most two checkpoints and no
    half-written one; the rows so far equal (a)'s; (c) resumed on 3 ranks
    from the checkpoint Directory: its statistics.csv equals (a)'s row by
    row (same number of rows, same times to 1e-12 s, every column to 1e-8;
    iteration counts excepted) and its solution.pvd names each of (a)'s
    times once, every .pvtu and .vtu it names exists, and the last fields
    read with VTK equal (a)'s (displacement range, 1e-6: float32).  The
    same with SIGUSR1 sent to mpirun (Open MPI forwards it) and the run
    resumed on 1 rank from the step-NNNNNN folder named in statistics.csv.
    Tolerance 1e-8: a checkpoint restores the state as it was; what
    differs is the round-off of MUMPS on another number of ranks (1e-13)
    and where Newton stops (residual 1e-10 here), below the 10 printed
    digits (5e-10); a lost history or step size differs by 1e-4 or more.
    Reactions on unloaded faces and displacements on symmetry planes are
    round-off: compared to 1e-8 of the largest reaction or displacement."""
    text = restart_case()
    ref_out, prm = prepare(work, "uninterrupted", text)
    p = launch(septa, prm, 2)
    expect_rc("uninterrupted", p, 0)
    reference = read_statistics(os.path.join(ref_out, "statistics.csv"))
    assert len(reference) >= 13, "expected >= 12 steps, got %d rows" % len(reference)
    ref_series = series(ref_out)
    ref_times = [t for t, _ in ref_series]
    assert len(ref_times) == len(reference), (len(ref_times), len(reference))
    for t, r in zip(ref_times, reference):  # fields at every step
        close("uninterrupted: .pvd time (s)", t, r["time"], abs_=1e-12)
    ref_fields = read_vtk(os.path.join(ref_out, "solution.pvd"))

    text += "subsection Checkpoint\n set Every n steps = 2\nend\n"
    for label, how, resume_ranks in (("term", "SIGTERM to the ranks", 3),
                                     ("usr1", "SIGUSR1 to mpirun", 1)):
        out, prm = prepare(work, "interrupted_" + label, text)
        rc, console = interrupt(septa, prm, out, 2, how, after_rows=5)
        print("  %s: exit code %d" % (how, rc))
        assert rc == EX_TEMPFAIL, "%s: exit code %d, expected %d\n%s" % (
            how, rc, EX_TEMPFAIL, console[-3000:])
        assert any(l.startswith("septa: stopped by signal") for l in console.splitlines()), \
            console[-3000:]
        stats = os.path.join(out, "statistics.csv")
        rows, lines = data_rows(stats)
        m = re.fullmatch(r"# stopped at t = (\S+) \(checkpoint (.+)\)", lines[-1])
        assert m, "%s: statistics.csv ends with %r" % (how, lines[-1])
        assert not any(l.startswith("# completed") for l in lines), how
        assert 5 <= len(rows) < len(reference), \
            "%s: stopped with %d rows of %d" % (how, len(rows), len(reference))
        close("%s: stopped at t (s)" % how, float(m.group(1)), rows[-1]["time"], rel=1e-9)
        same_rows("%s: rows before the stop vs uninterrupted" % how, reference[:len(rows)],
                  rows, rel=1e-8)
        folder = m.group(2)
        if not os.path.isabs(folder):
            folder = os.path.join(out, folder)
        directory = os.path.join(out, "checkpoints")
        kept = checkpoints(directory)
        assert os.path.basename(os.path.normpath(folder)) in kept, (folder, kept)
        assert os.path.samefile(os.path.dirname(os.path.normpath(folder)), directory), folder
        check_checkpoint(folder, rows, 2)
        stopped_step = len(rows) - 1

        resume_from = directory if label == "term" else folder
        p = launch(septa, prm, resume_ranks, ["--resume", resume_from])
        expect_rc("%s: resumed on %d ranks" % (how, resume_ranks), p, 0)
        final = read_statistics(stats)
        assert len(final) == len(reference), "%s: %d rows after the restart, %d uninterrupted" % (
            how, len(final), len(reference))
        n = same_rows("%s, resumed on %d rank(s) vs uninterrupted" % (how, resume_ranks),
                      reference, final, rel=1e-8)
        assert n > 20 * len(reference), n
        entries = series(out)
        times = [t for t, _ in entries]
        assert len(times) == len(ref_times), "%s: .pvd times %s, uninterrupted %s" % (
            how, times, ref_times)
        for t, t_ref in zip(times, ref_times):
            close("%s: .pvd time" % how, t, t_ref, abs_=1e-12)
        fields = read_vtk(os.path.join(out, "solution.pvd"))
        assert fields["n_points"] == ref_fields["n_points"] > 0, (fields["n_points"],
                                                                 ref_fields["n_points"])
        u, u_ref = fields["point_arrays"]["displacement"], ref_fields["point_arrays"]["displacement"]
        scale = max(max(abs(v) for v in u_ref["min"]), max(abs(v) for v in u_ref["max"]))
        assert scale > 1e-4, scale  # the muscle moved the block by more than 0.1 mm
        for bound in ("min", "max"):
            for c in range(3):
                close("%s: last fields, displacement %s[%d] (m)" % (how, bound, c),
                      u[bound][c], u_ref[bound][c], abs_=1e-6 * scale)
        kept = checkpoints(directory)
        newest = os.path.join(directory, kept[-1])
        assert int(kept[-1][5:]) > stopped_step, "%s: no checkpoint after the restart: %s" % (
            how, kept)
        assert int(state(newest)["ranks"]) == resume_ranks, newest
        print("  %s: stopped after step %d, resumed on %d rank(s): %d values agree, %d times "
              "in the .pvd" % (how, stopped_step, resume_ranks, n, len(times)))


# ---------------------------------------------------- kill_during_output
@test
def kill_during_output(septa, work):
    """A run killed while it writes its fields leaves a usable series:
    tests/cases/uniaxial.prm (plate moved by -0.5 mm t, steps of 0.25 s,
    fields at every step) with SEPTA_KILL_DURING_OUTPUT=3, which raises
    SIGKILL during the third field output (t = 0.5 s) after its .vtu pieces
    are written: on 1 rank the process dies by SIGKILL (exit -9), on 2
    ranks mpirun fails (any non-zero code).  Then solution.pvd is
    well-formed, names exactly the two earlier outputs (the times of the
    first two rows of statistics.csv, 0 and 0.25 s), each once, all its
    .pvtu and .vtu files exist, and at least one piece of the third output exists but is not named
    (the kill came after it); VTK reads the last output: it has points and
    a 3-component displacement whose lowest z is the plate's -0.125 mm at
    t = 0.25 s (1e-6: float32) and highest z the bottom's 0 (1e-12 m)."""
    text = (open(os.path.join(HERE, "cases", "uniaxial.prm")).read() +
            "subsection Output\n set Write fields = true\n set Every n steps = 1\nend\n"
            "subsection Linear solver\n set Solver = direct\nend\n")
    for ranks in (1, 2):
        out, prm = prepare(work, "killed_np%d" % ranks, text)
        p = launch(septa, prm, ranks, env={"SEPTA_KILL_DURING_OUTPUT": "3"}, timeout=300)
        print("  %d rank(s): exit code %d" % (ranks, p.returncode))
        if ranks == 1:
            expect_rc("1 rank", p, -signal.SIGKILL)
        else:
            assert p.returncode != 0, "2 ranks: the run was not killed\n" + p.stdout[-2000:]
        rows, lines = data_rows(os.path.join(out, "statistics.csv"))
        assert len(rows) >= 2 and not any(l.startswith("# completed") for l in lines), lines
        entries = series(out)
        assert len(entries) == 2, "%d rank(s): .pvd names %s, expected 2 outputs" % (
            ranks, entries)
        for (t, _), r in zip(entries, rows):
            close("%d rank(s): .pvd time (s)" % ranks, t, r["time"], abs_=1e-12)
        named = pieces_named(out, entries)
        on_disk = set()
        for folder, _, files in os.walk(out):
            on_disk |= {os.path.normpath(os.path.join(folder, f)) for f in files
                        if f.endswith(".vtu")}
        assert on_disk - named, "%d rank(s): no piece of the killed output was written" % ranks
        data = read_vtk(os.path.join(out, "solution.pvd"))
        assert data["n_points"] > 0, data
        u = data["point_arrays"]["displacement"]
        assert u["components"] == 3, u
        close("%d rank(s): last output, lowest u_z = plate (m)" % ranks, u["min"][2],
              -0.5e-3 * 0.25, rel=1e-6)
        close("%d rank(s): last output, highest u_z = bottom (m)" % ranks, u["max"][2], 0.0,
              abs_=1e-12)


# ------------------------------------------------------------- refinement
def two_layer_cube(materials):
    """tests/cases/uniaxial.prm (1 mm cube, rollers on x-, y-, bone, plate
    on skin) as two layers 'lower' (0.5 mm, 2 cells thick) and 'upper'
    (0.5 mm, 1 cell), 2 x 2 cells laterally, both of the material
    @materials (the entries of one Materials subsection)."""
    text = open(os.path.join(HERE, "cases", "uniaxial.prm")).read()
    text = re.sub(r"subsection Materials.*?\nend\n", "", text, flags=re.S)
    text = re.sub(r"subsection Geometry.*?\nend\n",
                  "subsection Geometry\n set Type = layered block\n set Mesh scale = 1e-3\n"
                  " set Layer names = lower, upper\n set Layer thicknesses = 0.5, 0.5\n"
                  " set Layer cells = 2, 1\n set Lateral size = 1, 1\n set Lateral cells = 2, 2\n"
                  " set Centered = false\nend\n", text, count=1, flags=re.S)
    return text + ("subsection Materials\n subsection lower\n%s end\n subsection upper\n%s end\n"
                   "end\n" % (materials, materials))


def interface_refinement_counts(max_level):
    """Active cells of two_layer_cube() after each pass of the 'layer
    interfaces' rule, computed here on boxes: every cell below @max_level
    that shares a face (a common plane, overlap of positive area) with a
    cell of the other layer is split into 8, until a pass changes nothing.
    Checks that the result needs no 2:1 balancing (face neighbours differ
    by at most one level), so that no other rule adds cells."""
    def split(cell):
        lo, hi, layer, level = cell
        mid = [(a + b) / 2 for a, b in zip(lo, hi)]
        return [(tuple(lo[d] if (k >> d) & 1 == 0 else mid[d] for d in range(3)),
                 tuple(mid[d] if (k >> d) & 1 == 0 else hi[d] for d in range(3)), layer, level + 1)
                for k in range(8)]

    def share_face(a, b):
        for d in range(3):
            if a[1][d] == b[0][d] or b[1][d] == a[0][d]:
                others = [e for e in range(3) if e != d]
                if all(min(a[1][e], b[1][e]) > max(a[0][e], b[0][e]) for e in others):
                    return True
        return False

    h = Fraction(1, 2)
    z = [Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(1)]  # lower: 2 cells, upper: 1
    cells = [((i * h, j * h, z[k]), ((i + 1) * h, (j + 1) * h, z[k + 1]), 0 if k < 2 else 1, 0)
             for i in range(2) for j in range(2) for k in range(3)]
    counts = [len(cells)]
    while True:
        flagged = [c for c in cells if c[3] < max_level and
                   any(o[2] != c[2] and share_face(c, o) for o in cells)]
        if not flagged:
            break
        cells = [c for c in cells if c not in flagged] + sum((split(c) for c in flagged), [])
        counts.append(len(cells))
    for a in cells:
        for b in cells:
            assert not (share_face(a, b) and abs(a[3] - b[3]) > 1), "needs 2:1 balancing"
    return counts


def distinct(values):
    out = []
    for v in values:
        if not out or v != out[-1]:
            out.append(v)
    return out


def check_cell_columns(label, rows, counts):
    """cells, min_level, max_level of every row: the cell counts go through
    exactly @counts in order (never down), with max_level the number of
    passes so far and min_level 0 (the cells away from the interface stay
    coarse)."""
    cells = [int(r["cells"]) for r in rows]
    assert distinct(cells) == counts, "%s: cells %s, expected the sequence %s" % (
        label, cells, counts)
    for r in rows:
        level = counts.index(int(r["cells"]))
        assert (r["min_level"], r["max_level"]) == (0, level), "%s at t = %g: levels %g, %g" % (
            label, r["time"], r["min_level"], r["max_level"])


@test
def refinement_state_transfer(septa, work):
    """Adaptive refinement carries the quadrature-point state to the new
    cells.  A 1 mm cube of two layers of the same material (so the state
    stays homogeneous and the closed forms hold) refined by 'layer
    interfaces' while its history matters.  The cell counts after each
    refinement are those of the rule applied here to the boxes: 12, 68,
    292 cells (Max level 2; min_level 0, max_level 0, 1, 2), in that order.
    (1) The confined-compression relaxation of run_test.py's
    viscoelastic_relaxation (split neo-Hookean mu = 530 Pa, nu = 0.45,
    Prony g = 0.39, 0.2, tau = 700, 50 s; lambda = 0.9 in the 1 s ramp,
    then held to 2000 s), refined after every 2nd step, i.e. at 3 s and 15
    s, during the relaxation: the reaction equals the Prony closed form at
    every row, 1e-7 as there (Newton tolerance 1e-8); a history reset on
    the new cells would undo the relaxation so far, more than 1e-3 of the
    stress at 3 s and 7e-3 at 15 s.
    (2) run_test.py's force-velocity muscle (Martins muscle, fibres along
    z, nu = 0.4999, excited fully from 0.1 s; V_max = 2; stretched to 1.05,
    held, shortened to 0.95 at 0.25 V_max and lengthened back), refined
    once (Max level 1: 12 -> 68 cells) after step 9 (0.45 s), in the
    shortening: the nominal stress equals passive + sigma_max a f_L f_V at
    every step as there (2e-3, nearly incompressible), also after the
    refinement, where a fibre stretch reset to 1 on the new cells would
    double the shortening velocity (f_V 0.17 instead of 0.375)."""
    # (1) Relaxation.
    mu, nu, lam = 530.0, 0.45, 0.9
    g, tau = (0.39, 0.2), (700.0, 50.0)
    t_r = 1.0

    def P(t):
        return prony_confined_stress(t, mu, nu, lam, g, tau, t_r)

    counts = interface_refinement_counts(2)
    assert counts == [12, 68, 292], counts
    text = two_layer_cube("  set Model = neo-Hookean\n  set Form = split\n"
                          "  set Shear modulus = %g\n  set Poisson ratio = %g\n"
                          "  subsection Viscoelasticity\n   set Relative moduli = 0.39, 0.2\n"
                          "   set Relaxation times = 700, 50\n  end\n" % (mu, nu))
    text = text.replace("set Names = sym x, sym y, bottom, plate",
                        "set Names = sym x, sym y, bottom, plate, wall x, wall y")
    text += ("subsection Loads\n subsection plate\n  set Values = %g\n  set Load curve = 0:0, 1:1\n end\n"
             " subsection wall x\n  set Type = displacement\n  set Boundary = x+\n"
             "  set Components = x\n  set Values = 0\n end\n"
             " subsection wall y\n  set Type = displacement\n  set Boundary = y+\n"
             "  set Components = y\n  set Values = 0\n end\nend\n"
             "subsection Linear solver\n set Solver = direct\nend\n"
             "subsection Time\n set End time = 2000\n set Initial step = 1\n"
             " set Maximum step = 500\n set Growth factor = 2\nend\n"
             "subsection Adaptive refinement\n set Every n steps = 2\n"
             " set Indicators = layer interfaces\n set Max level = 2\nend\n" % ((lam - 1) * 1e-3))
    out, prm = prepare(work, "relaxation_refined", text)
    p = launch(septa, prm)
    expect_rc("relaxation", p, 0)
    rows = read_statistics(os.path.join(out, "statistics.csv"))
    assert len(rows) > 8 and abs(rows[1]["time"] - t_r) < 1e-12, len(rows)
    check_cell_columns("relaxation", rows, counts)
    assert rows[1]["cells"] == 12, "refined before the hold: %s" % rows[1]
    for r in rows[1:]:
        close("relaxation, %d cells: P_zz at t = %.1f s (Pa)" % (r["cells"], r["time"]),
              r["reaction_skin_z"] / 1e-6, P(r["time"]), rel=1e-7)
    refined = [r for r in rows if r["cells"] == counts[-1]]
    assert len(refined) >= 5, "only %d rows on the refined mesh" % len(refined)

    # (2) Force-velocity.
    c, b, A, a = 387.0, 23.46, 584.0, 12.43
    sigma_max, tau_act = 3e5, 0.015

    counts = interface_refinement_counts(1)
    assert counts == [12, 68], counts
    text = two_layer_cube("  set Model = Martins muscle\n  set c = %g\n  set b = %g\n"
                          "  set A = %g\n  set a = %g\n  set Poisson ratio = 0.4999\n"
                          "  set Fibre direction = 0, 0, 1\n"
                          "  subsection Activation\n   set Excitation = constant\n"
                          "   set Level = 1\n   set Start time = 0.1\n"
                          "   set Maximum shortening velocity = 2\n  end\n" % (c, b, A, a))
    text += ("subsection Loads\n subsection plate\n  set Values = 0.05e-3\n"
             "  set Load curve = %s\n end\nend\n"
             "subsection Linear solver\n set Solver = direct\nend\n"
             "subsection Time\n set End time = 0.7\n set Initial step = 0.05\n"
             " set Maximum step = 0.05\nend\n"
             "subsection Adaptive refinement\n set Every n steps = 9\n"
             " set Indicators = layer interfaces\n set Max level = 1\nend\n"
             % FORCE_VELOCITY_CURVE)
    out, prm = prepare(work, "force_velocity_refined", text)
    p = launch(septa, prm)
    expect_rc("force-velocity", p, 0)
    rows = read_statistics(os.path.join(out, "statistics.csv"))
    assert len(rows) >= 15 and abs(rows[-1]["time"] - 0.7) < 1e-12, len(rows)
    check_cell_columns("force-velocity", rows, counts)
    # The last row on the coarse mesh is that of step 9 (0.45 s) or, if
    # the row is written after the refinement, of step 8: in the shortening.
    t_refined = [r["time"] for r in rows if r["cells"] == counts[0]][-1]
    assert 0.3 < t_refined < 0.5, "refined at t = %g, not in the shortening" % t_refined
    checked_after = 0
    for r in rows[1:]:
        t = r["time"]
        expected = force_velocity_stress(t, c, b, A, a, sigma_max,
                                         1 - math.exp(-(t - 0.1) / tau_act))
        if expected is None:
            continue
        close("force-velocity, %d cells: P at t = %.2f (Pa)" % (r["cells"], t),
              r["reaction_skin_z"] / 1e-6, expected, rel=2e-3)
        if t > t_refined + 1e-9:
            checked_after += 1
    assert checked_after >= 3, checked_after


# ------------------------------------------------------------ adaptive_cook
def cook_case(n, refinements, adaptive=""):
    """tests/cases/cook.prm (Q2, displacement formulation) with n elements
    per edge, 'Global refinements' as given, steps of 0.125 (the first
    0.5 step is cut back to this anyway), and the Adaptive refinement
    section @adaptive."""
    return (open(os.path.join(HERE, "cases", "cook.prm")).read() +
            "subsection Geometry\n set Elements per edge = %d\n set Global refinements = %d\nend\n"
            "subsection Time\n set Initial step = 0.125\n set Maximum step = 0.125\nend\n"
            % (n, refinements) + adaptive)


@test
def adaptive_cook(septa, work):
    """Kelly refinement of Cook's membrane (tests/cases/cook.prm, Q2
    displacement formulation, 8 load steps) from 4 elements per edge (16
    cells), after steps 3 and 6 (refine fraction 0.2, Max level 1), against
    the same coarse mesh refined globally once (128 cells, a mesh that
    contains every mesh the adaptive run can reach).  The coarse mesh gives
    the code-gallery tip displacement 14.22 mm (0.005 mm, its rounding:
    this is the benchmark).  The adaptive run ends with more cells than
    the coarse and fewer than the fine mesh, max_level 1, min_level 0.  In
    every run and row the clamp carries the load, t x 1 N (1e-8, Newton
    tolerance: equilibrium, also with hanging nodes on the clamp and
    refined faces under the traction).  The adaptive tip displacement is
    closer to the fine mesh's than the coarse one is, by at least half the
    coarse error: Kelly must rank first the cells at the clamp corners,
    whose stress singularities make most of the Q2 error of the tip
    displacement; refining a fifth of the cells twice without that ranking
    would not remove half of it.  On 2 ranks every column of every row of
    the adaptive run equals the 1-rank run to 1e-6 (the same cells
    refined: 'cells' equal; Newton tolerance 1e-8, MUMPS on both;
    reactions on the unloaded faces compared to 1e-6 N)."""
    adaptive = ("subsection Adaptive refinement\n set Every n steps = 3\n set Indicators = kelly\n"
                " set Refine fraction = 0.2\n set Coarsen fraction = 0\n set Max level = 1\nend\n")
    results = {}
    for name, n, refinements, extra, ranks in (("coarse", 4, 0, "", 1), ("fine", 4, 1, "", 1),
                                               ("adaptive", 4, 0, adaptive, 1),
                                               ("adaptive_np2", 4, 0, adaptive, 2)):
        out, prm = prepare(work, "cook_" + name, cook_case(n, refinements, extra))
        p = launch(septa, prm, ranks)
        expect_rc(name, p, 0)
        rows = read_statistics(os.path.join(out, "statistics.csv"))
        assert len(rows) >= 9 and abs(rows[-1]["time"] - 1) < 1e-12, (name, len(rows))
        results[name] = rows
        last = rows[-1]
        print("  %-13s %4d cells, tip u_y = %.6f mm" % (name, last["cells"], last["u_tip_y"] * 1e3))
        for r in rows[1:]:  # the traction grows linearly to 1 N at t = 1
            close("%s: clamp reaction at t = %g, %d cells (N)" % (name, r["time"], r["cells"]),
                  r["reaction_left_y"], -r["time"], rel=1e-8)
    coarse, fine, adapted = (results[k][-1] for k in ("coarse", "fine", "adaptive"))
    close("coarse, 4 per edge, vs code gallery (mm)", coarse["u_tip_y"] * 1e3, 14.22, abs_=0.005)
    assert (coarse["cells"], fine["cells"]) == (16, 128), (coarse["cells"], fine["cells"])
    assert coarse["cells"] < adapted["cells"] < fine["cells"], adapted["cells"]
    assert (adapted["min_level"], adapted["max_level"]) == (0, 1), adapted
    cells = distinct(int(r["cells"]) for r in results["adaptive"])
    assert len(cells) >= 2 and cells == sorted(cells), cells
    gap = abs(coarse["u_tip_y"] - fine["u_tip_y"])
    assert gap > 1e-5, gap  # 0.08 mm: the coarse mesh is not converged
    close("adaptive tip u_y vs fine mesh, within half the coarse error (m)", adapted["u_tip_y"],
          fine["u_tip_y"], abs_=0.5 * gap)
    reference, rows = results["adaptive"], results["adaptive_np2"]
    assert len(rows) == len(reference), (len(rows), len(reference))
    checked = sum(agree("adaptive at t = %g, 2 ranks vs 1" % a["time"], a, b, rel=1e-6,
                        floor=lambda key: 1e-6 if key.startswith("reaction") else 1e-12)
                  for a, b in zip(reference, rows))
    print("  adaptive on 2 ranks: %d values agree with 1 rank" % checked)


# ----------------------------------------------------- checkpoint_refusal
def relaxation_case(mu=530.0, tau2=50.0, plate=-1e-4, extra=""):
    """Confined compression to lambda = 0.9 in 1 s, held to 50 s (steps
    from 1 s doubling up to 16 s), split neo-Hookean mu, nu = 0.45 with
    Prony g = 0.39, 0.2, tau = 700, tau2 s; a checkpoint after every step
    and fields at every step."""
    text = re.sub(r"subsection Materials.*?\nend\n", "",
                  open(os.path.join(HERE, "cases", "uniaxial.prm")).read(), flags=re.S)
    text = text.replace("set Names = sym x, sym y, bottom, plate",
                        "set Names = sym x, sym y, bottom, plate, wall x, wall y")
    return text + (
        "subsection Materials\n subsection solid\n  set Model = neo-Hookean\n"
        "  set Form = split\n  set Shear modulus = %g\n  set Poisson ratio = 0.45\n"
        "  subsection Viscoelasticity\n   set Relative moduli = 0.39, 0.2\n"
        "   set Relaxation times = 700, %g\n  end\n end\nend\n"
        "subsection Loads\n subsection plate\n  set Values = %g\n  set Load curve = 0:0, 1:1\n end\n"
        " subsection wall x\n  set Type = displacement\n  set Boundary = x+\n"
        "  set Components = x\n  set Values = 0\n end\n"
        " subsection wall y\n  set Type = displacement\n  set Boundary = y+\n"
        "  set Components = y\n  set Values = 0\n end\nend\n"
        "subsection Linear solver\n set Solver = direct\nend\n"
        "subsection Time\n set End time = 50\n set Initial step = 1\n set Maximum step = 16\n"
        " set Growth factor = 2\nend\n"
        "subsection Output\n set Write fields = true\n set Every n steps = 1\nend\n"
        "subsection Checkpoint\n set Every n steps = 1\nend\n" % (mu, tau2, plate) + extra)


@test
def checkpoint_refusal(septa, work):
    """Checkpoints of a short run and what a resume accepts.  The
    confined-compression relaxation (split neo-Hookean, Prony series) to
    50 s with a checkpoint after every step: the rows equal the Prony closed
    form (1e-7, as in viscoelastic_relaxation); the checkpoint folder
    holds exactly the last two steps, step-NNNNNN, no *.tmp, each with
    state.txt (its step, time, 1 rank, model, version), a copy of the
    statistics up to its step, parameters.prm and p4est mesh files (the
    end of the run may write none: then the two before).
    Refused with exit code 1 and a message on stderr that says 'checkpoint'
    and 'model', leaving statistics.csv as it was: a resume with another
    shear modulus, another relaxation time, another plate displacement.
    Refused with exit code 1 and a message that names the folder: an
    empty folder, and the output folder (neither a checkpoint nor a
    checkpoint Directory).  Accepted: the same model from the last
    checkpoint before the end, its step-NNNNNN folder, with a tighter Newton
    tolerance (the Newton section may change): exit code 0, the rows up
    to the checkpoint are the restored copy (equal), the last row equals
    the closed form (1e-7) and the first run (1e-7: both within the
    Newton tolerance), same times, and solution.pvd names each time once,
    every file it names existing."""
    lam, mu, nu = 0.9, 530.0, 0.45
    g, tau = (0.39, 0.2), (700.0, 50.0)

    def P(t):
        return prony_confined_stress(t, mu, nu, lam, g, tau)

    out, prm = prepare(work, "relaxation", relaxation_case())
    p = launch(septa, prm)
    expect_rc("first run", p, 0)
    stats = os.path.join(out, "statistics.csv")
    rows = read_statistics(stats)
    steps = len(rows) - 1
    assert steps >= 5, "expected >= 5 steps, got %d" % steps
    for r in rows[1:]:
        close("first run: P_zz at t = %g s (Pa)" % r["time"], r["reaction_skin_z"] / 1e-6,
              P(r["time"]), rel=1e-7)
    directory = os.path.join(out, "checkpoints")
    kept = checkpoints(directory)
    # The last two steps, or the two before the last if the end of the run
    # (complete: nothing to resume) writes none.
    numbers = [int(name[5:]) for name in kept]
    assert numbers in ([steps - 1, steps], [steps - 2, steps - 1]), (kept, steps)
    for k, name in zip(numbers, kept):
        check_checkpoint(os.path.join(directory, name), rows[:k + 1], 1)
    resumed_step = max(k for k in numbers if k < steps)
    previous = os.path.join(directory, "step-%06d" % resumed_step)
    saved = open(stats).read()

    # Another model: refused.
    for label, text in (("shear modulus 600 Pa", relaxation_case(mu=600.0)),
                        ("relaxation time 60 s", relaxation_case(tau2=60.0)),
                        ("plate -0.12 mm", relaxation_case(plate=-1.2e-4))):
        with open(prm, "w") as f:
            f.write(prm_with(None, text, out))
        p = launch(septa, prm, args=["--resume", previous], timeout=300)
        print("  other model (%s): exit %d: %s" % (label, p.returncode, p.stderr.strip()[-200:]))
        expect_rc("resume with " + label, p, 1)
        message = p.stderr.lower()
        assert "checkpoint" in message and "model" in message, (label, p.stderr)
        assert open(stats).read() == saved, "%s: statistics.csv changed by a refused resume" % label

    # Not a checkpoint: refused, naming the folder.
    with open(prm, "w") as f:
        f.write(prm_with(None, relaxation_case(), out))
    empty = os.path.join(work, "not_a_checkpoint")
    if os.path.isdir(empty):
        shutil.rmtree(empty)
    os.makedirs(empty)
    for folder in (empty, out):
        p = launch(septa, prm, args=["--resume", folder], timeout=300)
        print("  --resume %s: exit %d: %s" % (folder, p.returncode, p.stderr.strip()[-200:]))
        expect_rc("resume from " + folder, p, 1)
        assert folder in p.stderr or os.path.realpath(folder) in p.stderr, (folder, p.stderr)
        assert open(stats).read() == saved, "statistics.csv changed by a refused resume"

    # The same model with another Newton tolerance: accepted.
    with open(prm, "w") as f:
        f.write(prm_with(None, relaxation_case(
            extra="subsection Newton\n set Residual tolerance = 1e-10\nend\n"), out))
    p = launch(septa, prm, args=["--resume", previous])
    expect_rc("resume of the same model", p, 0)
    resumed = read_statistics(stats)
    assert len(resumed) == len(rows), (len(resumed), len(rows))
    for k, (a, b) in enumerate(zip(rows, resumed)):
        close("resumed: time of row %d (s)" % k, b["time"], a["time"], abs_=1e-12)
        if k <= resumed_step:  # restored from the checkpoint's copy
            agree("resumed: restored row at t = %g" % a["time"], a, b, rel=0.0, skip=())
    close("resumed: last P_zz vs closed form (Pa)", resumed[-1]["reaction_skin_z"] / 1e-6,
          P(resumed[-1]["time"]), rel=1e-7)
    close("resumed: last P_zz vs first run (N)", resumed[-1]["reaction_skin_z"],
          rows[-1]["reaction_skin_z"], rel=1e-7)
    entries = series(out)
    assert len(entries) == len(rows), "%d .pvd times for %d rows" % (len(entries), len(rows))
    for (t, _), r in zip(entries, rows):
        close("resumed: .pvd time (s)", t, r["time"], abs_=1e-12)
    print("  resumed from %s: %d rows, %d .pvd times" % (os.path.basename(previous),
                                                         len(resumed), len(entries)))

    # A fresh run (no --resume) in the same folder overwrites the outputs:
    # the earlier run's checkpoints go too, so that a later --resume cannot
    # pick one whose statistics are no longer there.
    with open(prm, "w") as f:
        f.write(prm_with(None, relaxation_case(
            extra="subsection Checkpoint\n set Every n steps = 0\nend\n"), out))
    p = launch(septa, prm)
    expect_rc("fresh run over old checkpoints", p, 0)
    assert "Removed 2 checkpoint(s) of an earlier run" in p.stdout, p.stdout[-2000:]
    assert os.listdir(directory) == [], os.listdir(directory)


# ------------------------------------------------------- restart_refined
@test
def restart_refined(septa, work):
    """A checkpoint of a refined, repartitioned mesh resumes on another
    number of ranks.  Cook's membrane from 4 x 4 cells with Kelly
    refinement after steps 3 and 6 (as in adaptive_cook, Max level 2) and
    a checkpoint after every 3rd step, i.e. after each refinement: run to
    the end on 1 rank; then resume from its step-000006 checkpoint (two
    refinements, hanging nodes) on 2 ranks: statistics.csv equals the
    first run row by row (every column, cells and levels included: the
    mesh came back as it was) to 1e-8 (MUMPS on 1 and 2 ranks, Newton to
    1e-10: round-off and Newton's last increment, far below 1e-8; reactions
    on unloaded faces compared to 1e-8 N).
    'Every minutes': the relaxation of checkpoint_refusal with
    'Every n steps = 0' and 'Every minutes = 1e-9' (always due) writes a
    checkpoint after every step but the last, of which the last two stay;
    with both off it writes none."""
    adaptive = ("subsection Adaptive refinement\n set Every n steps = 3\n set Indicators = kelly\n"
                " set Refine fraction = 0.2\n set Max level = 2\nend\n"
                "subsection Checkpoint\n set Every n steps = 3\nend\n"
                "subsection Newton\n set Residual tolerance = 1e-10\nend\n")
    out, prm = prepare(work, "cook_checkpointed", cook_case(4, 0, adaptive))
    expect_rc("uninterrupted", launch(septa, prm), 0)
    stats = os.path.join(out, "statistics.csv")
    reference = read_statistics(stats)
    assert len(reference) == 9, len(reference)
    cells = distinct(int(r["cells"]) for r in reference)
    assert len(cells) == 3, "expected two refinements: cells %s" % cells
    kept = checkpoints(os.path.join(out, "checkpoints"))
    assert kept == ["step-000003", "step-000006"], kept
    folder = os.path.join(out, "checkpoints", "step-000006")
    check_checkpoint(folder, reference[:7], 1)
    p = launch(septa, prm, 2, ["--resume", folder])
    expect_rc("resumed on 2 ranks", p, 0)
    resumed = read_statistics(stats)
    assert len(resumed) == len(reference), (len(resumed), len(reference))
    assert resumed[-1]["cells"] == reference[-1]["cells"] > reference[0]["cells"], \
        (resumed[-1]["cells"], reference[-1]["cells"])
    n = same_rows("Cook refined, resumed from step 6 on 2 ranks", reference, resumed, rel=1e-8)
    print("  resumed on 2 ranks from a refined mesh (%d cells): %d values agree" %
          (reference[6]["cells"], n))

    for label, timing, expected in (("every 1e-9 minutes", " set Every minutes = 1e-9\n", True),
                                    ("off", " set Every minutes = 0\n", False)):
        out, prm = prepare(work, "minutes_" + label.split()[0],
                           relaxation_case(extra="subsection Checkpoint\n set Every n steps = 0\n" +
                                           timing + "end\n"))
        expect_rc(label, launch(septa, prm), 0)
        steps = len(read_statistics(os.path.join(out, "statistics.csv"))) - 1
        directory = os.path.join(out, "checkpoints")
        if expected:
            kept = checkpoints(directory)
            assert kept == ["step-%06d" % (steps - 2), "step-%06d" % (steps - 1)], (kept, steps)
        else:
            assert not os.path.isdir(directory) or not os.listdir(directory), \
                os.listdir(directory)
        print("  checkpoints %s: %s" % (label, "the last two of %d steps" % steps if expected
                                         else "none"))
