"""Gradient descent on ``f(z) = 1/2 ||G(z) - x||_2^2``, the baseline of Lei et al. (2019,
section 5: learning rate 1, at most 1000 iterations or until the gradient norm is at most
``1e-9``), and Algorithm 1 of the non-expansive-prior paper ([NEP], Cocola, arXiv
2204.13599, §3, from Huang et al. [21]): before each step, if ``f(-z) < f(z)`` (strict: a
tie keeps ``z``) move to ``-z``, which escapes the spurious critical point near
``-rho_d z*``; then a constant step ``z <- z - alpha v`` along a subgradient ``v``.

``f`` is piecewise smooth; the step uses the (Clarke) subgradient that takes a ReLU's
derivative as 0 at 0 (LeakyReLU: ``c``). A box domain is kept by projecting after each
step. The start is ``N(0, I_k)`` from option ``seed`` (``init=negated`` starts at
``-z* + 0.01 xi``, the spurious basin, for experiments; ``init=zero`` is refused with
UNKNOWN, since ``f(-0) = f(0)`` and ``G`` is flat at 0).

On a recovery file (:mod:`reluhard.measurements`) the defaults are Algorithm 1's: negation
on, ``lr=auto`` (``0.5 2^d`` for ``N(0, 1/n_i)`` weights, ``0.5`` for ``N(0, 2/n_i)``,
[NEP] Remarks 1-2), and the loss the problem names (``1/2 ||G_A(z) - b||^2`` for
compressed sensing, denoising and phase retrieval, whose ``|.|`` is in the network;
``1/4 ||G G^T - Y||_F^2`` for the spiked model, whose ``N(0, I)`` start is scaled so that
``||G(x_0)||^2 = lambda_1(Y)``: at the auto step, starts much larger than ``y*`` diverge).
Algorithm 1 has no stopping rule (erratum E3-6: "line 3-4" there means lines 2-3); this one
stops when the step ``alpha ||v||`` is at most ``step_tol max(1, ||z||)`` (scale-free,
unlike the gradient norm, which shrinks like ``2^{-d}``) or the gradient norm is at most
``tol`` (Lei's rule).
``restarts=R`` (the "practical variant" of [NEP]'s missing Appendix H) runs seeds
``seed .. seed+R-1`` and keeps the run with the lowest loss.

Like every back end, the result is a YES only if it passes the exact check of the
problem's query; otherwise ``UNKNOWN`` with the residual. Gradient descent never claims NO.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .. import measurements
from ..blas import single_threaded
from ..errors import InputError
from ..inversion import InversionProblem
from ..network import Network, forward
from ..options import Param, boolean, choice, count, positive
from .recovery import Attempt, judge
from .verdict import Verdict

SUMMARY = (
    "gradient descent on 1/2 ||G(z) - x||^2 (Lei's baseline); "
    "Algorithm 1 of the non-expansive-prior paper on recovery files"
)


def step(text: str) -> float | str:
    """A step size: a positive number, or ``auto`` (:func:`reluhard.measurements.auto_step`)."""
    return "auto" if text.strip().lower() == "auto" else positive(text)


step.__name__ = "step size (a positive number or auto)"

LOSSES = ("auto", "ls", "spiked")
INITS = ("normal", "negated", "zero")

OPTIONS = {
    "lr": Param(step, "step size; auto: 0.5 2^d on recovery files (N(0,1/n) weights), else 1",
                "auto"),
    "iterations": Param(count, "iteration limit (Lei: 1000)", 1000),
    "tol": Param(positive, "stop when the gradient norm is at most this (Lei: 1e-9)", 1e-9),
    "step_tol": Param(positive, "stop when the step is at most this times max(1, ||z||)", 1e-12),
    "negation": Param(boolean, "the negation check before each step (on for recovery files)"),
    "restarts": Param(count, "independent starts (seeds seed, seed+1, ...), lowest loss kept", 1),
    "loss": Param(choice(*LOSSES), "ls 1/2 ||G(z) - x||^2, spiked 1/4 ||GG^T - Y||_F^2; "
                  "auto: the file's", "auto"),
    "init": Param(choice(*INITS), "start: normal N(0, I) from seed, negated -z* + 0.01 xi, "
                  "zero", "normal"),
    "seed": Param(count, "seed of the N(0, I) starting point", 0),
}  # fmt: skip


def forward_keeping(net: Network, z: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """``G(z)`` and every layer's pre-activation (for :func:`backpropagate`); ``z`` is one
    latent ``(in,)`` or a batch ``(N, in)``, and the results have the same leading shape."""
    single = z.ndim == 1
    pres = []
    a = np.atleast_2d(z)
    for layer in net.layers:
        pre = layer.pre(a)
        pres.append(pre[0] if single else pre)
        a = layer.act(pre)
    return (a[0] if single else a), pres


def backpropagate(net: Network, pres: list[np.ndarray], g: np.ndarray) -> np.ndarray:
    """``J^T g`` for the Jacobian ``J`` of ``G`` at the point of ``pres`` (ReLU'(0) = 0,
    :meth:`reluhard.network.Layer.derivative`); for a batch, ``g`` and every ``pres`` entry
    have a leading axis ``N`` and row ``i`` of the result is ``J(z_i)^T g_i``."""
    for layer, pre in zip(reversed(net.layers), reversed(pres), strict=True):
        if layer.activation != "identity":
            g = g * layer.derivative(pre)
        if g.ndim == 1:
            g = np.asarray(layer.W.T @ g).reshape(-1)
        else:
            g = np.asarray(layer.W.T @ g.T).T
    return g


def objective_and_gradient(net: Network, z: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """``f(z) = 1/2 ||G(z) - x||^2`` and a subgradient (ReLU'(0) taken as 0).

    >>> import numpy as np
    >>> from reluhard.network import Layer, Network
    >>> net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    >>> objective_and_gradient(net, np.array([1.0, 2.0]), np.zeros(2))
    (2.5, array([1., 2.]))
    """
    a, pres = forward_keeping(net, z)
    r = a - x
    return 0.5 * float(r @ r), backpropagate(net, pres, r)


def _value(net: Network, z: np.ndarray, x: np.ndarray) -> float:
    r = forward(net, z) - x
    return 0.5 * float(r @ r)


def solve(
    problem: InversionProblem,
    *,
    time_limit: float | None = None,
    **options,
) -> Verdict:
    """Run (sub)gradient descent (:func:`descend`, ``options`` as it takes them) and judge
    the point it ends at exactly; on a recovery file the verdict also reports the signal
    error and its ratios (:func:`reluhard.measurements.recovery_stats`).

    >>> from reluhard.randomnet import random_problem
    >>> v = solve(random_problem([10, 100, 300], seed=2))
    >>> str(v.status), v.stats["latent_error"] < 1e-6
    ('INVERTIBLE', True)
    """
    t0 = time.perf_counter()
    attempt = descend(problem, time_limit=time_limit, **options)
    verdict = judge(problem, attempt.z, "gd", t0, attempt.stats, attempt.failure)
    if attempt.z is not None:
        verdict.stats.update(measurements.recovery_stats(problem, attempt.z))
    if attempt.z is not None and attempt.failure and verdict.status != "INVERTIBLE":
        verdict.reason = f"{attempt.failure}; {verdict.reason}"
    return verdict


Loss = tuple[Callable[[np.ndarray], tuple[float, np.ndarray]], Callable[[np.ndarray], float]]


def _loss(problem: InversionProblem, loss: str) -> Loss:
    """``(value and subgradient, value)`` of the loss ``loss`` names (``auto``: the file's)."""
    if loss == "auto":
        loss = "spiked" if measurements.params(problem).get("problem") == "spiked-wigner" else "ls"
    net = problem.network
    if loss == "ls":
        return _loss_for(net, problem.target)
    M = problem.extra.get(measurements.SPIKED)
    n = net.out_dim
    if M is None or M.shape != (n, n):
        raise InputError(
            None, None, f"loss=spiked needs the file's {n} x {n} matrix '{measurements.SPIKED}'"
        )
    spiked = measurements.spiked_objective_and_gradient
    return (lambda z: spiked(net, z, M)), (lambda z: measurements.spiked_value(net, z, M))


def _loss_for(net: Network, x: np.ndarray) -> Loss:
    """The least-squares loss ``1/2 ||G(z) - x||^2`` as a :data:`Loss` pair."""
    return (lambda z: objective_and_gradient(net, z, x)), (lambda z: _value(net, z, x))


def descend(
    problem: InversionProblem,
    *,
    time_limit: float | None = None,
    lr: float | str = "auto",
    iterations: int = 1000,
    tol: float = 1e-9,
    step_tol: float = 1e-12,
    negation: bool | None = None,
    restarts: int = 1,
    loss: str = "auto",
    init: str = "normal",
    seed: int = 0,
) -> Attempt:
    """(Sub)gradient descent from ``restarts`` seeded starts, keeping the lowest loss: the
    point it ends at and its statistics (no exact check; :func:`solve` adds it)."""
    if problem.domain.is_discrete:
        raise InputError(
            None,
            None,
            f"solver 'gd' searches real or box latents; the latent domain "
            f"{problem.domain.describe()} needs the MILP (--solver auto)",
        )
    if restarts < 1:
        raise InputError(None, None, "solver 'gd': restarts must be at least 1")
    if negation is None:
        negation = measurements.is_recovery(problem)
    fns = _loss(problem, loss)  # first: it checks the data the loss (and auto step) need
    alpha = measurements.auto_step(problem) if lr == "auto" else float(lr)
    stats: dict = {"iterations": 0, "grad_norm": float("inf"), "lr": alpha, "seed": seed}
    if init == "zero":
        return Attempt(None, stats, "", "start x0 = 0 refused: f(-0) = f(0) and G is flat at 0")
    if init == "negated" and problem.planted is None:
        return Attempt(None, stats, "", "init=negated needs the planted latent")
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    best: tuple | None = None
    for r in range(restarts):
        z0 = _start(problem, init, seed + r)
        if init == "normal" and _is_spiked(problem, loss):
            z0 = _spectral_scale(problem, z0)
        # one BLAS thread (reluhard.blas); divergence is reported, not warned about
        with single_threaded(), np.errstate(over="ignore", invalid="ignore"):
            run = _iterate(fns, z0, problem.domain.bounds(), alpha, iterations, tol, step_tol,
                           negation, deadline)  # fmt: skip
        f = fns[1](run[0]) if np.all(np.isfinite(run[0])) else float("inf")
        if best is None or f < best[0] or not np.isfinite(best[0]):
            best = (f, r, run)
        if deadline is not None and time.perf_counter() > deadline:
            break
    assert best is not None
    f, r, (z, it, gnorm, negations, failure) = best
    stats.update(iterations=it, grad_norm=gnorm, seed=seed + r, loss=f)
    if negation:
        stats["negations"] = negations
    if restarts > 1:
        stats["restarts"] = restarts
    if not np.all(np.isfinite(z)):
        return Attempt(None, stats, "", failure)
    return Attempt(z, stats, "", failure)


def _is_spiked(problem: InversionProblem, loss: str) -> bool:
    return loss == "spiked" or (
        loss == "auto" and measurements.params(problem).get("problem") == "spiked-wigner"
    )


def _spectral_scale(problem: InversionProblem, z: np.ndarray) -> np.ndarray:
    """``z`` scaled so that ``||G(z)||^2 = lambda_1(Y)`` (the quartic loss's curvature grows
    like ``||G(z)||^2``, so a start much larger than ``y*`` diverges at the auto step;
    ``G(t z) = t G(z)`` for ``t > 0`` keeps the direction and the activation pattern)."""
    size = float(np.linalg.norm(forward(problem.network, z)))
    top = float(np.linalg.eigvalsh(problem.extra[measurements.SPIKED])[-1])
    if size == 0 or top <= 0:
        return z
    return z * (np.sqrt(top) / size)


def _start(problem: InversionProblem, init: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(problem.n)
    if init == "negated":
        assert problem.planted is not None
        z = -problem.planted + 0.01 * z
    bounds = problem.domain.bounds()
    return z if bounds is None else np.clip(z, *bounds)


def _iterate(fns: Loss, z, bounds, lr, iterations, tol, step_tol, negation, deadline):
    fg, value = fns
    negations, it, gnorm = 0, 0, float("inf")
    failure = ""
    for it in range(1, iterations + 1):
        f, g = fg(z)
        if negation:
            neg = -z if bounds is None else np.clip(-z, *bounds)
            if value(neg) < f:  # strict: a tie keeps z (Algorithm 1, line 2)
                z = neg
                negations += 1
                f, g = fg(z)
        gnorm, znorm = float(np.linalg.norm(g)), float(np.linalg.norm(z))
        if not (np.isfinite(gnorm) and np.isfinite(f) and np.isfinite(znorm)):
            failure = f"diverged at iteration {it} (step size {lr:g} too large)"
            z = np.full_like(z, np.nan)
            break
        if gnorm <= tol or lr * gnorm <= step_tol * max(1.0, znorm):
            it -= 1
            break
        z = z - lr * g
        if bounds is not None:
            z = np.clip(z, *bounds)
        if not np.all(np.isfinite(z)):
            failure = f"diverged at iteration {it} (step size {lr:g} too large)"
            break
        if deadline is not None and time.perf_counter() > deadline:
            failure = "time limit"
            break
    return z, it, gnorm, negations, failure
