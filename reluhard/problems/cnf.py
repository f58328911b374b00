"""CNF formulas: the instance type, an independent model checker and a reference solver.

A :class:`CNF` is stored flat, the way large instances need it: all literals in one int32
array (DIMACS numbering, ``+v`` / ``-v`` for variable ``v`` in ``1..nvars``) and clause
``j`` is ``literals[offsets[j]:offsets[j+1]]``. Clauses are kept exactly as written: empty
clauses, repeated literals and tautologies are legal and meaningful (an empty clause makes
the formula unsatisfiable); reductions decide how to treat them.

Reading and writing DIMACS files lives in :mod:`reluhard.problems.dimacs_cnf`.

Examples
--------
>>> f = CNF.from_clauses([[1, -2], [2, 3], [-1]])
>>> f.nvars, f.nclauses
(3, 3)
>>> check(f, [-1, -2, 3])
True
>>> falsified(f, [1, 2, 3]).tolist()
[2]
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import TimeLimitError
from .intarrays import int_array, meta_count

REFERENCE_SOLVER = "cadical195"


@dataclass(frozen=True, eq=False)
class CNF:
    """A CNF over variables ``1..nvars``; see the module docstring for the layout."""

    nvars: int
    literals: np.ndarray
    offsets: np.ndarray

    def __post_init__(self) -> None:
        lits = int_array(self.literals, "literals", np.int32)
        offs = int_array(self.offsets, "offsets", np.int64)
        if self.nvars < 0:
            raise ValueError("nvars must be >= 0")
        if offs.ndim != 1 or offs.size == 0 or offs[0] != 0 or offs[-1] != lits.size:
            raise ValueError("offsets must start at 0 and end at len(literals)")
        if np.any(np.diff(offs) < 0):
            raise ValueError("offsets must be non-decreasing")
        if lits.size and (np.any(lits == 0) or np.abs(lits).max() > self.nvars):
            raise ValueError("literals must be nonzero and within 1..nvars in absolute value")
        object.__setattr__(self, "literals", lits)
        object.__setattr__(self, "offsets", offs)

    @classmethod
    def from_clauses(cls, clauses: Iterable[Sequence[int]], nvars: int | None = None) -> CNF:
        """Build from a list of clauses (lists of DIMACS literals); ``nvars`` defaults to
        the largest variable that occurs."""
        clauses = [list(map(int, c)) for c in clauses]
        lits = np.fromiter((x for c in clauses for x in c), dtype=np.int32)
        offs = np.zeros(len(clauses) + 1, dtype=np.int64)
        np.cumsum([len(c) for c in clauses], out=offs[1:])
        if nvars is None:
            nvars = int(np.abs(lits).max()) if lits.size else 0
        return cls(nvars, lits, offs)

    @property
    def nclauses(self) -> int:
        return self.offsets.size - 1

    @property
    def widths(self) -> np.ndarray:
        """Number of literal occurrences in each clause (repeats counted)."""
        return np.diff(self.offsets)

    def clause(self, j: int) -> np.ndarray:
        return self.literals[self.offsets[j] : self.offsets[j + 1]]

    def clauses(self) -> list[list[int]]:
        return (
            [c.tolist() for c in np.split(self.literals, self.offsets[1:-1])]
            if (self.nclauses)
            else []
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CNF)
            and self.nvars == other.nvars
            and np.array_equal(self.offsets, other.offsets)
            and np.array_equal(self.literals, other.literals)
        )

    def __hash__(self) -> int:
        return hash((self.nvars, self.literals.tobytes(), self.offsets.tobytes()))

    def __repr__(self) -> str:
        return f"CNF(nvars={self.nvars}, nclauses={self.nclauses}, nliterals={self.literals.size})"


def assignment_values(cnf: CNF, model: Sequence[int] | np.ndarray) -> np.ndarray:
    """Values ``+1`` (true), ``-1`` (false), ``0`` (unassigned) for variables ``1..nvars``.

    ``model`` is either a DIMACS model (signed variable numbers, as on a ``v`` line; a
    variable may be missing, then it is unassigned) or a boolean array of length ``nvars``.
    A model that names a variable twice with both signs, or a variable out of range, is
    rejected with ``ValueError``.
    """
    arr = np.asarray(model)
    if arr.dtype == bool:
        if arr.shape != (cnf.nvars,):
            raise ValueError(f"assignment has length {arr.size}, formula has {cnf.nvars} vars")
        return np.where(arr, 1, -1).astype(np.int8)
    lits = arr.astype(np.int64).ravel()
    lits = lits[lits != 0]
    if lits.size and np.abs(lits).max() > cnf.nvars:
        raise ValueError(f"model names variable {int(np.abs(lits).max())} > nvars={cnf.nvars}")
    values = np.zeros(cnf.nvars + 1, dtype=np.int8)
    np.put(values, np.abs(lits), np.sign(lits))
    check = values[np.abs(lits)] == np.sign(lits)
    if not np.all(check):
        bad = int(np.abs(lits[~check][0]))
        raise ValueError(f"model assigns variable {bad} both true and false")
    return values[1:]


def falsified(cnf: CNF, model: Sequence[int] | np.ndarray) -> np.ndarray:
    """Indices (0-based) of the clauses that ``model`` does not satisfy.

    A clause is satisfied only by a literal that the model makes true: an unassigned
    variable satisfies nothing, and an empty clause is never satisfied.
    """
    values = np.concatenate([[0], assignment_values(cnf, model)])
    lit_true = values[np.abs(cnf.literals)] * np.sign(cnf.literals) > 0
    counts = np.concatenate([[0], np.cumsum(lit_true, dtype=np.int64)])
    return np.flatnonzero(counts[cnf.offsets[1:]] == counts[cnf.offsets[:-1]])


def check(cnf: CNF, model: Sequence[int] | np.ndarray) -> bool:
    """True when ``model`` satisfies every clause of ``cnf``."""
    return falsified(cnf, model).size == 0


def model_fault(cnf: CNF, model: Sequence[int] | np.ndarray) -> str | None:
    """Why ``model`` (DIMACS literals) is not a model of ``cnf``, in words a person can act
    on, or None. The one CNF certificate check that ``verify``, ``crosscheck`` and the
    reductions share.

    >>> model_fault(CNF.from_clauses([[1, -2], [2, 3]]), [-1, 2, 3])
    'clause 1 (1 -2 0) is false under the model'
    >>> model_fault(CNF.from_clauses([[1, -2]]), [5])
    'literal 5 is outside 1..2 (the CNF has 2 variables)'
    >>> model_fault(CNF.from_clauses([[1, -2]]), [-1])
    'clause 1 (1 -2 0) is not satisfied: variable 2 has no value'
    """
    n = cnf.nvars
    huge = next((x for x in np.ravel(np.asarray(model, dtype=object)) if abs(int(x)) > n), None)
    if huge is not None and abs(int(huge)) >= 2**63:  # beyond int64: say so before numpy
        return f"literal {int(huge)} is outside 1..{n} (the CNF has {n} variables)"
    lits = np.asarray(model, dtype=np.int64).ravel()
    lits = lits[lits != 0]
    out = lits[np.abs(lits) > n]
    if out.size:
        lit = int(out[0])
        span = f"1..{n}" if lit > 0 else f"-{n}..-1"
        return f"literal {lit} is outside {span} (the CNF has {n} variables)"
    values = np.zeros(n + 1, dtype=np.int8)
    np.put(values, np.abs(lits), np.sign(lits))
    clash = lits[values[np.abs(lits)] != np.sign(lits)]
    if clash.size:
        return f"variable {abs(int(clash[0]))} is both true and false in the model"
    bad = falsified(cnf, lits)
    if bad.size == 0:
        return None
    j = int(bad[0])
    clause = cnf.literals[cnf.offsets[j] : cnf.offsets[j + 1]].tolist()
    shown = " ".join(map(str, clause[:16])) + (" ..." if len(clause) > 16 else "")
    text = f"clause {j + 1} ({shown}{' ' if clause else ''}0)"
    more = f" ({bad.size} clauses are not satisfied)" if bad.size > 1 else ""
    unset = [abs(x) for x in clause if values[abs(x)] == 0]
    if unset:
        return f"{text} is not satisfied: variable {unset[0]} has no value{more}"
    if not clause:
        return f"{text} is empty, so no model satisfies it{more}"
    return f"{text} is false under the model{more}"


def describe(cnf: CNF) -> str:
    """A few words on the instance's size, for messages."""
    return f"{cnf.nvars} variables, {cnf.nclauses} clauses"


