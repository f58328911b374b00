"""The Tseitin CNF of a circuit with its target fixed: satisfiable iff a preimage exists,
its models restrict to preimages, and every input vector extends to an assignment that
satisfies the gate clauses (a model exactly when it is a preimage)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.problems.circuit import XOR, Circuit, all_input_vectors, simulate, truth_table
from reluhard.problems.circuit_gen import random_circuit
from reluhard.problems.cnf import check, solve
from reluhard.problems.tseitin import model_of, preimage_cnf
from tests.helpers.tiers import FULL

EXAMPLES = 150 if FULL else 25

circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o, max_fanin=6),
    st.integers(0, 2**32 - 1),
    st.integers(0, 7),
    st.integers(0, 30),
    st.integers(0, 4),
)


@settings(max_examples=EXAMPLES)
@given(circuits, st.integers(0, 2**32 - 1))
def test_satisfiable_iff_a_preimage_exists(c, seed):
    rng = np.random.default_rng(seed)
    table = truth_table(c)
    for target in (table[int(rng.integers(0, len(table)))], rng.random(c.noutputs) < 0.5):
        cnf = preimage_cnf(c.with_target(target))
        model = solve(cnf)
        has = bool(np.any(np.all(table == target, axis=1)))
        assert (model is not None) == has
        if model is not None:
            bits = np.array(model[: c.ninputs]) > 0
            assert np.array_equal(simulate(c, bits), target)


@settings(max_examples=EXAMPLES)
@given(circuits)
def test_every_input_vector_extends_to_its_model(c):
    X = all_input_vectors(c.ninputs)
    for bits, outs in zip(X, truth_table(c), strict=True):
        assert check(preimage_cnf(c.with_target(outs)), model_of(c.with_target(outs), bits))
        if c.noutputs:
            flipped = outs.copy()
            flipped[0] ^= True
            assert not check(preimage_cnf(c.with_target(flipped)), model_of(c, bits))


def test_long_xors_are_chained_and_constants_get_a_variable():
    c = Circuit(6, [XOR], [2, 4, 6, 8, 10, 12], [0, 6], [14, 1, 0])
    cnf = preimage_cnf(c.with_target([1, 1, 0]))
    assert cnf.nvars == 7 + 2 + 1  # gates, two chain variables, the constant
    assert max(len(cl) for cl in cnf.clauses()) == 5  # 4 fanins + the output
    for bits, outs in zip(all_input_vectors(6), truth_table(c), strict=True):
        assert check(cnf, model_of(c.with_target([1, 1, 0]), bits)) == bool(outs[0])
    assert solve(preimage_cnf(c.with_target([1, 0, 0]))) is None  # constant true required false
