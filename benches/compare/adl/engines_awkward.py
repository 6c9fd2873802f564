"""The 8 ADL benchmark queries in uproot + awkward (hand-written four-vector formulas, float64).

Each function takes the file path and returns {histogram name: float64 numpy array of values};
the driver bins them with the same formula as the other engines. Reading (uproot, only the
branches the query needs, a fresh open) is part of the timed work, as it is for RDataFrame and
hadron.  The `vector` package is not in the peers venv, so the formulas are the ones Hadron's
functions use (E = sqrt((pT cosh eta)^2 + m^2), px = pT cos phi, py = pT sin phi, pz = pT sinh eta).
"""

from concurrent.futures import ThreadPoolExecutor

import awkward as ak
import numpy as np
import uproot

TREE = "Events"
EXECUTOR = None  # set by configure(threads)


def configure(threads):
    """Decompress and interpret baskets on `threads` threads (the array work itself is numpy's)."""
    global EXECUTOR
    EXECUTOR = ThreadPoolExecutor(threads) if threads > 1 else None


def read(path, branches):
    with uproot.open(path, array_cache=None, object_cache=None) as f:
        kw = {"decompression_executor": EXECUTOR, "interpretation_executor": EXECUTOR} if EXECUTOR else {}
        return f[TREE].arrays(branches, library="ak", array_cache=None, **kw)


def f64(x):
    return ak.values_astype(x, np.float64)


def flat(x):
    return ak.to_numpy(ak.flatten(x, axis=None)).astype(np.float64)


def objects(a, name, fields=("pt", "eta", "phi", "mass")):
    return ak.zip({f: f64(a[f"{name}_{f}"]) for f in fields})


def four(o):
    """Cartesian components (E, px, py, pz) of objects with pt, eta, phi, mass."""
    p = o.pt * np.cosh(o.eta)
    return np.sqrt(p * p + o.mass * o.mass), o.pt * np.cos(o.phi), o.pt * np.sin(o.phi), o.pt * np.sinh(o.eta)


def mass_of(e, px, py, pz):
    return np.sqrt(np.maximum(e * e - px * px - py * py - pz * pz, 0.0))


def pair_mass(a, b):
    ea, xa, ya, za = four(a)
    eb, xb, yb, zb = four(b)
    return mass_of(ea + eb, xa + xb, ya + yb, za + zb)


def delta_phi(a, b):
    d = a - b
    return d - 2 * np.pi * np.floor((d + np.pi) / (2 * np.pi))


def q1(path):
    return {"met": flat(read(path, ["MET_pt"]).MET_pt)}


def q2(path):
    return {"jet_pt": flat(read(path, ["Jet_pt"]).Jet_pt)}


def q3(path):
    a = read(path, ["Jet_pt", "Jet_eta"])
    return {"jet_pt": flat(a.Jet_pt[abs(a.Jet_eta) < 1])}


def q4(path):
    a = read(path, ["MET_pt", "Jet_pt"])
    return {"met": flat(a.MET_pt[ak.sum(a.Jet_pt > 40, axis=1) >= 2])}


def q5(path):
    a = read(path, ["MET_pt", "Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass", "Muon_charge"])
    mu = objects(a, "Muon")
    mu["charge"] = a.Muon_charge
    pairs = ak.combinations(mu, 2, fields=["a", "b"])
    m = pair_mass(pairs.a, pairs.b)
    good = (pairs.a.charge != pairs.b.charge) & (m >= 60) & (m <= 120)
    return {"met": flat(a.MET_pt[ak.any(good, axis=1)])}


def q6(path):
    a = read(path, ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "Jet_btag"])
    jets = objects(a, "Jet")
    e, px, py, pz = four(jets)  # Cartesian once per jet
    jets = ak.zip({"e": e, "px": px, "py": py, "pz": pz, "btag": a.Jet_btag})
    jets = jets[ak.num(jets) >= 3]
    t = ak.combinations(jets, 3, fields=["a", "b", "c"])
    px, py = t.a.px + t.b.px + t.c.px, t.a.py + t.b.py + t.c.py
    m = mass_of(t.a.e + t.b.e + t.c.e, px, py, t.a.pz + t.b.pz + t.c.pz)
    best = ak.argmin(abs(m - 172.5), axis=1, keepdims=True)
    pt = np.sqrt(px * px + py * py)[best]
    btag = np.maximum(np.maximum(t.a.btag, t.b.btag), t.c.btag)[best]
    return {"trijet_pt": flat(pt), "trijet_btag": flat(btag)}


def q7(path):
    names = ["Jet_pt", "Jet_eta", "Jet_phi"]
    for lep in ("Electron", "Muon"):
        names += [f"{lep}_pt", f"{lep}_eta", f"{lep}_phi"]
    a = read(path, names)
    jets = objects(a, "Jet", ("pt", "eta", "phi"))
    leps = ak.concatenate([objects(a, "Electron", ("pt", "eta", "phi")), objects(a, "Muon", ("pt", "eta", "phi"))], axis=1)
    jets = jets[jets.pt > 30]
    leps = leps[leps.pt > 10]
    pairs = ak.cartesian([jets, leps], nested=True)
    j, l = ak.unzip(pairs)
    dr = np.sqrt((j.eta - l.eta) ** 2 + delta_phi(j.phi, l.phi) ** 2)
    isolated = ak.all(dr >= 0.4, axis=2)
    return {"sum_pt": ak.to_numpy(ak.sum(jets.pt[isolated], axis=1)).astype(np.float64)}


def q8(path):
    names = ["MET_pt", "MET_phi"]
    for lep in ("Electron", "Muon"):
        names += [f"{lep}_{f}" for f in ("pt", "eta", "phi", "mass", "charge")]
    a = read(path, names)
    keep = (ak.num(a.Electron_pt) + ak.num(a.Muon_pt)) >= 3
    a = a[keep]
    parts = []
    for flavour, lep in ((11, "Electron"), (13, "Muon")):
        o = objects(a, lep)
        o["charge"] = a[f"{lep}_charge"]
        o["flavour"] = ak.full_like(a[f"{lep}_charge"], flavour)
        parts.append(o)
    leps = ak.concatenate(parts, axis=1)
    ia, ib = ak.unzip(ak.argcombinations(leps, 2))
    la, lb = leps[ia], leps[ib]
    sfos = (la.flavour == lb.flavour) & (la.charge != lb.charge)
    dist = ak.where(sfos, abs(pair_mass(la, lb) - 91.2), np.inf)
    has = ak.any(sfos, axis=1)
    a, leps, ia, ib, dist = a[has], leps[has], ia[has], ib[has], dist[has]
    best = ak.argmin(dist, axis=1, keepdims=True)
    pa, pb = ak.firsts(ia[best]), ak.firsts(ib[best])
    index = ak.local_index(leps.pt, axis=1)
    others = leps[(index != pa) & (index != pb)]
    lead = ak.firsts(others[ak.argmax(others.pt, axis=1, keepdims=True)])
    met, met_phi = f64(a.MET_pt), f64(a.MET_phi)
    mt = np.sqrt(2 * lead.pt * met * (1 - np.cos(lead.phi - met_phi)))
    return {"mt": ak.to_numpy(mt).astype(np.float64)}


QUERIES = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7, "q8": q8}
