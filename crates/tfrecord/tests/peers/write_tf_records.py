"""tf.io.TFRecordWriter writes Examples made from seeded numpy data; the data is also saved as Parquet
(pyarrow) and .npy so the Rust test can compare what Hadron reads.

usage: write_tf_records.py OUT_DIR ROWS SEED
writes OUT_DIR/tf.tfrecord (plain), OUT_DIR/tf.tfrecord.gz (GZIP), OUT_DIR/data.parquet with columns
  x        list<float32>, 5 values per row       (feature float32[5])
  m        list<float32>, 3*4 values row-major   (feature float32[3,4])
  ids      list<int64>, 0..6 values per row      (feature int64 variable)
  label    int64                                 (feature int64 scalar)
  tag      binary                                (feature bytes scalar)
and OUT_DIR/{x,m,label}.npy. Prints "ok ROWS".
"""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from common import feature_of, tf


def main():
    out, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 5)).astype(np.float32)
    m = rng.uniform(-1e3, 1e3, size=(rows, 3, 4)).astype(np.float32)
    ids = [rng.integers(-(2**62), 2**62, size=rng.integers(0, 7)).astype(np.int64) for _ in range(rows)]
    label = rng.integers(-5, 5, size=rows).astype(np.int64)
    tag = [bytes(rng.integers(0, 256, size=rng.integers(0, 9), dtype=np.uint8)) for _ in range(rows)]
    examples = []
    for i in range(rows):
        feats = {
            "x": feature_of(x[i], "float"),
            "m": feature_of(m[i], "float"),
            "ids": feature_of(ids[i], "int64"),
            "label": feature_of([label[i]], "int64"),
            "tag": feature_of([tag[i]], "bytes"),
        }
        examples.append(tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString(deterministic=True))
    for name, opts in [("tf.tfrecord", None), ("tf.tfrecord.gz", tf.io.TFRecordOptions(compression_type="GZIP"))]:
        with tf.io.TFRecordWriter(f"{out}/{name}", opts) as w:
            for e in examples:
                w.write(e)
    table = pa.table({
        "x": pa.array([r.tolist() for r in x], pa.list_(pa.float32())),
        "m": pa.array([r.ravel().tolist() for r in m], pa.list_(pa.float32())),
        "ids": pa.array([r.tolist() for r in ids], pa.list_(pa.int64())),
        "label": pa.array(label, pa.int64()),
        "tag": pa.array(tag, pa.binary()),
    })
    pq.write_table(table, f"{out}/data.parquet")
    np.save(f"{out}/x.npy", x)
    np.save(f"{out}/m.npy", m)
    np.save(f"{out}/label.npy", label)
    print("ok", rows)


if __name__ == "__main__":
    main()
