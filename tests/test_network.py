"""The forward passes: float and exact rational agree with a plain Fraction reference on
random networks (dense and CSR layers, all activations, tiny to huge magnitudes), singly
and in batches; the exact check of a latent rejects with a reason."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from reluhard.inversion import Domain, InversionProblem, Query, check_latent
from reluhard.network import Layer, Network, exact_forward, exact_output, forward


def reference(layers, z):
    a = [Fraction(v) for v in z]
    for layer in layers:
        W = layer.W.toarray() if layer.sparse else layer.W
        pre = [
            sum((Fraction(W[i, j]) * a[j] for j in range(W.shape[1])), Fraction(0))
            + Fraction(layer.b[i])
            for i in range(W.shape[0])
        ]
        if layer.activation == "relu":
            a = [max(p, Fraction(0)) for p in pre]
        elif layer.activation == "leaky_relu":
            a = [max(p, Fraction(layer.slope) * p) for p in pre]
        else:
            a = pre
    return a


def random_net(rng, kind: int) -> Network:
    dims = rng.integers(1, 6, size=4)
    layers = []
    for i in range(3):
        W = rng.normal(size=(dims[i + 1], dims[i])) * 10.0 ** rng.integers(-3, 4)
        if kind % 3 == 0:
            W = np.round(W)
        W[rng.random(W.shape) < 0.3] = 0
        if kind % 7 == 0:
            W = W * 1e200  # forces the Python-integer path
        if kind % 2:
            W = sp.csr_array(W)
        act = ["relu", "leaky_relu", "identity"][rng.integers(3)]
        layers.append(Layer(W, rng.normal(size=dims[i + 1]), act, 0.1))
    return Network(tuple(layers))


@given(st.integers(0, 2**32 - 1))
def test_exact_forward_matches_fraction_reference(seed):
    rng = np.random.default_rng(seed)
    net = random_net(rng, seed)
    z = rng.normal(size=net.in_dim)
    assert exact_output(net, z) == reference(net.layers, z)
    Z = rng.normal(size=(3, net.in_dim))
    num, den = exact_forward(net, Z)
    for k in range(3):
        assert [Fraction(int(v), den) for v in num[k]] == reference(net.layers, Z[k])
    if seed % 7:  # float pass close to exact where magnitudes are sane
        exact = np.array([float(v) for v in reference(net.layers, z)])
        assert np.allclose(forward(net, z), exact, rtol=1e-9, atol=1e-9 * np.abs(exact).max())


def test_exact_forward_takes_fractions():
    net = Network((Layer(np.array([[3.0, -1.0]]), np.array([0.5]), "relu"),))
    assert exact_output(net, [Fraction(1, 3), Fraction(1, 7)]) == [
        Fraction(1, 1) - Fraction(1, 7) + Fraction(1, 2)
    ]


def test_check_latent_reasons():
    net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    exact = InversionProblem(net, np.array([1.0, 0.0]), Domain("sign"))
    assert check_latent(exact, [1, -1]).reason.startswith("output 1 is -1")
    assert "not in {-1, 1}" in check_latent(exact, [1, 0.5]).reason
    assert "length" in check_latent(exact, [1]).reason
    approx = InversionProblem(
        net, np.array([0.25, 0.0]), Domain("box", -1, 1), Query("approx", 2, 0.75, strict=True)
    )
    assert check_latent(approx, [0.75, 0.0]).ok  # ||(0.5, 0)||_2 = 0.5 < 0.75
    assert "||G(z) - x||_2 = 1.06066 is not < 0.75" in check_latent(approx, [1.0, 0.75]).reason
    assert (
        "outside" in check_latent(approx, [2.0, 0.0]).reason
        or "not in" in check_latent(approx, [2.0, 0.0]).reason
    )


@pytest.mark.parametrize(
    "p,strict,z",
    [
        (1, True, [1.0, 0.5]),
        (1, True, [0.5, 0.25]),
        (2, True, [0.25, 0.75]),  # exactly on the boundary: not < 0.75
        (2, False, [0.25, 0.75]),  # ... but <= 0.75
        ("inf", True, [1.0, 0.0]),  # boundary again
        ("inf", False, [1.0, 0.0]),
        (3, True, [0.75, 0.5]),
    ],
)
def test_approx_queries_exact(p, strict, z):
    net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    problem = InversionProblem(
        net, np.array([0.25, 0.0]), Domain("box", -1, 1), Query("approx", p, 0.75, strict=strict)
    )
    d = np.array(z) - [0.25, 0.0]
    norm = np.abs(d).max() if p == "inf" else (np.abs(d) ** p).sum() ** (1 / p)
    expected = norm < 0.75 if strict else norm <= 0.75
    assert check_latent(problem, z).ok == expected
