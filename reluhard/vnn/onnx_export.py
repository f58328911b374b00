"""A :class:`~reluhard.network.Network` as an ONNX model that network verifiers accept.

One ``Gemm`` node per layer (``Y = X W^T + b``, ``transB = 1``), followed by ``Relu`` or
``LeakyRelu`` (slope in ``[0, 1]``, where ``max(a, c a)`` is ONNX's ``LeakyRelu(alpha = c)``)
or nothing for an identity layer; opset 13, input ``X`` of shape ``[1, n]`` and output ``Y``
of shape ``[1, m]`` (the VNN-COMP convention: ``X_i`` and ``Y_j`` in the property name
their entries). No custom operators.

Weights are stored as float32 when every weight and bias is a float32 exactly (all
reduction networks: small integers and dyadic halves), otherwise as float64, so that the
exported network is the same function exactly, never a rounding of it.
"""

from __future__ import annotations

import numpy as np

from .. import atomic
from ..errors import InputError
from ..network import Network, float_only_reason

OPSET = 13
PRODUCER = "reluhard"
MAX_DENSE = 1 << 26  # entries of one dense weight matrix (ONNX Gemm weights are dense)


def float32_exact(values: np.ndarray) -> bool:
    """Whether every float64 in ``values`` is a float32 exactly."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        return bool(np.array_equal(v.astype(np.float32).astype(np.float64), v))


def export_dtype(net: Network) -> type:
    """``np.float32`` when the network is float32-exact, else ``np.float64``."""
    exact = all(
        float32_exact(layer.csr.data if layer.sparse else layer.W) and float32_exact(layer.b)
        for layer in net.layers
    )
    return np.float32 if exact else np.float64


def to_onnx(net: Network, name: str = "reluhard"):
    """The ONNX ``ModelProto`` of ``net`` (see the module docstring); :class:`InputError`
    for a layer ONNX cannot state exactly."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    dtype = export_dtype(net)
    elem = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    nodes, inits = [], []
    prev = "X"
    why = float_only_reason(net)
    if why:
        raise InputError(None, None, f"{why}; ONNX export writes piecewise-linear networks only")
    for i, layer in enumerate(net.layers, 1):
        rows, cols = layer.shape
        if rows * cols > MAX_DENSE:
            raise InputError(
                None,
                None,
                f"layer {i} has {rows} x {cols} weights; ONNX Gemm stores them "
                f"dense, and more than {MAX_DENSE} entries are refused",
            )
        if layer.activation == "leaky_relu" and not 0 <= layer.slope <= 1:
            raise InputError(
                None,
                None,
                f"layer {i}: leaky_relu slope {layer.slope:g} is outside [0, 1], "
                "where max(a, c a) is not ONNX's LeakyRelu",
            )
        if layer.activation == "leaky_relu" and not float32_exact(np.array([layer.slope])):
            raise InputError(
                None,
                None,
                f"layer {i}: leaky_relu slope {layer.slope!r} is not a float32, "
                "and ONNX's LeakyRelu alpha is one",
            )
        W = layer.csr.toarray() if layer.sparse else layer.W
        inits += [
            numpy_helper.from_array(W.astype(dtype), f"W{i}"),
            numpy_helper.from_array(layer.b.astype(dtype), f"B{i}"),
        ]
        last = i == len(net.layers)
        pre = "Y" if last and layer.activation == "identity" else f"pre{i}"
        nodes.append(helper.make_node("Gemm", [prev, f"W{i}", f"B{i}"], [pre], transB=1))
        out = "Y" if last else f"h{i}"
        if layer.activation == "relu":
            nodes.append(helper.make_node("Relu", [pre], [out]))
        elif layer.activation == "leaky_relu":
            nodes.append(helper.make_node("LeakyRelu", [pre], [out], alpha=float(layer.slope)))
        elif not last:
            out = pre
        prev = out
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("X", elem, [1, net.in_dim])],
        [helper.make_tensor_value_info("Y", elem, [1, net.out_dim])],
        inits,
    )
    model = helper.make_model(
        graph, producer_name=PRODUCER, opset_imports=[helper.make_opsetid("", OPSET)]
    )
    model.ir_version = 8  # what onnxruntime releases since 1.10 read
    onnx.checker.check_model(model)
    return model


def save(net: Network, path: str, name: str = "reluhard") -> type:
    """Write ``net`` to ``path`` as ONNX; returns the weights' dtype."""

    model = to_onnx(net, name)
    atomic.write_bytes(path, model.SerializeToString(), "ONNX model")
    return np.float32 if model.graph.input[0].type.tensor_type.elem_type == 1 else np.float64
