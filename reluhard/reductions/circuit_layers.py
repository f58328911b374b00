"""A circuit as a network of ``ReLU(W a + b)`` layers: the levelised layering of Part B.1 of
the circuits specification (Pareek and Risteski, Theorem 2: ``G(z) = C(sgn z)``).

1. Levels: inputs are level 0, a gate is one more than its deepest fanin; ``D`` is the
   deepest output.
2. ReLU layer ``l = 1..D`` holds the units of every gate of level ``l``
   (:mod:`.gadgets`) and one pass-through unit ``R(v)`` for every wire ``v`` of a lower
   level that a gate above ``l`` reads or that is an output.
3. Every wire's value is an affine function of the units of the layer that holds it
   (``2u - 1`` for an AND or a pass-through, ``u1 + u2 - 1`` for XOR2, ...); negation is a
   sign. The next layer's pre-activations are affine in those values, so the maps fold
   into its weights and biases: all weights are small integers, all biases integers.
4. A final identity layer outputs the primary outputs (constants through the bias).

``mode="sign"`` reads the latent ``z in {-1,1}^n`` directly. ``mode="real"`` is the
clamp-and-penalty form (option ii of the spec; :mod:`.circuit_real` states the argument):
two clamp layers ``h = R(z + 1)``, ``g = R(2 - h)`` give ``v = 1 - g = clamp(z, -1, 1)``;
the first circuit layer also holds ``R(v_i)`` and ``R(-v_i)``, which carry each input on
(``v_i = R(v_i) - R(-v_i)``, exact on all reals) and sum to ``sigma = sum |v_i|``; one unit
``R(sigma) = sigma`` per later layer carries the sum, and it is the last output.

:func:`compile_circuit` returns the layers and, per unit, what it is (for ``explain``),
and per unit an interval on its pre-activation that holds for every latent (``bounds``):

*Gate-level bounds.* Every wire value lies in ``[-1, 1]`` for every latent: in ``sign``
mode because every gadget is exact on ``{-1, 1}`` inputs (:mod:`.gadgets`), in ``real``
mode because the clamp gives ``v in [-1, 1]`` and every gadget maps ``[-1, 1]^k`` into
``[-1, 1]`` (each is a piecewise-linear function of one linear form of its inputs, with
values in ``[-1, 1]`` at its breakpoints; checked exactly in the tests). So a gadget unit
``R(b + w . a)`` has its pre-activation in ``[b - |w|_1, b + |w|_1]``, the ``abs`` units in
``[-1, 1]`` and ``sigma`` in ``[0, n]``. Interval arithmetic over the units cannot see this:
it loses the correlation between the units of one gadget (``R(S + 1) - R(S - 1)`` of a MAJ
looks like ``[-k, k]``), the widths double layer after layer, and a 20-bit multiplier's
bounds pass ``2^63``. The back ends intersect their bounds with these
(:attr:`reluhard.inversion.InversionProblem.unit_bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..lazy import lazy_module
from ..network import Layer
from ..problems.circuit import Circuit
from .gadgets import Gadget, gate_gadget, wire_gadget

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

Form = tuple[float, dict[int, float]]  # const + sum coef * unit, over one layer's units
DENSE_MAX = 4096  # entries: a smaller layer is stored dense, a larger one as CSR


@dataclass
class Compiled:
    """The layers, the role of each unit per ReLU layer (``("gate", var, j)``,
    ``("wire", var)``, ``("abs+", i)``, ``("abs-", i)``, ``("sigma",)``), and the gadget
    each gate variable got."""

    layers: list[Layer]
    roles: list[list[tuple]] = field(default_factory=list)
    gadgets: dict[int, Gadget] = field(default_factory=dict)
    bounds: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)


class _LayerBuilder:
    """The units of one ReLU layer as sparse rows over the previous layer's units."""

    def __init__(self, width_in: int) -> None:
        self.width_in = width_in
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.bias: list[float] = []
        self.roles: list[tuple] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def unit(self, pre: Form, role: tuple, bound: tuple[float, float]) -> int:
        const, terms = pre
        self.lo.append(bound[0])
        self.hi.append(bound[1])
        r = len(self.bias)
        for c, w in terms.items():
            if w:
                self.rows.append(r)
                self.cols.append(c)
                self.vals.append(w)
        self.bias.append(const)
        self.roles.append(role)
        return r

    def layer(self, activation: str = "relu") -> Layer:
        shape = (len(self.bias), self.width_in)
        if shape[0] * shape[1] <= DENSE_MAX:
            W = np.zeros(shape)
            np.add.at(W, (self.rows, self.cols), self.vals)
        else:
            W = sp.csr_array((self.vals, (self.rows, self.cols)), shape=shape)
        return Layer(W, np.array(self.bias, dtype=np.float64), activation)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array(self.lo, dtype=np.float64), np.array(self.hi, dtype=np.float64)


def _combine(const: float, parts: list[tuple[float, Form]]) -> Form:
    """``const + sum coef * form``."""
    terms: dict[int, float] = {}
    for coef, (c, t) in parts:
        const += coef * c
        for k, w in t.items():
            terms[k] = terms.get(k, 0.0) + coef * w
    return const, terms


def _literal(forms: dict[int, Form], lit: int) -> Form:
    if lit < 2:
        return (1.0 if lit else -1.0), {}
    c, t = forms[lit >> 1]
    if lit & 1:
        return -c, {k: -w for k, w in t.items()}
    return c, t


