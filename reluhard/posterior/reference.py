"""The exact reference for posterior samplers: grid posteriors, the ULA law propagated
exactly in one dimension, and the distances (TV on bins, marginal W1) of samples to them.

Pareek and Risteski, Theorem 1 (spec recovery-circuits-posterior.md B.2): the encoder's
Langevin phase approaches ``p(z|x) ∝ exp(-L(z))`` (eq. 3). This module is what the
approach is measured against.

- :func:`grid_posterior_1d` / :func:`grid_posterior_2d`: the density of ``exp(-L)`` on a
  cell-centred grid, normalised by the midpoint rule (``sum p dA = 1``). In 2-D the grid
  lies on the Laplace eigen-box: ``z = zhat + V y`` with ``V`` the eigenvectors of the
  Laplace covariance ``(nabla^2 L(zhat))^{-1}`` and ``y_i`` within ``± width sqrt(lambda_i)``.
- :func:`ula_propagate_1d`: the unadjusted Langevin chain ``z' = z - h L'(z) + sqrt(2h) xi``
  (eqs. 2, 11) as a Markov operator on the grid,
  ``p_{k+1}(z') = sum_z p_k(z) N(z'; z - h L'(z), 2h) dz``, started from a point mass.
- :func:`tv_grid` (density against density), :func:`tv_binned` (samples against a grid, on
  bins), :func:`w1_grid` (samples against a grid marginal, the grid's cells uniform), and
  :func:`grid_samples` (exact samples from a grid, for the Monte-Carlo floor of both).
- Closed forms for tests and for the ULA-bias prediction: :func:`ula_gaussian_variance`
  (ULA on ``N(mu, s^2)`` is stationary at ``N(mu, s^2 / (1 - h / (2 s^2)))``) and
  :func:`tv_gaussians_same_mean`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr

Potential = Callable[[np.ndarray], np.ndarray]  # (N, d) -> (N,)


# --------------------------------------------------------------------------- closed forms


def ula_gaussian_variance(s2: float, h: float) -> float:
    """The stationary variance of ULA with step ``h`` on ``N(mu, s2)``: the chain is
    ``z' = (1 - a) z + a mu + sqrt(2h) xi`` with ``a = h / s2``, so ``v = (1 - a)^2 v + 2h``,
    ``v = s2 / (1 - a / 2)`` (finite for ``a < 2``)."""
    a = h / s2
    if not 0 < a < 2:
        raise ValueError(
            f"ULA on a Gaussian of variance {s2} diverges for step {h} (need 0 < h < 2 s^2)"
        )
    return s2 / (1 - a / 2)


def tv_gaussians_same_mean(s1: float, s2: float) -> float:
    """The total variation between ``N(0, s1^2)`` and ``N(0, s2^2)``: the densities cross
    at ``|z| = c``, ``c^2 = 2 s1^2 s2^2 log(s2 / s1) / (s2^2 - s1^2)``, so the TV is
    ``2 (Phi(c / s_lo) - Phi(c / s_hi))``."""
    lo, hi = sorted((float(s1), float(s2)))
    if lo <= 0:
        raise ValueError("standard deviations must be positive")
    if lo == hi:
        return 0.0
    c = np.sqrt(2 * lo**2 * hi**2 * np.log(hi / lo) / (hi**2 - lo**2))
    return float(2 * (ndtr(c / lo) - ndtr(c / hi)))


def ula_bias_tv(h: float, s2: float) -> float:
    """The spec's first-order prediction of ULA's plateau on a near-Gaussian target of
    variance ``s2``: ``TV_inf ≈ phi(1) h / (2 s^2) = 0.121 h / s^2``."""
    return float(np.exp(-0.5) / np.sqrt(2 * np.pi) * h / (2 * s2))


# --------------------------------------------------------------------------- grids


@dataclass(frozen=True)
class Grid1D:
    """Cell midpoints ``z`` (spacing ``dz``) and the density ``p`` on them."""

    z: np.ndarray
    dz: float
    p: np.ndarray


def _normalised(logp: np.ndarray, cell: float) -> np.ndarray:
    if not np.all(np.isfinite(logp)):
        raise ValueError("the potential is not finite on the whole grid")
    p = np.exp(logp - logp.max())
    return p / (p.sum() * cell)


def cell_midpoints(lo: float, hi: float, n: int) -> tuple[np.ndarray, float]:
    """``n`` cell midpoints of ``[lo, hi]`` and the cell width."""
    if not (hi > lo and n >= 2):
        raise ValueError(f"a grid needs hi > lo and n >= 2 (got [{lo}, {hi}], n = {n})")
    dz = (hi - lo) / n
    return lo + dz * (np.arange(n) + 0.5), dz


def grid_posterior_1d(u: Potential, lo: float, hi: float, n: int) -> Grid1D:
    """The density ``∝ exp(-u)`` on ``n`` cells of ``[lo, hi]`` (``u`` maps ``(N, 1)`` to
    ``(N,)``), normalised by the midpoint rule."""
    z, dz = cell_midpoints(lo, hi, n)
    return Grid1D(z, dz, _normalised(-np.asarray(u(z[:, None]), dtype=float), dz))


@dataclass(frozen=True)
class Grid2D:
    """The grid posterior on the Laplace eigen-box: ``z = center + y @ V.T``; ``y`` axes
    ``axes[i]`` (cell midpoints, width ``dy[i]``); density ``p[i, j]`` at
    ``(axes[0][i], axes[1][j])`` with respect to ``dy[0] dy[1]`` (``V`` is orthogonal, so
    also with respect to ``dz``); ``sd`` the Laplace standard deviations along ``V``."""

    center: np.ndarray
    V: np.ndarray
    sd: np.ndarray
    axes: tuple[np.ndarray, np.ndarray]
    dy: tuple[float, float]
    p: np.ndarray

    def to_eigen(self, Z: np.ndarray) -> np.ndarray:
        """Latents ``(N, 2)`` in the grid's eigen-coordinates ``y``."""
        return (np.asarray(Z, dtype=float) - self.center) @ self.V

    def cell_mass(self) -> np.ndarray:
        return self.p * (self.dy[0] * self.dy[1])

    def marginal(self, axis: int) -> np.ndarray:
        """The cell masses of eigen-coordinate ``axis``."""
        return self.cell_mass().sum(axis=1 - axis)


