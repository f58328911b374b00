"""Tests for the single-layer LPs of reluhard.solvers.lp (Lei et al. 2019, eq. (4) and
Algorithms 1-3): exact recovery of a layer's input, the search for the first feasible eps
(slip 1), negative observations (slip 2), LeakyReLU's sign (slip 3), and the l_inf LP
deciding one-layer l_inf queries like the MILP."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reluhard.inversion import Domain, InversionProblem, Query, check_latent
from reluhard.network import Layer, Network, forward
from reluhard.solvers import layerwise, lp, milp
from reluhard.solvers.lp import MAX_ROUNDS, _first_feasible
from reluhard.solvers.lp_model import LPResult

FREE = (np.full(1, -np.inf), np.full(1, np.inf))


def free(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(n, -np.inf), np.full(n, np.inf)


def gaussian_layer(n_in: int, n_out: int, rng, activation="relu", slope=0.0, bias=False):
    W = rng.normal(0.0, 1.0 / np.sqrt(n_out), size=(n_out, n_in))
    b = rng.normal(0.0, 1.0 / np.sqrt(n_out), size=n_out) if bias else np.zeros(n_out)
    return Layer(W, b, activation, slope)


def out(layer: Layer, h: np.ndarray) -> np.ndarray:
    return layer.act(layer.pre(np.asarray(h, dtype=float)[None, :]))[0]


# --------------------------------------------------------------------------- eq. (4)


@pytest.mark.parametrize(("n_in", "factor"), [(2, 3), (5, 3), (20, 5), (40, 4)])
@pytest.mark.parametrize("bias", [False, True])
def test_exact_step_recovers_tall_relu_layer(n_in, factor, bias):
    """On a random ReLU layer with n_out >= 3 n_in the planted input is recovered to 1e-9
    and reported unique (its active rows have full column rank)."""
    rng = np.random.default_rng(1000 * n_in + factor + bias)
    for _ in range(5):
        layer = gaussian_layer(n_in, factor * n_in, rng, bias=bias)
        h = rng.standard_normal(n_in)
        y = out(layer, h)
        if np.count_nonzero(y > 0) < n_in:
            continue  # too few active rows for uniqueness (rare at these widths)
        step = lp.exact_step(layer, y, *free(n_in))
        assert step.status == "optimal" and step.unique
        assert np.max(np.abs(step.h - h)) <= 1e-9 * max(1.0, np.max(np.abs(h)))
        assert step.extra["equalities"] == np.count_nonzero(y > 0)


def test_exact_step_with_few_active_rows_is_feasible_not_unique():
    """Fewer active rows than inputs: the LP is feasible (its point is a pre-image) but the
    pre-image is not a point, and the step says so."""
    W = np.array([[1.0, 0, 0], [0, 1.0, 0], [-1.0, -1.0, 0], [0, 0, 1.0], [1.0, 1.0, 1.0]])
    layer = Layer(W, np.zeros(5))
    y = out(layer, np.array([1.0, 2.0, 1.0]))
    assert np.count_nonzero(y > 0) == 4  # rows 0, 1, 3, 4 -- full rank: unique
    assert lp.exact_step(layer, y, *free(3)).unique
    y = out(layer, np.array([1.0, 2.0, -4.0]))  # rows 0, 1 active only
    assert np.count_nonzero(y > 0) == 2
    step = lp.exact_step(layer, y, *free(3))
    assert step.h is not None and not step.unique
    assert np.max(np.abs(out(layer, step.h) - y)) <= 1e-9


@pytest.mark.parametrize(("activation", "slope"), [("leaky_relu", 0.12), ("identity", 0.0)])
@pytest.mark.parametrize("bias", [False, True])
def test_exact_step_recovers_leaky_relu_and_identity(activation, slope, bias):
    """LeakyReLU (inverted through max(a, c a)'s inverse) and identity layers: every row is an
    equality, so any layer with n_out >= n_in recovers its input uniquely, negative outputs
    included."""
    rng = np.random.default_rng(7 + bias)
    for n_in, n_out in [(3, 3), (4, 9), (10, 30)]:
        layer = gaussian_layer(n_in, n_out, rng, activation, slope, bias)
        h = rng.standard_normal(n_in)
        y = out(layer, h)
        assert (y < 0).any()
        step = lp.exact_step(layer, y, *free(n_in))
        assert step.unique and step.extra["equalities"] == n_out
        assert np.max(np.abs(step.h - h)) <= 1e-9


def test_exact_step_respects_bounds():
    """The input bounds are LP bounds: a pre-image outside them is not found."""
    layer = Layer(np.array([[1.0], [2.0]]), np.zeros(2))
    y = np.array([3.0, 6.0])
    assert lp.exact_step(layer, y, np.array([0.0]), np.array([5.0])).h == pytest.approx([3.0])
    assert lp.exact_step(layer, y, np.array([0.0]), np.array([2.0])).status == "infeasible"


def test_exact_step_negative_observation_has_no_preimage():
    """A ReLU output is >= 0, so y with a coordinate -0.3 has an empty pre-image; the module
    docstring says eq. (4)'s feasible set is exactly the pre-image of y."""
    layer = Layer(np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2))
    step = lp.exact_step(layer, np.array([1.0, -0.3]), *free(2))
    assert step.h is None and step.status == "infeasible"


