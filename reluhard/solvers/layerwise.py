"""Layer-wise inversion, one layer at a time from the output back (Lei et al. 2019,
Thm 3 for the realizable case, Thms 4-5 for the noisy one): the back ends ``lp``,
``linf-lp``, ``l1-lp``, ``lp-relax`` and ``layerwise``.

Each back end inverts the last layer against the target with its single-layer LP
(:mod:`reluhard.solvers.lp`), takes the result as the observation of the layer below, and so
on down to the latent. A hidden observation that a ReLU layer produced is bounded below by 0
in the LP of the layer that produced it (it *is* a ReLU output); the latent gets the domain's
bounds (a box, or a real domain's w.l.o.g. box), none for a plain real domain. Discrete
latents are refused: an LP cannot keep a coordinate in ``{0, 1}`` (use the MILP).

- ``lp``: Lei eq. (4) at every layer: exact inversion of a realizable target.
- ``linf-lp`` / ``l1-lp`` / ``lp-relax``: Algorithms 1 / 2 / 3 at every layer.
- ``layerwise``: eq. (4) at each layer, and where it is infeasible (noise) that layer's
  noisy LP: l_inf (Alg. 1) for an l_inf or exact query, l_1 (Alg. 2) otherwise (option
  ``noisy``).

On a recovery file (:mod:`reluhard.measurements`) with a measurement layer ``A`` (``m < n``)
every method answers UNKNOWN: an underdetermined linear layer has no unique pre-image to
hand down, and the answer is never NO.

``eps``, the noise guess the algorithms start from, is taken from the query at the output
layer (``delta`` for l_inf; ``delta / n^(1/p)``, the per-coordinate share, for a finite
``p``; ``1e-12 max(1, ||x||_inf)`` for an exact query; option ``eps0`` overrides) and, at each
layer below, from the ``eps`` the layer above ended with: noise only grows going down. The
relaxation (Alg. 3) starts a decade below that guess, because its point is off by about
``eps`` itself (its rows are ``w_j h <= y_j + eps``, met with equality where the unit is on).

Verdicts: ``INVERTIBLE`` only when the final latent passes the exact check of the problem's
query. ``NOT_INVERTIBLE`` is claimed in two cases where the LP's infeasibility is a proof
(up to the LP solver's floating-point tolerance, like the MILP's): eq. (4) infeasible for an
exact query at a layer whose every later layer had a unique pre-image (so every preimage of
``x`` passes through the observations used), and ``linf-lp`` infeasible at the output layer
of an l_inf query (whose constraint set at the known ``eps = delta`` is exactly the
pre-image of the ball). Everything else that fails is ``UNKNOWN``, with the residuals.
"""

from __future__ import annotations

import time

import numpy as np

from .. import measurements
from ..blas import single_threaded
from ..errors import InputError
from ..inversion import InversionProblem
from ..options import Param, boolean, choice, positive
from . import lp
from .lp_model import LP_SOLVERS
from .recovery import Attempt, judge
from .verdict import NOT_INVERTIBLE, UNKNOWN, Verdict

METHODS = ("lp", "linf-lp", "l1-lp", "lp-relax", "layerwise")
SUMMARIES = {
    "lp": "Lei eq. (4) layer by layer: exact inversion of a realizable target (GLOP LP)",
    "linf-lp": "Lei Alg. 1 layer by layer: l_inf LP, eps grown until feasible",
    "l1-lp": "Lei Alg. 2 layer by layer: l_1 LP, eps grown while the residual falls",
    "lp-relax": "Lei Alg. 3 layer by layer: the LP relaxation of the ReLU configuration",
    "layerwise": "eq. (4) at each layer, the l_inf or l_1 LP where noise makes it infeasible",
}


def _growth(text: str) -> float:
    v = positive(text)
    if v <= 1:
        raise ValueError(f"must be > 1, got {v}")
    return v


_growth.__name__ = "growth factor > 1"

