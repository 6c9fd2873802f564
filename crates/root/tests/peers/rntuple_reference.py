"""Reference values of every top-level RNTuple field of a ROOT file, read with uproot (the independent peer).

Usage: rntuple_reference.py FILE.root OUT.json

Writes {"uproot": version, "ntuples": {name: {"fields": {field: [values...]}, "failed": {field: error}}}}.
Values are ak.to_list() of uproot's arrays with two encodings so that the comparison is exact:
floats become "f:<16 hex digits of the float64 bit pattern>" ("f:nan" for any NaN; float32 values widen
exactly), strings become "s:<text>", tuple-records become {"_0": ..., "_1": ...} (RNTuple's subfield names of pairs and tuples; an empty
class is {}).
Ints, bools, None, lists and records stay JSON. Top-level std::unique_ptr fields, which uproot reads
as 0-or-1 element lists, become null-or-value (hadron's nullable mapping).
"""

import json
import math
import struct
import sys

import awkward as ak
import uproot


def encode(x):
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if math.isnan(x):
            return "f:nan"
        return "f:" + struct.pack(">d", x).hex()
    if isinstance(x, str):
        return "s:" + x
    if isinstance(x, bytes):
        return "s:" + x.decode("utf-8", "replace")
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    if isinstance(x, tuple):  # an awkward tuple-record: std::pair/std::tuple (subfields _0, _1, ...) or an empty class
        return {f"_{i}": encode(v) for i, v in enumerate(x)}
    if isinstance(x, list):
        return [encode(v) for v in x]
    raise TypeError(f"cannot encode {type(x).__name__}")


def main():
    path, out = sys.argv[1], sys.argv[2]
    f = uproot.open(path)
    result = {"uproot": uproot.__version__, "ntuples": {}}
    for key, cls in f.classnames(cycle=False).items():
        if cls not in ("ROOT::RNTuple", "ROOT::Experimental::RNTuple"):
            continue
        nt = f[key]
        fields, failed = {}, {}
        for field in nt.fields:
            name = field.name
            try:
                arr = nt.arrays([name])[name]
                values = ak.to_list(arr)
                if field.typename.startswith("std::unique_ptr<"):
                    # uproot gives a 0-or-1 element list; hadron (like std::optional) a nullable value.
                    values = [v[0] if v else None for v in values]
                fields[name] = encode(values)
            except Exception as e:  # uproot cannot read it: listed and skipped by the test
                failed[name] = f"{type(e).__name__}: {e}"
        result["ntuples"][key] = {"entries": int(nt.num_entries), "fields": fields, "failed": failed}
    with open(out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
