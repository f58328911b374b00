"""Exhaustive search over a discrete latent domain (``{-1,1}^n`` or ``{0,1}^n``).

The ground truth for tests: every latent is tried, in chunks so memory stays bounded
(about ``CHUNK_ELEMENTS`` floats per layer at a time, whatever ``n``). A float forward pass
filters candidates with a tolerance far above float64 rounding (relative ``1e-6`` of the
magnitudes that flow through the network), and every candidate is then decided by the
exact rational check, so a YES is exact and a NO can only be wrong if rounding exceeded
that tolerance, which float64 cannot do on networks of sane size. The latent index ``k``
sets ``z_i`` from bit ``i`` of ``k``.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from ..errors import InputError
from ..inversion import InversionProblem, check_latent
from .verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Verdict

NAME = "brute"
SUMMARY = "exhaustive search over {-1,1}^n or {0,1}^n (chunked numpy), exact check of hits"
CHUNK_ELEMENTS = 1 << 22
MAX_N = 40


def _magnitude(problem: InversionProblem) -> float:
    """A bound on |values| flowing through the network for latents of norm <= 1 entrywise."""
    a = 1.0
    total = 1.0
    for layer in problem.network.layers:
        Wabs = abs(layer.W)
        rows = (
            np.asarray(Wabs.sum(axis=1)).ravel() if layer.W.shape[1] else np.zeros(layer.W.shape[0])
        )
        a = float((rows * a + np.abs(layer.b)).max(initial=0.0))
        total = max(total, a)
    return total + float(np.abs(problem.target).max(initial=0.0))


def tolerance(problem: InversionProblem) -> float:
    """The float filter's tolerance: relative ``1e-6`` of the magnitudes in the network."""
    return 1e-6 * _magnitude(problem)


def hits(D: np.ndarray, query, tol: float) -> np.ndarray:
    """Rows of the differences ``D = G(Z) - x`` that may meet ``query`` (a float filter,
    loose by ``tol``; every hit is then decided exactly)."""
    if query.kind == "exact":
        return np.max(np.abs(D), axis=1, initial=0.0) <= tol
    if query.p == "inf":
        return np.max(np.abs(D), axis=1, initial=0.0) <= query.radius_hi() * (1 + 1e-9) + tol
    norm = np.sum(np.abs(D) ** int(query.p), axis=1) ** (1.0 / int(query.p))
    return norm <= query.radius_hi() * (1 + 1e-9) + tol * D.shape[1]


def solve(problem: InversionProblem, *, time_limit: float | None = None) -> Verdict:
    """Decide ``problem`` by trying every latent of its discrete domain."""
    t0 = time.perf_counter()
    vals = problem.domain.values()
    if vals is None:
        raise InputError(
            None,
            None,
            f"solver 'brute' needs a sign or binary latent domain, not '{problem.domain.kind}'",
        )
    n = problem.n
    if n > MAX_N:
        raise InputError(None, None, f"solver 'brute' enumerates 2^n latents; n = {n} > {MAX_N}")
    net, x, q = problem.network, problem.target, problem.query
    tol = tolerance(problem)
    width = max(net.widths)
    chunk = max(1, min(1 << n, CHUNK_ELEMENTS // max(width, 1)))
    shifts = np.arange(n, dtype=np.int64)
    lo, hi = float(vals[0]), float(vals[1])
    tried = candidates = 0
    for start in range(0, 1 << n, chunk):
        if time_limit is not None and time.perf_counter() - t0 > time_limit:
            return Verdict(
                UNKNOWN,
                NAME,
                reason=f"time limit {time_limit:g} s reached after {tried} of 2^{n} latents",
                time=time.perf_counter() - t0,
                stats={"tried": tried, "candidates": candidates},
            )
        k = np.arange(start, min(start + chunk, 1 << n), dtype=np.int64)
        Z = np.where((k[:, None] >> shifts) & 1, hi, lo)
        D = net(Z) - x
        hit = hits(D, q, tol)
        tried += k.size
        for i in np.flatnonzero(hit):
            candidates += 1
            z = Z[i].astype(np.int64).tolist()
            if check_latent(problem, z):
                return Verdict(
                    INVERTIBLE,
                    NAME,
                    latent=[Fraction(v) for v in z],
                    time=time.perf_counter() - t0,
                    stats={"tried": tried, "candidates": candidates},
                )
    return Verdict(
        NOT_INVERTIBLE,
        NAME,
        reason=f"all 2^{n} latents tried",
        time=time.perf_counter() - t0,
        stats={"tried": tried, "candidates": candidates},
    )
