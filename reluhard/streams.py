"""Standard input and output as files: the name ``-``, and a closed pipe on standard output.

``-`` names standard input where a command reads a text source (``reluhard solve - <
f.cnf``; CNF, CVP, graph and circuit text, and solver output for ``verify``) and standard
output where it writes a text file (``invert NET -o -``). Messages call standard input
``<stdin>``.

A reader that stops early (``reluhard list | head -1``) closes the pipe; the next write
raises ``BrokenPipeError``. :func:`closed_pipe_exit` is what the command line then does:
point standard output at ``/dev/null`` (so the interpreter's last flush cannot raise again)
and exit with :data:`BROKEN_PIPE_EXIT`, 141 = 128 + SIGPIPE, the status a shell reports for
a C program killed by that signal.
"""

from __future__ import annotations

import os
import sys

STDIO = "-"
STDIN_NAME = "<stdin>"
BROKEN_PIPE_EXIT = 141


def shown(name: str) -> str:
    """How messages call the file ``name``."""
    return STDIN_NAME if name == STDIO else name


def closed_pipe_exit() -> int:
    """Standard output to ``/dev/null``; the exit status for a closed pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass
    return BROKEN_PIPE_EXIT
