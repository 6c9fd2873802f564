"""testdata/delphes_like.root: Delphes-style tree `Delphes` of TClonesArray branches, split (99).

Branches `Electron` (Electron{PT,Eta,Phi,Charge}, 0-3 per event), `Jet` (Jet{PT,Eta,Phi,Mass,BTag},
0-7 per event) and `MissingET` (MissingET{MET,Phi}, exactly 1 per event), each a TClonesArray of the
TObject-derived classes in delphes_classes.h (compiled with ACLiC), giving sub-branches
`Electron.PT`, `Jet.BTag`, ... (plus the TObject members `fUniqueID`, `fBits`), and the plain
`Electron_size/I`, `Jet_size/I`, `MissingET_size/I` counters Delphes writes beside them.
2000 events, zlib-4.

Usage: python make_delphes_like.py
"""

import os
import tempfile

from fixture_common import HERE, ROOT, declare, out_path

EVENTS = 2000


def main():
    build = tempfile.mkdtemp(prefix="hadron-aclic-")
    ROOT.gSystem.SetBuildDir(build, True)
    if ROOT.gSystem.CompileMacro(os.path.join(HERE, "delphes_classes.h"), "kO") != 1:
        raise SystemExit("ACLiC could not compile delphes_classes.h")
    declare(
        r"""
#include "TClonesArray.h"
#include "TTree.h"
namespace hadron_fixture {
void fill_delphes(TTree *t, int events, uint64_t seed) {
    auto *electrons = new TClonesArray("Electron");
    auto *jets = new TClonesArray("Jet");
    auto *met = new TClonesArray("MissingET");
    t->Branch("Electron", &electrons, 32000, 99);
    t->Branch("Jet", &jets, 32000, 99);
    t->Branch("MissingET", &met, 32000, 99);
    Int_t n_electrons = 0, n_jets = 0, n_met = 0;
    t->Branch("Electron_size", &n_electrons, "Electron_size/I");
    t->Branch("Jet_size", &n_jets, "Jet_size/I");
    t->Branch("MissingET_size", &n_met, "MissingET_size/I");
    Rng r(seed);
    for (int e = 0; e < events; ++e) {
        electrons->Clear(); jets->Clear(); met->Clear();
        for (int k = 0, n = (int)r.below(4); k < n; ++k) {
            auto *el = static_cast<Electron *>(electrons->New(k));
            el->PT = (Float_t)(5 + r.expo(20)); el->Eta = (Float_t)r.grid(-2.5, 2.5);
            el->Phi = (Float_t)r.grid(-3.14, 3.14); el->Charge = r.below(2) ? 1 : -1;
        }
        for (int k = 0, n = (int)r.below(8); k < n; ++k) {
            auto *j = static_cast<Jet *>(jets->New(k));
            j->PT = (Float_t)(20 + r.expo(40)); j->Eta = (Float_t)r.grid(-4.7, 4.7);
            j->Phi = (Float_t)r.grid(-3.14, 3.14); j->Mass = (Float_t)r.grid(0, 30); j->BTag = r.below(5) == 0;
        }
        auto *m = static_cast<MissingET *>(met->New(0));
        m->MET = (Float_t)r.expo(30); m->Phi = (Float_t)r.grid(-3.14, 3.14);
        n_electrons = electrons->GetEntriesFast(); n_jets = jets->GetEntriesFast(); n_met = met->GetEntriesFast();
        t->Fill();
    }
}
}
"""
    )
    path = out_path("delphes_like.root")
    f = ROOT.TFile(path, "RECREATE", "", 104)
    t = ROOT.TTree("Delphes", "Delphes-like TClonesArray branches")
    ROOT.hadron_fixture.fill_delphes(t, EVENTS, 2024)
    t.Write()
    f.Close()
    print(path)


if __name__ == "__main__":
    main()
