"""The one answer type of every inversion back end.

``INVERTIBLE`` is only ever returned with a latent that passed
:func:`reluhard.inversion.check_latent` (exact rational arithmetic); ``NOT_INVERTIBLE`` is
the back end's claim (exhaustive search, or a MILP's infeasibility proof); ``UNKNOWN`` says
why no answer was reached (time limit, an inexact point that could not be repaired, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..status import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Status

__all__ = ["INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN", "ProofLog", "Status", "Verdict"]


@dataclass
class ProofLog:
    """A back end's DRUP proof of a NO: ``lines`` refute the CNF that ``of`` names (a key of
    :data:`reluhard.certs.refutation.SUBJECTS`), logged by ``solver``; ``meta`` goes into the
    solution file's proof entry (for the network's CNF: its encoding and sha256)."""

    of: str
    lines: list[str]
    solver: str
    meta: dict = field(default_factory=dict)


@dataclass
class Verdict:
    """A back end's answer: ``status`` (a :class:`~reluhard.status.Status`), the back end's
    name, the exact ``latent`` (INVERTIBLE only), a one-line ``reason``, seconds spent,
    statistics, and ``point``: the float point an UNKNOWN ended with, for the repair that
    :func:`reluhard.pipeline.decide` tries through the reduction."""

    status: Status
    solver: str
    latent: list[Fraction] | None = None
    reason: str = ""
    time: float = 0.0
    stats: dict = field(default_factory=dict)
    point: np.ndarray | None = field(default=None, repr=False)
    proof: ProofLog | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    def to_json(self) -> dict:
        return {
            "status": self.status.value,
            "solver": self.solver,
            "latent": None if self.latent is None else [str(v) for v in self.latent],
            "reason": self.reason,
            "time": self.time,
            "stats": self.stats,
        }
