"""The dichotomy of Pareek and Risteski on ``G(z) = C(sgn z)``: the Theorem 1 encoder samples
the prior, the ideal encoder (one circuit inversion, then half-normal sampling) samples the
posterior.

Spec recovery-circuits-posterior.md B.1 (App. E, Lemmas 21-22) and B.2 (the dichotomy).
With ``G = C∘sgn`` the latent Gaussian model ``x = G(z) + ξ`` has the posterior

    p(z|x) ∝ N(z; 0, I) exp(-||x - C(sgn z)||² / (2β²)),

a mixture over orthants: weight ``w_b ∝ exp(-||x - C(b)||² / (2β²))`` on orthant ``b`` and,
inside it, ``z_i = b_i |ξ_i|`` (the prior restricted to the orthant, since G is constant
there). Circuits compute on ``{-1, 1}`` with +1 = true, as ``circuit-sign`` does.

- :func:`circuit_potential`: eq. 3's ``L`` for this G, and its gradient. ``J_G = 0`` off
  the coordinate hyperplanes (a null set), so ``∇L(z) = z``: the GD phase of Lemma 1 does
  not move from ``z = 0`` and the Langevin phase is ``z ← z - hz + √(2h) ξ``, which ignores
  ``x`` (:func:`theorem1_encoder`).
- :func:`ideal_encoder`: invert ``C`` at ``round(x)`` once with a reluhard exact back end
  (``circuit-sign`` reduction, :func:`reluhard.pipeline.decide`, whose certificate is
  checked against the circuit), then draw ``z = b ⊙ |ξ|``. Every sample is checked by
  simulating ``C`` on ``sgn z`` (Boolean, exact).
- :func:`orthant_weights`: the exact posterior weights ``w_b`` over all ``2^d`` orthants
  (brute force, ``d <= 20``), for the orthant TV and the Lemma 21-22 check
  (:func:`lemma_21_22`).
- :func:`feistel`: a small bijective test circuit, an ``r``-round Feistel network on
  ``2n`` bits with a Simon-like round function ``F(R) = (R<<<1 & R<<<3) ^ R<<<2 ^ k_r``
  (a Feistel network is a bijection whatever ``F``; with the key known it is not one-way:
  a sanity family, spec B.1 item 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from scipy.stats import beta as beta_dist

from .. import pipeline
from ..problems.circuit import Circuit, bits_text, simulate, truth_table
from ..problems.circuit_build import Builder
from ..status import Status
from .samplers import ula

# --------------------------------------------------------------------------- the circuit


def feistel(half: int, rounds: int, seed: int = 0) -> Circuit:
    """The ``rounds``-round Feistel permutation of ``2 * half`` bits: state ``(L, R)`` (inputs
    ``l0..``, then ``r0..``), round ``(L, R) -> (R, L ^ F(R) ^ k)`` with
    ``F(R)_i = (R_{i+1} & R_{i+3}) ^ R_{i+2}`` (indices mod ``half``) and round keys ``k``
    drawn from ``seed``; outputs the final ``(L, R)``.

    >>> c = feistel(3, 2)
    >>> len(set(map(tuple, truth_table(c).tolist())))  # a bijection of 6 bits
    64
    """
    if half < 3 or rounds < 1:
        raise ValueError(
            f"a Feistel circuit needs half >= 3 and rounds >= 1 (got {half}, {rounds})"
        )
    keys = np.random.default_rng(seed).integers(0, 2, size=(rounds, half))
    b = Builder(2 * half)
    L, R = b.inputs[:half], b.inputs[half:]
    for r in range(rounds):
        f = [
            b.xor(b.and_(R[(i + 1) % half], R[(i + 3) % half]), R[(i + 2) % half], int(keys[r, i]))
            for i in range(half)
        ]
        L, R = R, [b.xor(L[i], f[i]) for i in range(half)]
    names = [f"l{i}" for i in range(half)] + [f"r{i}" for i in range(half)]
    return b.finish(L + R, names, [f"L{i}" for i in range(half)] + [f"R{i}" for i in range(half)])


def signs_to_bits(S: np.ndarray) -> np.ndarray:
    """Latents (any real array) to circuit inputs: ``z > 0`` is true (``sgn 0`` is a null
    event under every sampler here; it reads as false)."""
    return np.asarray(S) > 0


def circuit_values(circuit: Circuit, Z: np.ndarray) -> np.ndarray:
    """``G(z) = C(sgn z)`` in ``{-1, 1}`` for the rows of ``Z``, by simulation."""
    return np.where(simulate(circuit, signs_to_bits(Z)), 1.0, -1.0)


# --------------------------------------------------------------------------- eq. 3


def circuit_potential(
    circuit: Circuit, x: np.ndarray, beta: float
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """``L(z) = ½(||z||² + ||G(z) - x||² / β²)`` for ``G = C∘sgn`` and its gradient
    ``∇L = z + J_G^T (G - x) / β² = z`` (``J_G = 0`` off the coordinate hyperplanes)."""
    if not beta > 0:
        raise ValueError(f"beta must be positive (got {beta})")
    x = np.asarray(x, dtype=float)

    def u(Z: np.ndarray) -> np.ndarray:
        r = circuit_values(circuit, Z) - x
        return 0.5 * (np.einsum("ij,ij->i", Z, Z) + np.einsum("ij,ij->i", r, r) / beta**2)

    def grad_u(Z: np.ndarray) -> np.ndarray:
        return np.array(Z, dtype=float)  # + J_G^T (G - x) / beta^2, with J_G = 0

    return u, grad_u


def observe(circuit: Circuit, b: np.ndarray, beta: float, rng: np.random.Generator) -> np.ndarray:
    """A draw of ``x = C(b) + β ξ`` for the input bits ``b``."""
    y = np.where(simulate(circuit, np.asarray(b, dtype=bool)), 1.0, -1.0)
    return y + beta * rng.standard_normal(y.shape)


# --------------------------------------------------------------------------- the encoders


def theorem1_encoder(
    circuit: Circuit,
    x: np.ndarray,
    beta: float,
    *,
    chains: int,
    step: float,
    steps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Pareek and Risteski's Theorem 1 encoder on ``G = C∘sgn``: gradient descent on
    ``½||G(z) - x||²`` from ``z = 0`` (Lemma 1), whose gradient ``J_G^T(G - x)`` is zero,
    so every GD step is the identity and ``z_init = 0``; then ``steps`` ULA steps of step
    ``h`` on eq. 3's potential for ``chains`` vectorised chains. Returns the samples
    ``(chains, d)``."""
    _, grad_u = circuit_potential(circuit, x, beta)
    z0 = np.zeros((chains, circuit.ninputs))
    return ula(grad_u, z0, step=step, steps=steps, rng=rng)


