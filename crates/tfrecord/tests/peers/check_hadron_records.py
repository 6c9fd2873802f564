"""TensorFlow reads TFRecord files written by Hadron; values are compared with the same Arrow batch that the
Rust test exported to Parquet (read here with pyarrow), and each record's bytes with the Example that
TensorFlow's own protobuf serializes from those values.

usage: check_hadron_records.py DATA.parquet PLAIN.tfrecord SHARD_DIR N_SHARDS
  PLAIN.tfrecord   every row, in order, uncompressed
  SHARD_DIR        N_SHARDS GZIP shards part-0000i-of-0000N.tfrecord.gz, rows dealt round-robin
Prints "ok ROWS".
"""
import sys

import numpy as np
import pyarrow.parquet as pq

from common import feature_of, records, tf

SPEC = {
    "HLF_input": tf.io.FixedLenFeature([14], tf.float32),
    "GRU_input": tf.io.FixedLenFeature([801, 19], tf.float32),
    "encoded_label": tf.io.FixedLenFeature([3], tf.float32),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "flag": tf.io.FixedLenFeature([], tf.int64),
    "name": tf.io.FixedLenFeature([], tf.string),
    "hits": tf.io.VarLenFeature(tf.int64),
    "jagged": tf.io.VarLenFeature(tf.float32),
}
KIND = {"name": "bytes", "label": "int64", "flag": "int64", "hits": "int64"}


def flat(v):
    """Nested python lists → flat list (row-major)."""
    if isinstance(v, list):
        return [x for item in v for x in flat(item)]
    return [v]


def expected_rows(table):
    cols = {c: table.column(c).to_pylist() for c in SPEC}
    for i in range(table.num_rows):
        yield {c: cols[c][i] for c in SPEC}


def check(raw, row, where):
    parsed = tf.io.parse_single_example(raw, SPEC)
    for name, want in row.items():
        got = parsed[name]
        if isinstance(got, tf.SparseTensor):
            got = got.values
        got = got.numpy()
        if name == "name":
            assert got == want.encode(), (where, name, got, want)
            continue
        want_flat = [] if want is None else flat(want)
        kind = KIND.get(name, "float")
        w = np.asarray(want_flat, np.float32 if kind == "float" else np.int64)
        assert got.dtype == w.dtype and np.array_equal(got.ravel(), w), (where, name, got.ravel()[:5], w[:5])
    # The same Example built by TensorFlow's protobuf: byte-identical (map keys sorted = deterministic).
    feats = {}
    for name, want in row.items():
        if want is None:
            continue  # Hadron leaves a null value's feature out
        kind = KIND.get(name, "float")
        feats[name] = feature_of([want.encode()] if name == "name" else flat(want), kind)
    ours = tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString(deterministic=True)
    assert ours == raw, (where, "bytes differ", len(ours), len(raw))


def main():
    data, plain, shard_dir, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    table = pq.read_table(data)
    rows = list(expected_rows(table))
    plain_records = records(plain)
    assert len(plain_records) == len(rows), (len(plain_records), len(rows))
    for i, (raw, row) in enumerate(zip(plain_records, rows)):
        check(raw, row, f"{plain} record {i}")
    shards = [records(f"{shard_dir}/part-{k:05d}-of-{n:05d}.tfrecord.gz", "GZIP") for k in range(n)]
    assert sum(len(s) for s in shards) == len(rows), [len(s) for s in shards]
    for i, row in enumerate(rows):
        check(shards[i % n][i // n], row, f"shard {i % n} record {i // n} (row {i})")
    # Also through the batched parser, as a training input pipeline would.
    ds = tf.data.TFRecordDataset(plain).batch(7).map(lambda r: tf.io.parse_example(r, SPEC))
    got = np.concatenate([b["GRU_input"].numpy() for b in ds])
    want = np.asarray([flat(r["GRU_input"]) for r in rows], np.float32).reshape(-1, 801, 19)
    assert np.array_equal(got, want)
    print("ok", len(rows))


if __name__ == "__main__":
    main()
