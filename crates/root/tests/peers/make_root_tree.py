"""Peer for tests/tree_meta.rs: writes a small TTree, TNtuple and TNtupleD with the installed ROOT (6.36+ writes
TStreamerInfo v10).

Usage: python make_root_tree.py OUT.root
Prints "ROOT_VERSION TSTREAMERINFO_CLASS_VERSION".
"""

import array
import os
import sys

import ROOT

ROOT.gInterpreter.Declare(
    """
struct Hit {
   float x;
   Double32_t e; //[0,100,16]
   int n;
   std::vector<float> v;
};
"""
)


def main(out):
    f = ROOT.TFile(out, "RECREATE")
    t = ROOT.TTree("t", "a tree written by ROOT")
    n = array.array("i", [0])
    a = array.array("f", [0.0] * 10)
    d = array.array("d", [0.0])
    t.Branch("n", n, "n/I")
    t.Branch("a", a, "a[n]/F")
    t.Branch("d32", d, "d32/d[0,10,12]")
    hit = ROOT.Hit()
    t.Branch("hit", hit, 32000, 99)
    vec = ROOT.std.vector("double")()
    t.Branch("vec", vec)
    t.SetAutoFlush(7)
    for i in range(25):
        n[0] = i % 5
        for j in range(n[0]):
            a[j] = i + j
        d[0] = i * 0.3
        hit.x, hit.e, hit.n = i, 0.5 * i, i
        hit.v.clear()
        hit.v.push_back(i)
        vec.clear()
        for k in range(i % 3):
            vec.push_back(k)
        t.Fill()
    t.Write()
    nt = ROOT.TNtuple("nt", "a TNtuple", "x:y:z")
    ntd = ROOT.TNtupleD("ntd", "a TNtupleD", "u:v")
    for i in range(12):
        nt.Fill(i, 2.0 * i, -i)
        ntd.Fill(0.5 * i, i * i)
    nt.Write()
    ntd.Write()
    f.Close()
    print(ROOT.gROOT.GetVersion(), ROOT.TStreamerInfo.Class().GetClassVersion())
    # The file is closed (it deleted the trees it owned) and the answer printed: leave now, before
    # Python frees its proxies of those trees a second time (a crash in ROOT 6.40's wheel).
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
