"""Builds the Keras model described by a hadron-nn JSON model description (same layer order and weight names
as hadron-nn: gru_0, dense_0, dense_1, ... in branch order, then the head)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402


def build(spec):
    """Returns (model, [(hadron layer name, keras layer)]) in hadron-nn weight order."""
    inputs = {i["name"]: keras.Input(shape=tuple(i["shape"]), name=i["name"]) for i in spec["inputs"]}
    named = []
    counters = {"dense": 0, "gru": 0}

    def apply(layers, x):
        for layer in layers:
            kind = layer["type"]
            if kind == "masking":
                x = keras.layers.Masking(mask_value=layer["value"])(x)
            elif kind == "gru":
                k = keras.layers.GRU(layer["units"], activation="tanh", recurrent_activation="sigmoid",
                                     reset_after=True)
                named.append((f"gru_{counters['gru']}", k))
                counters["gru"] += 1
                x = k(x)
            elif kind == "dropout":
                x = keras.layers.Dropout(layer["rate"])(x)
            elif kind == "dense":
                k = keras.layers.Dense(layer["units"], activation=layer["activation"])
                named.append((f"dense_{counters['dense']}", k))
                counters["dense"] += 1
                x = k(x)
            else:
                raise ValueError(f"unknown layer {kind}")
        return x

    outs = [apply(b["layers"], inputs[b["input"]]) for b in spec["branches"]]
    x = outs[0] if len(outs) == 1 else keras.layers.Concatenate()(outs)
    x = apply(spec.get("head", []), x)
    model = keras.Model(inputs=[inputs[i["name"]] for i in spec["inputs"]], outputs=x)
    return model, named


PARAMS = {"gru": ["kernel", "recurrent_kernel", "bias"], "dense": ["kernel", "bias"]}


def param_names(name):
    return [f"{name}/{p}" for p in PARAMS[name.split("_")[0]]]
