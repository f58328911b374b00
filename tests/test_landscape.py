"""Tests for reluhard.analysis.landscape: Q_{r,s} against Monte Carlo (spec A.0), Lambda_x,
rho_d (rho_2 = 1/pi and the values of [18]), and h_x against the true subgradient, whose
deviation falls with the width (spec A.4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reluhard.analysis import landscape
from reluhard.network import forward
from reluhard.randomnet import random_network
from reluhard.solvers import gd


def test_q_matches_monte_carlo():
    """E[W_{+,r}^T W_{+,s}] = Q_{r,s}: T = 20 draws, n = 4000, ell = 5, within 5/sqrt(nT)."""
    rng = np.random.default_rng(0)
    n, ell, T = 4000, 5, 20
    r, s = rng.standard_normal(ell), rng.standard_normal(ell)
    mean = np.zeros((ell, ell))
    for _ in range(T):
        W = rng.normal(0.0, 1 / math.sqrt(n), size=(n, ell))
        mean += (W * (W @ r > 0)[:, None]).T @ (W * (W @ s > 0)[:, None]) / T
    assert np.linalg.norm(mean - landscape.Q(r, s), 2) <= 5 / math.sqrt(n * T)


def test_q_special_cases():
    rng = np.random.default_rng(1)
    r, s = rng.standard_normal(4), rng.standard_normal(4)
    assert np.allclose(landscape.Q(r, 3 * r), np.eye(4) / 2)
    assert np.allclose(landscape.Q(r, np.zeros(4)), 0)
    assert np.allclose(landscape.Q(r, -r), 0)  # theta = pi
    q = landscape.Q(r, s)
    assert np.allclose(q, q.T)
    # r^T Q s = E[ReLU(W r)^T ReLU(W s)]: the arc-cosine kernel
    th = math.acos(r @ s / np.linalg.norm(r) / np.linalg.norm(s))
    kernel = np.linalg.norm(r) * np.linalg.norm(s) * (math.sin(th) + (math.pi - th) * math.cos(th))
    assert r @ q @ s == pytest.approx(kernel / (2 * math.pi))


def test_local_map_reproduces_the_network():
    net = random_network([4, 30, 10, 40], rng=2)
    x = np.random.default_rng(3).standard_normal(4)
    L = landscape.local_map(net, x)
    assert np.allclose(L @ x, forward(net, x))
    assert np.allclose(landscape.local_map(net, x, 2) @ x, forward(net, x, all_layers=True)[1])
    # the Jacobian: J^T r by backpropagation equals L^T r
    _, grad = gd.objective_and_gradient(net, x, np.zeros(40))
    assert np.allclose(grad, L.T @ (L @ x))


def test_rho():
    assert landscape.rho(1) == pytest.approx(0.0, abs=1e-15)
    assert landscape.rho(2) == pytest.approx(1 / math.pi, abs=1e-15)
    for d, value in [(3, 0.4937), (4, 0.6048), (5, 0.6810), (6, 0.7359), (8, 0.8091)]:
        assert landscape.rho(d) == pytest.approx(value, abs=5e-4)


def test_h_vanishes_at_the_two_critical_points():
    xs = np.random.default_rng(4).standard_normal(5)
    for d in (2, 4):
        assert np.allclose(landscape.h(xs, xs, d), 0)
        assert np.allclose(landscape.h(-landscape.rho(d) * xs, xs, d), 0)


def _deviation(widths: list[int], samples: int = 10) -> float:
    devs = []
    for s in range(samples):
        net = random_network(widths, rng=s)
        rng = np.random.default_rng(100 + s)
        x, xs = rng.standard_normal(widths[0]), rng.standard_normal(widths[0])
        _, grad = gd.objective_and_gradient(net, x, forward(net, xs))
        hx = landscape.h(x, xs, len(widths) - 1)
        devs.append(np.linalg.norm(grad - hx) / np.linalg.norm(hx))
    return float(np.median(devs))


def test_h_approximates_the_gradient_better_with_width():
    """Spec A.4: median ||grad f - h_x|| / ||h_x|| <= 0.4 at width 500, and at width 2000 at
    most 0.65 times that (the n^{-1/2} concentration)."""
    narrow, wide = _deviation([5, 500, 500]), _deviation([5, 2000, 2000])
    assert narrow <= 0.4 and wide <= 0.65 * narrow
