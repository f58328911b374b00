"""One decision checks float exactness once (:func:`reluhard.exactness.float_refusal`):
``solve`` asks before a float back end runs and the MILP back ends ask again before LP
tightening (and ``auto`` before it settles on SCIP); the second question is answered from
memory, with the same verdicts and reasons as before."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from reluhard import exactness, solvers
from reluhard.inversion import Domain, InversionProblem, Query
from reluhard.network import Layer, Network
from reluhard.problems.circuit_build import Builder
from reluhard.reductions import circuit_real
from reluhard.solvers import milp
from reluhard.status import Status

BEYOND = "a pre-activation of layer 1 may reach 9.0072e+15 >= 2^53"


def _checks(monkeypatch) -> list[InversionProblem]:
    """Record every problem whose magnitudes are actually checked from now on."""
    seen: list[InversionProblem] = []
    real = exactness._float_refusal

    def counted(problem):
        seen.append(problem)
        return real(problem)

    monkeypatch.setattr(exactness, "_float_refusal", counted)
    return seen


def _xor() -> InversionProblem:
    """circuit-real of x ^ y = 1: a real latent, so ``auto`` picks SCIP."""
    b = Builder(2)
    x, y = b.inputs
    return circuit_real.build(b.finish([b.xor(x, y)]))


def _beyond() -> InversionProblem:
    """Weights below 2^53 whose sum on the box passes it (z = (1, 0) is a preimage)."""
    layer = Layer(np.array([[2.0**52, 2.0**52]]), np.array([0.0]), "relu")
    return InversionProblem(
        Network((layer,)), np.array([2.0**52]), Domain("box", 0.0, 1.0), Query()
    )


@pytest.mark.parametrize("solver", ["auto", "scip", "highs"])
def test_a_decision_with_lp_tightening_checks_once(monkeypatch, solver):
    seen = _checks(monkeypatch)
    p = _xor()
    v = solvers.solve(p, solver, options={"lp_tighten": 1.0})
    assert v.status is Status.INVERTIBLE, v.reason
    assert seen == [p]


@pytest.mark.parametrize("solver", ["auto", "scip", "highs"])
def test_data_beyond_2_53_is_still_unknown_after_one_check(monkeypatch, solver):
    seen = _checks(monkeypatch)
    p = _beyond()
    v = solvers.solve(p, solver, options={"lp_tighten": 1.0})
    assert v.status is Status.UNKNOWN and BEYOND in v.reason, v.reason
    assert seen == [p]


def test_milp_auto_with_lp_tightening_checks_once(monkeypatch):
    seen = _checks(monkeypatch)
    p = _beyond()
    v = milp.solve(p, solver="auto", lp_tighten=1.0)
    assert v.status is Status.UNKNOWN and BEYOND in v.reason, v.reason
    assert seen == [p]


def test_the_memory_lasts_one_block_and_one_problem(monkeypatch):
    seen = _checks(monkeypatch)
    p = _beyond()
    assert exactness.float_refusal(p) == exactness.float_refusal(p) == BEYOND
    assert len(seen) == 2  # outside a block every call checks
    other = replace(p, target=np.array([1.0]))
    with exactness.one_float_check():
        with exactness.one_float_check():  # nested: the outer block's memory
            assert exactness.float_refusal(p) == BEYOND
        assert exactness.float_refusal(p) == BEYOND
        assert exactness.float_refusal(other) == BEYOND
    assert seen == [p, p, p, other]
    exactness.float_refusal(p)
    assert len(seen) == 5  # forgotten after the block
