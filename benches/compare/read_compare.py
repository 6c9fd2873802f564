"""Side-by-side read throughput: hadron vs uproot vs ROOT RDataFrame on the same TTree files.

Run with the peers venv (uproot, awkward, ROOT 6.40 from the pip `root` wheel):

    cargo build --release -p hadron-root --example read_throughput
    cargo build --release -p hadron-cli
    /root/.cache/hadron/venv/bin/python benches/compare/read_compare.py

Inputs (generated once, cached in $HOME/.cache/hadron/bench/): tree `Events`, EVENTS entries,
written by ROOT's own TTree::Fill from C++ (cling) with a fixed-seed xorshift generator, with ROOT's
implicit multithreading compressing the baskets. NanoAOD-like layout:
  flat (10):   event/L, run/I, luminosityBlock/I, PV_npvs/I, MET_pt/F, MET_phi/F, MET_sumEt/F,
               fixedGridRho/F, HT/F, genWeight/D
  jagged (9):  nMuon/I + Muon_pt, Muon_eta, Muon_phi [nMuon]/F;
               nJet/I + Jet_pt, Jet_eta, Jet_phi, Jet_mass [nJet]/F
in three compressions: zlib-1 (ROOT setting 101, the legacy default), lz4-4 (404), zstd-5 (505).
(RDataFrame Snapshot would write Define'd RVec columns as std::vector branches, not `x[n]/F`
counter-jagged leaves, so the files are filled with TTree::Fill.)

For each file and the same branches (all 19) it measures, each in a fresh process:
  hadron   `read_throughput` (TreeReader → Arrow batches) at RAYON_NUM_THREADS=1 and 2, best of N;
  floor    `read_throughput --decompress-only` (read + decompress every basket, no Arrow) at 1 and 2;
  uproot   `tree.arrays(library="ak")` with the array cache off, fresh open, best of N;
  RDF      ROOT RDataFrame with ROOT.DisableImplicitMT(): one Sum per column booked together, run once
           (timed from construction to the first result, so it includes RDataFrame's JIT);
and the peak RSS of `hadron convert FILE --tree Events --to X.parquet` (/usr/bin/time -v).
All files are read from the page cache (they were just written, and each tool reads each file more
than once); the numbers measure CPU, not disk.

Usage: read_compare.py [--events N] [--repeat N] [--skip-convert] [--generate-only] [--json OUT]
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_DIR = os.path.dirname(os.path.dirname(HERE))
TARGET = os.environ.get("CARGO_TARGET_DIR", "/root/.cache/hadron/target")
READ_THROUGHPUT = os.path.join(TARGET, "release", "examples", "read_throughput")
HADRON = os.path.join(TARGET, "release", "hadron")
CACHE = os.path.join(os.environ.get("HOME", "/root"), ".cache", "hadron", "bench")
TREE = "Events"
EVENTS = 6_000_000
SEED = 20240611
COMPRESSIONS = [("zlib-1", 101), ("lz4-4", 404), ("zstd-5", 505)]
FLAT = [
    "event",
    "run",
    "luminosityBlock",
    "PV_npvs",
    "MET_pt",
    "MET_phi",
    "MET_sumEt",
    "fixedGridRho",
    "HT",
    "genWeight",
]
JAGGED = ["nMuon", "Muon_pt", "Muon_eta", "Muon_phi", "nJet", "Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass"]
BRANCHES = FLAT + JAGGED

FILL_CODE = r"""
#include <cmath>
#include <cstdint>
#include "TFile.h"
#include "TTree.h"
namespace hadron_bench {
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 1) {}
    uint64_t next() { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
    uint64_t below(uint64_t n) { return next() % n; }
    // uniform in [lo, hi) on a 1/16 grid (exact in float, compresses like truncated-mantissa NanoAOD)
    float grid(double lo, double hi) {
        return (float)(lo + std::floor((hi - lo) * 16.0 * (next() % 1000003) / 1000003.0) / 16.0);
    }
    float expo(double mean) {
        return (float)(std::floor(-mean * std::log(1.0 - (next() % 1000003) / 1000004.0) * 16.0) / 16.0);
    }
};

