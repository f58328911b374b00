"""A Boolean circuit -> a ReLU network with a real latent, exact inversion
(``circuit-real``): the clamp-and-penalty form (option ii of Part B.1 of the circuits
specification) of Pareek and Risteski's ``G(z) = C(sgn z)`` (Theorem 2, Sec. 6, App. E).

``sgn`` is discontinuous and every ReLU network is continuous, so no ReLU network equals
``C(sgn z)`` on all of ``R^n``. This network asks the same question exactly instead, the
way ``sat-real`` does for CNFs (:mod:`.circuit_layers` builds it):

1. ``h = R(z + 1)`` and ``g = R(2 - h)`` (``n`` units each), so ``v = 1 - g =
   clamp(z, -1, 1)`` (folded into the next weights);
2. the circuit's levelised layers read ``v``; the first also holds ``R(v_i)`` and
   ``R(-v_i)``, which carry input ``i`` on (``v_i = R(v_i) - R(-v_i)``) and sum to
   ``sigma = sum_i |v_i| >= 0``; one unit ``R(sigma) = sigma`` per later layer carries it;
3. the outputs are the circuit's (+1 true, -1 false, in output order) and, last, the
   penalty output ``sigma``, with target ``n``.

Why it is right: ``sigma = n`` iff every ``|v_i| = 1``, i.e. ``v`` is a sign vector,
``v = sgn z``, and on sign vectors the gadgets are exact. So ``G'(z) = (x, n)`` iff every
``|z_i| >= 1`` and ``C(sgn z) = x``: a solution is a preimage, and a latent with some
``|z_i| < 1`` is none, whatever the other outputs read (there the gadgets see fractional
inputs and the penalty output is below ``n``).

Domain: ``z in R^n``; the box ``[-1, 1]^n`` is without loss of generality because ``G'``
reads ``z`` only through ``clamp(z, -1, 1)``, so the clamp of a solution is a solution.
A certificate (an input vector) encodes to its corner of the box; any latent decodes by
``sgn(clamp(z))`` (input ``i`` true iff ``z_i > 0``).

The conventions and target parameters are those of ``circuit-sign``
(:mod:`.circuit_query`). Of the paper's errata (Part D of the specification), ``sgn(0)`` is
undefined in ``G(z) = C(sgn z)`` (E2-7): here ``z_i = 0`` gives ``|v_i| = 0`` and the
penalty rejects it, so no convention is needed.
"""

from __future__ import annotations

from ..inversion import Domain, InversionProblem, Source
from ..problems.circuit import Circuit
from . import circuit_query
from .circuit_layers import compiled_size

NAME = "circuit-real"
SOURCE_KIND = "circuit"
SUMMARY = "Boolean circuit -> clamp + levelised ReLU net + sum|v| penalty, latent R^n, exact"
PAPER = "Pareek and Risteski, invertibility and the complexity of VAE encoders"
THEOREM = "Theorem 2 (Sec. 6, App. E): G(z) = C(sgn z), real latent (clamp and penalty)"
CERTIFICATE = "an input vector of the circuit (literals i / -i)"
WLOG_REASON = "G reads z only through clamp(z, -1, 1), so clamp(z) solves whenever z does"


def build(circuit: Circuit, *, source: Source | None = None, outputs: str | None = None,
          planted: str | None = None) -> InversionProblem:  # fmt: skip
    """The ``circuit-real`` problem of ``circuit`` (see the module docstring).

    >>> from reluhard.problems.circuit_build import Builder
    >>> b = Builder(2); x, y = b.inputs
    >>> p = build(b.finish([b.xor(x, y), b.and_(x, y)]), outputs="10")
    >>> p.network.widths, p.target.tolist()
    ([2, 2, 2, 7, 3], [1.0, -1.0, 2.0])
    """
    return circuit_query.problem(
        circuit,
        "real",
        (NAME, PAPER, THEOREM),
        Domain("real", -1.0, 1.0, WLOG_REASON),
        source=source,
        outputs=outputs,
        planted=planted,
    )


def size(circuit: Circuit, **params: str | None) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`)."""
    return compiled_size(circuit, "real")


REDUCTION = circuit_query.construction(globals())
