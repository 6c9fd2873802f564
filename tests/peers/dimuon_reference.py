"""The example's numbers computed by uproot + numpy (the independent truth for tests/example_dataframe.rs).
Usage: python dimuon_reference.py FILE.root  → JSON {events, mean_met, mean_lead_mu_pt}"""
import json
import sys

import numpy as np
import uproot

t = uproot.open(sys.argv[1])["Events"]
a = t.arrays(["nMuon", "MET_pt", "Muon_pt"], library="np")
sel = a["nMuon"] >= 2
lead = np.array([pts[0] for pts in a["Muon_pt"][sel]], dtype=np.float64)
print(json.dumps({
    "events": int(sel.sum()),
    "mean_met": float(np.mean(a["MET_pt"][sel].astype(np.float64))),
    "mean_lead_mu_pt": float(np.mean(lead)),
}))