Long64_t write_events(const char *path, Long64_t events, int compress, uint64_t seed) {
    TFile f(path, "RECREATE", "", compress);
    TTree t("Events", "NanoAOD-like benchmark tree");
    Long64_t event; Int_t run, lumi, npvs, nMuon, nJet; Double_t genWeight;
    Float_t met, metphi, sumet, rho, ht;
    static Float_t mu_pt[8], mu_eta[8], mu_phi[8], jet_pt[16], jet_eta[16], jet_phi[16], jet_mass[16];
    t.Branch("event", &event, "event/L");
    t.Branch("run", &run, "run/I");
    t.Branch("luminosityBlock", &lumi, "luminosityBlock/I");
    t.Branch("PV_npvs", &npvs, "PV_npvs/I");
    t.Branch("MET_pt", &met, "MET_pt/F");
    t.Branch("MET_phi", &metphi, "MET_phi/F");
    t.Branch("MET_sumEt", &sumet, "MET_sumEt/F");
    t.Branch("fixedGridRho", &rho, "fixedGridRho/F");
    t.Branch("HT", &ht, "HT/F");
    t.Branch("genWeight", &genWeight, "genWeight/D");
    t.Branch("nMuon", &nMuon, "nMuon/I");
    t.Branch("Muon_pt", mu_pt, "Muon_pt[nMuon]/F");
    t.Branch("Muon_eta", mu_eta, "Muon_eta[nMuon]/F");
    t.Branch("Muon_phi", mu_phi, "Muon_phi[nMuon]/F");
    t.Branch("nJet", &nJet, "nJet/I");
    t.Branch("Jet_pt", jet_pt, "Jet_pt[nJet]/F");
    t.Branch("Jet_eta", jet_eta, "Jet_eta[nJet]/F");
    t.Branch("Jet_phi", jet_phi, "Jet_phi[nJet]/F");
    t.Branch("Jet_mass", jet_mass, "Jet_mass[nJet]/F");
    Rng r(seed);
    for (event = 0; event < events; ++event) {
        run = 1 + (Int_t)(event / 2000000); lumi = 1 + (Int_t)(event / 1000); npvs = (Int_t)r.below(60);
        met = r.expo(30); metphi = r.grid(-3.14, 3.14); sumet = 200 + r.expo(300);
        rho = r.grid(0, 40); genWeight = r.below(10) == 0 ? -1.0 : 1.0;
        nMuon = (Int_t)r.below(5);
        for (Int_t k = 0; k < nMuon; ++k) {
            mu_pt[k] = 3 + r.expo(15); mu_eta[k] = r.grid(-2.4, 2.4); mu_phi[k] = r.grid(-3.14, 3.14);
        }
        nJet = (Int_t)r.below(13);
        ht = 0;
        for (Int_t k = 0; k < nJet; ++k) {
            jet_pt[k] = 15 + r.expo(40); jet_eta[k] = r.grid(-4.7, 4.7); jet_phi[k] = r.grid(-3.14, 3.14);
            jet_mass[k] = r.grid(0, 40); ht += jet_pt[k];
        }
        t.Fill();
    }
    t.Write();
    Long64_t tot = t.GetTotBytes();
    f.Close();
    return tot;
}
}
"""


def quiet_root():
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*alpha stage")
    import ROOT

    ROOT.gROOT.SetBatch(True)
    ROOT.gErrorIgnoreLevel = ROOT.kWarning
    return ROOT


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---- workers (each run in a fresh process) ----


def worker_generate(path, events, compress):
    ROOT = quiet_root()
    ROOT.EnableImplicitMT(2)  # TTree::Fill compresses baskets of different branches in parallel
    if not ROOT.gInterpreter.Declare(FILL_CODE):
        sys.exit("cling could not compile the generator")
    tmp = path + ".tmp"
    t = time.perf_counter()
    tot = ROOT.hadron_bench.write_events(tmp, events, compress, SEED)
    os.replace(tmp, path)
    print(json.dumps({"tot_bytes": int(tot), "seconds": time.perf_counter() - t, "size": os.path.getsize(path)}))


def worker_uproot(path, branches):
    import uproot

    t, c = time.perf_counter(), time.process_time()
    with uproot.open(path, array_cache=None, object_cache=None) as f:
        arrays = f[TREE].arrays(branches, library="ak", array_cache=None)
        n = len(arrays)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    print(json.dumps({"events": n, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb()}))


def worker_rdf(path, branches):
    ROOT = quiet_root()
    import cppyy

    ROOT.gErrorIgnoreLevel = ROOT.kInfo  # let RDataFrame's Info log lines through
    # RDataFrame logs its JIT time and the event loop's CPU and wall time (parsed by the driver).
    verbosity = ROOT.RLogScopedVerbosity(ROOT.Detail.RDF.RDFLogChannel(), cppyy.gbl.ROOT.ELogLevel.kInfo)
    t, c = time.perf_counter(), time.process_time()
    df = ROOT.RDataFrame(TREE, path)
    count = df.Count()
    sums = [df.Sum(b) for b in branches]
    n = count.GetValue()  # runs the event loop once for every booked result
    for s in sums:
        s.GetValue()
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    del verbosity
    out = {"events": int(n), "total_seconds": seconds, "total_cpu_seconds": cpu, "runs": df.GetNRuns()}
    print(json.dumps(dict(out, peak_rss_mb=peak_rss_mb())))


# ---- driver ----


def run_json(cmd, env=None):
    """Runs a worker; returns its last stdout line as JSON, with its stderr as `stderr`."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = p.communicate()
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err[-4000:]}")
    r = json.loads(out.strip().splitlines()[-1])
    r["stderr"] = err
    return r


