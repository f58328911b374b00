"""The back-end table: every inversion back end as one :class:`Backend` record (name,
summary, options, solve, and why it refuses a problem), cf. PySAT's uniform solver
interface and CVXPY's solver capability flags.

``auto`` (the default) is a policy over the table: ``sat`` (CaDiCaL on the network's CNF)
where that CNF is clauses only (integer network, discrete or provably two-valued latent,
every row a clause: the SAT reductions), else CP-SAT where it applies, SCIP elsewhere;
chosen by measurement (``benchmarks/milp_vs_sat.py``, ``benchmarks/sat_backend.py``).

>>> list(BACKENDS)[:4]
['auto', 'cpsat', 'scip', 'highs']
>>> from reluhard.randomnet import random_problem
>>> BACKENDS["brute"].refusal(random_problem([2, 3], seed=0))
"solver 'brute' needs a sign or binary latent domain, not 'real'"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from ..errors import InputError
from ..inversion import InversionProblem
from ..options import Param
from . import brute, gd, layerwise, milp, sat
from .milp.adapters import ADAPTERS, CpSat
from .verdict import Verdict

AUTO = "auto"
AUTO_SUMMARY = (
    "sat where the network's CNF is clauses only (the SAT reductions), else cpsat "
    "where it applies (integer network, two-valued latent), else scip"
)


@dataclass(frozen=True)
class Backend:
    """One inversion back end: ``solve(problem, *, time_limit, **options) -> Verdict``;
    ``options`` the ``--solver-option`` keys it takes; ``refusal(problem)`` the one-line
    reason it cannot take ``problem``, or None (a cheap structural check: a back end may
    still refuse in ``solve`` for reasons only its presolve finds). ``float_arithmetic``:
    the back end computes in float64, so :func:`reluhard.solvers.solve` answers UNKNOWN
    where :func:`reluhard.exactness.float_refusal` finds data beyond ``2^53`` (``auto``
    makes that choice itself, :func:`.milp.solve`)."""

    name: str
    summary: str
    solve: Callable[..., Verdict]
    refusal: Callable[[InversionProblem], str | None]
    options: Mapping[str, Param] = field(default_factory=dict)
    float_arithmetic: bool = False


def _discrete_only(name: str) -> Callable[[InversionProblem], str | None]:
    def refusal(problem: InversionProblem) -> str | None:
        if problem.domain.is_discrete:
            if name == "brute" and problem.n > brute.MAX_N:
                return f"solver 'brute' enumerates 2^n latents; n = {problem.n} > {brute.MAX_N}"
            return None
        return f"solver '{name}' needs a sign or binary latent domain, not '{problem.domain.kind}'"

    return refusal


def _real_only(name: str, verb: str) -> Callable[[InversionProblem], str | None]:
    def refusal(problem: InversionProblem) -> str | None:
        if not problem.domain.is_discrete:
            return None
        return (
            f"solver '{name}' {verb} real or box latents; the latent domain "
            f"{problem.domain.describe()} needs the MILP (--solver auto)"
        )

    return refusal


def _no_spec(name: str, refusal: Callable[[InversionProblem], str | None]):
    """``refusal``, and a refusal of VNN-LIB spec queries (only the MILP states them)."""

    def refuse(problem: InversionProblem) -> str | None:
        if problem.query.kind == "spec":
            return (
                f"solver '{name}' does not take VNN-LIB specifications; "
                "the MILP back ends do (auto, cpsat, scip, highs)"
            )
        return refusal(problem)

    return refuse


MILP_SUMMARIES = {
    AUTO: AUTO_SUMMARY,
    "cpsat": "OR-Tools CP-SAT: exact integer model, indicator constraints, any integer p",
    "scip": "SCIP through OR-Tools: big-M MILP with per-unit bounds, box/real latents, "
    "p >= 2 by outer-approximation cuts",
    "highs": "HiGHS through OR-Tools: the same MILP as scip",
}


def _milp_refusal(name: str) -> Callable[[InversionProblem], str | None]:
    def refusal(problem: InversionProblem) -> str | None:
        if problem.domain.bounds() is None:
            return (
                "the latent domain is R^n with no stated box; the MILP "
                "needs finite bounds (state a w.l.o.g. box in the network file)"
            )
        if name == "cpsat":
            return CpSat.refusal(problem, None) or None
        return None

    return refusal


def _milp(name: str) -> Backend:
    return Backend(
        name,
        MILP_SUMMARIES[name],
        partial(milp.solve, solver=name),
        _milp_refusal(name),
        milp.OPTIONS,
        float_arithmetic=not ADAPTERS[name].integral,
    )


def _auto(problem: InversionProblem, *, time_limit: float | None = None, **options) -> Verdict:
    """The ``auto`` policy: ``sat`` wherever it takes the problem and its CNF is clauses
    only (the SAT reductions: there it is within a few ms of CaDiCaL,
    ``benchmarks/sat_backend.py``; where pseudo-Boolean rows are needed, on the graph and
    CVP networks, CP-SAT was 5-500x faster), else the MILP's own choice (cpsat, else
    scip); each gets the options it declares."""
    if problem.query.kind != "spec" and sat.refusal(problem) is None:
        try:
            kw = _only(sat.OPTIONS, options)
            return sat.solve(problem, time_limit=time_limit, clauses_only=True, **kw)
        except InputError:
            pass  # presolve does not show the latent two-valued, or the encoding is too big
    return milp.solve(problem, solver=AUTO, time_limit=time_limit, **_only(milp.OPTIONS, options))


def _only(spec: Mapping[str, Param], options: dict) -> dict:
    return {k: v for k, v in options.items() if k in spec}


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        # no "proof" option: auto's --certify proves the source, as before
        Backend(AUTO, AUTO_SUMMARY, _auto, _milp_refusal(AUTO), milp.OPTIONS),
        _milp("cpsat"),
        _milp("scip"),
        _milp("highs"),
        Backend(sat.NAME, sat.SUMMARY, sat.solve, _no_spec(sat.NAME, sat.refusal), sat.OPTIONS),
        Backend("brute", brute.SUMMARY, brute.solve, _no_spec("brute", _discrete_only("brute"))),
        *(
            Backend(
                m,
                layerwise.SUMMARIES[m],
                partial(layerwise.solve, method=m),
                _no_spec(m, _real_only(m, "inverts")),
                layerwise.OPTIONS.get(m, {}),
                float_arithmetic=True,
            )
            for m in layerwise.METHODS
        ),
        Backend(
            "gd",
            gd.SUMMARY,
            gd.solve,
            _no_spec("gd", _real_only("gd", "searches")),
            gd.OPTIONS,
            float_arithmetic=True,
        ),
    )
}
NAMES = tuple(BACKENDS)
