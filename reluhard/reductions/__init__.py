"""Reductions from source problems to inversion problems: one module per construction,
each exporting a ``REDUCTION`` that follows the protocol of :mod:`.base` (name, source
kind, paper, theorem, parameters, certificate; build, encode, decode, fault).

:data:`REGISTRY` maps names to reductions; :func:`certificate_of` is the one path from a
latent back to a checked source certificate.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..inversion import InversionProblem
from ..options import parse_values
from .base import Construction, Reduction

__all__ = ["REGISTRY", "Construction", "Reduction", "Decoded", "certificate_of", "get"]

#: each reduction's name and the module that holds it (its ``REDUCTION``)
MODULES: dict[str, str] = {
    "sat-sign": "sat_sign",
    "sat-real": "sat_real",
    "cvp-binary": "cvp_binary",
    "cvp-real": "cvp_real",
    "vertexcover-binary": "vertexcover_binary",
    "vertexcover-real": "vertexcover_real",
    "halfclique-binary": "halfclique_binary",
    "halfclique-real": "halfclique_real",
    "circuit-sign": "circuit_sign",
    "circuit-real": "circuit_real",
}


class _Registry(Mapping[str, Reduction]):
    """The reductions by name; a module loads when its reduction is first asked for, so
    that a CNF ``reduce`` loads no circuit or lattice construction. Its keys are
    :data:`MODULES`'; ``tests/reductions/test_registry.py`` checks each module's name."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, Reduction] = {}

    def __getitem__(self, name: str) -> Reduction:
        if name not in self._loaded:
            module = importlib.import_module(f"{__name__}.{self._modules[name]}")
            self._loaded[name] = module.REDUCTION
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REGISTRY: Mapping[str, Reduction] = _Registry(MODULES)
DEFAULT_FOR_KIND = {
    "cnf": "sat-sign",
    "cvp": "cvp-binary",
    "graph": "vertexcover-binary",
    "circuit": "circuit-sign",
}


def get(name: str) -> Reduction:
    """The reduction called ``name``; :class:`InputError` if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(None, None, f"unknown reduction '{name}' (known: {known})") from None


def for_kind(kind: str, name: str | None = None) -> Reduction:
    """The named reduction, checked to accept ``kind``, or the default one for ``kind``."""
    if name is None:
        if kind not in DEFAULT_FOR_KIND:
            raise InputError(None, None, f"no reduction takes a '{kind}' instance yet")
        name = DEFAULT_FOR_KIND[kind]
    red = get(name)
    if red.source_kind != kind:
        raise InputError(
            None,
            None,
            f"reduction '{name}' takes a '{red.source_kind}' instance, not a '{kind}' one",
        )
    return red


def parse_params(red: Reduction, raw: dict[str, str]) -> dict[str, Any]:
    """Typed parameters for ``red`` from ``KEY=VALUE`` strings; unknown, missing or
    ill-typed ones raise :class:`InputError`."""
    return parse_values(dict(red.params), raw, f"reduction '{red.name}'", "--param")


def params_of(problem: InversionProblem) -> dict:
    """The reduction parameters recorded in ``problem`` (for encode/decode/fault)."""
    return dict(problem.reduction.params) if problem.reduction is not None else {}


def of(problem: InversionProblem) -> Reduction | None:
    """The registered reduction that built ``problem`` from its embedded source, or None
    (a random network, a file naming an unknown reduction, or one without its source)."""
    rec, src = problem.reduction, problem.source
    if rec is None or src is None:
        return None
    red = REGISTRY.get(rec.name)
    return red if red is not None and red.source_kind == src.kind else None


def certificate_fault(problem: InversionProblem, certificate: Any) -> str | None:
    """Why ``certificate`` is not a certificate of the source instance embedded in
    ``problem`` (judged by the source problem's own checker), or None."""
    red = of(problem)
    if red is None:
        return "the network names no known reduction from its embedded source"
    assert problem.source is not None
    return red.fault(problem.source.instance, certificate, **params_of(problem))


@dataclass(frozen=True)
class Decoded:
    """A latent decoded through the problem's reduction: the source ``certificate`` and
    ``fault``, None when the source checker accepts it."""

    reduction: Reduction
    certificate: Any
    fault: str | None


def certificate_of(problem: InversionProblem, latent: Any) -> Decoded | None:
    """The one decode path: ``latent`` (exact rationals or floats, even an inexact point)
    decoded by the problem's reduction and judged by the source checker; None when the
    problem has no registered reduction from an embedded source."""
    red = of(problem)
    if red is None:
        return None
    assert problem.source is not None
    params = params_of(problem)
    z = [_float(v) for v in latent]
    cert = red.decode(problem.source.instance, z, **params)
    return Decoded(red, cert, red.fault(problem.source.instance, cert, **params))


def _float(x: Any) -> float:
    """``x`` as a float, saturating to +-inf beyond the float range (decoding reads signs
    and thresholds only)."""
    try:
        return float(x)
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")
