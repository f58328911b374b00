"""Inversion back ends behind one interface: ``solve(problem, *, time_limit=None) ->
Verdict`` (cf. PySAT's uniform solver interface).

``brute`` enumerates a discrete latent domain; ``cpsat``, ``scip`` and ``highs`` are the MILP
back ends of :mod:`reluhard.solvers.milp`; ``auto`` (the default) is CP-SAT where it applies
and SCIP elsewhere, chosen by measurement (``benchmarks/milp_vs_sat.py``).
"""

from __future__ import annotations

from functools import partial

from ..errors import InputError
from ..inversion import InversionProblem
from . import brute, milp
from .verdict import INVERTIBLE, NOT_INVERTIBLE, SAT_STYLE, UNKNOWN, Verdict

__all__ = ["INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN", "SAT_STYLE", "Verdict", "NAMES", "solve"]

DEFAULT = "auto"
SUMMARIES = {
    "auto": "cpsat where it applies (integer network, discrete or two-valued latent), else scip",
    "cpsat": "OR-Tools CP-SAT: exact integer model, indicator constraints, any integer p",
    "scip": "SCIP through OR-Tools: big-M MILP with per-unit bounds, box/real latents, "
    "p >= 2 by outer-approximation cuts",
    "highs": "HiGHS through OR-Tools: the same MILP as scip",
    "brute": brute.SUMMARY,
}
NAMES = tuple(SUMMARIES)


def get(name: str):
    """The ``solve`` function of back end ``name``; :class:`InputError` if there is none."""
    if name == "brute":
        return brute.solve
    if name in ("auto", *milp.BACKENDS):
        return partial(milp.solve, solver=name)
    raise InputError(None, None, f"unknown solver '{name}' (known: {', '.join(NAMES)})")


def solve(
    problem: InversionProblem,
    solver: str = DEFAULT,
    *,
    time_limit: float | None = None,
    lp_tighten: float = 0.0,
) -> Verdict:
    """Decide ``problem`` with back end ``solver``; ``lp_tighten`` seconds of LP bound
    tightening for the MILP back ends."""
    if lp_tighten and solver != "brute":
        return get(solver)(problem, time_limit=time_limit, lp_tighten=lp_tighten)
    return get(solver)(problem, time_limit=time_limit)
