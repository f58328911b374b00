"""The gradient-descent phase of Pareek and Risteski's encoder (Lemma 1, App. B): descent
on ``f(z) = 1/2 ||G(z) - x||²`` from ``z^(0) = 0`` towards the inverse point ``ẑ`` (eq. 4).

The theorem's step is ``η = 1/Q`` (eq. 19) and its step count ``S`` (eq. 20); ``Q`` is a
worst-case bound, so this uses the practical step ``η = 1/(1.2 M²)`` (spec B.2, ``M`` the
Lipschitz constant of ``G``) and stops when the step ``η ||∇f||`` is at most ``tol`` or after
``max_steps``. :func:`steps_within` counts, on the same (deterministic) path, the steps
after which ``||z^(k) - ẑ|| <= δ``, the quantity that eq. 20's ``S`` bounds.

>>> import numpy as np
>>> from reluhard.network import Layer, Network
>>> net = Network((Layer(np.diag([1.0, 2.0]), np.zeros(2), "identity"),))
>>> r = descend(net, np.array([1.0, 2.0]), M=2.0)
>>> r.converged, np.allclose(r.z, [1.0, 1.0])
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..network import Network
from ..solvers.gd import objective_and_gradient

DEFAULT_TOL = 1e-12
DEFAULT_MAX_STEPS = 100_000


@dataclass(frozen=True)
class Descent:
    """The end of the GD phase: ``z`` (the estimate of ``ẑ``), ``steps`` taken, whether the
    step fell below the tolerance (``converged``), the residual ``||G(z) - x||`` and the
    step size ``eta``."""

    z: np.ndarray
    steps: int
    converged: bool
    residual: float
    eta: float


def practical_eta(M: float) -> float:
    """``1/(1.2 M²)``, the practical stand-in for eq. 19's ``1/Q``."""
    return 1.0 / (1.2 * M * M)


def _path(net: Network, x: np.ndarray, eta: float, max_steps: int):
    z = np.zeros(net.in_dim)
    for k in range(1, max_steps + 1):
        _, g = objective_and_gradient(net, z, x)
        z = z - eta * g
        yield k, z, eta * float(np.linalg.norm(g))


def descend(
    net: Network,
    x: np.ndarray,
    *,
    M: float,
    tol: float = DEFAULT_TOL,
    max_steps: int = DEFAULT_MAX_STEPS,
    on_step: Callable[[int], object] | None = None,
) -> Descent:
    """GD from 0 with ``η = 1/(1.2 M²)`` until the step ``η ||∇f(z)||`` is at most
    ``tol max(1, ||z||)`` or ``max_steps`` steps; ``on_step(k)`` after each step."""
    x = np.asarray(x, dtype=np.float64)
    eta = practical_eta(M)
    z, steps, converged = np.zeros(net.in_dim), 0, False
    for k, z, size in _path(net, x, eta, max_steps):
        steps = k
        if on_step is not None:
            on_step(k)
        if size <= tol * max(1.0, float(np.linalg.norm(z))):
            converged = True
            break
    residual = float(np.linalg.norm(net(z) - x))
    return Descent(z, steps, converged, residual, eta)


def steps_within(net: Network, x: np.ndarray, zhat: np.ndarray, delta: float, d: Descent) -> int:
    """The first ``k`` with ``||z^(k) - ẑ|| <= δ`` on the path of ``d`` (0 when the start
    ``z = 0`` is already that close), at most ``d.steps``."""
    if float(np.linalg.norm(zhat)) <= delta:
        return 0
    for k, z, _ in _path(net, np.asarray(x, dtype=np.float64), d.eta, d.steps):
        if float(np.linalg.norm(z - zhat)) <= delta:
            return k
    return d.steps
