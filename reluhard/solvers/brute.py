"""Exhaustive search over a discrete latent domain (``{-1,1}^n`` or ``{0,1}^n``).

The ground truth for tests: every latent is tried, in increasing index ``k`` (``z_i`` from
bit ``i`` of ``k``), by the shared enumerator :func:`reluhard.solvers.exhaustive.
enumerate_latents`, which stops at the first inverting latent. It filters candidates by a
float forward pass with a tolerance far above float64 rounding and decides every candidate
by the exact rational check, so a YES is exact and a NO can only be wrong if rounding
exceeded that tolerance, which float64 cannot do on networks of sane size. Memory stays
bounded whatever ``n`` (blocks of about :data:`~reluhard.solvers.exhaustive.BLOCK_ELEMENTS`
floats per layer); numpy's BLAS runs on one thread meanwhile (:mod:`reluhard.blas`).
"""

from __future__ import annotations

import time
from fractions import Fraction

from ..blas import single_threaded
from ..errors import InputError
from ..inversion import InversionProblem
from .exhaustive import MAX_N, enumerate_latents
from .verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Verdict

NAME = "brute"
SUMMARY = "exhaustive search over {-1,1}^n or {0,1}^n (chunked numpy), exact check of hits"


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
    deadline = None if time_limit is None else t0 + time_limit
    with single_threaded():
        en = enumerate_latents(problem, vals, first_only=True, deadline=deadline)
    stats = {"tried": en.tried, "candidates": en.candidates}
    if en.first is not None:
        return Verdict(
            INVERTIBLE,
            NAME,
            latent=[Fraction(v) for v in en.first],
            time=time.perf_counter() - t0,
            stats=stats,
        )
    if not en.complete:
        return Verdict(
            UNKNOWN,
            NAME,
            reason=f"time limit {time_limit:g} s reached after {en.tried} of 2^{n} latents",
            time=time.perf_counter() - t0,
            stats=stats,
        )
    return Verdict(
        NOT_INVERTIBLE,
        NAME,
        reason=f"all 2^{n} latents tried",
        time=time.perf_counter() - t0,
        stats=stats,
    )
