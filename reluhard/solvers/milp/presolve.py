"""Presolve for the MILP: per-unit bounds, optional LP tightening, negation pairs and
two-valued latents.

- Bounds on every unit come from :mod:`reluhard.solvers.bounds` (forward from the latent
  domain, backward from the target), never from a global constant M; ``lp_tighten`` seconds
  of optimisation-based tightening (:func:`reluhard.solvers.bounds.lp_tighten`) are optional.
- Units ``ReLU(a)``, ``ReLU(-a)`` read alike by the next layer (:func:`negation_pairs`) share
  one binary in the encoding and satisfy ``ReLU(a) - ReLU(-a) = a``; interval reasoning on
  the next layer with the pair as one term ``|a|`` bounds ``|a|`` (:func:`pair_sum_bounds`).
- A latent coordinate whose pair is thereby forced to two values becomes a binary
  (:func:`two_valued_latents`): on ``sat-real`` this proves ``z in {-1, 1}^n``.

The negation pairs of a layer and the bounds on their ``|a|`` are asked for by both the
two-valued-latent detection and the encoder; they are computed once per :class:`Presolve`
and kept in its ``pairs`` dict (layer index -> ``(partner, sums)``), which is passed to
whoever asks (:func:`layer_pairs`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...inversion import InversionProblem
from ...lazy import lazy_module
from .. import symbolic
from ..bounds import Bounds, propagate
from ..bounds import lp_tighten as lp_bounds

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")


@dataclass
class Presolve:
    """What the encoder starts from: the unit ``bounds``; the two-valued latent coordinates
    ``two`` (``{i: (v0, v1)}``); ``infeasible``, a reason when presolve already shows there
    is no solution; statistics; and the ``pairs`` cache of :func:`layer_pairs`."""

    bounds: Bounds
    two: dict = field(default_factory=dict)
    infeasible: str = ""
    stats: dict = field(default_factory=dict)
    pairs: dict = field(default_factory=dict)


def presolve(
    problem: InversionProblem, *, lp_tighten: float = 0.0, time_limit: float | None = None
) -> Presolve:
    """Bounds (LP-tightened for up to ``lp_tighten`` seconds, at most half of
    ``time_limit``), their stable-unit counts, and the two-valued latents of ``problem``."""
    t0 = time.perf_counter()
    bounds = propagate(problem)
    pre = Presolve(bounds)
    layers = problem.network.layers
    if problem.query.spec is not None and not bounds.infeasible and symbolic.applies(layers):
        pre.stats["symbolic_tightened"] = symbolic.tighten(layers, bounds)
        bounds.check_empty()
    if lp_tighten > 0 and not bounds.infeasible:
        budget = lp_tighten if time_limit is None else min(lp_tighten, time_limit / 2)
        pre.stats["lp_tightened"] = lp_bounds(problem, bounds, budget)
    inactive, active, unstable = bounds.stable_counts(problem.network.layers)
    pre.stats.update(inactive=inactive, active=active, unstable=unstable)
    if not problem.domain.is_discrete:
        pre.two, why = two_valued_latents(problem, bounds, pre.pairs)
    else:
        why = ""
    pre.infeasible = bounds.infeasible or why
    pre.stats["bounds_time"] = time.perf_counter() - t0
    return pre


def csr_rows(W) -> sp.csr_array:
    return W if sp.issparse(W) else sp.csr_array(W)


def negation_pairs(
    W: sp.csr_array, b: np.ndarray, W_next=None, search_all: bool = False
) -> dict[int, int]:
    """Units ``j < k`` with ``pre_k = -pre_j`` (same inputs, negated weights and bias) that
    the next layer reads alike (same column of ``W_next``), as ``{j: k}``. ``ReLU(a)`` and
    ``ReLU(-a)`` can share one binary (``d_k = 1 - d_j``), satisfy ``ReLU(a) - ReLU(-a) = a``,
    and, read alike, enter the next layer as ``|a|``: on ``sat-real`` this halves the
    binaries and makes ``v = 2 d - 1`` exact already in the LP relaxation. Only the rows
    :func:`_pair_candidates` leaves are searched (``search_all``: every row, for tests)."""
    cols = sp.csc_array(W_next) if W_next is not None else None
    seen: dict[tuple, list[int]] = {}
    pairs: dict[int, int] = {}
    rows = range(W.shape[0]) if search_all else _pair_candidates(W, b, cols)
    for j in rows:
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


def _pair_candidates(W: sp.csr_array, b: np.ndarray, cols) -> np.ndarray:
    """The rows that can be in a negation pair, in order: a vectorised filter so that the
    exact search above runs only there (on a CNF's clause layer: nowhere). Each row gets a
    key, a fixed random combination of its weights, its index set, its bias and its column
    of the next layer; a row whose negated key no row has cannot be in a pair, because the
    rows of a pair have the same indices in the same order and weights negated bit for bit,
    and IEEE rounding is symmetric, so their keys are exact negations. A false candidate
    only costs the exact test."""
    m = W.shape[0]
    rng = np.random.default_rng(0)
    pos = neg = np.zeros(m)
    for data, index, ptr, parts in (
        (W.data, W.indices, W.indptr, ("signed", "pattern")),
        *(() if cols is None else ((cols.data, cols.indices, cols.indptr, ("same", "pattern")),)),
    ):
        r = rng.random(int(index.max(initial=0)) + 1) + 0.5
        for part in parts:
            terms = r[index].astype(np.float64) if part == "pattern" else data * r[index]
            sums = _segment_sums(terms, ptr, m)
            pos, neg = pos + sums, neg + (-sums if part == "signed" else sums)
    c = rng.random() + 0.5
    pos, neg = pos + c * b, neg - c * b
    return np.flatnonzero(np.isin(neg, pos))


def _segment_sums(terms: np.ndarray, ptr: np.ndarray, m: int) -> np.ndarray:
    """``terms[ptr[i]:ptr[i+1]].sum()`` for every ``i < m`` (0 for an empty segment)."""
    out = np.zeros(m)
    full = np.flatnonzero(ptr[1 : m + 1] > ptr[:m])
    if full.size:
        out[full] = np.add.reduceat(terms, ptr[:m][full])
    return out


def layer_pairs(
    problem: InversionProblem, bounds: Bounds, li: int, cache: dict
) -> tuple[dict, dict]:
    """Negation pairs of ReLU layer ``li`` (``{j: k}``) and the bounds on their ``|a|``
    (keyed by ``k``), from ``cache`` (a :attr:`Presolve.pairs`, valid for these ``bounds``)
    or computed into it."""
    if li not in cache:
        layers = problem.network.layers
        layer = layers[li]
        if layer.activation != "relu" or li + 1 >= len(layers):
            cache[li] = ({}, {})
        else:
            pairs = negation_pairs(csr_rows(layer.W), layer.b, layers[li + 1].W)
            cache[li] = (pairs, pair_sum_bounds(problem, bounds, li, pairs) if pairs else {})
    return cache[li]


def pair_sum_bounds(
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
    Wn = csr_rows(nxt.W)
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
        terms: list[tuple] = []  # (key or None, coef, lo, hi)
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


def two_valued_latents(
    problem: InversionProblem, bounds: Bounds, cache: dict | None = None
) -> tuple[dict, str]:
    """Latent coordinates that every solution sets to one of two values, ``{i: (v0, v1)}``,
    and a reason when some pair ``ReLU(a), ReLU(-a)`` cannot meet its bounds at all (then no
    solution exists); ``cache`` as for :func:`layer_pairs`.

    While every unit so far is stable, a layer's pre-activations are an affine function
    ``A z + c`` of the latent (inactive units contribute 0, active ones pass through). If a
    negation pair ``ReLU(a), ReLU(-a)`` there has ``a = alpha z_i + c`` with ``a in [L, U]``
    and ``|a| >= max(-L, U)`` (from :func:`pair_sum_bounds`), then ``a in {L, U}`` and
    ``z_i`` is two-valued: it becomes a binary in the model. Applied only where all these
    numbers are integers (exact float arithmetic), so it never cuts off a solution. On
    ``sat-real`` this recovers ``z in {-1, 1}^n`` and the model becomes as easy as
    ``sat-sign``'s."""
    cache = {} if cache is None else cache
    out: dict[int, tuple] = {}
    for i in np.flatnonzero(bounds.latent_lo == bounds.latent_hi).tolist():
        if float(bounds.latent_lo[i]).is_integer():  # pinned: one value (counted as two)
            out[i] = (float(bounds.latent_lo[i]), float(bounds.latent_lo[i]))
    layers = problem.network.layers
    n = problem.n
    A = sp.identity(n, format="csr")
    c = np.zeros(n)
    for li, layer in enumerate(layers[:-1]):
        W = csr_rows(layer.W)
        preA = sp.csr_array(W @ A)
        prec = np.asarray(W @ c).ravel() + layer.b
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        unstable = (plo < 0) & (phi > 0)
        if layer.activation == "relu":
            pairs, sums = layer_pairs(problem, bounds, li, cache)
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
                values = [v for v in (L, U) if abs(v) == s_lo]
                i, alpha = int(preA.indices[lo_]), float(preA.data[lo_])
                if (
                    not values
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
