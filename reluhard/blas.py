"""One BLAS thread for the small dense linear algebra of the tractable back ends.

Least squares on a few hundred rows and gradient steps of a few hundred thousand weights
gain nothing from a multi-threaded BLAS, and lose badly when the machine is busy: OpenBLAS
threads spin while they wait, so with other processes on the cores a 1 ms solve was measured
at 0.7 s. :func:`single_threaded` limits the BLAS that numpy loaded to one thread for the
duration (through threadpoolctl; a no-op without it).
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
