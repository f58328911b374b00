"""Redirecting what native code writes to the process's file descriptors.

Solvers linked into the process (HiGHS prints a banner when created) write straight to file
descriptors 1 and 2, past ``sys.stdout``; the SAT-competition ``s``/``v`` lines and progress
bars need those streams clean.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def redirected(targets: dict[int, int | None]) -> Iterator[None]:
    """Meanwhile send file descriptor ``fd`` to ``targets[fd]`` (another descriptor, or
    ``None`` for /dev/null). A no-op where descriptors cannot be duplicated."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = {fd: os.dup(fd) for fd in targets}
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            for fd, target in targets.items():
                os.dup2(null.fileno() if target is None else target, fd)
        yield
    finally:
        with contextlib.suppress(Exception):  # flush C stdio buffers before restoring
            import ctypes

            ctypes.CDLL(None).fflush(None)
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