def hessian_fd(
    grad_u: Callable[[np.ndarray], np.ndarray], z: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """``nabla^2 L`` at one point by central differences of the gradient (symmetrised)."""
    z = np.asarray(z, dtype=float)
    d = z.size
    E = np.eye(d) * eps
    G = np.asarray(grad_u(np.vstack([z + E, z - E])), dtype=float)
    H = (G[:d] - G[d:]) / (2 * eps)
    return (H + H.T) / 2


def laplace(
    grad_u: Callable[[np.ndarray], np.ndarray], zhat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The Laplace approximation at the MAP point ``zhat``: eigenvalues (descending) and
    eigenvectors (columns) of the covariance ``(nabla^2 L(zhat))^{-1}``."""
    H = hessian_fd(grad_u, zhat)
    lam, V = np.linalg.eigh(H)
    if lam[0] <= 0:
        raise ValueError(
            f"the Hessian at the MAP point is not positive definite (eigenvalue {lam[0]:.3g})"
        )
    return 1 / lam, V


def map_point(
    grad_u: Callable[[np.ndarray], np.ndarray],
    z0: np.ndarray,
    *,
    tol: float = 1e-12,
    max_steps: int = 200,
) -> np.ndarray:
    """The minimiser of ``L`` near ``z0`` by damped Newton steps on the gradient (the
    Hessian by :func:`hessian_fd`); raises when the gradient does not vanish."""
    z = np.asarray(z0, dtype=float).copy()
    for _ in range(max_steps):
        g = np.asarray(grad_u(z[None]), dtype=float)[0]
        if np.linalg.norm(g) <= tol * max(1.0, float(np.linalg.norm(z))):
            return z
        H = hessian_fd(grad_u, z)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            step = g
        if not np.all(np.linalg.eigvalsh(H) > 0):
            step = g / max(1.0, np.abs(H).max())
        z = z - step
    g = np.asarray(grad_u(z[None]), dtype=float)[0]
    if np.linalg.norm(g) > 1e-8 * max(1.0, float(np.linalg.norm(z))):
        raise ValueError(f"no MAP point found near {z0!r} (gradient norm {np.linalg.norm(g):.3g})")
    return z


def grid_posterior_2d(
    u: Potential,
    grad_u: Callable[[np.ndarray], np.ndarray],
    zhat: np.ndarray,
    *,
    width: float = 7.0,
    n: int = 280,
) -> Grid2D:
    """The density ``∝ exp(-u)`` on ``n x n`` cells of the Laplace eigen-box at the MAP
    point ``zhat``: ``± width`` Laplace standard deviations along each eigenvector."""
    lam, V = laplace(grad_u, zhat)
    sd = np.sqrt(lam)
    (a0, d0), (a1, d1) = (cell_midpoints(-width * s, width * s, n) for s in sd)
    Y0, Y1 = np.meshgrid(a0, a1, indexing="ij")
    Y = np.column_stack([Y0.ravel(), Y1.ravel()])
    logp = -np.asarray(u(np.asarray(zhat, dtype=float) + Y @ V.T), dtype=float).reshape(n, n)
    return Grid2D(
        np.asarray(zhat, dtype=float), V, sd, (a0, a1), (d0, d1), _normalised(logp, d0 * d1)
    )


# --------------------------------------------------------------------------- exact ULA in 1-D


def ula_kernel_1d(
    grid: Grid1D, grad_u: Callable[[np.ndarray], np.ndarray], h: float
) -> sp.csr_array:
    """The matrix ``K[i, j] = N(z_i; z_j - h L'(z_j), 2h) dz``: ``p_{k+1} = K p_k``
    (sparse: entries below ``e^-50`` of the peak are dropped, far below float noise)."""
    _check_step(h)
    z = grid.z
    mean = z - h * np.asarray(grad_u(z[:, None]), dtype=float)[:, 0]
    r = (z[:, None] - mean[None, :]) ** 2 / (4 * h)
    K = np.where(r < 50, np.exp(-r), 0.0) * (grid.dz / np.sqrt(4 * np.pi * h))
    return sp.csr_array(K)


def _check_step(h: float) -> None:
    if not h > 0:
        raise ValueError(f"the step must be positive (got {h})")


def ula_propagate_1d(
    grid: Grid1D,
    grad_u: Callable[[np.ndarray], np.ndarray],
    h: float,
    z0: float,
    record: list[int] | tuple[int, ...],
) -> dict[int, np.ndarray]:
    """The law of ULA after ``k`` steps for each ``k`` in ``record`` (densities on
    ``grid``), started from the point mass at ``z0``: step 1 is the Gaussian
    ``N(z0 - h L'(z0), 2h)`` exactly, later steps apply :func:`ula_kernel_1d`."""
    ks = sorted(set(int(k) for k in record))
    if not ks or ks[0] < 1:
        raise ValueError("record step counts >= 1")
    _check_step(h)
    g0 = float(np.asarray(grad_u(np.array([[z0]], dtype=float)), dtype=float)[0, 0])
    m0 = z0 - h * g0
    p = np.exp(-((grid.z - m0) ** 2) / (4 * h)) / np.sqrt(4 * np.pi * h)
    K = ula_kernel_1d(grid, grad_u, h)
    out: dict[int, np.ndarray] = {}
    k = 1
    for target in ks:
        while k < target:
            p = K @ p
            k += 1
        out[target] = p.copy()
    return out


# --------------------------------------------------------------------------- distances


def tv_grid(p: np.ndarray, q: np.ndarray, cell: float) -> float:
    """``½ sum |p - q| cell`` for two densities on the same grid."""
    return float(0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum() * cell)


def bin_masses(grid: Grid2D, bins: int = 28) -> np.ndarray:
    """The grid posterior's mass in ``bins x bins`` equal bins of the eigen-box (the
    grid's cells must divide evenly)."""
    n = grid.p.shape[0]
    if n % bins:
        raise ValueError(f"{n} grid cells do not split into {bins} bins")
    r = n // bins
    return grid.cell_mass().reshape(bins, r, bins, r).sum(axis=(1, 3))


def sample_bins(grid: Grid2D, Z: np.ndarray, bins: int = 28) -> tuple[np.ndarray, float]:
    """The fractions of the samples ``Z`` in the bins of :func:`bin_masses`, and the
    fraction outside the box."""
    Y = grid.to_eigen(Z)
    edges = [
        np.linspace(a[0] - d / 2, a[-1] + d / 2, bins + 1)
        for a, d in zip(grid.axes, grid.dy, strict=True)
    ]
    H, _, _ = np.histogram2d(Y[:, 0], Y[:, 1], bins=edges)
    frac = H / len(Y)
    return frac, float(1 - frac.sum())


def tv_binned(grid: Grid2D, Z: np.ndarray, bins: int = 28) -> float:
    """The TV between the samples' and the grid posterior's bin masses (the mass of the
    samples outside the box counts in full: the grid puts none there)."""
    frac, outside = sample_bins(grid, Z, bins)
    return float(0.5 * (np.abs(frac - bin_masses(grid, bins)).sum() + outside))


def w1_to_cells(samples: np.ndarray, mids: np.ndarray, width: float, mass: np.ndarray) -> float:
    """The W1 distance between the empirical law of ``samples`` (1-D) and the law with mass
    ``mass[i]`` spread uniformly on the cell of midpoint ``mids[i]`` and ``width``:
    ``∫ |F_s - F_g|`` with the grid's CDF piecewise linear, computed exactly (the
    breakpoints are the samples and the cell edges)."""
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    mass = np.asarray(mass, dtype=float) / np.sum(mass)
    edges = np.concatenate([mids - width / 2, [mids[-1] + width / 2]])
    lo, hi = min(edges[0], x[0]), max(edges[-1], x[-1])
    t = np.unique(np.concatenate([[lo], edges, [hi], x]))
    Fg = np.interp(t, edges, np.concatenate([[0.0], np.cumsum(mass)]), left=0.0, right=1.0)
    Fs = np.searchsorted(x, t, side="right") / len(x)
    # F_s is constant on [t_i, t_{i+1}) and F_g linear, so F_s - F_g is linear there, from
    # a to b: the integral of its modulus is exact (split at the crossing).
    a = Fs[:-1] - Fg[:-1]
    b = Fs[:-1] - Fg[1:]
    same = a * b >= 0
    span = np.abs(a - b)
    crossing = (a**2 + b**2) / (2 * np.where(span > 0, span, 1.0))
    return float(np.sum(np.where(same, np.abs(a + b) / 2, crossing) * np.diff(t)))


def w1_grid(grid: Grid2D, Z: np.ndarray) -> tuple[float, float]:
    """The W1 distances of the samples' marginals along the two eigen-coordinates to the
    grid posterior's marginals."""
    Y = grid.to_eigen(Z)
    return tuple(  # type: ignore[return-value]
        w1_to_cells(Y[:, i], grid.axes[i], grid.dy[i], grid.marginal(i)) for i in range(2)
    )


def grid_samples(grid: Grid2D, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` exact samples of the grid posterior (a cell by its mass, then uniform in the
    cell), as latents ``z``: the Monte-Carlo floor of :func:`tv_binned` and :func:`w1_grid`."""
    mass = grid.cell_mass().ravel()
    idx = rng.choice(mass.size, size=n, p=mass / mass.sum())
    i, j = np.divmod(idx, grid.p.shape[1])
    Y = np.column_stack([grid.axes[0][i], grid.axes[1][j]])
    Y += (rng.random((n, 2)) - 0.5) * np.array(grid.dy)
    return grid.center + Y @ grid.V.T


def grid_samples_1d(grid: Grid1D, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` exact samples of a 1-D grid density (a cell by its mass, uniform within)."""
    mass = grid.p * grid.dz
    idx = rng.choice(mass.size, size=n, p=mass / mass.sum())
    return grid.z[idx] + (rng.random(n) - 0.5) * grid.dz