# --------------------------------------------------------------------------- slip 1


def monotone_oracle(threshold: int | None):
    """A feasibility oracle feasible exactly from ``threshold`` on (never when None), and the
    list of the t it was asked about."""
    calls: list[int] = []

    def solve_t(t: int) -> LPResult:
        calls.append(t)
        if threshold is not None and t >= threshold:
            return LPResult("optimal", np.array([float(t)]), float(t))
        return LPResult("infeasible", None, None)

    return solve_t, calls


def sequential_scan(threshold: int | None) -> int:
    """What Alg. 1 with "until feasible" does: t = 0, 1, 2, ... until feasible."""
    solve_t, _ = monotone_oracle(threshold)
    for t in range(MAX_ROUNDS + 1):
        if solve_t(t).x is not None:
            return t
    return MAX_ROUNDS


def check_first_feasible(threshold: int | None) -> None:
    solve_t, calls = monotone_oracle(threshold)
    t, result = _first_feasible(solve_t, None)
    assert t == sequential_scan(threshold)
    if threshold is not None and threshold <= MAX_ROUNDS:
        assert result.x is not None and result.x[0] == t  # the LP solved at that t
    else:
        assert result.x is None
    assert len(calls) <= 2 * np.log2(MAX_ROUNDS) + 3  # doubling then bisection


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(0, 128), st.integers(MAX_ROUNDS + 1, 10_000), st.none()))
@example(0)
@example(1)
@example(128)
@example(None)
def test_first_feasible_matches_sequential_scan(threshold):
    """Doubling and bisection find the same t as the sequential scan t = 0, 1, 2, ..., with
    O(log t) oracle calls, including "never feasible" (t = MAX_ROUNDS, infeasible LP)."""
    check_first_feasible(threshold)


@settings(max_examples=40, deadline=None)
@given(st.integers(129, MAX_ROUNDS))
@example(150)
def test_first_feasible_matches_sequential_scan_above_128(threshold):
    """The same property for a threshold between the last power of two and MAX_ROUNDS."""
    check_first_feasible(threshold)


def test_linf_step_first_feasible_eps_from_tiny_start():
    """Rows |h - 1| <= d and |h - 1.1| <= d need eps >= 0.05; from eps0 = 1e-12 the first
    feasible eps0 1.2^t is t = 135 (eps ~ 0.053), but 1e-12 1.2^200 ~ 6.9e3 comes back."""
    layer = Layer(np.array([[1.0], [1.0]]), np.zeros(2))
    step = lp.linf_step(layer, np.array([1.0, 1.1]), *FREE, eps=1e-12)
    assert step.h is not None
    assert 0.05 <= step.eps <= 0.05 * 1.2


def test_linf_step_grows_eps_until_feasible():
    """Alg. 1 "until feasible": the eps returned is the first feasible eps0 alpha^t, i.e. the
    one before it is infeasible, and the point is within it."""
    layer = Layer(np.array([[1.0], [1.0]]), np.zeros(2))
    y = np.array([1.0, 1.1])
    step = lp.linf_step(layer, y, *FREE, eps=1e-3, alpha=1.5)
    assert step.h is not None and 0.05 <= step.eps < 0.05 * 1.5
    assert step.objective == pytest.approx(0.05)
    assert np.max(np.abs(out(layer, step.h) - y)) <= step.eps
    assert lp.linf_step(layer, y, *FREE, eps=step.eps / 1.5, known=True).h is None


