"""Shared helpers of the TensorFlow peer scripts (quiet TensorFlow import, Example building)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def feature_of(value, kind):
    """A tf.train.Feature from python/numpy values; kind is 'float', 'int64' or 'bytes'."""
    if kind == "float":
        return tf.train.Feature(float_list=tf.train.FloatList(value=np.asarray(value, np.float32).ravel().tolist()))
    if kind == "int64":
        return tf.train.Feature(int64_list=tf.train.Int64List(value=np.asarray(value, np.int64).ravel().tolist()))
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=list(value)))


def records(path, compression=""):
    """Raw record bytes of a TFRecord file, read by TensorFlow."""
    return [r.numpy() for r in tf.data.TFRecordDataset(path, compression_type=compression)]
