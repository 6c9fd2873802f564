#!/usr/bin/env python3
"""Entry counts of every TTree and RNTuple in a file, as ROOT itself (PyROOT, 6.40) reads them.

Usage: root_entries.py FILE OUT.json
Output: {"root": version, "trees": {"dir/name;cycle": entries}, "rntuples": {"dir/name;cycle": entries}}
(TTrees at their highest cycle, like uproot_reference.py.)
"""

import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import ROOT  # noqa: E402

ROOT.gROOT.SetBatch(True)
ROOT.gErrorIgnoreLevel = ROOT.kError


def walk(directory, prefix, out):
    best = {}
    for key in directory.GetListOfKeys():
        name, cycle, classname = key.GetName(), key.GetCycle(), key.GetClassName()
        if name not in best or cycle > best[name][0]:
            best[name] = (cycle, classname)
    for name, (cycle, classname) in sorted(best.items()):
        path = f"{prefix}{name};{cycle}"
        cls = ROOT.TClass.GetClass(classname)
        if classname == "ROOT::RNTuple":
            # (TDirectory::Get would treat the RNTuple anchor as a TObject, which it is not.)
            reader = ROOT.RNTupleReader.Open(f"{prefix}{name}", directory.GetFile().GetName())
            out["rntuples"][path] = int(reader.GetNEntries())
        elif cls and cls.InheritsFrom("TTree"):
            out["trees"][path] = int(directory.Get(f"{name};{cycle}").GetEntries())
        elif cls and cls.InheritsFrom("TDirectory"):
            walk(directory.Get(f"{name};{cycle}"), f"{prefix}{name}/", out)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    out = {"root": ROOT.gROOT.GetVersion(), "trees": {}, "rntuples": {}}
    f = ROOT.TFile.Open(argv[1])
    if not f or f.IsZombie():
        sys.exit(f"ROOT cannot open {argv[1]}")
    walk(f, "", out)
    with open(argv[2] + ".tmp", "w") as fh:
        json.dump(out, fh)
    os.replace(argv[2] + ".tmp", argv[2])


if __name__ == "__main__":
    main(sys.argv)
