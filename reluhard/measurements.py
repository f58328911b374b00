"""Signal recovery with a generative prior: the measurement operators of the
non-expansive-prior paper ([NEP], "Signal Recovery with Non-Expansive Generative Network
Priors", Cocola, arXiv 2204.13599; spec ``recovery-circuits-posterior.md`` Part A), as layers
appended to a random network, and what a back end reports against the planted signal.

A recovery problem is a network ``G`` (the *signal layers*: every layer ReLU, no biases,
[NEP] eq. 2) and data about ``y* = G(x*)``:

- ``cs`` (compressed sensing, [NEP] §3): ``b = A y* + eta`` with ``A`` i.i.d. ``N(0, 1/m)``
  (Assumption A.2), appended as one ``identity`` layer, so ``1/2 ||G_A(z) - b||^2`` is the
  loss ``f_cs`` of eq. (1) (printed ``argmin_{x in R^x}``: meant is ``R^k``, erratum E3-1);
- ``denoise`` ([NEP] Thm 1.2, after Heckel et al. [20]): ``y = y* + eta``, ``A = I``, no
  extra layer;
- ``phase`` (phase retrieval, Thm 1.2 after Hand-Leong-Voroninski [16]): ``b = |A y*| + eta``.
  ``|a| = ReLU(a) + ReLU(-a)`` exactly, so the network gets ``ReLU([A; -A] .)`` (2m units)
  and the linear layer ``[I I]``: ``1/2 || |A G(x)| - b ||^2`` is the plain least-squares loss
  of the network, and ReLU'(0) = 0 gives the subgradient's ``sgn(0) = 0``;
- ``spiked-wigner`` (Thm 1.2 after Cocola et al. [8]): ``Y = y* y*^T + H`` with ``H``
  symmetric, ``H_ij ~ N(0, nu^2/n)``, stored in the file as ``spiked.M``; its loss
  ``1/4 ||G(x) G(x)^T - Y||_F^2`` is quartic in ``G``, not a network least squares
  (:func:`spiked_objective_and_gradient`). The file's own query is about the spectral
  estimate ``sqrt(lambda_1) v_1`` of ``Y`` (sign chosen with a nonnegative sum, since
  ``G >= 0``): is there a latent whose signal is at least as close to it as ``y*``.

The losses for the last three are those of the cited works: [NEP]'s Appendix F, which
states them, is not in the seed text (erratum E3-9), so they are [from ref].

The file's ``meta.reduction.params`` records ``problem``, ``signal_layers`` (the number of
layers of ``G``: the signal ``G(z)`` is the output of that layer), ``measurements`` (m),
``weight_variance`` and ``noise_norm`` (``||eta||``, or ``||H||_F`` for the spiked model).
"""

from __future__ import annotations

import math

import numpy as np

from .errors import InputError
from .inversion import InversionProblem
from .network import Layer, Network, forward

PROBLEMS = ("cs", "denoise", "phase", "spiked-wigner")
SPIKED = "spiked.M"


def measurement_layers(A: np.ndarray, problem: str) -> list[Layer]:
    """The layers appended to ``G`` for ``problem``: ``A`` as an identity layer (``cs``),
    ``ReLU([A; -A])`` then ``[I I]`` (``phase``: ``|A y|`` exactly), none otherwise.

    >>> import numpy as np
    >>> from reluhard.network import Network, forward
    >>> net = Network(tuple(measurement_layers(np.array([[1.0, -2.0]]), "phase")))
    >>> forward(net, np.array([1.0, 1.0]))
    array([1.])
    """
    m = A.shape[0]
    if problem == "cs":
        return [Layer(A, np.zeros(m), "identity")]
    if problem == "phase":
        return [
            Layer(np.vstack([A, -A]), np.zeros(2 * m), "relu"),
            Layer(np.hstack([np.eye(m), np.eye(m)]), np.zeros(m), "identity"),
        ]
    return []


def observe(net: Network, y: np.ndarray, rng: np.random.Generator, problem: str,
            m: int | None, noise: str, level: float, draw_noise):  # fmt: skip
    """The data of ``problem`` about the signal ``y = G(z*)``, drawn from ``rng`` after
    ``z*``: ``A`` (``cs``, ``phase``), then the noise by ``draw_noise(rng, noise, level,
    clean)``. Returns the network with its measurement layers, the clean observation the
    query measures against, the target, the noise and the extra arrays."""
    if problem == "spiked-wigner":
        return _spiked(net, y, rng, noise, level)
    A = rng.normal(0.0, 1.0 / math.sqrt(m), size=(m, y.size)) if m else None
    full = net if A is None else Network(net.layers + tuple(measurement_layers(A, problem)))
    clean = y if A is None else (A @ y if problem == "cs" else np.abs(A @ y))
    e = draw_noise(rng, noise, level, clean)
    return full, clean, clean + e, e, {}


