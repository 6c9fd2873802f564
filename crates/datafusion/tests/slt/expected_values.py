"""Independent expected values for the hep_*.slt files, computed with numpy (run with the project venv:
`~/.cache/hadron/venv/bin/python crates/datafusion/tests/slt/expected_values.py`). Inputs mirror the
tables the .slt files create; REAL (float32) inputs are rounded through np.float32 first."""
import numpy as np

f32 = lambda x: float(np.float32(x))


def wrap(d):
    # [-pi, pi): numpy's floor-mod, as in the definition
    return (d + np.pi) % (2 * np.pi) - np.pi


def dr(eta1, phi1, eta2, phi2):
    return float(np.sqrt((eta1 - eta2) ** 2 + wrap(phi1 - phi2) ** 2))


def four(pt, eta, phi, m):
    return np.array([np.sqrt((pt * np.cosh(eta)) ** 2 + m ** 2), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)])


def mass(v):
    return float(np.sqrt(max(v[0] ** 2 - v[1] ** 2 - v[2] ** 2 - v[3] ** 2, 0.0)))


print("== delta_phi scalars")
for a, b in [(3.0, -3.0), (-3.0, 3.0), (np.pi, 0.0), (0.5, 0.25), (10.0, 0.0), (-7.0, 0.0)]:
    print(a, b, repr(float(wrap(a - b))))

print("== obj table: eta1, phi1 REAL, eta2, phi2, pt1, pt2 REAL")
obj = [(0.5, 3.1, -0.5, -3.1, 40.0, 30.0), (-1.2, 0.3, 0.4, 2.9, 25.5, 60.25), (2.0, -2.5, 1.0, 2.5, 100.0, 5.0)]
for eta1, phi1, eta2, phi2, pt1, pt2 in obj:
    phi1, pt2 = f32(phi1), f32(pt2)
    print("delta_phi", repr(float(wrap(phi1 - phi2))), "delta_r", repr(dr(eta1, phi1, eta2, phi2)),
          "mt", repr(float(np.sqrt(2 * pt1 * pt2 * (1 - np.cos(phi1 - phi2))))),
          "inv_mass2", repr(mass(four(pt1, eta1, phi1, 0.0) + four(pt2, eta2, phi2, 0.0))),
          "inv_mass2_m", repr(mass(four(pt1, eta1, phi1, 0.1057) + four(pt2, eta2, phi2, 0.1057))))

print("== ev table: pt, eta DOUBLE[], phi REAL[], m DOUBLE[]")
ev = {1: ([50.0, 30.0, 20.0], [0.1, -1.3, 2.2], [0.5, 3.0, -3.0], [0.5, 0.1057, 4.18]),
      5: ([10.0], [-0.7], [3.14], [0.5])}
for k, (pt, eta, phi, m) in ev.items():
    phi = [f32(p) for p in phi]
    print(k, "px", [repr(float(a * np.cos(b))) for a, b in zip(pt, phi)])
    print(k, "py", [repr(float(a * np.sin(b))) for a, b in zip(pt, phi)])
    print(k, "pz", [repr(float(a * np.sinh(b))) for a, b in zip(pt, eta)])
    print(k, "energy", [repr(float(np.sqrt((a * np.cosh(b)) ** 2 + c ** 2))) for a, b, c in zip(pt, eta, m)])
    print(k, "delta_phi(phi, 3.0)", [repr(float(wrap(p - 3.0))) for p in phi])
    print(k, "delta_r(eta, phi, 0.0, 3.1)", [repr(dr(e, p, 0.0, 3.1)) for e, p in zip(eta, phi)])
    print(k, "inv_mass", repr(mass(sum(four(*x) for x in zip(pt, eta, phi, m)))))
    print(k, "inv_mass m=0.1057", repr(mass(sum(four(a, b, c, 0.1057) for a, b, c in zip(pt, eta, phi)))))
# row 4: pt [45.0, NULL] -> the NULL element is skipped; m [2.0, 0.0]
print(4, "inv_mass", repr(mass(four(45.0, 0.0, f32(1.0), 2.0))))
print(4, "px", repr(float(45.0 * np.cos(f32(1.0)))))

