"""Writes a seeded CMS-NanoAOD-like `Events` tree for the ADL benchmark queries.

    make_input.py [N] [OUT.root]      (defaults: 1000000, ~/.cache/hadron/adl/adl-<N>.root)

The file is filled by ROOT's own TTree::Fill from C++ (cling), so the jagged branches are
counter-jagged leaves exactly as in NanoAOD (`Jet_pt[nJet]/F`, counters `nJet/i`), with ROOT's
default basket sizes and auto-flush clusters, compressed with ZSTD level 5 (ROOT setting 505).

Branches (NanoAOD names and leaf types):
  run/i, luminosityBlock/i, event/l, MET_pt/F, MET_phi/F,
  nJet/i      Jet_pt, Jet_eta, Jet_phi, Jet_mass, Jet_btag [nJet]/F          (0..10 jets, pT-ordered)
  nMuon/i     Muon_pt, Muon_eta, Muon_phi, Muon_mass [nMuon]/F, Muon_charge[nMuon]/I        (0..4)
  nElectron/i Electron_pt, Electron_eta, Electron_phi, Electron_mass [..]/F, Electron_charge/I (0..4)

Physics-ish content, so that every query selects something: jets with an exponential pT spectrum
above 15 GeV; 12% of events carry a Z -> mu mu or Z -> e e pair (Breit-Wigner mass around 91.19
GeV, opposite charges) on top of random leptons; lepton pT above 5 GeV; MET exponential.
The random stream is a fixed-seed xorshift64, so the same N always gives the same file.
"""

import os
import sys
import time

SEED = 20261207
COMPRESSION = 505  # ZSTD level 5

