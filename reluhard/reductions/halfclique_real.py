"""Half-Clique with a real latent (``halfclique-real``): the binary construction of
:mod:`.halfclique_binary` lifted to ``z in R^n`` by the four extra layers of :mod:`.lift`
(Theorem 5 lifted as in Theorem 4 of
the complexity paper).

The lifted network reads ``z`` only through ``clamp(z, 0, 1)``, so the box ``[0, 1]^n`` loses
no solution; a real latent ``z`` stands for the binary one ``[clamp(z, 0, 1) >= 1/2]``, which
is how any latent (also an inexact one) is decoded. Validity in ``p`` is that of
:mod:`.halfclique_binary`; :mod:`.lift` holds for every ``p``, strict or not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..inversion import InversionProblem, Source
from . import halfclique_binary as base
from . import lift

NAME = "halfclique-real"
SOURCE_KIND = "graph"
SUMMARY = "Half-Clique -> 5-layer ReLU net, latent R^n (w.l.o.g. [0,1]^n), ||G(z)||_p < delta"
PAPER = base.PAPER
THEOREM = "Theorem 5 lifted as in Theorem 4"
PARAMS = base.PARAMS
CERTIFICATE = base.CERTIFICATE


def build(instance, *, source: Source | None = None, **params) -> InversionProblem:
    """``lift(base.build(instance))`` (see :mod:`.lift`)."""
    binary = base.build(instance, source=source, **params)
    lifted = lift.lift(binary)
    info = dict(binary.reduction, name=NAME, theorem=THEOREM)
    info["params"] = dict(info["params"], gamma=lift.gamma(binary.query))
    return InversionProblem(
        lifted.network, lifted.target, lifted.domain, lifted.query, info, source
    )


def encode(instance, certificate, **params) -> np.ndarray:
    """The binary latent of the certificate is a real latent that works."""
    return base.encode(instance, certificate, **params)


def decode(instance, z: Sequence[float] | np.ndarray, **params):
    """``base.decode`` of the binary latent ``[clamp(z, 0, 1) >= 1/2]``."""
    return base.decode(instance, lift.decode(z), **params)


def fault(instance, certificate, **params) -> str | None:
    return base.fault(instance, certificate, **params)


def check(instance, certificate, **params) -> bool:
    return base.check(instance, certificate, **params)
