#!/usr/bin/env python3
"""ROOT's own reading (RDataFrame, 6.40) of one branch, in uproot_reference.py's canonical form.

The conformance tests ask it only where uproot and hadron disagree on values: when hadron agrees
with ROOT, uproot is the one that differs (it does, by an ulp, for some ranged Double32_t and
Float16_t leaves), and the branch counts as matched.

Usage: root_reference.py FILE TREE_PATH COLUMN [COLUMN...] OUT.json
  COLUMNs are RDataFrame column names to try in order (e.g. `Electron.PT`, `event.d32r`).
Output: {"ok", "error", "column", "entries", "parts": [PART]} with PART as in uproot_reference.py.
Covers numeric scalars and one level of RVec (fixed or variable arrays); anything else is an error.
"""

import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import ROOT  # noqa: E402

from uproot_reference import level, numbers_part  # noqa: E402

ROOT.gROOT.SetBatch(True)
ROOT.gErrorIgnoreLevel = ROOT.kError


def canonical(values):
    if values.dtype != object:
        return [numbers_part([], [], np.asarray(values))]
    rows = [np.asarray(v) for v in values]
    if any(r.ndim != 1 or r.dtype == object for r in rows):
        raise ValueError("nested or non-numeric RVec")
    counts = np.array([r.size for r in rows], dtype=np.int64)
    dtype = next((r.dtype for r in rows if r.size), rows[0].dtype if rows else np.dtype("f8"))
    flat = np.concatenate(rows).astype(dtype) if rows else np.zeros(0, dtype)
    return [numbers_part([], [level(counts)], flat)]


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    file_path, tree_path, columns, out_path = argv[1], argv[2], argv[3:-1], argv[-1]
    out = {"ok": False, "error": None, "column": None, "entries": None, "parts": []}
    try:
        df = ROOT.RDataFrame(tree_path.rpartition(";")[0] or tree_path, file_path)
        names = {str(c) for c in df.GetColumnNames()}
        column = next((c for c in columns if c in names), None)
        if column is None:
            raise KeyError(f"none of {columns} is a column")
        values = df.AsNumpy([column])[column]
        out.update(ok=True, column=column, entries=int(len(values)), parts=canonical(values))
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {str(e)[:300]}"
    with open(out_path + ".tmp", "w") as f:
        json.dump(out, f)
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main(sys.argv)
