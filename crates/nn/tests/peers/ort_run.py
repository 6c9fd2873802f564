"""onnxruntime peer for hadron-nn's ONNX export: python ort_run.py MODEL.onnx DIR

Feeds DIR/in<i>.npy to the model's inputs in order and writes the first output to DIR/out.npy."""
import os
import sys

import numpy as np
import onnxruntime as ort


def main():
    model, d = sys.argv[1], sys.argv[2]
    sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(os.path.join(d, f"in{k}.npy")) for k, i in enumerate(sess.get_inputs())}
    out = sess.run(None, feeds)[0]
    np.save(os.path.join(d, "out.npy"), out.astype(np.float32))
    print(sess.get_outputs()[0].name, out.shape)


if __name__ == "__main__":
    main()
