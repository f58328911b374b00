"""Bijective random generators (random-net --bijective) and Theorem 1's constants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import netfile
from reluhard.network import Layer, Network
from reluhard.posterior import constants as C
from reluhard.posterior import gd
from reluhard.randomnet import bijective_network, random_orthogonal, random_problem
from tests.helpers.cli import one_error_line, run_cli


def test_random_orthogonal_is_orthogonal():
    Q = random_orthogonal(np.random.default_rng(3), 6)
    assert np.allclose(Q.T @ Q, np.eye(6))


@pytest.mark.parametrize("band", [(0.8, 1.25), (0.5, 0.6), (1.0, 1.0)])
def test_weights_have_singular_values_in_the_band_and_no_biases(band):
    net = bijective_network([4, 4, 4, 4], band=band, rng=1)
    assert [layer.activation for layer in net.layers] == ["smooth_leaky_relu"] * 2 + ["identity"]
    for layer in net.layers:
        s = np.linalg.svd(layer.W, compute_uv=False)
        assert band[0] - 1e-12 <= s.min() and s.max() <= band[1] + 1e-12
        assert not layer.b.any()
    assert not net(np.zeros(4)).any()  # G(0) = 0, Assumption 3


@st.composite
def nets(draw, depths=(1, 4), alphas=(0.05, 0.9), lows=(0.3, 1.2)):
    d = draw(st.integers(1, 5))
    depth = draw(st.integers(*depths))
    alpha = draw(st.floats(*alphas))
    lo = draw(st.floats(*lows))
    hi = lo * draw(st.floats(1.0, 2.0))
    seed = draw(st.integers(0, 2**32 - 1))
    return bijective_network([d] * (depth + 1), slope=alpha, band=(lo, hi), rng=seed), seed


@settings(max_examples=40)
@given(nets())
def test_jacobian_singular_values_lie_within_the_predicted_bounds(case):
    """m >= alpha^(L-1) prod s_min and M <= prod s_max at every point (spec B.2)."""
    net, seed = case
    b = C.layer_bounds(net)
    alpha = net.layers[0].slope if len(net.layers) > 1 else 1.0
    prod_min = np.prod([np.linalg.svd(la.W, compute_uv=False).min() for la in net.layers])
    assert b.m_lower == pytest.approx(alpha ** (len(net.layers) - 1) * prod_min)
    Z = np.random.default_rng(seed).normal(0, 4, (200, net.in_dim))
    s = np.linalg.svd(C.jacobians(net, Z), compute_uv=False)
    assert s.min() >= b.m_lower * (1 - 1e-9) and s.max() <= b.M_upper * (1 + 1e-9)
    m, M = C.empirical_m_M(net, samples=200, seed=seed)
    assert b.m_lower * (1 - 1e-9) <= m <= M <= b.M_upper * (1 + 1e-9)


@settings(max_examples=25)
@given(nets())
def test_jacobian_is_the_derivative_and_M_2_bounds_its_change(case):
    net, seed = case
    rng = np.random.default_rng(seed)
    z, v = rng.normal(0, 2, net.in_dim), rng.standard_normal(net.in_dim)
    h = 1e-6
    fd = (net(z + h * v) - net(z - h * v)) / (2 * h)
    assert np.allclose(C.jacobians(net, z[None, :])[0] @ v, fd, atol=1e-6)
    b = C.layer_bounds(net)
    for _ in range(5):
        u = rng.standard_normal(net.in_dim)
        u /= np.linalg.norm(u)
        t = 1e-3
        J0, J1 = C.jacobians(net, np.vstack([z, z + t * u]))
        assert np.linalg.norm(J1 - J0, 2) / t <= b.M_2 * (1 + 1e-2) + 1e-9


@settings(max_examples=25)
@given(nets(depths=(1, 3), alphas=(0.3, 0.9), lows=(0.7, 1.2)))  # GD's rate is (1 - m^2/M^2)
def test_bijective_nets_are_inverted_by_the_gd_phase(case):
    """Injective with m > 0: GD from 0 finds the planted latent of a noiseless target."""
    net, seed = case
    z_star = np.random.default_rng(seed).standard_normal(net.in_dim)
    x = net(z_star)
    _, M = C.empirical_m_M(net, samples=100, seed=seed)
    r = gd.descend(net, x, M=M, max_steps=200_000)
    assert r.residual < 1e-7
    m = C.layer_bounds(net).m_lower
    assert np.linalg.norm(r.z - z_star) <= r.residual / m * (1 + 1e-6) + 1e-12


def test_linear_networks_have_infinite_beta_0_terms_and_finite_constants():
    net = Network((Layer(np.diag([1.0, 2.0]), np.zeros(2), "identity"),))
    b = C.layer_bounds(net)
    assert (b.m_lower, b.M_upper, b.M_2, b.M_3) == (1.0, 2.0, 0.0, 0.0)
    c = C.theorem_constants(2, 1.0, 1.0, 2.0, 0.0, 0.0, beta=0.1, epsilon=0.1)
    assert c.beta_0 == np.inf and c.Q == 4.0
    K = 4 + 1
    assert c.rad_D == pytest.approx(0.4 * np.sqrt(K * np.log(4 * K / 0.1)))
    assert c.S == pytest.approx(4.0 / (c.rad_D / 4) ** 2)


def test_relu_networks_have_no_smooth_constants():
    with pytest.raises(ValueError, match="not smooth"):
        C.layer_bounds(bijective_network([2, 2, 2], activation="leaky_relu", rng=0))


def test_random_problem_bijective_keeps_the_draw_order_and_refuses_biases():
    p = random_problem([3, 3, 3], bijective=True, activation="smooth_leaky_relu", seed=2)
    assert p.reduction.params["bijective"] is True and p.reduction.params["slope"] == 0.2
    assert np.allclose(p.target, p.network(p.planted), atol=1e-12)
    with pytest.raises(ValueError, match="no biases"):
        random_problem([3, 3], bijective=True, bias=True)
    with pytest.raises(ValueError, match="equal widths"):
        random_problem([3, 4], bijective=True)


def test_random_net_cli_bijective_and_old_options(tmp_path, capsys):
    out = tmp_path / "b.npz"
    argv = ["random-net", "--widths", "2,2,2", "--bijective", "--activation",
            "smooth-leaky-relu", "--band", "0.9,1.1", "--seed", "3", "-o", out]  # fmt: skip
    code, text, _ = run_cli(capsys, argv)
    assert code == 0 and "U diag(s) V^T, s ~ U[0.9, 1.1]" in text
    for layer in netfile.read(out).network.layers:
        s = np.linalg.svd(layer.W, compute_uv=False)
        assert 0.9 <= s.min() and s.max() <= 1.1
    code, text, _ = run_cli(capsys, ["random-net", "--widths", "3,5", "--activation",
                                     "leaky_relu", "-o", tmp_path / "l.npz"])  # fmt: skip
    assert code == 0 and "leaky_relu(0.12)" in text
    assert netfile.read(tmp_path / "l.npz").network.layers[0].slope == 0.12
    for bad, code_wanted in (
        (["--widths", "2,3", "--bijective"], 1),
        (["--widths", "2,2", "--bijective", "--bias"], 1),
        (["--widths", "2,2", "--bijective", "--band", "1.2,0.9"], 2),
        (["--widths", "2,2", "--activation", "tanh"], 2),
    ):
        code, _, err = run_cli(capsys, ["random-net", *bad, "-o", tmp_path / "x.npz"])
        assert code == code_wanted, bad
        one_error_line(err)
