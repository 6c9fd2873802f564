"""Reference values of every top-level RNTuple field of a ROOT file, read with uproot (the independent peer).

Usage: rntuple_reference.py FILE.root OUT.json

Writes {"uproot": version, "ntuples": {name: {"fields": {field: [values...]}, "failed": {field: error}}}}.
Values are ak.to_list() of uproot's arrays with two encodings so that the comparison is exact:
floats become "f:<16 hex digits of the float64 bit pattern>" ("f:nan" for any NaN; float32 values widen
exactly), strings become "s:<text>", tuple-records become {"0": ..., "1": ...} (so an empty class is {}).
Ints, bools, None, lists and records stay JSON.
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
    if isinstance(x, tuple):  # an awkward tuple-record (fields null); () is an empty class
        return {str(i): encode(v) for i, v in enumerate(x)}
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
                fields[name] = encode(ak.to_list(arr))
            except Exception as e:  # uproot cannot read it: listed and skipped by the test
                failed[name] = f"{type(e).__name__}: {e}"
        result["ntuples"][key] = {"entries": int(nt.num_entries), "fields": fields, "failed": failed}
    with open(out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
