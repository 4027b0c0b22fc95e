"""Read a septa .pvd series with VTK (the library ParaView is built on) and
print what the last time step holds as JSON.  Run with Debian's python3
(python3-vtk9): /usr/bin/python3 read_vtk.py DIR/solution.pvd
With --cells f1,f2,... [--first]: instead, for every VTK cell of the last
(first) step, its centre (reference configuration if 'displacement' is
removed: the first step is undeformed) and the values of the point fields
f1, f2, ... at its first point (septa's per-cell fields are constant on
each deal.II cell's patch), as a JSON list.  With --quality: the number of
cells and their smallest scaled Jacobian."""
import json
import os
import sys
import xml.etree.ElementTree as ET

import vtk

pvd = sys.argv[1]
datasets = ET.parse(pvd).getroot().find("Collection").findall("DataSet")
chosen = datasets[0] if "--first" in sys.argv else datasets[-1]
reader = vtk.vtkXMLPUnstructuredGridReader()
reader.SetFileName(os.path.join(os.path.dirname(pvd), chosen.get("file")))
reader.Update()
grid = reader.GetOutput()
if "--cells" in sys.argv:
    fields = sys.argv[sys.argv.index("--cells") + 1].split(",")
    arrays = [grid.GetPointData().GetArray(f) for f in fields]
    rows = []
    for c in range(grid.GetNumberOfCells()):
        ids = grid.GetCell(c).GetPointIds()
        pts = [grid.GetPoint(ids.GetId(k)) for k in range(ids.GetNumberOfIds())]
        centre = [sum(p[d] for p in pts) / len(pts) for d in range(3)]
        rows.append(centre + [a.GetValue(ids.GetId(0)) for a in arrays])
    print(json.dumps(rows))
    sys.exit(0)
if "--quality" in sys.argv:
    # The scaled Jacobian of every hexahedron (VTK's verdict metric: the
    # smallest over its corners of det J / product of edge lengths, 1 for a
    # cube, <= 0 for an inverted or degenerate cell).
    quality = vtk.vtkMeshQuality()
    quality.SetInputData(grid)
    quality.SetHexQualityMeasureToScaledJacobian()
    quality.Update()
    values = quality.GetOutput().GetCellData().GetArray("Quality")
    print(json.dumps({"n_cells": grid.GetNumberOfCells(),
                      "min_scaled_jacobian": values.GetRange(0)[0]}))
    sys.exit(0)
out = {"times": [float(d.get("timestep")) for d in datasets],
       "n_cells": grid.GetNumberOfCells(), "n_points": grid.GetNumberOfPoints(),
       "cell_arrays": {}, "point_arrays": {}}
for i in range(grid.GetCellData().GetNumberOfArrays()):
    arr = grid.GetCellData().GetArray(i)
    out["cell_arrays"][grid.GetCellData().GetArrayName(i)] = list(arr.GetRange(0))
for i in range(grid.GetPointData().GetNumberOfArrays()):
    arr = grid.GetPointData().GetArray(i)
    n = arr.GetNumberOfComponents()
    ranges = [arr.GetRange(k) for k in range(n)]
    out["point_arrays"][grid.GetPointData().GetArrayName(i)] = {
        "components": n, "min": [r[0] for r in ranges], "max": [r[1] for r in ranges]}
print(json.dumps(out))
