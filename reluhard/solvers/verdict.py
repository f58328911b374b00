"""The one answer type of every inversion back end.

``INVERTIBLE`` is only ever returned with a latent that passed
:func:`reluhard.inversion.check_latent` (exact rational arithmetic); ``NOT_INVERTIBLE`` is
the back end's claim (exhaustive search, or a MILP's infeasibility proof); ``UNKNOWN`` says
why no answer was reached (time limit, an inexact point that could not be repaired, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

INVERTIBLE = "INVERTIBLE"
NOT_INVERTIBLE = "NOT_INVERTIBLE"
UNKNOWN = "UNKNOWN"

#: SAT-competition output line and exit code for each status.
SAT_STYLE = {
    INVERTIBLE: ("s SATISFIABLE", 10),
    NOT_INVERTIBLE: ("s UNSATISFIABLE", 20),
    UNKNOWN: ("s UNKNOWN", 0),
}


@dataclass
class Verdict:
    status: str
    solver: str
    latent: list[Fraction] | None = None
    reason: str = ""
    time: float = 0.0
    stats: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "solver": self.solver,
            "latent": None if self.latent is None else [str(v) for v in self.latent],
            "reason": self.reason,
            "time": self.time,
            "stats": self.stats,
        }
