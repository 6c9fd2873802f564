"""TensorFlow reads a TFRecord file made by `hadron convert`; MET_pt (float per event) and Muon_pt
(jagged floats) must equal uproot's values for the same ROOT file.

usage: check_convert.py FILE.root TREE OUT.tfrecord [GZIP_SHARD_DIR N_SHARDS]
Prints "ok ROWS".
"""
import sys

import numpy as np
import uproot

from common import records, tf

SPEC = {"MET_pt": tf.io.FixedLenFeature([], tf.float32), "Muon_pt": tf.io.RaggedFeature(tf.float32)}


def main():
    root, tree, out = sys.argv[1], sys.argv[2], sys.argv[3]
    u = uproot.open(root)[tree].arrays(["MET_pt", "Muon_pt"], library="np")
    met, muon = u["MET_pt"], u["Muon_pt"]
    recs = records(out)
    if len(sys.argv) > 4:
        d, n = sys.argv[4], int(sys.argv[5])
        shards = [records(f"{d}/part-{k:05d}-of-{n:05d}.tfrecord.gz", "GZIP") for k in range(n)]
        assert [len(s) for s in shards] == [len(range(k, len(met), n)) for k in range(n)]
        assert all(shards[i % n][i // n] == recs[i] for i in range(len(met))), "shards differ from the single file"
    assert len(recs) == len(met), (len(recs), len(met))
    # TensorFlow's batched parser over the whole file (every record).
    ds = tf.data.TFRecordDataset(out).batch(4096).map(lambda r: tf.io.parse_example(r, SPEC))
    got_met = np.concatenate([b["MET_pt"].numpy() for b in ds])
    assert got_met.dtype == np.float32 and np.array_equal(got_met, met.astype(np.float32)), "MET_pt"
    lengths = np.concatenate([b["Muon_pt"].row_lengths().numpy() for b in ds])
    flat = np.concatenate([b["Muon_pt"].flat_values.numpy() for b in ds])
    assert np.array_equal(lengths, [len(m) for m in muon]), "Muon_pt lengths"
    assert flat.dtype == np.float32 and np.array_equal(flat, np.concatenate(muon).astype(np.float32)), "Muon_pt"
    print("ok", len(recs))


if __name__ == "__main__":
    main()
