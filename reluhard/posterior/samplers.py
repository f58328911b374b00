"""Langevin samplers for a density ``p(z) ∝ exp(-u(z))``, run as ``N`` vectorised chains.

:func:`ula` is the unadjusted Langevin algorithm, the Euler-Maruyama discretisation of the
Langevin diffusion ``dz = -∇u(z) dt + √2 dB`` that Pareek and Risteski's encoder unrolls
(eqs. 2 and 11 of the paper, with ``u = L`` of eq. 3):

    z_{k+1} = z_k - h ∇u(z_k) + √(2h) ξ_k,    ξ_k ~ N(0, I_d).

Each step is one layer of a deep latent Gaussian with variance ``2h`` (Def. 2). Its
stationary law is biased by ``O(h)``: on ``N(μ, s²)`` it is ``N(μ, s²/(1 - h/(2s²)))``.
:func:`mala` (the Metropolis-adjusted Langevin algorithm, Roberts and Tweedie 1996) uses
the same step as a proposal and accepts it with the Metropolis-Hastings probability,
which removes that bias.

``u`` maps ``(N, d) -> (N,)``, ``grad_u`` maps ``(N, d) -> (N, d)``; ``z0`` is ``(N, d)``.
``on_step(k, Z)`` (``k = 1 .. steps``) is called after every step with the current states
(for traces and progress bars; it must not modify ``Z``).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> Z = ula(lambda z: z, np.zeros((20000, 1)), step=0.1, steps=200, rng=rng)
>>> bool(abs(Z.var() - 1 / (1 - 0.05)) < 0.05)
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Potential = Callable[[np.ndarray], np.ndarray]
OnStep = Callable[[int, np.ndarray], object]


def _check(z0: np.ndarray, step: float, steps: int) -> np.ndarray:
    Z = np.array(z0, dtype=np.float64)  # a copy: the caller's start is not moved
    if Z.ndim != 2:
        raise ValueError(f"z0 must have shape (chains, d), got {Z.shape}")
    if not (np.isfinite(step) and step > 0):
        raise ValueError(f"the step must be positive, got {step!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"the number of steps must be a non-negative integer, got {steps!r}")
    return Z


def ula(
    grad_u: Potential,
    z0: np.ndarray,
    *,
    step: float,
    steps: int,
    rng: np.random.Generator,
    on_step: OnStep | None = None,
) -> np.ndarray:
    """Run ``steps`` ULA steps ``z <- z - h ∇u(z) + √(2h) ξ`` (eqs. 2, 11 of Pareek and
    Risteski, ``h = step``) from the rows of ``z0``; returns the final states ``(N, d)``."""
    Z = _check(z0, step, steps)
    noise = np.sqrt(2.0 * step)
    for k in range(1, int(steps) + 1):
        Z = Z - step * grad_u(Z) + noise * rng.standard_normal(Z.shape)
        if on_step is not None:
            on_step(k, Z)
    return Z


def _log_q(to: np.ndarray, frm: np.ndarray, g_frm: np.ndarray, step: float) -> np.ndarray:
    """``log q(to | frm)`` up to a constant, for the proposal ``N(frm - h ∇u(frm), 2h I)``."""
    r = to - frm + step * g_frm
    return -np.einsum("ij,ij->i", r, r) / (4.0 * step)


def mala(
    u: Potential,
    grad_u: Potential,
    z0: np.ndarray,
    *,
    step: float,
    steps: int,
    rng: np.random.Generator,
    on_step: OnStep | None = None,
) -> tuple[np.ndarray, float]:
    """Run ``steps`` MALA steps from the rows of ``z0``: propose the ULA step of eqs. 2, 11
    (Pareek and Risteski), ``y = z - h ∇u(z) + √(2h) ξ``, and accept it with probability
    ``min(1, exp(u(z) - u(y)) q(z|y) / q(y|z))``. Returns the final states ``(N, d)`` and
    the acceptance rate over all chains and steps (``nan`` when ``steps = 0``)."""
    Z = _check(z0, step, steps)
    noise = np.sqrt(2.0 * step)
    uz, gz = u(Z), grad_u(Z)
    accepted = 0
    for k in range(1, int(steps) + 1):
        Y = Z - step * gz + noise * rng.standard_normal(Z.shape)
        uy, gy = u(Y), grad_u(Y)
        log_a = uz - uy + _log_q(Z, Y, gy, step) - _log_q(Y, Z, gz, step)
        acc = np.log(rng.random(Z.shape[0])) < log_a  # nan (overflow) rejects
        accepted += int(acc.sum())
        Z = np.where(acc[:, None], Y, Z)
        uz = np.where(acc, uy, uz)
        gz = np.where(acc[:, None], gy, gz)
        if on_step is not None:
            on_step(k, Z)
    rate = accepted / (int(steps) * Z.shape[0]) if steps and Z.shape[0] else float("nan")
    return Z, rate
