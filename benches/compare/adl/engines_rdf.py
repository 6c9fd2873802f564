"""The 8 ADL benchmark queries in ROOT RDataFrame (PyROOT, C++ strings, implicit MT).

Each function books its histograms on a fresh RDataFrame and returns {histogram name: counts}
(numpy, ROOT's underflow bin first and overflow bin last). The per-event helpers for the
combinatorial queries (Q5–Q8) are compiled once by cling (`declare()`), as in the IRIS-HEP
RDataFrame implementations; the Define/Filter strings are jitted by every RDataFrame, which is
part of its timed work. Four-vectors are ROOT::Math::PtEtaPhiMVector (double precision).
"""

import numpy as np

TREE = "Events"
ROOT = None

HELPERS = r"""
#include <cmath>
#include <limits>
#include "ROOT/RVec.hxx"
#include "Math/Vector4D.h"
namespace adl {
using ROOT::RVecF;
using ROOT::RVecI;
using V4 = ROOT::Math::PtEtaPhiMVector;

double wrap(double d) { return d - 2 * M_PI * std::floor((d + M_PI) / (2 * M_PI)); }

bool has_z_mumu(const RVecF &pt, const RVecF &eta, const RVecF &phi, const RVecF &m, const RVecI &q) {
    const auto n = pt.size();
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            if (q[i] == q[j]) continue;
            const double mass = (V4(pt[i], eta[i], phi[i], m[i]) + V4(pt[j], eta[j], phi[j], m[j])).M();
            if (mass >= 60 && mass <= 120) return true;
        }
    return false;
}

// Indices of the trijet with mass closest to 172.5 GeV (n >= 3); jets turned Cartesian once.
ROOT::RVecU best_trijet(const RVecF &pt, const RVecF &eta, const RVecF &phi, const RVecF &m) {
    const auto n = pt.size();
    ROOT::RVec<ROOT::Math::PxPyPzEVector> p(n);
    for (size_t i = 0; i < n; ++i) p[i] = ROOT::Math::PxPyPzEVector(V4(pt[i], eta[i], phi[i], m[i]));
    double best = std::numeric_limits<double>::infinity();
    ROOT::RVecU t{0, 1, 2};
    for (unsigned i = 0; i < n; ++i)
        for (unsigned j = i + 1; j < n; ++j)
            for (unsigned k = j + 1; k < n; ++k) {
                const double d = std::abs((p[i] + p[j] + p[k]).M() - 172.5);
                if (d < best) { best = d; t = {i, j, k}; }
            }
    return t;
}

double trijet_pt(const ROOT::RVecU &t, const RVecF &pt, const RVecF &eta, const RVecF &phi, const RVecF &m) {
    ROOT::Math::PxPyPzEVector v;
    for (auto i : t) v += ROOT::Math::PxPyPzEVector(V4(pt[i], eta[i], phi[i], m[i]));
    return v.Pt();
}

double sum_pt_isolated(const RVecF &jpt, const RVecF &jeta, const RVecF &jphi,
                       const RVecF &ept, const RVecF &eeta, const RVecF &ephi,
                       const RVecF &mpt, const RVecF &meta, const RVecF &mphi) {
    double sum = 0;
    for (size_t i = 0; i < jpt.size(); ++i) {
        if (!(jpt[i] > 30)) continue;
        bool isolated = true;
        auto check = [&](const RVecF &pt, const RVecF &eta, const RVecF &phi) {
            for (size_t j = 0; j < pt.size() && isolated; ++j) {
                if (!(pt[j] > 10)) continue;
                const double de = (double)jeta[i] - eta[j], dp = wrap((double)jphi[i] - phi[j]);
                if (std::sqrt(de * de + dp * dp) < 0.4) isolated = false;
            }
        };
        check(ept, eeta, ephi);
        check(mpt, meta, mphi);
        if (isolated) sum += jpt[i];
    }
    return sum;
}

// Transverse mass of MET and the leading lepton outside the SFOS pair closest to 91.2 GeV;
// negative when the event has no SFOS pair.
double mt_third_lepton(const RVecF &ept, const RVecF &eeta, const RVecF &ephi, const RVecF &em, const RVecI &eq,
                       const RVecF &mpt, const RVecF &meta, const RVecF &mphi, const RVecF &mm, const RVecI &mq,
                       float met, float met_phi) {
    using ROOT::VecOps::Concatenate;
    const auto pt = Concatenate(ept, mpt), eta = Concatenate(eeta, meta), phi = Concatenate(ephi, mphi),
               m = Concatenate(em, mm);
    const auto q = Concatenate(eq, mq);
    const size_t ne = ept.size(), n = pt.size();
    double best = std::numeric_limits<double>::infinity();
    size_t bi = n, bj = n;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            if ((i < ne) != (j < ne) || q[i] == q[j]) continue;
            const double d = std::abs((V4(pt[i], eta[i], phi[i], m[i]) + V4(pt[j], eta[j], phi[j], m[j])).M() - 91.2);
            if (d < best) { best = d; bi = i; bj = j; }
        }
    if (bi == n) return -1;
    size_t lead = n;
    for (size_t k = 0; k < n; ++k)
        if (k != bi && k != bj && (lead == n || pt[k] > pt[lead])) lead = k;
    return std::sqrt(2.0 * pt[lead] * met * (1 - std::cos((double)phi[lead] - met_phi)));
}
}
"""


