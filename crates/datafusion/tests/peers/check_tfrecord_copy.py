"""TensorFlow reads Hadron's TFRecord shards with the reference feature spec and finds, for every
event, the values pyarrow reads from the Parquet written by the same query.
Usage: python check_tfrecord_copy.py SHARD_DIR SHARDS COMPRESSION PARQUET_DIR SINGLE_FILE
Prints `ok N` (N = records read from the shards)."""
import glob
import os
import sys

import numpy as np
import pyarrow.parquet as pq

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

shard_dir, shards, compression, parquet_dir, single = sys.argv[1:6]
suffix = ".tfrecord.gz" if compression == "gzip" else ".tfrecord"
files = sorted(glob.glob(os.path.join(shard_dir, "part-*")))
expected = [os.path.join(shard_dir, f"part-{i:05d}-of-{int(shards):05d}{suffix}") for i in range(int(shards))]
assert files == expected, (files, expected)
assert not [f for f in os.listdir(shard_dir) if f.startswith(".")], "temporary files left"

spec = {
    "event": tf.io.FixedLenFeature([1], tf.int64),
    "HLF_input": tf.io.FixedLenFeature([14], tf.float32),
    "GRU_input": tf.io.FixedLenFeature([801, 19], tf.float32),
    "encoded_label": tf.io.FixedLenFeature([3], tf.float32),
}


def read(paths, comp):
    out = {}
    for rec in tf.data.TFRecordDataset(paths, compression_type=comp):
        ex = tf.io.parse_single_example(rec, spec)
        out[int(ex["event"][0])] = {k: ex[k].numpy() for k in spec if k != "event"}
    return out


got = read(files, "GZIP" if compression == "gzip" else "")
one = read([single], "")
table = pq.read_table(parquet_dir).to_pydict()
assert len(got) == len(table["event"]) == len(one), (len(got), len(table["event"]), len(one))
for i, ev in enumerate(table["event"]):
    for name, shape in [("HLF_input", (14,)), ("GRU_input", (801, 19)), ("encoded_label", (3,))]:
        want = np.asarray(table[name][i], dtype=np.float32).reshape(shape)
        for source in (got, one):
            assert np.array_equal(source[ev][name], want), (ev, name)
print("ok", len(got))
