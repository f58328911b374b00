"""One LP in matrix form, solved by OR-Tools: ``min`` (or ``max``) ``cost x`` subject to
``row_lo <= A x <= row_hi`` and ``var_lo <= x <= var_hi``.

The model is filled through OR-Tools' matrix interface (``fill_model_from_sparse_data``: no
per-coefficient Python calls) and handed to GLOP or HiGHS (:data:`LP_SOLVERS`). The solver's
status is mapped to a few words (:class:`LPResult`). Which solver each of Lei's LPs uses by
default is decided in :mod:`reluhard.solvers.lp`, by measurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..fds import redirected
from ..lazy import lazy_module

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

#: the names users give (``lp_solver=...``) -> OR-Tools' solver names
LP_SOLVERS = {"glop": "glop", "highs": "highs_lp"}


@dataclass
class LPResult:
    """What one LP solve gave: ``status`` (``optimal``; ``feasible``: stopped by the time
    limit with a point; ``infeasible``, ``unbounded``, ``limit``: stopped without one;
    ``error``), the point ``x`` and its objective (both ``None`` without a point)."""

    status: str
    x: np.ndarray | None
    objective: float | None


def solve_lp(
    A,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    var_lo: np.ndarray,
    var_hi: np.ndarray,
    cost: np.ndarray | None = None,
    *,
    solver: str,
    maximize: bool = False,
    time_limit: float | None = None,
) -> LPResult:
    """``min`` (or ``max``) ``cost x`` subject to ``row_lo <= A x <= row_hi`` and
    ``var_lo <= x <= var_hi`` (``+-inf`` allowed; no ``cost``: a feasibility LP), by
    ``solver`` (a key of :data:`LP_SOLVERS`) through OR-Tools' matrix interface."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    if solver not in LP_SOLVERS:
        raise ValueError(f"unknown LP solver {solver!r} (known: {', '.join(LP_SOLVERS)})")
    n = len(var_lo)
    A = sp.csr_matrix(A, dtype=np.float64)
    # Any: the stub types each array as ``ndarray[float64, dtype[Any]]`` (the dtype where
    # the shape goes), which no array matches
    model: Any = mbh.ModelBuilderHelper()
    model.fill_model_from_sparse_data(
        np.asarray(var_lo, dtype=np.float64),
        np.asarray(var_hi, dtype=np.float64),
        np.zeros(n) if cost is None else np.asarray(cost, dtype=np.float64),
        np.asarray(row_lo, dtype=np.float64),
        np.asarray(row_hi, dtype=np.float64),
        A,
    )
    if maximize:
        model.set_maximize(True)
    engine = mbh.ModelSolverHelper(LP_SOLVERS[solver])
    if time_limit is not None:
        engine.set_time_limit_in_seconds(max(0.01, float(time_limit)))
    with redirected({1: None}):  # HiGHS prints a banner on stdout, where `s` lines go
        engine.solve(model)
    status = engine.status()
    S = mbh.SolveStatus
    if status in (S.OPTIMAL, S.FEASIBLE) and engine.has_solution():
        return LPResult(
            "optimal" if status == S.OPTIMAL else "feasible",  # feasible: stopped by the limit
            np.asarray(engine.variable_values(), dtype=np.float64),
            float(engine.objective_value()),
        )
    name = {S.INFEASIBLE: "infeasible", S.UNBOUNDED: "unbounded", S.NOT_SOLVED: "limit"}
    return LPResult(name.get(status, "error"), None, None)
