"""Fully connected ONNX networks as a :class:`~reluhard.network.Network`, exactly.

The graph must be one chain from its one input to its one output of ``Gemm``, ``MatMul``
(the weight on either side), ``Add`` / ``Sub`` of a constant, ``Relu``, ``LeakyRelu``,
``Flatten``, ``Reshape`` (shape-only: the chain is a vector of batch size 1) and
``Identity`` / ``Dropout`` nodes; anything else is refused with the operator named.
``MatMul`` followed by ``Add`` is one layer ``W a + b`` (the same computation); every other
affine step keeps its own identity layer, so that no two weight matrices are ever multiplied
in floating point: the network read is the ONNX function exactly, with float32 (or float16,
float64) weights taken as the rationals they denote (a float converts exactly to float64
and on to a :class:`~fractions.Fraction`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..network import Layer, Network

SHAPE_ONLY = ("Flatten", "Reshape", "Identity", "Dropout", "Squeeze", "Unsqueeze")
SUPPORTED = ("Gemm", "MatMul", "Add", "Sub", "Relu", "LeakyRelu", *SHAPE_ONLY)


@dataclass
class _Chain:
    """The layers read so far and the affine step being assembled (``W`` of shape (out, in),
    ``b``; ``None`` when there is none)."""

    width: int
    layers: list[Layer] = field(default_factory=list)
    W: np.ndarray | sp.csr_array | None = None
    b: np.ndarray | None = None

    def flush(self, activation: str = "identity", slope: float = 0.0) -> None:
        if self.W is None:
            self.W = sp.identity(self.width, format="csr", dtype=np.float64)
        b = np.zeros(self.W.shape[0]) if self.b is None else self.b
        self.layers.append(Layer(self.W, b, activation, slope))
        self.W, self.b = None, None

    def affine(self, W: np.ndarray) -> None:
        if self.W is not None:
            self.flush()
        if W.shape[1] != self.width:
            raise ValueError(f"takes {W.shape[1]} inputs, the chain has {self.width}")
        self.W, self.width = W, W.shape[0]

    def bias(self, c: np.ndarray) -> None:
        c = np.broadcast_to(c.reshape(-1), (self.width,)).astype(np.float64)
        if self.W is not None and self.b is not None:
            self.flush()  # b + c would round: a layer of its own
        if self.W is None:
            self.W = sp.identity(self.width, format="csr", dtype=np.float64)
        self.b = c.copy()


def _const(model) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    consts[node.output[0]] = numpy_helper.to_array(a.t)
    return consts


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _real(a: np.ndarray, what: str) -> np.ndarray:
    if a.dtype.kind != "f":
        raise ValueError(f"{what} has type {a.dtype}, not a float type")
    out = a.astype(np.float64)  # exact: every float16/32 is a float64
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} holds a non-finite value")
    return out


def _size(value_info) -> int:
    dims = value_info.type.tensor_type.shape.dim
    return int(np.prod([d.dim_value if d.dim_value > 0 else 1 for d in dims], dtype=np.int64))


def _step(chain: _Chain, node, consts: dict, current: str) -> None:
    op, at = node.op_type, _attrs(node)
    if op in SHAPE_ONLY:
        return
    if op == "Relu":
        chain.flush("relu")
    elif op == "LeakyRelu":
        alpha = float(at.get("alpha", 0.01))
        if not 0 <= alpha <= 1:
            raise ValueError(f"LeakyRelu alpha {alpha} is outside [0, 1]")
        chain.flush("leaky_relu", alpha)
    elif op in ("Add", "Sub"):
        _add(chain, node, consts, current)
    elif op == "MatMul":
        others = [i for i in node.input if i and i != current]
        if len(others) != 1 or others[0] not in consts:
            raise ValueError("MatMul must multiply the chain by a constant matrix")
        M = _real(consts[others[0]], "MatMul weight")
        M = M.reshape(M.shape[0], -1) if M.ndim != 2 else M
        chain.affine(M.T if node.input[0] == current else M)
    else:
        _gemm(chain, node, consts, current, at)


def _add(chain: _Chain, node, consts: dict, current: str) -> None:
    op = node.op_type
    others = [i for i in node.input if i and i != current]
    if len(others) != 1 or others[0] not in consts:
        raise ValueError(f"{op} must add a constant to the chain")
    c = _real(consts[others[0]], f"{op} operand")
    if c.size not in (1, chain.width):
        raise ValueError(f"{op} operand has {c.size} entries, the chain has {chain.width}")
    if op == "Sub" and node.input[0] != current:
        raise ValueError("Sub of the chain from a constant is not supported")
    chain.bias(-c if op == "Sub" else c)


def _gemm(chain: _Chain, node, consts: dict, current: str, at: dict) -> None:
    """``alpha * A' B' + beta * C`` with the chain as ``A`` (alpha = beta = 1, no transA)."""
    if node.input[0] != current or node.input[1] not in consts:
        raise ValueError("Gemm must take the chain as A and a constant B")
    if float(at.get("alpha", 1.0)) != 1.0 or float(at.get("beta", 1.0)) != 1.0:
        raise ValueError("Gemm with alpha or beta other than 1 is not supported")
    if at.get("transA", 0):
        raise ValueError("Gemm with transA is not supported")
    B = _real(consts[node.input[1]], "Gemm weight")
    chain.affine(B if at.get("transB", 0) else B.T)
    if len(node.input) > 2 and node.input[2]:
        if node.input[2] not in consts:
            raise ValueError("Gemm's C must be a constant")
        C = _real(consts[node.input[2]], "Gemm bias").reshape(-1)
        chain.b = np.broadcast_to(C, (chain.width,)).copy()


def read_model(model, path: str = "model.onnx") -> Network:
    """The network of an ONNX ``ModelProto`` (see the module docstring); :class:`InputError`
    naming ``path``, the node and its operator for anything else."""
    g = model.graph
    consts = _const(model)
    inputs = [i for i in g.input if i.name not in consts]
    if len(inputs) != 1 or len(g.output) != 1:
        raise InputError(
            path, None, f"the graph has {len(inputs)} inputs and {len(g.output)} outputs; "
            "a network has one of each"
        )  # fmt: skip
    current = inputs[0].name
    chain = _Chain(_size(inputs[0]))
    n = chain.width
    for k, node in enumerate(g.node):
        if node.op_type == "Constant":
            continue
        where = f"node {k} ({node.op_type}{' ' + node.name if node.name else ''})"
        if node.op_type not in SUPPORTED:
            raise InputError(
                path, None, f"{where}: operator {node.op_type} is not supported (fully "
                f"connected networks only: {', '.join(SUPPORTED)})"
            )  # fmt: skip
        if current not in node.input:
            raise InputError(path, None, f"{where} does not take the chain's value {current!r}; "
                             "the graph is not one chain")  # fmt: skip
        try:
            _step(chain, node, consts, current)
        except ValueError as e:
            raise InputError(path, None, f"{where}: {e}") from None
        current = node.output[0]
    if current != g.output[0].name:
        raise InputError(path, None, f"the chain ends at {current!r}, not the graph's output")
    if chain.W is not None or not chain.layers:
        chain.flush()
    net = Network(tuple(chain.layers))
    if net.in_dim != n:
        raise InputError(path, None, f"the network takes {net.in_dim} inputs, the graph {n}")
    return net


def read(path: str) -> Network:
    """The network of the ONNX file ``path``."""
    import onnx

    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except Exception as e:  # onnx raises protobuf's DecodeError and others
        raise InputError(path, None, f"not an ONNX model ({type(e).__name__})") from None
    return read_model(model, path)
