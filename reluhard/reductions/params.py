"""Reduction parameters given as ``--param KEY=VALUE``: their declaration and the value
types the graph and lattice reductions share."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Param:
    """A reduction parameter given as ``--param KEY=VALUE``."""

    type: type | Any
    help: str
    default: Any = None
    required: bool = False


#: the largest finite norm the lattice and graph reductions take: their constants grow like
#: ``3^p`` and must stay exact in the solvers' 64-bit integers
MAX_P = 16


def norm(text: str) -> int | str:
    """A norm ``p``: a positive integer up to :data:`MAX_P`, or ``inf``."""
    if str(text).strip().lower() == "inf":
        return "inf"
    p = int(text)
    if not 1 <= p <= MAX_P:
        raise ValueError(f"p must be in 1..{MAX_P} or inf, got {p}")
    return p


norm.__name__ = f"norm (an integer 1..{MAX_P} or inf)"


def rational(text: str) -> Fraction:
    """A rational number: ``3``, ``-7/2`` or ``0.25``."""
    return Fraction(str(text).strip())


rational.__name__ = "rational number"
