"""``circuit-real``: on latents with every ``|z_i| >= 1`` the network is ``(C(sgn z), n)``,
and wherever some ``|z_i| < 1`` the penalty output is below ``n`` (off target), exactly, on
grids of real latents; a preimage exists iff the network is invertible (the MILP agrees
with the truth table); the clamp of a solution is a solution."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import pipeline
from reluhard.inversion import check_latent
from reluhard.network import exact_output, forward
from reluhard.problems.circuit import all_input_vectors, simulate, truth_table
from reluhard.problems.circuit_gen import random_circuit
from reluhard.reductions import circuit_query, circuit_real
from reluhard.status import Status
from tests.helpers.tiers import FULL

EXAMPLES = 200 if FULL else 20
GRID = (-3, -1, Fraction(-1, 2), 0, Fraction(1, 4), Fraction(7, 8), 1, Fraction(5, 2))


def expected(c, z) -> tuple[list[int], Fraction]:
    """What the network must output at ``z``: the circuit on ``sgn z`` and ``n`` when every
    ``|z_i| >= 1``; otherwise only the penalty is fixed, ``sum_i min(|z_i|, 1) < n``."""
    bits = np.array([v > 0 for v in z], dtype=bool)
    outs = [1 if b else -1 for b in simulate(c, bits)]
    return outs, sum((min(abs(Fraction(v)), Fraction(1)) for v in z), Fraction(0))


def check_point(c, net, z) -> None:
    out = exact_output(net, z)
    outs, penalty = expected(c, z)
    assert out[-1] == penalty
    if all(abs(Fraction(v)) >= 1 for v in z):
        assert out[:-1] == outs and penalty == c.ninputs
    else:
        assert penalty < c.ninputs  # off target, whatever the other outputs read


@pytest.mark.parametrize("seed", range(8 if FULL else 3))
def test_a_grid_of_real_latents(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(rng, 3, 12, 3)
    net = circuit_real.build(c).network
    for z in itertools.product(GRID, repeat=3):
        check_point(c, net, list(z))


random_circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o, max_fanin=4),
    st.integers(0, 2**32 - 1),
    st.integers(0, 10),
    st.integers(0, 80),
    st.integers(0, 6),
)


@settings(max_examples=EXAMPLES)
@given(random_circuits, st.integers(0, 2**32 - 1))
def test_random_circuits_on_corners_and_random_real_points(c, seed):
    p = circuit_real.build(c)
    n = c.ninputs
    X = all_input_vectors(n)
    want = np.c_[np.where(truth_table(c), 1.0, -1.0), np.full(len(X), float(n))]
    Z = np.where(X, 1.0, -1.0)
    assert np.array_equal(forward(p.network, Z).reshape(want.shape), want)
    scale = 1 + np.random.default_rng(seed).random(Z.shape) * 2  # |z_i| >= 1: same outputs
    assert np.array_equal(forward(p.network, Z * scale).reshape(want.shape), want)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        z = [Fraction(int(k), 4) for k in rng.integers(-8, 9, size=n)]
        check_point(c, p.network, z)


@pytest.mark.parametrize("seed", range(8 if FULL else 3))
def test_preimage_exists_iff_invertible(seed):
    rng = np.random.default_rng(100 + seed)
    c = random_circuit(rng, int(rng.integers(2, 5)), int(rng.integers(3, 14)), 2)
    table = {"".join("1" if b else "0" for b in row) for row in truth_table(c)}
    for outputs in ("00", "01", "10", "11"):
        p = pipeline.reduce_instance(c, "circuit-real", "circuit", outputs=outputs)
        d = pipeline.decide(p, "auto", time_limit=60)
        assert (d.status is Status.INVERTIBLE) == (outputs in table), outputs
        if d.status is Status.INVERTIBLE:
            assert circuit_query.fault(c, d.certificate, outputs=outputs) is None
            z = [Fraction(v) for v in d.verdict.latent]
            clamped = [max(Fraction(-1), min(Fraction(1), v)) for v in z]
            assert check_latent(p, clamped)


def test_the_box_and_the_planted_corner():
    c = random_circuit(np.random.default_rng(9), 4, 10, 2)
    p = circuit_real.build(c, planted="0110")
    assert p.domain.kind == "real" and p.domain.bounds() == (-1.0, 1.0)
    assert "clamp" in p.domain.reason
    assert check_latent(p, p.planted) and check_latent(p, 2 * p.planted)
    assert not check_latent(p, 0.5 * p.planted)
