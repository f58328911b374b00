"""ULA and MALA on a 1-D Gaussian potential: the law they reach, within a tolerance set by
the sample size (N independent chains, fixed seeds).

For ``N(mu, s^2)`` ULA's step is the AR(1) map ``z <- (1 - h/s^2) z + (h/s^2) mu +
sqrt(2h) xi``, whose stationary law is ``N(mu, s^2 / (1 - h/(2 s^2)))`` exactly (spec B.2);
MALA is unbiased. From a point start the variance reaches the stationary value up to a
factor ``(1 - h/s^2)^(2K)``, negligible at the step counts used."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard.posterior.samplers import mala, ula

MU, S = 1.7, 0.4
N = 40_000
Z_TOL = 5.0  # standard errors: a false failure has probability below 1e-6


def gaussian(mu=MU, s=S):
    def u(Z):
        return 0.5 * ((Z[:, 0] - mu) / s) ** 2

    def grad(Z):
        return (Z - mu) / s**2

    return u, grad


def _check_moments(Z, mean, var):
    """Mean within 5 standard errors ``sqrt(var/N)``, variance within 5 of its standard
    error ``var sqrt(2/(N-1))`` (Gaussian samples)."""
    n = Z.shape[0]
    assert abs(Z.mean() - mean) <= Z_TOL * np.sqrt(var / n), (Z.mean(), mean)
    assert abs(Z.var(ddof=1) - var) <= Z_TOL * var * np.sqrt(2 / (n - 1)), (Z.var(), var)


@pytest.mark.parametrize("c", [0.05, 0.5, 1.0])
def test_ula_reaches_its_biased_stationary_law(c):
    h = c * S**2
    _, grad = gaussian()
    steps = int(np.ceil(20 / c))  # (1 - c)^(2 steps) < e^-40
    Z = ula(grad, np.zeros((N, 1)), step=h, steps=steps, rng=np.random.default_rng(7))
    var = S**2 / (1 - h / (2 * S**2))
    _check_moments(Z, MU, var)
    if c >= 0.5:  # the bias is far outside the tolerance: the unbiased law fails
        with pytest.raises(AssertionError):
            _check_moments(Z, MU, S**2)


@pytest.mark.parametrize("c", [0.2, 1.0])
def test_mala_is_unbiased_and_reports_its_acceptance(c):
    h = c * S**2
    u, grad = gaussian()
    Z, acc = mala(u, grad, np.full((N, 1), MU), step=h, steps=150, rng=np.random.default_rng(3))
    _check_moments(Z, MU, S**2)
    assert 0.5 < acc < 1.0


def test_on_step_sees_every_step_and_the_start_is_not_moved():
    u, grad = gaussian()
    z0 = np.zeros((5, 1))
    seen = []
    Z = ula(grad, z0, step=0.01, steps=7, rng=np.random.default_rng(0),
            on_step=lambda k, Z: seen.append((k, Z.copy())))  # fmt: skip
    assert [k for k, _ in seen] == list(range(1, 8)) and np.array_equal(seen[-1][1], Z)
    assert not z0.any()
    seen.clear()
    _, acc = mala(u, grad, z0, step=0.01, steps=3, rng=np.random.default_rng(0),
                  on_step=lambda k, Z: seen.append(k))  # fmt: skip
    assert seen == [1, 2, 3] and 0 <= acc <= 1


def test_zero_steps_return_the_start_and_bad_parameters_raise():
    u, grad = gaussian()
    z0 = np.ones((3, 1))
    assert np.array_equal(ula(grad, z0, step=0.1, steps=0, rng=np.random.default_rng(0)), z0)
    Z, acc = mala(u, grad, z0, step=0.1, steps=0, rng=np.random.default_rng(0))
    assert np.array_equal(Z, z0) and np.isnan(acc)
    for kw in ({"step": 0.0, "steps": 1}, {"step": -1.0, "steps": 1},
               {"step": float("nan"), "steps": 1}, {"step": 0.1, "steps": -1}):  # fmt: skip
        with pytest.raises(ValueError):
            ula(grad, z0, rng=np.random.default_rng(0), **kw)
    with pytest.raises(ValueError, match="shape"):
        ula(grad, np.ones(3), step=0.1, steps=1, rng=np.random.default_rng(0))


def test_mala_rejects_proposals_into_overflow():
    """A potential that is infinite off [-1, 1]: no chain ever leaves it."""

    def u(Z):
        return np.where(np.abs(Z[:, 0]) <= 1, 0.5 * Z[:, 0] ** 2, np.inf)

    def grad(Z):
        return Z

    Z, acc = mala(u, grad, np.zeros((2000, 1)), step=0.5, steps=50,
                  rng=np.random.default_rng(1))  # fmt: skip
    assert np.all(np.abs(Z) <= 1) and acc < 1