def _apply(lb: _LayerBuilder, g: Gadget, ins: list[Form], var: int) -> Form:
    """Add gadget ``g``'s units reading ``ins``; the gate's value as a form over them."""
    assert not np.any(g.out_inputs), "a compiled gadget reads its own units only"
    out: dict[int, float] = {}
    for j in range(g.units):
        pre = _combine(float(g.bias[j]), list(zip(g.W[j].tolist(), ins, strict=True)))
        reach = float(np.abs(g.W[j]).sum())
        bound = (float(g.bias[j]) - reach, float(g.bias[j]) + reach)
        out[lb.unit(pre, ("gate", var, j), bound)] = float(g.out_units[j])
    return float(g.const), out


def _schedule(circuit: Circuit, real: bool) -> tuple[int, dict[int, list[int]], np.ndarray]:
    """The number of circuit layers, the gates of each level, and per wire the last level
    that reads it (outputs: one past the top)."""
    n = circuit.ninputs
    levels = circuit.levels()
    depth = circuit.depth()
    top = max(depth, 1) if real else depth
    last_use = np.zeros(circuit.maxvar + 1, dtype=np.int64)
    by_level: dict[int, list[int]] = {}
    for g, (_, fan) in enumerate(circuit.gates()):
        v = n + 1 + g
        by_level.setdefault(int(levels[v]), []).append(g)
        for x in fan:
            last_use[x >> 1] = max(last_use[x >> 1], levels[v])
    last_use[circuit.outputs >> 1] = top + 1
    return top, by_level, last_use


#: estimated bytes per unit while a circuit is compiled (its affine form and role, in Python)
UNIT_BYTES = 600


def compiled_size(circuit: Circuit, mode: str = "sign") -> int:
    """The memory estimate of :func:`compile_circuit` (see
    :meth:`~reluhard.reductions.base.Construction.estimate`): a few units per gate and one
    pass-through unit per wire per layer it crosses, computed from the levels alone."""
    real = mode == "real"
    top, _, last_use = _schedule(circuit, real)
    levels = circuit.levels()
    span = np.maximum(last_use - levels - 1, 0)
    units = 4 * circuit.ngates + int(span.sum()) + 4 * circuit.ninputs + top + len(circuit.outputs)
    return UNIT_BYTES * units


def compile_circuit(circuit: Circuit, mode: str = "sign") -> Compiled:
    """The layers of the module docstring for ``circuit`` (outputs in order; in ``real``
    mode one more output, ``sum |v_i|``, last)."""
    if mode not in ("sign", "real"):
        raise ValueError(f"unknown mode {mode!r}")
    n = circuit.ninputs
    real = mode == "real"
    top, by_level, last_use = _schedule(circuit, real)
    compiled = Compiled([])
    if real:
        eye = sp.identity(n, format="csr", dtype=np.float64)
        compiled.layers += [Layer(eye, np.ones(n)), Layer(-eye, np.full(n, 2.0))]
        compiled.roles += [[("clamp h", i) for i in range(n)], [("clamp g", i) for i in range(n)]]
        compiled.bounds += [(np.full(n, -np.inf), np.full(n, np.inf))]
        compiled.bounds += [(np.full(n, -np.inf), np.full(n, 2.0))]  # 2 - R(z + 1) <= 2
        forms: dict[int, Form] = {i + 1: (1.0, {i: -1.0}) for i in range(n)}  # v = 1 - g
    else:
        forms = {i + 1: (0.0, {i: 1.0}) for i in range(n)}
    width = n
    sigma: Form | None = None
    wire = wire_gadget()
    for ell in range(1, top + 1):
        lb = _LayerBuilder(width)
        new: dict[int, Form] = {}
        for g in by_level.get(ell, []):
            op, fan = circuit.gate(g)
            gadget = gate_gadget(op, len(fan))
            v = n + 1 + g
            compiled.gadgets[v] = gadget
            new[v] = _apply(lb, gadget, [_literal(forms, x) for x in fan], v)
        if real and ell == 1:
            plus, minus = {}, {}
            for i in range(1, n + 1):
                c, t = forms[i]
                plus[i] = lb.unit((c, t), ("abs+", i), (-1.0, 1.0))
                minus[i] = lb.unit((-c, {k: -w for k, w in t.items()}), ("abs-", i), (-1.0, 1.0))
                new[i] = (0.0, {plus[i]: 1.0, minus[i]: -1.0})
            sigma = (0.0, {u: 1.0 for u in (*plus.values(), *minus.values())})
        elif real:
            assert sigma is not None
            sigma = (0.0, {lb.unit(sigma, ("sigma",), (0.0, float(n))): 1.0})
        for v, form in forms.items():
            if v in new or last_use[v] <= ell:
                continue
            new[v] = _apply(lb, wire, [form], v)
            lb.roles[-1] = ("wire", v)
        compiled.layers.append(lb.layer())
        compiled.roles.append(lb.roles)
        compiled.bounds.append(lb.bounds())
        forms, width = new, len(lb.bias)
    out = _LayerBuilder(width)
    for j, lit in enumerate(circuit.outputs.tolist()):
        out.unit(_literal(forms, lit), ("output", j), (-1.0, 1.0))
    if real:
        out.unit(sigma if sigma is not None else (0.0, {}), ("penalty",), (0.0, float(n)))
    compiled.layers.append(out.layer("identity"))
    compiled.roles.append(out.roles)
    compiled.bounds.append(out.bounds())
    return compiled
