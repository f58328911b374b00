"""Inversion by mixed-integer programming on OR-Tools: CP-SAT, SCIP and HiGHS.

The encoding (the same for all three, up to what each solver can state):

- bounds on every unit come from :mod:`reluhard.solvers.bounds` (forward from the latent
  domain, backward from the target), never from a global constant M;
- a unit whose pre-activation is provably ``<= 0`` is fixed inactive (output 0, and the
  constraint ``pre <= 0`` is kept, since the backward sweep may have derived it from the
  target); one provably ``>= 0`` is fixed active (output = pre); only the others get a binary
  ``d`` and, for SCIP/HiGHS, the big-M constraints with that unit's own bounds ``[L, U]``:
  ``y >= pre``, ``y <= pre - L (1 - d)``, ``y <= U d``, ``y >= 0``; CP-SAT states the same
  disjunction with enforcement literals (``d => y = pre``, ``~d => y = 0, pre <= 0``) and
  needs no M at all;
- latent: ``sign`` is ``z = 2 y - 1`` with binary ``y``, ``binary`` is ``z = y``, a box (or the
  stated w.l.o.g. box of a real domain) is a continuous variable (SCIP/HiGHS only);
- query: ``exact`` pins every output; ``approx`` with ``p = inf`` bounds each
  ``|out_i - x_i|``, ``p = 1`` bounds the sum of absolute values (auxiliary ``e_i >= +-d_i``);
  an integer ``p >= 2`` is decided exactly by CP-SAT when every output is an integer (integer
  weights, biases and target, discrete latent): ``sum |d_i|^p`` is then an integer, and
  ``< delta^p`` becomes ``<= ceil(delta^p) - 1``. SCIP and HiGHS are linear here, so they
  refuse ``p >= 2``. An approximate query on SCIP/HiGHS is solved as ``<=``; when the point
  found fails the exact check (it meets the bound only within the solver's tolerance) it is
  solved again maximising the slack below the bound, which finds an interior point where
  there is one; for a strict ``<``, a largest slack of 0 is a NO.

CP-SAT needs integers throughout, so it takes networks with integer weights and biases and
a discrete latent, or a real one that :func:`two_valued_latents` shows to take two integer
values per coordinate (``sat-real``: bound propagation proves ``z in {-1, 1}^n``); on other
real latents it refuses. Every point a solver returns is checked by
:func:`reluhard.inversion.check_latent` in exact rational arithmetic before it is called
INVERTIBLE; a point that fails is repaired (rounded for a discrete domain; decode -> check
-> encode through the reduction when the source instance is embedded) or the verdict is
UNKNOWN with the reason. Never a wrong YES.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..fds import redirected
from ..inversion import InversionProblem, check_latent
from ..options import Param, nonnegative
from .bounds import Bounds, propagate
from .bounds import lp_tighten as lp_bounds
from .recovery import nearby_rationals
from .verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Verdict

INF = math.inf
SUBSTITUTE_MAX_TERMS = 8  # an active unit with a longer expression gets its own variable


# ------------------------------------------------------------------------ solver adapters


class _CpSat:
    name = "cpsat"
    integral = True

    def __init__(self, workers: int = 1):
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.m = cp_model.CpModel()
        self.workers = workers

    def var(self, lo: float, hi: float, integer: bool = True):
        return self.m.NewIntVar(math.floor(lo + 1e-9), math.ceil(hi - 1e-9), "")

    def boolean(self):
        return self.m.NewBoolVar("")

    def row(self, vs, cs, lo: float, hi: float, enforce=None):
        expr = self.cp.LinearExpr.WeightedSum(vs, [int(c) for c in cs])
        cts = []
        if lo > -INF:
            cts.append(self.m.Add(expr >= math.ceil(lo - 1e-9)))
        if hi < INF:
            cts.append(self.m.Add(expr <= math.floor(hi + 1e-9)))
        if enforce is not None:
            for ct in cts:
                ct.OnlyEnforceIf(enforce)

    def maximize(self, v):
        self.m.Maximize(v)

    def solve(self, time_limit):
        s = self.cp.CpSolver()
        if time_limit is not None:
            s.parameters.max_time_in_seconds = max(0.01, time_limit)
        s.parameters.num_workers = self.workers
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
            "branches": self.s.NumBranches(),
            "conflicts": self.s.NumConflicts(),
            "wall_time": self.s.WallTime(),
        }


class _LinearSolver:
    integral = False

    def __init__(self, backend: str):
        from ortools.linear_solver import pywraplp

        self.pl = pywraplp
        self.name = backend.lower()
        key = {"scip": "SCIP", "highs": "HIGHS_MIXED_INTEGER_PROGRAMMING"}[self.name]
        with redirected({1: 2}):  # HiGHS prints a banner on stdout, where `s` lines go
            self.m = pywraplp.Solver.CreateSolver(key)
        if self.m is None:
            raise InputError(
                None, None, f"solver '{self.name}' is not available in this OR-Tools build"
            )
        self.m.SuppressOutput()
        self.objective = None

    def var(self, lo: float, hi: float, integer: bool = False):
        lo = -self.m.infinity() if lo == -INF else lo
        hi = self.m.infinity() if hi == INF else hi
        return self.m.IntVar(lo, hi, "") if integer else self.m.NumVar(lo, hi, "")

    def boolean(self):
        return self.m.BoolVar("")

    def row(self, vs, cs, lo: float, hi: float, enforce=None):
        inf = self.m.infinity()
        ct = self.m.RowConstraint(-inf if lo == -INF else lo, inf if hi == INF else hi, "")
        for v, c in zip(vs, cs, strict=True):
            ct.SetCoefficient(v, ct.GetCoefficient(v) + float(c))

    def maximize(self, v):
        self.m.Maximize(v)

    def solve(self, time_limit):
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


# ------------------------------------------------------------------------------ encoding


@dataclass
class Encoding:
    backend: object
    latent: list  # per coordinate: (var, scale, shift) with z = scale * var + shift
    outputs: list  # per output: (vars, coefs, const)
    binaries: int
    fixed: tuple[int, int]  # (inactive, active) units fixed without a binary
    slack: object = None  # slack variable for strict approximate queries
    two: int = 0  # real latent coordinates found to take one of two values
    one_binary: int = 0  # ReLU units whose input is affine in one binary: no new variable
    oa: tuple | None = None  # ([(e_i, s_i)], p): outer approximation of sum |d_i|^p (linear)
    two_binary: int = 0  # ReLU units of two binaries: tabulated, one product variable
    # output index -> (binaries, values): the output is a function of at most two binaries,
    # with value values[(a, b)] (or values[a]); the p-norm term is then linear in them
    tables: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)  # (id b0, id b1) -> their AND variable


def _rows(W) -> sp.csr_array:
    return W if sp.issparse(W) else sp.csr_array(W)


def _integral_network(problem: InversionProblem) -> bool:
    arrays = [problem.target] + [
        a
        for layer in problem.network.layers
        for a in ((layer.W.data if layer.sparse else layer.W), layer.b)
    ]
    return all(
        np.array_equal(a, np.round(a)) and (a.size == 0 or np.abs(a).max() < 2**40) for a in arrays
    ) and all(layer.activation != "leaky_relu" for layer in problem.network.layers)


def encode(problem: InversionProblem, bounds: Bounds, backend, two: dict) -> Encoding:
    """State ``problem`` (less its norm constraint) on ``backend`` with ``bounds``; the
    latent coordinates in ``two`` (from :func:`two_valued_latents`) become binaries."""
    dom = problem.domain
    n = problem.n
    latent = []
    booleans = set()  # ids of the solver's 0/1 variables
    for i in range(n):
        if i in two or dom.is_discrete:
            v0, v1 = two[i] if i in two else {"sign": (-1.0, 1.0), "binary": (0.0, 1.0)}[dom.kind]
            beta = backend.boolean()
            booleans.add(id(beta))
            latent.append((beta, v1 - v0, v0))
        else:
            latent.append((backend.var(bounds.latent_lo[i], bounds.latent_hi[i]), 1.0, 0.0))
    # each input of the current layer: None (constant 0) or an affine expression
    # (vars, coefs, const) of solver variables
    inputs = [([v], [scale], shift) for v, scale, shift in latent]
    binaries = inactive = active = one_binary = two_binary = 0
    products: dict = {}  # (id b0, id b1) -> their AND variable
    tables: dict = {}
    layers = problem.network.layers
    outputs = []
    for li, layer in enumerate(layers):
        W = _rows(layer.W)
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        olo, ohi = bounds.post_lo[li], bounds.post_hi[li]
        last = li == len(layers) - 1
        new_inputs = []
        partner, pair_sums = _layer_pairs(problem, bounds, li)
        shared: dict[int, tuple] = {}  # unit -> (binary of its partner, partner's y)
        for j in range(W.shape[0]):
            terms: dict = {}
            const = float(layer.b[j])
            for k in range(W.indptr[j], W.indptr[j + 1]):
                term = inputs[W.indices[k]]
                if term is None:
                    continue
                w = float(W.data[k])
                for v, c in zip(term[0], term[1], strict=True):
                    terms[v] = terms.get(v, 0.0) + w * c
                const += w * term[2]
            vs = [v for v, c in terms.items() if c != 0]
            cs = [terms[v] for v in vs]
            if last and layer.activation == "identity":
                outputs.append((vs, cs, const))
                new_inputs.append(None)
                continue
            act = layer.activation
            if act == "identity" or plo[j] >= 0:
                # active (or linear): y = pre, substituted into the next layer when short
                if act != "identity":
                    active += 1
                    backend.row(vs, cs, -const, INF)
                if len(vs) <= SUBSTITUTE_MAX_TERMS:
                    new_inputs.append((vs, cs, const))
                else:
                    y = backend.var(olo[j], ohi[j], backend.integral)
                    backend.row(vs + [y], cs + [-1.0], -const, -const)
                    new_inputs.append(([y], [1.0], 0.0))
            elif phi[j] <= 0:
                inactive += 1
                backend.row(vs, cs, -INF, -const)
                new_inputs.append(None)
            elif act == "relu" and len(vs) == 1 and id(vs[0]) in booleans:
                # pre = const + c * beta with beta in {0, 1}: ReLU(pre) is affine in beta
                r0, r1 = max(const, 0.0), max(const + cs[0], 0.0)
                new_inputs.append((vs, [r1 - r0], r0))
                one_binary += 1
                if last:
                    tables[len(outputs)] = ([vs[0]], {(0,): r0, (1,): r1})
            elif act == "relu" and len(vs) == 2 and all(id(v) in booleans for v in vs):
                # ReLU of two binaries: tabulate its four values; it is linear in the two
                # binaries and their product (one AND variable per pair, shared)
                r = {
                    (a, c): max(const + a * cs[0] + c * cs[1], 0.0) for a in (0, 1) for c in (0, 1)
                }
                inter = r[1, 1] - r[1, 0] - r[0, 1] + r[0, 0]
                evs, ecs = list(vs), [r[1, 0] - r[0, 0], r[0, 1] - r[0, 0]]
                if inter:
                    key = tuple(sorted((id(vs[0]), id(vs[1]))))
                    if key not in products:
                        prod = backend.boolean()
                        booleans.add(id(prod))
                        backend.row([prod, vs[0]], [1.0, -1.0], -INF, 0.0)  # prod <= b0
                        backend.row([prod, vs[1]], [1.0, -1.0], -INF, 0.0)  # prod <= b1
                        backend.row([prod] + vs, [1.0, -1.0, -1.0], -1.0, INF)  # >= b0+b1-1
                        products[key] = prod
                    evs.append(products[key])
                    ecs.append(inter)
                new_inputs.append((evs, ecs, r[0, 0]))
                two_binary += 1
                if last:
                    tables[len(outputs)] = (list(vs), r)
            elif act == "relu":
                y = backend.var(0.0, max(0.0, ohi[j]), backend.integral)
                if j in shared:  # pre_j = -pre_k: one binary for both, y_k - y_j = pre_k
                    d_k, y_k = shared[j]
                    d = d_k.Not() if isinstance(backend, _CpSat) else None
                    if d is None:
                        d = backend.boolean()
                        backend.row([d, d_k], [1.0, 1.0], 1.0, 1.0)
                    backend.row(vs + [y, y_k], [-c for c in cs] + [1.0, -1.0], const, const)
                    s_lo, s_hi = pair_sums.get(j, (0.0, INF))
                    backend.row([y, y_k], [1.0, 1.0], s_lo, s_hi)  # |pre| in [s_lo, s_hi]
                else:
                    binaries += 1
                    d = backend.boolean()
                if j in partner:
                    shared[partner[j]] = (d, y)
                if isinstance(backend, _CpSat):
                    backend.row(vs + [y], cs + [-1.0], -const, -const, enforce=d)
                    backend.row([y], [1.0], 0, 0, enforce=d.Not())
                    backend.row(vs, cs, -INF, -const, enforce=d.Not())
                else:
                    L, U = float(plo[j]), float(phi[j])
                    backend.row(vs + [y], [-c for c in cs] + [1.0], const, INF)  # y >= pre
                    backend.row(vs + [y, d], [-c for c in cs] + [1.0, -L], -INF, const - L)
                    backend.row([y, d], [1.0, -U], -INF, 0.0)  # y <= U d
                new_inputs.append(([y], [1.0], 0.0))
            else:
                raise InputError(
                    None,
                    None,
                    f"the MILP back ends take relu and identity layers; layer {li + 1} is {act}",
                )
            if last:
                outputs.append(new_inputs[-1] or ([], [], 0.0))
        inputs = new_inputs
    return Encoding(
        backend,
        latent,
        outputs,
        binaries + len(products),
        (inactive, active),
        two=len(two),
        one_binary=one_binary,
        two_binary=two_binary,
        tables=tables,
        products=products,
    )


def _add_query(
    problem: InversionProblem, enc: Encoding, bounds: Bounds, strict_slack: bool
) -> None:
    b, q, x = enc.backend, problem.query, problem.target
    # |out_i - x_i| is at most this, from the output bounds (CP-SAT needs finite domains)
    dmax = [
        float(max(abs(lo - xi), abs(hi - xi)))
        for lo, hi, xi in zip(bounds.post_lo[-1], bounds.post_hi[-1], x, strict=True)
    ]
    if q.kind == "exact":
        for (vs, cs, const), xi in zip(enc.outputs, x, strict=True):
            b.row(vs, cs, xi - const, xi - const)
        return
    if q.p == "inf":
        delta = float(q.power())
        if b.integral:  # integer outputs: "< delta" is "<= ceil(delta) - 1"
            exact = q.power()
            delta = math.floor(exact) if not q.strict else math.ceil(exact) - 1
            if delta < 0:
                b.row([], [], 1, 0)
                return
        t = None
        if strict_slack:
            t = b.var(0.0, delta)
            b.maximize(t)
            enc.slack = t
        extra = ([t], [1.0]) if t is not None else ([], [])
        for (vs, cs, const), xi in zip(enc.outputs, x, strict=True):
            b.row(vs + extra[0], cs + extra[1], -INF, xi - const + delta)
            b.row(vs + extra[0], [-c for c in cs] + extra[1], -INF, -(xi - const) + delta)
        return
    _add_p_norm(problem, enc, bounds, dmax, strict_slack)


def _add_p_norm(
    problem: InversionProblem, enc: Encoding, bounds: Bounds, dmax: list[float], strict: bool
) -> None:
    """``sum_i |out_i - x_i|^p <= delta^p`` (or ``<``) for a finite ``p``, as one linear row
    over a term per output:

    - an output that is a function of at most two binaries (``enc.tables``): its term is
      linear in them and their product, exactly (no new variable);
    - otherwise on CP-SAT (integer outputs): ``|d|^p`` by an element constraint on ``d``;
    - otherwise on SCIP/HiGHS: ``p = 1``: ``e >= |d|``; ``p >= 2``: the outer approximation
      (:func:`_outer_term`), refined by cuts after each solve (:func:`_refine`).
    """
    b, q, x = enc.backend, problem.query, problem.target
    p = int(q.p)
    dp = q.power()  # delta^p exactly
    if b.integral:  # integer outputs: "< delta^p" is "<= ceil(delta^p) - 1"
        cap = math.floor(dp) if not q.strict else math.ceil(dp) - 1
        if cap < 0:
            b.row([], [], 1, 0)  # infeasible
            return
        reach = math.floor(Fraction(cap) ** Fraction(1, p)) + 1 if cap else 1
        table = [v**p for v in range(reach + 1)]
    else:
        cap = float(dp) * (1 + 1e-9) + 1e-12 if p > 1 else float(dp)
    vs_all: list = []
    cs_all: list = []
    const_all = 0.0
    oa = []
    for k, ((vs, cs, const), xi) in enumerate(zip(enc.outputs, x, strict=True)):
        if k in enc.tables:
            bins, values = enc.tables[k]
            powv = {key: abs(v - xi) ** p for key, v in values.items()}
            if len(bins) == 1:
                vs_all.append(bins[0])
                cs_all.append(powv[(1,)] - powv[(0,)])
                const_all += powv[(0,)]
            else:
                t00, t10, t01, t11 = powv[0, 0], powv[1, 0], powv[0, 1], powv[1, 1]
                vs_all += bins
                cs_all += [t10 - t00, t01 - t00]
                const_all += t00
                inter = t11 - t10 - t01 + t00
                if inter:
                    key = tuple(sorted(map(id, bins)))
                    prod = enc.products.get(key)
                    if prod is None:
                        prod = b.boolean()
                        b.row([prod, bins[0]], [1.0, -1.0], -INF, 0.0)
                        b.row([prod, bins[1]], [1.0, -1.0], -INF, 0.0)
                        b.row([prod] + bins, [1.0, -1.0, -1.0], -1.0, INF)
                        enc.products[key] = prod
                    vs_all.append(prod)
                    cs_all.append(inter)
            continue
        if b.integral:
            lo = max(-reach, math.ceil(bounds.post_lo[-1][k] - xi - 1e-9))
            hi = min(reach, math.floor(bounds.post_hi[-1][k] - xi + 1e-9))
            if lo > hi:
                b.row([], [], 1, 0)  # this output cannot come close enough
                return
            d = b.var(lo, hi)
            b.row(vs + [d], cs + [-1.0], xi - const, xi - const)
            a = d
            if lo < 0:
                a = b.var(0, max(-lo, hi))
                b.m.AddAbsEquality(a, d)
            pw = b.var(0, table[max(-lo, hi)])
            b.m.AddElement(a, table[: max(-lo, hi) + 1], pw)
            vs_all.append(pw)
        else:
            e, term = _outer_term(enc, vs, cs, const, xi, dmax[k], q)
            if p > 1:
                oa.append((e, term))
            vs_all.append(term)
        cs_all.append(1.0)
    if oa:
        enc.oa = (oa, p)
    if strict:  # maximise the room left below the bound: none means "<" is impossible
        t = b.var(0.0, float(cap))
        b.maximize(t)
        enc.slack = t
        vs_all.append(t)
        cs_all.append(1.0)
    b.row(vs_all, cs_all, -INF, cap - const_all)


# Outer approximation of ||d||_p^p <= delta^p for the linear back ends (p >= 2): e_i >= |d_i|,
# s_i >= tangents of e^p (valid under-estimators: e^p is convex), sum s_i <= delta^p. Every
# true solution stays feasible, so infeasibility is a sound NO; a solution point that fails
# the exact check gets new tangents at its own e_i (Kelley's cutting planes) and is solved again.
OA_ROUNDS = 60


def _tangent(b, e, s, a: float, p: int) -> None:
    """``s >= a^p + p a^(p-1) (e - a)``, loosened by a relative 1e-9 against rounding."""
    rhs = (1 - p) * a**p
    b.row([s, e], [1.0, -p * a ** (p - 1)], rhs - 1e-9 * max(1.0, a**p), INF)


def _outer_term(enc: Encoding, vs, cs, const: float, xi: float, dmax: float, q):
    """``(e, term)`` with ``e >= |d|`` for ``d = out - x``; the term standing for ``|d|^p`` is
    ``e`` itself for ``p = 1``, else a variable above four tangents of ``e^p``."""
    b, p = enc.backend, int(q.p)
    top = min(dmax, q.radius_hi())  # no coordinate of a solution exceeds delta
    e = b.var(0.0, top)
    b.row(vs + [e], [-c for c in cs] + [1.0], -(xi - const), INF)  # e >= d
    b.row(vs + [e], cs + [1.0], xi - const, INF)  # e >= -d
    if p == 1:
        return e, e
    term = b.var(0.0, INF)
    for j in (1, 2, 3, 4):
        _tangent(b, e, term, top * j / 4, p)
    return e, term


def _refine(enc: Encoding) -> int:
    """Tangents at the current point wherever ``s_i`` under-estimates ``e_i^p``; how many."""
    oa, p = enc.oa
    b = enc.backend
    point = [(max(0.0, b.value(e)), b.value(s)) for e, s in oa]  # read all before changing
    added = 0
    for (e, s), (ev, sv) in zip(oa, point, strict=True):
        if ev**p > sv + 1e-9 * (1.0 + ev**p):
            _tangent(b, e, s, ev, p)
            added += 1
    return added


def _negation_pairs(W: sp.csr_array, b: np.ndarray, W_next=None) -> dict[int, int]:
    """Units ``j < k`` with ``pre_k = -pre_j`` (same inputs, negated weights and bias) that
    the next layer reads alike (same column of ``W_next``), as ``{j: k}``. ``ReLU(a)`` and
    ``ReLU(-a)`` can share one binary (``d_k = 1 - d_j``), satisfy ``ReLU(a) - ReLU(-a) = a``,
    and, read alike, enter the next layer as ``|a|``: on ``sat-real`` this halves the
    binaries and makes ``v = 2 d - 1`` exact already in the LP relaxation."""
    cols = sp.csc_array(W_next) if W_next is not None else None
    seen: dict[tuple, list[int]] = {}
    pairs: dict[int, int] = {}
    for j in range(W.shape[0]):
        lo, hi = W.indptr[j], W.indptr[j + 1]
        idx = W.indices[lo:hi].tobytes()
        if cols is not None:
            c0, c1 = cols.indptr[j], cols.indptr[j + 1]
            nxt = (cols.indices[c0:c1].tobytes(), cols.data[c0:c1].tobytes())
        else:
            nxt = None
        key = (idx, W.data[lo:hi].tobytes(), float(b[j]), nxt)
        neg = (idx, (-W.data[lo:hi]).tobytes(), float(-b[j]), nxt)
        if seen.get(neg):
            pairs[seen[neg].pop(0)] = j
        else:
            seen.setdefault(key, []).append(j)
    return pairs


def _layer_pairs(problem: InversionProblem, bounds: Bounds, li: int) -> tuple[dict, dict]:
    """Negation pairs of ReLU layer ``li`` and the bounds on their ``|a|``, computed once per
    ``bounds`` (the encoding and the two-valued-latent presolve both ask)."""
    cache = bounds.__dict__.setdefault("_pairs", {})
    if li not in cache:
        layers = problem.network.layers
        layer = layers[li]
        if layer.activation != "relu" or li + 1 >= len(layers):
            cache[li] = ({}, {})
        else:
            pairs = _negation_pairs(_rows(layer.W), layer.b, layers[li + 1].W)
            cache[li] = (pairs, _pair_sum_bounds(problem, bounds, li, pairs) if pairs else {})
    return cache[li]


def _pair_sum_bounds(
    problem: InversionProblem, bounds: Bounds, li: int, partner: dict[int, int]
) -> dict[int, tuple[float, float]]:
    """Bounds on ``s = ReLU(a) + ReLU(-a) = |a|`` for each negation pair of layer ``li``,
    keyed by the pair's second unit. ``s <= max(-L, U)`` always; and where a row of the next
    layer weighs both units equally, interval reasoning on that row with the pair as one
    term ``c s`` (instead of two independent terms) bounds ``s`` from the next layer's
    pre-activation bounds. On ``sat-real`` the output row ``sum |v_i| = n`` with every
    ``|v_i| <= 1`` gives ``|v_i| = 1`` for each ``i``: a local constraint the solver can
    propagate, where the global row alone is only seen once all other pairs are fixed."""
    plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
    olo, ohi = bounds.post_lo[li], bounds.post_hi[li]
    nxt = problem.network.layers[li + 1]
    Wn = _rows(nxt.W)
    nlo, nhi = bounds.pre_lo[li + 1], bounds.pre_hi[li + 1]
    second = {k: j for j, k in partner.items()}
    out: dict[int, tuple[float, float]] = {}
    for k, j in second.items():
        out[k] = (0.0, float(min(max(-plo[j], phi[j]), ohi[j] + ohi[k])))
    for r in range(Wn.shape[0]):
        cols = Wn.indices[Wn.indptr[r] : Wn.indptr[r + 1]]
        ws = dict(
            zip(cols.tolist(), Wn.data[Wn.indptr[r] : Wn.indptr[r + 1]].tolist(), strict=True)
        )
        terms = []  # (key or None, coef, lo, hi)
        for u, w in ws.items():
            if u in partner and ws.get(partner[u]) == w:
                k = partner[u]
                terms.append((k, w, out[k][0], out[k][1]))
            elif u in second and ws.get(second[u]) == w:
                continue  # counted with its partner
            else:
                terms.append((None, w, olo[u], ohi[u]))
        tmin = [min(c * lo, c * hi) for _, c, lo, hi in terms]
        tmax = [max(c * lo, c * hi) for _, c, lo, hi in terms]
        smin, smax = sum(tmin), sum(tmax)
        if not (math.isfinite(smin) and math.isfinite(smax)):
            continue
        # all integers: float arithmetic is exact and needs no outward margin
        exact = all(
            float(v).is_integer()
            for v in [*tmin, *tmax, nlo[r], nhi[r], nxt.b[r]]
            if math.isfinite(v)
        )
        for (key, c, _, _), a, b_ in zip(terms, tmin, tmax, strict=True):
            if key is None or c == 0:
                continue
            t_lo = nlo[r] - nxt.b[r] - (smax - b_)
            t_hi = nhi[r] - nxt.b[r] - (smin - a)
            s_lo, s_hi = (t_lo / c, t_hi / c) if c > 0 else (t_hi / c, t_lo / c)
            slack = 0.0 if exact and abs(c) == 1 else 1e-9 * (1 + abs(s_lo) + abs(s_hi))
            cur = out[key]
            out[key] = (max(cur[0], s_lo - slack), min(cur[1], s_hi + slack))
    return out


def two_valued_latents(problem: InversionProblem, bounds: Bounds) -> tuple[dict, str]:
    """Latent coordinates that every solution sets to one of two values, ``{i: (v0, v1)}``,
    and a reason when some pair ``ReLU(a), ReLU(-a)`` cannot meet its bounds at all (then no
    solution exists).

    While every unit so far is stable, a layer's pre-activations are an affine function
    ``A z + c`` of the latent (inactive units contribute 0, active ones pass through). If a
    negation pair ``ReLU(a), ReLU(-a)`` there has ``a = alpha z_i + c`` with ``a in [L, U]``
    and ``|a| >= max(-L, U)`` (from :func:`_pair_sum_bounds`), then ``a in {L, U}`` and
    ``z_i`` is two-valued: it becomes a binary in the model. Applied only where all these
    numbers are integers (exact float arithmetic), so it never cuts off a solution. On
    ``sat-real`` this recovers ``z in {-1, 1}^n`` and the model becomes as easy as
    ``sat-sign``'s."""
    out: dict[int, tuple] = {}
    for i in np.flatnonzero(bounds.latent_lo == bounds.latent_hi).tolist():
        if float(bounds.latent_lo[i]).is_integer():  # pinned: one value (counted as two)
            out[i] = (float(bounds.latent_lo[i]), float(bounds.latent_lo[i]))
    layers = problem.network.layers
    n = problem.n
    A = sp.identity(n, format="csr")
    c = np.zeros(n)
    for li, layer in enumerate(layers[:-1]):
        W = _rows(layer.W)
        preA = sp.csr_array(W @ A)
        prec = np.asarray(W @ c).ravel() + layer.b
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        unstable = (plo < 0) & (phi > 0)
        if layer.activation == "relu":
            pairs, sums = _layer_pairs(problem, bounds, li)
            for j, k in pairs.items():
                L, U, s_lo = float(plo[j]), float(phi[j]), sums[k][0]
                if s_lo > sums[k][1]:
                    return out, (
                        f"bound propagation: |pre| of layer {li + 1} units {j}, {k} "
                        f"must lie in the empty interval [{s_lo:g}, {sums[k][1]:g}]"
                    )
                lo_, hi_ = preA.indptr[j], preA.indptr[j + 1]
                if hi_ - lo_ != 1 or not all(float(v).is_integer() for v in (L, U)):
                    continue
                if s_lo <= 0 or s_lo < max(-L, U):
                    continue
                # |a| >= s_lo >= max(-L, U) leaves a in {L, U}, those of them with |a| = s_lo
                values = [v for v in (L, U) if abs(v) == s_lo] or [None]
                i, alpha = int(preA.indices[lo_]), float(preA.data[lo_])
                if (
                    values[0] is None
                    or alpha == 0
                    or not (alpha.is_integer() and float(prec[j]).is_integer())
                ):
                    continue
                zs = sorted((v - prec[j]) / alpha for v in values)
                out.setdefault(i, (float(zs[0]), float(zs[-1])))
        if unstable.any():
            break
        if layer.activation == "relu":
            keep = (plo >= 0).astype(np.float64)
            A = sp.csr_array(sp.diags_array(keep) @ preA)
            c = keep * prec
        elif layer.activation == "identity":
            A, c = preA, prec
        else:
            break
    return out, ""