#: conflicts in the first and the longest slice of a time-limited search (solve_within)
FIRST_SLICE, LAST_SLICE = 1_000, 64_000


def solve_within(s: Any, seconds: float | None) -> bool | None:
    """``s.solve()`` of a python-sat solver ``s``, or None when ``seconds`` run out first.
    python-sat's CaDiCaL cannot be interrupted from another thread, so a limited search
    runs in conflict-budget slices, the clock read between them: the first
    :data:`FIRST_SLICE` conflicts, each next slice twice as long, up to :data:`LAST_SLICE`
    (about a second of CaDiCaL on random 3-SAT)."""
    if seconds is None:
        return bool(s.solve())
    end = time.perf_counter() + seconds
    budget = FIRST_SLICE
    while time.perf_counter() < end:
        s.conf_budget(budget)
        answer = s.solve_limited()
        if answer is not None:
            return bool(answer)
        budget = min(2 * budget, LAST_SLICE)
    return None


def solve(
    cnf: CNF, solver: str = REFERENCE_SOLVER, time_limit: float | None = None
) -> list[int] | None:
    """Reference decision by a python-sat solver (CaDiCaL 1.9.5 by default).

    Returns a complete DIMACS model (one signed literal per variable) or ``None`` when the
    formula is unsatisfiable; :class:`~reluhard.errors.TimeLimitError` when ``time_limit``
    seconds run out first. An empty clause is handled here (python-sat solvers differ in
    how they take one).
    """
    from pysat.solvers import Solver

    if np.any(cnf.widths == 0):
        return None
    with Solver(name=solver, bootstrap_with=cnf.clauses()) as s:
        answer = solve_within(s, time_limit)
        if answer is None:
            raise TimeLimitError(
                f"{solver} found no answer within the time limit of {time_limit:g} s"
            )
        if not answer:
            return None
        found = {abs(x): x for x in (s.get_model() or [])}
    return [found.get(v, -v) for v in range(1, cnf.nvars + 1)]


