"""The constants of Pareek and Risteski's Theorem 1 for a bijective network (spec B.2).

Assumptions 1-2 ask for global constants: ``m <= σ_min(J_G(z))``, ``M >= ||J_G(z)||``,
``M_2 >= ||∇²G(z)||_op``, ``M_3 >= ||∇³G(z)||_op``. For ``G`` made of layers
``a -> σ(W_i a)`` with square ``W_i`` and a last linear layer:

- :func:`jacobians` and :func:`empirical_m_M`: the extreme singular values of ``J_G`` over
  points drawn uniformly in a box (with ``z = 0``): the *empirical* ``m`` and ``M``.
- :func:`layer_bounds`: the analytic bounds. ``m >= ∏ σ_min(W_i) inf σ'`` and
  ``M <= ∏ ||W_i|| sup σ'`` (each layer is bi-Lipschitz coordinatewise); ``M_2`` and ``M_3``
  by the chain rule (Faà di Bruno) from ``|σ''| <= c_2``, ``|σ'''| <= c_3``: for
  ``F_k = h_k o F_{k-1}`` with ``L_k = ||W_k|| L_{k-1}``,
  ``A_k = c_2 ||W_k||² L_{k-1}² + ||W_k|| A_{k-1}`` and
  ``B_k = c_3 ||W_k||³ L_{k-1}³ + 3 c_2 ||W_k||² L_{k-1} A_{k-1} + ||W_k|| B_{k-1}``.
  For the smooth leaky ReLU of slope ``α``: ``σ' ∈ (α, 1)``, ``c_2 = (1 - α)/4`` and
  ``c_3 = (1 - α)/(6√3)`` (spec B.2).
- :func:`theorem_constants`: ``rad(D)`` and ``β_0`` (Lemma 3), ``Q`` (eq. 19), the region
  ``A`` (eq. 18) and ``S`` (eq. 20) with ``δ = rad(D)/4``, from ``m``, ``M`` (the empirical
  ones, as the spec reports them), ``M_2``, ``M_3``, ``d``, ``||x||``, ``β`` and ``ε``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..network import Layer, Network

DEFAULT_BOX = 3.0  # the prior N(0, I) puts 99.7% of each coordinate in [-3, 3]
DEFAULT_SAMPLES = 2000
DEFAULT_EPSILON = 0.1
DEFAULT_BETA = 0.1
SMOOTH = ("smooth_leaky_relu", "identity")


def _dense(layer: Layer) -> np.ndarray:
    return layer.csr.toarray() if layer.sparse else layer.W


def jacobians(net: Network, Z: np.ndarray) -> np.ndarray:
    """``J_G`` at the rows of ``Z`` ``(N, d)``: shape ``(N, out, d)`` (forward mode;
    ReLU'(0) taken as 0)."""
    A = np.atleast_2d(np.asarray(Z, dtype=np.float64))
    J = np.broadcast_to(np.eye(net.in_dim), (A.shape[0], net.in_dim, net.in_dim))
    for layer in net.layers:
        pre = layer.pre(A)
        J = np.einsum("oi,nid->nod", _dense(layer), J) * layer.derivative(pre)[:, :, None]
        A = layer.act(pre)
    return J


def empirical_m_M(
    net: Network, box: float = DEFAULT_BOX, samples: int = DEFAULT_SAMPLES, seed: int = 0
) -> tuple[float, float]:
    """The smallest and largest singular value of ``J_G`` over ``z = 0`` and ``samples``
    points uniform in ``[-box, box]^d`` (``seed``): estimates of ``m`` and ``M`` (the
    true global ``m`` can only be smaller, ``M`` only larger)."""
    rng = np.random.default_rng(seed)
    Z = np.vstack([np.zeros(net.in_dim), rng.uniform(-box, box, (samples, net.in_dim))])
    s = np.linalg.svd(jacobians(net, Z), compute_uv=False)
    return float(s[:, -1].min()), float(s[:, 0].max())


@dataclass(frozen=True)
class Bounds:
    """Analytic global bounds: ``m_lower <= m``, ``M <= M_upper``, ``M_2``, ``M_3``."""

    m_lower: float
    M_upper: float
    M_2: float
    M_3: float


def _sigma_bounds(layer: Layer) -> tuple[float, float, float, float]:
    """``inf σ'``, ``sup σ'``, ``sup |σ''|``, ``sup |σ'''|`` of a smooth layer's activation."""
    if layer.activation == "identity":
        return 1.0, 1.0, 0.0, 0.0
    a = layer.slope
    return min(a, 1.0), max(a, 1.0), abs(1 - a) / 4, abs(1 - a) / (6 * np.sqrt(3.0))


def layer_bounds(net: Network) -> Bounds:
    """The bounds of the module docstring; ``ValueError`` unless every layer is
    ``smooth_leaky_relu`` or ``identity`` (a ReLU network is not C^3: Assumption 2 fails)."""
    m = M = 1.0
    A = B = 0.0
    for i, layer in enumerate(net.layers, 1):
        if layer.activation not in SMOOTH:
            raise ValueError(
                f"layer {i} is {layer.activation}, not smooth: Theorem 1 (Assumption 2) needs "
                "a C^3 activation (smooth_leaky_relu)"
            )
        lo, hi, c2, c3 = _sigma_bounds(layer)
        s = np.linalg.svd(_dense(layer), compute_uv=False)
        smin = float(s[-1]) if layer.shape[0] >= layer.shape[1] else 0.0
        w = float(s[0]) * hi  # Lipschitz constant of the layer
        # chain rule on a -> σ(W a): derivatives scale with ||W||^k times the bounds of σ
        B = c3 * s[0] ** 3 * M**3 + 3 * c2 * s[0] ** 2 * M * A + w * B
        A = c2 * s[0] ** 2 * M**2 + w * A
        m *= smin * lo
        M *= w
    return Bounds(float(m), float(M), float(A), float(B))


@dataclass(frozen=True)
class TheoremConstants:
    """Theorem 1's constants (spec B.2): ``rad_D``, ``beta_0`` (Lemma 3), ``Q`` (eq. 19),
    ``region_A`` (eq. 18), ``S`` (eq. 20, with ``delta = rad_D / 4``), and what they were
    computed from."""

    d: int
    x_norm: float
    beta: float
    epsilon: float
    m: float
    M: float
    M_2: float
    M_3: float
    rad_D: float
    beta_0: float
    Q: float
    region_A: float
    delta: float
    S: float

    def to_json(self) -> dict:
        return asdict(self)


def theorem_constants(
    d: int,
    x_norm: float,
    m: float,
    M: float,
    M_2: float,
    M_3: float,
    beta: float = DEFAULT_BETA,
    epsilon: float = DEFAULT_EPSILON,
) -> TheoremConstants:
    """``rad(D) = (4β/m) √(K log(4K/ε))`` with ``K = 2d + ||x||²/m²``,
    ``β_0 = 4/(d √(K log(4K/ε))) min{m³/(6 M M_2), d^0.75 m²/√(2 M M_3)}`` (Lemma 3; a
    term with ``M_2 = 0`` or ``M_3 = 0`` is infinite), ``Q = M² + 2√d M M_2 (M/m + 1)||x||/m``
    (eq. 19), ``A = (M/m + 1)||x||/m`` (eq. 18) and ``S = Q ||x||² / (m⁴ δ²)`` (eq. 20),
    ``δ = rad(D)/4``.

    >>> c = theorem_constants(2, 1.0, 0.5, 2.0, 0.1, 0.1, beta=0.1, epsilon=0.1)
    >>> round(c.rad_D, 3), round(c.Q, 3)
    (5.435, 9.657)
    """
    if not (m > 0 and M >= m and beta > 0 and 0 < epsilon < 1):
        raise ValueError("need m > 0, M >= m, beta > 0 and 0 < epsilon < 1")
    K = 2 * d + x_norm**2 / m**2
    root = float(np.sqrt(K * np.log(4 * K / epsilon)))
    rad = 4 * beta / m * root
    t2 = m**3 / (6 * M * M_2) if M_2 > 0 else np.inf
    t3 = d**0.75 * m**2 / np.sqrt(2 * M * M_3) if M_3 > 0 else np.inf
    beta_0 = 4 / (d * root) * min(t2, t3)
    region = (M / m + 1) * x_norm / m
    Q = M**2 + 2 * np.sqrt(d) * M * M_2 * region
    delta = rad / 4
    S = Q * x_norm**2 / (m**4 * delta**2)
    return TheoremConstants(
        d, float(x_norm), float(beta), float(epsilon), float(m), float(M), float(M_2),
        float(M_3), float(rad), float(beta_0), float(Q), float(region), float(delta), float(S),
    )  # fmt: skip


def theorem_setup(
    net: Network,
    x: np.ndarray,
    beta: float,
    epsilon: float = DEFAULT_EPSILON,
    box: float = DEFAULT_BOX,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> tuple[TheoremConstants, Bounds]:
    """Theorem 1's constants for ``net`` and target ``x`` (empirical ``m``, ``M`` on the
    box ``[-box, box]^d`` from ``samples`` points; analytic ``M_2``, ``M_3``)."""
    bounds = layer_bounds(net)
    m, M = empirical_m_M(net, box, samples, seed)
    x_norm = float(np.linalg.norm(x))
    consts = theorem_constants(net.in_dim, x_norm, m, M, bounds.M_2, bounds.M_3, beta, epsilon)
    return consts, bounds


def report_lines(
    net: Network,
    x: np.ndarray,
    beta: float = DEFAULT_BETA,
    epsilon: float = DEFAULT_EPSILON,
    box: float = DEFAULT_BOX,
    samples: int = DEFAULT_SAMPLES,
) -> list[str]:
    """The ``info`` lines of a Theorem 1 network: empirical and analytic ``m``, ``M``, the
    bounds ``M_2``, ``M_3``, and ``rad(D)``, ``β_0``, ``Q``, ``S`` for ``β``, ``ε``."""
    c, b = theorem_setup(net, x, beta, epsilon, box, samples)
    return [
        f"theorem 1  bijective smooth network (Pareek-Risteski; docs/posterior.md), d = {c.d}",
        f"  m, M     {c.m:.4g}, {c.M:.4g} (extreme singular values of J_G at z = 0 and "
        f"{samples} points uniform in [-{box:g}, {box:g}]^d)",
        f"  bounds   m >= {b.m_lower:.4g}, M <= {b.M_upper:.4g}, M_2 <= {b.M_2:.4g}, "
        f"M_3 <= {b.M_3:.4g} (analytic, from the weights)",
        f"  for      beta = {c.beta:g}, epsilon = {c.epsilon:g}, ||x|| = {c.x_norm:.4g} "
        "(the file's target)",
        f"  rad(D)   {c.rad_D:.4g}   (Lemma 3)      beta_0 {c.beta_0:.3g}  (Lemma 3; "
        f"beta {'<=' if c.beta <= c.beta_0 else '>'} beta_0)",
        f"  Q        {c.Q:.4g}   (eq. 19)       S      {c.S:.4g} GD steps (eq. 20, "
        f"delta = rad(D)/4 = {c.delta:.3g})",
    ]


def encoder_size(net: Network, c: TheoremConstants, step: float) -> tuple[float, float, int]:
    """The optional "encoder size" accounting of spec B.2 (Lemma 20; it does not build the
    network): one GD or Langevin layer has ``O(N d²)`` parameters (``N`` the generator's),
    taken as ``N d²``; the encoder has ``S`` GD layers and ``T/h`` Langevin layers with
    ``T = (2 rad(D))² log(1/ε)`` (Lemma 17). Returns ``(T, N', N)``."""
    n = sum(layer.nnz + layer.shape[0] for layer in net.layers)
    one = n * c.d**2
    T = (2 * c.rad_D) ** 2 * float(np.log(1 / c.epsilon))
    return T, (np.ceil(c.S) + np.ceil(T / step)) * one, n


def square_refusal(net: Network) -> str | None:
    """Why ``net`` is not of Theorem 1's form (Assumption 1: every width ``d``; Assumption 2:
    smooth activations), or None."""
    if len(set(net.widths)) != 1:
        return (
            f"Theorem 1 needs a bijective network, every width equal (d_l = d_o = d); this one "
            f"has widths {'-'.join(map(str, net.widths))}"
        )
    for i, layer in enumerate(net.layers, 1):
        if layer.activation not in SMOOTH:
            return (
                f"layer {i} is {layer.activation}, which is not C^3: Theorem 1 (Assumption 2) "
                "needs a smooth activation (random-net --bijective --activation "
                "smooth-leaky-relu makes one)"
            )
    return None
