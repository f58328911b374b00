"""Judging the float point a back end ends with: the one repair ladder (:func:`repair`),
the residuals and latent error the tractable back ends report, and the exact check that
alone makes a point a YES.

Every float back end (the MILPs, ``lp``, ``layerwise``, ``gd``, ...) says ``INVERTIBLE`` only
when its point, or a repair of it, passes :func:`reluhard.inversion.check_latent` (rational
arithmetic) against the problem's own query. The ladder: on a discrete domain the point
rounded to the nearer of the two values; otherwise the point clipped to the domain's box,
then its rounding to nearby rationals (denominators up to ``2^20``, for pre-images like
``1/3`` that no float denotes). When nothing passes the verdict is ``UNKNOWN`` with the
point attached (``Verdict.point``), so that :func:`reluhard.pipeline.decide` can try the
last rung, which needs the reduction: decode the point to a source certificate, check it,
and encode it back to a latent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..inversion import InversionProblem, check_latent, float_down, float_up
from ..network import forward
from .verdict import INVERTIBLE, UNKNOWN, Verdict


@dataclass
class Attempt:
    """What a tractable back end ends with, before the exact check: the float latent ``z``
    (or ``None``), its statistics, a NOT_INVERTIBLE ``claim`` (a reason) where the back end
    can prove one, and otherwise why there is no ``z``."""

    z: np.ndarray | None
    stats: dict = field(default_factory=dict)
    claim: str = ""
    failure: str = ""


def nearby_rationals(z, max_denominator: int = 1 << 20) -> list[Fraction]:
    """Each coordinate of the float point ``z`` as the simplest nearby rational (denominator
    at most ``max_denominator``): the repair of a solver point whose exact pre-image, like
    ``1/3``, no float denotes.

    >>> nearby_rationals([0.3333333333333333, 0.5])
    [Fraction(1, 3), Fraction(1, 2)]
    """
    return [Fraction(float(v)).limit_denominator(max_denominator) for v in z]


#: above this many coordinates the nearby-rationals rung is skipped (its exact check is slow)
MAX_SNAP = 2000


@dataclass(frozen=True)
class Repaired:
    """What :func:`repair` made of a float point: the exact ``latent`` that passed (None if
    none did), ``how`` it was obtained, and each rung's failure reason."""

    latent: list[Fraction] | None
    how: str = ""
    failures: tuple[str, ...] = ()


