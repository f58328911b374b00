"""The command line run in this process, and the one-line error contract for bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass


def run_cli(capsys, argv) -> tuple[int, str, str]:
    """``reluhard ARGV...`` in this process: exit code (argparse's usage errors too),
    stdout, stderr."""
    from reluhard import cli

    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The one line a bad input gets on stderr (never a traceback)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


#: the address space a hostile-input run may take (RLIMIT_AS): well under what the box
#: has, so a run that would allocate by a declared size fails here instead of swapping
BOUNDED_AS = 3 << 29  # 1.5 GiB
#: the peak RSS a refusal may take: the interpreter, numpy, scipy, networkx, OR-Tools
REFUSAL_RSS = 400 << 20


@dataclass
class BoundedRun:
    """A CLI run in a child process: exit code, stdout, stderr, wall seconds and peak RSS
    in bytes (the child's own, from ``wait4``)."""

    code: int
    out: str
    err: str
    seconds: float
    peak_rss: int


def run_bounded(
    argv, cwd, *, timeout: float = 60.0, env: dict[str, str] | None = None
) -> BoundedRun:
    """``python -m reluhard.cli ARGV...`` in ``cwd`` under :data:`BOUNDED_AS`, killed after
    ``timeout`` seconds (exit code -9 then)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (BOUNDED_AS, BOUNDED_AS))

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    full_env = {**os.environ, "PYTHONPATH": root, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "reluhard.cli", *map(str, argv)],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=full_env,
            preexec_fn=limit,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return BoundedRun(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            usage.ru_maxrss * 1024,  # Linux: KiB
        )
