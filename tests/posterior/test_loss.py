"""The eq. 3 potential and its eq. 55 gradient against finite differences (hypothesis),
on random small bijective smooth networks."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.network import Layer, Network
from reluhard.posterior.loss import potential, value_and_gradient
from reluhard.randomnet import bijective_network


@st.composite
def cases(draw):
    d = draw(st.integers(1, 4))
    depth = draw(st.integers(1, 4))
    alpha = draw(st.floats(0.05, 0.9))
    seed = draw(st.integers(0, 2**32 - 1))
    beta = draw(st.floats(0.05, 2.0))
    net = bijective_network([d] * (depth + 1), slope=alpha, rng=seed)
    rng = np.random.default_rng(seed)
    Z = rng.normal(0, 1.5, (3, d))
    x = net(rng.standard_normal(d)) + beta * rng.standard_normal(d)
    return net, x, beta, Z


@settings(max_examples=60)
@given(cases())
def test_gradient_matches_central_differences(case):
    net, x, beta, Z = case
    u, grad = potential(net, x, beta)
    g = grad(Z)
    h = 1e-6
    fd = np.empty_like(Z)
    for j in range(Z.shape[1]):
        e = np.zeros(Z.shape[1])
        e[j] = h
        fd[:, j] = (u(Z + e) - u(Z - e)) / (2 * h)
    scale = 1 + np.abs(g).max()
    assert np.max(np.abs(fd - g)) <= 1e-5 * scale, (fd, g)


@settings(max_examples=30)
@given(cases())
def test_value_is_eq_3_and_batch_rows_are_single_points(case):
    net, x, beta, Z = case
    value, grad = value_and_gradient(net, x, beta, Z)
    for i, z in enumerate(Z):
        r = net(z) - x
        assert np.isclose(value[i], 0.5 * (z @ z + r @ r / beta**2))
        assert np.allclose(value_and_gradient(net, x, beta, z[None, :])[1][0], grad[i])
    assert np.allclose(potential(net, x, beta)[0](Z), value)


def test_linear_network_gradient_in_closed_form():
    W = np.array([[2.0, 1.0], [0.0, 1.0]])
    net = Network((Layer(W, np.zeros(2), "identity"),))
    x, beta = np.array([1.0, -1.0]), 0.5
    Z = np.array([[0.3, -0.2], [1.0, 2.0]])
    _, g = value_and_gradient(net, x, beta, Z)
    assert np.allclose(g, Z + (Z @ W.T - x) @ W / beta**2)
