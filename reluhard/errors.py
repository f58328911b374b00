"""The one error type users see: bad input, reported as ``file:line: what``.

Everything a user can get wrong (a malformed file, a parameter out of range, a network file
of another schema) raises :class:`InputError`; the CLI prints ``str(error)`` on one line of
stderr and exits 1. Anything else escaping the library is a bug in reluhard.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: ``path`` and (when known) 1-based ``line`` locate the problem."""

    def __init__(self, path: str | None, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(p) for p in (self.path, self.line) if p is not None]
        return ":".join([*where, " " + self.message]) if where else self.message


class TimeLimitError(InputError):
    """A command ran out of its ``--time-limit`` before it had an answer it can stand by:
    one line, exit 1, like bad input (the limit is the user's to raise)."""

    def __init__(self, message: str):
        super().__init__(None, None, message)


class ConfigError(InputError):
    """A configuration that cannot start: a solver command that is not found or not
    executable, a plug-in that does not import. Reported once, before any run, with exit
    status 2 (a usage error, like argparse's), not as a crash of every run."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(None, None, message)
