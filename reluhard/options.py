"""Options given as ``--param KEY=VALUE`` (reductions) or ``--solver-option KEY=VALUE``
(inversion back ends): their declaration, parsing, and the value types they share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from . import limits
from .errors import InputError

#: A norm ``p``: a positive integer or ``"inf"`` (``p == "inf"`` narrows it to ``int``).
NormP = int | Literal["inf"]


@dataclass(frozen=True)
class Param:
    """A reduction parameter given as ``--param KEY=VALUE``."""

    type: type | Any
    help: str
    default: Any = None
    required: bool = False


def parse_values(spec: dict[str, Param], raw: dict[str, str], owner: str, flag: str) -> dict:
    """Typed values for the parameters ``spec`` of ``owner`` (``"reduction 'x'"``) from
    ``KEY=VALUE`` strings given with ``flag``; defaults filled in. Unknown, missing or
    ill-typed ones raise :class:`InputError`."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in spec:
            known = ", ".join(sorted(spec)) or "none"
            raise InputError(
                None, None, f"{owner} has no parameter '{key}' (its parameters: {known})"
            )
        try:
            out[key] = spec[key].type(value)
        except limits.DigitsError as e:
            raise InputError(None, None, f"parameter {key}: {e}") from None
        except (TypeError, ValueError):
            raise InputError(
                None, None, f"parameter {key}={value!r} is not a valid {spec[key].type.__name__}"
            ) from None
    for key, p in spec.items():
        if key not in out:
            if p.required:
                raise InputError(None, None, f"{owner} needs {flag} {key}=...")
            if p.default is not None:
                out[key] = p.default
    return out


#: the largest finite norm the lattice and graph reductions take: their constants grow like
#: ``3^p`` and must stay exact in the solvers' 64-bit integers
MAX_P = 16


def norm(text: str) -> NormP:
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
    return limits.fraction(text)


rational.__name__ = "rational number"


def _short(text: str) -> str:
    """``text`` if it is short enough to be a number, else ``ValueError``."""
    if len(str(text)) > 100:
        raise ValueError("too long to be a number")
    return str(text)


def positive(text: str) -> float:
    """A finite number ``> 0``."""
    v = float(_short(text))
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"must be a finite number > 0, got {text!r}")
    return v


positive.__name__ = "positive number"


def nonnegative(text: str) -> float:
    """A finite number ``>= 0``."""
    v = float(_short(text))
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"must be a finite number >= 0, got {text!r}")
    return v


nonnegative.__name__ = "non-negative number"


def count(text: str) -> int:
    """An integer ``>= 0``."""
    v = limits.integer(text)
    if v < 0:
        raise ValueError(f"must be >= 0, got {v}")
    return v


count.__name__ = "non-negative integer"


def boolean(text: str) -> bool:
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""
    t = str(text).strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


boolean.__name__ = "boolean (true/false)"


def choice(*names: str):
    """One of ``names``."""

    def parse(text: str) -> str:
        if text not in names:
            raise ValueError(text)
        return text

    parse.__name__ = " or ".join(names)
    return parse
