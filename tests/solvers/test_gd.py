"""Tests for reluhard.solvers.gd: the gradient of 1/2 ||G(z) - x||^2 against finite
differences, recovery on Lei's random networks, the negation check of the non-expansive-prior
paper, divergence, box domains and refusals."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reluhard import pipeline
from reluhard.errors import InputError
from reluhard.inversion import Domain, InversionProblem, check_latent
from reluhard.network import Layer, Network, forward
from reluhard.randomnet import random_problem
from reluhard.solvers import gd, solve
from tests.helpers.instances import EXAMPLE

STEP = 1e-6


def pre_activations(net: Network, z: np.ndarray) -> list[np.ndarray]:
    pres, a = [], z
    for layer in net.layers:
        pre = layer.pre(a[None, :])[0]
        pres.append(pre)
        a = layer.act(pre)
    return pres


def pattern(net: Network, z: np.ndarray) -> list[np.ndarray]:
    return [p > 0 for p in pre_activations(net, z)]


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    widths=st.lists(st.integers(1, 8), min_size=2, max_size=4),
    activations=st.lists(st.sampled_from(["relu", "leaky_relu", "identity"]), min_size=3),
    slope=st.floats(0.01, 0.9),
)
def test_gradient_matches_central_differences(seed, widths, activations, slope):
    """At a random point away from every kink (each pre-activation at least 1e-6 from 0 and
    the activation pattern the same at every z +- h e_i), f is quadratic on the stencil, so
    central differences equal the gradient up to rounding."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:], strict=False)):
        act = activations[i]
        W = rng.normal(0.0, 1.0, size=(n_out, n_in))
        layers.append(Layer(W, rng.normal(0.0, 0.5, size=n_out), act, slope * (act != "relu")))
    net = Network(tuple(layers))
    z = rng.normal(0.0, 1.0, size=widths[0])
    x = rng.normal(0.0, 1.0, size=widths[-1])
    assume(all(np.min(np.abs(p)) > 1e-6 for p in pre_activations(net, z)))
    base = pattern(net, z)
    f, g = gd.objective_and_gradient(net, z, x)
    assert f == pytest.approx(0.5 * np.sum((forward(net, z) - x) ** 2), rel=1e-12, abs=1e-15)
    fd = np.empty_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e[i] = STEP
        for zz in (z + e, z - e):
            assume(all(np.array_equal(a, b) for a, b in zip(pattern(net, zz), base, strict=True)))
        fd[i] = (gd.objective_and_gradient(net, z + e, x)[0] - gd._value(net, z - e, x)) / (
            2 * STEP
        )
    scale = max(1.0, f, float(np.max(np.abs(g))))
    assert np.max(np.abs(fd - g)) <= 1e-6 * scale


def test_subgradient_takes_relu_derivative_zero_at_zero():
    """At a kink (pre-activation exactly 0) the step uses ReLU'(0) = 0, LeakyReLU'(0) = c."""
    z, x = np.array([0.0]), np.array([1.0])
    relu = Network((Layer(np.array([[2.0]]), np.zeros(1)),))
    assert gd.objective_and_gradient(relu, z, x) == (0.5, pytest.approx([0.0]))
    leaky = Network((Layer(np.array([[2.0]]), np.zeros(1), "leaky_relu", 0.25),))
    f, g = gd.objective_and_gradient(leaky, z, x)
    assert f == 0.5 and g == pytest.approx([-0.5])  # r = -1, times c = 0.25, times W = 2


# --------------------------------------------------------------------------- recovery


@pytest.mark.parametrize("negation", [False, True])
def test_gd_recovers_random_network(negation):
    """Lei's baseline on a 10 -> 100 -> 300 net: latent error <= 1e-6, verified exactly."""
    for seed in range(3):
        p = random_problem([10, 100, 300], seed=seed)
        v = gd.solve(p, negation=negation)
        assert v.status == "INVERTIBLE", v.reason
        assert v.stats["latent_error"] <= 1e-6
        assert check_latent(p, v.latent)
        assert v.stats["grad_norm"] <= 1e-9 and 0 < v.stats["iterations"] < 1000
        assert ("negations" in v.stats) == negation