FILL_CODE = r"""
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include "TFile.h"
#include "TTree.h"
namespace hadron_adl {
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 1) {}
    uint64_t next() { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
    double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
    double range(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double expo(double mean) { return -mean * std::log(1.0 - uniform()); }
    int below(int n) { return (int)(next() % (uint64_t)n); }
    // Poisson by inversion (small means)
    int poisson(double mean) {
        double l = std::exp(-mean), p = 1.0; int k = 0;
        do { ++k; p *= uniform(); } while (p > l);
        return k - 1;
    }
};

struct Collection {
    static const int MAX = 16;
    UInt_t n = 0;
    Float_t pt[MAX], eta[MAX], phi[MAX], mass[MAX], extra[MAX];
    Int_t charge[MAX];
    void add(double p, double e, double f, double m, int q, double x) {
        if (n >= (UInt_t)MAX) return;
        pt[n] = (Float_t)p; eta[n] = (Float_t)e; phi[n] = (Float_t)f; mass[n] = (Float_t)m;
        charge[n] = q; extra[n] = (Float_t)x; ++n;
    }
    // NanoAOD collections are pT-ordered.
    void sort() {
        int idx[MAX]; std::iota(idx, idx + n, 0);
        std::sort(idx, idx + n, [&](int a, int b) { return pt[a] > pt[b]; });
        Float_t a[MAX], b[MAX], c[MAX], d[MAX], e[MAX]; Int_t g[MAX];
        for (UInt_t k = 0; k < n; ++k) {
            a[k] = pt[idx[k]]; b[k] = eta[idx[k]]; c[k] = phi[idx[k]]; d[k] = mass[idx[k]];
            e[k] = extra[idx[k]]; g[k] = charge[idx[k]];
        }
        std::copy(a, a + n, pt); std::copy(b, b + n, eta); std::copy(c, c + n, phi);
        std::copy(d, d + n, mass); std::copy(e, e + n, extra); std::copy(g, g + n, charge);
    }
    void branches(TTree &t, const char *name, const char *extra_name) {
        std::string c = std::string("n") + name, p = std::string(name) + "_";
        t.Branch(c.c_str(), &n, (c + "/i").c_str());
        t.Branch((p + "pt").c_str(), pt, (p + "pt[" + c + "]/F").c_str());
        t.Branch((p + "eta").c_str(), eta, (p + "eta[" + c + "]/F").c_str());
        t.Branch((p + "phi").c_str(), phi, (p + "phi[" + c + "]/F").c_str());
        t.Branch((p + "mass").c_str(), mass, (p + "mass[" + c + "]/F").c_str());
        if (extra_name)
            t.Branch((p + extra_name).c_str(), extra, (p + extra_name + "[" + c + "]/F").c_str());
        else
            t.Branch((p + "charge").c_str(), charge, (p + "charge[" + c + "]/I").c_str());
    }
};

// A pair of massless-ish leptons with invariant mass m: pick the first, the second's direction,
// and solve m^2 = 2 pT1 pT2 (cosh(d eta) - cos(d phi)) for pT2.
bool z_pair(Rng &r, Collection &c, double lepton_mass, double m, double eta_max) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        double pt1 = 20 + r.expo(25), eta1 = r.range(-eta_max, eta_max), phi1 = r.range(-M_PI, M_PI);
        double eta2 = r.range(-eta_max, eta_max), phi2 = r.range(-M_PI, M_PI);
        double k = std::cosh(eta1 - eta2) - std::cos(phi1 - phi2);
        double pt2 = m * m / (2 * pt1 * k);
        if (pt2 < 10 || pt2 > 300) continue;
        int q = r.below(2) ? 1 : -1;
        c.add(pt1, eta1, phi1, lepton_mass, q, 0);
        c.add(pt2, eta2, phi2, lepton_mass, -q, 0);
        return true;
    }
    return false;
}

Long64_t write_events(const char *path, Long64_t events, int compress, uint64_t seed) {
    TFile f(path, "RECREATE", "", compress);
    TTree t("Events", "NanoAOD-like events for the ADL benchmark");
    UInt_t run, lumi; ULong64_t event; Float_t met, met_phi;
    Collection jet, muon, electron;
    t.Branch("run", &run, "run/i");
    t.Branch("luminosityBlock", &lumi, "luminosityBlock/i");
    t.Branch("event", &event, "event/l");
    t.Branch("MET_pt", &met, "MET_pt/F");
    t.Branch("MET_phi", &met_phi, "MET_phi/F");
    jet.branches(t, "Jet", "btag");
    muon.branches(t, "Muon", nullptr);
    electron.branches(t, "Electron", nullptr);
    Rng r(seed);
    const double MU = 0.10566, EL = 0.000511;
    for (Long64_t i = 0; i < events; ++i) {
        run = 1 + (UInt_t)(i / 1000000); lumi = 1 + (UInt_t)(i / 1000); event = 1000000000ULL + i;
        met = (Float_t)r.expo(35); met_phi = (Float_t)r.range(-M_PI, M_PI);
        jet.n = muon.n = electron.n = 0;
        int nj = std::min(r.poisson(3.5), 10);
        for (int k = 0; k < nj; ++k) {
            double pt = 15 + r.expo(35);
            double btag = r.below(5) == 0 ? r.range(0.5, 1.0) : r.range(0.0, 0.6);
            jet.add(pt, r.range(-4.7, 4.7), r.range(-M_PI, M_PI), 2 + 0.12 * pt * r.uniform(), 0, btag);
        }
        int z = r.below(100);
        if (z < 6) z_pair(r, muon, MU, 91.19 + 2.5 * std::tan(M_PI * (r.uniform() - 0.5)) / 2, 2.4);
        else if (z < 12) z_pair(r, electron, EL, 91.19 + 2.5 * std::tan(M_PI * (r.uniform() - 0.5)) / 2, 2.5);
        int nm = std::min(r.poisson(0.5), 4 - (int)muon.n);
        for (int k = 0; k < nm; ++k)
            muon.add(5 + r.expo(20), r.range(-2.4, 2.4), r.range(-M_PI, M_PI), MU, r.below(2) ? 1 : -1, 0);
        int ne = std::min(r.poisson(0.4), 4 - (int)electron.n);
        for (int k = 0; k < ne; ++k)
            electron.add(5 + r.expo(20), r.range(-2.5, 2.5), r.range(-M_PI, M_PI), EL, r.below(2) ? 1 : -1, 0);
        jet.sort(); muon.sort(); electron.sort();
        t.Fill();
    }
    t.Write();
    Long64_t tot = t.GetTotBytes();
    f.Close();
    return tot;
}
}
"""


def default_path(events):
    return os.path.join(os.path.expanduser("~"), ".cache", "hadron", "adl", f"adl-{events}.root")


def generate(events, path):
    """Writes `events` events to `path` (through a temporary name) and returns the seconds taken."""
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*alpha stage")
    import ROOT

    ROOT.gROOT.SetBatch(True)
    if not ROOT.gInterpreter.Declare(FILL_CODE):
        sys.exit("cling could not compile the generator")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    start = time.perf_counter()
    ROOT.hadron_adl.write_events(tmp, events, COMPRESSION, SEED)
    os.replace(tmp, path)
    return time.perf_counter() - start


def main():
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = sys.argv[2] if len(sys.argv) > 2 else default_path(events)
    seconds = generate(events, path)
    print(f"{path}: {events} events, {os.path.getsize(path) / 1e6:.1f} MB, {seconds:.1f} s")


if __name__ == "__main__":
    main()
