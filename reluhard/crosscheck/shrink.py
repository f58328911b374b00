"""Delta debugging: shrink a CNF on which solvers disagree to a small reproducer.

When two SAT solvers (or a solver and a checker) disagree on a formula with thousands of
clauses, the formula is a poor bug report: the disagreement is usually caused by a handful
of clauses. This module minimises it with *delta debugging*, the ``ddmin`` algorithm of
Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE
Transactions on Software Engineering 28(2), 2002. ``ddmin`` needs only a yes/no test
("does this input still fail?"), so the solvers stay black boxes; it returns a *1-minimal*
input: one that fails, while removing any single element makes it pass.

:func:`ddmin` is the generic algorithm over any sequence; :func:`shrink_cnf` applies it to
a CNF in stages (clauses, then literal occurrences, then a dense renaming of the variables),
sharing one budget of tests. Tests are the expensive part (each one runs external solvers),
so every configuration is tested at most once.

>>> from reluhard.problems.cnf import CNF, solve
>>> f = CNF.from_clauses([[1, 2], [1, -2], [2, 3], [-1, 3], [-1, -3], [2, -3, 4]])
>>> r = shrink_cnf(f, lambda g: solve(g) is None)          # the "failure": UNSAT
>>> r.cnf.clauses(), r.cnf.nvars     # a single empty clause is the smallest UNSAT CNF
([[]], 0)

A bug that needs non-empty clauses (here: "UNSAT, and no clause is empty") keeps them:

>>> r = shrink_cnf(f, lambda g: solve(g) is None and bool(g.widths.all()))
>>> r.cnf.clauses()
[[1], [-1]]
>>> [name for name, _, _ in r.stages]
['clauses', 'literals', 'clauses', 'literals', 'rename']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from reluhard.problems.cnf import CNF

__all__ = ["Shrunk", "ddmin", "shrink_cnf"]

T = TypeVar("T")

Config = tuple[int, ...]  # sorted indices into the original items


class _OutOfBudget(Exception):
    """Raised by :class:`_Counter` instead of making a call beyond the budget."""


class _Counter:
    """Counts calls to the user's test and refuses calls beyond ``budget``."""

    def __init__(self, budget: int | None) -> None:
        if budget is not None and budget < 1:
            raise ValueError("budget must be >= 1 (checking that the input fails takes a test)")
        self.budget = budget
        self.calls = 0

    def call(self, fails: Callable[[T], bool], arg: T) -> bool:
        if self.budget is not None and self.calls >= self.budget:
            raise _OutOfBudget
        self.calls += 1
        return bool(fails(arg))


def _split(c: Config, n: int) -> list[Config]:
    """``c`` cut into ``n`` contiguous parts whose sizes differ by at most one."""
    q, r = divmod(len(c), n)
    parts, start = [], 0
    for i in range(n):
        stop = start + q + (i < r)
        parts.append(c[start:stop])
        start = stop
    return parts


def _ddmin(n: int, probe: Callable[[Config], bool]) -> tuple[Config, bool]:
    """ddmin over the indices ``0..n-1``; returns (smallest failing config, out of budget).

    ``probe`` tests one configuration (and may raise :class:`_OutOfBudget`); results are
    memoised here by index tuple, so no configuration is probed twice.
    """
    memo: dict[Config, bool] = {}

    def test(c: Config) -> bool:
        if c not in memo:
            memo[c] = probe(c)
        return memo[c]

    c: Config = tuple(range(n))
    if not test(c):
        raise ValueError("the input does not fail: fails(items) is False, nothing to minimise")
    granularity = 2
    try:
        while len(c) >= 2:
            parts = _split(c, granularity)
            # Reduce to subset: one part alone still fails.
            smaller = next((p for p in parts if test(p)), None)
            if smaller is not None:
                c, granularity = smaller, 2
                continue
            # Reduce to complement: the rest without one part still fails. With two parts
            # the complements are the subsets just tested.
            if granularity > 2:
                for i in range(len(parts)):
                    comp = tuple(x for j, p in enumerate(parts) if j != i for x in p)
                    if test(comp):
                        smaller = comp
                        break
            if smaller is not None:
                c, granularity = smaller, max(granularity - 1, 2)
                continue
            # Increase granularity; at single elements c is 1-minimal.
            if granularity >= len(c):
                break
            granularity = min(2 * granularity, len(c))
        # The paper assumes the empty input passes; a one-element result is 1-minimal only
        # if it does, so ask (one extra test, and only in this case).
        if len(c) == 1 and test(()):
            c = ()
    except _OutOfBudget:
        return c, True
    return c, False


def ddmin(
    items: Sequence[T], fails: Callable[[list[T]], bool], *, budget: int | None = None
) -> list[T]:
    """A 1-minimal failing subsequence of ``items`` (Zeller & Hildebrandt 2002, ``ddmin``).

    ``fails(sub)`` says whether a subsequence (order preserved) still shows the failure;
    ``fails(items)`` must be True (it is checked first; ``ValueError`` if not). The result
    fails, and removing any single element of it makes ``fails`` False, including removing
    the last one: unlike the paper, which assumes the empty input passes, an empty result is
    possible when ``fails([])`` is True.

    Why ddmin: it needs nothing but this test, and when the failure is caused by a few
    elements it finds them with O(k log n) tests rather than n; the worst case is O(n^2).

    Every configuration is tested at most once (memoised by index tuple). ``budget`` caps
    the number of calls to ``fails`` (the initial check counts); when it runs out the
    smallest failing configuration found so far is returned, which fails but need not be
    1-minimal. Exceptions from ``fails`` propagate.

    >>> ddmin(list(range(10)), lambda s: 3 in s and 7 in s)
    [3, 7]
    >>> ddmin("abcdefgh", lambda s: "".join(s).count("a") + "".join(s).count("h") == 2)
    ['a', 'h']
    """
    items = list(items)
    counter = _Counter(budget)
    c, _ = _ddmin(len(items), lambda cfg: counter.call(fails, [items[i] for i in cfg]))
    return [items[i] for i in c]


