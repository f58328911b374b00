"""PAR-2, the SAT competitions' score: the time to solve, and twice the time limit otherwise.

A run *solves* its instance when its answer stands: SAT with a model that checks, or UNSAT,
within the time limit, and the cross-check found no failure of that runner on that instance
(an UNSAT claim that no certificate contradicts counts, as in the competitions, where
unproved UNSAT answers were scored until a checker said otherwise). Everything else scores
``2 * time_limit``: TIMEOUT and UNKNOWN, and also every failure (crash, wrong model, wrong
verdict, rejected proof). The competitions disqualify a solver for a wrong answer instead;
here the failures are listed beside the score, which stays comparable across runners.

``par2`` is the sum over the instances (lower is better), ``par2_mean`` the mean per
instance. Without a time limit there is no PAR-2 (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import runners
from .run import Result, Run


def solved(res: Result, run: Run, time_limit: float | None) -> bool:
    """Whether ``run`` (one of ``res.runs``) solved its instance (see the module)."""
    if run.verdict == runners.SAT:
        ok = run.model_check == "PASS"
    else:
        ok = run.verdict == runners.UNSAT
    if time_limit is not None and run.time > time_limit:
        return False
    return ok and not any(f.runner == run.runner for f in res.failures)


def run_score(res: Result, run: Run, time_limit: float | None) -> float | None:
    """The run's PAR-2 contribution: its time when solved, else ``2 * time_limit``."""
    if time_limit is None:
        return None
    return run.time if solved(res, run, time_limit) else 2.0 * time_limit


def par2(results: Sequence[Result], runner: str, time_limit: float | None) -> dict:
    """``{"solved", "par2", "par2_mean"}`` of ``runner`` over ``results``."""
    runs = [(res, r) for res in results for r in res.runs if r.runner == runner]
    n = sum(solved(res, r, time_limit) for res, r in runs)
    if time_limit is None:
        return {"solved": n, "par2": None, "par2_mean": None}
    total = sum(run_score(res, r, time_limit) or 0.0 for res, r in runs)
    return {"solved": n, "par2": total, "par2_mean": total / len(runs) if runs else None}


def solve_times(results: Sequence[Result], runner: str, time_limit: float | None) -> list[float]:
    """The times of ``runner``'s solved runs, ascending: one cactus-plot line."""
    return sorted(
        r.time
        for res in results
        for r in res.runs
        if r.runner == runner and solved(res, r, time_limit)
    )
