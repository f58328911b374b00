"""A one-line progress bar on stderr for long commands (``scaling``, ``crosscheck``).

On a terminal: a bar redrawn in place, drawn by rich when asked for (``rich=True``) and
rich is installed, else by hand. Elsewhere (a log file, CI, ``nohup``): silent, or with
``every=S`` one plain line every S seconds, so an overnight run's log shows it is alive."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress bar on stderr, redrawn with ``\\r`` on a terminal (by rich with
    ``rich=True`` when it is installed); elsewhere silent, or a line every ``every`` seconds,
    until :meth:`finish` prints one final line."""

    def __init__(
        self, stream=None, width: int = 28, *, every: float | None = None, rich: bool = False
    ):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self.every = every
        self.t0 = time.perf_counter()
        self.last = -1.0 if self.tty else self.t0
        self.frac = 0.0
        self._rich = _rich_bar(self.stream) if rich and self.tty else None

    def update(self, frac: float, label: str = "") -> None:
        self.frac = min(max(frac, 0.0), 1.0)
        now = time.perf_counter()
        if self._rich is not None:
            bar, task = self._rich
            bar.update(task, completed=self.frac, description=label[:40])
            return
        if not self.tty:
            if self.every is not None and now - self.last >= self.every:
                self.last = now
                self.stream.write(f"c progress {100 * self.frac:.0f}%{self._times(now)}: {label}\n")
                self.stream.flush()
            return
        if now - self.last < 0.1 and frac < 1.0:
            return
        self.last = now
        filled = int(round(self.width * self.frac))
        bar = "#" * filled + "." * (self.width - filled)
        line = f"[{bar}] {100 * self.frac:3.0f}%  {label:<18.18s}{self._times(now)}"
        self.stream.write("\r" + line.ljust(78)[:78])
        self.stream.flush()

    def _times(self, now: float) -> str:
        elapsed = now - self.t0
        eta = f", ~{elapsed * (1 - self.frac) / self.frac:.0f} s left" if self.frac > 0.02 else ""
        return f" {elapsed:.0f} s{eta}"

    def finish(self, message: str) -> None:
        if self._rich is not None:
            self._rich[0].stop()
            self._rich = None
            sys.stdout.flush()
            self.stream.write(message + "\n")
            self.stream.flush()
            return
        sys.stdout.flush()
        self.stream.write(("\r" + " " * 78 + "\r" if self.tty else "") + message + "\n")
        self.stream.flush()


def _rich_bar(stream):
    """A started rich progress bar (transient: it vanishes at the end) and its task, or
    None without rich."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress
    except ImportError:
        return None
    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = bar.add_task("", total=1.0)
    bar.start()
    return bar, task
