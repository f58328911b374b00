"""Every latent of a two-valued domain ``{lo, hi}^n``, tried: the one exhaustive enumerator.

Used by the ``brute`` back end (:mod:`reluhard.solvers.brute`, stopping at the first
inverting latent) and by ``reluhard scaling`` (:mod:`reluhard.teaching.scaling`, counting
them all). The latent index ``k`` sets ``z_i`` from bit ``i`` of ``k`` (``hi`` for a one,
``lo`` for a zero), and the latents are tried in increasing ``k``.

A float forward pass filters candidates with a tolerance far above float64 rounding
(relative ``1e-6`` of the magnitudes that flow through the network, :func:`tolerance`), and
every candidate is then decided by the exact rational check
(:func:`reluhard.inversion.check_latent`), so a YES is exact and a NO can only be wrong if
rounding exceeded that tolerance, which float64 cannot do on networks of sane size.

Memory stays bounded and in cache whatever ``n``: the latents go in aligned blocks of
``2^L`` consecutive ``k`` (about :data:`BLOCK_ELEMENTS` floats per layer, 512 kB arrays,
which stay in L2 cache), whose first-layer pre-activations are a fixed table for the ``L``
low bits plus one vector for the high bits of the block,
``W z + b = W_low z_low + (W_high z_high + b)``. Every latent still goes through every
activation and the output test; only the first matrix product is shared. The cost is
``2^n`` times a polynomial in the network size.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..inversion import InversionProblem, check_latent

#: elements (float64) per block of the enumeration: 512 kB arrays, which stay in L2 cache
BLOCK_ELEMENTS = 1 << 16
#: a sparse first layer with at most this many entries is made dense (it has ``n`` columns)
DENSE_FIRST_LAYER = 1 << 22
#: the largest ``n`` the callers enumerate (``2^40`` latents is days of work)
MAX_N = 40


@dataclass
class Enumeration:
    """What :func:`enumerate_latents` found: ``count`` inverting latents among the ``tried``
    ones (``complete`` when that is all ``2^n``), ``candidates`` float hits decided exactly,
    the first inverting latent, and the CPU and wall-clock seconds of the call."""

    count: int
    tried: int
    candidates: int
    cpu_seconds: float
    wall_seconds: float
    first: list[int] | None = None
    complete: bool = True


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


def enumerate_latents(
    problem: InversionProblem,
    values: tuple[int, int],
    *,
    first_only: bool = False,
    deadline: float | None = None,
    tick: Callable[[float], None] | None = None,
) -> Enumeration:
    """Try the latents ``{lo, hi}^n`` (``values = (lo, hi)``) of ``problem`` in increasing
    ``k`` and count those that invert it, each confirmed exactly.

    ``first_only`` stops at the first inverting latent; ``deadline`` (a
    ``time.perf_counter()`` value) stops before a block that would start after it (both
    leave ``complete`` False unless every latent was tried). ``tick``, if given, is called
    now and then with the fraction of latents done. The caller limits the BLAS threads
    (:func:`reluhard.blas.single_threaded`).
    """
    t0, c0 = time.perf_counter(), time.process_time()
    lo, hi = values
    flo, fhi = float(lo), float(hi)
    n = problem.n
    net, x, query = problem.network, problem.target, problem.query
    tol = tolerance(problem)
    first, rest = net.layers[0], net.layers[1:]
    W = first.W
    if first.sparse and W.shape[0] * W.shape[1] <= DENSE_FIRST_LAYER:
        W = first.csr.toarray()
    L = min(n, max(0, int(math.log2(max(1, BLOCK_ELEMENTS // max(net.widths))))))
    low = np.arange(1 << L, dtype=np.int64)
    Z_low = np.where((low[:, None] >> np.arange(L)) & 1, fhi, flo)
    table = np.ascontiguousarray((W[:, :L] @ Z_low.T).T)
    W_high = np.ascontiguousarray(W[:, L:]) if isinstance(W, np.ndarray) else W[:, L:]
    high_shifts = np.arange(n - L, dtype=np.int64)
    buf = np.empty_like(table)
    relu = first.activation == "relu"
    blocks = 1 << (n - L)
    every = max(1, blocks // 200)
    count = candidates = tried = 0
    found: list[int] | None = None
    complete = True
    for h in range(blocks):
        if deadline is not None and time.perf_counter() > deadline:
            complete = False
            break
        z_high = np.where((h >> high_shifts) & 1, fhi, flo)
        np.add(table, W_high @ z_high + first.b, out=buf)
        A = np.maximum(buf, 0.0, out=buf) if relu else first.act(buf)
        for layer in rest:
            A = layer.act(layer.pre(A))
        tried += 1 << L
        for i in np.flatnonzero(hits(A - x, query, tol)):
            candidates += 1
            k = (h << L) | int(i)
            z = [hi if (k >> j) & 1 else lo for j in range(n)]
            if check_latent(problem, z):
                count += 1
                if found is None:
                    found = z
                if first_only:
                    break
        if first_only and found is not None:
            complete = tried == 1 << n
            break
        if tick is not None and h % every == 0:
            tick(h / blocks)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return Enumeration(count, tried, candidates, cpu, wall, found, complete)