# ------------------------------------------------------------------------------- solving

BACKENDS = ("cpsat", "scip", "highs")
DEFAULT = "auto"  # cpsat where it applies (fastest on the SATLIB sets), else scip


def _cpsat_refusal(problem: InversionProblem, two: dict | None) -> str:
    """Why CP-SAT cannot state ``problem`` exactly ("" if it can); ``two`` from
    :func:`two_valued_latents`, or ``None`` when not computed (infeasible bounds)."""
    if not _integral_network(problem):
        return "solver 'cpsat' needs integer weights, biases and target (use scip or highs)"
    if problem.domain.is_discrete or two is None:
        return ""
    if len(two) < problem.n or not all(float(v).is_integer() for vs in two.values() for v in vs):
        return (
            "solver 'cpsat' works over the integers: it needs a sign or binary latent (or "
            "a real one that bound propagation shows to be integer two-valued), not this "
            f"'{problem.domain.kind}' one (use scip or highs)"
        )
    return ""


def _make_backend(name: str, problem: InversionProblem, two: dict):
    if name == "cpsat":
        refusal = _cpsat_refusal(problem, two)
        if refusal:
            raise InputError(None, None, refusal)
        return _CpSat()
    return _LinearSolver(name)


def _candidates(problem: InversionProblem, z: np.ndarray):
    """The solver's point, then repairs of it."""
    vals = problem.domain.values()
    if vals is not None:
        yield "rounded", np.where(z > (vals[0] + vals[1]) / 2, vals[1], vals[0]).astype(int)
        return
    yield "as returned", z
    yield "rounded to nearby rationals", nearby_rationals(z)