def repair(problem: InversionProblem, z) -> Repaired:
    """The repair ladder of the module docstring, on the float point ``z``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    vals = problem.domain.values()
    if vals is not None:
        rungs: list[tuple[str, np.ndarray | list[Fraction]]] = [
            ("rounded", np.where(z > (vals[0] + vals[1]) / 2, vals[1], vals[0]))
        ]
    else:
        z = clip_to_domain(problem, z)
        rungs = [("as returned", z)]
        if z.size <= MAX_SNAP:
            rungs.append(("rounded to nearby rationals", nearby_rationals(z)))
    failures: list[str] = []
    for how, cand in rungs:
        check = check_latent(problem, cand)
        if check:
            values = cand.tolist() if isinstance(cand, np.ndarray) else cand
            return Repaired([Fraction(v) for v in values], how, tuple(failures))
        failures.append(f"{how}: {check.reason}")
    return Repaired(None, "", tuple(failures))


def residuals(problem: InversionProblem, z: np.ndarray) -> dict[str, float]:
    """``||G(z) - x||`` in the l_inf, l_2 and l_1 norms (floating point)."""
    r = forward(problem.network, np.asarray(z, dtype=np.float64)) - problem.target
    return {
        "residual_inf": float(np.max(np.abs(r), initial=0.0)),
        "residual_2": float(np.linalg.norm(r)),
        "residual_1": float(np.sum(np.abs(r))),
    }


def latent_error(problem: InversionProblem, z: np.ndarray) -> float | None:
    """``||z - z*||_2 / ||z*||_2`` against the planted latent, when the problem has one."""
    if problem.planted is None:
        return None
    ref = problem.planted
    return float(np.linalg.norm(np.asarray(z) - ref) / max(float(np.linalg.norm(ref)), 1e-300))


def clip_to_domain(problem: InversionProblem, z: np.ndarray) -> np.ndarray:
    """``z`` clipped to the domain's box, and to a spec's input box (rounded inward)."""
    bounds = problem.domain.bounds()
    z = np.asarray(z, dtype=np.float64)
    z = z if bounds is None else np.clip(z, *bounds)
    spec = problem.query.spec
    if spec is not None:
        lo = np.array([float_up(a) for a, _ in spec.box])
        hi = np.array([float_down(b) for _, b in spec.box])
        z = np.minimum(np.maximum(z, lo), hi)
    return z


def judge(
    problem: InversionProblem,
    z: np.ndarray | None,
    solver: str,
    t0: float,
    stats: dict,
    why_none: str = "",
) -> Verdict:
    """The verdict on point ``z`` (``None``: the back end found none, ``why_none`` says
    why), with the residuals and latent error in ``stats``."""
    if z is None:
        return Verdict(UNKNOWN, solver, None, why_none, time.perf_counter() - t0, stats)
    z = clip_to_domain(problem, z)
    stats.update(residuals(problem, z))
    err = latent_error(problem, z)
    if err is not None:
        stats["latent_error"] = err
    fixed = repair(problem, z)
    stats["checked"] = fixed.latent is not None
    if fixed.latent is not None:
        how = "" if fixed.how == "as returned" else f"latent {fixed.how}, "
        reason = f"{how}verified exactly"
        return Verdict(INVERTIBLE, solver, fixed.latent, reason, time.perf_counter() - t0, stats)
    why = fixed.failures[0].split(": ", 1)[1]
    return Verdict(UNKNOWN, solver, None, f"point found, but {why}",
                   time.perf_counter() - t0, stats, point=z)  # fmt: skip


def summary_lines(verdict: Verdict) -> list[str]:
    """Human lines (without the ``c`` prefix) for the residuals and latent error a
    tractable back end reported; empty for the others."""
    s = verdict.stats
    lines = []
    if "residual_inf" in s:
        lines.append(
            f"residual ||G(z) - x||: inf {s['residual_inf']:.3e}, 2 {s['residual_2']:.3e}, "
            f"1 {s['residual_1']:.3e}"
        )
    if "latent_error" in s:
        lines.append(f"latent error ||z - z*||_2 / ||z*||_2 = {s['latent_error']:.3e}")
    for layer in s.get("layers", []):
        parts = [f"layer {layer['layer']}: {layer['method']} {layer['status']}"]
        if "eps" in layer:
            parts.append(f"eps {layer['eps']:.3g}")
        if "objective" in layer:
            parts.append(f"objective {layer['objective']:.3g}")
        if layer.get("unique"):
            parts.append("unique")
        if layer.get("presolved"):
            parts.append(f"{layer['presolved']} LP(s) answered by the certified least squares")
        parts.append(f"{layer['lps']} LP(s) solved, {layer['time']:.3f} s")
        lines.append(", ".join(parts))
    if "iterations" in s:
        lines.append(
            f"{s['iterations']} iterations, final gradient norm {s['grad_norm']:.3e}"
            + (f", {s['negations']} negations" if "negations" in s else "")
            + (f", best of {s['restarts']} restarts" if "restarts" in s else "")
        )
    return lines + signal_lines(s)


def signal_lines(s: dict) -> list[str]:
    """The recovery statistics of :func:`reluhard.measurements.recovery_stats`."""
    if "signal_error" not in s:
        return []
    line = f"signal error ||G(z) - y*||_2 = {s['signal_error']:.3e}"
    if "error_over_noise" in s:
        line += f", / ||eta|| ({s['noise_norm']:.3e}) = {s['error_over_noise']:.3f}"
    if "error_over_prediction" in s:
        line += (
            f", / (||eta|| sqrt(k/(m-k-1)) = {s['ls_prediction']:.3f} ||eta||) "
            f"= {s['error_over_prediction']:.3f}"
        )
    lines = [line]
    if "spiked_error" in s:
        lines.append(
            f"spiked error ||G G^T - y* y*^T||_F = {s['spiked_error']:.3e} "
            f"(nu sqrt(k log n / n) = {s['spiked_prediction']:.3e})"
        )
    return lines
