"""The exact reference (reluhard.posterior.reference) against closed forms: the grid
posterior of a Gaussian potential, ULA's exact stationary law on a Gaussian, and the
distances on identical and known distributions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr

from reluhard.posterior import reference as ref


def gaussian_1d(mu: float, s: float):
    def u(Z: np.ndarray) -> np.ndarray:
        return (Z[:, 0] - mu) ** 2 / (2 * s**2)

    def grad(Z: np.ndarray) -> np.ndarray:
        return (Z - mu) / s**2

    return u, grad


def gaussian_2d(mu: np.ndarray, cov: np.ndarray):
    P = np.linalg.inv(cov)

    def u(Z: np.ndarray) -> np.ndarray:
        D = Z - mu
        return 0.5 * np.einsum("ni,ij,nj->n", D, P, D)

    def grad(Z: np.ndarray) -> np.ndarray:
        return (Z - mu) @ P

    return u, grad


@given(st.floats(-3, 3), st.floats(0.05, 4))
@settings(max_examples=25, deadline=None)
def test_grid_posterior_1d_matches_the_gaussian(mu: float, s: float) -> None:
    u, _ = gaussian_1d(mu, s)
    g = ref.grid_posterior_1d(u, mu - 12 * s, mu + 12 * s, 2001)
    exact = np.exp(-((g.z - mu) ** 2) / (2 * s**2)) / (s * np.sqrt(2 * np.pi))
    assert np.max(np.abs(g.p - exact)) * s < 1e-9
    assert abs(np.sum(g.z * g.p) * g.dz - mu) < 1e-9 * (1 + abs(mu))


def test_grid_posterior_2d_matches_the_gaussian() -> None:
    mu = np.array([0.4, -1.1])
    A = np.array([[1.0, 0.7], [0.2, 0.5]])
    cov = A @ A.T * 0.3
    u, grad = gaussian_2d(mu, cov)
    zhat = ref.map_point(grad, np.zeros(2))
    assert np.allclose(zhat, mu, atol=1e-10)
    g = ref.grid_posterior_2d(u, grad, zhat, width=7, n=280)
    lam = np.linalg.eigvalsh(cov)[::-1]
    assert np.allclose(g.sd**2, lam, rtol=1e-6)
    # in eigen-coordinates the density is the product of N(0, lam_i)
    a0, a1 = g.axes
    exact = np.outer(
        np.exp(-(a0**2) / (2 * lam[0])) / np.sqrt(2 * np.pi * lam[0]),
        np.exp(-(a1**2) / (2 * lam[1])) / np.sqrt(2 * np.pi * lam[1]),
    )
    assert np.max(np.abs(g.p - exact)) / exact.max() < 1e-9
    # bin masses are products of normal-CDF differences
    masses = ref.bin_masses(g, 28)
    e0 = np.linspace(-7, 7, 29)
    m1 = np.diff(ndtr(e0))
    assert np.max(np.abs(masses - np.outer(m1, m1))) < 2e-5


def test_ula_stationary_variance_closed_form() -> None:
    assert ref.ula_gaussian_variance(1.0, 0.2) == pytest.approx(1 / 0.9)
    # iterate the variance recursion of the chain directly
    s2, h = 0.7, 0.3
    v = 0.0
    for _ in range(2000):
        v = (1 - h / s2) ** 2 * v + 2 * h
    assert v == pytest.approx(ref.ula_gaussian_variance(s2, h), rel=1e-12)
    with pytest.raises(ValueError):
        ref.ula_gaussian_variance(1.0, 2.5)


@pytest.mark.parametrize("c", [0.05, 0.2, 0.5])
def test_exact_ula_propagation_converges_to_the_closed_form(c: float) -> None:
    mu, s = 0.8, 0.3
    u, grad = gaussian_1d(mu, s)
    h = c * s**2
    g = ref.grid_posterior_1d(u, mu - 12 * s, mu + 12 * s, 1201)
    laws = ref.ula_propagate_1d(g, grad, h, z0=mu + 2 * s, record=[1, 2, 400])
    # step 1 from a point mass: N(z0 - h L'(z0), 2h)
    m1 = mu + 2 * s - h * 2 / s
    exact1 = np.exp(-((g.z - m1) ** 2) / (4 * h)) / np.sqrt(4 * np.pi * h)
    assert np.allclose(laws[1], exact1)
    v = ref.ula_gaussian_variance(s**2, h)
    stationary = np.exp(-((g.z - mu) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)
    assert ref.tv_grid(laws[400], stationary, g.dz) < 1e-6
    # the mass is conserved (the grid holds the chain)
    assert np.sum(laws[400]) * g.dz == pytest.approx(1, abs=1e-9)
    # the plateau TV to the target is the Gaussian TV, and near the spec's formula
    tv = ref.tv_grid(laws[400], g.p, g.dz)
    assert tv == pytest.approx(ref.tv_gaussians_same_mean(s, np.sqrt(v)), abs=1e-5)
    assert tv == pytest.approx(ref.ula_bias_tv(h, s**2), rel=0.25 if c <= 0.2 else 0.5)


def test_tv_of_gaussians_known_values() -> None:
    assert ref.tv_gaussians_same_mean(1.0, 1.0) == 0.0
    # numerical integral of |p - q| / 2
    z = np.linspace(-40, 40, 400001)
    for s1, s2 in [(1.0, 2.0), (0.5, 0.55), (3.0, 1.0)]:
        p = np.exp(-(z**2) / (2 * s1**2)) / (s1 * np.sqrt(2 * np.pi))
        q = np.exp(-(z**2) / (2 * s2**2)) / (s2 * np.sqrt(2 * np.pi))
        num = 0.5 * np.abs(p - q).sum() * (z[1] - z[0])
        assert ref.tv_gaussians_same_mean(s1, s2) == pytest.approx(num, abs=1e-7)


def test_tv_grid_identical_and_disjoint() -> None:
    p = np.array([0.5, 0.5, 0.0, 0.0])
    q = np.array([0.0, 0.0, 0.5, 0.5])
    assert ref.tv_grid(p, p, 1.0) == 0.0
    assert ref.tv_grid(p, q, 1.0) == 1.0
    assert ref.tv_grid(p, np.array([0.25, 0.75, 0, 0]), 1.0) == 0.25


def standard_grid():
    u, grad = gaussian_2d(np.zeros(2), np.eye(2))
    return ref.grid_posterior_2d(u, grad, np.zeros(2), width=7, n=280)


def test_tv_binned_and_w1_floor_and_known_values() -> None:
    g = standard_grid()
    rng = np.random.default_rng(0)
    n = 200_000
    exact = ref.grid_samples(g, n, rng)
    floor = ref.tv_binned(g, exact)
    # the floor is the Monte-Carlo noise: about sqrt(2/(pi n)) / 2 * sum sqrt(p)
    masses = ref.bin_masses(g)
    expected = 0.5 * np.sqrt(2 / (np.pi * n)) * np.sum(np.sqrt(masses * (1 - masses)))
    assert 0.7 * expected < floor < 1.3 * expected
    assert max(ref.w1_grid(g, exact)) < 0.01
    # samples all outside the box: TV 1
    assert ref.tv_binned(g, np.full((10, 2), 100.0)) == pytest.approx(1.0)
    # a shift by t moves the marginal W1 by t (beyond the MC noise)
    w = ref.w1_grid(g, exact + np.array([0.3, 0.0]))
    assert w[0] == pytest.approx(0.3, abs=0.01) and w[1] < 0.01
    # half the samples in one far-off point: TV at least 1/2
    bad = exact.copy()
    bad[: n // 2] = 50.0
    assert ref.tv_binned(g, bad) >= 0.5


def test_w1_to_cells_exact_cases() -> None:
    # one cell [0, 1] uniform against a point mass at 0: W1 = 1/2
    assert ref.w1_to_cells(np.zeros(5), np.array([0.5]), 1.0, np.array([1.0])) == pytest.approx(
        0.5, abs=1e-3
    )
    # uniform on [0, 2] against samples at the quantile midpoints: W1 = 1/(2n) * (cell width)
    n = 100
    x = (np.arange(n) + 0.5) / n * 2
    mids = np.array([0.5, 1.5])
    assert ref.w1_to_cells(x, mids, 1.0, np.array([0.5, 0.5])) == pytest.approx(
        2 / (4 * n), rel=0.05
    )
    # a point mass at 3 against uniform [0,1]: W1 = 2.5
    assert ref.w1_to_cells(np.array([3.0]), np.array([0.5]), 1.0, np.array([1.0])) == pytest.approx(
        2.5
    )


def test_bad_parameters() -> None:
    u, grad = gaussian_1d(0, 1)
    g = ref.grid_posterior_1d(u, -5, 5, 101)
    with pytest.raises(ValueError):
        ref.ula_propagate_1d(g, grad, -0.1, 0.0, [1])
    with pytest.raises(ValueError):
        ref.ula_propagate_1d(g, grad, 0.1, 0.0, [0])
    with pytest.raises(ValueError):
        ref.grid_posterior_1d(u, 1, 0, 10)
    with pytest.raises(ValueError):
        ref.bin_masses(standard_grid(), 27)
