"""Least squares in the single-layer LPs (:mod:`reluhard.solvers.lp`): the presolve (a
least-squares point, certified optimal for the LP without calling the LP solver), eq. (5)'s
regression (which inverts a LeakyReLU or identity layer of full column rank before any LP,
presolve or not), and the polish of eq. (4)'s LP point.

**Presolve** (``presolve=True``, the default): before calling the LP solver, each step tries
the least-squares point of the rows the LP holds two-sided (``coef a_j = y_j``; they must
have full column rank). If that point meets every row of eq. (4) to ``1e-12 max(1,
||y||_inf)``, it is a feasible point of that feasibility LP; if the slack it needs in Alg. 1
(Alg. 2: the sum of its per-row slacks) equals the LP's lower bound (``max_j(-y_j)^+``; its
sum) to the same precision, it is an optimal solution of that LP. Either way the LP solver
has nothing to add and is not called. On realizable targets of expanding networks that is
every layer (Lei Thm 3: the equality rows then have full column rank), and it turns a
0.2-0.4 s simplex solve of the dense ``600 x 251`` layer of Lei's Fig. 2 into a few
milliseconds of least squares. On noisy targets the candidate usually fails the test and
the LP solver decides, as printed; where it passes (Alg. 1 when the optimum is pinned at
``max_j(-y_j)`` by the most negative observation) it is an optimal solution of that LP too,
though not necessarily the vertex the simplex would return: such an LP has many optima.
``presolve=False`` always calls the LP solver (to benchmark it, or to reproduce the simplex's
choice).
"""

from __future__ import annotations

import numpy as np

from ..network import Layer
from .lp_model import LPResult
from .lp_rows import dense_rows, needed_slack, row_specs, scale

TIGHT = 1e-12  # relative: a presolved point must meet its rows to this, or the LP decides


def least_squares(A: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, bool]:
    """The least-squares solution of ``A h = rhs`` and whether ``A`` has full column rank
    (singular values above ``1e-10`` of the largest)."""
    import scipy.linalg  # here: scipy's linear algebra is slow to load and rarely needed

    h, _, rank, _ = scipy.linalg.lstsq(A, rhs, cond=1e-10, lapack_driver="gelsy")
    return h, int(rank) == A.shape[1]


def polish(A: np.ndarray, rhs: np.ndarray, h: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Of the least-squares point ``h`` and the LP's point ``x``, the one closer to solving
    ``A h = rhs``: when the equality rows have full column rank the LP's point is the unique
    solution, and least squares gives it to more digits than the simplex's tolerance."""
    return h if np.linalg.norm(A @ h - rhs) <= np.linalg.norm(A @ x - rhs) else x


def regression_point(layer: Layer, target: np.ndarray, lo, hi, size: float) -> np.ndarray | None:
    """Lei eq. (5) and linear regression: a LeakyReLU or identity layer with ``W`` of full
    column rank has at most one pre-image, the least-squares solution of ``W h = target - b``
    (``target`` the activation's inverse of ``y``). It is returned when it solves the system
    (to ``1e-9 size``, ``size = max(1, ||y||_inf)``) within the bounds; otherwise ``None``
    and the LP decides."""
    W = layer.csr.toarray() if layer.sparse else layer.W
    if W.shape[0] < W.shape[1]:
        return None
    rhs = target - layer.b
    h, unique = least_squares(W, rhs)
    if not unique:
        return None
    if np.max(np.abs(W @ h - rhs), initial=0.0) > 1e-9 * size:
        return None
    if np.any(h < lo) or np.any(h > hi):
        return None
    return h


def presolved_exact(
    layer: Layer, y: np.ndarray, target: np.ndarray, eq: np.ndarray, lo, hi
) -> np.ndarray | None:
    """Eq. (4)'s feasibility LP without the LP solver: the least-squares point of the
    equality rows ``eq`` (``w_j h + b_j = target_j``), clipped to ``[lo, hi]``, when those
    rows have full column rank and the point meets every row of eq. (4) (the others:
    ``w_j h + b_j <= max(target_j, 0)``) to ``TIGHT max(1, ||y||_inf)``; else ``None``."""
    rows = np.flatnonzero(eq)
    if rows.size < layer.shape[1]:
        return None
    h, unique = least_squares(dense_rows(layer.W, rows), (target - layer.b)[rows])
    h = np.clip(h, lo, hi)
    a = layer.pre(h[None, :])[0]
    tight = TIGHT * scale(y)
    if (
        unique
        and np.all(np.abs(a[rows] - target[rows]) <= tight)
        and np.all(a[~eq] <= np.maximum(target[~eq], 0.0) + tight)
    ):
        return h
    return None


def _candidate(layer: Layer, y: np.ndarray, eps: float, lo, hi) -> np.ndarray | None:
    """The presolve's candidate: least squares on the rows the LP holds two-sided (``coef
    a_j = y_j``), if they have full column rank, clipped to the bounds; else ``None``."""
    eqs: dict[tuple[float, str], np.ndarray] = {}
    for rows, coef, kind in row_specs(layer, y, eps):
        eqs.setdefault((coef, kind), rows)
    parts = [(eqs[coef, "ge"], coef) for coef, kind in eqs if kind == "le" and (coef, "ge") in eqs]
    rows = np.concatenate([r for r, _ in parts]) if parts else np.empty(0, dtype=np.int64)
    if rows.size < layer.shape[1]:
        return None
    coefs = np.concatenate([np.full(r.size, c) for r, c in parts])
    A = coefs[:, None] * dense_rows(layer.W, rows)
    h, unique = least_squares(A, y[rows] - coefs * layer.b[rows])
    return np.clip(h, lo, hi) if unique else None


def presolved_linf(layer: Layer, y, e: float, lo, hi, floor: float) -> LPResult | None:
    """Algorithm 1's LP at ``eps = e`` without the LP solver, when the least-squares point
    needs no more slack than the LP's lower bound ``floor = max_j(-y_j)^+``; the point is
    ``[h, delta]``."""
    h = _candidate(layer, y, e, lo, hi)
    if h is None:
        return None
    delta = max(floor, float(np.max(needed_slack(layer, y, e, h), initial=0.0)))
    if delta > floor + TIGHT * scale(y):
        return None
    return LPResult("optimal", np.append(h, delta), delta)


def presolved_l1(layer: Layer, y, e: float, lo, hi, floor: np.ndarray) -> LPResult | None:
    """Algorithm 2's LP at ``eps = e`` without the LP solver, when the least-squares point's
    slacks add up to the LP's lower bound ``sum_j floor_j``; the point is ``[h, e_1..e_m]``."""
    h = _candidate(layer, y, e, lo, hi)
    if h is None:
        return None
    slack = np.maximum(needed_slack(layer, y, e, h), floor)
    if float(np.sum(slack - floor)) > TIGHT * scale(y):
        return None
    return LPResult("optimal", np.concatenate([h, slack]), float(np.sum(slack)))
