"""Factoring as circuit inversion (``reluhard factor N``): the factoring circuit of
:func:`~reluhard.problems.circuit_gen.factoring_circuit` for ``N``'s bit length, reduced
by ``circuit-sign`` (or ``circuit-real``), decided by an inversion back end, and the answer
mapped back: a preimage is two factors ``p, q > 1`` with ``p q = N`` (checked again in
integers), and no preimage means ``N`` is prime, which ``prove`` certifies by a DRUP proof
of the circuit's Tseitin CNF with the target fixed, checked by the verified checker.

A teaching entry point to Pareek and Risteski's Theorem 2: ``G(z) = C(sgn z)`` for a
multiplier ``C`` is easy to evaluate, and inverting it is factoring.

>>> f = factor(143)
>>> f.status.answer, f.factors
('SATISFIABLE', (11, 13))
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from . import pipeline
from .errors import InputError
from .inversion import InversionProblem
from .pipeline import Decision
from .problems.circuit import Circuit
from .problems.circuit_gen import factor_widths, factoring_circuit, factoring_target
from .status import Status


@dataclass
class Factoring:
    """The outcome: ``N``, the factor widths, the circuit and problem, the decision, and
    the factors ``(p, q)`` with ``p <= q`` when found."""

    N: int
    widths: tuple[int, int]
    circuit: Circuit
    problem: InversionProblem
    decision: Decision
    factors: tuple[int, int] | None = None

    @property
    def status(self) -> Status:
        return self.decision.status


def factoring_problem(N: int, via: str = "circuit-sign") -> InversionProblem:
    """The inversion problem whose solutions are the non-trivial factorisations of ``N``."""
    if N < 2:
        raise InputError(None, None, f"factor: N = {N} has no prime factorisation (give N >= 2)")
    circuit = factoring_circuit(N.bit_length())
    return pipeline.reduce_instance(circuit, via, "circuit", outputs=factoring_target(N))


def factor(
    N: int,
    *,
    solver: str = "auto",
    time_limit: float | None = None,
    via: str = "circuit-sign",
    prove: bool = True,
    proof_path: str | os.PathLike | None = None,
) -> Factoring:
    """Decide whether ``N`` is composite by inverting its factoring network; with ``prove``
    a NO is certified (the proof goes to ``proof_path``, or a temporary file)."""
    problem = factoring_problem(N, via)
    assert problem.source is not None
    circuit = problem.source.instance
    with tempfile.TemporaryDirectory() as tmp:
        path = proof_path or os.path.join(tmp, f"factor-{N}.drup")
        decision = pipeline.decide(
            problem, solver, time_limit=time_limit, prove=prove, proof_path=path
        )
    out = Factoring(N, factor_widths(N.bit_length()), circuit, problem, decision)
    if decision.status is Status.INVERTIBLE:
        bits = [x > 0 for x in decision.certificate]
        n = out.widths[0]
        p = sum(1 << i for i, b in enumerate(bits[:n]) if b)
        q = sum(1 << i for i, b in enumerate(bits[n:]) if b)
        if not (p > 1 and q > 1 and p * q == N):
            raise AssertionError(f"decoded factors {p} x {q} do not multiply to {N}")
        out.factors = (min(p, q), max(p, q))
    return out
