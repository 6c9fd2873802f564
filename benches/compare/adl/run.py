"""ADL benchmark queries Q1–Q8: hadron SQL vs ROOT RDataFrame vs uproot + awkward, same file, same threads.

    ~/.cache/hadron/venv/bin/python benches/compare/adl/run.py --events 1000000 --threads 2 \
        [--hadron $CARGO_TARGET_DIR/release/hadron] [--queries q1,q5] [--repeat 3] [--engines hadron,rdf,awkward]

Generates the input with make_input.py if it is missing (~/.cache/hadron/adl/adl-<N>.root), then
for every query and engine runs it once to warm up and `--repeat` more times, keeping the best
wall time:
  hadron   `hadron sql -f` on a script that creates table `events` (STORED AS ROOT) and runs
           queries/qN.sql; RAYON_NUM_THREADS / TOKIO_WORKER_THREADS / target_partitions = threads;
           timed as the whole process (start, plan, read, compute, print), and in-process ("hadron
           in-process": the sum of the statements' own times that `\timing on` reports on stderr, from
           the session's SETs and CREATE EXTERNAL TABLE (opening the file) to the last row printed).
  RDF      engines_rdf.py: ROOT.EnableImplicitMT(threads), a fresh RDataFrame per run, timed from
           construction to the filled histograms (includes jitting its strings).
  awkward  engines_awkward.py: uproot (decompression on `threads` threads) + awkward + numpy,
           timed from open to the value arrays, plus the binning.
All three histogram with ROOT's formula (bin = 1 + floor(nbins (x - lo) / (hi - lo)), underflow 0,
overflow nbins+1), in double precision. The script checks that the three histograms are equal bin
by bin, prints a table with ratios and geometric means, and writes results-<N>.json beside itself.
"""

import argparse
import csv
import io
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import make_input  # noqa: E402

# Histograms of each query: name -> (nbins, lo, hi). Q6 has two (from one 2-D result in SQL).
HISTS = {
    "q1": {"met": (100, 0.0, 200.0)},
    "q2": {"jet_pt": (100, 15.0, 60.0)},
    "q3": {"jet_pt": (100, 15.0, 60.0)},
    "q4": {"met": (100, 0.0, 200.0)},
    "q5": {"met": (100, 0.0, 200.0)},
    "q6": {"trijet_pt": (100, 15.0, 40.0), "trijet_btag": (100, 0.0, 1.0)},
    "q7": {"sum_pt": (100, 15.0, 200.0)},
    "q8": {"mt": (100, 15.0, 250.0)},
}
ENGINES = ["hadron", "rdf", "awkward"]
COLUMNS = ["hadron", "hadron_inproc", "rdf", "awkward"]
RATIOS = ["rdf/hadron", "awkward/hadron", "rdf/hadron_inproc", "awkward/hadron_inproc"]


def base(query):
    """`q6_lambda` (another SQL form of Q6, queries/q6_lambda.sql) -> `q6`."""
    return query.split("_")[0]


def bin_values(x, spec):
    """ROOT's TAxis::FindBin on a uniform axis, as counts with underflow [0] and overflow [nbins+1]."""
    nbins, lo, hi = spec
    x = np.asarray(x, dtype=np.float64)
    idx = np.clip(np.floor(nbins * (x - lo) / (hi - lo)) + 1, 0, nbins + 1).astype(np.int64)
    return np.bincount(idx, minlength=nbins + 2)


# ---- engines: each returns {hist name: counts} ----


def run_awkward(query, path):
    import engines_awkward

    values = engines_awkward.QUERIES[base(query)](path)
    return {name: bin_values(values[name], spec) for name, spec in HISTS[base(query)].items()}


def run_rdf(query, path):
    import engines_rdf

    return engines_rdf.QUERIES[base(query)](path)


