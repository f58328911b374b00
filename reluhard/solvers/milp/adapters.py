"""The MILP back ends behind one small modelling interface (cf. CVXPY's solver interfaces):
OR-Tools CP-SAT, and SCIP and HiGHS through OR-Tools' linear solver wrapper (``pywraplp``).

The encoder (:mod:`.encode`, :mod:`.norms`) states a model only through these methods:
``var``, ``boolean``, ``complement``, ``row``, ``relu``, ``maximize``, and, on an
``integral`` back end, ``abs_power``; the solve loop (:mod:`.solve`) uses ``solve``,
``value`` and ``stats``. What the back ends differ in is said here, once:

- ``integral``: CP-SAT works over the integers (every variable integer, every coefficient
  an integer), so it takes only the problems :meth:`CpSat.refusal` lets through, and a
  strict ``< delta`` on integer outputs becomes ``<= ceil(delta) - 1``. SCIP and HiGHS are
  floating-point MILP solvers that meet each row only within a feasibility tolerance.
- ``relu``: CP-SAT states ``y = max(pre, 0)`` with enforcement literals (``d => y = pre``,
  ``~d => y = 0, pre <= 0``) and needs no M at all; SCIP and HiGHS get the big-M rows with
  the unit's own bounds ``[L, U]``: ``y >= pre``, ``y <= pre - L (1 - d)``, ``y <= U d``
  (``y >= 0`` is the variable's lower bound).
- ``complement``: ``1 - d`` is CP-SAT's negated literal; the linear solvers need a new
  binary with ``d' + d = 1``.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np

from ...errors import InputError
from ...fds import redirected
from ...inversion import InversionProblem

INF = math.inf
TABLE_MAX = 1 << 16  # CP-SAT's |d|^p: an element table up to here, products beyond
STATUSES = ("optimal", "feasible", "infeasible", "invalid", "unknown")


class Backend(Protocol):
    """The modelling interface of the module docstring, which every back end has (variables
    are the solver's own objects); ``abs_power`` is only on the ``integral`` one,
    :class:`CpSat`."""

    name: str
    integral: bool
    max_bound: float  # the largest big-M value the solver represents exactly

    def __init__(self, workers: int = 1) -> None: ...

    @staticmethod
    def refusal(problem: InversionProblem, two: dict | None) -> str: ...

    def var(self, lo: float, hi: float, integer: bool = ...) -> Any: ...

    def boolean(self) -> Any: ...

    def complement(self, d: Any) -> Any: ...

    def row(self, vs: list, cs: list, lo: float, hi: float) -> None: ...

    def implied_row(self, vs: list, cs: list, hi: float, s: Any, big: float) -> None: ...

    def relu(
        self, vs: list, cs: list, const: float, y: Any, d: Any, L: float, U: float
    ) -> None: ...

    def maximize(self, v: Any) -> None: ...

    def solve(self, time_limit: float | None) -> str: ...

    def value(self, v: Any) -> float: ...

    def stats(self) -> dict: ...


def integral_network(problem: InversionProblem) -> bool:
    """Integer weights, biases and target (below ``2^40``, so exact in CP-SAT's 64-bit
    arithmetic) and no leaky layer: what CP-SAT can state exactly."""
    arrays = [problem.target] + [
        a
        for layer in problem.network.layers
        for a in ((layer.csr.data if layer.sparse else layer.W), layer.b)
    ]
    return all(
        np.array_equal(a, np.round(a)) and (a.size == 0 or np.abs(a).max() < 2**40) for a in arrays
    ) and all(layer.activation != "leaky_relu" for layer in problem.network.layers)


class CpSat:
    """OR-Tools CP-SAT: an exact integer model; ReLUs as indicator constraints."""

    name = "cpsat"
    integral = True
    max_bound = 2.0**62  # a variable's domain is int64, and CP-SAT rejects overflowing sums
    #: state a row over Booleans that is a clause as ``AddBoolOr`` (CP-SAT's SAT core takes
    #: it as it is, without the linear-constraint presolve); off only to measure the gain
    bool_or = True
    #: CP-SAT parameters set on every solve (``benchmarks/cpsat_route.py`` measures them)
    parameters: dict[str, Any] = {}

    def __init__(self, workers: int = 1):
        """``workers``: CP-SAT's number of search workers (0: one per core)."""
        from ortools.sat.python import cp_model

        self.cp = cp_model
        # Any: the CamelCase methods (the only names before OR-Tools 9.9) are attached at
        # run time, which the package's type stubs do not show
        self.m: Any = cp_model.CpModel()
        self.workers = workers
        self._literals: dict[int, Any] = {}  # id -> Boolean literal (kept alive here)
        self.clause_rows = 0

    @staticmethod
    def refusal(problem: InversionProblem, two: dict | None) -> str:
        """Why CP-SAT cannot state ``problem`` exactly ("" if it can); ``two`` from
        :func:`.presolve.two_valued_latents`, or ``None`` when not computed (infeasible
        bounds)."""
        if not integral_network(problem):
            return (
                "solver 'cpsat' needs integer weights, biases and target below 2^40 "
                "(use scip or highs)"
            )
        spec = problem.query.spec
        if spec is not None and any(
            c.denominator != 1 for conj in spec.disjuncts for a in conj for _, _, c in a.terms
        ):
            return "solver 'cpsat' needs integer coefficients in the property (use scip or highs)"
        if problem.domain.is_discrete or two is None:
            return ""
        if len(two) < problem.n or not all(
            float(v).is_integer() for vs in two.values() for v in vs
        ):
            return (
                "solver 'cpsat' works over the integers: it needs a sign or binary latent (or "
                "a real one that bound propagation shows to be integer two-valued), not this "
                f"'{problem.domain.kind}' one (use scip or highs)"
            )
        return ""

    def var(self, lo: float, hi: float, integer: bool = True):
        return self.m.NewIntVar(math.floor(lo + 1e-9), math.ceil(hi - 1e-9), "")

    def boolean(self):
        return self._literal(self.m.NewBoolVar(""))

    def complement(self, d):
        return self._literal(d.Not())

    def _literal(self, v):
        self._literals[id(v)] = v
        return v

    def _row(self, vs, cs, lo: float, hi: float, enforce=None) -> None:
        expr = self.cp.LinearExpr.WeightedSum(vs, [int(c) for c in cs])
        cts = []
        if lo > -INF:
            cts.append(self.m.Add(expr >= math.ceil(lo - 1e-9)))
        if hi < INF:
            cts.append(self.m.Add(expr <= math.floor(hi + 1e-9)))
        if enforce is not None:
            for ct in cts:
                ct.OnlyEnforceIf(enforce)

    def row(self, vs, cs, lo: float, hi: float) -> None:
        """``lo <= sum cs * vs <= hi`` (the bounds rounded inward to integers); a clause
        (:func:`clause_literals`) as ``AddBoolOr``."""
        literals = self._literals
        if self.bool_or and vs and all(id(v) in literals for v in vs):
            signs = clause_literals([int(c) for c in cs], _inward(lo, hi))
            if signs is not None:
                self.m.AddBoolOr([v if s > 0 else v.Not() for v, s in zip(vs, signs, strict=True)])
                self.clause_rows += 1
                return
        self._row(vs, cs, lo, hi)

    def implied_row(self, vs, cs, hi: float, s, big: float) -> None:
        """``sum cs * vs <= hi`` when the literal ``s`` is true (enforcement: no M)."""
        self._row(vs, cs, -INF, hi, enforce=s)

    def relu(self, vs, cs, const: float, y, d, L: float, U: float) -> None:
        """``y = max(pre, 0)`` for ``pre = sum cs * vs + const``, ``d`` true iff active."""
        self._row(vs + [y], cs + [-1.0], -const, -const, enforce=d)
        self._row([y], [1.0], 0, 0, enforce=d.Not())
        self._row(vs, cs, -INF, -const, enforce=d.Not())

    def abs_power(self, d, lo: int, hi: int, p: int):
        """A variable equal to ``|d|^p`` for the integer variable ``d`` in ``[lo, hi]``: an
        element constraint on the table of powers up to :data:`TABLE_MAX`, beyond that a
        chain of products (never a table of ``|d|``'s whole range in memory)."""
        top = max(-lo, hi)
        if top**p >= 2**62:
            raise InputError(
                None, None, f"solver 'cpsat': |output - target|^{p} may reach {top}^{p}, "
                "beyond CP-SAT's 64-bit integers"
            )  # fmt: skip
        a = d
        if lo < 0:
            a = self.var(0, top)
            self.m.AddAbsEquality(a, d)
        if top <= TABLE_MAX:
            table = [v**p for v in range(top + 1)]
            pw = self.var(0, table[top])
            self.m.AddElement(a, table, pw)
            return pw
        pw = a
        for k in range(2, p + 1):
            nxt = self.var(0, top**k)
            self.m.AddMultiplicationEquality(nxt, [pw, a])
            pw = nxt
        return pw

    def maximize(self, v) -> None:
        self.m.Maximize(v)

    def solve(self, time_limit: float | None) -> str:
        """Solve within ``time_limit`` seconds; one of :data:`STATUSES`."""
        s = self.cp.CpSolver()
        if time_limit is not None:
            s.parameters.max_time_in_seconds = max(0.01, time_limit)
        s.parameters.num_workers = self.workers
        for key, value in self.parameters.items():
            setattr(s.parameters, key, value)
        status = s.Solve(self.m)
        self.s = s
        cp = self.cp
        return {
            cp.OPTIMAL: "optimal",
            cp.FEASIBLE: "feasible",
            cp.INFEASIBLE: "infeasible",
            cp.MODEL_INVALID: "invalid",
        }.get(status, "unknown")

    def value(self, v) -> float:
        return float(self.s.Value(v))

    def stats(self) -> dict:
        return {
            "clause_rows": self.clause_rows,
            "branches": self.s.NumBranches(),
            "conflicts": self.s.NumConflicts(),
            "wall_time": self.s.WallTime(),
        }


def _inward(lo: float, hi: float) -> tuple[int | None, int | None]:
    """Row bounds rounded inward to integers (None: no bound), as :meth:`CpSat._row` does."""
    return (
        math.ceil(lo - 1e-9) if lo > -INF else None,
        math.floor(hi + 1e-9) if hi < INF else None,
    )


def clause_literals(cs: list[int], bounds: tuple[int | None, int | None]) -> list[int] | None:
    """The signs of the clause that ``lo <= sum cs * x <= hi`` over 0/1 variables ``x`` is
    (``+1``: ``x``, ``-1``: not ``x``), or None when it is not one clause. With one bound
    binding, as ``sum c x >= lo`` (``<= hi`` negated) and ``low = sum min(c, 0)``: it is the
    clause of the literals that raise the sum iff all of them false violates it
    (``low < lo``) and any one true satisfies it (``low + |c| >= lo`` for every ``c``)."""
    lo, hi = bounds
    low = top = 0
    for c in cs:  # (one plain loop: this runs once for every row of a clause network)
        if c < 0:
            low += c
        else:
            top += c
    if hi is not None and top > hi:
        if lo is not None and low < lo:
            return None  # both bounds bind
        cs, lo, low = [-c for c in cs], -hi, -top
    if lo is None or low >= lo:
        return None  # no bound binds: left to the linear row
    smallest = min(map(abs, cs))
    if smallest == 0 or low + smallest < lo:
        return None
    return [1 if c > 0 else -1 for c in cs]


class LinearSolver:
    """A MILP solver of OR-Tools' linear solver wrapper: big-M rows with per-unit bounds."""

    name = ""
    max_bound = 2.0**53  # beyond it float64 big-M values are no longer exact integers
    key = ""  # pywraplp's name for it
    integral = False

    def __init__(self, workers: int = 1):
        """``workers`` is CP-SAT's option; these solvers run as OR-Tools sets them up."""
        # pywraplp has stubs but no py.typed: some mypy versions find no such submodule
        from ortools.linear_solver import pywraplp  # type: ignore[attr-defined, unused-ignore]

        self.pl = pywraplp
        with redirected({1: 2}):  # HiGHS prints a banner on stdout, where `s` lines go
            self.m = pywraplp.Solver.CreateSolver(self.key)
        if self.m is None:
            raise InputError(
                None, None, f"solver '{self.name}' is not available in this OR-Tools build"
            )
        self.m.SuppressOutput()

    @staticmethod
    def refusal(problem: InversionProblem, two: dict | None) -> str:
        """The empty string: the encoder states every problem it takes (p >= 2 by cuts)."""
        return ""

    def var(self, lo: float, hi: float, integer: bool = False):
        lo = -self.m.infinity() if lo == -INF else lo
        hi = self.m.infinity() if hi == INF else hi
        return self.m.IntVar(lo, hi, "") if integer else self.m.NumVar(lo, hi, "")

    def boolean(self):
        return self.m.BoolVar("")

    def complement(self, d):
        e = self.boolean()
        self.row([e, d], [1.0, 1.0], 1.0, 1.0)
        return e

    def row(self, vs, cs, lo: float, hi: float) -> None:
        """``lo <= sum cs * vs <= hi``; a variable listed twice has its coefficients added."""
        inf = self.m.infinity()
        ct = self.m.RowConstraint(-inf if lo == -INF else lo, inf if hi == INF else hi, "")
        for v, c in zip(vs, cs, strict=True):
            ct.SetCoefficient(v, ct.GetCoefficient(v) + float(c))

    def implied_row(self, vs, cs, hi: float, s, big: float) -> None:
        """``sum cs * vs <= hi`` when the binary ``s`` is 1, by ``+ big * s <= hi + big``
        (``big``: how far the sum can exceed ``hi``)."""
        self.row(vs + [s], cs + [big], -INF, hi + big)

    def relu(self, vs, cs, const: float, y, d, L: float, U: float) -> None:
        """``y = max(pre, 0)`` for ``pre = sum cs * vs + const`` in ``[L, U]`` (``L < 0 < U``)
        and ``y >= 0``, by the big-M rows with the unit's own bounds."""
        neg = [-c for c in cs]
        self.row(vs + [y], neg + [1.0], const, INF)  # y >= pre
        self.row(vs + [y, d], neg + [1.0, -L], -INF, const - L)  # y <= pre - L (1 - d)
        self.row([y, d], [1.0, -U], -INF, 0.0)  # y <= U d

    def maximize(self, v) -> None:
        self.m.Maximize(v)

    def solve(self, time_limit: float | None) -> str:
        """Solve within ``time_limit`` seconds; one of :data:`STATUSES`."""
        if time_limit is not None:
            self.m.SetTimeLimit(int(max(0.01, time_limit) * 1000))
        with redirected({1: 2}):  # HiGHS prints its banner when it first solves
            status = self.m.Solve()
        pl = self.pl.Solver
        return {
            pl.OPTIMAL: "optimal",
            pl.FEASIBLE: "feasible",
            pl.INFEASIBLE: "infeasible",
            pl.MODEL_INVALID: "invalid",
        }.get(status, "unknown")

    def value(self, v) -> float:
        return float(v.solution_value())

    def stats(self) -> dict:
        return {"nodes": self.m.nodes(), "wall_time": self.m.wall_time() / 1000.0}


class Scip(LinearSolver):
    name = "scip"
    key = "SCIP"


class Highs(LinearSolver):
    name = "highs"
    key = "HIGHS_MIXED_INTEGER_PROGRAMMING"


#: the MILP back ends by name
_ALL: tuple[type[Backend], ...] = (CpSat, Scip, Highs)
ADAPTERS: dict[str, type[Backend]] = {a.name: a for a in _ALL}