COMMON = {
    "lp_solver": Param(
        choice(*LP_SOLVERS),
        "OR-Tools LP solver: glop or highs (default: by measurement, highs for the l_1 LP)",
    ),
    "presolve": Param(boolean, "try the certified least-squares point first", True),
    "alpha": Param(_growth, "growth factor of eps (Lei: 1.2)", lp.DEFAULT_ALPHA),
    "eps0": Param(positive, "starting eps at the output layer (default: from the query)"),
}
OPTIONS = {
    "lp": {"lp_solver": COMMON["lp_solver"], "presolve": COMMON["presolve"]},
    "linf-lp": COMMON,
    "l1-lp": COMMON,
    "lp-relax": {k: v for k, v in COMMON.items() if k != "presolve"},  # nothing to presolve
    "layerwise": {
        **COMMON,
        "noisy": Param(
            choice("linf", "l1"), "noisy LP where eq. (4) is infeasible (default: by the query)"
        ),
    },
}


def solve(
    problem: InversionProblem,
    *,
    method: str = "layerwise",
    time_limit: float | None = None,
    **options,
) -> Verdict:
    """Invert ``problem`` layer by layer with ``method`` (one of :data:`METHODS`), and judge
    the point exactly (:func:`reluhard.solvers.recovery.judge`); ``options`` as
    :func:`recover` takes them.

    >>> from reluhard.randomnet import random_problem
    >>> v = solve(random_problem([20, 100, 500], seed=3), method="lp")
    >>> str(v.status), v.stats["latent_error"] < 1e-6
    ('INVERTIBLE', True)
    """
    t0 = time.perf_counter()
    under = underdetermined_layer(problem)
    if under is not None:
        return Verdict(UNKNOWN, method, None,
                       f"underdetermined linear layer {under} (fewer rows than columns, e.g. "
                       "a measurement layer): the layer-wise LPs cannot invert it",
                       time.perf_counter() - t0)  # fmt: skip
    attempt = recover(problem, method=method, time_limit=time_limit, **options)
    if attempt.claim:
        return Verdict(
            NOT_INVERTIBLE, method, None, attempt.claim, time.perf_counter() - t0, attempt.stats
        )
    return judge(problem, attempt.z, method, t0, attempt.stats, attempt.failure)


def underdetermined_layer(problem: InversionProblem) -> int | None:
    """The (1-based) index of the last linear layer with fewer rows than columns (a
    compressed-sensing measurement ``A``, :mod:`reluhard.measurements`), or None: its
    pre-image is an affine subspace, which no layer-by-layer LP point stands for. Only
    recovery files are asked (elsewhere the LP's point may still pass the exact check)."""
    if not measurements.is_recovery(problem):
        return None
    for i in range(len(problem.network.layers), 0, -1):
        layer = problem.network.layers[i - 1]
        if layer.activation == "identity" and layer.shape[0] < layer.shape[1]:
            return i
    return None


def recover(problem: InversionProblem, **options) -> Attempt:
    """The floating-point latent that ``method`` finds, layer by layer, with per-layer
    statistics, or the reason it found none (and a NOT_INVERTIBLE ``claim`` where the
    module docstring allows one). No exact check: :func:`solve` adds it; benchmarks that
    measure recovery call this directly. Options: ``method``, ``time_limit``, ``lp_solver``
    (default: GLOP, HiGHS for the l_1 LP), ``alpha``, ``eps0``, ``noisy``, ``presolve``."""
    with single_threaded():
        return _recover(problem, **options)


def _recover(
    problem: InversionProblem,
    *,
    method: str = "layerwise",
    time_limit: float | None = None,
    lp_solver: str | None = None,
    alpha: float = lp.DEFAULT_ALPHA,
    eps0: float | None = None,
    noisy: str | None = None,
    presolve: bool = True,
) -> Attempt:
    if method not in METHODS:
        raise ValueError(f"unknown layer-wise method {method!r}")
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    if problem.domain.is_discrete:
        raise InputError(
            None,
            None,
            f"solver '{method}' inverts real or box latents; the latent domain "
            f"{problem.domain.describe()} needs the MILP (--solver auto)",
        )
    q = problem.query
    layers = problem.network.layers
    y = problem.target
    eps = eps0 if eps0 is not None else _eps_from_query(problem)
    if noisy is None:
        noisy = "l1" if q.kind == "approx" and q.p != "inf" else "linf"
    stats: dict = {"method": method, "layers": [], "lp_solver": lp_solver or "default"}
    all_unique = True
    for i in range(len(layers) - 1, -1, -1):
        lo, hi = _input_bounds(problem, i)
        last = i == len(layers) - 1
        step = _step(
            method, layers[i], y, lo, hi, eps, alpha, lp_solver, deadline, last, q, noisy,
            all_unique, presolve,
        )  # fmt: skip
        stats["layers"].append({"layer": i + 1, **step.to_json()})
        stats["lp_solves"] = sum(s["lps"] for s in stats["layers"])
        if step.h is None:
            claim = _no_claim(step, q, last, all_unique, i + 1)
            return Attempt(None, stats, claim, f"layer {i + 1}: {step.method} LP {step.status}")
        all_unique = all_unique and step.unique
        if step.eps is not None:
            eps = max(eps, step.eps)
        y = step.h
        if deadline is not None and time.perf_counter() > deadline and i > 0:
            return Attempt(None, stats, "", "time limit")
    return Attempt(y, stats)


