"""The gate gadgets are exact on every input, in float and in exact rational arithmetic:
all 16 two-input Boolean functions, and the k-ary AND, OR, XOR and MAJ gadgets (with every
pattern of input negations for AND), also as one-gate networks through the compiler."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from reluhard.network import Network, exact_forward, forward
from reluhard.problems.circuit import AND, MAJ, XOR, Circuit, truth_table
from reluhard.reductions import gadgets
from reluhard.reductions.circuit_layers import compile_circuit

K_MAX = 6


def sign_rows(k: int) -> np.ndarray:
    return np.array(list(itertools.product((-1, 1), repeat=k)), dtype=np.float64).reshape(-1, k)


def check_exact(g: gadgets.Gadget, expected: np.ndarray) -> int:
    """``g`` equals ``expected`` (+-1 per row of :func:`sign_rows`) in float and exactly;
    returns the number of inputs checked."""
    A = sign_rows(g.arity)
    assert np.array_equal(g(A), expected)
    for a, want in zip(A.tolist(), expected.tolist(), strict=True):
        assert g.exact([int(x) for x in a]) == Fraction(int(want))
    return len(A)


def test_all_sixteen_two_input_functions():
    """Each of the 16 functions gets its cheapest gadget: 2 constants and 4 literals with
    no unit, the 8 threshold functions with one, XOR and XNOR with two."""
    units = []
    for bits in itertools.product((0, 1), repeat=4):
        table = np.where(np.array(bits) > 0, 1.0, -1.0)
        g = gadgets.two_input(bits)
        check_exact(g, table)
        units.append(g.units)
    assert sorted(units) == [0] * 6 + [1] * 8 + [2] * 2


@pytest.mark.parametrize("k", range(1, K_MAX + 1))
def test_k_ary_and_with_every_negation_pattern(k):
    A = sign_rows(k)
    for signs in itertools.product((1, -1), repeat=k):
        lits = A * np.array(signs)
        check_exact(gadgets.and_gadget(k, signs), np.where(np.all(lits > 0, axis=1), 1.0, -1.0))
    check_exact(gadgets.or_gadget(k), np.where(np.any(A > 0, axis=1), 1.0, -1.0))
    assert gadgets.and_gadget(k).units == gadgets.or_gadget(k).units == 1


@pytest.mark.parametrize("k", range(2, K_MAX + 1))
def test_k_ary_xor(k):
    A = sign_rows(k)
    g = gadgets.xor_gadget(k)
    check_exact(g, np.where(np.sum(A > 0, axis=1) % 2 == 1, 1.0, -1.0))
    check_exact(g.negated(), np.where(np.sum(A > 0, axis=1) % 2 == 0, 1.0, -1.0))
    assert g.units == (2 if k == 2 else k)


@pytest.mark.parametrize("k", [3, 5, 7])
def test_k_ary_majority(k):
    A = sign_rows(k)
    g = gadgets.maj_gadget(k)
    check_exact(g, np.where(np.sum(A > 0, axis=1) > k // 2, 1.0, -1.0))
    assert g.units == 2


def test_wire_and_the_spec_formulas():
    check_exact(gadgets.wire_gadget(), np.array([-1.0, 1.0]))
    with pytest.raises(ValueError):
        gadgets.maj_gadget(4)


@pytest.mark.parametrize(
    ("op", "k"), [(AND, k) for k in range(2, 6)] + [(XOR, k) for k in range(2, 6)]
    + [(MAJ, 3), (MAJ, 5)],
)  # fmt: skip
def test_one_gate_networks_with_negated_fanins_and_outputs(op, k):
    """Through the compiler, with every negation pattern allowed for the op, the output
    and its negation: the network is the gate on all inputs (float and exact)."""
    patterns = itertools.product((0, 1), repeat=k) if op != XOR else [(0,) * k]
    for neg in patterns:
        fanins = [2 * (i + 1) + s for i, s in enumerate(neg)]
        c = Circuit(k, [op], fanins, [0, k], [2 * (k + 1), 2 * (k + 1) + 1])
        net = Network(tuple(compile_circuit(c).layers))
        A = sign_rows(k)
        # sign_rows varies the last input fastest; the truth table the first
        want = np.where(truth_table(c), 1.0, -1.0)[_row_order(k)]
        assert np.array_equal(forward(net, A), want)
        num, den = exact_forward(net, A.astype(np.int64))
        assert den == 1 and np.array_equal(num, want.astype(np.int64))


def _row_order(k: int) -> np.ndarray:
    """Index into truth-table rows (input i = bit i) for each row of :func:`sign_rows`."""
    A = sign_rows(k) > 0
    return (A * (1 << np.arange(k))).sum(axis=1)
