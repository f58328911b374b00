"""Random CNF formulas for fuzzing SAT solvers against each other.

``reluhard crosscheck --fuzz N --seed S`` decides :func:`fuzz_corpus` ``(N, S)`` with every
solver and compares the verdicts. Uniform random 3-SAT alone finds few bugs: solvers and
reductions break on the corner cases of the format and on formulas whose answer hinges on
one clause. So each instance is a random base formula (uniform k-SAT, mixed widths ``1..k``,
or tiny formulas drawn with replacement) at a clause density drawn across the satisfiability
threshold, then edited to show, each with a decent frequency:

* empty clauses (about 3% of instances: they make the formula UNSAT by themselves);
* the formula with no clauses (about 1%, with ``nvars = 0`` and with ``nvars > 0``) and
  ``nvars = 0`` (the no-clause formula, or empty clauses only);
* unit clauses, repeated literals within a clause, tautological clauses (``x`` and ``-x``);
* unused variables: ``nvars`` above the largest variable used, and gaps below it;
* very long clauses (width >= 20, sometimes one clause over all variables);
* mixed clause widths;
* small structured UNSAT cores: all ``2**k`` sign patterns over ``k`` variables, or a
  pigeonhole formula (``p + 1`` pigeons, ``p`` holes), mixed into the random clauses.

Judged by CaDiCaL, roughly half the instances are satisfiable. Instances have at most
``max_vars`` variables (30 by default) and a few hundred clauses, so any solver decides each
in well under 10 ms. Instance ``i`` of a corpus depends only on ``(seed, i)``, so one failing
instance can be regenerated alone. :func:`features` says, from the formula alone, which of
the corner cases an instance shows (``FEATURES`` lists them); tests use it to check that the
generator keeps covering them.

Examples
--------
>>> corpus = fuzz_corpus(3, seed=7)
>>> [name for name, _ in corpus]
['fuzz-7-00000', 'fuzz-7-00001', 'fuzz-7-00002']
>>> corpus[2][1] == fuzz_cnf(np.random.default_rng([7, 2]))
True
>>> f = CNF.from_clauses([[1, 1, -3], [3, -3], [], [-1]], nvars=5)
>>> sorted(features(f))  # doctest: +NORMALIZE_WHITESPACE
['duplicate_literal', 'empty_clause', 'mixed_widths', 'tautology', 'unit_clause',
 'unused_gap', 'unused_tail']
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np

from .cnf import CNF

FEATURES: tuple[str, ...] = (
    "no_vars",  # nvars == 0
    "no_clauses",  # zero clauses
    "empty_clause",  # some clause of width 0
    "unit_clause",  # some clause of width 1
    "duplicate_literal",  # some clause repeats a literal
    "tautology",  # some clause holds x and -x
    "unused_tail",  # nvars > the largest variable used
    "unused_gap",  # a variable below the largest used one does not occur
    "long_clause",  # some clause of width >= 20
    "all_vars_clause",  # some clause mentions every variable, nvars >= 10
    "mixed_widths",  # at least three distinct clause widths
    "sign_complete_block",  # all 2**k sign patterns over some k >= 2 variables
)
"""The corner cases :func:`features` detects, in a fixed order."""

LONG_WIDTH = 20
"""Width from which a clause counts as very long."""

_Clauses = list[list[int]]


def features(cnf: CNF) -> set[str]:
    """The names (from :data:`FEATURES`) of the corner cases that ``cnf`` exhibits.

    Computed from the formula only. ``sign_complete_block`` looks at the clauses without
    tautologies, as sets of literals: it is present when, for some set of ``k >= 2``
    variables, all ``2**k`` sign patterns over exactly those variables occur (the clauses
    then form an UNSAT core on their own).
    """
    out: set[str] = set()
    widths = cnf.widths
    if cnf.nvars == 0:
        out.add("no_vars")
    if cnf.nclauses == 0:
        out.add("no_clauses")
    if np.any(widths == 0):
        out.add("empty_clause")
    if np.any(widths == 1):
        out.add("unit_clause")
    if np.any(widths >= LONG_WIDTH):
        out.add("long_clause")
    if np.unique(widths).size >= 3:
        out.add("mixed_widths")
    used = np.unique(np.abs(cnf.literals))
    top = int(used[-1]) if used.size else 0
    if cnf.nvars > top:
        out.add("unused_tail")
    if used.size < top:
        out.add("unused_gap")
    patterns: dict[frozenset[int], set[frozenset[int]]] = defaultdict(set)
    for clause in cnf.clauses():
        lits = set(clause)
        vars_ = frozenset(abs(x) for x in lits)
        if len(lits) < len(clause):
            out.add("duplicate_literal")
        if cnf.nvars >= 10 and len(vars_) == cnf.nvars:
            out.add("all_vars_clause")
        if len(vars_) < len(lits):
            out.add("tautology")
        elif len(vars_) >= 2:
            patterns[vars_].add(frozenset(lits))
    if any(len(p) == 2 ** len(v) for v, p in patterns.items()):
        out.add("sign_complete_block")
    return out


def fuzz_corpus(n: int, seed: int, max_vars: int = 30) -> list[tuple[str, CNF]]:
    """``n`` named fuzzing instances; instance ``i`` is ``fuzz_cnf(default_rng([seed, i]))``
    named ``f"fuzz-{seed}-{i:05d}"``, so it can be regenerated alone. ``seed >= 0``."""
    return [
        (f"fuzz-{seed}-{i:05d}", fuzz_cnf(np.random.default_rng([seed, i]), max_vars))
        for i in range(n)
    ]


def fuzz_cnf(rng: np.random.Generator, max_vars: int = 30) -> CNF:
    """One random fuzzing instance with ``nvars <= max_vars`` (see the module docstring)."""
    if max_vars < 1:
        raise ValueError("max_vars must be >= 1")
    u = rng.random()
    if u < 0.01:  # no clauses at all
        return CNF.from_clauses([], nvars=0 if u < 0.005 else int(rng.integers(1, max_vars + 1)))
    if u < 0.015:  # no variables, only empty clauses
        return CNF.from_clauses([[]] * int(rng.integers(1, 4)), nvars=0)

    small = min(8, max_vars)  # 30% tiny formulas, where the corner cases crowd
    if rng.random() < 0.3:
        nvars = int(rng.integers(1, small + 1))
    else:
        nvars = int(rng.integers(small, max_vars + 1))
    nused = nvars
    if nvars > 1 and rng.random() < 0.4:  # leave some variables unused
        nused = int(rng.integers((nvars + 1) // 2, nvars))
    clauses = _base(rng, nused)

    if rng.random() < 0.07:
        clauses += _core(rng, nused)
    if rng.random() < 0.25:
        clauses += [[_literal(rng, nused)] for _ in range(int(rng.integers(1, 4)))]
    if rng.random() < 0.25:
        _repeat_literals(rng, clauses, int(rng.integers(1, 4)))
    if rng.random() < 0.25:
        clauses += _tautologies(rng, nused, int(rng.integers(1, 4)))
    if rng.random() < 0.2:
        clauses.append(_long_clause(rng, nused))
    if nused >= 10 and rng.random() < 0.1:
        clauses.append(_clause(rng, nused, nused))
    if rng.random() < 0.025:
        clauses.append([])

    if nused < nvars and rng.random() < 0.5:  # spread the used variables out: gaps
        image = np.sort(rng.choice(nvars, size=nused, replace=False)) + 1
        image = np.concatenate([[0], image])
        clauses = [[int(np.sign(x) * image[abs(x)]) for x in c] for c in clauses]
    order = rng.permutation(len(clauses))
    return CNF.from_clauses([clauses[j] for j in order], nvars=nvars)


def _base(rng: np.random.Generator, n: int) -> _Clauses:
    """A random formula over variables ``1..n``, density across the threshold."""
    family = rng.random()
    if family < 0.55:  # uniform k-SAT
        k = int(rng.choice([2, 3, 3, 3, 3, 4]))
        lo, hi = {2: (0.5, 2.5), 3: (1.0, 7.0), 4: (4.0, 13.0)}[k]
        m = int(round(rng.uniform(lo, hi) * n))
        widths = np.full(m, min(k, n))
    elif family < 0.85:  # mixed widths 1..k, few units
        k = int(rng.integers(2, 7))
        m = int(round(rng.uniform(1.0, 6.0) * n))
        widths = rng.integers(2, k + 1, size=m)
        widths[rng.random(m) < 0.03] = 1
        widths = np.minimum(widths, n)
    else:  # tiny, drawn with replacement: repeats and tautologies by chance
        m = int(rng.integers(0, 6 * n + 2))
        widths = rng.integers(1, 5, size=m)
        return [[_literal(rng, n) for _ in range(w)] for w in widths]
    return _clauses(rng, n, widths)


def _clauses(rng: np.random.Generator, n: int, widths: np.ndarray) -> _Clauses:
    """Clauses of the given widths (each <= n), distinct variables, random signs."""
    if widths.size == 0:
        return []
    vars_ = np.argsort(rng.random((widths.size, n)), axis=1) + 1
    lits = np.where(rng.random((widths.size, n)) < 0.5, -vars_, vars_)
    return [lits[j, :w].tolist() for j, w in enumerate(widths.tolist())]


def _clause(rng: np.random.Generator, n: int, w: int) -> list[int]:
    return _clauses(rng, n, np.array([w]))[0]


def _literal(rng: np.random.Generator, n: int) -> int:
    v = int(rng.integers(1, n + 1))
    return v if rng.random() < 0.5 else -v


def _long_clause(rng: np.random.Generator, n: int) -> list[int]:
    """Width >= 20: distinct variables when there are enough, else with repeats."""
    if n >= LONG_WIDTH:
        return _clause(rng, n, int(rng.integers(LONG_WIDTH, n + 1)))
    return [_literal(rng, n) for _ in range(int(rng.integers(LONG_WIDTH, 2 * LONG_WIDTH)))]


def _repeat_literals(rng: np.random.Generator, clauses: _Clauses, count: int) -> None:
    """Repeat a literal inside ``count`` random non-empty clauses, at a random position."""
    nonempty = [c for c in clauses if c]
    if not nonempty:
        return
    for j in rng.choice(len(nonempty), size=min(count, len(nonempty)), replace=False):
        c = nonempty[j]
        c.insert(int(rng.integers(0, len(c) + 1)), c[int(rng.integers(0, len(c)))])


def _tautologies(rng: np.random.Generator, n: int, count: int) -> _Clauses:
    out = []
    for _ in range(count):
        c = _clause(rng, n, int(rng.integers(1, min(n, 4) + 1)))
        c.insert(int(rng.integers(0, len(c) + 1)), -c[int(rng.integers(0, len(c)))])
        out.append(c)
    return out


def _core(rng: np.random.Generator, n: int) -> _Clauses:
    """A small UNSAT core on random variables of ``1..n``: all sign patterns over ``k``
    variables, or the pigeonhole formula with ``p + 1`` pigeons and ``p`` holes."""
    p = int(rng.integers(2, 4))
    if rng.random() < 0.4 and (p + 1) * p <= n:
        vars_ = rng.permutation(n)[: (p + 1) * p].reshape(p + 1, p) + 1
        core = [vars_[i].tolist() for i in range(p + 1)]  # each pigeon in some hole
        for h in range(p):  # no two pigeons in one hole
            core += [
                [-int(vars_[a, h]), -int(vars_[b, h])] for a, b in combinations(range(p + 1), 2)
            ]
        return core
    k = min(int(rng.integers(1, 5)), n)
    vars_ = rng.permutation(n)[:k] + 1
    signs = 1 - 2 * ((np.arange(2**k)[:, None] >> np.arange(k)) & 1)
    return (signs * vars_).tolist()
