"""The MILP back ends (CP-SAT, SCIP, HiGHS) against brute force and python-sat.

- Small instances: a stride sample of the exhaustive enumeration of helpers/small_cnfs.py (every
  formula with --full), both SAT reductions, every back end: the verdict equals
  brute force's (for sat-real, brute force runs on the sat-sign network of the same formula,
  which the exhaustive tests tie to it), every INVERTIBLE latent passes the exact check.
- SATLIB: every uf/uuf file, both reductions, every back end (the default, i.e. CP-SAT, and
  SCIP and HiGHS), against CaDiCaL and the file's own label; each SAT answer's model checked.
- Approximate queries on small networks against brute force; time limits; refusals.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from reluhard.errors import InputError
from reluhard.inversion import Domain, InversionProblem, Query, check_latent
from reluhard.network import Layer, Network, forward
from reluhard.options import parse_values
from reluhard.pipeline import reduce_instance
from reluhard.problems.cnf import check, random_kcnf
from reluhard.problems.cnf import solve as reference_solve
from reluhard.problems.dimacs_cnf import read_cnf
from reluhard.reductions import sat_real, sat_sign
from reluhard.solvers import brute, milp
from reluhard.solvers import solve as solve_with
from tests.helpers.instances import SATLIB
from tests.helpers.small_cnfs import all_small_cnfs
from tests.helpers.tiers import FULL

BACKENDS = ["cpsat", "scip", "highs"]
STRIDE = 1 if FULL else 193  # 595 formulas by default (one MILP each costs 30-100 ms)


@pytest.mark.parametrize("backend", BACKENDS)
def test_agrees_with_brute_on_small_instances(backend):
    count = 0
    for f in all_small_cnfs(0, STRIDE):
        truth = brute.solve(sat_sign.build(f)).status
        for red in (sat_sign.REDUCTION, sat_real.REDUCTION):
            problem = red.build(f)
            verdict = milp.solve(problem, solver=backend)
            assert verdict.status == truth, (f.clauses(), red.name, verdict)
            if verdict.latent is not None:
                assert check_latent(problem, verdict.latent).ok
                assert check(f, red.decode(f, [float(v) for v in verdict.latent]))
        count += 1
    assert count >= 114721 // STRIDE


def _satlib(satlib, prefixes):
    return [p for p in satlib if p.name.startswith(prefixes)]


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
def test_satlib_default_backend_agrees_with_cadical(satlib, via):
    for path in _satlib(satlib, ("uf", "uuf")):
        f = read_cnf(path)
        expected = reference_solve(f) is not None
        assert expected == path.name.startswith("uf")
        problem = reduce_instance(f, via=via)
        verdict = solve_with(problem, time_limit=120)
        assert verdict.status == ("INVERTIBLE" if expected else "NOT_INVERTIBLE"), path.name
        if expected:
            model = (sat_sign if via == "sat-sign" else sat_real).decode(
                f, [float(v) for v in verdict.latent]
            )
            assert check(f, model), path.name


SATLIB_FILES = sorted(p.name for p in (SATLIB.glob("u*.cnf") if SATLIB.is_dir() else []))


@pytest.mark.parametrize("backend", ["scip", "highs"])
@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
@pytest.mark.parametrize("name", SATLIB_FILES or ["(absent)"])
def test_satlib_every_file_every_backend(name, backend, via):
    if not SATLIB_FILES:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    f = read_cnf(SATLIB / name)
    verdict = milp.solve(reduce_instance(f, via=via), solver=backend, time_limit=120)
    expected = "INVERTIBLE" if name.startswith("uf") else "NOT_INVERTIBLE"
    assert verdict.status == expected, (name, verdict.reason)
    if verdict.latent is not None:
        red = sat_sign if via == "sat-sign" else sat_real
        assert check(f, red.decode(f, [float(v) for v in verdict.latent]))


def test_sat_real_becomes_two_valued_and_binary_free():
    f = random_kcnf(30, 120, 3, np.random.default_rng(3))
    verdict = milp.solve(reduce_instance(f, via="sat-real"), solver="scip")
    assert verdict.stats["two_valued_latents"] == 30
    assert verdict.stats["binaries"] == 0  # every ReLU is affine in one latent binary


def test_time_limit_is_honoured():
    f = random_kcnf(600, 2556, 3, np.random.default_rng(11))  # ratio 4.26: hard for a MILP
    problem = reduce_instance(f, via="sat-real")
    t0 = time.perf_counter()
    verdict = milp.solve(problem, solver="scip", time_limit=2)
    elapsed = time.perf_counter() - t0
    assert verdict.status == "UNKNOWN" and "time limit" in verdict.reason
    assert elapsed < 6


def _tiny(query: Query, domain: Domain, target) -> InversionProblem:
    W1 = np.array([[1.0, -2.0, 1.0], [2.0, 1.0, -1.0], [-1.0, 1.0, 2.0]])
    W2 = np.array([[1.0, 1.0, -1.0], [2.0, -1.0, 1.0]])
    net = Network((Layer(W1, np.array([0.0, -1.0, 1.0])), Layer(W2, np.zeros(2), "identity")))
    return InversionProblem(net, np.asarray(target, float), domain, query)


@pytest.mark.parametrize("p", [1, 2, 3, "inf"])
@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("delta", [0.0, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("kind", ["sign", "binary"])
def test_approximate_queries_agree_with_brute(p, strict, delta, kind):
    for target in ([0, 0], [1, 3], [2, -1], [5, 5]):
        problem = _tiny(Query("approx", p, delta, strict), Domain(kind), target)
        truth = brute.solve(problem).status
        for backend in ("cpsat", "scip", "highs"):  # scip/highs: outer approximation for p >= 2
            verdict = milp.solve(problem, solver=backend)
            assert verdict.status == truth, (p, strict, delta, kind, target, backend)


def test_refusals_are_clear():
    f = random_kcnf(5, 10, 3, np.random.default_rng(0))
    real = reduce_instance(f, via="sat-real")
    box = InversionProblem(real.network, real.target, Domain("real"), real.query)
    with pytest.raises(InputError, match="no stated box"):
        milp.solve(box, solver="scip")
    approx = _tiny(Query("approx", 2, 1.0), Domain("sign"), [0, 0])
    with pytest.raises(InputError, match="unknown"):
        solve_with(approx, "gurobi")


@pytest.mark.parametrize("p", [2, 3])
@pytest.mark.parametrize("strict", [True, False])
def test_outer_approximation_on_a_real_latent_agrees_with_a_fine_grid(p, strict):
    """SCIP and HiGHS decide p >= 2 on a box latent by tangent cuts; the answer must agree
    with the exact minimum over a grid that contains the optimum (a lattice point here)."""
    for delta, target in ((1.0, [0, 0]), (0.5, [1, 3]), (2.0, [2, -1]), (0.0, [1, 1])):
        problem = _tiny(Query("approx", p, delta, strict), Domain("box", -1.0, 1.0), target)
        grid = np.linspace(-1, 1, 9)
        Z = np.array(np.meshgrid(grid, grid, grid)).reshape(3, -1).T
        on_grid = any(check_latent(problem, z).ok for z in Z)
        for backend in ("scip", "highs"):
            verdict = milp.solve(problem, solver=backend)
            assert verdict.status in ("INVERTIBLE", "NOT_INVERTIBLE"), verdict.reason
            if verdict.status == "INVERTIBLE":
                assert check_latent(problem, verdict.latent).ok
            if on_grid:  # a solution exists: the cuts must not lose it
                assert verdict.status == "INVERTIBLE", (p, strict, delta, target, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_lp_tightening_keeps_answers(backend):
    rng = np.random.default_rng(5)
    for seed in range(6):
        f = random_kcnf(8, 34, 3, np.random.default_rng(seed))
        truth = brute.solve(sat_sign.build(f)).status
        for via in ("sat-sign", "sat-real"):
            verdict = milp.solve(reduce_instance(f, via=via), solver=backend, lp_tighten=1.0)
            assert verdict.status == truth
    # a random dense network: tightening may cut bounds but never the answer
    W1, W2 = rng.integers(-3, 4, (6, 4)).astype(float), rng.integers(-2, 3, (2, 6)).astype(float)
    net = Network(
        (Layer(W1, rng.integers(-2, 3, 6).astype(float)), Layer(W2, np.zeros(2), "identity"))
    )
    for target in ([0, 0], [1, 2], [3, -1]):
        problem = InversionProblem(net, np.array(target, float), Domain("binary"))
        truth = brute.solve(problem).status
        assert milp.solve(problem, solver=backend, lp_tighten=1.0).status == truth


def test_leaky_units_agree_with_brute():
    """Leaky ReLU ``max(a, c a)``: a unit that is stably negative outputs ``c a`` (not 0),
    an unstable one is ``c a + (1 - c) ReLU(a)``; SCIP and HiGHS agree with brute force."""
    rng = np.random.default_rng(3)
    for _ in range(8):
        W1 = rng.integers(-3, 4, (5, 4)).astype(float)
        b1 = rng.integers(-6, 3, 5).astype(float)  # several units stably negative
        W2 = rng.integers(-2, 3, (3, 5)).astype(float)
        net = Network((Layer(W1, b1, "leaky_relu", 0.25), Layer(W2, np.zeros(3), "identity")))
        z = rng.choice([-1.0, 1.0], 4)
        for target in (forward(net, z), rng.integers(-4, 5, 3).astype(float)):
            for query in (Query(), Query("approx", "inf", 1.0), Query("approx", 2, 1.5)):
                problem = InversionProblem(net, target, Domain("sign"), query)
                truth = brute.solve(problem).status
                for backend in ("scip", "highs"):
                    verdict = milp.solve(problem, solver=backend)
                    assert verdict.status == truth, (target, query, backend, verdict.reason)


def test_a_stably_negative_leaky_unit_on_a_box():
    """``pre = -z - 1 <= -1`` on ``z in [0, 1]``: the unit outputs ``pre / 2``, so the
    target ``-3/4`` is met at ``z = 1/2``."""
    net = Network(
        (
            Layer(np.array([[-1.0]]), np.array([-1.0]), "leaky_relu", 0.5),
            Layer(np.array([[1.0]]), np.array([0.0]), "identity"),
        )
    )
    problem = InversionProblem(net, np.array([-0.75]), Domain("box", 0.0, 1.0))
    verdict = milp.solve(problem, solver="scip")
    assert verdict.status == "INVERTIBLE" and verdict.latent == [0.5]


def test_options_and_workers():
    opts = parse_values(milp.OPTIONS, {"lp_tighten": "0.5", "workers": "4"}, "milp", "-o")
    assert opts == {"lp_tighten": 0.5, "workers": 4}
    assert parse_values(milp.OPTIONS, {}, "milp", "-o") == {"lp_tighten": 0.0, "workers": 1}
    f = random_kcnf(8, 34, 3, np.random.default_rng(2))
    truth = brute.solve(sat_sign.build(f)).status
    assert milp.solve(sat_sign.build(f), solver="cpsat", workers=2).status == truth


def test_an_unrepaired_point_is_unknown_with_the_point():
    """``3 z = 0.1`` has its one solution at a rational with denominator ``3 * 2^55``: neither
    the float point nor its nearby rationals pass the exact check, and the verdict is
    UNKNOWN with the float point, for :func:`reluhard.pipeline.decide`'s repair."""
    net = Network((Layer(np.array([[3.0]]), np.array([0.0]), "identity"),))
    problem = InversionProblem(net, np.array([0.1]), Domain("box", 0.0, 1.0))
    verdict = milp.solve(problem, solver="scip")
    assert verdict.status == "UNKNOWN" and "exact check" in verdict.reason
    assert verdict.point == pytest.approx([0.1 / 3])
