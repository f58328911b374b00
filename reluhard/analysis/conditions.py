"""Estimates of [NEP]'s deterministic conditions on a recovery file (spec A.5): the range
restricted weight distribution condition R2WDC (Def. 4.3, eq. 9) per layer and the range
restricted isometry condition RRIC (Def. 4.1; its printed right-hand side is garbled, meant
is ``eps ||G(x1) - G(x2)|| ||G(x3) - G(x4)||``, erratum E3-3).

Each condition is a supremum over ``R^{6k}`` (R2WDC) or ``R^{4k}`` (RRIC) of a ratio; the
range of ``G_{i-1}`` is a union of up to ``prod_{j<i} (e n_j / k)^k`` linear pieces ([NEP]
Lemma D.1), so an exact value is out of reach beyond ``k = 1``. Reported instead:

- ``eps_lo``: the largest ratio at sampled points. Every evaluated value is a lower bound on
  the best constant (up to float rounding): a certificate that the condition *fails* below it.
- ``eps_span``: per sampled piece tuple the largest singular value of ``U^T M V`` with
  ``U = orth([Lambda_{i-1,x1}, Lambda_{i-1,x2}])``, ``V`` the same for ``x3, x4``, and
  ``M = W_{+,r}^T W_{+,s} - Q_{r,s}`` (RRIC: ``A^T A - I`` on ``Lambda_{d,x}``). It bounds
  every ``(u, v)`` from those pieces, but is a global bound only if every tuple of pieces is
  enumerated, which it is not.
- the WDC witness (exact): a sampled ``r`` with fewer active units than ``n_{i-1}`` makes
  ``W_{+,r}^T W_{+,r} - I/2`` act as ``-I/2`` on a kernel vector, so the old WDC (eq. 8)
  fails for every ``eps < 1/2`` (spec A.3) -- always so for a contractive layer;
- ``k = 1``: the range of ``G_{i-1}`` is two rays ``t a``, ``t b`` (positive homogeneity),
  so ``r, s`` take 4 values and ``u, v`` range (up to sign) over ``cos(phi) a - sin(phi) b``,
  ``phi in [0, pi/2]``: a 2000 x 2000 angle grid gives the supremum (to about 1e-6).

The theorems need far smaller constants: Thm 4.4 ``eps < K_1 / d^90`` (``K_1`` unknown) and
Lemma 5.3 ``eps < 1/(16 pi d^2)^2``. So no practical instance is certified; the estimates
compare architectures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import measurements
from ..inversion import InversionProblem
from ..network import Network, forward
from .landscape import Q, local_map

GRID = 2000
#: widest layer input the estimates take: they form dense n x n matrices (Q_{r,s}, A^T A)
MAX_WIDTH = 4000


@dataclass
class LayerEstimate:
    """The R2WDC estimates of one layer (1-based ``layer``)."""

    layer: int
    n_in: int
    n_out: int
    eps_lo: float
    eps_span: float
    min_active: int
    exact_k1: float | None = None

    @property
    def wdc_fails(self) -> bool:
        """A sampled ``r`` had fewer active units than ``n_{i-1}``: WDC eps >= 1/2."""
        return self.min_active < self.n_in


@dataclass
class Estimates:
    layers: list[LayerEstimate] = field(default_factory=list)
    rric_lo: float | None = None
    rric_span: float | None = None
    samples: int = 0
    depth: int = 0


def _orth(M: np.ndarray) -> np.ndarray:
    U, sv, _ = np.linalg.svd(M, full_matrices=False)
    return U[:, sv > 1e-12 * max(sv.max(initial=0.0), 1e-300)]


def _ratio(u: np.ndarray, M: np.ndarray, v: np.ndarray) -> float:
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    return 0.0 if nu == 0 or nv == 0 else abs(float(u @ M @ v)) / (nu * nv)


def _sub(G: Network, i: int) -> Network | None:
    return None if i == 0 else Network(G.layers[:i])


def _range_points(G: Network, i: int, xs: np.ndarray) -> np.ndarray:
    sub = _sub(G, i)
    return xs if sub is None else forward(sub, xs)


def _local(G: Network, i: int, x: np.ndarray) -> np.ndarray:
    return np.eye(x.size) if i == 0 else local_map(G, x, i)


def layer_estimate(G: Network, i: int, rng: np.random.Generator, samples: int) -> LayerEstimate:
    """The R2WDC estimates of layer ``i + 1`` of ``G`` (inputs ``G_i``)."""
    k = G.in_dim
    layer = G.layers[i]
    W = np.asarray(layer.W.toarray() if layer.sparse else layer.W)
    lo = span = 0.0
    min_active = W.shape[0]
    for _ in range(samples):
        xs = rng.standard_normal((6, k))
        pts = _range_points(G, i, xs)
        r, s = pts[0], pts[1]
        Wr, Ws = W * (W @ r > 0)[:, None], W * (W @ s > 0)[:, None]
        min_active = min(min_active, int(np.sum(W @ r > 0)))
        M = Wr.T @ Ws - Q(r, s)
        lo = max(lo, _ratio(pts[2] - pts[3], M, pts[4] - pts[5]))
        U = _orth(np.hstack([_local(G, i, xs[2]), _local(G, i, xs[3])]))
        V = _orth(np.hstack([_local(G, i, xs[4]), _local(G, i, xs[5])]))
        if U.size and V.size:
            span = max(span, float(np.linalg.norm(U.T @ M @ V, 2)))
    est = LayerEstimate(i + 1, W.shape[1], W.shape[0], lo, span, min_active)
    if k == 1:
        est.exact_k1 = exact_k1(G, i)
    return est


def exact_k1(G: Network, i: int, grid: int = GRID) -> float:
    """The R2WDC constant of layer ``i + 1`` for a one-dimensional latent (module
    docstring), on a ``grid x grid`` angle grid."""
    a, b = (_range_points(G, i, np.array([[t]]))[0] for t in (1.0, -1.0))
    layer = G.layers[i]
    W = np.asarray(layer.W.toarray() if layer.sparse else layer.W)
    P = np.column_stack([a, b])
    phi = np.linspace(0.0, math.pi / 2, grid)
    C = np.vstack([np.cos(phi), -np.sin(phi)])  # u = P C[:, j]
    gram = np.einsum("ij,ik,kj->j", C, P.T @ P, C)
    best = 0.0
    for r in (a, b):
        for s in (a, b):
            if not (np.any(r) and np.any(s)):
                continue
            Wr, Ws = W * (W @ r > 0)[:, None], W * (W @ s > 0)[:, None]
            small = P.T @ (Wr.T @ Ws - Q(r, s)) @ P
            num = np.abs(C.T @ small @ C)
            den = np.sqrt(np.outer(gram, gram))
            ok = den > 0
            best = max(best, float(np.max(num[ok] / den[ok], initial=0.0)))
    return best


def rric(G: Network, A: np.ndarray, rng: np.random.Generator, samples: int) -> tuple[float, float]:
    """``(eps_lo, eps_span)`` of the RRIC of ``A`` on the range of ``G``."""
    M = A.T @ A - np.eye(A.shape[1])
    lo = span = 0.0
    for _ in range(samples):
        xs = rng.standard_normal((4, G.in_dim))
        pts = forward(G, xs)
        lo = max(lo, _ratio(pts[0] - pts[1], M, pts[2] - pts[3]))
        U = _orth(np.hstack([local_map(G, xs[0]), local_map(G, xs[1])]))
        V = _orth(np.hstack([local_map(G, xs[2]), local_map(G, xs[3])]))
        if U.size and V.size:
            span = max(span, float(np.linalg.norm(U.T @ M @ V, 2)))
    return lo, span


def estimate(problem: InversionProblem, samples: int = 40, seed: int = 0) -> Estimates:
    """Every estimate of the module docstring for ``problem``'s signal network (any
    network whose layers are bias-free; the RRIC only for a compressed-sensing file)."""
    G = measurements.signal_network(problem)
    rng = np.random.default_rng(seed)
    out = Estimates(samples=samples, depth=measurements.depth(problem))
    for i in range(len(G.layers)):
        out.layers.append(layer_estimate(G, i, rng, samples))
    if measurements.params(problem).get("problem") == "cs":
        A = np.asarray(problem.network.layers[len(G.layers)].W)
        out.rric_lo, out.rric_span = rric(G, A, rng, samples)
    return out


def refusal(problem: InversionProblem) -> str | None:
    """Why the conditions are not defined for ``problem``'s signal network, or None."""
    G = measurements.signal_network(problem)
    widest = max(problem.network.widths)
    if widest > MAX_WIDTH:
        return (f"a layer of width {widest}: the estimates form dense width x width matrices, "
                f"taken up to width {MAX_WIDTH}")  # fmt: skip
    for i, layer in enumerate(G.layers, 1):
        if layer.b.any():
            return f"layer {i} has biases: the R2WDC is stated for bias-free networks ([NEP] eq. 2)"
        if layer.activation != "relu":
            return f"layer {i} is {layer.activation}: the R2WDC is stated for ReLU layers"
    return None


