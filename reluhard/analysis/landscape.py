"""The recovery landscape of a random ReLU network ([NEP] §2, after Hand-Voroninski [18]):
the operator ``Q_{r,s}`` (eq. 6), the local linear map ``Lambda_x`` (the activation-masked
weight product), the expected-gradient field ``h_x`` (eq. 10) and the constant ``rho_d`` of
the spurious critical point near ``-rho_d x*``.

``Q_{r,s} = (pi - theta)/(2 pi) I + sin(theta)/(2 pi) M`` with ``theta = angle(r, s)`` and
``M`` the reflection of ``span{r, s}`` swapping ``r^`` and ``s^`` (zero on the complement);
``E[W_{+,r}^T W_{+,s}] = Q_{r,s}`` for ``W`` i.i.d. ``N(0, 1/n)``, so ``Q_{r,r} = I/2``.
``W_{j,+,x} = diag(W_j Lambda_{j-1,x} x > 0) W_j`` (the printed formula omits ``x > 0``,
erratum E3-2). ``h_x`` and ``rho_d`` are from [18] (the proof of [NEP] Thm 4.4 that defines
them, Appendix C, is not in the seed text): with ``g(t) = arccos(((pi - t) cos t + sin t)/pi)``,
``rho_d = sum_{i<d} (sin t_i / pi) prod_{i<j<d} (pi - t_j)/pi`` for ``t_0 = pi``,
``t_i = g(t_{i-1})``; ``rho_1 = 0`` and ``rho_2 = 1/pi``.
"""

from __future__ import annotations

import math

import numpy as np

from ..network import Network


def Q(r: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``Q_{r,s}`` of [NEP] eq. (6) (``0`` if ``r`` or ``s`` is zero).

    >>> import numpy as np
    >>> Q(np.array([1.0, 0.0]), np.array([2.0, 0.0]))
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    r, s = np.asarray(r, dtype=float), np.asarray(s, dtype=float)
    nr, ns = np.linalg.norm(r), np.linalg.norm(s)
    ell = r.size
    if nr == 0 or ns == 0:
        return np.zeros((ell, ell))
    rh, sh = r / nr, s / ns
    c = float(np.clip(rh @ sh, -1.0, 1.0))
    theta = math.acos(c)
    out = (math.pi - theta) / (2 * math.pi) * np.eye(ell)
    sin = math.sin(theta)
    if sin > 1e-15:
        E = np.column_stack([rh, (sh - c * rh) / sin])
        out += sin / (2 * math.pi) * (E @ np.array([[c, sin], [sin, -c]]) @ E.T)
    return out


def masked_weights(net: Network, x: np.ndarray) -> list[np.ndarray]:
    """``W_{i,+,x}`` for every layer ``i`` (dense; bias-free ReLU layers, [NEP] eq. 2)."""
    out, a = [], np.asarray(x, dtype=float)
    for layer in net.layers:
        W = np.asarray(layer.W.toarray() if layer.sparse else layer.W)
        pre = W @ a
        mask = pre > 0 if layer.activation == "relu" else np.ones(pre.size, dtype=bool)
        out.append(W * mask[:, None])
        a = np.where(mask, pre, 0.0)
    return out


def local_map(net: Network, x: np.ndarray, j: int | None = None) -> np.ndarray:
    """``Lambda_{j,x} = W_{j,+,x} ... W_{1,+,x}`` (``j`` default: every layer): ``G_j(x)
    = Lambda_{j,x} x`` and, where ``G`` is differentiable, its Jacobian."""
    mats = masked_weights(net, x)[: len(net.layers) if j is None else j]
    L = np.eye(np.asarray(x).size)
    for W in mats:
        L = W @ L
    return L


def g(theta: float) -> float:
    """The angle map of one random ReLU layer: ``arccos(((pi - t) cos t + sin t)/pi)``."""
    return math.acos(min(1.0, max(-1.0, ((math.pi - theta) * math.cos(theta)
                                          + math.sin(theta)) / math.pi)))  # fmt: skip


def _angles(theta0: float, d: int) -> list[float]:
    angles = [theta0]
    for _ in range(d - 1):
        angles.append(g(angles[-1]))
    return angles


def _weights(angles: list[float]) -> tuple[float, float]:
    """``(prod_i (pi - t_i)/pi, sum_i (sin t_i/pi) prod_{j>i} (pi - t_j)/pi)``."""
    d = len(angles)
    tail = [1.0] * (d + 1)
    for i in range(d - 1, -1, -1):
        tail[i] = tail[i + 1] * (math.pi - angles[i]) / math.pi
    return tail[0], sum(math.sin(angles[i]) / math.pi * tail[i + 1] for i in range(d))


def rho(d: int) -> float:
    """``rho_d``: the spurious critical point sits near ``-rho_d x*``.

    >>> round(rho(2) * math.pi, 12), round(rho(5), 4)
    (1.0, 0.681)
    """
    return _weights(_angles(math.pi, d))[1]


def h_tilde(x: np.ndarray, xstar: np.ndarray, d: int) -> np.ndarray:
    """``h~_{x,x*} = (prod (pi - t_i)/pi) x* + (sum (sin t_i/pi) prod_{j>i} (pi - t_j)/pi)
    (||x*||/||x||) x`` with ``t_0 = angle(x, x*)``, ``t_i = g(t_{i-1})`` ([18])."""
    x, xstar = np.asarray(x, dtype=float), np.asarray(xstar, dtype=float)
    c = float(np.clip(x @ xstar / (np.linalg.norm(x) * np.linalg.norm(xstar)), -1.0, 1.0))
    a, b = _weights(_angles(math.acos(c), d))
    return a * xstar + b * (np.linalg.norm(xstar) / np.linalg.norm(x)) * x


def h(x: np.ndarray, xstar: np.ndarray, d: int) -> np.ndarray:
    """The expected gradient of ``1/2 ||G(x) - G(x*)||^2`` over ``N(0, 1/n_i)`` weights:
    ``h_x = 2^{-d} (x - h~_{x,x*})`` ([NEP] eq. 10; zero at ``x*`` and near ``-rho_d x*``)."""
    return 2.0**-d * (np.asarray(x, dtype=float) - h_tilde(x, xstar, d))
