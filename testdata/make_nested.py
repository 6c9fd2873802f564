"""testdata/nested.root: nested STL containers, strings, Double32_t and Float16_t (tree `nested`).

500 entries, zlib-1, of:
  `event`       NestedEvent (nested_classes.h, ACLiC), split (splitlevel 99): sub-branches
                `vvf` vector<vector<float>>, `vi` vector<int>, `vs` vector<string>, `ts` TString,
                `s` std::string, `d32` Double32_t (no range), `d32r` Double32_t [0,100,16],
                `d32m` Double32_t [0,0,12], `f16` Float16_t, `f16r` Float16_t [-1,1,10],
                `f16m` Float16_t [0,0,8], `d32arr[3]` Double32_t [0,10,20];
  `unsplit`     the same object, not split (splitlevel 0: one branch, streamer-serialized);
  top-level STL `vvf` vector<vector<float>>, `vi` vector<int>, `vs` vector<string>, `tstr` TString;
  leaf-list truncated floats `d32leaf/d[0,100,16]`, `f16leaf/f[-1,1,10]`, `d32plain/d`, `f16plain/f`.

Usage: python make_nested.py
"""

import os
import tempfile

from fixture_common import HERE, ROOT, declare, out_path

ENTRIES = 500


def main():
    build = tempfile.mkdtemp(prefix="hadron-aclic-")
    ROOT.gSystem.SetBuildDir(build, True)
    if ROOT.gSystem.CompileMacro(os.path.join(HERE, "nested_classes.h"), "kO") != 1:
        raise SystemExit("ACLiC could not compile nested_classes.h")
    declare(
        r"""
#include "TTree.h"
namespace hadron_fixture {
void fill_nested(TTree *t, int entries, uint64_t seed) {
    NestedEvent ev;
    NestedEvent *evp = &ev, *unsplitp = &ev;
    std::vector<std::vector<float>> vvf; std::vector<int> vi; std::vector<std::string> vs; TString tstr;
    Double_t d32leaf, d32plain; Float_t f16leaf, f16plain;
    t->Branch("event", &evp, 32000, 99);
    t->Branch("unsplit", &unsplitp, 32000, 0);
    t->Branch("vvf", &vvf);
    t->Branch("vi", &vi);
    t->Branch("vs", &vs);
    t->Branch("tstr", &tstr);
    t->Branch("d32leaf", &d32leaf, "d32leaf/d[0,100,16]");
    t->Branch("f16leaf", &f16leaf, "f16leaf/f[-1,1,10]");
    t->Branch("d32plain", &d32plain, "d32plain/d");
    t->Branch("f16plain", &f16plain, "f16plain/f");
    Rng r(seed);
    for (int e = 0; e < entries; ++e) {
        ev.vvf.clear();
        for (uint64_t i = 0, n = r.below(4); i < n; ++i) {
            ev.vvf.emplace_back();
            for (uint64_t j = 0, m = r.below(4); j < m; ++j) ev.vvf.back().push_back((float)r.grid(-10, 10));
        }
        ev.vi.clear();
        for (uint64_t i = 0, n = r.below(5); i < n; ++i) ev.vi.push_back((int)r.below(2000) - 1000);
        ev.vs.clear();
        for (uint64_t i = 0, n = r.below(3); i < n; ++i) ev.vs.push_back("s" + std::to_string(e) + "_" + std::to_string(i));
        ev.ts = (e % 5 == 0) ? TString() : TString::Format("tstring %d", e);
        ev.s = (e % 3 == 0) ? std::string() : std::string("std::string ") + std::to_string(e * 7);
        // Exercise the truncations with values that do not sit on the grids.
        double u = (r.next() % 1000003) / 1000003.0;
        ev.d32 = 1000 * u - 500 + 1.0 / 3;
        ev.d32r = 100 * u;
        ev.d32m = 1e5 * (u - 0.5) + 0.123456789;
        ev.f16 = (Float_t)(10 * u - 5 + 1.0 / 7);
        ev.f16r = (Float_t)(2 * u - 1);
        ev.f16m = (Float_t)(300 * (u - 0.5) + 0.0123);
        for (int k = 0; k < 3; ++k) ev.d32arr[k] = 10 * u * (k + 1) / 3;
        vvf = ev.vvf; vi = ev.vi; vs = ev.vs; tstr = ev.ts;
        d32leaf = 100 * u; f16leaf = (Float_t)(2 * u - 1);
        d32plain = 1e3 * u + 1.0 / 3; f16plain = (Float_t)(u - 0.5 + 1.0 / 7);
        t->Fill();
    }
    t->ResetBranchAddresses();
}
}
"""
    )
    path = out_path("nested.root")
    f = ROOT.TFile(path, "RECREATE", "", 101)
    t = ROOT.TTree("nested", "nested containers, strings, Double32_t and Float16_t")
    ROOT.hadron_fixture.fill_nested(t, ENTRIES, 7)
    t.Write()
    f.Close()
    print(path)


if __name__ == "__main__":
    main()
