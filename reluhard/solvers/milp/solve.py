"""The MILP solve loop: choose a back end, presolve, encode, solve, judge the point.

A float solver's point on the boundary of an approximate query fails the exact check (it
meets the bound only within tolerance): ``<`` needs room below delta, and for ``<=`` a
second model that maximises that room finds an interior point where there is one. With
outer-approximation cuts (:mod:`.norms`, ``p >= 2`` on SCIP/HiGHS) a point that fails the
check gets new cuts and the model is solved again, up to :data:`.norms.OA_ROUNDS` times.

Every point is judged by :func:`reluhard.inversion.check_latent` in exact rational
arithmetic, with the repairs of :func:`candidates`; the verdict is INVERTIBLE only with a
latent that passed. When none passes it is UNKNOWN, with the float point in
``Verdict.point`` for the repair through the reduction that
:func:`reluhard.pipeline.decide` tries.
"""

from __future__ import annotations

import time

import numpy as np

from ...errors import InputError
from ...exactness import float_refusal, float_unknown_reason
from ...inversion import InversionProblem, check_latent
from ...options import Param, count, nonnegative
from .. import brute
from ..recovery import repair
from ..verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Verdict
from .adapters import ADAPTERS, CpSat
from .encode import Encoding, encode
from .norms import OA_ROUNDS, add_query, refine
from .presolve import Presolve, presolve

BACKENDS = tuple(ADAPTERS)
DEFAULT = "auto"  # cpsat where it applies (fastest on the SATLIB sets), else scip
AUTO_BRUTE_N = 24  # auto enumerates at most 2^24 latents where float64 cannot decide
WORKERS = 1  # CP-SAT's search workers: one, for reproducible runs and timings


#: the tunables of :func:`solve` (``--solver-option KEY=VALUE``)
OPTIONS: dict[str, Param] = {
    "lp_tighten": Param(
        nonnegative, "seconds of LP bound tightening of the unstable units (0: none)", 0.0
    ),
    "workers": Param(count, "CP-SAT's number of search workers (0: one per core)", WORKERS),
}


def solve(
    problem: InversionProblem,
    *,
    solver: str = DEFAULT,
    time_limit: float | None = None,
    lp_tighten: float = 0.0,
    workers: int = WORKERS,
) -> Verdict:
    """Decide ``problem`` with MILP back end ``solver`` (``cpsat``, ``scip``, ``highs``, or
    ``auto``: cpsat where it applies, else scip). ``lp_tighten`` > 0 spends up to that many
    seconds tightening the bounds of unstable units by LP (:func:`bounds.lp_tighten`);
    ``workers`` is CP-SAT's number of search workers."""
    t0 = time.perf_counter()
    if solver not in (*BACKENDS, "auto"):
        raise InputError(
            None, None, f"unknown MILP solver '{solver}' (known: {', '.join(BACKENDS)})"
        )
    if problem.n == 0:
        return _empty_latent(problem, "cpsat" if solver == "auto" else solver, t0)
    checked = bool(lp_tighten)  # float data is checked once, here or for auto's scip below
    inexact = float_refusal(problem) if checked else None
    if inexact:  # LP tightening is float arithmetic too: it could cut off a solution
        lp_tighten = 0.0
    pre = presolve(problem, lp_tighten=lp_tighten, time_limit=time_limit)
    stats = dict(pre.stats)
    if inexact:
        stats["lp_tighten"] = f"skipped: {inexact}"
    two = None if pre.infeasible else pre.two
    if solver == "auto":
        solver = "scip" if CpSat.refusal(problem, two) else "cpsat"
        if solver == "scip" and not checked:
            inexact = float_refusal(problem)
        if solver == "scip" and inexact:
            return _exact_instead(problem, inexact, t0, time_limit)
    adapter = ADAPTERS[solver]
    refusal = adapter.refusal(problem, two)
    if refusal:
        raise InputError(None, None, refusal)
    if pre.infeasible:
        return _verdict(NOT_INVERTIBLE, solver, pre.infeasible, t0, stats)
    reach = _bound_reach(pre)
    if reach > adapter.max_bound:
        why = (
            f"unit bounds reach {reach:.3g}, beyond the 2^{int(np.log2(adapter.max_bound))} "
            f"that solver '{solver}' represents exactly (interval bounds grow with depth)"
        )
        return _verdict(UNKNOWN, solver, why, t0, stats)
    strict_lin = problem.query.kind in ("approx", "spec") and not adapter.integral
    for max_slack in (False, True) if strict_lin else (False,):
        verdict = _solve_model(
            problem, pre, adapter(workers=workers), max_slack, solver, t0, time_limit, stats
        )
        if verdict.point is None:
            return verdict
    return verdict


def _bound_reach(pre: Presolve) -> float:
    """The largest finite magnitude of any unit bound (the big-M values of the model)."""
    b = pre.bounds
    reach = 0.0
    for a in (*b.pre_lo, *b.pre_hi):
        finite = np.abs(a[np.isfinite(a)])
        if finite.size:
            reach = max(reach, float(finite.max()))
    return reach


