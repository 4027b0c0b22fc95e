"""Read a septa .pvd series with VTK (the library ParaView is built on) and
print what the last time step holds as JSON.  Run with Debian's python3
(python3-vtk9): /usr/bin/python3 read_vtk.py DIR/solution.pvd
With --cells f1,f2,... [--first]: instead, for every VTK cell of the last
(first) step, its centre (reference configuration if 'displacement' is
removed: the first step is undeformed) and the values of the point fields
f1, f2, ... at its first point (septa's per-cell fields are constant on
each deal.II cell's patch), as a JSON list; the name 'volume' gives the
cell's volume instead.  With --points f1,f2,... [--first]: every point's
coordinates and the values of the point fields f1, f2, ... there (all
components of a vector; a vertex shared by several cells is written once
per cell).  With --quality: the number of cells and their
smallest scaled Jacobian.  With --regions NAME=VALUE: the number of
connected pieces (cells sharing a point) of the cells whose point field
NAME is VALUE, e.g. the lobules of fat between septa (layer=1)."""
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
    sizes = vtk.vtkCellSizeFilter()
    sizes.SetInputData(grid)
    sizes.ComputeVertexCountOff()
    sizes.ComputeLengthOff()
    sizes.ComputeAreaOff()
    sizes.Update()
    volume = sizes.GetOutput().GetCellData().GetArray("Volume")
    arrays = [None if f == "volume" else grid.GetPointData().GetArray(f) for f in fields]
    rows = []
    for c in range(grid.GetNumberOfCells()):
        ids = grid.GetCell(c).GetPointIds()
        pts = [grid.GetPoint(ids.GetId(k)) for k in range(ids.GetNumberOfIds())]
        centre = [sum(p[d] for p in pts) / len(pts) for d in range(3)]
        rows.append(centre + [volume.GetValue(c) if a is None else a.GetValue(ids.GetId(0))
                              for a in arrays])
    print(json.dumps(rows))
    sys.exit(0)
if "--points" in sys.argv:
    fields = sys.argv[sys.argv.index("--points") + 1].split(",")
    arrays = [grid.GetPointData().GetArray(f) for f in fields]
    print(json.dumps([list(grid.GetPoint(p)) + [v for a in arrays for v in a.GetTuple(p)]
                      for p in range(grid.GetNumberOfPoints())]))
    sys.exit(0)
if "--regions" in sys.argv:
    name, value = sys.argv[sys.argv.index("--regions") + 1].split("=")
    # The per-cell field as cell data (constant on each cell's points), then
    # the points merged (DataOut writes every cell's points apart).
    percell = vtk.vtkPointDataToCellData()
    percell.SetInputData(grid)
    percell.Update()
    merged = vtk.vtkStaticCleanUnstructuredGrid()
    merged.SetInputData(percell.GetOutput())
    merged.ToleranceIsAbsoluteOn()
    merged.SetAbsoluteTolerance(1e-12)
    merged.Update()
    chosen = vtk.vtkThreshold()
    chosen.SetInputData(merged.GetOutput())
    chosen.SetInputArrayToProcess(0, 0, 0, vtk.vtkDataObject.FIELD_ASSOCIATION_CELLS, name)
    chosen.SetLowerThreshold(float(value) - 0.5)
    chosen.SetUpperThreshold(float(value) + 0.5)
    chosen.SetThresholdFunction(vtk.vtkThreshold.THRESHOLD_BETWEEN)
    chosen.Update()
    pieces = vtk.vtkConnectivityFilter()
    pieces.SetInputData(chosen.GetOutput())
    pieces.SetExtractionModeToAllRegions()
    pieces.Update()
    print(json.dumps({"cells": chosen.GetOutput().GetNumberOfCells(),
                      "regions": pieces.GetNumberOfExtractedRegions()}))
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
