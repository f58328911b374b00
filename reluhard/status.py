"""The one status vocabulary: an inversion verdict, its SAT-competition word, ``s`` line and
exit code. Verdicts, solution files, ``verify``, ``crosscheck`` and ``scaling`` all use it.

A :class:`Status` is a ``str`` (``Status.INVERTIBLE == "INVERTIBLE"``), so JSON and old
comparisons keep working.

>>> Status.NOT_INVERTIBLE.s_line, Status.NOT_INVERTIBLE.exit_code
('s UNSATISFIABLE', 20)
>>> Status.from_word("SATISFIABLE") is Status.INVERTIBLE
True
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """``INVERTIBLE`` (a latent passed the exact check), ``NOT_INVERTIBLE`` (proved, or a
    back end's claim), ``UNKNOWN`` (no answer, with a reason)."""

    INVERTIBLE = "INVERTIBLE"
    NOT_INVERTIBLE = "NOT_INVERTIBLE"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value

    @property
    def answer(self) -> str:
        """The SAT-competition word: ``SATISFIABLE``, ``UNSATISFIABLE`` or ``UNKNOWN``."""
        return _ANSWER[self]

    @property
    def s_line(self) -> str:
        return f"s {self.answer}"

    @property
    def exit_code(self) -> int:
        """10, 20 or 0, as SAT solvers exit."""
        return _EXIT[self]

    @classmethod
    def from_word(cls, word: str) -> Status:
        """The status for a status word (``INVERTIBLE``) or an answer word (``SATISFIABLE``);
        ``ValueError`` for anything else."""
        for s in cls:
            if word in (s.value, s.answer):
                return s
        raise ValueError(f"unknown status {word!r}")


_ANSWER = {
    Status.INVERTIBLE: "SATISFIABLE",
    Status.NOT_INVERTIBLE: "UNSATISFIABLE",
    Status.UNKNOWN: "UNKNOWN",
}
_EXIT = {Status.INVERTIBLE: 10, Status.NOT_INVERTIBLE: 20, Status.UNKNOWN: 0}

INVERTIBLE = Status.INVERTIBLE
NOT_INVERTIBLE = Status.NOT_INVERTIBLE
UNKNOWN = Status.UNKNOWN
ANSWERS = tuple(s.answer for s in Status)