def _step(
    method, layer, y, lo, hi, eps, alpha, solver, deadline, last, q, noisy, all_unique, presolve
) -> lp.Step:
    left = None if deadline is None else max(0.01, deadline - time.perf_counter())
    glop = solver or lp.DEFAULT_LP
    if method in ("lp", "layerwise"):
        step = lp.exact_step(layer, y, lo, hi, solver=glop, time_limit=left, presolve=presolve)
        if method == "lp" or step.h is not None or step.status != "infeasible":
            return step
        method = "linf-lp" if noisy == "linf" else "l1-lp"
        if q.kind == "exact" and all_unique:
            return step  # a proof that no latent maps exactly to x: nothing to look for
    if method == "linf-lp":
        known = last and q.kind == "approx" and q.p == "inf"
        return lp.linf_step(
            layer, y, lo, hi, eps=eps, alpha=alpha, known=known, solver=glop, deadline=deadline,
            presolve=presolve,
        )  # fmt: skip
    if method == "l1-lp":
        return lp.l1_step(
            layer, y, lo, hi, eps=eps, alpha=alpha, solver=solver or lp.DEFAULT_L1_LP,
            deadline=deadline, presolve=presolve,
        )  # fmt: skip
    # the relaxation's point is off by about eps itself: start a decade lower
    return lp.relax_step(
        layer, y, lo, hi, eps=eps * 0.1, alpha=alpha, solver=glop, deadline=deadline
    )


def _no_claim(step: lp.Step, q, last: bool, all_unique: bool, layer: int) -> str:
    """The reason the failed ``step`` proves there is no latent, or ``""``."""
    if step.status != "infeasible":
        return ""
    if step.method == "eq4" and q.kind == "exact" and all_unique:
        later = "" if last else " (every later layer's pre-image a single point)"
        return (
            f"LP (4) infeasible at layer {layer}{later}: no latent maps exactly to x "
            "(a floating-point LP claim)"
        )
    if step.method == "linf-lp" and last and q.kind == "approx" and q.p == "inf":
        return (
            f"the l_inf LP at eps = {q.delta:g} is infeasible: no latent is that close to x "
            "(a floating-point LP claim)"
        )
    return ""


def _eps_from_query(problem: InversionProblem) -> float:
    q = problem.query
    floor = 1e-12 * max(1.0, float(np.max(np.abs(problem.target), initial=0.0)))
    if q.kind == "exact":
        return floor
    assert q.delta is not None and q.p is not None  # an approximate query has both
    if q.p == "inf":
        return max(floor, float(q.delta))
    return max(floor, float(q.delta) / problem.network.out_dim ** (1.0 / int(q.p)))


def _input_bounds(problem: InversionProblem, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on the input of layer ``i`` (0-based): the latent's domain for the first,
    ``>= 0`` below a ReLU layer, free otherwise."""
    n = problem.network.layers[i].shape[1]
    if i == 0:
        b = problem.domain.bounds()
        if b is None:
            return np.full(n, -np.inf), np.full(n, np.inf)
        return np.full(n, b[0]), np.full(n, b[1])
    below = problem.network.layers[i - 1].activation
    lo = 0.0 if below == "relu" else -np.inf
    return np.full(n, lo), np.full(n, np.inf)
