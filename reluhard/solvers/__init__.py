"""Inversion back ends behind one interface: ``solve(problem, solver, *, time_limit=None,
options=None) -> Verdict`` (cf. PySAT's uniform solver interface), over the table of
:mod:`.registry`.

``brute`` enumerates a discrete latent domain; ``cpsat``, ``scip`` and ``highs`` are the MILP
back ends of :mod:`reluhard.solvers.milp`; ``auto`` (the default) is CP-SAT where it applies
and SCIP elsewhere, chosen by measurement (``benchmarks/milp_vs_sat.py``).

The tractable side (Lei et al. 2019 and the non-expansive-prior paper) for real latents:
``lp``, ``linf-lp``, ``l1-lp``, ``lp-relax`` and ``layerwise``
(:mod:`reluhard.solvers.layerwise`, one layer at a time by linear programming) and ``gd``
(:mod:`reluhard.solvers.gd`).

Every back end takes options (``options``; ``--solver-option KEY=VALUE`` on the command
line), declared in its table entry. Back ends never decode a latent into a source
certificate: that is :func:`reluhard.pipeline.decide`'s, so this package imports nothing
from :mod:`reluhard.reductions`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ..exactness import float_refusal, float_unknown_reason, one_float_check
from ..inversion import InversionProblem
from ..network import float_only_reason
from ..options import parse_values
from . import recovery
from .registry import BACKENDS, NAMES, Backend
from .verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Status, Verdict

__all__ = [
    "INVERTIBLE",
    "NOT_INVERTIBLE",
    "UNKNOWN",
    "BACKENDS",
    "Backend",
    "Status",
    "Verdict",
    "NAMES",
    "get",
    "parse_options",
    "solve",
]

DEFAULT = "auto"


def get(name: str) -> Backend:
    """The back end called ``name``; :class:`InputError` if there is none."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise InputError(
            None, None, f"unknown solver '{name}' (known: {', '.join(NAMES)})"
        ) from None


def parse_options(name: str, raw: dict[str, Any]) -> dict:
    """Typed options for back end ``name`` from ``KEY=VALUE`` strings (typed values pass
    through; defaults filled in); unknown or ill-typed ones raise :class:`InputError`."""
    spec = dict(get(name).options)
    strings = {k: v for k, v in raw.items() if isinstance(v, str)}
    typed = parse_values(spec, strings, f"solver '{name}'", "--solver-option")
    for key, value in raw.items():
        if not isinstance(value, str):
            if key not in spec:
                parse_values(spec, {key: ""}, f"solver '{name}'", "--solver-option")
            typed[key] = value
    return typed


def solve(
    problem: InversionProblem,
    solver: str = DEFAULT,
    *,
    time_limit: float | None = None,
    options: dict | None = None,
) -> Verdict:
    """Decide ``problem`` with back end ``solver`` and its ``options`` (typed values, or
    strings that :func:`parse_options` converts). A back end that cannot take the problem
    raises :class:`InputError` with its refusal; a float back end on data beyond ``2^53``
    answers UNKNOWN with the reason (:mod:`reluhard.exactness`). On a problem with a planted
    latent, a latent found is reported with its residuals and latent error, whichever back
    end found it."""
    backend = get(solver)
    kwargs = parse_options(solver, options or {})
    smooth = float_only_reason(problem.network)
    if smooth:  # every back end encodes piecewise-linear layers and checks answers exactly
        raise InputError(None, None, f"solver '{solver}' cannot take it: {smooth}")
    refusal = backend.refusal(problem)
    if refusal:
        raise InputError(None, None, refusal)
    with one_float_check():  # a float MILP back end asks again before LP tightening
        inexact = float_refusal(problem) if backend.float_arithmetic else None
        if inexact:
            return Verdict(UNKNOWN, solver, reason=float_unknown_reason(solver, inexact))
        verdict = backend.solve(problem, time_limit=time_limit, **kwargs)
    if (
        problem.planted is not None
        and verdict.latent is not None
        and "residual_inf" not in verdict.stats
    ):
        z = np.array([float(v) for v in verdict.latent])
        verdict.stats.update(recovery.residuals(problem, z))
        err = recovery.latent_error(problem, z)
        if err is not None:
            verdict.stats["latent_error"] = err
    return verdict
