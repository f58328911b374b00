"""Inverting one layer ``y = act(W h + b)`` by linear programming: Lei et al. (2019), eq. (4)
and Algorithms 1-3, with their LeakyReLU variants (Remarks 1 and 2, eq. (9)).

Each ``*_step`` takes a :class:`~reluhard.network.Layer`, an observation ``y`` of its output
and bounds on its input ``h``, and returns a :class:`Step`: the ``h`` found (or ``None``)
and what the LP said. :mod:`reluhard.solvers.layerwise` chains the steps from the output
back to the latent.

- :func:`exact_step`, eq. (4): ``w_j h + b_j = y_j`` where ``y_j > 0``, ``<= 0`` elsewhere
  (LeakyReLU and identity layers: every row an equality, through eq. (5)'s inverse, solved
  by least squares when ``W`` has full column rank, as Lei section 3.3 says, and by the LP
  otherwise). Its feasible set is exactly the pre-image of ``y``; when the equality rows have
  full column rank it is at most one point (Lei Thm 3), which ``unique`` records.
- :func:`linf_step`, Algorithm 1 (l_inf LP): ``min delta`` subject to the two-sided rows
  ``|w_j h + b_j - y_j| <= delta`` where ``y_j > eps``, one-sided ``w_j h + b_j <= y_j +
  delta`` elsewhere, ``delta <= eps``; ``eps`` grows by ``alpha`` until the LP is feasible.
  With ``eps`` known (``known=True``: a stated l_inf query) it is one LP, whose feasible set
  is then exactly ``{h : ||act(W h + b) - y||_inf <= eps}``.
- :func:`l1_step`, Algorithm 2 (l_1 LP): ``min sum e_j`` with per-row slacks ``e_j`` in the
  same rows; ``eps`` grows by ``alpha`` while the true residual ``||act(W h + b) - y||_1``
  keeps falling.
- :func:`relax_step`, Algorithm 3 (LP relaxation): ``max sum_j max(0, y_j) (w_j h)``
  subject to ``w_j h + b_j <= y_j + eps`` only; for LeakyReLU eq. (9).

Slips in the printed algorithms, fixed here (each checked by ``tests/solvers/test_lp.py``):

1. **Algorithm 1's loop ends "until z infeasible"**, but growing ``eps`` only ever enlarges
   the feasible set (rows leave the two-sided class, ``delta <= eps`` loosens), so the
   printed loop never stops once it starts feasible and returns nothing useful if it starts
   infeasible. It must run *until feasible*, returning the first feasible ``z``, which is what
   the text around it describes ("start from a small estimation and gradually increase the
   tolerance until feasibility is achieved"). Because feasibility is monotone in ``eps``,
   the first feasible ``eps_0 alpha^t`` is found by doubling and bisection on ``t`` (the same
   ``t``, in ``O(log t)`` LPs).
2. **The l_inf set for negative observations.** Constraint set (6) is said to equal
   ``{z : ||phi(z) - x||_inf <= eps}``; that holds only when every ``x_j >= -eps``. A ReLU
   output is ``>= 0``, so a coordinate ``x_j < 0`` is off by at least ``|x_j|`` whatever
   ``z`` is; the LP's row ``w_j z <= x_j + delta`` does not see that. Fixed by the bound
   ``delta >= max_j(-x_j)``, which makes the set exact (for ``delta <= eps``). The l_1 LP
   has the same slip (its slack ``e_j >= w_j z - x_j`` charges a unit that is off anyway for
   being "above" a negative observation): fixed by ``e_j >= -x_j``, which makes ``e_j`` the
   true residual of such a row. The relaxation (Alg. 3) bounds ``w_j z <= x_j + eps``: here a
   negative ``x_j`` is replaced by 0, the nearest ReLU output.
3. **LeakyReLU's sign.** Lei section 2 writes ``LeakyReLU(a) = ReLU(a) + c ReLU(-a)``,
   which is ``c |a|`` for ``a < 0``; the inverse (5) and Remarks 1-2 use ``max(a, c a)``,
   as this project does.
4. **Remark 2's middle rows** read ``eps <= x_j <= eps``; meant is ``-eps < x_j <= eps``
   (Remark 1's rows, with ``delta`` replaced by ``e_j``).
5. **Algorithm 2 and 3's stopping tests** compare with ``z^(t-1)`` before there is one,
   and Algorithm 3 measures against ``x*``, the unknown clean signal: here the first
   comparison is at ``t = 2`` (Alg. 3: ``t = 3``, as printed) and both use the observation.

**Presolve** (``presolve=True``, the default): before calling the LP solver, each step tries
a least-squares point and, where it can be certified optimal for the LP, does not call the LP
solver (:mod:`reluhard.solvers.lp_presolve`, whose docstring gives the test and when it
passes). ``presolve=False`` always calls the LP solver.

The LPs are solved by OR-Tools (:mod:`reluhard.solvers.lp_model`), by default GLOP for eq. (4),
Alg. 1 and Alg. 3 and HiGHS for Alg. 2, chosen by measurement on Lei's Table 1 networks
(``benchmarks/lei_table1.py`` times both on the same LPs with the presolve off: HiGHS took
1.7-2.5 times GLOP's time on the first three and 0.5 times on Alg. 2, whose per-row slacks
double the columns).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..network import Layer
from .lp_model import LPResult, solve_lp
from .lp_presolve import (
    least_squares,
    polish,
    presolved_exact,
    presolved_l1,
    presolved_linf,
    regression_point,
)
from .lp_rows import dense_rows, scale, slack_floor, slack_rows

DEFAULT_LP = "glop"
DEFAULT_L1_LP = "highs"  # measured faster on Alg. 2's LPs (module docstring)
DEFAULT_ALPHA = 1.2  # Lei section 5.1
MAX_ROUNDS = 200


@dataclass
class Step:
    """What one layer's LP(s) found: ``h`` (or ``None``), the LP status of the last solve,
    the final ``eps``, the LP objective, whether the solution is the only one, how many LPs
    were solved, and the time."""

    h: np.ndarray | None
    status: str
    eps: float | None = None
    objective: float | None = None
    unique: bool = False
    lps: int = 0
    time: float = 0.0
    method: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {"method": self.method, "status": self.status, "lps": self.lps, "time": self.time}
        if self.eps is not None:
            d["eps"] = self.eps
        if self.objective is not None:
            d["objective"] = self.objective
        if self.unique:
            d["unique"] = True
        return {**d, **self.extra}


def _residual(layer: Layer, h: np.ndarray, y: np.ndarray, p: float | str) -> float:
    r = layer.act(layer.pre(h[None, :]))[0] - y
    return float(np.max(np.abs(r), initial=0.0)) if p == "inf" else float(np.sum(np.abs(r)))


def exact_step(
    layer: Layer,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    theta: float | None = None,
    solver: str = DEFAULT_LP,
    time_limit: float | None = None,
    presolve: bool = True,
) -> Step:
    """Lei eq. (4): the pre-image of ``y`` under ``act(W h + b)`` within ``[lo, hi]``.

    A ReLU row is "on" when ``y_j > theta`` (default ``1e-12 max(1, ||y||_inf)``: a hidden
    ``y`` recovered by an earlier LP has rounding-level values where the unit was off); an
    off row is ``w_j h + b_j <= max(y_j, 0)``; a ``y_j < -theta`` has no pre-image at all
    (infeasible without an LP). The LP's point is then polished by least squares
    on the equality rows when they have full column rank (the same point, to more digits)."""
    t0 = time.perf_counter()
    y = np.asarray(y, dtype=np.float64)
    W, b = layer.W, layer.b
    if theta is None:
        theta = 1e-12 * scale(y)
    if layer.activation == "relu":
        if np.any(y < -theta):  # a ReLU never outputs a negative value
            j = int(np.argmin(y))
            step = Step(None, "infeasible", lps=0, method="eq4")
            step.extra["negative_observation"] = j
            step.time = time.perf_counter() - t0
            return step
        eq = y > theta
        target = y
    else:
        eq = np.ones(y.size, dtype=bool)
        target = y if layer.activation == "identity" else np.where(y >= 0, y, y / layer.slope)
    h = regression_point(layer, target, lo, hi, scale(y)) if layer.activation != "relu" else None
    if h is not None:
        step = Step(h, "optimal", objective=0.0, unique=True, method="eq5")
        step.extra["equalities"] = int(layer.shape[0])
        step.time = time.perf_counter() - t0
        return step
    rows = np.flatnonzero(eq)
    h = presolved_exact(layer, y, target, eq, lo, hi) if presolve else None
    if h is not None:
        step = Step(h, "optimal", objective=0.0, unique=True, method="eq4")
        step.extra.update(equalities=int(rows.size), presolved=1)
        step.time = time.perf_counter() - t0
        return step
    row_lo = np.where(eq, target - b, -np.inf)
    row_hi = np.where(eq, target - b, np.maximum(target, 0.0) - b)
    lp = solve_lp(W, row_lo, row_hi, lo, hi, solver=solver, time_limit=time_limit)
    step = Step(None, lp.status, lps=1, method="eq4")
    step.extra["equalities"] = int(rows.size)
    if lp.x is not None:
        step.h, step.objective = lp.x, 0.0
        if rows.size >= layer.shape[1]:
            Weq = dense_rows(W, rows)
            ls, unique = least_squares(Weq, (target - b)[rows])
            step.unique = unique
            if unique:
                step.h = polish(Weq, (target - b)[rows], np.clip(ls, lo, hi), lp.x)
    step.time = time.perf_counter() - t0
    return step


def linf_step(
    layer: Layer,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    eps: float,
    alpha: float = DEFAULT_ALPHA,
    known: bool = False,
    solver: str = DEFAULT_LP,
    deadline: float | None = None,
    presolve: bool = True,
) -> Step:
    """Algorithm 1 (l_inf LP), with slips 1 and 2 fixed: the first ``eps_0 alpha^t``
    (``eps_0 = eps``) at which ``min delta`` is feasible, and its ``h``; with ``known`` the one
    LP at ``eps`` (whose feasible set is then exactly the l_inf ball's pre-image). With
    ``presolve`` each LP first tries the least-squares point (module docstring)."""
    t0 = time.perf_counter()
    y = np.asarray(y, dtype=np.float64)
    n = layer.shape[1]
    floor = float(np.max(slack_floor(layer, y), initial=0.0))
    lps = certified = 0

    def solve_at(e: float) -> LPResult:
        nonlocal lps, certified
        lp = presolved_linf(layer, y, e, lo, hi, floor) if presolve and floor <= e else None
        if lp is not None:
            certified += 1
            return lp
        lps += 1
        cost = np.zeros(n + 1)
        cost[-1] = 1.0
        return _slack_lp(
            layer, y, e, False, np.append(lo, floor), np.append(hi, e), cost, solver, deadline
        )

    if known or floor > eps * alpha**MAX_ROUNDS:
        best_t, best = 0, solve_at(eps)
    else:
        best_t, best = _first_feasible(lambda t: solve_at(eps * alpha**t), deadline)
    e = eps * alpha**best_t
    step = Step(None, best.status, e, lps=lps, method="linf-lp")
    if certified:
        step.extra["presolved"] = certified
    if best.x is not None:
        step.h, step.objective = best.x[:n], float(best.x[n])
    step.time = time.perf_counter() - t0
    return step


def _slack_lp(layer: Layer, y: np.ndarray, e: float, per_row: bool, col_lo: np.ndarray,
              col_hi: np.ndarray, cost: np.ndarray, solver: str,
              deadline: float | None) -> LPResult:  # fmt: skip
    """The slack LP of Algorithms 1 (one slack, ``per_row`` false) and 2 (a slack per row) at
    ``eps = e`` (:func:`slack_rows`), over the columns ``[h, slacks]`` in ``[col_lo, col_hi]``,
    minimising ``cost``, within what is left of ``deadline``."""
    A, rlo, rhi = slack_rows(layer, y, e, per_row=per_row)
    return solve_lp(A, rlo, rhi, col_lo, col_hi, cost, solver=solver, time_limit=_left(deadline))


def _first_feasible(solve_t, deadline) -> tuple[int, LPResult]:
    """The least ``t`` in ``0..MAX_ROUNDS`` at which ``solve_t(t)`` is feasible (feasibility
    is monotone in ``t``), by doubling then bisection; ``(t, last LP)`` if none is."""
    first = solve_t(0)
    if first.x is not None:
        return 0, first
    lo, hi, found = 0, 1, None
    while True:
        r = solve_t(hi)
        if r.x is not None:
            found = r
            break
        if r.status not in ("infeasible",) or _left(deadline) == 0.0 or hi == MAX_ROUNDS:
            return hi, r
        lo, hi = hi, min(hi * 2, MAX_ROUNDS)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        r = solve_t(mid)
        if r.x is not None:
            hi, found = mid, r
        else:
            lo = mid
    return hi, found


def l1_step(
    layer: Layer,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    eps: float,
    alpha: float = DEFAULT_ALPHA,
    solver: str = DEFAULT_L1_LP,
    deadline: float | None = None,
    presolve: bool = True,
) -> Step:
    """Algorithm 2 (l_1 LP), slips 2 and 5 fixed: solve ``min sum e_j`` at ``eps``, grow
    ``eps`` by ``alpha`` and stop when the true residual ``||act(W h + b) - y||_1`` no longer
    falls, returning the previous ``h``. With ``presolve`` each LP first tries the
    least-squares point (module docstring)."""
    t0 = time.perf_counter()
    y = np.asarray(y, dtype=np.float64)
    n, m = layer.shape[1], y.size
    floor = slack_floor(layer, y)
    cost = np.concatenate([np.zeros(n), np.ones(m)])
    count = {"lps": 0, "presolved": 0}

    def solve_at(e: float) -> LPResult:
        lp = presolved_l1(layer, y, e, lo, hi, floor) if presolve else None
        if lp is not None:
            count["presolved"] += 1
            return lp
        count["lps"] += 1
        col_lo, col_hi = np.concatenate([lo, floor]), np.concatenate([hi, np.full(m, np.inf)])
        return _slack_lp(layer, y, e, True, col_lo, col_hi, cost, solver, deadline)

    rounds = _while_improving(layer, y, eps, alpha, solve_at, deadline, 1, False)
    extra = {"presolved": count["presolved"]} if count["presolved"] else {}
    return _step_of(rounds, "l1-lp", count["lps"], t0, extra)


def relax_step(
    layer: Layer,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    eps: float,
    alpha: float = DEFAULT_ALPHA,
    solver: str = DEFAULT_LP,
    deadline: float | None = None,
) -> Step:
    """Algorithm 3 (LP relaxation; eq. (9) for LeakyReLU, an identity layer as a ReLU one
    whose rows are all "on"), slips 2 and 5 fixed: ``max sum_j max(0, y_j) w_j h`` subject to
    ``w_j h + b_j <= max(y_j, 0) + eps``; ``eps`` grows by ``alpha`` and from ``t = 3`` on the
    loop stops when the l_1 residual no longer falls, returning the previous ``h``."""
    t0 = time.perf_counter()
    y = np.asarray(y, dtype=np.float64)
    W, b = layer.W, layer.b
    lps = 0

    def solve_at(e: float) -> LPResult:
        nonlocal lps
        lps += 1
        if layer.activation == "leaky_relu":
            c = layer.slope
            row_lo = np.minimum(y - e, 0.0) / c - b
            row_hi = np.maximum(y + e, 0.0) - b
            cost = _rmatvec(W, y)
        elif layer.activation == "identity":
            row_lo, row_hi = y - e - b, y + e - b
            cost = _rmatvec(W, y)
        else:
            yp = np.maximum(y, 0.0)
            row_lo, row_hi = np.full(y.size, -np.inf), yp + e - b
            cost = _rmatvec(W, yp)
        return solve_lp(
            W, row_lo, row_hi, lo, hi, cost, maximize=True, solver=solver,
            time_limit=_left(deadline),
        )  # fmt: skip

    rounds = _while_improving(layer, y, eps, alpha, solve_at, deadline, 3, True)
    return _step_of(rounds, "lp-relax", lps, t0, {})


def _while_improving(layer, y, eps, alpha, solve_at, deadline, compare_from, skip_infeasible):
    """Algorithms 2 and 3's loop: solve at ``eps``, grow it by ``alpha``, and stop when the
    true l_1 residual no longer falls (compared from round ``compare_from`` on), keeping the
    previous round's point. An infeasible round ends the loop, or with ``skip_infeasible``
    only grows ``eps``. Returns ``(best, status, eps)``, ``best = (h, residual, eps,
    objective)`` or ``None``."""
    n = layer.shape[1]
    best, status, e = None, "limit", eps
    for t in range(1, MAX_ROUNDS + 1):
        lp = solve_at(e)
        status = lp.status
        if lp.x is not None:
            h = lp.x[:n]
            r = _residual(layer, h, y, 1)
            if t >= compare_from and best is not None and r >= best[1]:
                break
            best = (h, r, e, lp.objective)
            if r == 0.0:
                break
        elif not (skip_infeasible and lp.status == "infeasible"):
            break
        if _left(deadline) == 0.0:
            break
        e *= alpha
    return best, status, e


def _step_of(rounds, method: str, lps: int, t0: float, extra: dict) -> Step:
    best, status, e = rounds
    step = Step(None, status, e, lps=lps, method=method, extra=dict(extra))
    if best is not None:
        step.h, step.eps, step.objective = best[0], best[2], best[3]
        step.status = "optimal"
        step.extra["residual_l1"] = best[1]
    step.time = time.perf_counter() - t0
    return step


def _rmatvec(W, y: np.ndarray) -> np.ndarray:
    return np.asarray(W.T @ y).reshape(-1)


def _left(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    return max(0.0, deadline - time.perf_counter())
