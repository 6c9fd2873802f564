#!/usr/bin/env python3
"""uproot's reading of every leaf branch of a TTree, in the canonical form hadron's tests compare to.

Usage:
  uproot_reference.py FILE TREE_PATH OUT.json   one tree ("dir/name;cycle" as uproot lists it)
  uproot_reference.py FILE --all OUT.json       every TTree (TNtuple, TNtupleD) in the file, each
                                                at its highest cycle

Output: {"file", "uproot", "trees": [{"tree", "entries", "error", "branches": [BRANCH, ...]}]}
where BRANCH describes one branch without sub-branches (leaf-list branches included):
  {"branch": "P/P.m" (uproot's full path), "chain": ["P", "P.m"] (branch names, top-level first),
   "typename", "interpretation" (repr, cut at 300 chars), "ok", "error", "entries",
   "parts": [PART, ...]}
A PART is one leaf of the awkward array `branch.array(library="ak")`: the array itself, or, for
records (leaf-list branches, objects, std::map/pair tuples), each record field in order:
  {"field": [name, ...] (record field names from the outside in; tuple fields are "0", "1", ...;
                         [] for a non-record array),
   "levels": [{"n", "total", "sha256"}, ...],
   "kind": "int64" | "float64" | "bool" | "utf8", "dtype": the native numpy dtype,
   "n_values", "values_sha256", "head": the first 5 values as strings}

CANONICAL FORM (crates/root/tests/common/canonical.rs derives the same from Arrow arrays):
- levels: one per list nesting level from the outside in: var lists (jagged, std::vector, ...),
  regular/fixed-size lists (`x[3]`, std::array) and multi-dimensional numpy shapes alike.
  A level's counts are the list lengths in entry order; "n" = how many lists, "total" = sum of
  counts, "sha256" = SHA-256 of the counts as little-endian int64.
- strings are one more, innermost level: the byte length of each string; their values are the
  concatenated UTF-8 bytes (kind "utf8").
- numbers, flattened in entry order: booleans → one byte 0/1 (kind "bool"); every integer type
  → little-endian int64 (kind "int64"; uint64 keeps its two's-complement bits, i.e. wraps);
  every floating type (float32, Float16_t, Double32_t, float64) → little-endian float64 (kind
  "float64"), with every NaN written as the one quiet NaN 0x7FF8000000000000.
- "values_sha256" = SHA-256 of those bytes; "n_values" = how many values (strings for utf8).
Option (nullable) and union types are reported as an error: they have no canonical form yet.
"""

import hashlib
import json
import os
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import awkward as ak  # noqa: E402
import numpy as np  # noqa: E402
import uproot  # noqa: E402

TREE_CLASSES = {"TTree", "TNtuple", "TNtupleD"}
CANONICAL_NAN = np.frombuffer(np.uint64(0x7FF8000000000000).tobytes(), dtype="<f8")[0]


class NoCanonicalForm(Exception):
    """The array holds a layout the canonical form does not cover."""


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def level(counts):
    counts = np.ascontiguousarray(counts, dtype="<i8")
    return {"n": int(counts.size), "total": int(counts.sum()), "sha256": sha256(counts.tobytes())}


def head_strings(values):
    out = []
    for v in values[:5].tolist():
        text = repr(v) if isinstance(v, float) else str(v)
        out.append(text if len(text) <= 60 else text[:57] + "...")
    return out


def numbers_part(field, levels, data):
    dtype = str(data.dtype)
    if data.dtype.kind == "b":
        kind, canon = "bool", data.astype("u1")
    elif data.dtype.kind in "iu":
        kind, canon = "int64", data.astype("<i8")
    elif data.dtype.kind == "f":
        kind, canon = "float64", data.astype("<f8")
        nan = np.isnan(canon)
        if nan.any():
            canon = canon.copy()
            canon[nan] = CANONICAL_NAN
    elif data.dtype.kind == "M":
        kind, canon = "int64", data.view("<i8")
    else:
        raise NoCanonicalForm(f"numpy dtype {dtype}")
    canon = np.ascontiguousarray(canon)
    return {
        "field": field,
        "levels": levels,
        "kind": kind,
        "dtype": dtype,
        "n_values": int(canon.size),
        "values_sha256": sha256(canon.tobytes()),
        "head": head_strings(canon if kind != "bool" else data),
    }


def strings_part(field, levels, offsets, content):
    offsets = np.asarray(offsets, dtype=np.int64)
    data = np.asarray(content.data if isinstance(content, ak.contents.NumpyArray) else [], dtype=np.uint8)
    data = data[offsets[0] : offsets[-1]] if offsets.size else data[:0]
    counts = np.diff(offsets)
    head = []
    for i in range(min(5, counts.size)):
        text = bytes(data[offsets[i] - offsets[0] : offsets[i + 1] - offsets[0]]).decode("utf-8", "replace")
        head.append(text if len(text) <= 60 else text[:57] + "...")
    return {
        "field": field,
        "levels": levels + [level(counts)],
        "kind": "utf8",
        "dtype": "string",
        "n_values": int(counts.size),
        "values_sha256": sha256(np.ascontiguousarray(data).tobytes()),
        "head": head,
    }


