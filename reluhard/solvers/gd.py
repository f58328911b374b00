"""Gradient descent on ``f(z) = 1/2 ||G(z) - x||_2^2``, the baseline of Lei et al. (2019,
section 5: learning rate 1, at most 1000 iterations or until the gradient norm is at most
``1e-9``), with the negation check of the non-expansive-prior paper (Algorithm 1 there:
before each step, if ``f(-z) < f(z)`` move to ``-z``, which escapes the spurious critical
point near ``-rho_d z*``).

``f`` is piecewise smooth; the step uses the (Clarke) subgradient that takes a ReLU's
derivative as 0 at 0 (LeakyReLU: ``c``). A box domain is kept by projecting after each
step. The start is ``N(0, I_k)`` from option ``seed``. Like every back end, the result is a
YES only if it passes the exact check of the problem's query; otherwise ``UNKNOWN`` with the
residual. Gradient descent never claims NO.
"""

from __future__ import annotations

import time

import numpy as np

from ..blas import single_threaded
from ..errors import InputError
from ..inversion import InversionProblem
from ..network import Network, forward
from ..options import Param, boolean, count, positive
from .recovery import Attempt, judge
from .verdict import Verdict

SUMMARY = "gradient descent on 1/2 ||G(z) - x||^2 (Lei's baseline), negation check optional"


OPTIONS = {
    "lr": Param(positive, "step size (Lei: 1)", 1.0),
    "iterations": Param(count, "iteration limit (Lei: 1000)", 1000),
    "tol": Param(positive, "stop when the gradient norm is at most this (Lei: 1e-9)", 1e-9),
    "negation": Param(boolean, "the negation check before each step", False),
    "seed": Param(count, "seed of the N(0, I) starting point", 0),
}


def objective_and_gradient(net: Network, z: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """``f(z) = 1/2 ||G(z) - x||^2`` and a subgradient (ReLU'(0) taken as 0).

    >>> import numpy as np
    >>> from reluhard.network import Layer, Network
    >>> net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    >>> objective_and_gradient(net, np.array([1.0, 2.0]), np.zeros(2))
    (2.5, array([1., 2.]))
    """
    pres = []
    a = z
    for layer in net.layers:
        pre = layer.pre(a[None, :])[0]
        pres.append(pre)
        a = layer.act(pre)
    r = a - x
    g = r
    for layer, pre in zip(reversed(net.layers), reversed(pres), strict=True):
        if layer.activation == "relu":
            g = g * (pre > 0)
        elif layer.activation == "leaky_relu":
            g = g * np.where(pre > 0, 1.0, layer.slope)
        g = np.asarray(layer.W.T @ g).reshape(-1)
    return 0.5 * float(r @ r), g


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
    the point it ends at exactly.

    >>> from reluhard.randomnet import random_problem
    >>> v = solve(random_problem([10, 100, 300], seed=2))
    >>> str(v.status), v.stats["latent_error"] < 1e-6
    ('INVERTIBLE', True)
    """
    t0 = time.perf_counter()
    attempt = descend(problem, time_limit=time_limit, **options)
    verdict = judge(problem, attempt.z, "gd", t0, attempt.stats, attempt.failure)
    if attempt.z is not None and attempt.failure and verdict.status != "INVERTIBLE":
        verdict.reason = f"{attempt.failure}; {verdict.reason}"
    return verdict


def descend(
    problem: InversionProblem,
    *,
    time_limit: float | None = None,
    lr: float = 1.0,
    iterations: int = 1000,
    tol: float = 1e-9,
    negation: bool = False,
    seed: int = 0,
) -> Attempt:
    """Gradient descent from a seeded ``N(0, I)`` start: the point it ends at and its
    statistics (no exact check; :func:`solve` adds it)."""
    if problem.domain.is_discrete:
        raise InputError(
            None,
            None,
            f"solver 'gd' searches real or box latents; the latent domain "
            f"{problem.domain.describe()} needs the MILP (--solver auto)",
        )
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    net, x = problem.network, problem.target
    bounds = problem.domain.bounds()
    z = np.random.default_rng(seed).standard_normal(problem.n)
    if bounds is not None:
        z = np.clip(z, *bounds)
    # one BLAS thread (reluhard.blas); divergence is reported, not warned about
    with single_threaded(), np.errstate(over="ignore", invalid="ignore"):
        z, it, gnorm, negations, failure = _iterate(
            net, x, z, bounds, lr, iterations, tol, negation, deadline
        )
    stats: dict = {"iterations": it, "grad_norm": gnorm, "lr": lr, "seed": seed}
    if negation:
        stats["negations"] = negations
    if not np.all(np.isfinite(z)):
        return Attempt(None, stats, "", failure)
    return Attempt(z, stats, "", failure)


def _iterate(net, x, z, bounds, lr, iterations, tol, negation, deadline):
    negations, it, gnorm = 0, 0, float("inf")
    failure = ""
    for it in range(1, iterations + 1):
        if negation:
            f, g = objective_and_gradient(net, z, x)
            neg = -z if bounds is None else np.clip(-z, *bounds)
            if _value(net, neg, x) < f:
                z = neg
                negations += 1
                f, g = objective_and_gradient(net, z, x)
        else:
            f, g = objective_and_gradient(net, z, x)
        gnorm = float(np.linalg.norm(g))
        if gnorm <= tol:
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
