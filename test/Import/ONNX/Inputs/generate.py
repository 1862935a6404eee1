#!/usr/bin/python3
"""Regenerates the binary ONNX fixtures of test/Import/ONNX.

Run with a Python that has the `onnx` package (on Debian: /usr/bin/python3):
    /usr/bin/python3 test/Import/ONNX/Inputs/generate.py
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(model, name):
    onnx.checker.check_model(model)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())


def relu():
    """A one-node model: y = Relu(x)."""
    node = helper.make_node("Relu", ["x"], ["y"], name="relu1")
    graph = helper.make_graph(
        [node], "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    save(model, "relu.onnx")


def external(name, data_file, write_data):
    """y = x + w, with the 20-element initializer w stored in `data_file`
    at offset 8 (after 8 bytes of padding)."""
    w = np.arange(20, dtype=np.float32) * 0.5
    tensor = numpy_helper.from_array(w, "w")
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in [("location", data_file), ("offset", "8"),
                       ("length", str(w.nbytes))]:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("Add", ["x", "w"], ["y"], name="add1")
    graph = helper.make_graph(
        [node], "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [20])],
        initializer=[tensor])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())
    if write_data:
        with open(os.path.join(HERE, data_file), "wb") as f:
            f.write(b"\0" * 8 + w.tobytes())


def int4_weights():
    """y = x @ DequantizeLinear(w), with int4 weights (opset 21): the packed
    int4 data (two values per byte, low nibble first) is written by hand
    because this onnx release predates the INT4 type (22)."""
    def int4_tensor(name, dims, values):
        t = TensorProto()
        t.name = name
        t.data_type = 22
        t.dims.extend(dims)
        nibbles = [v & 0xF for v in values] + [0]
        t.raw_data = bytes(nibbles[i] | (nibbles[i + 1] << 4)
                           for i in range(0, len(values), 2))
        return t
    w = int4_tensor("w", [4, 2], [-8, 7, -1, 0, 1, 2, 3, -4])
    wz = int4_tensor("wz", [2], [0, -1])
    ws = numpy_helper.from_array(np.array([0.5, 0.25], dtype=np.float32), "ws")
    nodes = [helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"],
                              axis=1, name="dq"),
             helper.make_node("MatMul", ["x", "wd"], ["y"], name="mm")]
    graph = helper.make_graph(
        nodes, "int4",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])],
        initializer=[w, wz, ws])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    with open(os.path.join(HERE, "int4-weights.onnx"), "wb") as f:
        f.write(model.SerializeToString())


def tensor_pb():
    """A TensorProto file as in ONNX's conformance data."""
    t = numpy_helper.from_array(
        np.array([[1, -2, 3], [250, 0, 7]], dtype=np.int64), "t")
    with open(os.path.join(HERE, "tensor_i64.pb"), "wb") as f:
        f.write(t.SerializeToString())


if __name__ == "__main__":
    relu()
    external("external.onnx", "external.bin", write_data=True)
    external("missing-external.onnx", "missing.bin", write_data=False)
    int4_weights()
    tensor_pb()
