"""A Boolean circuit -> a ReLU network with a sign latent, exact inversion
(``circuit-sign``).

Pareek and Risteski, "The effects of invertibility on the representational complexity of
encoders in variational autoencoders", Theorem 2 (Sec. 6, App. E): the generator
``G(z) = C(sgn z)`` of a circuit ``C``. With the latent in ``{-1,1}^n`` (option i of the
circuits specification, what ``sat-sign`` does for CNFs) there is no sign stage:
``G(z) = C(z)``, built gate by gate from the exact gadgets of :mod:`.gadgets` (a threshold
gate is one unit, an XOR two, NOT free, wires carried by pass-through units) in the
levelised layers of :mod:`.circuit_layers`. Inverting ``G`` at ``x`` is finding a circuit
preimage ``C(b) = x``: the query is exact, ``G(z) = x``.

Conventions (:mod:`.circuit_query`): latent ``i`` is input ``i`` in file order, +1 = true;
output ``i`` is +1 when output bit ``i`` is true; the target is ``outputs=BITS``, the
outputs of ``planted=BITS``, or every output true.

Errata of the paper this construction settles (Part D of the specification): ``sgn(0)``
is undefined in ``G(z) = C(sgn z)`` (E2-7): the sign domain has no 0; and in the proof of
Theorem 2 "if ... sgn(z) = x~" should read ``C(sgn(z)) = x~`` (E2-5), which is the
preimage question asked here.
"""

from __future__ import annotations

from ..inversion import Domain, InversionProblem, Source
from ..problems.circuit import Circuit
from . import circuit_query
from .circuit_layers import compiled_size

NAME = "circuit-sign"
SOURCE_KIND = "circuit"
SUMMARY = "Boolean circuit -> levelised ReLU net G(z) = C(z), latent {-1,1}^n, exact"
PAPER = "Pareek and Risteski, invertibility and the complexity of VAE encoders"
THEOREM = "Theorem 2 (Sec. 6, App. E): G(z) = C(sgn z), sign latent"
CERTIFICATE = "an input vector of the circuit (literals i / -i)"


def build(circuit: Circuit, *, source: Source | None = None, outputs: str | None = None,
          planted: str | None = None) -> InversionProblem:  # fmt: skip
    """The ``circuit-sign`` problem of ``circuit`` (see the module docstring).

    >>> from reluhard.problems.circuit_build import Builder
    >>> b = Builder(2); x, y = b.inputs
    >>> p = build(b.finish([b.xor(x, y), b.and_(x, y)]), outputs="10")
    >>> p.network.widths, p.target.tolist(), p.domain.kind
    ([2, 3, 2], [1.0, -1.0], 'sign')
    """
    return circuit_query.problem(
        circuit,
        "sign",
        (NAME, PAPER, THEOREM),
        Domain("sign"),
        source=source,
        outputs=outputs,
        planted=planted,
    )


def size(circuit: Circuit, **params: str | None) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`)."""
    return compiled_size(circuit, "sign")


REDUCTION = circuit_query.construction(globals())
