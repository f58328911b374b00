"""Reductions from source problems to inversion problems, one module per construction.

Each module provides ``NAME``, ``SOURCE_KIND``, ``SUMMARY``, ``PAPER``, ``THEOREM``,
``PARAMS`` (name -> :class:`Param`) and three maps (cf. CVXPY's ``apply``/``invert``):

- ``build(instance, *, source=None, **params) -> InversionProblem`` (forward instance map),
- ``encode(instance, certificate) -> z`` (a source certificate becomes a working latent),
- ``decode(instance, z) -> certificate`` (any working latent, even an inexact one, becomes a
  source certificate, which the source problem's ``check`` then verifies);
- ``fault(instance, certificate, **params) -> str | None`` and ``check``: the source
  problem's own judgement of a certificate (why it is not one, in words).

``encode``, ``decode`` and ``fault`` take the reduction's parameters as keywords (the ones
recorded in the network file: ``q`` for Vertex Cover, ``M`` for Half-Clique, ...).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..errors import InputError
from . import (
    cvp_binary,
    cvp_real,
    halfclique_binary,
    halfclique_real,
    sat_real,
    sat_sign,
    vertexcover_binary,
    vertexcover_real,
)
from ..options import parse_values

REGISTRY: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        sat_sign,
        sat_real,
        cvp_binary,
        cvp_real,
        vertexcover_binary,
        vertexcover_real,
        halfclique_binary,
        halfclique_real,
    )
}
DEFAULT_FOR_KIND = {"cnf": "sat-sign", "cvp": "cvp-binary", "graph": "vertexcover-binary"}


def get(name: str) -> ModuleType:
    """The reduction module called ``name``; :class:`InputError` if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(None, None, f"unknown reduction '{name}' (known: {known})") from None


def for_kind(kind: str, name: str | None = None) -> ModuleType:
    """The named reduction, checked to accept ``kind``, or the default one for ``kind``."""
    if name is None:
        if kind not in DEFAULT_FOR_KIND:
            raise InputError(None, None, f"no reduction takes a '{kind}' instance yet")
        name = DEFAULT_FOR_KIND[kind]
    red = get(name)
    if red.SOURCE_KIND != kind:
        raise InputError(
            None,
            None,
            f"reduction '{name}' takes a '{red.SOURCE_KIND}' instance, not a '{kind}' one",
        )
    return red


def parse_params(red: ModuleType, raw: dict[str, str]) -> dict[str, Any]:
    """Typed parameters for ``red`` from ``KEY=VALUE`` strings; unknown, missing or
    ill-typed ones raise :class:`InputError`."""
    return parse_values(red.PARAMS, raw, f"reduction '{red.NAME}'", "--param")


def params_of(problem) -> dict:
    """The reduction parameters recorded in ``problem`` (for encode/decode/fault)."""
    return dict(problem.reduction.get("params") or {})


def certificate_fault(problem, certificate) -> str | None:
    """Why ``certificate`` is not a certificate of the source instance embedded in
    ``problem`` (judged by the source problem's own checker), or None."""
    red = get(problem.reduction["name"])
    return red.fault(problem.source.instance, certificate, **params_of(problem))
