"""Inversion back ends behind one interface: ``solve(problem, *, time_limit=None) ->
Verdict`` (cf. PySAT's uniform solver interface)."""

from __future__ import annotations

from types import ModuleType

from ..errors import InputError
from . import brute
from .verdict import INVERTIBLE, NOT_INVERTIBLE, SAT_STYLE, UNKNOWN, Verdict

REGISTRY: dict[str, ModuleType] = {m.NAME: m for m in (brute,)}

__all__ = ["INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN", "SAT_STYLE", "Verdict", "REGISTRY", "get"]


def get(name: str) -> ModuleType:
    """The back end called ``name``; :class:`InputError` if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(None, None, f"unknown solver '{name}' (known: {known})") from None
