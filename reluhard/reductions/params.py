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


def norm(text: str) -> int | str:
    """A norm ``p``: a positive integer or ``inf``."""
    if str(text).strip().lower() == "inf":
        return "inf"
    p = int(text)
    if p < 1:
        raise ValueError(f"p must be >= 1, got {p}")
    return p


norm.__name__ = "norm (positive integer or inf)"


def rational(text: str) -> Fraction:
    """A rational number: ``3``, ``-7/2`` or ``0.25``."""
    return Fraction(str(text).strip())


rational.__name__ = "rational number"
