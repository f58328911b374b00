"""The exponential fits: ``time ~ 2^a c^n`` per method, on the median time per ``n``.

:func:`fit_base` fits ``log2(time) = n log2(c) + a`` by least squares to the median time per
``n``, using only the ``n`` whose median exceeds :data:`TIME_FLOOR` (5 ms). Below that, fixed
costs (Python interpreter overhead, solver set-up, numpy call overhead) dominate and flatten
the curve, which would pull the fitted base ``c`` down for reasons that have nothing to do
with ``2^n``. If fewer than two ``n`` pass the floor (CaDiCaL on these formulas is far below
it), all ``n`` are fitted and the fit is flagged as overhead-dominated. The fitted ``c``
includes the polynomial factor of the per-latent cost (for brute force on ``sat-sign``, cost
~ ``m 2^n`` with ``m`` proportional to ``n``, at most a few percent above 2 over the default
range).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .rows import SAT, UNKNOWN, UNSAT

#: medians at or below this many seconds are left out of the fit (overhead-dominated)
TIME_FLOOR = 0.005


@dataclass
class Fit:
    """``time ~ 2^a c^n`` fitted to the medians at ``ns``; ``above_floor`` is False when too
    few medians exceeded the floor and every ``n`` was used."""

    c: float
    a: float
    ns: list[int]
    above_floor: bool


def fit(ns: Sequence[int], times: Sequence[float], floor: float = TIME_FLOOR) -> Fit:
    """Least squares of ``log2(median time) = n log2(c) + a`` over the ``n`` whose median
    time exceeds ``floor`` (all ``n`` if fewer than two do); ``ns`` and ``times`` are
    parallel (several times per ``n`` are reduced to their median)."""
    by_n: dict[int, list[float]] = {}
    for n, t in zip(ns, times, strict=True):
        if t is not None and math.isfinite(t):
            by_n.setdefault(int(n), []).append(max(float(t), 1e-9))
    med = {n: statistics.median(ts) for n, ts in sorted(by_n.items())}
    use = [n for n, t in med.items() if t > floor]
    above = len(use) >= 2
    if not above:
        use = list(med)
    if len(use) < 2:
        return Fit(math.nan, math.nan, use, False)
    slope, a = np.polyfit(np.array(use, float), np.log2([med[n] for n in use]), 1)
    return Fit(float(2.0**slope), float(a), use, above)


def fit_base(
    ns: Sequence[int], times: Sequence[float], floor: float = TIME_FLOOR
) -> tuple[float, float]:
    """``(c, a)`` with ``time ~ 2^a c^n``: least squares of ``log2(time) = n log2(c) + a`` on
    the median time per ``n``, over the ``n`` where that median exceeds ``floor`` (5 ms by
    default: below it interpreter and set-up overhead flatten the curve). See :func:`fit`."""
    f = fit(ns, times, floor)
    return f.c, f.a


def medians(rows: Sequence[dict], time_limit: float) -> dict[str, dict[int, float]]:
    """Median seconds per method and ``n``; a time-out counts as ``time_limit``."""
    acc: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        if r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"] is not None:
            t = r["seconds"] if r["verdict"] != UNKNOWN else max(time_limit, r["seconds"])
            acc.setdefault(r["method"], {}).setdefault(r["n"], []).append(t)
    return {m: {n: statistics.median(ts) for n, ts in sorted(d.items())} for m, d in acc.items()}


def fits(rows: Sequence[dict], time_limit: float, floor: float = TIME_FLOOR) -> dict[str, Fit]:
    """:func:`fit` per method, on the per-``n`` medians of :func:`medians`."""
    return {m: fit(list(d), list(d.values()), floor) for m, d in medians(rows, time_limit).items()}
