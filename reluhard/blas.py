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

:func:`no_thread_pool` is for a process that does no linear algebra at all (a ``reduce``):
called before numpy is loaded, it starts OpenBLAS with one thread, since starting its thread
pool costs about 0.1 s of CPU on import (``python -c "import numpy"``: 0.20 s user, 0.10 s
with ``OPENBLAS_NUM_THREADS=1``, issue 18).
"""

from __future__ import annotations

import contextlib
import os

_controller = None


def no_thread_pool() -> None:
    """Before numpy is imported: let OpenBLAS start one thread only, unless the user chose a
    count (``OPENBLAS_NUM_THREADS`` set). Once numpy is loaded this changes nothing."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def single_threaded() -> contextlib.AbstractContextManager:
    """A context in which numpy's BLAS uses one thread."""
    global _controller
    import numpy  # noqa: F401  (the BLAS must be loaded before the controller looks)

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
