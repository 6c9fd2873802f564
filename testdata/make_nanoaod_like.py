"""testdata/nanoaod_like.root: a NanoAOD-style tree `Events` written by RDataFrame Snapshot.

10000 events, values from a fixed-seed generator. The collections are generated in C++ into an
in-memory TTree with NanoAOD's counter-jagged layout (`nMuon/i`, `Muon_pt[nMuon]/F`, ...), then an
RDataFrame over that tree defines the event-level columns and Snapshots everything to the file
(Snapshot keeps the C-array-with-counter layout of its input columns, as NanoAOD files have):
  `run`, `luminosityBlock` (UInt_t), `event` (ULong64_t), `nMuon` + `Muon_pt/eta/phi/mass` (F),
  `Muon_charge` (I), `Muon_isGlobal` (O), `nJet` + `Jet_pt/eta/phi/mass/btag` (F), `Jet_jetId` (I),
  flat `MET_pt`, `MET_phi` (F), `HLT_IsoMu24` (O). LZMA-9 like CMS NanoAOD.

Usage: python make_nanoaod_like.py
"""

from fixture_common import ROOT, declare, out_path

EVENTS = 10_000

declare(
    r"""
#include "TTree.h"
namespace hadron_fixture {
inline float sixteenth(double x) { return (float)(std::floor(x * 16.0) / 16.0); }

TTree *nanoaod_collections(int events, uint64_t seed) {
    auto *t = new TTree("collections", "generated NanoAOD-style collections");
    t->SetDirectory(nullptr);
    UInt_t nMuon, nJet;
    Float_t Muon_pt[8], Muon_eta[8], Muon_phi[8], Muon_mass[8];
    Int_t Muon_charge[8]; Bool_t Muon_isGlobal[8];
    Float_t Jet_pt[16], Jet_eta[16], Jet_phi[16], Jet_mass[16], Jet_btag[16]; Int_t Jet_jetId[16];
    t->Branch("nMuon", &nMuon, "nMuon/i");
    t->Branch("Muon_pt", Muon_pt, "Muon_pt[nMuon]/F");
    t->Branch("Muon_eta", Muon_eta, "Muon_eta[nMuon]/F");
    t->Branch("Muon_phi", Muon_phi, "Muon_phi[nMuon]/F");
    t->Branch("Muon_mass", Muon_mass, "Muon_mass[nMuon]/F");
    t->Branch("Muon_charge", Muon_charge, "Muon_charge[nMuon]/I");
    t->Branch("Muon_isGlobal", Muon_isGlobal, "Muon_isGlobal[nMuon]/O");
    t->Branch("nJet", &nJet, "nJet/i");
    t->Branch("Jet_pt", Jet_pt, "Jet_pt[nJet]/F");
    t->Branch("Jet_eta", Jet_eta, "Jet_eta[nJet]/F");
    t->Branch("Jet_phi", Jet_phi, "Jet_phi[nJet]/F");
    t->Branch("Jet_mass", Jet_mass, "Jet_mass[nJet]/F");
    t->Branch("Jet_btag", Jet_btag, "Jet_btag[nJet]/F");
    t->Branch("Jet_jetId", Jet_jetId, "Jet_jetId[nJet]/I");
    Rng r(seed);
    for (int e = 0; e < events; ++e) {
        nMuon = (UInt_t)r.below(5);
        for (UInt_t k = 0; k < nMuon; ++k) {
            Muon_pt[k] = sixteenth(3 + r.expo(15)); Muon_eta[k] = (float)r.grid(-2.4, 2.4);
            Muon_phi[k] = (float)r.grid(-3.14, 3.14); Muon_mass[k] = 0.10566f;
            Muon_charge[k] = r.below(2) ? 1 : -1; Muon_isGlobal[k] = r.below(4) != 0;
        }
        nJet = (UInt_t)r.below(10);
        for (UInt_t k = 0; k < nJet; ++k) {
            Jet_pt[k] = sixteenth(15 + r.expo(40)); Jet_eta[k] = (float)r.grid(-4.7, 4.7);
            Jet_phi[k] = (float)r.grid(-3.14, 3.14); Jet_mass[k] = (float)r.grid(0, 40);
            Jet_btag[k] = (float)r.grid(0, 1); Jet_jetId[k] = (Int_t)r.below(8);
        }
        t->Fill();
    }
    t->ResetBranchAddresses(); // the buffers above die with this frame
    return t;
}
}
"""
)


def main():
    collections = ROOT.hadron_fixture.nanoaod_collections(EVENTS, 1909)
    ROOT.SetOwnership(collections, True)
    ns = "hadron_fixture::"
    df = (
        ROOT.RDataFrame(collections)
        .Define("run", "(UInt_t)1")
        .Define("luminosityBlock", "(UInt_t)(1 + rdfentry_ / 1000)")
        .Define("event", "(ULong64_t)(rdfentry_ * 3 + 1000000000000ULL)")
        .Define("MET_pt", f"{ns}sixteenth({ns}Rng(rdfentry_ + 1).expo(30))")
        .Define("MET_phi", f"(Float_t){ns}Rng(rdfentry_ + 2).grid(-3.14, 3.14)")
        .Define("HLT_IsoMu24", f"{ns}Rng(rdfentry_ + 3).below(3) == 0")
    )
    columns = ["run", "luminosityBlock", "event", "nMuon"]
    columns += [f"Muon_{m}" for m in ("pt", "eta", "phi", "mass", "charge", "isGlobal")]
    columns += ["nJet"] + [f"Jet_{m}" for m in ("pt", "eta", "phi", "mass", "btag", "jetId")]
    columns += ["MET_pt", "MET_phi", "HLT_IsoMu24"]
    path = out_path("nanoaod_like.root")
    opts = ROOT.RDF.RSnapshotOptions()
    opts.fCompressionAlgorithm = ROOT.RCompressionSetting.EAlgorithm.kLZMA
    opts.fCompressionLevel = 9
    df.Snapshot("Events", path, columns, opts)
    print(path)


if __name__ == "__main__":
    main()