# --------------------------------------------------------------------------- slip 2


def test_linf_lp_negative_observation_delta_at_least_its_size():
    """A ReLU output is >= 0, so an observation coordinate -0.3 costs delta >= 0.3 whatever
    h is; the l_inf LP's optimal delta says so (printed set (6) would allow delta ~ 0)."""
    layer = Layer(np.array([[1.0, 0.5], [-1.0, 2.0], [0.5, -1.0]]), np.zeros(3))
    y = np.array([1.0, -0.3, 0.2])
    for eps, known in [(1.0, True), (0.5, True), (1e-3, False), (1e-9, False)]:
        step = lp.linf_step(layer, y, *free(2), eps=eps, known=known)
        assert step.h is not None and step.objective >= 0.3 - 1e-12
        assert np.max(np.abs(out(layer, step.h) - y)) <= step.eps + 1e-9
    # below 0.3 no l_inf ball around y meets the range: infeasible
    assert lp.linf_step(layer, y, *free(2), eps=0.29, known=True).status == "infeasible"


def test_l1_lp_negative_observation_costs_its_size():
    """The l_1 LP's slack of a negative ReLU observation is at least its size."""
    layer = Layer(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.zeros(3))
    y = np.array([1.0, -0.3, 1.0])
    step = lp.l1_step(layer, y, *free(2), eps=1e-6)
    assert step.h is not None and step.objective >= 0.3 - 1e-12
    assert step.extra["residual_l1"] == pytest.approx(0.3)


def small_one_layer_cases(n_cases: int, seed: int):
    """Small one-layer ReLU nets with integer weights, quarter-grid targets (half of them
    planted from a half-integer latent in [-4, 4] plus noise, half random, negative entries
    included)."""
    rng = np.random.default_rng(seed)
    for trial in range(n_cases):
        k, m = int(rng.integers(2, 4)), int(rng.integers(3, 7))
        W = rng.integers(-3, 4, size=(m, k)).astype(float)
        net = Network((Layer(W, np.zeros(m)),))
        if trial % 2 == 0:
            z = rng.integers(-8, 9, size=k) / 2
            x = forward(net, z) + rng.integers(-2, 3, size=m) * 0.25
        else:
            x = rng.integers(-8, 9, size=m) / 2
        yield net, x


def linf_problem(net, x, delta) -> InversionProblem:
    return InversionProblem(net, x, Domain("box", -4, 4), Query("approx", "inf", delta, False))


def test_linf_lp_decides_one_layer_linf_queries_like_the_milp():
    """For deltas away from the optimum (0.3/0.7/1.3 on quarter-grid targets: measured, never
    min ||G(z) - x||_inf for these seeds): linf-lp and SCIP never contradict each other,
    linf-lp is never UNKNOWN (the known-eps LP is exact), and the two give the same verdict
    on every problem (the MILP finds an interior point by maximising the slack)."""
    seen = collections.Counter()
    for net, x in small_one_layer_cases(60, seed=0):
        for delta in (0.3, 0.7, 1.3):
            p = linf_problem(net, x, delta)
            a = layerwise.solve(p, method="linf-lp")
            b = milp.solve(p, solver="scip")
            seen[a.status, b.status] += 1
            assert a.status != "UNKNOWN", a.reason
            assert a.status == b.status, (net.layers[0].W, x, delta, b.reason)
            if a.status == "INVERTIBLE":
                assert check_latent(p, a.latent)
    assert seen["INVERTIBLE", "INVERTIBLE"] > 10 and seen["NOT_INVERTIBLE", "NOT_INVERTIBLE"] > 10


def test_linf_lp_at_tight_deltas_is_unknown_only_on_the_boundary():
    """Measured, not weakened: with delta = 0 or a delta equal to the optimum (tight), linf-lp
    is sometimes UNKNOWN where SCIP (which rounds to nearby rationals) says INVERTIBLE; in
    every such case the float point lies on the boundary (residual within 1e-9 of delta), so
    the exact check fails by rounding only. Verdicts never contradict."""
    seen = collections.Counter()
    for net, x in small_one_layer_cases(50, seed=1):
        for delta in (0.0, 0.25, 0.5):
            p = linf_problem(net, x, delta)
            a = layerwise.solve(p, method="linf-lp")
            b = milp.solve(p, solver="scip")
            seen[a.status, b.status] += 1
            if "UNKNOWN" not in (a.status, b.status):
                assert a.status == b.status
            if a.status == "UNKNOWN":
                assert b.status != "NOT_INVERTIBLE"
                assert a.stats["residual_inf"] <= delta + 1e-9, a.reason
    assert seen["NOT_INVERTIBLE", "NOT_INVERTIBLE"] > 10


