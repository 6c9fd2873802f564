"""Peer for tests/tree_meta.rs: TTree metadata of ROOT files as uproot reads it, one JSON object on stdout.

Usage: python tree_meta.py FILE.root...

Output: {file: {"trees": {"dir/name;cycle": TREE}, "latest": ["dir/name;cycle", ...], "error": str|null}}
TREE = {"class": str, "entries": int, "branches": [BRANCH...] (depth-first, parents first), "error": str|null}
BRANCH = {"name", "entries", "leaf_classes": [...], "leaf_names": [...], "count_leaves": [name|null...],
          "num_baskets", "basket_ranges": [[start, stop]...], "error": str|null}
"""

import json
import sys

import uproot

TREE_CLASSES = {"TTree", "TNtuple", "TNtupleD"}


def branch_info(branch):
    out = {"name": branch.member("fName"), "error": None}
    try:
        out["entries"] = int(branch.member("fEntries"))
        leaves = list(branch.member("fLeaves"))
        out["leaf_classes"] = [leaf.classname for leaf in leaves]
        out["leaf_names"] = [leaf.member("fName") for leaf in leaves]
        counts = []
        for leaf in leaves:
            count = leaf.member("fLeafCount")
            counts.append(None if count is None else count.member("fName"))
        out["count_leaves"] = counts
        out["num_baskets"] = int(branch.num_baskets)
        out["basket_ranges"] = [[int(x) for x in branch.basket_entry_start_stop(i)] for i in range(branch.num_baskets)]
    except Exception as err:  # noqa: BLE001 - reported to the Rust side
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def walk(branches, out):
    for branch in branches:
        out.append(branch_info(branch))
        walk(branch.branches, out)


def tree_info(tree):
    out = {"class": tree.classname, "error": None, "branches": []}
    try:
        out["entries"] = int(tree.num_entries)
        walk(tree.branches, out["branches"])
    except Exception as err:  # noqa: BLE001
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def file_info(path):
    out = {"trees": {}, "latest": [], "error": None}
    try:
        with uproot.open(path) as f:
            classes = f.classnames(recursive=True, cycle=True)
            latest = {}
            for key, cls in classes.items():
                if cls not in TREE_CLASSES:
                    continue
                name, cycle = key.rsplit(";", 1)
                if int(cycle) > latest.get(name, (-1,))[0]:
                    latest[name] = (int(cycle), key)
                try:
                    out["trees"][key] = tree_info(f[key])
                except Exception as err:  # noqa: BLE001
                    out["trees"][key] = {"class": cls, "error": f"{type(err).__name__}: {err}", "branches": []}
            out["latest"] = sorted(k for _, k in latest.values())
    except Exception as err:  # noqa: BLE001
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def main():
    result = {path: file_info(path) for path in sys.argv[1:]}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