def thresholds(d: int) -> dict[str, float]:
    """Lemma 5.3's ``1/(16 pi d^2)^2`` and Thm 4.4's ``d^-90`` (times an unknown ``K_1``)."""
    return {"lemma_5_3": 1.0 / (16 * math.pi * d * d) ** 2, "thm_4_4_over_K1": float(d) ** -90}


def report_lines(est: Estimates) -> list[str]:
    """The printout of ``reluhard conditions``."""
    lines = [f"R2WDC per layer ({est.samples} sampled tuples each)",
             f"  {'layer':>5}  {'n_in':>6}  {'n_out':>6}  {'eps_lo':>8}  {'eps_span':>8}  "
             f"{'WDC':<26}  exact (k = 1)"]  # fmt: skip
    for e in est.layers:
        wdc = (f">= 1/2 ({e.min_active} < {e.n_in} active)" if e.wdc_fails
               else f"no witness ({e.min_active} active)")  # fmt: skip
        exact = "-" if e.exact_k1 is None else f"{e.exact_k1:.4f}"
        lines.append(f"  {e.layer:>5}  {e.n_in:>6}  {e.n_out:>6}  {e.eps_lo:>8.4f}  "
                     f"{e.eps_span:>8.4f}  {wdc:<26}  {exact}")  # fmt: skip
    if est.rric_lo is not None:
        lines.append(f"RRIC: eps_lo {est.rric_lo:.4f}, eps_span {est.rric_span:.4f}")
    t = thresholds(max(est.depth, 1))
    lines += [
        f"thresholds at d = {est.depth}: Lemma 5.3 eps < {t['lemma_5_3']:.3g}; Thm 4.4 eps < "
        f"K_1 * {t['thm_4_4_over_K1']:.3g} (K_1 unknown)",
        "eps_lo is a lower bound (the condition fails below it); eps_span bounds only the "
        "sampled pieces, not the supremum; the WDC witness is exact",
        "no practical instance can be certified to meet these conditions: the sizes where "
        "recovery works have constants of order 0.1-1, far above the thresholds",
    ]
    return lines
