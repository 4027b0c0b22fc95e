#!/usr/bin/env python3
"""Write a layered tissue block as a Gmsh 2.2 ASCII mesh with physical tags.

Coordinates in mm (use 'Mesh scale = 1e-3'), centred laterally, bone side at
z = 0.  Physical volumes: 1, 2, 3, ... one per layer from the bone up.
Physical surfaces: 11 bone (z = 0), 12 skin (top), 13 x-, 14 x+, 15 y-,
16 y+.  The same block as septa's built-in 'layered block' geometry, so the
two can be compared; a template for meshes made elsewhere.

Options for the cellulite structure and fibre fields:
  --septa-layer L --septa-every N   cell columns i = N/2, N/2 + N, ... of
      layer L (from 1) become upright septa planes normal to x (physical
      volume 9): fat chambers separated by septa perpendicular to the skin
      (Nurnberger & Muller 1978, the pattern of women's cellulite).
  --fibres X Y Z   write an $ElementData view 'fibre' (3 components per
      hexahedron) with this direction for every cell;
  --fan-layer L --fan-degrees D   in layer L the direction is turned about
      z by D * y / (half width): a fan of muscle fibres;
  septa cells get fibres along z (skin to fascia)."""
import argparse
import math


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--output", required=True)
    p.add_argument("--size", type=float, nargs=2, default=[40.0, 40.0],
                   help="lateral size in mm")
    p.add_argument("--cells", type=int, nargs=2, default=[8, 8],
                   help="cells in x and y")
    p.add_argument("--thicknesses", type=float, nargs="+", default=[20.0, 15.0, 1.5],
                   help="layer thicknesses in mm, bone side first")
    p.add_argument("--layers", type=int, nargs="+", default=[4, 3, 1],
                   help="cells through each layer")
    p.add_argument("--septa-layer", type=int, default=0)
    p.add_argument("--septa-every", type=int, default=4)
    p.add_argument("--fibres", type=float, nargs=3)
    p.add_argument("--fan-layer", type=int, default=0)
    p.add_argument("--fan-degrees", type=float, default=0.0)
    a = p.parse_args()
    n_layers = len(a.layers)
    thick = (a.thicknesses + [1.0] * n_layers)[:n_layers]
    zs, layer_of = [0.0], []
    for l, (t, n) in enumerate(zip(thick, a.layers)):
        for k in range(n):
            zs.append(zs[-1] + t / n)
            layer_of.append(l)
    nx, ny, nz = a.cells[0], a.cells[1], len(zs) - 1
    xs = [-a.size[0] / 2 + a.size[0] * i / nx for i in range(nx + 1)]
    ys = [-a.size[1] / 2 + a.size[1] * j / ny for j in range(ny + 1)]
    node = lambda i, j, k: 1 + i + (nx + 1) * (j + (ny + 1) * k)
    lines = ["$MeshFormat", "2.2 0 8", "$EndMeshFormat", "$Nodes",
             str((nx + 1) * (ny + 1) * (nz + 1))]
    for k in range(nz + 1):
        for j in range(ny + 1):
            for i in range(nx + 1):
                lines.append("%d %.12g %.12g %.12g" % (node(i, j, k), xs[i], ys[j], zs[k]))
    lines.append("$EndNodes")
    elements, fibres = [], []
    for k in range(nz):
        for j in range(ny):
            for i in range(nx):
                hexa = [node(i, j, k), node(i + 1, j, k), node(i + 1, j + 1, k),
                        node(i, j + 1, k), node(i, j, k + 1), node(i + 1, j, k + 1),
                        node(i + 1, j + 1, k + 1), node(i, j + 1, k + 1)]
                tag = layer_of[k] + 1
                if tag == a.septa_layer and i % a.septa_every == a.septa_every // 2:
                    tag = 9
                elements.append((5, tag, hexa))
                direction = a.fibres
                if direction and tag == a.fan_layer:
                    yc = 0.5 * (ys[j] + ys[j + 1])
                    t = math.radians(a.fan_degrees) * yc / (a.size[1] / 2)
                    direction = [direction[0] * math.cos(t) - direction[1] * math.sin(t),
                                 direction[0] * math.sin(t) + direction[1] * math.cos(t),
                                 direction[2]]
                if direction and tag == 9:
                    direction = [0.0, 0.0, 1.0]
                fibres.append(direction)
    for j in range(ny):
        for i in range(nx):
            elements.append((3, 11, [node(i, j, 0), node(i, j + 1, 0),
                                     node(i + 1, j + 1, 0), node(i + 1, j, 0)]))
            elements.append((3, 12, [node(i, j, nz), node(i + 1, j, nz),
                                     node(i + 1, j + 1, nz), node(i, j + 1, nz)]))
    for k in range(nz):
        for j in range(ny):
            elements.append((3, 13, [node(0, j, k), node(0, j, k + 1),
                                     node(0, j + 1, k + 1), node(0, j + 1, k)]))
            elements.append((3, 14, [node(nx, j, k), node(nx, j + 1, k),
                                     node(nx, j + 1, k + 1), node(nx, j, k + 1)]))
        for i in range(nx):
            elements.append((3, 15, [node(i, 0, k), node(i + 1, 0, k),
                                     node(i + 1, 0, k + 1), node(i, 0, k + 1)]))
            elements.append((3, 16, [node(i, ny, k), node(i, ny, k + 1),
                                     node(i + 1, ny, k + 1), node(i + 1, ny, k)]))
    lines += ["$Elements", str(len(elements))]
    for e, (kind, tag, nodes) in enumerate(elements, 1):
        lines.append("%d %d 2 %d %d %s" % (e, kind, tag, tag, " ".join(map(str, nodes))))
    lines.append("$EndElements")
    if a.fibres:
        lines += ["$ElementData", "1", '"fibre"', "1", "0.0", "3", "0", "3", str(len(fibres))]
        for e, d in enumerate(fibres, 1):
            lines.append("%d %.12g %.12g %.12g" % (e, d[0], d[1], d[2]))
        lines.append("$EndElementData")
    with open(a.output, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