def random_kcnf(nvars: int, nclauses: int, k: int, rng: np.random.Generator) -> CNF:
    """Uniform random k-CNF as in SATLIB's ``uf`` sets: each clause has ``k`` distinct
    variables, each negated with probability 1/2."""
    if k > nvars:
        raise ValueError("k must be <= nvars")
    if nvars <= 64:
        vars_ = np.argsort(rng.random((nclauses, nvars)), axis=1)[:, :k] + 1
    else:
        vars_ = rng.integers(1, nvars + 1, size=(nclauses, k))
        while True:  # resample rows with a repeated variable
            s = np.sort(vars_, axis=1)
            bad = np.flatnonzero(np.any(s[:, 1:] == s[:, :-1], axis=1))
            if bad.size == 0:
                break
            vars_[bad] = rng.integers(1, nvars + 1, size=(bad.size, k))
    signs = np.where(rng.random((nclauses, k)) < 0.5, -1, 1)
    lits = (vars_ * signs).astype(np.int32).ravel()
    return CNF(nvars, lits, np.arange(nclauses + 1, dtype=np.int64) * k)


def to_arrays(cnf: CNF) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and JSON metadata that embed ``cnf`` in a network file."""
    return {"literals": cnf.literals, "offsets": cnf.offsets}, {
        "nvars": cnf.nvars,
        "nclauses": cnf.nclauses,
    }


def from_arrays(arrays: Mapping[str, np.ndarray], meta: dict) -> CNF:
    """Inverse of :func:`to_arrays`; ``ValueError`` if the arrays do not form a CNF."""
    return CNF(meta_count(meta["nvars"], "nvars"), arrays["literals"], arrays["offsets"])
