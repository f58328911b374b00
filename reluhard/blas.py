"""One BLAS thread for small dense linear algebra: the one BLAS thread controller.

Least squares on a few hundred rows (the tractable back ends), gradient steps of a few
hundred thousand weights (``gd``) and the cache-sized blocks of the exhaustive enumerator
(:mod:`reluhard.solvers.exhaustive`, behind ``brute`` and ``reluhard scaling``) gain nothing
from a multi-threaded BLAS, and lose badly when the machine is busy: OpenBLAS threads spin
while they wait, so with other processes on the cores a 1 ms solve was measured at 0.7 s,
and the enumeration's small products became several times slower and erratic.
``reluhard scaling`` also compares brute force with single-threaded MILP and CaDiCaL runs,
so brute force must run on one thread too. :func:`single_threaded` limits the BLAS that
numpy loaded to one thread for the duration and restores the previous counts after
(through threadpoolctl; a no-op without it).
"""

from __future__ import annotations

import contextlib

import numpy as np  # noqa: F401  (the BLAS must be loaded before the controller looks)

_controller = None


def single_threaded() -> contextlib.AbstractContextManager:
    """A context in which numpy's BLAS uses one thread."""
    global _controller
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