@dataclass
class Shrunk:
    """Result of :func:`shrink_cnf`.

    ``tests`` is the number of calls made to ``fails``; ``stages`` lists the stages that
    ran, each as (name, clauses after, literal occurrences after); ``exhausted`` is True
    when the budget ran out (then ``cnf`` still fails but need not be minimal, and the
    later stages did not run).
    """

    cnf: CNF
    tests: int
    stages: list[tuple[str, int, int]]
    exhausted: bool = False


def _select_clauses(cnf: CNF, cfg: Config) -> CNF:
    """The clauses ``cfg`` of ``cnf`` (same variables)."""
    idx = np.asarray(cfg, dtype=np.int64)
    widths = cnf.widths[idx]
    offs = np.zeros(idx.size + 1, dtype=np.int64)
    np.cumsum(widths, out=offs[1:])
    pos = np.repeat(cnf.offsets[idx] - offs[:-1], widths) + np.arange(offs[-1])
    return CNF(cnf.nvars, cnf.literals[pos], offs)


def _select_literals(cnf: CNF, cfg: Config) -> CNF:
    """``cnf`` keeping only the literal occurrences ``cfg``; every clause stays, an
    emptied one as the empty clause."""
    idx = np.asarray(cfg, dtype=np.int64)
    clause_of = np.repeat(np.arange(cnf.nclauses), cnf.widths)
    offs = np.zeros(cnf.nclauses + 1, dtype=np.int64)
    np.cumsum(np.bincount(clause_of[idx], minlength=cnf.nclauses), out=offs[1:])
    return CNF(cnf.nvars, cnf.literals[idx], offs)


def _rename_dense(cnf: CNF) -> CNF:
    """Variables renamed 1..k in order of first occurrence, ``nvars = k``."""
    var = np.abs(cnf.literals).astype(np.int64)
    used, first = np.unique(var, return_index=True)
    mapping = np.zeros(cnf.nvars + 1, dtype=np.int64)
    mapping[used[np.argsort(first)]] = np.arange(1, used.size + 1)
    return CNF(int(used.size), np.sign(cnf.literals) * mapping[var], cnf.offsets)


def shrink_cnf(cnf: CNF, fails: Callable[[CNF], bool], *, budget: int | None = 2000) -> Shrunk:
    """Shrink ``cnf`` to a small formula on which ``fails`` is still True.

    ``fails`` is the bug, as a yes/no test on a formula: typically "these solvers disagree"
    or "the model returned does not check". ``fails(cnf)`` must be True (``ValueError``
    otherwise). Stages, each kept only while the failure persists:

    1. ``clauses``: :func:`ddmin` over the clauses; unneeded clauses go, including empty
       and duplicate ones.
    2. ``literals``: ddmin over all literal occurrences: removing one deletes it from its
       clause; a clause whose literals all go stays as the empty clause (a legitimate
       clause: it makes the formula unsatisfiable). If this stage removed anything, the
       clause and literal stages run again (usually once more, until the literal stage
       removes nothing), since a shorter clause can make another clause redundant.
    3. ``rename``: the used variables renamed densely to 1..k in order of first occurrence,
       with ``nvars = k``; kept only if the failure persists (a bug tied to a variable
       number or to unused variables survives it).

    ``nvars`` is unchanged until the rename stage. All stages share ``budget`` (calls to
    ``fails``; ``None`` for no limit); when it runs out the smallest failing formula found
    so far is returned with ``exhausted=True``. Every formula is tested at most once, across
    stages too. Exceptions from ``fails`` propagate.

    Without budget exhaustion the result before renaming is 1-minimal with respect to
    removing one clause and to removing one literal occurrence (ddmin's guarantee, at the
    fixed point of the rounds); renaming keeps that whenever ``fails`` does not depend on
    variable numbers.
    """
    counter = _Counter(budget)
    seen: dict[CNF, bool] = {}

    def test(f: CNF) -> bool:
        if f not in seen:
            seen[f] = counter.call(fails, f)
        return seen[f]

    if not test(cnf):  # the first call: within any budget, which _Counter makes >= 1
        raise ValueError("fails(cnf) is False: nothing to shrink")

    cur = cnf
    stages: list[tuple[str, int, int]] = []
    exhausted = False

    def stage(name: str, nitems: int, select: Callable[[CNF, Config], CNF]) -> None:
        nonlocal cur, exhausted
        base = cur
        cfg, exhausted = _ddmin(nitems, lambda c: test(select(base, c)))
        cur = select(base, cfg)
        stages.append((name, cur.nclauses, int(cur.literals.size)))

    # Rounds of clauses then literals, repeated while the literal stage removes something:
    # a shorter clause can make another clause redundant, so only a round whose literal
    # stage changes nothing leaves a formula 1-minimal for both kinds of removal. Each
    # round removes a literal, and in practice there are two or three.
    while not exhausted:
        stage("clauses", cur.nclauses, _select_clauses)
        if exhausted:
            break
        before = cur.literals.size
        stage("literals", int(cur.literals.size), _select_literals)
        if cur.literals.size == before:
            break
    if not exhausted:
        renamed = _rename_dense(cur)
        try:
            if test(renamed):
                cur = renamed
        except _OutOfBudget:
            exhausted = True
        else:
            stages.append(("rename", cur.nclauses, int(cur.literals.size)))
    return Shrunk(cur, counter.calls, stages, exhausted)
