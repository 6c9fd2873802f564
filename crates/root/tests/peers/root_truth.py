#!/usr/bin/env python3
"""ROOT's own reading of some branches of a TTree, in the canonical form of `uproot_reference.py`.

Usage:
  root_truth.py FILE TREE_PATH BRANCH[,BRANCH...] OUT.json

BRANCH is uproot's path of a branch, `P/P.m` (its last part is the RDataFrame column). The
conformance test uses it for the few branches where uproot and ROOT disagree (`ROOT_IS_TRUTH` in
`crates/root/tests/common/mod.rs`): ROOT is the truth there. Values come from
`RDataFrame.AsNumpy`; a column of arrays (`x[3]`, a TClonesArray member) becomes one list level
(the canonical form does not tell regular from jagged lists).
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

    paths = branches.split(",")
    names = [p.split("/")[-1] for p in paths]
    tree_name = tree_path.rpartition(";")[0] or tree_path
    df = ROOT.RDataFrame(tree_name, file_path)
    columns = df.AsNumpy(names)
    entries = int(df.Count().GetValue())
    out = {"file": file_path, "root": ROOT.gROOT.GetVersion(), "tree": tree_path, "entries": entries, "branches": []}
    for path, name in zip(paths, names):
        data = columns[name]
        if data.dtype == object:
            data = ak.Array([np.asarray(x).tolist() for x in data])
        chain = path.split("/")
        b = {"branch": path, "chain": chain, "ok": False, "error": None, "entries": int(len(data)), "parts": []}
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