def test_gd_negation_count_recorded(monkeypatch):
    """The negation option records how many times z moved to -z; started at -z* (where
    f(z*) = 0 < f(-z*)), the first check negates and lands on z* exactly."""
    p = random_problem([5, 40, 120], seed=3)
    v = gd.solve(p, negation=True, seed=0)
    assert isinstance(v.stats["negations"], int) and v.stats["negations"] >= 0

    class Start:
        def standard_normal(self, n):
            return -p.planted

    monkeypatch.setattr(gd.np.random, "default_rng", lambda seed: Start())
    v = gd.solve(p, negation=True, iterations=5)
    assert v.stats["negations"] == 1
    assert v.status == "INVERTIBLE" and v.stats["latent_error"] == 0.0
    v = gd.solve(p, negation=False, iterations=5)
    assert "negations" not in v.stats and v.status == "UNKNOWN"


def test_gd_options_through_solve():
    """solvers.solve passes typed options (strings parsed) to gd."""
    p = random_problem([5, 40, 120], seed=1)
    v = solve(p, "gd", options={"lr": "0.5", "iterations": "3", "negation": "yes", "seed": "4"})
    assert v.stats["lr"] == 0.5 and v.stats["iterations"] <= 3 and v.stats["seed"] == 4
    assert "negations" in v.stats and v.status == "UNKNOWN"


def test_gd_divergence_is_unknown_not_an_exception():
    """lr = 100 overflows: UNKNOWN with a 'diverged' reason, never an exception."""
    p = random_problem([10, 100, 300], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        v = gd.solve(p, lr=100.0)
    assert v.status == "UNKNOWN" and "diverged" in v.reason
    assert v.latent is None


def test_gd_divergence_under_warnings_as_errors():
    p = random_problem([10, 100, 300], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert gd.solve(p, lr=100.0).status == "UNKNOWN"


def test_gd_time_limit():
    """A time limit stops the descent after the first step: UNKNOWN mentioning it."""
    p = random_problem([10, 100, 300], seed=0)
    v = gd.solve(p, time_limit=1e-9)
    assert v.status == "UNKNOWN" and "time limit" in v.reason and v.stats["iterations"] == 1


# --------------------------------------------------------------------------- domains


def test_gd_stays_inside_a_box(monkeypatch):
    """With a box domain every iterate gd evaluates (and the negated points) lies in the box;
    a planted latent inside the box is recovered, one outside is not (UNKNOWN, residuals of
    the projected point)."""
    seen = []
    real_grad, real_value = gd.objective_and_gradient, gd._value

    def spy_grad(net, z, x):
        seen.append(np.array(z))
        return real_grad(net, z, x)

    def spy_value(net, z, x):
        seen.append(np.array(z))
        return real_value(net, z, x)

    monkeypatch.setattr(gd, "objective_and_gradient", spy_grad)
    monkeypatch.setattr(gd, "_value", spy_value)
    p = random_problem([5, 40, 120], seed=2)
    for lo, hi in [(-0.3, 0.3), (-3.0, 3.0)]:
        seen.clear()
        box = InversionProblem(
            p.network, p.target, Domain("box", lo, hi), p.query, planted=p.planted
        )
        v = gd.solve(box, negation=True, lr=1.0)
        assert seen and all(np.all((lo <= z) & (z <= hi)) for z in seen)
        inside = bool(np.all(np.abs(p.planted) <= hi))
        assert inside == (hi == 3.0)
        if inside:
            assert v.status == "INVERTIBLE" and v.stats["latent_error"] <= 1e-6
        else:
            assert v.status == "UNKNOWN" and v.stats["latent_error"] > 0.1


def test_gd_refuses_discrete_domains():
    """gd searches real or box latents: a sat-sign network (latent {-1,1}^n) is refused."""
    problem = pipeline.reduce_instance(pipeline.load_source(EXAMPLE).instance, via="sat-sign")
    with pytest.raises(InputError, match="needs the MILP"):
        gd.solve(problem)
    net = Network((Layer(np.eye(2), np.zeros(2)),))
    with pytest.raises(InputError):
        gd.solve(InversionProblem(net, np.ones(2), Domain("binary")))


def test_negation_check_escapes_the_spurious_point():
    """The non-expansive-prior paper's negation check: on random 2 -> 20 -> 200 ReLU nets
    plain gradient descent from a random start sometimes stalls near the spurious critical
    point -rho z* (measured: 5 of 40 seeds); with the check every run recovers z*."""
    from reluhard.solvers.recovery import latent_error

    plain = negation = 0
    for s in range(40):
        p = random_problem([2, 20, 200], seed=s, check=False)
        plain += latent_error(p, gd.descend(p, seed=s).z) <= 1e-3
        negation += latent_error(p, gd.descend(p, seed=s, negation=True).z) <= 1e-3
    assert negation >= 38
    assert negation > plain
