"""Imported by the sandbox's forkserver, and only there (``sandbox.PRELOAD``): it asks the
kernel to kill the forkserver when the process that owns the pool dies.

Without it, a ``kill -9`` of a cross-check would leave its solvers running: each sandbox
worker is a child of the forkserver, which multiprocessing keeps alive for as long as any
worker lives, and a worker in the middle of a long solve does not notice that its owner is
gone. With it, the owner's death kills the forkserver, and each worker's own
``PR_SET_PDEATHSIG`` (:func:`.sandbox._die_with_parent`) kills the worker in turn.
"""

from __future__ import annotations

from .sandbox import _die_with_parent

_die_with_parent()