def declare(threads):
    """Imports ROOT, compiles the helpers and turns on implicit MT with `threads` threads."""
    global ROOT
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*alpha stage")
    import ROOT as R

    R.gROOT.SetBatch(True)
    R.gErrorIgnoreLevel = R.kWarning
    if not R.gInterpreter.Declare(HELPERS):
        raise RuntimeError("cling could not compile the ADL helpers")
    R.EnableImplicitMT(threads)
    ROOT = R


def counts(h):
    return np.array([h.GetBinContent(i) for i in range(h.GetNbinsX() + 2)], dtype=np.int64)


def histos(df, specs):
    """Books one Histo1D per (name, column) and runs them in one event loop."""
    booked = {name: df.Histo1D((name, name, *BINS[name]), column) for name, column in specs}
    return {name: counts(h.GetValue()) for name, h in booked.items()}


def frame(path):
    return ROOT.RDataFrame(TREE, path)


def q1(path):
    return histos(frame(path), [("met", "MET_pt")])


def q2(path):
    return histos(frame(path), [("jet_pt", "Jet_pt")])


def q3(path):
    df = frame(path).Define("pt_central", "Jet_pt[abs(Jet_eta) < 1]")
    return histos(df, [("jet_pt", "pt_central")])


def q4(path):
    df = frame(path).Filter("Sum(Jet_pt > 40) >= 2")
    return histos(df, [("met", "MET_pt")])


def q5(path):
    df = frame(path).Filter("nMuon >= 2").Filter("adl::has_z_mumu(Muon_pt, Muon_eta, Muon_phi, Muon_mass, Muon_charge)")
    return histos(df, [("met", "MET_pt")])


def q6(path):
    df = (
        frame(path)
        .Filter("nJet >= 3")
        .Define("trijet", "adl::best_trijet(Jet_pt, Jet_eta, Jet_phi, Jet_mass)")
        .Define("trijet_pt", "adl::trijet_pt(trijet, Jet_pt, Jet_eta, Jet_phi, Jet_mass)")
        .Define("trijet_btag", "Max(Take(Jet_btag, trijet))")
    )
    return histos(df, [("trijet_pt", "trijet_pt"), ("trijet_btag", "trijet_btag")])


def q7(path):
    df = frame(path).Define(
        "sum_pt",
        "adl::sum_pt_isolated(Jet_pt, Jet_eta, Jet_phi, Electron_pt, Electron_eta, Electron_phi,"
        " Muon_pt, Muon_eta, Muon_phi)",
    )
    return histos(df, [("sum_pt", "sum_pt")])


def q8(path):
    df = (
        frame(path)
        .Filter("nElectron + nMuon >= 3")
        .Define(
            "mt",
            "adl::mt_third_lepton(Electron_pt, Electron_eta, Electron_phi, Electron_mass, Electron_charge,"
            " Muon_pt, Muon_eta, Muon_phi, Muon_mass, Muon_charge, MET_pt, MET_phi)",
        )
        .Filter("mt >= 0")
    )
    return histos(df, [("mt", "mt")])


QUERIES = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7, "q8": q8}
BINS = {}  # name -> (nbins, lo, hi), filled by the driver
