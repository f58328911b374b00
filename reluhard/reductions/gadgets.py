"""Exact ReLU gadgets for Boolean gates on ``{-1, 1}`` (+1 = true): Pareek and Risteski's
``G(z) = C(sgn z)`` (Theorem 2, Sec. 6, App. E) built gate by gate from units
``R(t) = max(t, 0)``. The table and its proofs are Part B.1 of the circuits specification.

A :class:`Gadget` over ``k`` inputs ``a`` has units ``u_j = R(bias_j + W_j . a)`` and the
value ``const + out_units . u + out_inputs . a``. Every gadget the compiler
(:mod:`.circuit_layers`) uses has ``out_inputs = 0``: the gate's value is affine in its own
units alone, so it folds into the next layer's weights.

==================  =====================================================  =====
gate                ReLU formula (exact on +-1 inputs; S = sum of inputs)  units
==================  =====================================================  =====
NOT a               ``-a``, folded into the consumer's weights             0
AND of k literals   ``2 R(S - (k - 1)) - 1``                               1
OR of k literals    ``1 - 2 R(-S - (k - 1))`` (an AND of the negations)    1
XOR(a, b)           ``R(a - b) + R(b - a) - 1``                            2
XOR of k >= 3       ``-1 + R(S + k) + sum_j (-1)^j 2 R(S + k - 2j)``,      k
                    ``j = 1..k-1`` (the parity sawtooth in S)
MAJ of odd k        ``R(S + 1) - R(S - 1) - 1``                            2
wire (pass-through) ``2 R(v) - 1``                                         1
==================  =====================================================  =====

Why each is exact, with ``t`` the number of true inputs (``S = 2t - k``):

- AND: the pre-activation ``S - k + 1 = 2(t - k) + 1`` is 1 when ``t = k`` and at most -1
  otherwise, so ``R`` is 1 or 0. (The bias rule of ``sat-sign``'s clause units.)
- XOR(a, b): ``|a - b|`` is 0 when ``a = b`` and 2 otherwise.
- XOR of k: on ``S in {-k, -k+2, ..., k}`` the parity is -1, +1, -1, ... ; the sum of ramps
  is the piecewise-linear function through those points (slope +1 from ``-k``, turning by
  -2 or +2 at each inner point ``-k + 2j``), and ``R(S + k) = S + k`` since ``S >= -k``.
- MAJ: ``S`` is odd, so ``S >= 1`` gives ``(S + 1) - (S - 1) = 2`` and ``S <= -1`` gives 0.
- Any 2-input function: its Fourier expansion on +-1 is
  ``g = g0 + ga a + gb b + gab ab`` and ``ab = 1 - R(a - b) - R(b - a)``; of the 16, the 2
  constants and 4 literals need no unit, the 8 threshold functions (AND/OR with any input
  negations, NAND, NOR) one, XOR and XNOR two (:func:`two_input`).

The spec's XOR3 as ``XNOR(XNOR(a, b), c)`` costs 4 units in 2 layers; the sawtooth does it
in one layer with 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..problems.circuit import AND, MAJ, XOR


@dataclass(frozen=True, eq=False)
class Gadget:
    """Units ``R(bias + W a)`` over ``k`` inputs and an affine read-out (module docstring)."""

    name: str
    W: np.ndarray  # (units, k) integers
    bias: np.ndarray  # (units,)
    out_units: np.ndarray  # (units,)
    out_inputs: np.ndarray  # (k,)
    const: int

    @property
    def units(self) -> int:
        return int(self.W.shape[0])

    @property
    def arity(self) -> int:
        return int(self.W.shape[1])

    def __call__(self, A: np.ndarray) -> np.ndarray:
        """The float value on a batch of input rows ``A`` (shape ``(batch, k)``)."""
        A = np.atleast_2d(np.asarray(A, dtype=np.float64))
        U = np.maximum(A @ self.W.T + self.bias, 0.0)
        return self.const + U @ self.out_units + A @ self.out_inputs

    def exact(self, a: Sequence) -> Fraction:
        """The value on one input vector in exact rational arithmetic."""
        a = [Fraction(x) for x in a]
        total = Fraction(self.const)
        for row, b, w in zip(self.W.tolist(), self.bias.tolist(), self.out_units.tolist(),
                             strict=True):  # fmt: skip
            pre = Fraction(b) + sum((Fraction(c) * x for c, x in zip(row, a, strict=True)),
                                    Fraction(0))  # fmt: skip
            total += Fraction(w) * max(pre, Fraction(0))
        return total + sum((Fraction(d) * x for d, x in zip(self.out_inputs.tolist(), a,
                                                           strict=True)), Fraction(0))  # fmt: skip

    def negated(self) -> Gadget:
        """The gadget of the negated gate (negation is free: the read-out changes sign)."""
        return Gadget(
            f"NOT {self.name}", self.W, self.bias, -self.out_units, -self.out_inputs, -self.const
        )


def _gadget(name, W, bias, out_units, k, const, out_inputs=None) -> Gadget:
    W = np.asarray(W, dtype=np.float64).reshape(-1, k)
    return Gadget(
        name,
        W,
        np.asarray(bias, dtype=np.float64).reshape(-1),
        np.asarray(out_units, dtype=np.float64).reshape(-1),
        np.zeros(k) if out_inputs is None else np.asarray(out_inputs, dtype=np.float64),
        const,
    )


def and_gadget(k: int, signs: Sequence[int] | None = None) -> Gadget:
    """AND of ``k`` literals ``s_i a_i`` (all ``s_i = 1`` by default): one unit."""
    s = np.ones(k) if signs is None else np.asarray(signs, dtype=np.float64)
    return _gadget(f"AND{k}", [s], [-(k - 1)], [2.0], k, -1)


def or_gadget(k: int) -> Gadget:
    """OR of ``k`` inputs: ``1 - 2 R(-S - (k - 1))``, one unit."""
    return and_gadget(k, [-1] * k).negated()


def xor_gadget(k: int) -> Gadget:
    """XOR (parity) of ``k >= 2`` inputs: two units for ``k = 2``, ``k`` units beyond."""
    if k == 2:
        return _gadget("XOR2", [[1, -1], [-1, 1]], [0, 0], [1, 1], 2, -1)
    W = np.ones((k, k))
    bias = np.array([k] + [k - 2 * j for j in range(1, k)], dtype=np.float64)
    out = np.array([1.0] + [2.0 * (-1) ** j for j in range(1, k)])
    return _gadget(f"XOR{k}", W, bias, out, k, -1)


def maj_gadget(k: int) -> Gadget:
    """Majority of an odd number ``k`` of inputs: two units."""
    if k % 2 == 0:
        raise ValueError("majority needs an odd number of inputs")
    return _gadget(f"MAJ{k}", np.ones((2, k)), [1, -1], [1, -1], k, -1)


def wire_gadget() -> Gadget:
    """A wire carried through a layer: ``2 R(v) - 1`` (exact on +-1)."""
    return _gadget("wire", [[1.0]], [0.0], [2.0], 1, -1)


def gate_gadget(op: int, k: int) -> Gadget:
    """The gadget of a circuit gate of ``op`` (AND, XOR, MAJ) with ``k`` fanins."""
    if op == AND:
        return and_gadget(k)
    if op == XOR:
        return xor_gadget(k)
    if op == MAJ:
        return maj_gadget(k)
    raise ValueError(f"unknown gate op {op}")


#: the input rows of a 2-input truth table: (a, b) = (-1,-1), (-1,1), (1,-1), (1,1)
PAIRS = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=np.float64)


def two_input(table: Sequence[int]) -> Gadget:
    """The cheapest gadget of the 2-input function whose values on :data:`PAIRS` are
    ``table`` (four values in ``{-1, 1}``, or 0/1): 0 units for constants and literals, 1
    for threshold functions, 2 for XOR/XNOR."""
    t = np.where(np.asarray(table) > 0, 1.0, -1.0)
    name = "".join("1" if v > 0 else "0" for v in t)
    if np.all(t == t[0]):
        return _gadget(f"const {name}", np.zeros((0, 2)), [], [], 2, int(t[0]))
    for i in range(2):
        for s in (1.0, -1.0):
            if np.array_equal(t, s * PAIRS[:, i]):
                e = np.zeros(2)
                e[i] = s
                return _gadget(f"literal {name}", np.zeros((0, 2)), [], [], 2, 0, e)
    for sa in (1, -1):
        for sb in (1, -1):
            g = and_gadget(2, [sa, sb])
            for h in (g, g.negated()):
                if np.array_equal(h(PAIRS), t):
                    return Gadget(f"threshold {name}", h.W, h.bias, h.out_units, h.out_inputs,
                                  h.const)  # fmt: skip
    g = xor_gadget(2)
    h = g if np.array_equal(g(PAIRS), t) else g.negated()
    assert np.array_equal(h(PAIRS), t)
    return Gadget(f"parity {name}", h.W, h.bias, h.out_units, h.out_inputs, h.const)
