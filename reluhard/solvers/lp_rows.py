"""The constraint rows of Lei et al. (2019)'s single-layer LPs, for one layer
``y = act(W h + b)`` and an observation ``y``: which rows are held two-sided and which
one-sided (Algorithms 1 and 2; for LeakyReLU Remarks 1 and 2, with the errata of
:mod:`reluhard.solvers.lp`), the rows as a sparse matrix over ``[h, slack]``, and the slack
a given ``h`` needs in them.

:mod:`reluhard.solvers.lp` builds its LPs from these rows; :mod:`reluhard.solvers.lp_presolve`
reads the same rows to certify a least-squares point without the LP solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..lazy import lazy_module
from ..network import Layer

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")


def scale(y: np.ndarray) -> float:
    """``max(1, ||y||_inf)``: the observation's size, which the tolerances are relative to."""
    return max(1.0, float(np.max(np.abs(y), initial=0.0)))


def _take(W, rows: np.ndarray):
    """Rows of ``W`` as CSR (for stacking LP blocks)."""
    return W[rows] if sp.issparse(W) else sp.csr_matrix(W[rows])


def dense_rows(W, rows: np.ndarray) -> np.ndarray:
    """Rows of ``W`` as a dense array (for least squares)."""
    return W[rows].toarray() if sp.issparse(W) else W[rows]


def _row_classes(layer: Layer, y: np.ndarray, eps: float):
    """Lei's classification of the rows by the observation: ``on`` (``y_j > eps``), ``mid``
    (``-eps < y_j <= eps``) and ``neg`` (``y_j <= -eps``; LeakyReLU only, else part of
    ``mid``). An identity layer's rows are all ``on``."""
    m = y.size
    none = np.empty(0, dtype=np.int64)
    if layer.activation == "identity":
        return np.arange(m), none, none
    on = np.flatnonzero(y > eps)
    if layer.activation == "leaky_relu":
        return on, np.flatnonzero((y <= eps) & (y > -eps)), np.flatnonzero(y <= -eps)
    return on, np.flatnonzero(y <= eps), none


def row_specs(layer: Layer, y: np.ndarray, eps: float) -> list[tuple[np.ndarray, float, str]]:
    """``(rows, coef, kind)`` for :func:`slack_rows`: which rows get which constraint."""
    c = layer.slope
    on, mid, neg = _row_classes(layer, y, eps)
    specs = [(on, 1.0, "ge"), (on, 1.0, "le"), (mid, 1.0, "le")]
    if layer.activation == "leaky_relu":
        specs += [(mid, c, "ge"), (neg, c, "ge"), (neg, c, "le")]
    return specs


def slack_rows(layer: Layer, y: np.ndarray, eps: float, per_row: bool):
    """The rows of Algorithm 1 (``per_row=False``: one slack ``delta``) or Algorithm 2
    (``per_row=True``: a slack ``e_j`` per row) over the variables ``[h, slack]``, for the
    classification threshold ``eps``, as ``(A, row_lo, row_hi)``. With ``a_j = w_j h + b_j``
    and ``s`` the slack, a row is ``coef a_j + s >= y_j`` ("ge") or ``coef a_j - s <= y_j``
    ("le"):

    - ReLU: ``on`` ge(1) and le(1); ``mid`` le(1) only;
    - LeakyReLU (Remark 1): ``on`` ge(1), le(1); ``mid`` ge(c), le(1); ``neg`` ge(c), le(c).
    """
    W, b = layer.W, layer.b
    m = y.size
    width = m if per_row else 1
    blocks, lo, hi = [], [], []
    for rows, coef, kind in row_specs(layer, y, eps):
        if rows.size == 0:
            continue
        sign = 1.0 if kind == "ge" else -1.0
        if per_row:
            S = sp.csr_matrix(
                (np.full(rows.size, sign), (np.arange(rows.size), rows)), shape=(rows.size, width)
            )
        else:
            S = sp.csr_matrix(np.full((rows.size, 1), sign))
        blocks.append(sp.hstack([coef * _take(W, rows), S], format="csr"))
        rhs = y[rows] - coef * b[rows]
        inf = np.full(rows.size, np.inf)
        lo.append(rhs if kind == "ge" else -inf)
        hi.append(inf if kind == "ge" else rhs)
    return sp.vstack(blocks, format="csr"), np.concatenate(lo), np.concatenate(hi)


def needed_slack(layer: Layer, y: np.ndarray, eps: float, h: np.ndarray) -> np.ndarray:
    """Per row, the least slack with which ``h`` meets that row's constraints."""
    a = layer.pre(h[None, :])[0]
    need = np.zeros(y.size)
    for rows, coef, kind in row_specs(layer, y, eps):
        gap = y[rows] - coef * a[rows] if kind == "ge" else coef * a[rows] - y[rows]
        need[rows] = np.maximum(need[rows], gap)
    return need


def slack_floor(layer: Layer, y: np.ndarray) -> np.ndarray:
    """Slip 2 of :mod:`reluhard.solvers.lp`: a ReLU row with ``y_j < 0`` is off by at least
    ``-y_j`` whatever ``h`` is, so its slack is bounded below by that."""
    if layer.activation == "relu":
        return np.maximum(-y, 0.0)
    return np.zeros(y.size)
