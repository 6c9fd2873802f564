"""The example's numbers computed by uproot + numpy (the independent truth for tests/example_dataframe.rs).
Usage: python dimuon_reference.py FILE.root [PARQUET_DIR]
  → JSON {events, mean_met, mean_lead_mu_pt[, features_rows, max_mass_diff, max_dr_diff]}
With PARQUET_DIR (the example's output), pyarrow reads it and the dimuon mass and ΔR of the two leading muons
are compared with numpy's four-vector formulas, event by event."""
import json
import sys

import numpy as np
import uproot

t = uproot.open(sys.argv[1])["Events"]
a = t.arrays(["event", "nMuon", "MET_pt", "Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass"], library="np")
sel = a["nMuon"] >= 2
lead = np.array([pts[0] for pts in a["Muon_pt"][sel]], dtype=np.float64)
out = {
    "events": int(sel.sum()),
    "mean_met": float(np.mean(a["MET_pt"][sel].astype(np.float64))),
    "mean_lead_mu_pt": float(np.mean(lead)),
}
if len(sys.argv) > 2:
    import pyarrow.parquet as pq

    def leading(name, i):
        return np.array([v[i] for v in a[name][sel]], dtype=np.float64)

    pt1, eta1, phi1, m1 = (leading(n, 0) for n in ("Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass"))
    pt2, eta2, phi2, m2 = (leading(n, 1) for n in ("Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass"))

    def p4(pt, eta, phi, m):
        px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
        return px, py, pz, np.sqrt(px * px + py * py + pz * pz + m * m)

    (x1, y1, z1, e1), (x2, y2, z2, e2) = p4(pt1, eta1, phi1, m1), p4(pt2, eta2, phi2, m2)
    mass = np.sqrt(np.maximum((e1 + e2) ** 2 - (x1 + x2) ** 2 - (y1 + y2) ** 2 - (z1 + z2) ** 2, 0.0))
    dphi = np.mod(phi1 - phi2 + np.pi, 2 * np.pi) - np.pi
    dr = np.sqrt((eta1 - eta2) ** 2 + dphi ** 2)
    want = {int(e): (mm, d) for e, mm, d in zip(a["event"][sel], mass, dr)}
    got = pq.read_table(sys.argv[2]).to_pydict()
    out["features_rows"] = len(got["event"])
    out["same_events"] = sorted(int(e) for e in got["event"]) == sorted(want)
    out["max_mass_diff"] = max(abs(m - want[int(e)][0]) / max(want[int(e)][0], 1.0)
                               for e, m in zip(got["event"], got["mumu_mass"]))
    out["max_dr_diff"] = max(abs(d - want[int(e)][1]) for e, d in zip(got["event"], got["mumu_dr"]))
print(json.dumps(out))
