"""TFRecord write throughput, Hadron vs tf.io.TFRecordWriter, on the same records (reference spec:
HLF_input float32[14], GRU_input float32[801,19], encoded_label float32[3]).

  1. numpy makes N seeded rows; TensorFlow builds each tf.train.Example, serializes it
     (deterministic) and writes it with tf.io.TFRecordWriter (timed: "Examples + framing").
  2. TensorFlow writes the already-serialized records again (timed: "framing only").
  3. Hadron (crates/tfrecord/examples/tfrecord_write.rs, release build) reads the same float32
     arrays into an Arrow batch and writes Examples + framing, then re-frames TF's payloads.
  Both sides: best of REPS runs, to a file in the same folder, no fsync. Files and sizes are compared
  (the Example bytes are identical, so the files must be too).

usage: python benches/compare/tfrecord_write.py [--rows N] [--reps R] [--dir DIR]
needs: the peers venv (tensorflow-cpu) and `cargo build --release --example tfrecord_write -p hadron-tfrecord`
       (the script runs that build itself; CARGO_TARGET_DIR is honoured).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dir", default=None)
    a = ap.parse_args()
    d = Path(a.dir or tempfile.mkdtemp(prefix="tfrecord-bench-"))
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1909)
    hlf = rng.normal(size=(a.rows, 14)).astype(np.float32)
    gru = rng.normal(size=(a.rows, 801, 19)).astype(np.float32)
    label = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=a.rows)]
    for name, arr in [("hlf", hlf), ("gru", gru), ("label", label)]:
        arr.astype("<f4").tofile(d / f"{name}.f32")

    def examples():
        for i in range(a.rows):
            f = {
                "HLF_input": tf.train.Feature(float_list=tf.train.FloatList(value=hlf[i])),
                "GRU_input": tf.train.Feature(float_list=tf.train.FloatList(value=gru[i].ravel())),
                "encoded_label": tf.train.Feature(float_list=tf.train.FloatList(value=label[i])),
            }
            yield tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString(deterministic=True)

    tf_examples = float("inf")
    for _ in range(a.reps):
        t = time.perf_counter()
        with tf.io.TFRecordWriter(str(d / "tf.tfrecord")) as w:
            for e in examples():
                w.write(e)
        tf_examples = min(tf_examples, time.perf_counter() - t)
    payloads = [r.numpy() for r in tf.data.TFRecordDataset(str(d / "tf.tfrecord"))]
    tf_frame = float("inf")
    for _ in range(a.reps):
        t = time.perf_counter()
        with tf.io.TFRecordWriter(str(d / "tf_frame.tfrecord")) as w:
            for p in payloads:
                w.write(p)
        tf_frame = min(tf_frame, time.perf_counter() - t)

    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "tfrecord_write", "-p", "hadron-tfrecord"],
                   cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    out = subprocess.run([str(target / "release/examples/tfrecord_write"), str(d), str(a.rows), str(a.reps)],
                         check=True, capture_output=True, text=True).stdout
    h = json.loads(out)

    size_tf = (d / "tf.tfrecord").stat().st_size
    size_h = (d / "hadron.tfrecord").stat().st_size
    assert h["examples_bytes"] == size_h and h["records"] == a.rows
    same = sha(d / "tf.tfrecord") == sha(d / "hadron.tfrecord") == sha(d / "hadron_frame.tfrecord")
    mb = size_tf / 1e6
    print(f"rows {a.rows}, record {size_tf / a.rows:.0f} B (TF) vs {size_h / a.rows:.0f} B (Hadron); "
          f"files {size_tf} vs {size_h} bytes, identical: {same}")
    print(f"{'':28}{'TF 2.21 (python)':>18}{'Hadron':>12}{'ratio':>8}")
    for what, t_tf, t_h in [("Examples + framing", tf_examples, h["examples_s"]), ("framing only", tf_frame, h["frame_s"])]:
        print(f"{what:28}{mb / t_tf:>13.0f} MB/s{mb / t_h:>7.0f} MB/s{t_tf / t_h:>7.1f}x")
    if not same:
        sys.exit("files differ")


if __name__ == "__main__":
    main()