def solve(
    problem: InversionProblem,
    *,
    solver: str = DEFAULT,
    time_limit: float | None = None,
    lp_tighten: float = 0.0,
) -> Verdict:
    """Decide ``problem`` with MILP back end ``solver`` (``cpsat``, ``scip``, ``highs``, or
    ``auto``: cpsat where it applies, else scip). ``lp_tighten`` > 0 spends up to that many
    seconds tightening the bounds of unstable units by LP (:func:`bounds.lp_tighten`)."""
    t0 = time.perf_counter()
    if solver not in (*BACKENDS, "auto"):
        raise InputError(
            None, None, f"unknown MILP solver '{solver}' (known: {', '.join(BACKENDS)})"
        )
    if solver == "auto" and problem.n == 0:
        solver = "cpsat"
    if problem.n == 0:  # one latent, the empty one: decide it exactly (no model to solve)
        check = check_latent(problem, [])
        return Verdict(
            INVERTIBLE if check.ok else NOT_INVERTIBLE,
            solver,
            latent=[] if check.ok else None,
            reason="the only latent (n = 0) checked exactly"
            + ("" if check.ok else f": {check.reason}"),
            time=time.perf_counter() - t0,
        )
    bounds = propagate(problem)
    stats: dict = {}
    if lp_tighten > 0 and not bounds.infeasible:
        budget = lp_tighten if time_limit is None else min(lp_tighten, time_limit / 2)
        stats["lp_tightened"] = lp_bounds(problem, bounds, budget)
    inactive, active, unstable = bounds.stable_counts(problem.network.layers)
    stats.update(inactive=inactive, active=active, unstable=unstable)
    two, why = ({}, "") if problem.domain.is_discrete else two_valued_latents(problem, bounds)
    stats["bounds_time"] = time.perf_counter() - t0
    infeasible = bounds.infeasible or why
    if solver == "auto":
        solver = "scip" if _cpsat_refusal(problem, None if infeasible else two) else "cpsat"
    if infeasible and solver == "cpsat" and _cpsat_refusal(problem, None):
        raise InputError(None, None, _cpsat_refusal(problem, None))
    if infeasible:
        return Verdict(
            NOT_INVERTIBLE, solver, reason=infeasible, time=time.perf_counter() - t0, stats=stats
        )
    backend = _make_backend(solver, problem, two)
    # a float solver's point on the boundary of an approximate query fails the exact check
    # (it meets the bound only within tolerance): "<" needs room below delta, and for "<="
    # a second solve that maximises that room finds an interior point where there is one
    strict_lin = problem.query.kind == "approx" and not backend.integral
    for attempt in ("feasibility", "max-slack") if strict_lin else ("feasibility",):
        if attempt == "max-slack":
            backend = _make_backend(solver, problem, two)
        enc = encode(problem, bounds, backend, two)
        _add_query(problem, enc, bounds, strict_slack=attempt == "max-slack")
        stats.update(
            binaries=enc.binaries,
            latent_binaries=sum(1 for v in enc.latent if problem.domain.is_discrete or v[1] != 1.0),
            two_valued_latents=enc.two,
            units_affine_in_one_binary=enc.one_binary,
            units_of_two_binaries=enc.two_binary,
            build_time=time.perf_counter() - t0,
        )
        remaining = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if remaining is not None and remaining <= 0:
            return Verdict(
                UNKNOWN,
                solver,
                reason=f"time limit {time_limit:g} s reached while building the model",
                time=time.perf_counter() - t0,
                stats=stats,
            )
        for oa_round in range(OA_ROUNDS + 1):
            remaining = None if time_limit is None else time_limit - (time.perf_counter() - t0)
            if remaining is not None and remaining <= 0:
                return Verdict(UNKNOWN, solver, reason=f"time limit {time_limit:g} s reached",
                               time=time.perf_counter() - t0, stats=stats)  # fmt: skip
            status = backend.solve(remaining)
            stats.update(backend.stats(), status=status)
            if enc.oa is not None:
                stats["oa_rounds"] = oa_round
            if status == "infeasible":
                return Verdict(
                    NOT_INVERTIBLE,
                    solver,
                    reason="the MILP is infeasible (solver claim)"
                    + (" with outer-approximation cuts for the p-norm" if enc.oa else ""),
                    time=time.perf_counter() - t0,
                    stats=stats,
                )
            if status not in ("optimal", "feasible"):
                why = "time limit reached" if status == "unknown" else f"solver status {status}"
                return Verdict(
                    UNKNOWN, solver, reason=why, time=time.perf_counter() - t0, stats=stats
                )
            # the cuts and the cap are loosened by 1e-9 each against rounding: within that,
            # the room below delta^p counts as none
            # float solvers meet bounds within a feasibility tolerance (1e-6 in SCIP), and
            # the cuts and the cap are loosened by 1e-9 each: a slack within that is none
            room = (
                0.0
                if backend.integral or enc.slack is None
                else 1e-7 * max(1.0, float(problem.query.power()))
                + (0.0 if enc.oa is None else 2e-9 * (len(enc.oa[0]) + 2))
            )
            if (
                enc.slack is not None
                and backend.value(enc.slack) <= room
                and status == "optimal"
                and problem.query.strict
            ):
                return Verdict(
                    NOT_INVERTIBLE,
                    solver,
                    reason="the largest slack below delta is 0 "
                    "(solver claim): the bound is met only with equality",
                    time=time.perf_counter() - t0,
                    stats=stats,
                )
            z = np.array([scale * backend.value(v) + shift for v, scale, shift in enc.latent])
            failures = []
            for how, cand in _candidates(problem, z):
                check = check_latent(problem, list(cand))
                if check.ok:
                    latent = [
                        Fraction(v)
                        for v in (cand.tolist() if isinstance(cand, np.ndarray) else cand)
                    ]
                    stats["certificate"] = how
                    return Verdict(
                        INVERTIBLE,
                        solver,
                        latent=latent,
                        reason=f"latent {how}, verified exactly",
                        time=time.perf_counter() - t0,
                        stats=stats,
                    )
                failures.append(f"{how}: {check.reason}")
            if enc.oa is None or not _refine(enc):
                break
        if not (strict_lin and attempt == "feasibility"):
            return Verdict(
                UNKNOWN,
                solver,
                reason="solver point failed the exact check (" + "; ".join(failures) + ")",
                time=time.perf_counter() - t0,
                stats=stats,
                point=z,
            )
    raise AssertionError("unreachable")


OPTIONS = {
    "lp_tighten": Param(
        nonnegative, "seconds of LP bound tightening of unstable units (default 0: none)", 0.0
    ),
}


def cpsat_refusal(problem: InversionProblem) -> str | None:
    """Why CP-SAT cannot take ``problem``, as far as that shows before presolve."""
    return _cpsat_refusal(problem, None) or None
