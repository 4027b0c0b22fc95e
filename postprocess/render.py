#!/usr/bin/env python3
"""Render septa output with ParaView: deformed mesh coloured by a field.

  python3 postprocess/render.py output/compression/solution.pvd \\
      --field von_mises --out compression.png [--time 0.5] [--warp 1]
      [--clip y] [--animation frames/compression.png]

Loads the .pvd series, shows the step at --time (default: the last),
displaced by the 'displacement' field times --warp, coloured by --field
(a cell field such as von_mises, J, E_1, layer, or a point field such as
displacement, coloured by magnitude), optionally cut in half by a clip
plane through the centre (normal x, y or z) to show the layers inside, and
saves a PNG.  --animation writes one PNG per time step instead
(name_0000.png, ...).  Prints one JSON line: time, field, its range on the
shown step, image size and the files written.  The same script runs in
ParaView's Python shell (View > Python Shell > Run Script) with the
arguments set in ARGS below.

Needs Debian's python3-paraview.  Without a DISPLAY (batch nodes, CI) it
starts its own virtual X server (Xvfb, package xvfb) for the rendering and
stops it at the end.
"""
import argparse
import atexit
import json
import os
import socket
import subprocess
import sys
import time as clock

ARGS = None  # e.g. ["output/compression/solution.pvd"] in ParaView's shell


def fail(message):
    print(f"render: {message}", file=sys.stderr)
    sys.exit(1)


def die_with_parent():
    """In the Xvfb child: get SIGTERM when this script dies, even by abort."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop_server(server):
    """Stop Xvfb and wait until it is gone, so the display number is free."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def ensure_display():
    """Start Xvfb on a free display number when there is no X display.

    Waits until the server's socket accepts connections; tries the next
    number if another process takes the same one at the same time."""
    if os.environ.get("DISPLAY"):
        return
    for number in range(99, 199):
        if os.path.exists(f"/tmp/.X{number}-lock"):
            continue
        try:
            server = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", "1920x1200x24", "-nolisten", "tcp",
                 # Without -noreset the server resets whenever its last
                 # client leaves (our probe, ParaView's OpenGL check) and
                 # refuses the next connection during the reset.
                 "-noreset"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=die_with_parent)
        except FileNotFoundError:
            fail("no DISPLAY and no Xvfb to render into: install Debian's xvfb "
                 "or run under an X display")
        ready = False
        for _ in range(200):
            if server.poll() is not None:
                break
            # A socket file can outlive a killed server: connect to it.
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(f"/tmp/.X11-unix/X{number}")
                    ready = True
                    break
                except OSError:
                    clock.sleep(0.05)
        # A second server on a taken number exits at once: make sure ours
        # is the one that answered.
        clock.sleep(0.3)
        if ready and server.poll() is None:
            atexit.register(stop_server, server)
            os.environ["DISPLAY"] = f":{number}"
            return
        server.kill()
    fail("could not start a virtual X server (Xvfb) on displays :99 to :198")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", help="solution.pvd written by septa")
    parser.add_argument("--field", default="von_mises")
    parser.add_argument("--out", default="septa.png", help="PNG file")
    parser.add_argument("--time", type=float, help="time to show (default: last)")
    parser.add_argument("--warp", type=float, default=1.0,
                        help="displacement scale (0: reference configuration)")
    parser.add_argument("--clip", choices=["x", "y", "z"],
                        help="cut away half of the mesh, normal to this axis")
    parser.add_argument("--size", default="1200,800", help="image width,height")
    parser.add_argument("--animation", metavar="PNG",
                        help="write every time step as PNG_0000.png, ...")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.file):
        fail(f"{args.file}: no such file")
    try:
        width, height = [int(v) for v in args.size.split(",")]
    except ValueError:
        fail(f"--size '{args.size}': expected width,height")

    # Imported late so that --help and argument errors need no ParaView.
    ensure_display()
    from paraview import simple as pv

    reader = pv.PVDReader(FileName=os.path.abspath(args.file))
    reader.UpdatePipelineInformation()
    times = list(reader.TimestepValues) if reader.TimestepValues else [0.0]
    point_fields = list(reader.PointData.keys())
    cell_fields = list(reader.CellData.keys())
    if args.field in point_fields:
        association = "POINTS"
    elif args.field in cell_fields:
        association = "CELLS"
    else:
        fail(f"{args.file}: no field '{args.field}'; fields: "
             + ", ".join(point_fields + cell_fields))
    if "displacement" not in point_fields:
        fail(f"{args.file}: no 'displacement' point field to warp by")
    time = times[-1] if args.time is None else args.time
    if not times[0] - 1e-12 <= time <= times[-1] + 1e-12:
        fail(f"--time {time}: the series covers {times[0]} to {times[-1]}")

    source = pv.WarpByVector(Input=reader, Vectors=["POINTS", "displacement"],
                             ScaleFactor=args.warp)
    if args.clip:
        bounds = reader.GetDataInformation().GetBounds()
        centre = [(bounds[2 * k] + bounds[2 * k + 1]) / 2 for k in range(3)]
        normal = {"x": [1, 0, 0], "y": [0, 1, 0], "z": [0, 0, 1]}[args.clip]
        source = pv.Clip(Input=source, ClipType="Plane")
        source.ClipType.Origin = centre
        source.ClipType.Normal = normal
        source.Invert = 0  # keep the half behind the cut, facing the camera

    view = pv.CreateView("RenderView")
    view.ViewSize = [width, height]
    view.OrientationAxesVisibility = 1
    view.Background = [1, 1, 1]
    if hasattr(view, "UseColorPaletteForBackground"):
        view.UseColorPaletteForBackground = 0
    view.ViewTime = time
    display = pv.Show(source, view)
    display.Representation = "Surface With Edges"
    pv.ColorBy(display, (association, args.field))
    source.UpdatePipeline(time)
    data = source.PointData if association == "POINTS" else source.CellData
    array = data[args.field]
    # Vectors are coloured (and reported) by magnitude.
    component = -1 if array.GetNumberOfComponents() > 1 else 0
    lo, hi = array.GetRange(component)
    lut = pv.GetColorTransferFunction(args.field)
    if association == "POINTS" and array.GetNumberOfComponents() > 1:
        lut.VectorMode = "Magnitude"
    lut.RescaleTransferFunction(lo, hi if hi > lo else lo + 1e-30)
    display.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = args.field
    bar.ComponentTitle = ""
    bar.TitleColor = [0, 0, 0]
    bar.LabelColor = [0, 0, 0]
    view.CameraPosition = [1, -1.6, 0.9]
    view.CameraFocalPoint = [0, 0, 0]
    view.CameraViewUp = [0, 0, 1]
    view.ResetCamera()

    written = []
    if args.animation:
        base, _ = os.path.splitext(args.animation)
        os.makedirs(os.path.dirname(os.path.abspath(base)), exist_ok=True)
        for k, t in enumerate(times):
            view.ViewTime = t
            name = f"{base}_{k:04d}.png"
            pv.SaveScreenshot(name, view, ImageResolution=[width, height])
            written.append(name)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        pv.SaveScreenshot(args.out, view, ImageResolution=[width, height])
        written.append(args.out)
    print(json.dumps({"time": time, "times": times, "field": args.field,
                      "association": association.lower(), "range": [lo, hi],
                      "size": [width, height], "files": written}))


if __name__ == "__main__":
    main(ARGS if ARGS is not None else sys.argv[1:])
