"""Random generative networks and planted targets: the synthetic setting of Lei et al.
(2019), section 5.1, and of the random network model of the non-expansive-prior paper.

A network ``k = n_0 -> n_1 -> ... -> n_d`` has layers ``act(W_i a + b_i)`` with the entries
of ``W_i`` (shape ``n_i x n_{i-1}``) drawn i.i.d. from ``N(0, 1/n_i)``: variance one over the
layer's *output* width, Lei's scaling, under which ``||W_i a||_2 ~ ||a||_2``. Biases, when
asked for, are drawn from the same ``N(0, 1/n_i)``; Lei's analysis has none, and neither does
the default. Every layer (the output layer too, as in Lei's ``G = phi_d o ... o phi_1``) has
the same activation: ``relu``, or ``leaky_relu`` ``max(a, c a)`` with slope ``c`` (default
0.12, the value Lei section 2 names).

The target is ``x = G(z*) + e`` for a planted latent ``z* ~ N(0, I_k)`` and noise ``e``:
none, uniform ``U(-a, a)`` or Gaussian ``N(0, a^2)`` (``a`` the standard deviation; Lei
writes ``N(0, a)``) in every output coordinate.

A float target is not exactly reachable in rational arithmetic (``G(z*)`` is rounded), so
the file states an approximate query that ``z*`` meets, checked exactly here before the
problem is returned:

- no noise: ``||G(z) - x||_inf <= tol`` (``tol`` default ``1e-6``, absolute: the accuracy
  Lei's baseline, gradient descent stopped at gradient norm ``1e-9``, reaches);
- uniform noise of level ``a``: ``||G(z) - x||_inf <= a + tol`` (the noise bound);
- Gaussian noise: ``||G(z) - x||_2 <= ||e||_2 + tol`` (the realized noise norm: "is there a
  latent at least as consistent with x as the one that made it").

With ``bijective`` (Pareek and Risteski's Theorem 1 setting, spec B.2) every width is the
same ``d``, each ``W_i = U diag(s) V^T`` with ``U``, ``V`` Haar-random orthogonal and the
singular values ``s`` uniform in a band (default ``[0.8, 1.25]``), there are no biases (so
``G(0) = 0``, Assumption 3), the hidden layers have the activation (``smooth_leaky_relu``,
slope ``α`` default 0.2, for Assumption 2) and the last layer is linear. With
``σ' ∈ (α, 1)`` the network is bijective with ``m >= α^(L-1) ∏ min s`` and
``M <= ∏ max s``. A ``smooth_leaky_relu`` network is float-only (no exact rational
forward pass), so its planted latent is not checked exactly.

Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order (weights and
biases layer by layer, then ``z*``, then ``e``), so a seed names one instance.

Example:

>>> p = random_problem([20, 100, 500], seed=1)
>>> p.network.widths, p.query.describe()
([20, 100, 500], 'approx: ||G(z) - x||_inf <= 1e-06')
>>> from reluhard.inversion import check_latent
>>> bool(check_latent(p, p.planted))
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import limits
from . import measurements as measurements_mod
from .inversion import Domain, InversionProblem, Query, ReductionRecord, check_latent
from .network import Layer, Network, float_only_reason, forward

NAME = "random-net"
PAPER = "Lei, Jalal, Dhillon, Dimakis: Inverting Deep Generative Models, One Layer at a Time"
SETTING = "section 5.1: Gaussian weights N(0, 1/n_i), planted latent N(0, I), optional noise"
NOISES = ("none", "uniform", "gaussian", "sphere")
DEFAULT_SLOPE = 0.12
DEFAULT_SMOOTH_SLOPE = 0.2
DEFAULT_BAND = (0.8, 1.25)
DEFAULT_TOL = 1e-6
ACTIVATIONS = ("relu", "leaky_relu", "smooth_leaky_relu")


def default_slope(activation: str) -> float:
    """The slope an activation gets when none is given: 0.12 (Lei) or 0.2 (spec B.2)."""
    return DEFAULT_SMOOTH_SLOPE if activation == "smooth_leaky_relu" else DEFAULT_SLOPE


def random_orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    """A Haar-random ``d x d`` orthogonal matrix (QR of a Gaussian, signs fixed by
    ``diag(R) > 0``; Mezzadri 2007)."""
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)


def bijective_network(
    widths: Sequence[int],
    *,
    activation: str = "smooth_leaky_relu",
    slope: float | None = None,
    band: tuple[float, float] = DEFAULT_BAND,
    rng: np.random.Generator | int | None = None,
) -> Network:
    """Square layers ``σ(W_i a)``, ``W_i = U diag(s) V^T`` (``s`` uniform in ``band``, drawn
    after ``U`` and before ``V``), no biases, the last layer linear (module docstring).

    >>> net = bijective_network([2, 2, 2], rng=0)
    >>> [layer.activation for layer in net.layers]
    ['smooth_leaky_relu', 'identity']
    >>> bool(np.all(np.abs(np.linalg.svd(net.layers[0].W)[1] - 1) <= 0.25))
    True
    """
    widths = [int(w) for w in widths]
    if len(widths) < 2 or min(widths) < 1 or len(set(widths)) != 1:
        raise ValueError(
            f"a bijective network needs at least two equal widths (d,d,...), got {widths}"
        )
    if activation not in ("leaky_relu", "smooth_leaky_relu"):
        raise ValueError(f"a bijective network needs a leaky activation, not {activation}")
    slope = default_slope(activation) if slope is None else slope
    if not 0 < slope < 1:
        raise ValueError(f"the slope must be in (0, 1), got {slope}")
    lo, hi = band
    if not (0 < lo <= hi and np.isfinite(hi)):
        raise ValueError(f"the singular-value band needs 0 < lo <= hi, got {lo:g}, {hi:g}")
    rng = np.random.default_rng(rng)
    d = widths[0]
    layers = []
    for i in range(len(widths) - 1):
        U = random_orthogonal(rng, d)
        s = rng.uniform(lo, hi, size=d)
        V = random_orthogonal(rng, d)
        last = i == len(widths) - 2
        act, c = ("identity", 0.0) if last else (activation, slope)
        layers.append(Layer((U * s) @ V.T, np.zeros(d), act, c))
    return Network(tuple(layers))


def random_network(
    widths: Sequence[int],
    *,
    activation: str = "relu",
    slope: float | None = None,
    bias: bool = False,
    rng: np.random.Generator | int | None = None,
    weight_variance: int = 1,
) -> Network:
    """A random network with the given widths (latent first): ``W_i`` entries
    ``N(0, v/n_i)`` with ``v = weight_variance`` (1, Lei's; 2, He scaling, [NEP] Remark 2),
    biases (if ``bias``) the same, ``activation`` at every layer.

    >>> random_network([3, 7, 11], rng=0).widths
    [3, 7, 11]
    """
    widths = [int(w) for w in widths]
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError("give at least two widths, each >= 1 (latent first)")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    slope = default_slope(activation) if slope is None else slope
    if activation != "relu" and not 0 < slope < 1:
        raise ValueError(f"the {activation} slope must be in (0, 1), got {slope}")
    if weight_variance not in (1, 2):
        raise ValueError(f"the weight variance must be 1 or 2 (times 1/n_i), got {weight_variance}")
    rng = np.random.default_rng(rng)
    layers = []
    for n_in, n_out in zip(widths, widths[1:], strict=False):
        sd = np.sqrt(weight_variance / n_out)
        W = rng.normal(0.0, sd, size=(n_out, n_in))
        b = rng.normal(0.0, sd, size=n_out) if bias else np.zeros(n_out)
        layers.append(Layer(W, b, activation, slope if activation != "relu" else 0.0))
    return Network(tuple(layers))


def random_problem(
    widths: Sequence[int],
    *,
    seed: int = 0,
    activation: str = "relu",
    slope: float | None = None,
    bias: bool = False,
    noise: str = "none",
    level: float = 0.0,
    tol: float = DEFAULT_TOL,
    box: float | None = None,
    check: bool = True,
    measurements: int | None = None,
    weight_variance: int = 1,
    problem: str | None = None,
    bijective: bool = False,
    band: tuple[float, float] = DEFAULT_BAND,
) -> InversionProblem:
    """A random network, a planted latent and its (noisy) target, with the approximate query
    the module docstring describes; the planted latent is checked exactly against it (unless
    ``check`` is false: benchmarks that only measure recovery skip the cost). The latent
    domain is ``R^k``, or with ``box`` the box ``[-box, box]^k`` (what the MILP back ends
    need), which must contain the planted latent.

    With ``problem`` (or ``measurements``, which implies ``cs``) the file is a recovery
    problem of :mod:`reluhard.measurements`: ``A`` i.i.d. ``N(0, 1/m)`` is drawn after ``z*``
    (so the weights and ``z*`` of a seed do not change) and appended, then the noise.
    ``sphere`` noise has the exact norm ``level ||A y*||`` (``level ||Y*||_F`` for the
    spiked model, whose ``level`` is ``nu``): Assumption C's deterministic noise."""
    if noise not in NOISES:
        raise ValueError(f"noise must be one of {', '.join(NOISES)}, got {noise!r}")
    if noise != "none" and not level > 0:
        raise ValueError(f"{noise} noise needs a level > 0")
    if not tol >= 0:
        raise ValueError("the tolerance must be >= 0")
    if box is not None and not box > 0:
        raise ValueError("the box half-width must be > 0")
    problem = _problem_kind(problem, measurements)
    limits.check_size("the random network", _estimated_bytes(widths, measurements, problem))
    rng = np.random.default_rng(seed)
    slope = default_slope(activation) if slope is None else slope
    net = _draw_network(widths, activation, slope, bias, rng, weight_variance, problem,
                        bijective, band)  # fmt: skip
    z = rng.standard_normal(net.in_dim)
    if box is not None and np.max(np.abs(z)) > box:
        raise ValueError(
            f"the planted latent has |z_i| = {np.max(np.abs(z)):.3g} > {box:g}: "
            "choose a larger box or another seed"
        )
    clean = forward(net, z)
    extra: dict[str, np.ndarray] = {}
    if problem is None:
        e = draw_noise(rng, noise, level, clean)
        x = clean + e
    else:
        net, clean, x, e, extra = measurements_mod.observe(
            net, clean, rng, problem, measurements, noise, level, draw_noise
        )
    domain = Domain("real") if box is None else Domain("box", -float(box), float(box))
    if noise in ("gaussian", "sphere") or problem == "spiked-wigner":
        query = Query("approx", 2, float(np.linalg.norm(x - clean)) + tol, strict=False)
    else:
        query = Query("approx", "inf", (level if noise == "uniform" else 0.0) + tol, strict=False)
    params = {
        "widths": list(net.widths),
        "seed": int(seed),
        "activation": activation,
        "bias": bool(bias),
        "noise": noise,
        "level": float(level),
        "tolerance": float(tol),
        "weights": f"N(0, {weight_variance}/n_out)",
    }
    if activation != "relu":
        params["slope"] = float(slope)
    if bijective:
        params.update(bijective=True, band=[float(band[0]), float(band[1])])
        params["weights"] = f"U diag(s) V^T, s ~ U[{band[0]:g}, {band[1]:g}]"
    if box is not None:
        params["box"] = float(box)
    if problem is not None:
        params.update(
            problem=problem,
            signal_layers=len(widths) - 1,
            measurements=measurements,
            weight_variance=int(weight_variance),
            noise_norm=float(np.linalg.norm(e)),
        )
    result = InversionProblem(
        net,
        x,
        domain,
        query,
        ReductionRecord(NAME, PAPER, SETTING, params),
        None,
        z,
        extra=extra,
    )
    if not check or float_only_reason(net):
        return result
    checked = check_latent(result, z)
    if not checked:  # only a tolerance below the rounding error of G(z*) gets here
        raise ValueError(
            f"tolerance {tol:g} is below the rounding error of G(z*): the planted latent "
            f"fails the stated query ({checked.reason})"
        )
    return result


def _draw_network(
    widths: Sequence[int],
    activation: str,
    slope: float,
    bias: bool,
    rng: np.random.Generator,
    weight_variance: int,
    problem: str | None,
    bijective: bool,
    band: tuple[float, float],
) -> Network:
    """:func:`bijective_network` or :func:`random_network`, as :func:`random_problem` asks."""
    if not bijective:
        return random_network(
            widths, activation=activation, slope=slope, bias=bias, rng=rng,
            weight_variance=weight_variance,
        )  # fmt: skip
    if bias or problem is not None:
        raise ValueError("a bijective network has no biases (G(0) = 0) and no measurements")
    return bijective_network(widths, activation=activation, slope=slope, band=band, rng=rng)


def _estimated_bytes(widths: Sequence[int], m: int | None, problem: str | None) -> int:
    """float64 bytes of the weights, the measurement layers and the spiked matrix, doubled
    for the draws' temporaries."""
    ws = [int(w) for w in widths]
    entries = sum(a * b for a, b in zip(ws, ws[1:], strict=False))
    n = ws[-1] if ws else 0
    if m:
        entries += 2 * m * n + 2 * m * m if problem == "phase" else m * n
    if problem == "spiked-wigner":
        entries += 3 * n * n
    return 16 * entries


def _problem_kind(problem: str | None, measurements: int | None) -> str | None:
    if problem is None and measurements is not None:
        problem = "cs"
    if problem is not None and problem not in measurements_mod.PROBLEMS:
        raise ValueError(
            f"problem must be one of {', '.join(measurements_mod.PROBLEMS)}, got {problem!r}"
        )
    if problem in ("cs", "phase") and not (measurements or 0) >= 1:
        raise ValueError(f"problem {problem} needs --measurements M >= 1")
    if problem in ("denoise", "spiked-wigner") and measurements is not None:
        raise ValueError(f"problem {problem} takes no measurements (A = I)")
    return problem


def draw_noise(rng: np.random.Generator, noise: str, level: float, clean: np.ndarray) -> np.ndarray:
    """The noise added to ``clean``: none, ``U(-a, a)`` or ``N(0, a^2)`` per coordinate, or
    ``sphere``: ``a ||clean||`` times a uniform unit vector (an exact norm)."""
    if noise == "uniform":
        return rng.uniform(-level, level, size=clean.shape)
    if noise == "gaussian":
        return rng.normal(0.0, level, size=clean.shape)
    if noise == "sphere":
        u = rng.standard_normal(clean.shape)
        return level * float(np.linalg.norm(clean)) * u / np.linalg.norm(u)
    return np.zeros(clean.shape)
