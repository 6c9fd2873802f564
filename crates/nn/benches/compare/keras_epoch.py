"""Seconds per epoch of the Keras reference model on the data `examples/epoch.rs --save DIR` wrote
(batch 128, Adam defaults, no shuffle), for a side-by-side with Hadron's number.

python keras_epoch.py DIR [THREADS]   ->  one JSON line: preset, events, seconds (2nd epoch), loss, accuracy
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "peers"))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_model  # noqa: E402


def main():
    d = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    spec = json.load(open(os.path.join(d, "spec.json")))
    xs = [np.load(os.path.join(d, f"in{i}.npy")) for i in range(len(spec["inputs"]))]
    y = np.load(os.path.join(d, "labels.npy"))
    model, _ = keras_model.build(spec)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    times = []
    for _ in range(2):  # the first epoch includes tracing
        t0 = time.perf_counter()
        h = model.fit(xs, y, batch_size=128, epochs=1, shuffle=False, verbose=0)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"preset": spec["name"], "events": int(y.shape[0]), "seconds": round(times[-1], 3),
                      "first_epoch_seconds": round(times[0], 3), "loss": h.history["loss"][-1],
                      "accuracy": h.history["accuracy"][-1]}))


if __name__ == "__main__":
    main()
