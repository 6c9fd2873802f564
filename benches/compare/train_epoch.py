"""Seconds per epoch and test AUC: `hadron train` vs Keras (tensorflow-cpu) on the same synthetic Parquet
shards, same batch (128), same thread count, same number of epochs.

    python benches/compare/train_epoch.py [--hlf-events 200000] [--inclusive-events 20000]
        [--test-events 20000] [--epochs 3] [--threads 1] [--hadron PATH] [--work DIR] [--skip-keras]

Needs a release build (`cargo build --release -p hadron-cli -p hadron-train --examples`, with
CARGO_TARGET_DIR honoured; HADRON_PROFILE=debug uses the dev-profile binaries instead) and the peers venv (`scripts/python-env`: tensorflow-cpu, pyarrow). Shards are
made by `crates/train/examples/synth.rs` (classes separable, GRU_input zero-padded after 8..48 particles).
Hadron runs with `--threads T` and `--threads 2T` (scaling) and, for inclusive, also `--no-skip-padded`.
Keras's seconds are the mean over epochs 2.. (epoch 1 includes tracing); Hadron's the mean over all
epochs. Both sides are seeded (hadron `--seed`, Keras `set_random_seed`); `--auc-seeds S` trains each side
S times (seeds 42..) and also reports the difference of the mean AUCs, since one seed's AUC after a few
epochs moves by several 0.001. Prints one JSON document with every number and the ratios the issue asks for.
"""
import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "crates", "nn", "tests", "peers"))


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


PROFILE = os.environ.get("HADRON_PROFILE", "release")


def make_shards(work, name, events, test_events, sequence):
    synth = os.path.join(target_dir(), PROFILE, "examples", "synth")
    d = os.path.join(work, name)
    for part, n, seed in (("train", events, 1), ("test", test_events, 2)):
        out = os.path.join(d, part)
        if not os.path.isdir(out):
            args = [synth, out, str(n), "--seed", str(seed), "--shards", "4"]
            subprocess.run(args + (["--sequence"] if sequence else []), check=True)
    return d


def run_hadron(hadron, model, data, out, epochs, threads, extra=(), seed=42):
    args = [hadron, "train", "--model", model, "--train", os.path.join(data, "train"), "--test",
            os.path.join(data, "test"), "--out", out, "--epochs", str(epochs), "--batch", "128",
            "--threads", str(threads), "--seed", str(seed), *extra]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    m = json.load(open(os.path.join(out, "metrics.json")))
    secs = [e["seconds"] for e in m["epochs"]]
    return {"threads": threads, "flags": list(extra), "seconds_per_epoch": sum(secs) / len(secs),
            "epoch_seconds": secs, "auc": m["auc"], "steps_kept": m["epochs"][-1]["steps_kept"],
            "wall_seconds": wall}


def load_parquet(d, names):
    import numpy as np
    import pyarrow.parquet as pq
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".parquet"))
    tables = [pq.read_table(f, columns=names) for f in files]
    out = {}
    for n in names:
        vals = [np.asarray(t.column(n).combine_chunks().flatten(), dtype=np.float32) for t in tables]
        out[n] = np.concatenate(vals)
    return out, sum(t.num_rows for t in tables)


def auc(scores, positive):
    import numpy as np
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    p = positive.sum()
    n = len(positive) - p
    return float((r[positive].sum() - p * (p + 1) / 2) / (p * n))


def run_keras(model_name, data, epochs, threads, seed=42):
    import numpy as np
    import tensorflow as tf
    import keras_model
    tf.keras.utils.set_random_seed(seed)
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    spec = json.load(open(os.path.join(ROOT, "crates", "nn", "models", f"{model_name}.json")))
    names = [i["name"] for i in spec["inputs"]]
    shapes = {i["name"]: i["shape"] for i in spec["inputs"]}

    def arrays(part):
        cols, n = load_parquet(os.path.join(data, part), names + ["encoded_label"])
        xs = [cols[k].reshape([n] + shapes[k]) for k in names]
        return xs, cols["encoded_label"].reshape(n, -1)

    xs, y = arrays("train")
    xt, yt = arrays("test")
    model, _ = keras_model.build(spec)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        model.fit(xs, y, batch_size=128, epochs=1, shuffle=True, verbose=0)
        times.append(time.perf_counter() - t0)
    probs = model.predict(xt, batch_size=1024, verbose=0)
    truth = yt.argmax(axis=1)
    aucs = [auc(probs[:, k], truth == k) for k in range(y.shape[1])]
    steady = times[1:] if len(times) > 1 else times
    return {"threads": threads, "seconds_per_epoch": sum(steady) / len(steady), "epoch_seconds": times,
            "auc": aucs, "events": int(y.shape[0])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hlf-events", type=int, default=200_000)
    ap.add_argument("--inclusive-events", type=int, default=20_000)
    ap.add_argument("--test-events", type=int, default=20_000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--hadron", default=os.path.join(target_dir(), PROFILE, "hadron"))
    ap.add_argument("--work", default="/tmp/hadron-train-compare")
    ap.add_argument("--models", default="hlf,inclusive")
    ap.add_argument("--skip-keras", action="store_true")
    ap.add_argument("--auc-seeds", type=int, default=1,
                    help="train each side with this many seeds and compare mean AUCs (timing: the first seed)")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    report = {"epochs": a.epochs, "batch": 128, "threads": a.threads, "models": {}}
    for model in a.models.split(","):
        events = a.hlf_events if model == "hlf" else a.inclusive_events
        test = min(a.test_events, events)
        data = make_shards(a.work, f"{model}-{events}", events, test, model != "hlf")
        r = {"events": events, "test_events": test}
        out = os.path.join(a.work, f"out-{model}")
        r["hadron"] = run_hadron(a.hadron, model, data, out, a.epochs, a.threads)
        r["hadron_2x_threads"] = run_hadron(a.hadron, model, data, out + "-2t", a.epochs, 2 * a.threads)
        r["thread_scaling"] = r["hadron"]["seconds_per_epoch"] / r["hadron_2x_threads"]["seconds_per_epoch"]
        if model != "hlf":
            r["hadron_no_skip"] = run_hadron(a.hadron, model, data, out + "-noskip", a.epochs, a.threads,
                                             ("--no-skip-padded",))
        if not a.skip_keras:
            k = run_keras(model, data, a.epochs, a.threads)
            r["keras"] = k
            r["speedup"] = k["seconds_per_epoch"] / r["hadron"]["seconds_per_epoch"]
            if "hadron_no_skip" in r:
                r["speedup_no_skip"] = k["seconds_per_epoch"] / r["hadron_no_skip"]["seconds_per_epoch"]
            r["auc_diff"] = [h - kk for h, kk in zip(r["hadron"]["auc"], k["auc"])]
            if a.auc_seeds > 1:
                # Training noise: both sides over several seeds; the target compares the mean AUCs.
                seeds = range(42, 42 + a.auc_seeds)
                hs = [r["hadron"]["auc"]] + [run_hadron(a.hadron, model, data, out + f"-s{s}", a.epochs, a.threads,
                                                        seed=s)["auc"] for s in seeds[1:]]
                ks = [k["auc"]] + [run_keras(model, data, a.epochs, a.threads, seed=s)["auc"] for s in seeds[1:]]
                mean = lambda rows: [sum(col) / len(col) for col in zip(*rows)]
                r["auc_seeds"] = {"seeds": list(seeds), "hadron": hs, "keras": ks}
                r["auc_diff_mean"] = [h - kk for h, kk in zip(mean(hs), mean(ks))]
        report["models"][model] = r
        print(json.dumps({model: r}), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