def run_timed(cmd, env=None):
    """Like run_json for a native program: CPU seconds and peak RSS of the child from wait4."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err[-4000:]}")
    r = json.loads(out.strip().splitlines()[-1])
    r["cpu_seconds"] = ru.ru_utime + ru.ru_stime
    r["peak_rss_mb"] = ru.ru_maxrss / 1024.0
    return r


def best_of(n, run, cmd, env=None):
    runs = [run(cmd, env) for _ in range(n)]
    best = min(runs, key=lambda r: r["seconds"])
    best["all_seconds"] = [round(r["seconds"], 3) for r in runs]
    best["all_cpu_seconds"] = [round(r["cpu_seconds"], 3) for r in runs]
    best.pop("stderr", None)
    return best


RDF_LOOP = re.compile(r"Finished event loop number \d+ \(([\d.e+-]+)s CPU, ([\d.e+-]+)s elapsed\)")
RDF_JIT = re.compile(r"Just-in-time compilation phase completed in ([\d.e+-]+) seconds")


def rdf(path):
    r = run_json([sys.executable, __file__, "--worker", "rdf", path, ",".join(BRANCHES)])
    loop = RDF_LOOP.search(r["stderr"])
    if not loop:
        sys.exit(f"no RDataFrame event-loop log line in:\n{r['stderr'][-2000:]}")
    r["cpu_seconds"], r["seconds"] = float(loop.group(1)), float(loop.group(2))
    jit = RDF_JIT.search(r["stderr"])
    r["jit_seconds"] = float(jit.group(1)) if jit else None
    r.pop("stderr")
    return r


def hadron(path, threads, floor=False, repeat=2):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    cmd = [READ_THROUGHPUT, path, "--tree", TREE, "--branches", ",".join(BRANCHES)]
    if floor:
        cmd.append("--decompress-only")
    return best_of(repeat, run_timed, cmd, env)


def convert_rss(path):
    out = os.path.join("/tmp", f"hadron-bench-{os.getpid()}.parquet")
    t = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-v", HADRON, "convert", path, "--tree", TREE, "--to", out],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"hadron convert failed:\n{p.stderr[-4000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    size = os.path.getsize(out)
    os.remove(out)
    return {"peak_rss_mb": int(m.group(1)) / 1024.0 if m else None, "seconds": seconds, "parquet_bytes": size}


def generate(events):
    os.makedirs(CACHE, exist_ok=True)
    files = {}
    for name, setting in COMPRESSIONS:
        path = os.path.join(CACHE, f"nanoaod_{events}_{name}.root")
        if not os.path.exists(path):
            t = time.perf_counter()
            info = run_json([sys.executable, __file__, "--worker", "generate", path, str(events), str(setting)])
            print(
                f"generated {path}: {info['size'] / 1e6:.0f} MB on disk, fTotBytes {info['tot_bytes'] / 1e6:.0f} MB, "
                f"{time.perf_counter() - t:.0f} s",
                flush=True,
            )
        files[name] = path
    return files


LABELS = [
    ("hadron1", "hadron 1 thread"),
    ("hadron2", "hadron 2 threads"),
    ("floor1", "floor (decompress only) 1 thread"),
    ("floor2", "floor (decompress only) 2 threads"),
    ("uproot", "uproot arrays(ak)"),
    ("rdf", "RDataFrame 1 thread (event loop)"),
]


def report(args, results, convert, total):
    print()
    print(f"{args.events} events, {len(BRANCHES)} branches ({len(FLAT)} flat, {len(JAGGED)} jagged incl. counters)")
    print(f"MB/s = uncompressed basket payload (as counted by hadron) / wall seconds; hadron, uproot: best of {args.repeat}")
    print()
    print("| file | tool | wall s | CPU s | Mevents/s | MB/s | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ub = r["floor1"]["uncompressed_bytes"]
        for k, label in LABELS:
            s, cpu, rss = r[k]["seconds"], r[k]["cpu_seconds"], r[k].get("peak_rss_mb")
            print(
                f"| {name} | {label} | {s:.2f} | {cpu:.2f} | {args.events / s / 1e6:.2f} | {ub / s / 1e6:.0f} | "
                f"{'' if rss is None else f'{rss:.0f}'} |"
            )
    print()
    print("| file | uncompressed MB | compressed MB | baskets | RDF JIT s | RDF total s | load before → after |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        f1, d = r["floor1"], r["rdf"]
        jit = "" if d["jit_seconds"] is None else f"{d['jit_seconds']:.1f}"
        print(
            f"| {name} | {f1['uncompressed_bytes'] / 1e6:.0f} | {f1['compressed_bytes'] / 1e6:.0f} | {f1['baskets']} | "
            f"{jit} | {d['total_seconds']:.1f} | {r['load_before']} → {r['load_after']} |"
        )
    print()
    print("Ratios from wall time (CPU time in parentheses, less sensitive to other load on the machine):")
    print()
    print("| file | hadron/uproot 1t | hadron/RDF 1t | hadron vs floor 1t | hadron vs floor 2t | hadron 2t/1t | floor 2t/1t |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        h1, h2, f1, f2, up, rd = (r[k] for k in ["hadron1", "hadron2", "floor1", "floor2", "uproot", "rdf"])

        def both(x, y, pct=False):
            w, c = x["seconds"] / y["seconds"], x["cpu_seconds"] / y["cpu_seconds"]
            return f"{100 * w:.0f}% ({100 * c:.0f}%)" if pct else f"{w:.2f}× ({c:.2f}×)"

        print(
            f"| {name} | {both(up, h1)} | {both(rd, h1)} | {both(f1, h1, True)} | {both(f2, h2, True)} | "
            f"{h1['seconds'] / h2['seconds']:.2f}× | {f1['seconds'] / f2['seconds']:.2f}× |"
        )
    if convert:
        print()
        print(
            f"hadron convert zlib-1 → Parquet (zstd): peak RSS {convert['peak_rss_mb']:.0f} MB, "
            f"{convert['seconds']:.1f} s, {convert['parquet_bytes'] / 1e6:.0f} MB written (load after {convert['load_after']})"
        )
    print(f"total {total:.0f} s (including generation when not cached)")


def load():
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "generate":
            return worker_generate(rest[0], int(rest[1]), int(rest[2]))
        if kind == "uproot":
            return worker_uproot(rest[0], rest[1].split(","))
        if kind == "rdf":
            return worker_rdf(rest[0], rest[1].split(","))
        sys.exit(f"unknown worker {kind}")

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=EVENTS)
    ap.add_argument("--repeat", type=int, default=2, help="best of N for hadron and uproot")
    ap.add_argument("--skip-convert", action="store_true")
    ap.add_argument("--generate-only", action="store_true", help="write the cached inputs and stop")
    ap.add_argument("--json", help="write all raw results here")
    args = ap.parse_args()
    if args.generate_only:
        generate(args.events)
        return
    for exe in [READ_THROUGHPUT] + ([] if args.skip_convert else [HADRON]):
        if not os.path.exists(exe):
            sys.exit(f"{exe} missing: build it with cargo build --release (see the docstring)")

    t0 = time.perf_counter()
    files = generate(args.events)
    results = {}
    for name, path in files.items():
        r = {"load_before": load()}
        print(f"[{name}] load {r['load_before']}", flush=True)
        r["floor1"] = hadron(path, 1, floor=True, repeat=args.repeat)
        r["floor2"] = hadron(path, 2, floor=True, repeat=args.repeat)
        r["hadron1"] = hadron(path, 1, repeat=args.repeat)
        r["hadron2"] = hadron(path, 2, repeat=args.repeat)
        print(f"[{name}] hadron done, load {load()}", flush=True)
        up = [sys.executable, __file__, "--worker", "uproot", path, ",".join(BRANCHES)]
        r["uproot"] = best_of(args.repeat, run_json, up)
        print(f"[{name}] uproot done, load {load()}", flush=True)
        r["rdf"] = rdf(path)
        r["load_after"] = load()
        for k in ["hadron1", "hadron2", "floor1", "floor2", "uproot", "rdf"]:
            if r[k]["events"] != args.events:
                sys.exit(f"[{name}] {k} read {r[k]['events']} events, expected {args.events}")
        print(f"[{name}] done, load {r['load_after']}", flush=True)
        results[name] = r
    convert = None
    if not args.skip_convert:
        convert = convert_rss(files["zlib-1"])
        convert["load_after"] = load()
    total = time.perf_counter() - t0

    report(args, results, convert, total)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"events": args.events, "results": results, "convert": convert, "total_seconds": total}, f, indent=1)


if __name__ == "__main__":
    main()