print("== cone_sum")
lep = (30.0, 0.0, 3.1)
tracks = [(30.0, 0.0, 3.1), (2.0, 0.1, -3.1), (5.0, 0.25, 3.0), (7.0, 0.3, 3.1), (1.0, -1.0, 0.0)]
photons = [(3.0, 0.05, -3.12), (4.0, 0.0, 2.7)]


def cone(parts, eta, phi, radius, min_dr=None):
    s = 0.0
    for v, e, p in parts:
        d = dr(e, p, eta, phi)
        if d < radius and (min_dr is None or d > min_dr):
            s += v
    return s


print("dr of tracks to lep", [dr(e, p, lep[1], lep[2]) for _, e, p in tracks])
print("tracks 0.3", cone(tracks, lep[1], lep[2], 0.3), "min_dr 1e-4", cone(tracks, lep[1], lep[2], 0.3, 1e-4))
print("tracks 0.5", cone(tracks, lep[1], lep[2], 0.5))
print("photons 0.3", cone(photons, lep[1], lep[2], 0.3))
print("per track", [cone(tracks, e, p, 0.3) for _, e, p in tracks])
print("per track min_dr 0", [cone(tracks, e, p, 0.3, 0.0) for _, e, p in tracks])
# float32 fields: the same tracks stored as REAL
t32 = [(f32(v), f32(e), f32(p)) for v, e, p in tracks]
print("float32 tracks 0.3 around float32 lep", cone(t32, f32(lep[1]), f32(lep[2]), 0.3))
print("== sort_by")
keys = [dr(e, p, lep[1], lep[2]) for _, e, p in tracks]
order = sorted(range(len(tracks)), key=lambda i: keys[i], reverse=True)  # stable, like the reference
print("tracks by dR desc (PT)", [tracks[i][0] for i in order])

print("== ev row 4 (pt [45.0, NULL], eta [0.0, 1.0], phi REAL [1.0, -1.0], m [2.0, 0.0]) and row 5")
print(4, "py", repr(float(45.0 * np.sin(1.0))), "energy", repr(float(np.sqrt(45.0 ** 2 + 2.0 ** 2))))
print(4, "delta_phi(phi, 3.0)", repr(float(wrap(1.0 - 3.0))), repr(float(wrap(-1.0 - 3.0))))
print(4, "delta_r(eta, phi, 0.0, 3.1)", repr(dr(0.0, 1.0, 0.0, 3.1)), repr(dr(1.0, -1.0, 0.0, 3.1)))
print(4, "inv_mass(.., 0.1057)", repr(mass(four(45.0, 0.0, 1.0, 0.1057))))
print("delta_phi(phi, id): row 1", [repr(float(wrap(f32(p) - 1.0))) for p in [0.5, 3.0, -3.0]],
      "row 4", [repr(float(wrap(p - 4.0))) for p in [1.0, -1.0]], "row 5", repr(float(wrap(f32(3.14) - 5.0))))
print("== cone_sum row 5 tracks [(1,0,0.1), NULL, (NULL,0,0), (2,NULL,0), (4,0.1,0)] around (0,0)")
row5 = [(1.0, 0.0, 0.1), (4.0, 0.1, 0.0)]
print("lep", cone(row5, 0.0, 0.0, 0.3), "per track", [cone(row5, e, p, 0.3) for e, p in [(0.0, 0.1), (0.0, 0.0), (0.1, 0.0)]])
print("== LLF row of the first track of iso row 1 (E, Px, Py, Pz) massless")
print([repr(float(x)) for x in four(30.0, 0.0, 3.1, 0.0)])
print("second track", [repr(float(x)) for x in four(2.0, 0.1, -3.1, 0.0)])

print("== combination_p4 ev row 1 (pairs (1,2) (1,3) (2,3) summed in position order): pt, mass; k = 3: mass")
pt, eta, phi, m = ev[1]
objs = [four(a, b, f32(c), d) for a, b, c, d in zip(pt, eta, phi, m)]
for i, j in [(0, 1), (0, 2), (1, 2)]:
    s = objs[i] + objs[j]
    print((i + 1, j + 1), "px", repr(float(s[1])), "pt", repr(float(np.sqrt(s[1] * s[1] + s[2] * s[2]))), "mass", repr(mass(s)))
s = objs[0] + objs[1] + objs[2]
print("k=3 mass", repr(mass(s)), "pt", repr(float(np.sqrt(s[1] * s[1] + s[2] * s[2]))))