class Hadron:
    """Runs queries/qN.sql with `hadron sql -f` on table `events` (ROOT, or `stored_as` PARQUET)."""

    def __init__(self, binary, threads, stored_as="ROOT", query_dir=os.path.join(HERE, "queries")):
        self.binary = binary
        self.threads = threads
        self.stored_as = stored_as
        self.query_dir = query_dir
        self.env = dict(os.environ, RAYON_NUM_THREADS=str(threads), TOKIO_WORKER_THREADS=str(threads))
        self.inprocess = []  # in-process seconds of each run since the last reset

    def script(self, body, path):
        options = " OPTIONS ('tree' 'Events')" if self.stored_as == "ROOT" else ""
        return (
            "\\timing on\n"
            f"SET datafusion.execution.target_partitions = {self.threads};\n"
            "SET datafusion.sql_parser.enable_ident_normalization = false;\n"
            f"CREATE EXTERNAL TABLE events STORED AS {self.stored_as} LOCATION '{path}'{options};\n"
            f"{body.strip().rstrip(';')};\n"
        )

    def run_sql(self, body, path):
        """Runs the SQL `body` on table `events` at `path`; returns the CSV text of its result."""
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(self.script(body, path))
        try:
            out = subprocess.run(
                [self.binary, "sql", "-f", f.name, "--format", "csv"],
                env=self.env, capture_output=True, text=True,
            )
        finally:
            os.unlink(f.name)
        if out.returncode != 0:
            raise RuntimeError(f"hadron failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
        times = [float(line[len("Time: "):-2]) for line in out.stderr.splitlines()
                 if line.startswith("Time: ") and line.endswith(" s")]
        if not times:
            raise RuntimeError(f"hadron printed no statement times: {out.stderr.strip()[-2000:]}")
        self.inprocess.append(sum(times))
        return out.stdout

    def __call__(self, query, path):
        with open(os.path.join(self.query_dir, f"{query}.sql")) as f:
            return self.parse(query, self.run_sql(f.read(), path))

    @staticmethod
    def parse(query, stdout):
        """The last CSV result in stdout, in one of two shapes: `bin, n` rows (one histogram; Q6's margins form
        `bin, n_pt, n_btag`: one count column per histogram, from `histogram()`), or grouped counts with one bin
        column per histogram and the count last (Q6's 2-D `GROUP BY` form: `bin_pt, bin_btag, n`)."""
        lines = stdout.splitlines()
        start = max(i for i, line in enumerate(lines) if line.startswith("bin"))  # the last statement's header
        rows = list(csv.reader(io.StringIO("\n".join(lines[start:]))))
        header, rows = rows[0], [r for r in rows[1:] if r]
        specs = HISTS[base(query)]
        hists = {name: np.zeros(spec[0] + 2, dtype=np.int64) for name, spec in specs.items()}
        names = list(specs)
        if len(header) != len(names) + 1:
            raise RuntimeError(f"hadron {query}: unexpected columns {header}")
        counts_per_histogram = header[0] == "bin" and all(h.startswith("n") for h in header[1:])
        for row in rows:
            if counts_per_histogram:
                for name, cell in zip(names, row[1:]):
                    hists[name][int(float(row[0]))] += int(cell)
            else:
                n = int(row[-1])
                for name, cell in zip(names, row[:-1]):
                    hists[name][int(float(cell))] += n
        return hists


# ---- driver ----


def timed(fn, query, path, repeat):
    """Warm-up once, then `repeat` timed runs; returns (best seconds, all seconds, last result)."""
    result = fn(query, path)
    if isinstance(fn, Hadron):
        fn.inprocess.clear()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(query, path)
        seconds.append(time.perf_counter() - start)
    return min(seconds), seconds, result


def compare(results):
    """'exact', or a description of the bins where the engines differ (vs hadron)."""
    notes = []
    ref = results.get("hadron") or next(iter(results.values()))
    for engine, hists in results.items():
        for name, counts in hists.items():
            diff = counts - ref[name]
            if diff.any():
                bins = np.nonzero(diff)[0]
                notes.append(
                    f"{engine} {name}: {int(np.abs(diff).sum())} entries differ in bins {bins.tolist()[:8]}"
                    f" (totals {int(counts.sum())} vs {int(ref[name].sum())})"
                )
    return "exact" if not notes else "; ".join(notes)


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hadron", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/hadron/ci-target")), "release", "hadron"))
    ap.add_argument("--input", help="input file (default ~/.cache/hadron/adl/adl-<N>.root)")
    ap.add_argument("--queries", default=",".join(HISTS), help="q1,...,q8 or a variant such as q6_lambda")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="output (default results-<N>.json beside this script)")
    args = ap.parse_args()

    load_before = os.getloadavg()
    path = args.input or make_input.default_path(args.events)
    if not os.path.exists(path):
        print(f"generating {path} ...", flush=True)
        make_input.generate(args.events, path)
    engines = args.engines.split(",")
    queries = args.queries.split(",")

    runners = {}
    if "hadron" in engines:
        if not os.access(args.hadron, os.X_OK):
            sys.exit(f"no hadron binary at {args.hadron} (cargo build --release -p hadron-cli, or --hadron PATH)")
        runners["hadron"] = Hadron(args.hadron, args.threads)
    if "rdf" in engines:
        import engines_rdf

        engines_rdf.declare(args.threads)
        engines_rdf.BINS.update({n: s for q in HISTS.values() for n, s in q.items()})
        runners["rdf"] = run_rdf
    if "awkward" in engines:
        import engines_awkward

        engines_awkward.configure(args.threads)
        runners["awkward"] = run_awkward

    rows = []
    for q in queries:
        best, runs, results = {}, {}, {}
        for engine, fn in runners.items():
            try:
                best[engine], runs[engine], results[engine] = timed(fn, q, path, args.repeat)
                if engine == "hadron":
                    runs["hadron_inproc"] = list(fn.inprocess)
                    best["hadron_inproc"] = min(fn.inprocess)
            except Exception as e:  # one failing engine must not hide the others' numbers
                print(f"{q} {engine}: FAILED: {e}", file=sys.stderr, flush=True)
        agree = compare(results)
        row = {"query": q, "best_s": best, "runs_s": runs, "agree": agree,
               "entries": {e: {n: int(c.sum()) for n, c in h.items()} for e, h in results.items()}}
        for h in ("hadron", "hadron_inproc"):
            for e in ("rdf", "awkward"):
                if h in best and e in best:
                    row[f"{e}/{h}"] = best[e] / best[h]
        rows.append(row)
        cells = [f"{best[e]:8.3f}" if e in best else "     n/a" for e in COLUMNS]
        ratios = [f"{row[k]:8.2f}" if k in row else "     n/a" for k in RATIOS]
        print(f"{q:5} {' '.join(cells)} {' '.join(ratios)}  {agree}", flush=True)

    gm = {k: geomean([r.get(k) for r in rows]) for k in RATIOS}
    print(f"{'query':5} {'hadron s':>8} {'in-proc':>8} {'RDF s':>8} {'awk s':>8} {'RDF/had':>8} {'awk/had':>8}"
          f" {'RDF/inp':>8} {'awk/inp':>8}  agree")
    for r in rows:
        cells = [f"{r['best_s'][e]:8.3f}" if e in r["best_s"] else "     n/a" for e in COLUMNS]
        ratios = [f"{r[k]:8.2f}" if k in r else "     n/a" for k in RATIOS]
        print(f"{r['query']:5} {' '.join(cells)} {' '.join(ratios)}  {r['agree']}")
    print(f"geometric mean: RDF/hadron {gm['rdf/hadron']:.2f}, awkward/hadron {gm['awkward/hadron']:.2f}"
          f" (whole process); in-process: RDF/hadron {gm['rdf/hadron_inproc']:.2f},"
          f" awkward/hadron {gm['awkward/hadron_inproc']:.2f}")

    out = args.json or os.path.join(HERE, f"results-{args.events}.json")
    meta = {
        "events": args.events, "threads": args.threads, "input": path, "input_bytes": os.path.getsize(path),
        "hadron": args.hadron if "hadron" in runners else None, "repeat": args.repeat,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_before": load_before},
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(out, "w") as f:
        json.dump({"meta": meta, "queries": rows, "geomean": gm}, f, indent=1)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