def _exact_instead(
    problem: InversionProblem, inexact: str, t0: float, time_limit: float | None
) -> Verdict:
    """``auto`` where CP-SAT does not apply and float64 cannot hold the data
    (:func:`reluhard.exactness.float_refusal`): ``brute`` on a two-valued latent of at most
    :data:`AUTO_BRUTE_N` coordinates, else UNKNOWN with the reason."""
    if problem.domain.is_discrete and problem.n <= AUTO_BRUTE_N:
        return brute.solve(problem, time_limit=time_limit)
    why = float_unknown_reason("scip", inexact) + f", or brute on at most {AUTO_BRUTE_N} latents"
    return _verdict(UNKNOWN, "auto", why, t0, {})


def _verdict(status, solver: str, reason: str, t0: float, stats: dict, **kw) -> Verdict:
    return Verdict(status, solver, reason=reason, time=time.perf_counter() - t0, stats=stats, **kw)


def _remaining(t0: float, time_limit: float | None) -> float | None:
    return None if time_limit is None else time_limit - (time.perf_counter() - t0)


def _empty_latent(problem: InversionProblem, solver: str, t0: float) -> Verdict:
    """One latent, the empty one: decided exactly (no model to solve)."""
    check = check_latent(problem, [])
    reason = "the only latent (n = 0) checked exactly"
    return Verdict(
        INVERTIBLE if check.ok else NOT_INVERTIBLE,
        solver,
        latent=[] if check.ok else None,
        reason=reason + ("" if check.ok else f": {check.reason}"),
        time=time.perf_counter() - t0,
    )


def _solve_model(
    problem: InversionProblem,
    pre: Presolve,
    backend,
    max_slack: bool,
    solver: str,
    t0: float,
    time_limit: float | None,
    stats: dict,
) -> Verdict:
    """Build the model on ``backend`` (maximising the slack below an approximate query's
    bound when ``max_slack``), solve it (refining the outer approximation while its point
    fails the exact check) and judge the point. An UNKNOWN from a point that failed the
    exact check carries it as ``point``."""
    enc = encode(problem, pre, backend)
    add_query(problem, enc, pre.bounds, strict_slack=max_slack)
    stats.update(enc.stats, build_time=time.perf_counter() - t0)
    remaining = _remaining(t0, time_limit)
    if remaining is not None and remaining <= 0:
        reason = f"time limit {time_limit:g} s reached while building the model"
        return _verdict(UNKNOWN, solver, reason, t0, stats)
    for oa_round in range(OA_ROUNDS + 1):
        remaining = _remaining(t0, time_limit)
        if remaining is not None and remaining <= 0:
            return _verdict(UNKNOWN, solver, f"time limit {time_limit:g} s reached", t0, stats)
        status = backend.solve(remaining)
        stats.update(backend.stats(), status=status)
        if enc.oa is not None:
            stats["oa_rounds"] = oa_round
        if status == "infeasible":
            cuts = " with outer-approximation cuts for the p-norm" if enc.oa else ""
            reason = "the MILP is infeasible (solver claim)" + cuts
            return _verdict(NOT_INVERTIBLE, solver, reason, t0, stats)
        if status not in ("optimal", "feasible"):
            why = "time limit reached" if status == "unknown" else f"solver status {status}"
            return _verdict(UNKNOWN, solver, why, t0, stats)
        if status == "optimal" and problem.query.strict and _no_room(problem, enc):
            reason = (
                "the largest slack below delta is 0 "
                "(solver claim): the bound is met only with equality"
            )
            return _verdict(NOT_INVERTIBLE, solver, reason, t0, stats)
        z = np.array([scale * backend.value(v) + shift for v, scale, shift in enc.latent])
        verdict = _judge(problem, z, solver, t0, stats)
        if verdict.status == INVERTIBLE or enc.oa is None or not refine(enc):
            return verdict
    return verdict


def _no_room(problem: InversionProblem, enc: Encoding) -> bool:
    """Whether the largest slack below the bound is 0, within what the solver's feasibility
    tolerance (1e-6 in SCIP) and the 1e-9 loosening of each cut and of the cap allow."""
    if enc.slack is None:
        return False
    room = (
        0.0
        if enc.backend.integral
        else 1e-7 * max(1.0, float(problem.query.power()))
        + (0.0 if enc.oa is None else 2e-9 * (len(enc.oa[0]) + 2))
    )
    return enc.backend.value(enc.slack) <= room


def _judge(problem: InversionProblem, z: np.ndarray, solver: str, t0: float, stats: dict):
    """INVERTIBLE with the first rung of the repair ladder (:func:`.recovery.repair`) that
    passes the exact check, else UNKNOWN with every failure and the point ``z``."""
    fixed = repair(problem, z)
    if fixed.latent is not None:
        stats["certificate"] = fixed.how
        return Verdict(
            INVERTIBLE,
            solver,
            latent=fixed.latent,
            reason=f"latent {fixed.how}, verified exactly",
            time=time.perf_counter() - t0,
            stats=stats,
        )
    reason = "solver point failed the exact check (" + "; ".join(fixed.failures) + ")"
    return _verdict(UNKNOWN, solver, reason, t0, stats, point=z)
