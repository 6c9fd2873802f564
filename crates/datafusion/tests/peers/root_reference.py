"""Reference numbers for tests/root_sql.rs, computed by uproot + numpy from the fixtures.
Usage: python root_reference.py TESTDATA_DIR  → one JSON object on stdout."""
import glob
import json
import os
import sys

import numpy as np
import uproot

data = sys.argv[1]
out = {}

s = uproot.open(os.path.join(data, "compression/zlib-6.root"))["sample"]
a = s.arrays(["I", "n", "v", "D"], library="np")
out["sample_entries"] = int(s.num_entries)
out["sample_sum_I"] = int(a["I"].astype(np.int64).sum())
out["sample_sum_n"] = int(a["n"].astype(np.int64).sum())
out["sample_n_compressed_bytes"] = int(s["n"].compressed_bytes)
out["sample_sum_v"] = float(sum(float(np.sum(x)) for x in a["v"]))
out["sample_count_v_pos"] = int(sum(int(np.sum(x > 0)) for x in a["v"]))
out["compression_files"] = len(glob.glob(os.path.join(data, "compression/*.root")))
out["zstd_files"] = len(glob.glob(os.path.join(data, "compression/zstd-*.root")))

d = uproot.open(os.path.join(data, "delphes_like.root"))["Delphes"]
pt = d["Electron/Electron.PT"].array(library="np")
out["delphes_entries"] = int(d.num_entries)
out["delphes_electrons"] = int(sum(len(x) for x in pt))
out["delphes_electrons_pt_gt_23"] = int(sum(int(np.sum(x > 23)) for x in pt))

e = uproot.open(os.path.join(data, "nanoaod_like.root"))["Events"]
ev = e.arrays(["event", "nJet", "Jet_pt", "Muon_charge", "MET_pt"], library="np")
sel = (ev["nJet"] >= 3) & (ev["MET_pt"] > 20)
out["nano_selected"] = int(sel.sum())
out["nano_selected_jets"] = int(ev["nJet"][sel].astype(np.int64).sum())
out["nano_selected_jet_pt_sum"] = float(sum(float(np.sum(x.astype(np.float64))) for x in ev["Jet_pt"][sel]))
out["nano_selected_muon_charge_sum"] = int(sum(int(np.sum(x)) for x in ev["Muon_charge"][sel]))
out["nano_first_selected_events"] = [int(i) for i in ev["event"][sel][:7]]

n = uproot.open(os.path.join(data, "rntuple_basic.root"))["ntuple"]
out["rntuple_entries"] = int(n.num_entries)
print(json.dumps(out))
