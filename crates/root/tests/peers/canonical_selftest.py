#!/usr/bin/env python3
"""Canonical forms of a few hand-made awkward arrays, computed by uproot_reference.py's code.

crates/root/tests/conformance.rs builds the same data as Arrow arrays and checks that its Rust
canonical form agrees, so the two halves of the harness are tested against each other before
they are trusted to compare uproot with hadron.

Usage: canonical_selftest.py OUT.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import awkward as ak  # noqa: E402
import numpy as np  # noqa: E402

from uproot_reference import walk  # noqa: E402

CASES = {
    "int32": ak.Array(np.array([1, -2, 3, 2147483647], dtype=np.int32)),
    "uint64": ak.Array(np.array([2**64 - 1, 0, 2**63], dtype=np.uint64)),
    "int8": ak.Array(np.array([-128, 127, 0], dtype=np.int8)),
    "float32_nan": ak.Array(np.array([1.5, np.nan, -0.0, np.inf], dtype=np.float32)),
    "bool": ak.Array(np.array([True, False, True])),
    "jagged_float64": ak.Array([[1.0, 2.0], [], [3.0]]),
    "fixed_float32": ak.Array(np.arange(6, dtype=np.float32).reshape(2, 3)),
    "strings": ak.Array(["a", "", "héllo"]),
    "jagged_strings": ak.Array([["x", "yy"], [], ["zzz"]]),
    "record": ak.Array({"x": np.array([1.0, 2.0]), "y": np.array([1, 2], dtype=np.int32)}),
    "jagged_record": ak.Array([[{"a": 1, "b": 2.5}], [], [{"a": 3, "b": 4.5}, {"a": 5, "b": 6.5}]]),
    "jagged_record_b": ak.Array([[{"a": 1, "b": 2.5}], [], [{"a": 3, "b": 4.5}, {"a": 5, "b": 6.5}]])["b"],
    "nested_int32": ak.values_astype(ak.Array([[[1], [2, 3]], [[]], []]), np.int32),
    "map_tuples": ak.Array([[(1, 2.0)], [], [(3, 4.0), (5, 6.0)]]),
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = {}
    for name, array in CASES.items():
        parts = []
        walk(ak.to_layout(array), [], [], parts)
        out[name] = {"entries": len(array), "parts": parts}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
