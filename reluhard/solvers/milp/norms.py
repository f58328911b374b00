"""The query on the model's outputs: ``exact``, and ``approx`` in the l_p norms, with the
outer-approximation cuts that let the linear back ends take ``p >= 2``.

- ``exact`` pins every output;
- ``approx`` with ``p = inf`` bounds each ``|out_i - x_i|``; ``p = 1`` bounds the sum of
  absolute values (auxiliary ``e_i >= +-d_i``);
- an integer ``p >= 2`` is decided exactly by CP-SAT when every output is an integer
  (integer weights, biases and target, discrete latent): ``sum |d_i|^p`` is then an integer,
  and ``< delta^p`` becomes ``<= ceil(delta^p) - 1`` (``|d_i|^p`` by an element constraint,
  :meth:`.adapters.CpSat.abs_power`);
- SCIP and HiGHS are linear, so for ``p >= 2`` they get an outer approximation of the norm
  ball (:func:`outer_term`), refined by Kelley's cutting planes after each solve
  (:func:`refine`, at most :data:`OA_ROUNDS` rounds);
- an output that is a function of at most two binaries (``Encoding.tables``) has its term
  ``|out - x|^p`` linear in them and their product, exactly, on every back end.

An approximate query on SCIP/HiGHS is solved as ``<=``; when the point found fails the
exact check (it meets the bound only within the solver's tolerance) it is solved again
maximising the slack below the bound (``strict_slack``), which finds an interior point
where there is one; for a strict ``<``, a largest slack of 0 is a NO.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ...inversion import InversionProblem, Query
from ..bounds import Bounds
from .adapters import CpSat
from .encode import Encoding, conjunction
from .spec import add_spec

INF = math.inf

# Outer approximation of ||d||_p^p <= delta^p for the linear back ends (p >= 2): e_i >= |d_i|,
# s_i >= tangents of e^p (valid under-estimators: e^p is convex), sum s_i <= delta^p. Every
# true solution stays feasible, so infeasibility is a sound NO; a solution point that fails
# the exact check gets new tangents at its own e_i (Kelley's cutting planes) and is solved again.
OA_ROUNDS = 60


def add_query(problem: InversionProblem, enc: Encoding, bounds: Bounds, strict_slack: bool) -> None:
    """State ``problem.query`` on the outputs of ``enc``; with ``strict_slack``, maximise
    the room below an approximate query's bound (``enc.slack``)."""
    b, q, x = enc.backend, problem.query, problem.target
    if q.kind == "spec":
        add_spec(problem, enc, bounds, strict_slack)
    elif q.kind == "exact":
        for (vs, cs, const), xi in zip(enc.outputs, x, strict=True):
            b.row(vs, cs, xi - const, xi - const)
    elif q.p == "inf":
        _add_linf(problem, enc, strict_slack)
    else:
        _add_p_norm(problem, enc, bounds, strict_slack)


def _add_linf(problem: InversionProblem, enc: Encoding, strict_slack: bool) -> None:
    b, q, x = enc.backend, problem.query, problem.target
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


def _add_p_norm(problem: InversionProblem, enc: Encoding, bounds: Bounds, strict: bool) -> None:
    """``sum_i |out_i - x_i|^p <= delta^p`` (or ``<``) for a finite ``p``, as one linear row
    over a term per output:

    - an output that is a function of at most two binaries (``enc.tables``): its term is
      linear in them and their product, exactly (no new variable);
    - otherwise on CP-SAT (integer outputs): ``|d|^p`` by an element constraint on ``d``;
    - otherwise on SCIP/HiGHS: ``p = 1``: ``e >= |d|``; ``p >= 2``: the outer approximation
      (:func:`outer_term`), refined by cuts after each solve (:func:`refine`).
    """
    b, q, x = enc.backend, problem.query, problem.target
    # |out_i - x_i| is at most this, from the output bounds
    dmax = [
        float(max(abs(lo - xi), abs(hi - xi)))
        for lo, hi, xi in zip(bounds.post_lo[-1], bounds.post_hi[-1], x, strict=True)
    ]
    assert q.p is not None and q.p != "inf"  # add_query sends a finite p here
    p = int(q.p)
    dp = q.power()  # delta^p exactly
    if b.integral:  # integer outputs: "< delta^p" is "<= ceil(delta^p) - 1"
        cap: float = math.floor(dp) if not q.strict else math.ceil(dp) - 1
        if cap < 0:
            b.row([], [], 1, 0)  # infeasible
            return
        reach = math.floor(Fraction(cap) ** Fraction(1, p)) + 1 if cap else 1
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
                    vs_all.append(conjunction(enc, bins[0], bins[1]))
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
            assert isinstance(b, CpSat)  # the one integral back end
            vs_all.append(b.abs_power(d, lo, hi, p))
        else:
            e, term = outer_term(enc, vs, cs, const, xi, dmax[k], q)
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


def tangent(b, e, s, a: float, p: int) -> None:
    """``s >= a^p + p a^(p-1) (e - a)``, loosened by a relative 1e-9 against rounding."""
    rhs = (1 - p) * a**p
    b.row([s, e], [1.0, -p * a ** (p - 1)], rhs - 1e-9 * max(1.0, a**p), INF)


def outer_term(enc: Encoding, vs, cs, const: float, xi: float, dmax: float, q: Query):
    """``(e, term)`` with ``e >= |d|`` for ``d = out - x``; the term standing for ``|d|^p`` is
    ``e`` itself for ``p = 1``, else a variable above four tangents of ``e^p``."""
    assert q.p is not None and q.p != "inf"  # a finite p: called from _add_p_norm
    b, p = enc.backend, int(q.p)
    top = min(dmax, q.radius_hi())  # no coordinate of a solution exceeds delta
    e = b.var(0.0, top)
    b.row(vs + [e], [-c for c in cs] + [1.0], -(xi - const), INF)  # e >= d
    b.row(vs + [e], cs + [1.0], xi - const, INF)  # e >= -d
    if p == 1:
        return e, e
    term = b.var(0.0, INF)
    for j in (1, 2, 3, 4):
        tangent(b, e, term, top * j / 4, p)
    return e, term


def refine(enc: Encoding) -> int:
    """Tangents at the current point wherever ``s_i`` under-estimates ``e_i^p``; how many."""
    assert enc.oa is not None  # the solve loop refines only an outer approximation
    oa, p = enc.oa
    b = enc.backend
    point = [(max(0.0, b.value(e)), b.value(s)) for e, s in oa]  # read all before changing
    added = 0
    for (e, s), (ev, sv) in zip(oa, point, strict=True):
        if ev**p > sv + 1e-9 * (1.0 + ev**p):
            tangent(b, e, s, ev, p)
            added += 1
    return added
