"""Gluteus maximus landmarks of the buttock model (Geometry/Type = buttock)
from a musculoskeletal model, as 'Origin line' and 'Insertion line' for
'Fibre field = origin-insertion'.

Source: the right gluteus maximus of OpenSim's gait2392 model (Delp et al.
1990, IEEE Trans Biomed Eng 37:757; file
Models/Gait2392_Simbody/gait2392_thelen2003muscle.osim of
opensim-org/opensim-models, commit 20a888b): its three bundles' path points
P1 (origin, on the pelvis: posterior ilium, sacrum, coccyx) and P4
(insertion, on the femur: iliotibial band side to gluteal tuberosity), in
m.  Pelvis frame: x anterior, y up, z to the right, origin midway between
the anterior superior iliac spines; femur frame: origin at the hip centre
(-0.0707, -0.0661, 0.0835) in the pelvis frame, and in the neutral pose
(all joint angles 0) a femur point is that plus the hip centre.

Registration: the model's axes are x lateral (= z), y up (= y), z
posterior (= -x), its origin the centre of the deep ellipsoid (semi-axes A
= 70, 90, 40 mm, the pelvis), on the midline (z = 0).  The origin's x and
y in the pelvis frame are chosen by least squares so that the three
origins P1 lie on the deep ellipsoid (sum (x_i / A_i)^2 = 1); the model's
pelvis is an ellipsoid, so they lie on it within +-15 % of its norm.  The
origin line runs from the first bundle's P1 (superior) to the third's
(inferior), the insertion line from the first bundle's P4 to the third's:
the fibre field pairs them.  With --muscle medius or minimus: the same
for the gluteus medius or minimus (bundles 1 and 3, origin P1 on the
pelvis, insertion P2 on the greater trochanter), in the same registration.

    python3 meshes/buttock_landmarks.py [--axes 70 90 40] [--muscle NAME]

prints the two lines in m, ready for a parameter file, and the fit.
"""
import argparse
import math

HIP = (-0.0707, -0.0661, 0.0835)
ORIGINS = ((-0.1195, 0.0612, 0.0700),   # glut_max1_r-P1, pelvis
           (-0.1349, 0.0176, 0.0563),   # glut_max2_r-P1
           (-0.1556, -0.0314, 0.0058))  # glut_max3_r-P1
INSERTIONS = ((-0.0277, -0.0566, 0.0470),  # glut_max1_r-P4, femur
              (-0.0156, -0.1016, 0.0419),  # glut_max2_r-P4
              (-0.0060, -0.1419, 0.0411))  # glut_max3_r-P4
# The deeper gluteus medius and minimus of the same model: bundles 1 and 3,
# origin P1 on the pelvis, insertion P2 on the femur (greater trochanter).
DEEP = {"medius": (((-0.0408, 0.0304, 0.1209), (-0.1223, 0.0105, 0.0648)),     # glut_med1/3_r-P1
                   ((-0.0218, -0.0117, 0.0555), (-0.0309, -0.0047, 0.0518))),  # glut_med1/3_r-P2
        "minimus": (((-0.0467, -0.0080, 0.1056), (-0.0834, -0.0063, 0.0856)),  # glut_min1/3_r-P1
                    ((-0.0072, -0.0104, 0.0560), (-0.0135, -0.0083, 0.0550)))}  # glut_min1/3_r-P2


def to_model(p, o):
    """Pelvis-frame point p (m) in the model's frame (m) for the model's
    origin at (o[0], o[1], 0) of the pelvis frame."""
    return (p[2], p[1] - o[1], -(p[0] - o[0]))


def norm(x, axes):
    return math.sqrt(sum((x[i] / axes[i]) ** 2 for i in range(3)))


def fit(axes):
    """Gauss-Newton on the residuals norm(P1_k) - 1 for the origin's x and
    y (numerical Jacobian)."""
    o = [-0.11, 0.0]
    for _ in range(50):
        r = [norm(to_model(p, o), axes) - 1 for p in ORIGINS]
        J = []
        for p in ORIGINS:
            row = []
            for j in range(2):
                h = [0.0, 0.0]
                h[j] = 1e-7
                row.append((norm(to_model(p, [o[0] + h[0], o[1] + h[1]]), axes) -
                            norm(to_model(p, o), axes)) / 1e-7)
            J.append(row)
        # Normal equations (2 x 2).
        a = sum(J[k][0] ** 2 for k in range(3))
        b = sum(J[k][0] * J[k][1] for k in range(3))
        c = sum(J[k][1] ** 2 for k in range(3))
        g = [sum(J[k][0] * r[k] for k in range(3)), sum(J[k][1] * r[k] for k in range(3))]
        det = a * c - b * b
        step = [(c * g[0] - b * g[1]) / det, (a * g[1] - b * g[0]) / det]
        o = [o[0] - step[0], o[1] - step[1]]
        if math.hypot(*step) < 1e-12:
            break
    return o


def femur(p):
    """A femur point in the pelvis frame, neutral pose."""
    return tuple(p[i] + HIP[i] for i in range(3))


def lines(axes=(0.070, 0.090, 0.040), muscle="maximus"):
    """(origin line, insertion line, model origin, the maximus origins'
    norms) of @muscle: maximus, medius or minimus."""
    o = fit(axes)
    if muscle == "maximus":
        origin = [to_model(ORIGINS[k], o) for k in (0, 2)]
        insertion = [to_model(femur(INSERTIONS[k]), o) for k in (0, 2)]
    else:
        origin = [to_model(p, o) for p in DEEP[muscle][0]]
        insertion = [to_model(femur(p), o) for p in DEEP[muscle][1]]
    return origin, insertion, o, [norm(to_model(p, o), axes) for p in ORIGINS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--axes", type=float, nargs=3, default=[70, 90, 40],
                        help="deep semi-axes of the buttock model, mm")
    parser.add_argument("--muscle", choices=("maximus", "medius", "minimus"),
                        default="maximus")
    args = parser.parse_args()
    origin, insertion, o, norms = lines(tuple(a * 1e-3 for a in args.axes), args.muscle)

    def text(line):
        return "; ".join(", ".join("%.4f" % v for v in p) for p in line)
    print("# model origin at (%.4f, %.4f, 0) m of the gait2392 pelvis frame; "
          "the origins' ellipsoid norms %s" % (o[0], o[1], ", ".join("%.3f" % n for n in norms)))
    print("set Origin line    = " + text(origin))
    print("set Insertion line = " + text(insertion))


if __name__ == "__main__":
    main()
