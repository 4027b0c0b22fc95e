// The layered block of params/compression.prm (muscle, fat, skin from the
// bone up) as a Gmsh geometry, meshed with tetrahedra by default:
//   gmsh -3 -format msh22 meshes/layered_block.geo -o block.msh
//   gmsh -3 -setnumber h 5 -setnumber skin 2 ... (sizes in mm)
// Read with Geometry/Type = gmsh, Mesh scale = 1e-3 and the tags of
// meshes/layered_block_msh.py (the hexahedral writer of the same block):
// volumes 1 muscle, 2 fat, 3 skin; surfaces 11 bone (z = 0), 12 skin
// (top), 13 x-, 14 x+, 15 y-, 16 y+.  septa splits each tetrahedron into
// four hexahedra on reading.
DefineConstant[ width = 40, muscle = 20, fat = 15, skin = 1.5, h = 10 ];

Point(1) = {-width / 2, -width / 2, 0, h};
Point(2) = {width / 2, -width / 2, 0, h};
Point(3) = {width / 2, width / 2, 0, h};
Point(4) = {-width / 2, width / 2, 0, h};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};

// Each extrusion returns the top surface, the volume and the four sides
// along lines 1 (y-), 2 (x+), 3 (y+), 4 (x-).
m[] = Extrude {0, 0, muscle} { Surface{1}; };
f[] = Extrude {0, 0, fat} { Surface{m[0]}; };
s[] = Extrude {0, 0, skin} { Surface{f[0]}; };

Physical Volume(1) = {m[1]};
Physical Volume(2) = {f[1]};
Physical Volume(3) = {s[1]};
Physical Surface(11) = {1};
Physical Surface(12) = {s[0]};
Physical Surface(13) = {m[5], f[5], s[5]};
Physical Surface(14) = {m[3], f[3], s[3]};
Physical Surface(15) = {m[2], f[2], s[2]};
Physical Surface(16) = {m[4], f[4], s[4]};
