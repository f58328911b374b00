"""Pareek and Risteski's Theorem 1 encoder, run: the GD phase (Lemma 1, :mod:`.gd`) from
0 to the inverse point ``ẑ``, then ``K`` Langevin steps (eqs. 2, 11, :mod:`.samplers`) on
``N`` chains started at the GD point, on the potential ``L`` of eq. 3 (:mod:`.loss`).

It reports what the theorem's proof is about: the GD steps taken against eq. 20's ``S``
(:mod:`.constants`), and the fraction of chains that ever left the region
``D = {||z - ẑ|| <= rad(D)}`` of Lemma 3 (which bounds it by ``ε/4`` when ``β <= β_0``).
The default step is ``h = 0.1 λ_min(Σ)``, ``Σ = (I + J^T J/β²)^{-1}`` the covariance of the
Laplace approximation at ``ẑ`` (eq. 57), the scale of the posterior's narrowest direction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..network import Network
from . import constants as C
from . import gd, samplers
from .loss import potential

SAMPLERS = ("ula", "mala")
DEFAULT_STEP_FACTOR = 0.1
DEFAULT_STEPS = 1000
DEFAULT_CHAINS = 1000


@dataclass(frozen=True)
class Encoding:
    """The encoder's output: ``samples`` ``(N, d)``, the GD point ``zhat``, the sampler and
    its ``step``/``steps``, MALA's ``acceptance`` (None for ULA), ``exit_fraction`` (chains
    that ever left ``D``), the GD ``descent`` and ``gd_steps_to_delta`` (steps until within
    ``δ = rad(D)/4`` of ``zhat``, to set against ``constants.S``), the theorem's
    ``constants`` (empirical ``m``, ``M``) and the analytic ``bounds``."""

    samples: np.ndarray
    zhat: np.ndarray
    sampler: str
    step: float
    steps: int
    acceptance: float | None
    exit_fraction: float
    descent: gd.Descent
    gd_steps_to_delta: int
    constants: C.TheoremConstants
    bounds: C.Bounds


def laplace_lambda_min(net: Network, zhat: np.ndarray, beta: float) -> float:
    """``λ_min`` of the Laplace covariance ``(I + J^T J / β²)^{-1}`` at ``zhat`` (eq. 57)."""
    J = C.jacobians(net, zhat[None, :])[0]
    smax = float(np.linalg.svd(J, compute_uv=False)[0])
    return 1.0 / (1.0 + smax * smax / (beta * beta))


def refusal(net: Network, beta: float, step: float | None, steps: int, chains: int) -> str | None:
    """Why the encoder cannot run with these parameters, or None."""
    why = C.square_refusal(net)
    if why:
        return why
    for name, value in (("beta", beta), ("step", step)):
        if value is not None and not (np.isfinite(value) and value > 0):
            return f"{name} must be a positive number, got {value!r}"
    for name, count in (("steps", steps), ("chains", chains)):
        if int(count) != count or count <= 0:
            return f"{name} must be a positive integer, got {count!r}"
    return None


def encode(
    net: Network,
    x: np.ndarray,
    beta: float,
    *,
    rng: np.random.Generator,
    sampler: str = "ula",
    step: float | None = None,
    steps: int = DEFAULT_STEPS,
    chains: int = DEFAULT_CHAINS,
    epsilon: float = C.DEFAULT_EPSILON,
    gd_tol: float = gd.DEFAULT_TOL,
    gd_max_steps: int = gd.DEFAULT_MAX_STEPS,
    on_gd_step: Callable[[int], object] | None = None,
    on_step: samplers.OnStep | None = None,
) -> Encoding:
    """Run the encoder (module docstring). Bad parameters or a network not of Theorem 1's
    form raise :class:`InputError` with one line."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    why = refusal(net, beta, step, steps, chains)
    if why is None and sampler not in SAMPLERS:
        why = f"unknown sampler {sampler!r} (known: {', '.join(SAMPLERS)})"
    if why is None and x.shape != (net.out_dim,):
        why = f"the target has length {x.size}, the network gives {net.out_dim}"
    if why:
        raise InputError(None, None, why)
    consts, bounds = C.theorem_setup(net, x, beta, epsilon)
    descent = gd.descend(net, x, M=consts.M, tol=gd_tol, max_steps=gd_max_steps,
                         on_step=on_gd_step)  # fmt: skip
    zhat = descent.z
    to_delta = gd.steps_within(net, x, zhat, consts.delta, descent)
    h = DEFAULT_STEP_FACTOR * laplace_lambda_min(net, zhat, beta) if step is None else step
    u, grad_u = potential(net, x, beta)
    exited = np.zeros(chains, dtype=bool)

    def track(k: int, Z: np.ndarray) -> None:
        exited[:] |= np.linalg.norm(Z - zhat, axis=1) > consts.rad_D
        if on_step is not None:
            on_step(k, Z)

    Z0 = np.tile(zhat, (chains, 1))
    acceptance: float | None = None
    if sampler == "ula":
        Z = samplers.ula(grad_u, Z0, step=h, steps=steps, rng=rng, on_step=track)
    else:
        Z, acceptance = samplers.mala(u, grad_u, Z0, step=h, steps=steps, rng=rng, on_step=track)
    return Encoding(Z, zhat, sampler, float(h), int(steps), acceptance, float(exited.mean()),
                    descent, to_delta, consts, bounds)  # fmt: skip