@dataclass
class Inversion:
    """One inversion by the ideal encoder: the target bits, the preimage found, the
    back end and the pipeline's check sentences."""

    target: np.ndarray
    preimage: np.ndarray
    solver: str
    checks: list[str]


def invert(circuit: Circuit, target: np.ndarray, solver: str = "sat") -> Inversion:
    """A preimage of the output bits ``target`` through the ``circuit-sign`` network, by the
    exact back end ``solver``; the pipeline checks the decoded certificate against the
    circuit. Raises ``ValueError`` when the back end finds none (a bijection always has one)."""
    problem = pipeline.reduce_instance(
        circuit, "circuit-sign", "circuit", outputs=bits_text(target)
    )
    decision = pipeline.decide(problem, solver)
    if decision.status is not Status.INVERTIBLE:
        raise ValueError(f"the {solver} back end found no preimage ({decision.status.name})")
    lits = np.asarray(decision.certificate, dtype=np.int64)
    bits = np.zeros(circuit.ninputs, dtype=bool)
    bits[np.abs(lits) - 1] = lits > 0
    return Inversion(np.asarray(target, dtype=bool), bits, decision.verdict.solver, decision.checks)


def ideal_encoder(
    circuit: Circuit,
    x: np.ndarray,
    n: int,
    rng: np.random.Generator,
    solver: str = "sat",
) -> tuple[np.ndarray, Inversion]:
    """The ideal encoder of spec B.1 (Lemmas 21-22): one inversion of ``C`` at
    ``round(x)``, then ``n`` half-normal samples ``z = b ⊙ |ξ|`` in that orthant. Every
    sample is checked: ``C(sgn z)`` must equal ``round(x)`` bit for bit (AssertionError
    otherwise, never a wrong sample)."""
    target = np.asarray(x) > 0
    inv = invert(circuit, target, solver)
    sign = np.where(inv.preimage, 1.0, -1.0)
    Z = sign * np.abs(rng.standard_normal((n, circuit.ninputs)))
    got = simulate(circuit, signs_to_bits(Z))
    if not np.all(got == target):
        raise AssertionError("an ideal-encoder sample does not map to the observed output")
    return Z, inv


