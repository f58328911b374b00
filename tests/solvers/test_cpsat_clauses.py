"""CP-SAT states a row over Booleans that is a clause as ``AddBoolOr``: the test of
:func:`clause_literals` is exact (exhaustively, on every small row), and answers stay right."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reluhard.solvers.milp.adapters import CpSat, clause_literals

pytest.importorskip("ortools")


def _rows():
    for k in (1, 2, 3):
        for cs in itertools.product((-3, -2, -1, 0, 1, 2), repeat=k):
            for lo in (None, -4, -2, -1, 0, 1, 2, 3):
                for hi in (None, -3, -1, 0, 1, 2, 4):
                    if lo is not None and hi is not None and lo > hi:
                        continue
                    yield list(cs), (lo, hi)


def test_clause_test_is_exact_on_every_small_row():
    clauses = 0
    for cs, (lo, hi) in _rows():
        signs = clause_literals(cs, (lo, hi))
        for x in itertools.product((0, 1), repeat=len(cs)):
            s = sum(c * v for c, v in zip(cs, x, strict=True))
            holds = (lo is None or s >= lo) and (hi is None or s <= hi)
            if signs is not None:
                clause = any(v == (1 if g > 0 else 0) for v, g in zip(x, signs, strict=True))
                assert holds == clause, (cs, lo, hi, x, signs)
        clauses += signs is not None
    assert clauses > 100  # the test does find clauses


def test_cnf_networks_become_bool_or_and_answer_right():
    from reluhard.pipeline import reduce_instance
    from reluhard.problems.cnf import random_kcnf
    from reluhard.problems.cnf import solve as cadical
    from reluhard.solvers import solve

    assert CpSat.bool_or
    rng = np.random.default_rng(3)
    answers = set()
    for i in range(12):
        cnf = random_kcnf(8, 30 + 2 * i, 3, rng)
        v = solve(reduce_instance(cnf), "cpsat")
        expected = "SATISFIABLE" if cadical(cnf) is not None else "UNSATISFIABLE"
        assert v.status.answer == expected, i
        assert v.stats.get("clause_rows", 0) > 0
        answers.add(expected)
    assert len(answers) == 2
