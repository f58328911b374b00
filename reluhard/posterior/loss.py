"""The potential of the posterior ``p(z | x) ∝ exp(-L(z))`` of the latent Gaussian model
``z ~ N(0, I)``, ``x = G(z) + ξ``, ``ξ ~ N(0, β² I)`` (Pareek and Risteski, eq. 3):

    L(z) = 1/2 (||z||² + ||G(z) - x||² / β²),
    ∇L(z) = z + J_G(z)^T (G(z) - x) / β²                      (eq. 55),

with ``J_G^T r`` by backpropagation through the layers (:func:`reluhard.solvers.gd.
backpropagate`, batched), vectorised over ``N`` chains (rows).

>>> import numpy as np
>>> from reluhard.network import Layer, Network
>>> net = Network((Layer(2 * np.eye(1), np.zeros(1), "identity"),))
>>> u, grad = potential(net, np.array([2.0]), 0.5)
>>> u(np.array([[1.0]])), grad(np.array([[1.0]]))
(array([0.5]), array([[1.]]))
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..network import Network, forward
from ..solvers.gd import backpropagate, forward_keeping

Batch = Callable[[np.ndarray], np.ndarray]


def _checked(net: Network, x: np.ndarray, beta: float) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive number, got {beta!r}")
    if x.shape != (net.out_dim,):
        raise ValueError(f"the target has length {x.size}, the network gives {net.out_dim}")
    return x


def value_and_gradient(
    net: Network, x: np.ndarray, beta: float, Z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``L`` (eq. 3) and ``∇L`` (eq. 55) at the rows of ``Z`` ``(N, d)``: shapes ``(N,)``
    and ``(N, d)``."""
    x = _checked(net, x, beta)
    Z = np.atleast_2d(np.asarray(Z, dtype=np.float64))
    G, pres = forward_keeping(net, Z)
    R = G - x
    inv = 1.0 / (beta * beta)
    value = 0.5 * (np.einsum("ij,ij->i", Z, Z) + inv * np.einsum("ij,ij->i", R, R))
    return value, Z + inv * backpropagate(net, pres, R)


def potential(net: Network, x: np.ndarray, beta: float) -> tuple[Batch, Batch]:
    """``(u, grad_u)`` for the samplers of :mod:`.samplers`: ``u = L`` of eq. 3 and
    ``grad_u = ∇L`` of eq. 55, each over a batch ``(N, d)`` of latents."""
    x = _checked(net, x, beta)

    inv = 1.0 / (beta * beta)

    def u(Z: np.ndarray) -> np.ndarray:
        R = forward(net, Z) - x  # no backward pass
        return 0.5 * (np.einsum("ij,ij->i", Z, Z) + inv * np.einsum("ij,ij->i", R, R))

    def grad_u(Z: np.ndarray) -> np.ndarray:
        return value_and_gradient(net, x, beta, Z)[1]

    return u, grad_u