# --------------------------------------------------------------------------- exact weights


def orthant_log_weights(circuit: Circuit, x: np.ndarray, beta: float) -> np.ndarray:
    """The normalised log posterior weights ``log w_b`` of the ``2^d`` orthants (row ``k``
    of :func:`~reluhard.problems.circuit.all_input_vectors`: input ``i`` is bit ``i`` of
    ``k``); brute force, so ``d <= 20``."""
    if circuit.ninputs > 20:
        raise ValueError(f"{circuit.ninputs} inputs: the brute-force weights need d <= 20")
    Y = np.where(truth_table(circuit), 1.0, -1.0)
    logw = -np.sum((Y - np.asarray(x, dtype=float)) ** 2, axis=1) / (2 * beta**2)
    return logw - logsumexp(logw)


def orthant_index(Z: np.ndarray) -> np.ndarray:
    """The orthant of each row of ``Z`` as the row index of ``all_input_vectors``."""
    bits = signs_to_bits(Z).astype(np.int64)
    return bits @ (1 << np.arange(bits.shape[1], dtype=np.int64))


def orthant_tv(circuit: Circuit, x: np.ndarray, beta: float, Z: np.ndarray) -> float:
    """The TV between the samples' orthant frequencies and the posterior's orthant weights:
    a lower bound on the TV of the samples' law to ``p(z|x)``."""
    w = np.exp(orthant_log_weights(circuit, x, beta))
    freq = np.bincount(orthant_index(Z), minlength=w.size) / len(Z)
    return float(0.5 * np.abs(freq - w).sum())


def binomial_interval(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Clopper-Pearson interval of a binomial rate."""
    a = (1 - confidence) / 2
    lo = 0.0 if hits == 0 else float(beta_dist.ppf(a, hits, n - hits + 1))
    hi = 1.0 if hits == n else float(beta_dist.ppf(1 - a, hits + 1, n - hits))
    return lo, hi


@dataclass
class Lemma2122:
    """The Lemma 21-22 check: trials, how many had ``round(x) = C(b)``, and the largest
    posterior mass outside ``C^{-1}(round x)`` (as a natural log) against ``-2d``."""

    trials: int
    rounded: int
    max_log_outside: float
    d: int


def lemma_21_22(
    circuit: Circuit, trials: int, rng: np.random.Generator, beta: float | None = None
) -> Lemma2122:
    """Spec B.3.1: for ``β = 0.1/√d`` and ``x = C(b) + βξ``, ``round(x) = C(b)`` with
    probability ``>= 1 - e^{-d}``, and the exact weights put ``>= 1 - e^{-2d}`` on the
    orthant ``C^{-1}(round x)`` (brute force over the ``2^d`` orthants)."""
    d = circuit.ninputs
    beta = 0.1 / np.sqrt(d) if beta is None else beta
    table = truth_table(circuit)
    rounded, worst = 0, -np.inf
    for _ in range(trials):
        b = rng.integers(0, 2, size=d).astype(bool)
        x = observe(circuit, b, beta, rng)
        rx = x > 0
        rounded += bool(np.all(rx == simulate(circuit, b)))
        logw = orthant_log_weights(circuit, x, beta)
        inside = np.all(table == rx, axis=1)
        out = logsumexp(logw[~inside]) if np.any(~inside) else -np.inf
        worst = max(worst, float(out))
    return Lemma2122(trials, rounded, worst, d)
