"""Tests for reluhard.solvers.layerwise: Lei et al.'s layer-by-layer inversion (back ends lp,
linf-lp, l1-lp, lp-relax, layerwise) -- exact recovery on random expanding networks, Lei's
Example 1 (a non-convex pre-image), agreement with the MILP where both apply, the two
NOT_INVERTIBLE claims, refusals and time limits."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from reluhard import pipeline
from reluhard.errors import InputError
from reluhard.inversion import Domain, InversionProblem, Query, check_latent
from reluhard.network import Layer, Network, forward
from reluhard.randomnet import random_network, random_problem
from reluhard.solvers import gd, layerwise, milp, solve
from tests.helpers.instances import EXAMPLE

METHODS = layerwise.METHODS  # lp, linf-lp, l1-lp, lp-relax, layerwise
TRACTABLE = (*METHODS, "gd")
BOX = Domain("box", -4, 4)


def assert_sound(problem: InversionProblem, verdict) -> None:
    """(c) A YES from any back end comes with a latent that passes the exact check."""
    assert verdict.status in ("INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN")
    if verdict.status == "INVERTIBLE":
        assert verdict.latent is not None and check_latent(problem, verdict.latent)
        assert verdict.stats.get("checked", True)


def relu_net(*weights) -> Network:
    return Network(tuple(Layer(np.array(W, dtype=float), np.zeros(len(W))) for W in weights))


# --------------------------------------------------------------------------- exact recovery


@pytest.mark.parametrize("method", ["lp", "layerwise"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("bias", [False, True])
def test_exact_recovery_lei_fig1_network(method, activation, bias):
    """Widths 20 -> 100 -> 500 (Lei's "k = 20, 100, 500"), realizable target: the planted
    latent is recovered (latent error <= 1e-6) and verified exactly."""
    for seed in range(3 if (activation, bias) == ("relu", False) else 2):
        p = random_problem([20, 100, 500], seed=seed, activation=activation, bias=bias)
        v = layerwise.solve(p, method=method)
        assert v.status == "INVERTIBLE", v.reason
        assert v.stats["latent_error"] <= 1e-6
        assert v.stats["residual_inf"] <= p.query.delta
        assert_sound(p, v)
        assert [s["layer"] for s in v.stats["layers"]] == [2, 1]
        assert v.stats["lp_solves"] == sum(s["lps"] for s in v.stats["layers"])


@pytest.mark.parametrize(
    "widths", [[20, 100, 500], [100, 250, 600], [500, 1250]], ids=["k20", "k100", "k500"]
)
def test_exact_recovery_at_latent_widths_20_100_500(widths):
    """The issue's "k = 20, 100, 500" read as latent widths too: Lei's Fig. 1 net, the Fig. 2
    net at k = 100, and one expanding layer 500 -> 1250 (factor 2.5 > Lei's 2.1); `lp`
    recovers the planted latent to relative error 1e-6, verified exactly."""
    p = random_problem(widths, seed=11)
    v = layerwise.solve(p, method="lp")
    assert v.status == "INVERTIBLE", v.reason
    assert v.stats["latent_error"] <= 1e-6
    assert all(layer["unique"] for layer in v.stats["layers"])


@pytest.mark.parametrize("method", ["linf-lp", "l1-lp", "lp-relax"])
def test_noisy_lps_recover_noiseless_target(method):
    """The noisy-case LPs also recover a noiseless planted latent on Lei's network."""
    p = random_problem([20, 100, 500], seed=5)
    v = layerwise.solve(p, method=method)
    assert v.status == "INVERTIBLE" and v.stats["latent_error"] <= 1e-4
    assert_sound(p, v)


@pytest.mark.parametrize("method", METHODS[1:])
def test_noisy_target_recovered_approximately(method):
    """Uniform noise 1e-3: eq. (4) is infeasible at the output layer (`layerwise` falls back
    to the l_inf LP there) and every noisy LP recovers z* to a latent error <= 2%. Measured:
    the point's residual is 1.4-3x the noise bound, so the stated query
    ||G(z) - x||_inf <= 1e-3 + 1e-6 (which z* meets) is not met: UNKNOWN, never NO."""
    for seed in range(2):
        p = random_problem([10, 60, 200], seed=seed, noise="uniform", level=1e-3)
        v = layerwise.solve(p, method=method)
        if method == "layerwise":
            assert v.stats["layers"][0]["method"] == "linf-lp"
        assert v.status != "NOT_INVERTIBLE"
        assert v.stats["latent_error"] <= 0.02
        assert_sound(p, v)


# --------------------------------------------------------------------------- Lei's Example 1

EXAMPLE1 = relu_net([[1, 2], [3, 1]], [[1, -1]])


def test_lei_example1_preimage_is_not_convex():
    """G(z) = ReLU(W2 ReLU(W1 z)) with W1 = [[1,2],[3,1]], W2 = [1,-1], x = 1: (-1, 1) and
    (1, 3) are pre-images, their midpoint (0, 2) is not (G = 2), exactly."""
    p = InversionProblem(EXAMPLE1, np.array([1.0]), Domain("real"))
    assert check_latent(p, [-1, 1]) and check_latent(p, [1, 3])
    mid = check_latent(p, [0, 2])
    assert not mid and mid.output == (2,)
    assert forward(EXAMPLE1, np.array([0.0, 2.0])).tolist() == [2.0]


def test_lei_example1_milp_yes_layerwise_never_no():
    """The MILP (SCIP, box [-5, 5], exact query) says INVERTIBLE; every layer-wise back end
    (and gd) returns a verified pre-image or UNKNOWN, never NOT_INVERTIBLE: the output layer
    alone has a non-unique pre-image, so no NO claim is allowed."""
    for domain in (Domain("box", -5, 5), Domain("real")):
        p = InversionProblem(EXAMPLE1, np.array([1.0]), domain)
        if domain.kind == "box":
            v = milp.solve(p, solver="scip")
            assert v.status == "INVERTIBLE"
            assert_sound(p, v)
        for name in TRACTABLE:
            v = solve(p, name)
            assert v.status in ("INVERTIBLE", "UNKNOWN"), (name, v.reason)
            assert_sound(p, v)
            if name in ("lp", "layerwise"):
                assert not v.stats["layers"][0].get("unique")


# --------------------------------------------------------------------------- LP vs MILP


def one_layer_exact_cases(n_cases: int, seed: int):
    """(net, target, realizable) for small one-layer nets with integer weights and biases:
    targets from half-integer latents in [-4, 4], or random non-negative half-integers."""
    rng = np.random.default_rng(seed)
    for trial in range(n_cases):
        k, m = int(rng.integers(2, 4)), int(rng.integers(3, 7))
        W = rng.integers(-3, 4, size=(m, k)).astype(float)
        b = rng.integers(-2, 3, size=m).astype(float) if trial % 2 else np.zeros(m)
        net = Network((Layer(W, b),))
        if trial % 3:
            yield net, forward(net, rng.integers(-8, 9, size=k) / 2), True
        else:
            yield net, rng.integers(0, 9, size=m) / 2, False


def test_lp_agrees_with_milp_on_one_layer_exact_queries():
    """(a) One layer, exact query, box domain: `lp` and SCIP give the same verdict on every
    case, with and without the presolve: INVERTIBLE on realizable targets (a float point, or
    its rounding to nearby rationals, checked exactly), NOT_INVERTIBLE on targets outside the
    range."""
    seen = collections.Counter()
    for net, x, realizable in one_layer_exact_cases(90, seed=3):
        p = InversionProblem(net, x, BOX)
        b = milp.solve(p, solver="scip")
        assert_sound(p, b)
        assert b.status != "UNKNOWN"
        if realizable:
            assert b.status == "INVERTIBLE"
        for presolve in (True, False):  # the least-squares start, and the LP solver alone
            a = layerwise.solve(p, method="lp", presolve=presolve)
            seen[realizable, a.status, b.status] += 1
            assert_sound(p, a)
            assert a.status == b.status, (presolve, a.reason, b.reason)
    assert seen[False, "NOT_INVERTIBLE", "NOT_INVERTIBLE"] >= 15
    assert seen[True, "INVERTIBLE", "INVERTIBLE"] >= 15


def test_lp_finds_non_float_preimage_of_exact_query():
    """ReLU(3 z) = 1 has the pre-image z = 1/3, which no float denotes: SCIP and `lp` both
    find it by rounding their point to nearby rationals."""
    p = InversionProblem(relu_net([[3]]), np.array([1.0]), BOX)
    assert milp.solve(p, solver="scip").latent == [pytest.approx(1 / 3)]
    assert layerwise.solve(p, method="lp").status == "INVERTIBLE"


def test_lp_negative_target_coordinate_is_not_invertible():
    """An exact query whose target has a negative coordinate under a ReLU output layer: SCIP
    says NOT_INVERTIBLE, and LP (4) at the output layer should be infeasible too."""
    p = InversionProblem(relu_net([[1, 0], [0, 1], [1, 1]]), np.array([1.0, -0.5, 1.0]), BOX)
    assert milp.solve(p, solver="scip").status == "NOT_INVERTIBLE"
    assert layerwise.solve(p, method="lp").status == "NOT_INVERTIBLE"


def expanding_two_layer_cases(n_cases: int):
    """(b) 2 -> 8 -> 20 random ReLU nets with a planted latent in [-2, 2]^2, kept when the
    planted pattern makes every layer's inversion unique (hidden >= 2 active units, output
    >= 8 active), as Lei's Thm 3 assumes; about 80% of seeds pass."""
    seed = 0
    while n_cases:
        rng = np.random.default_rng(seed)
        seed += 1
        net = random_network([2, 8, 20], rng=rng)
        z = rng.uniform(-2, 2, size=2)
        h = net.layers[0].act(net.layers[0].pre(z[None, :]))[0]
        x = forward(net, z)
        if np.count_nonzero(h) >= 2 and np.count_nonzero(x) >= 8:
            n_cases -= 1
            yield net, z, x


def test_every_lp_and_the_milp_invert_small_expanding_nets():
    """(b) On 2 -> 8 -> 20 nets with a planted latent in the box and the approximate l_inf
    query ||G(z) - x||_inf <= 1e-6 (and its strict version), every LP back end returns
    INVERTIBLE (recovering the planted latent) and so does the MILP."""
    for net, z, x in expanding_two_layer_cases(12):
        for strict in (False, True):
            q = Query("approx", "inf", 1e-6, strict=strict)
            p = InversionProblem(net, x, BOX, q, planted=z)
            for method in METHODS:
                v = layerwise.solve(p, method=method)
                assert v.status == "INVERTIBLE", (method, v.reason)
                assert v.stats["latent_error"] <= 1e-3
                assert_sound(p, v)
            v = milp.solve(p, solver="scip")
            assert v.status == "INVERTIBLE", v.reason
            assert_sound(p, v)


def test_two_layer_net_with_few_active_units_is_never_no():
    """A 2 -> 8 -> 20 net whose planted output has fewer active units than the hidden width
    (so eq. (4) at the output layer is not unique): no back end may claim NOT_INVERTIBLE,
    whatever layer 1 makes of the hidden point chosen."""
    found = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        net = random_network([2, 8, 20], rng=rng)
        z = rng.uniform(-2, 2, size=2)
        x = forward(net, z)
        if np.count_nonzero(x) >= 8:
            continue
        found += 1
        for query in (Query(), Query("approx", "inf", 1e-6, strict=False)):
            p = InversionProblem(net, x, BOX, query, planted=z)
            for method in METHODS:
                v = layerwise.solve(p, method=method)
                assert v.status != "NOT_INVERTIBLE", (seed, method, v.reason)
                assert_sound(p, v)
    assert found >= 3


# --------------------------------------------------------------------------- NO claims


def test_lp_no_claim_one_layer_target_outside_range():
    """One layer, exact query, a (non-negative) target outside the range: eq. (4) is
    infeasible at the output layer, a proof: NOT_INVERTIBLE, as the MILP says."""
    p = InversionProblem(relu_net([[1], [1]]), np.array([1.0, 2.0]), BOX)
    for method in ("lp", "layerwise"):
        v = layerwise.solve(p, method=method)
        assert v.status == "NOT_INVERTIBLE" and "LP (4) infeasible at layer 1" in v.reason
    assert milp.solve(p, solver="scip").status == "NOT_INVERTIBLE"
    # the approximate l_inf query at delta = 0.4 < 0.5: the l_inf LP proves NO too
    q = InversionProblem(p.network, p.target, BOX, Query("approx", "inf", 0.4, strict=False))
    v = layerwise.solve(q, method="linf-lp")
    assert v.status == "NOT_INVERTIBLE" and "l_inf LP" in v.reason
    assert milp.solve(q, solver="scip").status == "NOT_INVERTIBLE"
    # the other approximate back ends only fail to find one
    for method in ("l1-lp", "lp-relax"):
        assert layerwise.solve(q, method=method).status == "UNKNOWN"


def test_lp_no_claim_two_layers_only_when_later_layer_unique():
    """Two layers: NOT_INVERTIBLE when the output layer's pre-image is a single point that
    layer 1 cannot produce; UNKNOWN (never NO) when the output layer's pre-image is not a
    point, even if the point chosen is not in layer 1's range."""
    # h = (ReLU z, ReLU 2z); x = (h1, h2, h1 + h2) = (1, 1, 2) forces h = (1, 1): impossible
    unique = InversionProblem(relu_net([[1], [2]], [[1, 0], [0, 1], [1, 1]]), [1.0, 1, 2], BOX)
    assert milp.solve(unique, solver="scip").status == "NOT_INVERTIBLE"
    for method in ("lp", "layerwise"):
        v = layerwise.solve(unique, method=method)
        assert v.status == "NOT_INVERTIBLE", v.reason
        assert "every later layer's pre-image a single point" in v.reason
        assert v.stats["layers"][0]["unique"]
    # h = (ReLU z, ReLU z); x = h1 + h2 = 2: pre-image of the output layer is a segment
    shared = InversionProblem(relu_net([[1], [1]], [[1, 1]]), np.array([2.0]), BOX)
    assert milp.solve(shared, solver="scip").status == "INVERTIBLE"
    for method in METHODS:
        v = layerwise.solve(shared, method=method)
        assert v.status != "NOT_INVERTIBLE", (method, v.reason)
        assert_sound(shared, v)


# --------------------------------------------------------------------------- refusals


def test_discrete_domains_are_refused():
    """An LP cannot keep a latent in {-1, 1} or {0, 1}: InputError naming the MILP."""
    sat_sign = pipeline.reduce_instance(pipeline.load_source(EXAMPLE).instance, via="sat-sign")
    assert sat_sign.domain.kind == "sign"
    net = relu_net([[1, 1]])
    problems = [sat_sign] + [
        InversionProblem(net, np.array([1.0]), Domain(kind)) for kind in ("sign", "binary")
    ]
    for p in problems:
        for name in TRACTABLE:
            with pytest.raises(InputError, match="MILP"):
                solve(p, name)
        with pytest.raises(InputError, match="MILP"):
            gd.solve(p)


def test_unknown_method_is_a_value_error():
    with pytest.raises(ValueError, match="unknown layer-wise method"):
        layerwise.solve(random_problem([2, 4], seed=0), method="simplex")


# --------------------------------------------------------------------------- hypothesis


@settings(max_examples=30, deadline=None)
@given(
    k=st.integers(3, 15),
    hidden=st.floats(3.0, 5.0),
    out=st.floats(2.0, 3.0),
    seed=st.integers(0, 2**32 - 1),
    activation=st.sampled_from(["relu", "leaky_relu"]),
    bias=st.booleans(),
)
def test_lp_inverts_random_expanding_nets(k, hidden, out, seed, activation, bias):
    """Random k -> n1 -> n2 nets (n1 in 3k..5k, n2 in 2..3 n1): `lp` never claims NO on a
    realizable target; when the planted hidden layer has >= k active units and the output
    >= n1 (LeakyReLU: always), it returns a verified pre-image with latent error <= 1e-6."""
    n1 = int(round(hidden * k))
    n2 = int(round(out * n1))
    p = random_problem([k, n1, n2], seed=seed, activation=activation, bias=bias)
    L1 = p.network.layers[0]
    h = L1.act(L1.pre(p.planted[None, :]))[0]
    x = forward(p.network, p.planted)
    unique = activation == "leaky_relu" or (
        np.count_nonzero(h > 0) >= k and np.count_nonzero(x > 0) >= n1
    )
    v = layerwise.solve(p, method="lp")
    note(f"widths {[k, n1, n2]}, unique {unique}: {v.status} {v.reason}")
    assert v.status != "NOT_INVERTIBLE"
    assert_sound(p, v)
    if unique:
        assert v.status == "INVERTIBLE", v.reason
        assert v.stats["latent_error"] <= 1e-6


# --------------------------------------------------------------------------- time limits


@pytest.mark.parametrize("name", TRACTABLE)
@pytest.mark.parametrize("time_limit", [1e-9, 1e-3])
def test_tiny_time_limit_gives_a_verdict(name, time_limit):
    """A tiny time limit gives UNKNOWN (or a verified verdict), never an exception."""
    p = random_problem([20, 100, 500], seed=4)
    v = solve(p, name, time_limit=time_limit)
    assert v.status in ("UNKNOWN", "INVERTIBLE")
    assert_sound(p, v)
    if v.status == "UNKNOWN":
        assert v.reason


@pytest.mark.parametrize("via", ["sat-real"])
def test_tractable_back_ends_on_a_reduction_are_never_wrong(via):
    """On the hardness side (a reduction's network: not expanding, not random) the
    tractable back ends often answer UNKNOWN (measured on this sample of 116: `lp` 115 times,
    `gd` 59, `linf-lp` 62), and they are never wrong: on a stride sample of every CNF over
    <= 3 variables with <= 3 clauses, a YES decodes to a model that the CNF checks, and a NO
    is only ever given for an unsatisfiable CNF."""
    from reluhard import pipeline, reductions
    from reluhard.problems import cnf as cnf_mod
    from reluhard.solvers import gd
    from tests.helpers.small_cnfs import all_small_cnfs

    seen = collections.Counter()
    for cnf in all_small_cnfs(shard=0, shards=997):
        p = pipeline.reduce_instance(cnf, via)
        sat = cnf_mod.solve(cnf) is not None
        for name in TRACTABLE:
            v = gd.solve(p) if name == "gd" else layerwise.solve(p, method=name)
            seen[name, v.status] += 1
            if v.status == "INVERTIBLE":
                decoded = reductions.certificate_of(p, v.latent)
                assert decoded is not None and decoded.fault is None, (cnf, name, decoded)
            if v.status == "NOT_INVERTIBLE":
                assert not sat, (cnf, name, v.reason)
    assert sum(seen.values()) >= 6 * 100
