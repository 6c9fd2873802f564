"""TensorFlow reads a TFRecord file made by `hadron convert`; MET_pt (float per event) and Muon_pt
(jagged floats) must equal uproot's values for the same ROOT file.

usage: check_convert.py FILE.root TREE OUT.tfrecord [GZIP_SHARD_DIR N_SHARDS]
Prints "ok ROWS".
"""
import sys

import numpy as np
import uproot

from common import records, tf

SPEC = {"MET_pt": tf.io.FixedLenFeature([], tf.float32), "Muon_pt": tf.io.VarLenFeature(tf.float32)}


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
    for i, raw in enumerate(recs):
        p = tf.io.parse_single_example(raw, SPEC)
        assert p["MET_pt"].numpy() == np.float32(met[i]), (i, p["MET_pt"].numpy(), met[i])
        got = p["Muon_pt"].values.numpy()
        assert got.dtype == np.float32 and np.array_equal(got, muon[i].astype(np.float32)), (i, got, muon[i])
    print("ok", len(recs))


if __name__ == "__main__":
    main()
