"""Inversion back ends behind one interface: ``solve(problem, *, time_limit=None) ->
Verdict`` (cf. PySAT's uniform solver interface).

``brute`` enumerates a discrete latent domain; ``cpsat``, ``scip`` and ``highs`` are the MILP
back ends of :mod:`reluhard.solvers.milp`; ``auto`` (the default) is CP-SAT where it applies
and SCIP elsewhere, chosen by measurement (``benchmarks/milp_vs_sat.py``).

The tractable side (Lei et al. 2019 and the non-expansive-prior paper) for real latents:
``lp``, ``linf-lp``, ``l1-lp``, ``lp-relax`` and ``layerwise``
(:mod:`reluhard.solvers.layerwise`, one layer at a time by linear programming) and ``gd``
(:mod:`reluhard.solvers.gd`). They take options (``options``; ``--solver-option KEY=VALUE``
on the command line), declared in :data:`OPTIONS`.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..errors import InputError
from ..inversion import InversionProblem
from ..options import Param, parse_values
from . import brute, gd, layerwise, milp, recovery
from .verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, Status, Verdict

__all__ = ["INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN", "Status", "Verdict", "NAMES", "solve"]

DEFAULT = "auto"
SUMMARIES = {
    "auto": "cpsat where it applies (integer network, discrete or two-valued latent), else scip",
    "cpsat": "OR-Tools CP-SAT: exact integer model, indicator constraints, any integer p",
    "scip": "SCIP through OR-Tools: big-M MILP with per-unit bounds, box/real latents, "
    "p >= 2 by outer-approximation cuts",
    "highs": "HiGHS through OR-Tools: the same MILP as scip",
    "brute": brute.SUMMARY,
    **layerwise.SUMMARIES,
    "gd": gd.SUMMARY,
}
NAMES = tuple(SUMMARIES)
#: the options each back end takes (``--solver-option KEY=VALUE``)
OPTIONS: dict[str, dict[str, Param]] = {**layerwise.OPTIONS, "gd": gd.OPTIONS}


def get(name: str):
    """The ``solve`` function of back end ``name``; :class:`InputError` if there is none."""
    if name == "brute":
        return brute.solve
    if name in ("auto", *milp.BACKENDS):
        return partial(milp.solve, solver=name)
    if name in layerwise.METHODS:
        return partial(layerwise.solve, method=name)
    if name == "gd":
        return gd.solve
    raise InputError(None, None, f"unknown solver '{name}' (known: {', '.join(NAMES)})")


def parse_options(name: str, raw: dict[str, str]) -> dict:
    """Typed options for back end ``name`` from ``KEY=VALUE`` strings (defaults filled in);
    unknown or ill-typed ones raise :class:`InputError`."""
    get(name)
    return parse_values(OPTIONS.get(name, {}), raw, f"solver '{name}'", "--solver-option")


def solve(
    problem: InversionProblem,
    solver: str = DEFAULT,
    *,
    time_limit: float | None = None,
    lp_tighten: float = 0.0,
    options: dict | None = None,
) -> Verdict:
    """Decide ``problem`` with back end ``solver``; ``lp_tighten`` seconds of LP bound
    tightening for the MILP back ends; ``options`` for the tractable ones (typed values, or
    strings that :func:`parse_options` converts). On a problem with a planted latent, a
    latent found is reported with its residuals and latent error, whichever back end found
    it."""
    fn = get(solver)
    kwargs = {}
    if options or solver in OPTIONS:
        raw = {k: v for k, v in (options or {}).items() if isinstance(v, str)}
        kwargs = parse_options(solver, raw)
        kwargs.update({k: v for k, v in (options or {}).items() if not isinstance(v, str)})
    if lp_tighten and solver in ("auto", *milp.BACKENDS):
        kwargs["lp_tighten"] = lp_tighten
    verdict = fn(problem, time_limit=time_limit, **kwargs)
    if (
        problem.planted is not None
        and verdict.latent is not None
        and "residual_inf" not in (verdict.stats)
    ):
        z = np.array([float(v) for v in verdict.latent])
        verdict.stats.update(recovery.residuals(problem, z))
        err = recovery.latent_error(problem, z)
        if err is not None:
            verdict.stats["latent_error"] = err
    return verdict
