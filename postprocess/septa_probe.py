#!/usr/bin/env python3
"""Sample septa output (or any VTK XML unstructured grid) at points, with VTK.

  python3 postprocess/septa_probe.py output/compression/solution.pvd \\
      --point 0,0,0.02 [--point ...] [--field displacement] [--all-steps]
  python3 postprocess/septa_probe.py solution.pvd --line 0,-0.02,0.02:0,0.02,0.02:41

Points are in the reference (undeformed) configuration and in the mesh's
units (septa writes metres).  Prints CSV on standard output: one row per
time step and point (--point), or per sample along the line at the last
step (--line).  --unwarp FIELD first moves the grid back by a vector field,
for files written on the deformed grid (deal.II's step-44 writes its VTU
that way).  Exits with 1 and one message if a point lies outside the mesh
or the field does not exist.

Needs VTK's Python modules: Debian's python3-paraview (or python3-vtk9).
"""
import argparse
import csv
import os
import sys
import xml.etree.ElementTree as ET

import vtk


def fail(message):
    print(f"septa_probe: {message}", file=sys.stderr)
    sys.exit(1)


def time_steps(path):
    """[(time, file)] of a .pvd, or [(0, path)] for a single grid file."""
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    if not path.endswith(".pvd"):
        return [(0.0, path)]
    try:
        collection = ET.parse(path).getroot().find("Collection")
    except ET.ParseError as e:
        fail(f"{path}: not a PVD file ({e})")
    if collection is None:
        fail(f"{path}: not a PVD file (no Collection)")
    folder = os.path.dirname(path)
    return [(float(d.get("timestep")), os.path.join(folder, d.get("file")))
            for d in collection.findall("DataSet")]


def read_grid(path, unwarp):
    readers = {".pvtu": vtk.vtkXMLPUnstructuredGridReader,
               ".vtu": vtk.vtkXMLUnstructuredGridReader}
    ext = os.path.splitext(path)[1]
    if ext not in readers:
        fail(f"{path}: expected a .pvd, .pvtu or .vtu file")
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    reader = readers[ext]()
    reader.SetFileName(path)
    reader.Update()
    grid = reader.GetOutput()
    if grid.GetNumberOfPoints() == 0:
        fail(f"{path}: no points could be read")
    if unwarp:
        field = grid.GetPointData().GetArray(unwarp)
        if field is None or field.GetNumberOfComponents() != 3:
            fail(f"{path}: no vector point field '{unwarp}' to unwarp by")
        points = grid.GetPoints()
        for i in range(grid.GetNumberOfPoints()):
            x = points.GetPoint(i)
            u = field.GetTuple3(i)
            points.SetPoint(i, x[0] - u[0], x[1] - u[1], x[2] - u[2])
        grid.Modified()
    return grid


def parse_point(text):
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 3:
        fail(f"'{text}' is not a point x,y,z")
    return values


def sample(grid, points, field, path):
    """Values of @p field (all components) at @p points (list of xyz)."""
    array = grid.GetPointData().GetArray(field)
    if array is None:
        array = grid.GetCellData().GetArray(field)
    if array is None:
        names = [grid.GetPointData().GetArrayName(i)
                 for i in range(grid.GetPointData().GetNumberOfArrays())]
        names += [grid.GetCellData().GetArrayName(i)
                  for i in range(grid.GetCellData().GetNumberOfArrays())]
        fail(f"{path}: no field '{field}'; fields: {', '.join(names)}")
    locations = vtk.vtkPoints()
    for p in points:
        locations.InsertNextPoint(*p)
    probe_input = vtk.vtkPolyData()
    probe_input.SetPoints(locations)
    probe = vtk.vtkProbeFilter()
    probe.SetInputData(probe_input)
    probe.SetSourceData(grid)
    # Points on the boundary must count as inside: a relative tolerance.
    probe.SetComputeTolerance(True)
    probe.Update()
    out = probe.GetOutput()
    valid = out.GetPointData().GetArray(probe.GetValidPointMaskArrayName())
    values = out.GetPointData().GetArray(field)
    rows = []
    for i, p in enumerate(points):
        if not valid.GetValue(i):
            fail(f"{path}: point {p[0]:g},{p[1]:g},{p[2]:g} is outside the mesh")
        rows.append([values.GetComponent(i, k)
                     for k in range(values.GetNumberOfComponents())])
    return rows, array.GetNumberOfComponents()


def component_names(field, n):
    if n == 1:
        return [field]
    if n == 3:
        return [f"{field}_{c}" for c in "xyz"]
    return [f"{field}_{k}" for k in range(n)]


def main():
    parser = argparse.ArgumentParser(
        description="Sample a field of septa output at reference points.")
    parser.add_argument("file", help=".pvd series, or one .pvtu/.vtu file")
    parser.add_argument("--point", action="append", default=[],
                        help="x,y,z in the reference configuration (repeatable)")
    parser.add_argument("--line", help="x0,y0,z0:x1,y1,z1:N, N samples at the last step")
    parser.add_argument("--field", default="displacement",
                        help="point or cell field (default: displacement)")
    parser.add_argument("--unwarp", metavar="FIELD",
                        help="move the grid back by this vector field first")
    parser.add_argument("--last", action="store_true",
                        help="only the last time step (--point)")
    args = parser.parse_args()
    if bool(args.point) == bool(args.line):
        fail("give --point (one or more) or --line, not both")

    steps = time_steps(args.file)
    if not steps:
        fail(f"{args.file}: the series holds no time steps")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if args.line:
        parts = args.line.split(":")
        if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) < 2:
            fail(f"--line '{args.line}': expected x0,y0,z0:x1,y1,z1:N with N >= 2")
        a, b, n = parse_point(parts[0]), parse_point(parts[1]), int(parts[2])
        points = [[a[k] + (b[k] - a[k]) * i / (n - 1) for k in range(3)]
                  for i in range(n)]
        time, path = steps[-1]
        rows, ncomp = sample(read_grid(path, args.unwarp), points, args.field, path)
        writer.writerow(["time", "s", "x", "y", "z"] + component_names(args.field, ncomp))
        length = sum((b[k] - a[k]) ** 2 for k in range(3)) ** 0.5
        for i, (p, r) in enumerate(zip(points, rows)):
            writer.writerow([time, length * i / (n - 1)] + p + r)
        return
    points = [parse_point(p) for p in args.point]
    header = None
    for time, path in (steps[-1:] if args.last else steps):
        rows, ncomp = sample(read_grid(path, args.unwarp), points, args.field, path)
        if header is None:
            header = ["time", "x", "y", "z"] + component_names(args.field, ncomp)
            writer.writerow(header)
        for p, r in zip(points, rows):
            writer.writerow([time] + p + r)


if __name__ == "__main__":
    main()
