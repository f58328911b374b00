"""The circuit IR: normalisation and structural hashing, the canonical numbering,
simulation against a one-vector reference, lowering to 2-input ANDs, the preimage checker
and the network-file embedding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.problems.circuit import (
    AND,
    MAJ,
    XOR,
    Circuit,
    all_input_vectors,
    describe,
    from_arrays,
    preimage_fault,
    simulate,
    to_arrays,
    truth_table,
)
from reluhard.problems.circuit_build import Builder, neg, rebuild, to_aig
from reluhard.problems.circuit_gen import random_circuit
from tests.helpers.tiers import FULL

EXAMPLES = 200 if FULL else 40


def reference_value(circuit: Circuit, bits) -> list[bool]:
    """One input vector, one gate at a time, in plain Python (the oracle for simulate)."""
    val = [False] + [bool(b) for b in bits]
    for op, fan in circuit.gates():
        ins = [val[x >> 1] ^ bool(x & 1) for x in fan]
        if op == AND:
            val.append(all(ins))
        elif op == XOR:
            val.append(sum(ins) % 2 == 1)
        else:
            val.append(2 * sum(ins) > len(ins))
    return [val[x >> 1] ^ bool(x & 1) for x in circuit.outputs.tolist()]


circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o),
    st.integers(0, 2**32 - 1),
    st.integers(0, 8),
    st.integers(0, 40),
    st.integers(0, 5),
)


def test_and_normalises():
    b = Builder(3)
    x, y, z = b.inputs
    assert b.and_() == 1 and b.and_(x) == x and b.and_(x, 1) == x
    assert b.and_(x, 0) == 0 and b.and_(x, neg(x), y) == 0 and b.and_(x, x) == x
    assert b.and_(x, y) == b.and_(y, x, 1) == b.and_(y, x, y)
    assert b.or_(x, y) == neg(b.and_(neg(x), neg(y)))
    assert b.or_() == 0 and b.or_(x, 1) == 1
    assert len(b.nodes) == 2


def test_xor_and_maj_normalise():
    b = Builder(3)
    x, y, z = b.inputs
    assert b.xor() == 0 and b.xor(1) == 1 and b.xor(x, x) == 0 and b.xor(x, neg(x)) == 1
    assert b.xor(neg(x), y) == neg(b.xor(x, y)) == b.xor(x, y, 1)
    assert b.xor(x, y, x) == y
    assert b.maj(x, y, 0) == b.and_(x, y) and b.maj(x, 1, y) == b.or_(x, y)
    assert b.maj(x, x, y) == x and b.maj(x, neg(x), z) == z
    assert b.maj(neg(x), neg(y), z) == neg(b.maj(x, y, neg(z)))
    ops = [op for op, _ in b.nodes]
    assert ops.count(XOR) == 1 and ops.count(MAJ) == 1


def test_finish_keeps_the_cone_in_canonical_order():
    b = Builder(2)
    x, y = b.inputs
    dead = b.and_(x, neg(y))
    live = b.xor(b.and_(x, y), b.or_(x, y))
    c = b.finish([live, x, 1])
    assert c.ngates == 3 and dead  # the dead gate is dropped
    assert c.gates() == [(AND, [2, 4]), (AND, [3, 5]), (XOR, [6, 8])]
    assert c.outputs.tolist() == [11, 2, 1]  # x&y ^ ~(~x&~y) = ~(x&y ^ ~x&~y)
    assert c.levels().tolist() == [0, 0, 0, 1, 1, 2] and c.depth() == 2


@settings(max_examples=EXAMPLES)
@given(circuits)
def test_canonical_numbering_is_a_fixed_point(c):
    again = rebuild(c)
    assert again == c
    assert rebuild(to_aig(c)) == to_aig(c)


@settings(max_examples=EXAMPLES)
@given(circuits)
def test_simulation_matches_the_reference(c):
    X = all_input_vectors(c.ninputs)
    Y = simulate(c, X)
    assert Y.shape == (X.shape[0], c.noutputs)
    for bits, row in zip(X, Y, strict=True):
        assert row.tolist() == reference_value(c, bits)


@settings(max_examples=EXAMPLES)
@given(circuits)
def test_to_aig_keeps_the_function(c):
    aig = to_aig(c)
    assert set(aig.ops.tolist()) <= {AND} and set(np.diff(aig.offsets).tolist()) <= {2}
    assert np.array_equal(truth_table(aig), truth_table(c))


def test_majority_of_more_inputs_lowers():
    c = Circuit(5, [MAJ], [2, 4, 6, 8, 10], [0, 5], [12])
    assert np.array_equal(truth_table(to_aig(c)), truth_table(c))
    assert truth_table(c)[:, 0].tolist() == [bin(k).count("1") >= 3 for k in range(32)]


def test_the_circuit_type_rejects_bad_layouts():
    with pytest.raises(ValueError, match="topological"):
        Circuit(1, [AND], [2, 4], [0, 2], [4])
    with pytest.raises(ValueError, match="MAJ"):
        Circuit(2, [MAJ], [2, 4], [0, 2], [6])
    with pytest.raises(ValueError, match="output literal"):
        Circuit(1, [], [], [0], [6])
    with pytest.raises(ValueError, match="target"):
        Circuit(1, [], [], [0], [2], target=[1, 0])


def half_adder() -> Circuit:
    b = Builder(2)
    x, y = b.inputs
    return b.finish([b.xor(x, y), b.and_(x, y)], ("x", "y"), ("s", "c"))


def test_preimage_checker_names_what_is_wrong():
    c = half_adder().with_target([0, 1])
    assert preimage_fault(c, [1, 2]) is None and preimage_fault(c, [2, 1, 0]) is None
    assert preimage_fault(c, [1, -2]) == (
        "output 1 (s) is true under the input vector, the target says false (2 outputs differ)"
    )
    assert preimage_fault(c, [1]) == "input 2 (y) has no value"
    assert preimage_fault(c, [1, 3]) == "literal 3 is outside 1..2 (the circuit has 2 inputs)"
    assert preimage_fault(c, [-3]) == "literal -3 is outside -2..-1 (the circuit has 2 inputs)"
    assert preimage_fault(c, [1, -1, 2]) == "input 1 is both true and false in the input vector"
    assert preimage_fault(c, "1 2").startswith("the certificate must be a list")
    assert preimage_fault(half_adder(), [1, 2]) == (  # no target: every output true
        "output 1 (s) is false under the input vector, the target says true"
    )
    assert preimage_fault(half_adder(), [1, 2], target=[0, 1]) is None


def test_arrays_round_trip_with_and_without_target():
    for c in (half_adder(), half_adder().with_target([1, 0])):
        arrays, meta = to_arrays(c)
        again = from_arrays(arrays, meta)
        assert again == c and again.output_names == ("s", "c")
    assert describe(half_adder().with_target([1, 0])).endswith("target 10")
