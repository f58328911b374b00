"""Delta debugging (reluhard.crosscheck.shrink): ddmin's guarantees (exact answer for
monotone tests, 1-minimality, budget, memoisation) and shrink_cnf on UNSAT cores and
modelled solver bugs, checked against python-sat (CaDiCaL 1.9.5)."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reluhard.crosscheck import shrink
from reluhard.crosscheck.shrink import Shrunk, ddmin, shrink_cnf
from reluhard.problems.cnf import CNF, check, random_kcnf, solve


class Recorder:
    """Wraps a test, recording every configuration it is called with."""

    def __init__(self, pred):
        self.pred = pred
        self.calls: list[tuple] = []

    def __call__(self, config):
        key = tuple(config) if isinstance(config, list) else _key(config)
        self.calls.append(key)
        return self.pred(config)


def _key(f: CNF) -> tuple:
    return (f.nvars, tuple(map(tuple, f.clauses())))


def unsat(f: CNF) -> bool:
    return solve(f) is None


def unsat_no_empty(f: CNF) -> bool:
    return bool(f.widths.all()) and solve(f) is None


def drop_clause(f: CNF, j: int) -> CNF:
    cl = f.clauses()
    return CNF.from_clauses(cl[:j] + cl[j + 1 :], nvars=f.nvars)


def drop_literal(f: CNF, j: int, p: int) -> CNF:
    cl = f.clauses()
    cl[j] = cl[j][:p] + cl[j][p + 1 :]
    return CNF.from_clauses(cl, nvars=f.nvars)


def assert_dense(f: CNF) -> None:
    seen: list[int] = []
    for v in np.abs(f.literals).tolist():
        if v not in seen:
            seen.append(v)
    assert seen == list(range(1, f.nvars + 1))


def assert_clause_minimal(f: CNF, pred) -> None:
    assert pred(f)
    for j in range(f.nclauses):
        assert not pred(drop_clause(f, j)), f"clause {j} of {f.clauses()} is not needed"


def assert_literal_minimal(f: CNF, pred) -> None:
    for j, c in enumerate(f.clauses()):
        for p in range(len(c)):
            assert not pred(drop_literal(f, j, p)), f"literal {p} of clause {j} is not needed"


def unsat_3cnfs(count: int, seed: int) -> list[CNF]:
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        f = random_kcnf(12, 80, 3, rng)
        if solve(f) is None:
            out.append(f)
    return out


# --------------------------------------------------------------------------------- ddmin


@pytest.mark.parametrize("target", [{3, 7}, {0}, {19}, {0, 19}, {2, 3, 4, 5}, set(range(20))])
def test_ddmin_monotone_exact(target):
    rec = Recorder(lambda s: target <= set(s))
    got = ddmin(list(range(20)), rec)
    assert got == sorted(target)
    assert len(rec.calls) == len(set(rec.calls))


def test_ddmin_contains_3_and_7_is_one_minimal_and_ordered():
    items = [9, 7, 1, 3, 5, 8, 0]
    pred = lambda s: 3 in s and 7 in s  # noqa: E731
    got = ddmin(items, pred)
    assert got == [7, 3]  # order of items preserved
    for i in range(len(got)):
        assert not pred(got[:i] + got[i + 1 :])


def test_ddmin_rejects_passing_input_and_bad_budget():
    with pytest.raises(ValueError, match="does not fail"):
        ddmin([1, 2, 3], lambda s: False)
    with pytest.raises(ValueError, match="budget"):
        ddmin([1, 2, 3], lambda s: True, budget=0)


def test_ddmin_propagates_exceptions():
    def boom(s):
        if len(s) < 4:
            raise RuntimeError("solver crashed")
        return True

    with pytest.raises(RuntimeError, match="crashed"):
        ddmin(list(range(8)), boom)


def test_ddmin_empty_and_singleton():
    assert ddmin([], lambda s: True) == []
    assert ddmin([5], lambda s: 5 in s) == [5]
    rec = Recorder(lambda s: True)  # fails even when empty: 1-minimal means []
    assert ddmin([5], rec) == []
    assert ddmin(list(range(9)), lambda s: True) == []


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 8, 13, 30])
def test_ddmin_budget(budget):
    target = {1, 6, 11, 17, 30, 44}
    rec = Recorder(lambda s: target <= set(s))
    got = ddmin(list(range(50)), rec, budget=budget)
    assert len(rec.calls) <= budget
    assert target <= set(got)
    smallest = min(len(c) for c in rec.calls if target <= set(c))
    assert len(got) == smallest


def test_ddmin_budget_large_enough_is_not_binding():
    target = {1, 6, 11, 17, 30, 44}
    rec = Recorder(lambda s: target <= set(s))
    assert ddmin(list(range(50)), rec) == sorted(target)
    n = len(rec.calls)
    rec2 = Recorder(lambda s: target <= set(s))
    assert ddmin(list(range(50)), rec2, budget=n) == sorted(target)
    assert rec2.calls == rec.calls


def _pseudo_random_pred(seed: int, p: float):
    """A deterministic non-monotone test: a fixed random answer per configuration."""
    cache: dict[tuple, bool] = {}

    def pred(s):
        key = tuple(s)
        if key not in cache:
            h = np.random.default_rng([seed, *key]).random()
            cache[key] = h < p
        return cache[key]

    return pred


@given(
    st.integers(0, 24),
    st.integers(0, 2**32 - 1),
    st.floats(0.05, 0.9),
    st.one_of(st.none(), st.integers(1, 60)),
)
def test_ddmin_arbitrary_predicates(n, seed, p, budget):
    items = list(range(100, 100 + n))
    base = _pseudo_random_pred(seed, p)
    pred = lambda s: s == items or base(s)  # noqa: E731
    rec = Recorder(pred)
    got = ddmin(items, rec, budget=budget)
    assert len(rec.calls) == len(set(rec.calls)), "a configuration was tested twice"
    assert rec.calls[0] == tuple(items)
    assert pred(got)
    assert got == [x for x in items if x in set(got)]  # a subsequence, in order
    if budget is not None:
        assert len(rec.calls) <= budget
        assert len(got) == min(len(c) for c in rec.calls if pred(list(c)))
    if budget is None or len(rec.calls) < budget:  # finished: 1-minimal
        for i in range(len(got)):
            assert not pred(got[:i] + got[i + 1 :])


def test_ddmin_tests_far_fewer_than_all_subsets_for_a_single_cause():
    rec = Recorder(lambda s: 613 in s)
    assert ddmin(list(range(1000)), rec) == [613]
    assert len(rec.calls) <= 2 * 10 + 2  # binary search: about 2 log2(n)


# ---------------------------------------------------------------------------- shrink_cnf


def test_shrink_unsat_3cnf_gives_one_minimal_dense_core():
    for f in unsat_3cnfs(3, seed=1):
        rec = Recorder(unsat)
        r = shrink_cnf(f, rec, budget=None)
        assert isinstance(r, Shrunk) and not r.exhausted
        assert r.tests == len(rec.calls) == len(set(rec.calls))
        assert_clause_minimal(r.cnf, unsat)
        assert_literal_minimal(r.cnf, unsat)
        assert_dense(r.cnf)
        # The smallest UNSAT CNF: the literal stage empties a clause, the clause stage
        # drops the rest.
        assert r.cnf.clauses() == [[]] and r.cnf.nvars == 0


def test_shrink_unsat_3cnf_without_empty_clauses_gives_real_core():
    for f in unsat_3cnfs(3, seed=2):
        rec = Recorder(unsat_no_empty)
        r = shrink_cnf(f, rec, budget=None)
        assert not r.exhausted
        assert r.tests == len(rec.calls) == len(set(rec.calls))
        assert_clause_minimal(r.cnf, unsat)  # UNSAT, every clause needed
        assert_literal_minimal(r.cnf, unsat_no_empty)
        assert_dense(r.cnf)
        assert r.cnf.nclauses < f.nclauses
        names = [s[0] for s in r.stages]
        rounds = (len(names) - 1) // 2
        assert rounds >= 2 and names == ["clauses", "literals"] * rounds + ["rename"]
        assert r.stages[-1][1:] == (r.cnf.nclauses, r.cnf.literals.size)
        sizes = [s[1] for s in r.stages]
        assert sizes == sorted(sizes, reverse=True)


def buggy_solver_claims_unsat(f: CNF) -> bool:
    """A modelled bug: UNSAT whenever some clause has width >= 3 and contains variable 5."""
    return any(len(c) >= 3 and 5 in map(abs, c) for c in f.clauses())


def test_shrink_buggy_solver_to_one_clause():
    rng = np.random.default_rng(3)
    done = 0
    while done < 4:
        f = random_kcnf(8, 30, 3, rng)
        disagree = lambda g: buggy_solver_claims_unsat(g) and solve(g) is not None  # noqa: E731
        if not disagree(f):
            continue
        rec = Recorder(disagree)
        r = shrink_cnf(f, rec)
        assert not r.exhausted and r.tests == len(set(rec.calls))
        (clause,) = r.cnf.clauses()
        assert len(clause) == 3 and 5 in map(abs, clause)
        # renaming moves variable 5, so that stage is rejected and nvars stays
        assert r.cnf.nvars == f.nvars
        assert r.stages[-1] == ("rename", 1, 3)
        done += 1


def test_shrink_flipped_model_bug_to_one_unit_clause():
    def flip_breaks(g: CNF) -> bool:
        model = solve(g)
        if model is None or g.nvars < 1:
            return False
        flipped = [-model[0], *model[1:]]
        return not check(g, flipped)

    rng = np.random.default_rng(4)
    done = 0
    while done < 4:
        f = random_kcnf(10, 30, 3, rng)
        f = CNF.from_clauses([*f.clauses(), [1, 2]], nvars=f.nvars)
        if not flip_breaks(f):
            continue
        r = shrink_cnf(f, flip_breaks)
        assert not r.exhausted
        assert r.cnf.nvars == 1
        assert r.cnf.clauses() in ([[1]], [[-1]])
        assert flip_breaks(r.cnf)
        done += 1
    assert done == 4


def test_shrink_memoises_across_stages_and_counts_calls():
    f = unsat_3cnfs(1, seed=5)[0]
    rec = Recorder(unsat_no_empty)
    r = shrink_cnf(f, rec)
    assert r.tests == len(rec.calls)
    assert len(rec.calls) == len(set(rec.calls))


@pytest.mark.parametrize("budget", [1, 2, 7, 40])
def test_shrink_budget_shared_across_stages(budget):
    f = unsat_3cnfs(1, seed=6)[0]
    rec = Recorder(unsat_no_empty)
    r = shrink_cnf(f, rec, budget=budget)
    assert r.tests == len(rec.calls) <= budget
    assert r.exhausted
    assert unsat_no_empty(r.cnf)
    failing = [c for c in rec.calls if unsat_no_empty(CNF.from_clauses(c[1], nvars=c[0]))]
    assert r.cnf.literals.size <= min(sum(map(len, c[1])) for c in failing)


def test_shrink_rejects_passing_input_and_propagates_exceptions():
    f = CNF.from_clauses([[1, 2], [-1]])
    with pytest.raises(ValueError, match="nothing to shrink"):
        shrink_cnf(f, unsat)

    def boom(g: CNF) -> bool:
        if g.nclauses < 2:
            raise RuntimeError("solver crashed")
        return True

    with pytest.raises(RuntimeError, match="crashed"):
        shrink_cnf(f, boom)


def test_shrink_keeps_nvars_when_the_bug_needs_unused_variables():
    # "fails" only when nvars is 7: renaming (nvars -> 1) is rejected, clauses still shrink
    f = CNF.from_clauses([[1, 2], [3], [-4, 5]], nvars=7)
    r = shrink_cnf(f, lambda g: g.nvars == 7 and g.nclauses >= 1)
    assert r.cnf.nvars == 7 and r.cnf.nclauses == 1
    assert r.cnf.clauses() == [[]]  # width 0: literals were not needed either


def test_rename_dense_order_of_first_occurrence():
    f = CNF.from_clauses([[-9, 4], [], [4, 2, -9]], nvars=12)
    g = shrink._rename_dense(f)
    assert g.nvars == 3
    assert g.clauses() == [[-1, 2], [], [2, 3, -1]]


def test_selectors_match_list_versions():
    f = CNF.from_clauses([[1, -2], [], [3, 3, -1], [2]], nvars=4)
    cl = f.clauses()
    for r in range(len(cl) + 1):
        for cfg in itertools.combinations(range(len(cl)), r):
            want = CNF.from_clauses([cl[i] for i in cfg], nvars=4)
            assert shrink._select_clauses(f, cfg) == want
    occ = [(j, p) for j, c in enumerate(cl) for p in range(len(c))]
    for r in range(len(occ) + 1):
        for cfg in itertools.combinations(range(len(occ)), r):
            kept = [[] for _ in cl]
            for i in cfg:
                j, p = occ[i]
                kept[j].append(cl[j][p])
            assert shrink._select_literals(f, cfg) == CNF.from_clauses(kept, nvars=4)


@st.composite
def small_cnfs(draw) -> CNF:
    n = draw(st.integers(1, 6))
    literal = st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v]))
    clause = st.lists(literal, min_size=1, max_size=3)
    clauses = draw(st.lists(clause, min_size=1, max_size=14))
    return CNF.from_clauses(clauses, nvars=n)


@given(small_cnfs(), st.booleans())
def test_shrink_random_small_unsat(f, allow_empty):
    pred = unsat if allow_empty else unsat_no_empty
    if not pred(f):
        f = CNF.from_clauses([*f.clauses(), [1], [-1]], nvars=f.nvars)
    rec = Recorder(pred)
    r = shrink_cnf(f, rec, budget=None)
    assert not r.exhausted
    assert r.tests == len(rec.calls) == len(set(rec.calls))
    assert_clause_minimal(r.cnf, unsat)
    assert_literal_minimal(r.cnf, pred)
    assert_dense(r.cnf)
    assert r.cnf.nclauses <= f.nclauses
    assert r.cnf.literals.size <= f.literals.size


def test_doctests():
    res = doctest.testmod(shrink)
    assert res.attempted > 0 and res.failed == 0
