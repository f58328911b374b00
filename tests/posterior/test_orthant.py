"""The dichotomy on G = C(sgn z) (reluhard.posterior.orthant): the Feistel circuit is a
bijection, eq. 3's potential for G has the prior's gradient, the Theorem 1 encoder hits the
right orthant at the rate 2^-d, the inverter-based encoder in every trial with every sample
checked, and Lemmas 21-22 hold by brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.posterior import orthant as o
from reluhard.problems.circuit import all_input_vectors, simulate, truth_table
from reluhard.reductions import circuit_sign


@pytest.mark.parametrize("half,rounds", [(3, 1), (4, 3), (6, 4)])
def test_feistel_is_a_bijection(half: int, rounds: int) -> None:
    c = o.feistel(half, rounds, seed=half)
    table = truth_table(c)
    assert len({tuple(r) for r in table.tolist()}) == 2 ** (2 * half)


def test_feistel_matches_its_definition() -> None:
    half, rounds, seed = 4, 3, 5
    c = o.feistel(half, rounds, seed=seed)
    keys = np.random.default_rng(seed).integers(0, 2, size=(rounds, half)).astype(bool)
    X = all_input_vectors(2 * half)
    L, R = X[:, :half], X[:, half:]
    for r in range(rounds):
        f = (np.roll(R, -1, axis=1) & np.roll(R, -3, axis=1)) ^ np.roll(R, -2, axis=1) ^ keys[r]
        L, R = R, L ^ f
    assert np.array_equal(simulate(c, X), np.hstack([L, R]))


def test_feistel_compiles_to_an_exact_network() -> None:
    c = o.feistel(4, 3, seed=1)
    net = circuit_sign.build(c).network
    X = all_input_vectors(8)
    assert np.array_equal(net(np.where(X, 1.0, -1.0)), np.where(simulate(c, X), 1.0, -1.0))


def test_bad_parameters() -> None:
    with pytest.raises(ValueError):
        o.feistel(2, 3)
    with pytest.raises(ValueError):
        o.circuit_potential(o.feistel(3, 1), np.zeros(6), 0.0)


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
def test_potential_gradient_is_the_prior_gradient(seed: int) -> None:
    """Off the coordinate hyperplanes G is locally constant: finite differences of eq. 3's
    L agree with grad L = z."""
    c = o.feistel(3, 2, seed=3)
    rng = np.random.default_rng(seed)
    x = o.observe(c, rng.integers(0, 2, 6).astype(bool), 0.05, rng)
    u, grad_u = o.circuit_potential(c, x, 0.05)
    Z = rng.standard_normal((8, 6))
    Z = np.where(np.abs(Z) < 1e-3, 0.5, Z)
    eps = 1e-6
    fd = np.stack([(u(Z + eps * e) - u(Z - eps * e)) / (2 * eps) for e in np.eye(6)], axis=1)
    assert np.allclose(fd, grad_u(Z), atol=1e-6)
    # and L is the prior term plus the likelihood of the circuit's output
    r = np.where(simulate(c, Z > 0), 1.0, -1.0) - x
    assert np.allclose(u(Z), 0.5 * (Z**2).sum(1) + 0.5 * (r**2).sum(1) / 0.05**2)


def test_theorem1_encoder_samples_the_prior() -> None:
    """d = 8: 2^15 chains, the hit rate's 99.9% interval lies within a factor 2 of 2^-8,
    and the orthant TV to the posterior is near 1 - 2^-8."""
    c = o.feistel(4, 3, seed=2)
    rng = np.random.default_rng(7)
    b = rng.integers(0, 2, 8).astype(bool)
    beta = 0.1 / np.sqrt(8)
    x = o.observe(c, b, beta, rng)
    n = 2**15
    Z = o.theorem1_encoder(c, x, beta, chains=n, step=0.2, steps=10, rng=rng)
    hits = int(np.all((Z > 0) == b, axis=1).sum())
    lo, hi = o.binomial_interval(hits, n, 0.999)
    assert 2**-8 / 2 < lo and hi < 2 * 2**-8
    assert o.orthant_tv(c, x, beta, Z) > 1 - 2 * 2**-8
    # the law ignores x: the marginals are the prior's (variance 1/(1 - h/2) for ULA)
    assert abs(Z.mean()) < 0.02 and abs(Z.var() - 1 / 0.9) < 0.03


def test_ideal_encoder_hits_every_time() -> None:
    c = o.feistel(4, 3, seed=4)
    rng = np.random.default_rng(11)
    beta = 0.1 / np.sqrt(8)
    for _ in range(4):
        b = rng.integers(0, 2, 8).astype(bool)
        x = o.observe(c, b, beta, rng)
        Z, inv = o.ideal_encoder(c, x, 500, rng)
        assert np.array_equal(inv.preimage, b)
        assert np.all((Z > 0) == b)
        assert np.all(simulate(c, Z > 0) == simulate(c, b))
        assert o.orthant_tv(c, x, beta, Z) < 1e-12
        assert any("checked" in s for s in inv.checks)
        # inside the orthant the samples are the half-normal |xi| with the sign of b
        assert abs(np.abs(Z).mean() - np.sqrt(2 / np.pi)) < 0.06


def test_orthant_weights_brute_force() -> None:
    c = o.feistel(3, 2, seed=0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(6)
    beta = 0.7
    logw = o.orthant_log_weights(c, x, beta)
    X = all_input_vectors(6)
    manual = np.array(
        [np.exp(-np.sum((np.where(simulate(c, b), 1, -1) - x) ** 2) / (2 * beta**2)) for b in X]
    )
    assert np.allclose(np.exp(logw), manual / manual.sum())
    assert np.array_equal(o.orthant_index(np.where(X, 1.0, -1.0)), np.arange(64))


def test_binomial_interval() -> None:
    lo, hi = o.binomial_interval(50, 100)
    assert lo < 0.5 < hi and hi - lo < 0.25
    assert o.binomial_interval(0, 10)[0] == 0 and o.binomial_interval(10, 10)[1] == 1


def test_lemma_21_22() -> None:
    c = o.feistel(4, 2, seed=0)
    res = o.lemma_21_22(c, 30, np.random.default_rng(3))
    assert res.rounded == 30
    assert res.max_log_outside < -2 * res.d
    # with a large beta the concentration fails, and the check sees it
    loose = o.lemma_21_22(c, 30, np.random.default_rng(3), beta=1.0)
    assert loose.max_log_outside > -2 * loose.d