def _spiked(net: Network, y: np.ndarray, rng: np.random.Generator, noise: str, level: float):
    """``Y = y y^T + H``, ``H`` symmetric with ``H_ij ~ N(0, nu^2/n)`` (``nu = level``;
    ``sphere``: ``||H||_F = nu ||y y^T||_F`` exactly), and the spectral estimate as target."""
    if noise == "uniform":
        raise ValueError("spiked-wigner takes gaussian or sphere noise (H symmetric), not uniform")
    n = y.size
    B = rng.standard_normal((n, n))
    H = (B + B.T) / math.sqrt(2.0)
    np.fill_diagonal(H, np.diag(B))
    if noise == "sphere":
        H *= level * float(np.linalg.norm(np.outer(y, y))) / float(np.linalg.norm(H))
    else:
        H *= level / math.sqrt(n)  # level 0 (noise none): H = 0
    Y = np.outer(y, y) + H
    vals, vecs = np.linalg.eigh(Y)
    v = vecs[:, -1] * (1.0 if vecs[:, -1].sum() >= 0 else -1.0)
    x = math.sqrt(max(float(vals[-1]), 0.0)) * v
    return net, y, x, H, {SPIKED: Y}


def params(problem: InversionProblem) -> dict:
    """The recovery parameters of ``problem`` (empty when it is not a recovery problem)."""
    red = problem.reduction
    if red is None or red.params.get("problem") not in PROBLEMS:
        return {}
    why = _params_fault(red.params, len(problem.network.layers))
    if why:
        raise InputError(None, None, f"inconsistent recovery file: meta 'reduction.params' {why}")
    return red.params


def _params_fault(p: dict, layers: int) -> str | None:
    def integer(key: str, lo: int, hi: int, optional: bool = False) -> bool:
        v = p.get(key)
        if v is None and optional:
            return True
        return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi

    if not integer("signal_layers", 1, layers):
        return f"'signal_layers' is {p.get('signal_layers')!r}, not a layer count 1..{layers}"
    if not integer("measurements", 1, 1 << 40, optional=True):
        return f"'measurements' is {p.get('measurements')!r}"
    if not integer("weight_variance", 1, 2, optional=True):
        return f"'weight_variance' is {p.get('weight_variance')!r}, not 1 or 2"
    for key in ("noise_norm", "level"):
        v = p.get(key, 0.0)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            return f"'{key}' is {v!r}, not a finite number >= 0"
    return None


def is_recovery(problem: InversionProblem) -> bool:
    return bool(params(problem))


def signal_network(problem: InversionProblem) -> Network:
    """``G``: the signal layers (the whole network when it is not a recovery problem)."""
    p = params(problem)
    layers = problem.network.layers
    return Network(layers[: int(p.get("signal_layers", len(layers)))])


def depth(problem: InversionProblem) -> int:
    """``d``: the number of ReLU layers of ``G`` (before any measurement layer)."""
    return sum(layer.activation != "identity" for layer in signal_network(problem).layers)


def auto_step(problem: InversionProblem, c: float = 0.5) -> float:
    """``lr=auto``: ``c 2^d`` for ``N(0, 1/n_i)`` weights and ``c`` for ``N(0, 2/n_i)``
    ([NEP] Remarks 1-2; the paper's ``K_3 2^d / d^2`` has an unknown constant); for the
    spiked loss, quartic in ``G``, ``c 2^d / lambda_1(Y)`` (variance 1; ``c / lambda_1``
    for variance 2) by the same scaling, since its curvature at ``x*`` is about
    ``2^{-d} ||y*||^2`` and ``lambda_1(Y) ~ ||y*||^2``. A file that is not a recovery problem
    gets Lei's step 1."""
    p = params(problem)
    if not p:
        return 1.0
    scale = 2.0 ** depth(problem) if int(p.get("weight_variance", 1)) == 1 else 1.0
    if p["problem"] == "spiked-wigner":
        M = problem.extra.get(SPIKED)
        if M is None or M.ndim != 2 or M.shape[0] != M.shape[1]:
            raise InputError(None, None, f"a spiked-wigner file needs its square matrix '{SPIKED}'")
        top = float(np.linalg.eigvalsh(M)[-1])
        return c * scale / max(top, 1e-12)
    return c * scale