def test_milp_finds_interior_point_of_nonstrict_linf_query():
    """linf-lp finds a point with residual < 0.3 here, so the MILP could too."""
    W = np.array([[1.0, 2.0, -1.0], [0.0, 3.0, 2.0], [3.0, -1.0, 1.0], [3.0, 1.0, 2.0]])
    p = linf_problem(Network((Layer(W, np.zeros(4)),)), np.array([6.0, 2.0, 2.0, 4.25]), 0.3)
    assert layerwise.solve(p, method="linf-lp").status == "INVERTIBLE"
    assert milp.solve(p, solver="scip").status == "INVERTIBLE"


# --------------------------------------------------------------------------- slip 3


def test_leaky_relu_is_max_a_ca():
    """LeakyReLU(a) = max(a, c a): a negative input gives c a (< 0), not c |a|; in the float
    forward pass, the exact forward pass and the inverse eq. (4) uses."""
    layer = Layer(np.array([[1.0], [-1.0]]), np.zeros(2), "leaky_relu", 0.25)
    assert out(layer, np.array([2.0])).tolist() == [2.0, -0.5]
    net = Network((layer,))
    p = InversionProblem(net, np.array([2.0, -0.5]), Domain("real"))
    assert check_latent(p, [2.0]) and not check_latent(p, [-2.0])
    assert not check_latent(InversionProblem(net, np.array([2.0, 0.5]), Domain("real")), [2.0])
    step = lp.exact_step(layer, np.array([2.0, -0.5]), *FREE)
    assert step.h == pytest.approx([2.0]) and step.unique
    # c |a| would make (-0.5, 2.0) a LeakyReLU output of a = -2 (c |a| = 0.5): it is not
    assert lp.exact_step(layer, np.array([0.5, 2.0]), *FREE).status == "infeasible"


def test_relax_step_recovers_relu_layer():
    """Alg. 3 on a tall noiseless ReLU layer: the relaxation's point is within its eps."""
    rng = np.random.default_rng(3)
    layer = gaussian_layer(5, 40, rng)
    h = rng.standard_normal(5)
    step = lp.relax_step(layer, out(layer, h), *free(5), eps=1e-8)
    assert step.h is not None and np.max(np.abs(step.h - h)) <= 1e-5


# --------------------------------------------------------------------------- presolve


@pytest.mark.parametrize("method", ["lp", "linf-lp", "l1-lp", "layerwise"])
def test_presolve_gives_the_lp_solution_on_realizable_targets(method):
    """On realizable targets of expanding networks the least-squares point is certified at
    every layer (no LP solved) and is the point the LP solver finds when it is made to run."""
    from reluhard.randomnet import random_problem

    for seed in range(4):
        p = random_problem([6, 30, 90], seed=seed)
        fast = layerwise.recover(p, method=method)
        slow = layerwise.recover(p, method=method, presolve=False)
        assert fast.stats["lp_solves"] == 0
        assert all(layer.get("presolved") for layer in fast.stats["layers"])
        assert slow.stats["lp_solves"] >= 2
        assert np.max(np.abs(fast.z - slow.z)) <= 1e-8 * max(1.0, np.max(np.abs(slow.z)))


@pytest.mark.parametrize("method", ["linf-lp", "l1-lp"])
def test_presolve_declines_noisy_targets(method):
    """With noise the least-squares point needs more slack than the LP's lower bound, so it
    is not certified at the output layer and the LP solver decides, as printed."""
    from reluhard.randomnet import random_problem

    p = random_problem([6, 30, 90], seed=1, noise="uniform", level=1e-3)
    fast = layerwise.recover(p, method=method)
    slow = layerwise.recover(p, method=method, presolve=False)
    assert fast.stats["layers"][0]["lps"] >= 1
    assert np.allclose(fast.z, slow.z, atol=1e-7)
