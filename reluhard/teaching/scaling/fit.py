"""The exponential fits: ``time ~ 2^a c^n`` per method, on the median time per ``n``, over
the sizes where the curve is above start-up overhead.

**The range rule** (:func:`fit_range`). Each method's *start-up overhead* is its median time
on a trivial instance (:data:`.instances.WARM_UP_CLAUSES`, 4 variables; measured by
:func:`.runners.overheads`): interpreter, model building, solver set-up, numpy call costs.
A median at ``n`` counts as *above overhead* when it exceeds :data:`OVERHEAD_FACTOR` (10)
times that overhead, so at most a tenth of it is fixed cost. The fitted range is the longest
run of consecutive measured ``n``, ending at the largest ``n``, whose medians are all above
overhead; it needs at least :data:`MIN_POINTS` (3) sizes, else there is no fit (two points
always fit exactly and say nothing). Below the threshold fixed costs flatten the curve and
pull the fitted base ``c`` towards 1 for reasons that have nothing to do with growth.

:func:`fit` fits ``log2(time) = n log2(c) + a`` by least squares to the medians of that
range. ``c`` includes the polynomial factor of the per-step cost (for brute force on
``sat-sign``, cost ~ ``m 2^n`` with ``m`` proportional to ``n``, a few percent above 2 over
these ranges), and is an *empirical* growth rate of one solver on one instance family over
a finite range: not a lower bound, not an asymptotic statement.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .rows import SAT, UNKNOWN, UNSAT, series, series_method

#: a median counts as above start-up overhead when it exceeds this multiple of it
OVERHEAD_FACTOR = 10.0
#: fewest sizes a fit uses
MIN_POINTS = 3
#: what a method without a qualifying range gets instead of a base
NO_FIT_OVERHEAD = "no fit: all points at start-up overhead"


@dataclass
class Fit:
    """``time ~ 2^a c^n`` fitted to the medians at ``ns`` (``c`` and ``a`` are NaN when
    there is no fit); ``threshold`` is the time a median had to exceed (``OVERHEAD_FACTOR``
    times the overhead), ``above`` how many medians exceeded it."""

    c: float
    a: float
    ns: list[int]
    threshold: float
    above: int

    @property
    def ok(self) -> bool:
        """Whether there is a fit."""
        return math.isfinite(self.c)

    def text(self) -> str:
        """``"2.04^n over n = 14..22"`` or why there is no fit."""
        if self.ok:
            return f"{self.c:.2f}^n over n = {self.ns[0]}..{self.ns[-1]}"
        return no_fit_reason(self.above)


def no_fit_reason(above: int) -> str:
    """Why there is no fit, given how many medians exceeded the threshold."""
    if above == 0:
        return NO_FIT_OVERHEAD
    return (
        f"no fit: only {above} size(s) above {OVERHEAD_FACTOR:g}x start-up overhead "
        f"(need {MIN_POINTS} in a row at the top)"
    )


def threshold(overhead: float | None) -> float:
    """The time a median must exceed to be fitted: :data:`OVERHEAD_FACTOR` times
    ``overhead`` (0 when the overhead is unknown: every median qualifies)."""
    if overhead is None or not math.isfinite(overhead) or overhead <= 0:
        return 0.0
    return OVERHEAD_FACTOR * overhead


def fit_range(med: Mapping[int, float], limit: float) -> list[int]:
    """The ``n`` to fit: the longest run of consecutive sizes of ``med`` ending at the
    largest, every median above ``limit`` (may be empty)."""
    use: list[int] = []
    for n in sorted(med, reverse=True):
        if med[n] <= limit:
            break
        use.append(n)
    return sorted(use)


def fit(ns: Sequence[int], times: Sequence[float], overhead: float | None = None) -> Fit:
    """Least squares of ``log2(median time) = n log2(c) + a`` over :func:`fit_range` of the
    median time per ``n`` with the threshold of ``overhead``; ``ns`` and ``times`` are
    parallel (several times per ``n`` are reduced to their median). Fewer than
    :data:`MIN_POINTS` sizes in range: no fit (``c`` NaN)."""
    by_n: dict[int, list[float]] = {}
    for n, t in zip(ns, times, strict=True):
        if t is not None and math.isfinite(t):
            by_n.setdefault(int(n), []).append(max(float(t), 1e-9))
    med = {n: statistics.median(ts) for n, ts in sorted(by_n.items())}
    limit = threshold(overhead)
    above = sum(t > limit for t in med.values())
    use = fit_range(med, limit)
    if len(use) < MIN_POINTS:
        return Fit(math.nan, math.nan, use, limit, above)
    slope, a = np.polyfit(np.array(use, float), np.log2([med[n] for n in use]), 1)
    return Fit(float(2.0**slope), float(a), use, limit, above)


def fit_base(
    ns: Sequence[int], times: Sequence[float], overhead: float | None = None
) -> tuple[float, float]:
    """``(c, a)`` of :func:`fit`."""
    f = fit(ns, times, overhead)
    return f.c, f.a


def medians(rows: Sequence[dict], time_limit: float) -> dict[str, dict[int, float]]:
    """Median seconds per series (:func:`.rows.series`: brute force; each solver on the
    satisfiable and on the unsatisfiable instances) and ``n``; a time-out counts as
    ``time_limit``."""
    acc: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        if r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"] is not None:
            t = r["seconds"] if r["verdict"] != UNKNOWN else max(time_limit, r["seconds"])
            acc.setdefault(series(r), {}).setdefault(r["n"], []).append(t)
    return {m: {n: statistics.median(ts) for n, ts in sorted(d.items())} for m, d in acc.items()}


def fits(
    rows: Sequence[dict], time_limit: float, overheads: Mapping[str, float] | None = None
) -> dict[str, Fit]:
    """:func:`fit` per series, on the per-``n`` medians of :func:`medians`, each with its
    method's start-up overhead from ``overheads`` (seconds by method)."""
    over = overheads or {}
    return {
        m: fit(list(d), list(d.values()), over.get(series_method(m)))
        for m, d in medians(rows, time_limit).items()
    }
