"""Keras peer for hadron-nn parity: python keras_parity.py DIR STEPS

Reads DIR/spec.json, initial weights DIR/w0/<layer>__<param>.npy and batches DIR/batch<k>_in<i>.npy,
DIR/batch<k>_labels.npy; builds the same Keras model, loads the weights and writes
  probs0.npy   forward probabilities on batch 0 (inference mode)
  grads0/      gradients of the batch-mean categorical cross-entropy on batch 0
  loss.npy     the loss of each step before its update
  wK/          the weights after STEPS Adam steps (Keras defaults), dropout off (training=False).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import keras_model  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def main():
    d, steps = sys.argv[1], int(sys.argv[2])
    spec = json.load(open(os.path.join(d, "spec.json")))
    model, named = keras_model.build(spec)
    for name, layer in named:
        layer.set_weights([np.load(os.path.join(d, "w0", n.replace("/", "__") + ".npy"))
                           for n in keras_model.param_names(name)])
    n_inputs = len(spec["inputs"])

    def batch(k):
        xs = [tf.constant(np.load(os.path.join(d, f"batch{k}_in{i}.npy"))) for i in range(n_inputs)]
        return xs, tf.constant(np.load(os.path.join(d, f"batch{k}_labels.npy")))

    xs, _ = batch(0)
    np.save(os.path.join(d, "probs0.npy"), model(xs, training=False).numpy())
    opt = keras.optimizers.Adam()
    cce = keras.losses.CategoricalCrossentropy()
    variables = [w for _, layer in named for w in layer.weights]
    losses = []
    os.makedirs(os.path.join(d, "grads0"), exist_ok=True)
    for k in range(steps):
        xs, y = batch(k)
        with tf.GradientTape() as tape:
            loss = cce(y, model(xs, training=False))
        grads = tape.gradient(loss, variables)
        if k == 0:
            names = [n for name, _ in named for n in keras_model.param_names(name)]
            for n, g in zip(names, grads):
                np.save(os.path.join(d, "grads0", n.replace("/", "__") + ".npy"), g.numpy().astype(np.float32))
        opt.apply_gradients(zip(grads, variables))
        losses.append(float(loss.numpy()))
    np.save(os.path.join(d, "loss.npy"), np.array(losses, dtype=np.float32))
    os.makedirs(os.path.join(d, "wK"), exist_ok=True)
    for name, layer in named:
        for n, w in zip(keras_model.param_names(name), layer.get_weights()):
            np.save(os.path.join(d, "wK", n.replace("/", "__") + ".npy"), w.astype(np.float32))
    print(json.dumps({"steps": steps, "losses": losses}))


if __name__ == "__main__":
    main()