def walk(layout, field, levels, parts):
    """Appends the canonical parts of `layout` (already cut to its used range) to `parts`."""
    C = ak.contents
    if isinstance(layout, C.IndexedArray):
        return walk(layout.project(), field, levels, parts)
    if isinstance(layout, C.UnmaskedArray):
        return walk(layout.content, field, levels, parts)
    if isinstance(layout, (C.IndexedOptionArray, C.ByteMaskedArray, C.BitMaskedArray)):
        raise NoCanonicalForm("option (nullable) type")
    if isinstance(layout, C.UnionArray):
        raise NoCanonicalForm("union type")
    if isinstance(layout, C.EmptyArray):
        return parts.append(numbers_part(field, levels, np.zeros(0, dtype=np.float64)))
    if isinstance(layout, C.NumpyArray):
        data = np.asarray(layout.data)
        levels = list(levels)
        while data.ndim > 1:
            levels.append(level(np.full(data.shape[0], data.shape[1], dtype=np.int64)))
            data = data.reshape((data.shape[0] * data.shape[1],) + data.shape[2:])
        return parts.append(numbers_part(field, levels, data))
    if isinstance(layout, C.RegularArray):
        if layout.parameter("__array__") in ("string", "bytestring"):
            offsets = np.arange(layout.length + 1, dtype=np.int64) * layout.size
            return parts.append(strings_part(field, levels, offsets, layout.content))
        counts = np.full(layout.length, layout.size, dtype=np.int64)
        content = layout.content[: layout.length * layout.size]
        return walk(content, field, levels + [level(counts)], parts)
    if isinstance(layout, (C.ListArray, C.ListOffsetArray)):
        if isinstance(layout, C.ListArray):
            layout = layout.to_ListOffsetArray64(True)
        offsets = np.asarray(layout.offsets)
        if layout.parameter("__array__") in ("string", "bytestring"):
            return parts.append(strings_part(field, levels, offsets, layout.content))
        content = layout.content[offsets[0] : offsets[-1]] if offsets.size else layout.content[:0]
        return walk(content, field, levels + [level(np.diff(offsets))], parts)
    if isinstance(layout, C.RecordArray):
        names = [str(i) for i in range(len(layout.contents))] if layout.is_tuple else layout.fields
        for name, content in zip(names, layout.contents):
            walk(content[: layout.length], field + [name], levels, parts)
        return None
    raise NoCanonicalForm(f"awkward layout {type(layout).__name__}")


def describe_branch(path, branch, top):
    chain = []
    b = branch
    while b is not None and b is not top:
        chain.append(b.name)
        b = b.parent if isinstance(b.parent, uproot.behaviors.TBranch.TBranch) else None
    chain.reverse()
    out = {
        "branch": path,
        "chain": chain,
        "typename": safe(lambda: branch.typename),
        "interpretation": safe(lambda: repr(branch.interpretation))[:300],
        "ok": False,
        "error": None,
        "entries": None,
        "parts": [],
    }
    try:
        array = branch.array(library="ak")
        out["entries"] = len(array)
        parts = []
        walk(ak.to_layout(array), [], [], parts)
        out["parts"] = parts
        out["ok"] = True
    except NoCanonicalForm as e:
        out["error"] = f"no canonical form: {e}"
    except Exception as e:  # uproot cannot read it: recorded, the test does not count it
        out["error"] = f"{type(e).__name__}: {str(e)[:300]}"
    return out


def safe(f):
    try:
        return str(f())
    except Exception as e:
        return f"<{type(e).__name__}>"


def describe_tree(file, tree_path):
    start = time.monotonic()
    out = {"tree": tree_path, "entries": None, "error": None, "seconds": None, "branches": []}
    try:
        tree = file[tree_path]
        out["entries"] = int(tree.num_entries)
        items = tree.items(recursive=True, full_paths=True)
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {str(e)[:300]}"
        return out
    for path, branch in items:
        if len(branch.branches) == 0:
            out["branches"].append(describe_branch(path, branch, tree))
    out["seconds"] = round(time.monotonic() - start, 3)
    return out


def tree_paths(file):
    """Every TTree, at its highest cycle only (the one ROOT's `TFile::Get(name)` returns)."""
    best = {}
    for path, classname in file.classnames(recursive=True, cycle=True).items():
        if classname in TREE_CLASSES:
            name, _, cycle = path.rpartition(";")
            if name not in best or int(cycle) > best[name]:
                best[name] = int(cycle)
    return [f"{name};{cycle}" for name, cycle in sorted(best.items())]


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    _, file_path, tree_arg, out_path = argv
    # A branch that makes uproot allocate without bound becomes a MemoryError (recorded as that
    # branch's error) instead of the whole process being killed.
    limit = int(os.environ.get("HADRON_REFERENCE_MEMORY_GIB", "6")) << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = {"file": file_path, "uproot": uproot.__version__, "error": None, "trees": []}
    try:
        with uproot.open(file_path) as file:
            paths = tree_paths(file) if tree_arg == "--all" else [tree_arg]
            for path in paths:
                result["trees"].append(describe_tree(file, path))
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {str(e)[:300]}"
    with open(out_path + ".tmp", "w") as f:
        json.dump(result, f, indent=None, separators=(",", ":"))
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main(sys.argv)
