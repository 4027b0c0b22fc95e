"""Read a septa .pvd series with VTK (the library ParaView is built on) and
print what the last time step holds as JSON.  Run with Debian's python3
(python3-vtk9): /usr/bin/python3 read_vtk.py DIR/solution.pvd"""
import json
import os
import sys
import xml.etree.ElementTree as ET

import vtk

pvd = sys.argv[1]
datasets = ET.parse(pvd).getroot().find("Collection").findall("DataSet")
last = datasets[-1]
reader = vtk.vtkXMLPUnstructuredGridReader()
reader.SetFileName(os.path.join(os.path.dirname(pvd), last.get("file")))
reader.Update()
grid = reader.GetOutput()
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
