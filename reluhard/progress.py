"""A one-line progress bar on stderr for long commands (``scaling``, ``crosscheck``)."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress bar on stderr, redrawn with ``\\r`` on a terminal; elsewhere
    silent until :meth:`finish` prints one final line."""

    def __init__(self, stream=None, width: int = 28):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self.t0 = time.perf_counter()
        self.last = -1.0
        self.frac = 0.0

    def update(self, frac: float, label: str = "") -> None:
        self.frac = min(max(frac, 0.0), 1.0)
        now = time.perf_counter()
        if not self.tty or (now - self.last < 0.1 and frac < 1.0):
            return
        self.last = now
        filled = int(round(self.width * self.frac))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.t0
        eta = f", ~{elapsed * (1 - self.frac) / self.frac:.0f} s left" if self.frac > 0.02 else ""
        line = f"[{bar}] {100 * self.frac:3.0f}%  {label:<18.18s} {elapsed:.0f} s{eta}"
        self.stream.write("\r" + line.ljust(78)[:78])
        self.stream.flush()

    def finish(self, message: str) -> None:
        sys.stdout.flush()
        self.stream.write(("\r" + " " * 78 + "\r" if self.tty else "") + message + "\n")
        self.stream.flush()
