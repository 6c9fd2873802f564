"""COUNT(*) and ADL Q1–Q4 on the same Parquet file: pyspark local[threads] vs hadron SQL.

    ~/.cache/hadron/spark-venv/bin/python benches/compare/adl/spark_parquet.py --events 1000000 --threads 2 \
        [--hadron $CARGO_TARGET_DIR/release/hadron] [--repeat 3]

pyspark lives in its own venv (`python3 -m venv ~/.cache/hadron/spark-venv && pip install pyspark numpy`;
Java 17). The Parquet file is the ADL input (make_input.py; ~/.cache/hadron/adl/adl-<N>.root)
converted by `hadron convert` to ~/.cache/hadron/adl/adl-<N>.parquet, so both engines read the
same bytes. Spark: one SparkSession (local[threads], spark.sql.shuffle.partitions = threads; its
start-up is not timed), each run timed from `spark.read.parquet` + temp view to the collected
result (queries/spark/*.sql). hadron: `hadron sql -f` (a new process per run, as in run.py) on
`events STORED AS PARQUET` with queries/*.sql. Warm-up once, best of `--repeat`; the histograms
(and counts) must be equal. Writes spark-results-<N>.json beside itself.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402  (HISTS, the hadron runner, histogram helpers)

QUERIES = ["count", "q1", "q2", "q3", "q4"]


def spark_session(threads):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("hadron-adl-compare")
        .config("spark.sql.shuffle.partitions", str(threads))
        .config("spark.driver.memory", "4g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_runner(spark):
    def run_query(query, path):
        with open(os.path.join(HERE, "queries", "spark", f"{query}.sql")) as f:
            sql = f.read()
        spark.read.parquet(path).createOrReplaceTempView("events")
        rows = spark.sql(sql).collect()
        return result_of(query, [tuple(r) for r in rows])

    return run_query


def hadron_runner(hadron):
    def run_query(query, path):
        with open(os.path.join(HERE, "queries", f"{query}.sql")) as f:
            text = hadron.run_sql(f.read(), path)
        lines = text.strip().splitlines()
        start = max(i for i, line in enumerate(lines) if line.split(",")[0] in ("bin", "n"))
        return result_of(query, [tuple(float(c) for c in line.split(",")) for line in lines[start + 1:] if line])

    return run_query


def result_of(query, rows):
    """count: {'count': [n]}; qN: {name: histogram counts}, from (bin, n) rows."""
    import numpy as np

    if query == "count":
        return {"count": np.array([int(rows[0][0])])}
    (name, spec), = run.HISTS[query].items()
    h = np.zeros(spec[0] + 2, dtype=np.int64)
    for b, n in rows:
        h[int(b)] += int(n)
    return {name: h}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hadron", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/hadron/ci-target")), "release", "hadron"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    root_path = run.make_input.default_path(args.events)
    if not os.path.exists(root_path):
        sys.exit(f"{root_path} is missing: run make_input.py {args.events} (peers venv) first")
    path = root_path[: -len(".root")] + ".parquet"
    if not os.path.exists(path):
        subprocess.run([args.hadron, "convert", root_path, "--tree", "Events", "--to", path], check=True)

    hadron = run.Hadron(args.hadron, args.threads, stored_as="PARQUET")
    spark = spark_session(args.threads)
    runners = {"hadron": hadron_runner(hadron), "spark": spark_runner(spark)}
    rows = []
    for q in QUERIES:
        best, runs, results = {}, {}, {}
        for engine, fn in runners.items():
            best[engine], runs[engine], results[engine] = run.timed(fn, q, path, args.repeat)
        agree = run.compare(results)
        ratio = best["spark"] / best["hadron"]
        rows.append({"query": q, "best_s": best, "runs_s": runs, "spark/hadron": ratio, "agree": agree})
        print(f"{q:6} hadron {best['hadron']:7.3f} s  spark {best['spark']:7.3f} s  spark/hadron {ratio:6.2f}  {agree}",
              flush=True)
    gm = math.exp(sum(math.log(r["spark/hadron"]) for r in rows) / len(rows))
    print(f"geometric mean spark/hadron: {gm:.2f}")
    out = os.path.join(HERE, f"spark-results-{args.events}.json")
    meta = {"events": args.events, "threads": args.threads, "input": path, "input_bytes": os.path.getsize(path),
            "pyspark": __import__("pyspark").__version__, "repeat": args.repeat,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(out, "w") as f:
        json.dump({"meta": meta, "queries": rows, "geomean_spark/hadron": gm}, f, indent=1)
    print(f"wrote {out}")
    spark.stop()


if __name__ == "__main__":
    main()