def spiked_objective_and_gradient(
    net: Network, z: np.ndarray, M: np.ndarray
) -> tuple[float, np.ndarray]:
    """``f(z) = 1/4 ||G(z) G(z)^T - M||_F^2`` and the subgradient
    ``Lambda_z^T (G G^T - M) G`` (ReLU'(0) = 0), by one backward pass.

    >>> import numpy as np
    >>> from reluhard.network import Layer, Network
    >>> net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    >>> spiked_objective_and_gradient(net, np.array([1.0, 0.0]), np.zeros((2, 2)))
    (0.25, array([1., 0.]))
    """
    from .solvers.gd import backpropagate, forward_keeping

    G, pres = forward_keeping(net, z)
    R = np.outer(G, G) - M
    return 0.25 * float(np.sum(R * R)), backpropagate(net, pres, R @ G)


def spiked_value(net: Network, z: np.ndarray, M: np.ndarray) -> float:
    G = forward(net, z)
    R = np.outer(G, G) - M
    return 0.25 * float(np.sum(R * R))


def recovery_stats(problem: InversionProblem, z: np.ndarray) -> dict[str, float]:
    """What the verdict reports on a recovery problem at the point ``z``: the signal error
    ``||G(z) - y*||``, its ratio to ``||eta||`` and to the least-squares prediction
    ``||eta|| sqrt(k/(m-k-1))`` (spec A.1: ``E||G(x) - y*||^2 = ||eta||^2 k/(m-k-1)`` at
    the least-squares point of ``x*``'s activation region, for any network; ``k/n`` for
    denoising with isotropic noise), or for the spiked model ``||G G^T - y* y*^T||_F``
    beside ``nu sqrt(k log n / n)``."""
    p = params(problem)
    if not p or problem.planted is None:
        return {}
    G = signal_network(problem)
    y, ystar = forward(G, z), forward(G, problem.planted)
    k, noise = problem.n, float(p.get("noise_norm", 0.0))
    err = float(np.linalg.norm(y - ystar))
    out = {"signal_error": err, "noise_norm": noise}
    if p["problem"] == "spiked-wigner":
        n = ystar.size
        out["spiked_error"] = float(np.linalg.norm(np.outer(y, y) - np.outer(ystar, ystar)))
        out["spiked_prediction"] = float(p.get("level", 0.0)) * math.sqrt(k * math.log(n) / n)
        return out
    m = int(p.get("measurements") or ystar.size)
    if noise > 0:
        out["error_over_noise"] = err / noise
        pred = prediction(k, m, p["problem"])
        if pred is not None:
            out["ls_prediction"] = pred
            out["error_over_prediction"] = err / (noise * pred)
    return out


def prediction(k: int, m: int, problem: str = "cs") -> float | None:
    """The least-squares ratio ``E||G(x) - y*|| / ||eta||``: ``sqrt(k/(m-k-1))`` (inverse
    Wishart mean, needs ``m > k + 1``) for measurements, ``sqrt(k/n)`` for denoising.

    >>> round(prediction(10, 200), 4), prediction(10, 11)
    (0.23, None)
    """
    if problem == "denoise":
        return math.sqrt(k / m)
    return math.sqrt(k / (m - k - 1)) if m > k + 1 else None


def width_profile(widths: list[int], m: int | None = None) -> list[str]:
    """Lines for ``reluhard info``: the widths against ``k``, which layers contract, and
    the log terms of [NEP] eqs. (11)-(12) without their constants:
    ``L_i = k log prod_{j<i} (e n_j / k)`` (``L_1 = k``) and ``L_m = k log prod_j (e n_j/k)``
    (the printed ``n_i`` inside ``prod_j`` is a typo for ``n_j``, erratum E3-5)."""
    k = widths[0]
    lines = [f"  {'layer':>5}  {'n_i':>7}  {'n_i/k':>7}  {'L_i':>9}  {'n_i/L_i':>8}  kind"]
    logsum = 0.0
    for i, n in enumerate(widths[1:], 1):
        L = k if i == 1 else k * logsum
        kind = "contractive" if n < widths[i - 1] else "expansive"
        lines.append(f"  {i:>5}  {n:>7}  {n / k:>7.2f}  {L:>9.1f}  {n / L:>8.3f}  {kind}")
        logsum += math.log(math.e * n / k)
    if m is not None:
        Lm = k * logsum
        lines.append(f"  measurements m = {m}: L_m = {Lm:.1f}, m / L_m = {m / Lm:.3f}")
    lines.append(
        "  the constants C~_eps, C^_eps of eqs. (11)-(12) are unknown (polynomial in 1/eps): "
        "these ratios are shapes to compare, not a check of the assumptions"
    )
    return lines
