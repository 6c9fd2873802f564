#!/usr/bin/env python3
"""ROOT's own reading of some branches of a TTree, in the canonical form of `uproot_reference.py`.

Usage:
  root_reference.py FILE TREE_PATH BRANCH[,BRANCH...] OUT.json

The conformance test uses it for the few branches where uproot and ROOT disagree (see
`OVERRIDES` in `crates/root/tests/common/harness.rs`): ROOT is the truth there. Values come from
`RDataFrame.AsNumpy`; a fixed-size array branch (`x[3]`) becomes one regular list level.
Output: {"file", "root", "tree", "entries", "branches": [BRANCH, ...]} where BRANCH has the same
keys as in `uproot_reference.py` ("branch", "chain", "ok", "error", "entries", "parts").
"""

import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import awkward as ak  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uproot_reference import NoCanonicalForm, walk  # noqa: E402


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    _, file_path, tree_path, branches, out_path = argv
    import ROOT  # noqa: E402  (slow to import: only when needed)

    names = branches.split(",")
    tree_name = tree_path.rpartition(";")[0] or tree_path
    df = ROOT.RDataFrame(tree_name, file_path)
    columns = df.AsNumpy(names)
    entries = int(df.Count().GetValue())
    out = {"file": file_path, "root": ROOT.gROOT.GetVersion(), "tree": tree_path, "entries": entries, "branches": []}
    for name in names:
        data = columns[name]
        if data.dtype == object:
            data = np.stack([np.asarray(x) for x in data]) if len(data) else np.zeros((0,), np.float64)
        b = {"branch": name, "chain": [name], "ok": False, "error": None, "entries": int(len(data)), "parts": []}
        try:
            parts = []
            walk(ak.to_layout(data), [], [], parts)
            b["parts"] = parts
            b["ok"] = True
        except NoCanonicalForm as e:
            b["error"] = f"no canonical form: {e}"
        out["branches"].append(b)
    with open(out_path + ".tmp", "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main(sys.argv)
