"""A reference solver for :class:`~reluhard.problems.cvp.CVP` instances, by exhaustive
enumeration of the coefficient vectors (no lattice reduction, no MILP: an answer that does
not depend on the networks, to test them against), and random small instances whose answer
it fixes.

>>> cvp = CVP([[1, 0], [2, 1], [0, 1]], [1, 2, 3], 3, Fraction(125, 8))
>>> closest(cvp), solve(cvp)
(([1, 1], Fraction(9, 1)), [1, 1])
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

from ..options import NormP
from .cvp import CVP, INT64_MAX, iroot, norm_value

__all__ = ["MAX_ENUMERATION", "closest", "random_cvp", "solve"]

#: Most coefficient vectors :func:`solve` / :func:`closest` will enumerate.
MAX_ENUMERATION = 2**22


# --------------------------------------------------------------------------- reference solver


def _combos(values: np.ndarray, k: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start..stop-1`` of all ``len(values)**k`` vectors over ``values``; row ``j``
    has digit ``i`` of ``j`` in base ``len(values)`` at position ``i`` (least significant
    first)."""
    m = len(values)
    stop = m**k if stop is None else stop
    idx = np.arange(start, stop, dtype=np.int64)
    digits = (idx[:, None] // (m ** np.arange(k, dtype=np.int64))[None, :]) % m
    return values[digits]


def closest(cvp: CVP, max_coefficient: int = 2) -> tuple[list[int], Fraction]:
    """A coefficient vector ``y`` minimising ``||B y - t||_p`` and its
    :func:`~reluhard.problems.cvp.distance_pow`, by exhaustive enumeration.

    Binary instances enumerate all of ``{0, 1}^n``; integer instances enumerate only the box
    ``[-max_coefficient, max_coefficient]^n`` (so for them this is the closest vector with
    coefficients in that box, not necessarily in ``Z^n``). At most
    :data:`MAX_ENUMERATION` vectors (``n <= 22`` for binary), else ``ValueError``. Ties go
    to the first vector in enumeration order (``y_0`` varying fastest, from ``0`` resp.
    ``-max_coefficient`` up).

    The enumeration is vectorised: the sums ``B y`` over the first coordinates (up to 4096
    combinations) are tabulated once and added to those of the remaining coordinates in
    blocks. It runs in int64 when ``d * max|B y - t|**p`` provably fits, else on Python ints.
    """
    if cvp.coefficients == "binary":
        values = np.array([0, 1], dtype=np.int64)
    else:
        if isinstance(max_coefficient, bool) or not isinstance(max_coefficient, numbers.Integral):
            raise ValueError(f"max_coefficient must be an integer, got {max_coefficient!r}")
        if max_coefficient < 0:
            raise ValueError(f"max_coefficient must be >= 0, got {max_coefficient}")
        c = int(max_coefficient)
        values = np.arange(-c, c + 1, dtype=np.int64)
    m, n, d = len(values), cvp.n, cvp.d
    if m**n > MAX_ENUMERATION:
        raise ValueError(
            f"exhaustive search over {m}^{n} coefficient vectors is too large "
            f"(at most {MAX_ENUMERATION})"
        )
    cmax = int(np.abs(values).max())
    basis, target = cvp.basis.tolist(), cvp.target.tolist()
    worst = max(
        sum(abs(b) for b in row) * cmax + abs(t) for row, t in zip(basis, target, strict=True)
    )
    power = 1 if cvp.p == "inf" else cvp.p
    exact64 = d * worst**power <= INT64_MAX
    dtype = np.int64 if exact64 else object
    B: np.ndarray = np.array(basis, dtype=dtype).reshape(d, n)
    t: np.ndarray = np.array(target, dtype=dtype)
    vals: np.ndarray = values.astype(dtype)

    n_low = 0
    while n_low < n and m ** (n_low + 1) <= 4096:
        n_low += 1
    low = _combos(vals, n_low) @ B[:, :n_low].T  # (m**n_low, d)
    nl = low.shape[0]
    n_high = n - n_low
    total_high = m**n_high
    block = max(1, (1 << 21) // (nl * d))
    best_val: int | None = None
    best_k = 0
    for start in range(0, total_high, block):
        stop = min(total_high, start + block)
        high = _combos(vals, n_high, start, stop) @ B[:, n_low:].T - t  # (h, d)
        res = np.abs(high[:, None, :] + low[None, :, :])
        dist = res.max(axis=-1) if cvp.p == "inf" else (res**power).sum(axis=-1)
        flat = dist.reshape(-1)
        j = int(np.argmin(flat))
        if best_val is None or flat[j] < best_val:
            best_val, best_k = int(flat[j]), start * nl + j
    y = [int(values[(best_k // m**i) % m]) for i in range(n)]
    assert best_val is not None  # the loop ran: m**n_high >= 1 combinations
    return y, Fraction(best_val)


def solve(cvp: CVP, max_coefficient: int = 2) -> list[int] | None:
    """Reference decision by exhaustive enumeration (:func:`closest`): a closest coefficient
    vector when it is within the radius, else None.

    For binary instances (``n <= 22``) this decides the instance. For integer instances the
    search is bounded to ``[-max_coefficient, max_coefficient]^n``: a returned ``y`` is a
    valid certificate, but None only means that no ``y`` in that box works.

    >>> solve(CVP([[2, 0], [0, 2]], [3, 1], 2, 2))  # (2, 0) is at distance^2 1 + 1
    [1, 0]
    >>> solve(CVP([[2, 0], [0, 2]], [3, 1], 2, 1)) is None
    True
    """
    y, dist = closest(cvp, max_coefficient)
    return y if dist <= cvp.bound else None


# --------------------------------------------------------------------------- random instances


def random_cvp(
    rng: np.random.Generator,
    n: int,
    d: int,
    p: NormP,
    entries: int = 2,
    planted: bool | None = None,
) -> CVP:
    """A small random binary instance: basis entries uniform in ``[-entries, entries]``.

    ``planted=True``: ``t = B y* + e`` for a random ``y*`` in ``{0, 1}^n`` and noise ``e``
    in ``{-1, 0, 1}^d``, with the smallest integer radius ``r >= ||e||_p`` (a YES
    instance). ``planted=False``: ``t`` as above, then the largest integer radius with
    ``r < min_y ||B y - t||_p`` (found by :func:`closest`, so ``n <= 22``; a NO instance).
    ``planted=None`` picks one of the two at random.
    """
    p = norm_value(p)
    if n < 1 or d < 1 or entries < 0:
        raise ValueError("random_cvp needs n, d >= 1 and entries >= 0")
    if planted is None:
        planted = bool(rng.integers(2))
    basis = rng.integers(-entries, entries + 1, size=(d, n), dtype=np.int64)
    ystar = rng.integers(0, 2, size=n, dtype=np.int64)
    target = basis @ ystar + rng.integers(-1, 2, size=d, dtype=np.int64)
    if planted:
        e = target - basis @ ystar
        if p == "inf":
            return CVP(basis, target, p, Fraction(int(np.abs(e).max())))
        norm_p = int((np.abs(e) ** p).sum())
        r = iroot(norm_p, p)
        r += r**p < norm_p  # ceil
        return CVP(basis, target, p, Fraction(r**p))
    for attempt in range(20):
        dist = closest(CVP(basis, target, p, Fraction(0)))[1]
        if dist > 0:
            break
        if attempt < 19:  # try other noise
            target = basis @ ystar + rng.integers(-2, 3, size=d, dtype=np.int64)
        else:  # t_0 beyond any binary combination: distance >= 1
            target = target.copy()
            target[0] = int(np.abs(basis[0]).sum()) + 1
            dist = closest(CVP(basis, target, p, Fraction(0)))[1]
    dist_int = int(dist)
    if p == "inf":
        return CVP(basis, target, p, Fraction(dist_int - 1))
    r = iroot(dist_int - 1, p)  # the largest integer r with r**p < dist
    return CVP(basis, target, p, Fraction(r**p))
