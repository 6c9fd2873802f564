"""testdata/compression/*.root: one small tree written with every compression algorithm and level.

Tree `sample` (1200 entries, autoflush 200 → 6 clusters, so several baskets per branch):
  flat leaves of every type  B b S s I i L l F D O  (branches `Char_t`, `UChar_t`, ... see LEAVES),
  `arr[3]/F` (fixed array), `n/I` + `v[n]/D` (counter-jagged, n in 0..4),
  `vf` std::vector<float>, `str` std::string, `leaflist` with leaves `x/D:y/I:z/B`.
Values include each type's extremes in the first entries.

Usage: python make_compression.py   (writes testdata/compression/<algorithm>-<level>.root)
"""

from fixture_common import ROOT, declare, out_path

ENTRIES = 1200
AUTOFLUSH = 200

declare(
    r"""
#include <limits>
#include <string>
#include <vector>
#include "TTree.h"
namespace hadron_fixture {
struct LeafList { Double_t x; Int_t y; Char_t z; };

void fill_compression_sample(TTree *t, int entries, uint64_t seed) {
    Char_t vB; UChar_t vb; Short_t vS; UShort_t vs; Int_t vI; UInt_t vi; Long64_t vL; ULong64_t vl;
    Float_t vF; Double_t vD; Bool_t vO;
    Float_t arr[3]; Int_t n; Double_t v[4];
    std::vector<float> vf; std::string str; LeafList ll;
    t->Branch("B", &vB, "B/B");
    t->Branch("b", &vb, "b/b");
    t->Branch("S", &vS, "S/S");
    t->Branch("s", &vs, "s/s");
    t->Branch("I", &vI, "I/I");
    t->Branch("i", &vi, "i/i");
    t->Branch("L", &vL, "L/L");
    t->Branch("l", &vl, "l/l");
    t->Branch("F", &vF, "F/F");
    t->Branch("D", &vD, "D/D");
    t->Branch("O", &vO, "O/O");
    t->Branch("arr", arr, "arr[3]/F");
    t->Branch("n", &n, "n/I");
    t->Branch("v", v, "v[n]/D");
    t->Branch("vf", &vf);
    t->Branch("str", &str);
    t->Branch("leaflist", &ll, "x/D:y/I:z/B");
    Rng r(seed);
    for (int e = 0; e < entries; ++e) {
        switch (e) {
        case 0:
            vB = std::numeric_limits<Char_t>::min(); vb = 255; vS = std::numeric_limits<Short_t>::min();
            vs = 65535; vI = std::numeric_limits<Int_t>::min(); vi = std::numeric_limits<UInt_t>::max();
            vL = std::numeric_limits<Long64_t>::min(); vl = std::numeric_limits<ULong64_t>::max();
            vF = std::numeric_limits<Float_t>::lowest(); vD = std::numeric_limits<Double_t>::lowest(); vO = true;
            break;
        case 1:
            vB = 127; vb = 0; vS = 32767; vs = 0; vI = std::numeric_limits<Int_t>::max(); vi = 0;
            vL = std::numeric_limits<Long64_t>::max(); vl = 0;
            vF = std::numeric_limits<Float_t>::denorm_min(); vD = -0.0; vO = false;
            break;
        default:
            vB = (Char_t)((int)r.below(256) - 128); vb = (UChar_t)r.below(256);
            vS = (Short_t)((int)r.below(2000) - 1000); vs = (UShort_t)r.below(3000);
            vI = (Int_t)r.below(200000) - 100000; vi = (UInt_t)r.below(100000) * 40000U;
            vL = ((Long64_t)r.below(1 << 16) - (1 << 15)) << 24; vl = r.below(1 << 16) << 40;
            vF = (Float_t)r.grid(-100, 100); vD = r.grid(-1e3, 1e3); vO = r.below(3) == 0;
        }
        for (int k = 0; k < 3; ++k) arr[k] = (Float_t)(e + 0.25 * k);
        n = (Int_t)r.below(5);
        for (int k = 0; k < n; ++k) v[k] = r.grid(0, 50);
        vf.clear();
        for (uint64_t k = 0, m = r.below(4); k < m; ++k) vf.push_back((float)r.grid(-5, 5));
        str = (e % 7 == 0) ? std::string() : "entry-" + std::to_string(e) + std::string(r.below(4), 'x');
        ll.x = r.grid(-1, 1); ll.y = (Int_t)r.below(100) - 50; ll.z = (Char_t)r.below(2);
        t->Fill();
    }
}
}
"""
)

# (file stem, ROOT algorithm, level); level 0 = uncompressed.
SETTINGS = [("uncompressed", "kUseGlobal", 0)]
SETTINGS += [(f"zlib-{lvl}", "kZLIB", lvl) for lvl in (1, 6, 9)]
SETTINGS += [(f"lz4-{lvl}", "kLZ4", lvl) for lvl in (1, 4)]
SETTINGS += [(f"zstd-{lvl}", "kZSTD", lvl) for lvl in (1, 5, 9)]
SETTINGS += [(f"lzma-{lvl}", "kLZMA", lvl) for lvl in (1, 8)]


def main():
    algorithms = ROOT.RCompressionSetting.EAlgorithm
    for stem, algorithm, level in SETTINGS:
        compress = 0 if level == 0 else 100 * int(getattr(algorithms, algorithm)) + level
        path = out_path("compression", f"{stem}.root")
        f = ROOT.TFile(path, "RECREATE", "", compress)
        t = ROOT.TTree("sample", "every leaf type, written with " + stem)
        t.SetAutoFlush(AUTOFLUSH)
        ROOT.hadron_fixture.fill_compression_sample(t, ENTRIES, 12345)
        t.Write()
        f.Close()
        print(f"{path}: compress={compress}")


if __name__ == "__main__":
    main()
