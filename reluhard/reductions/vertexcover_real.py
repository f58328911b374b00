"""Vertex Cover with a real latent (``vertexcover-real``): the binary construction of
:mod:`.vertexcover_binary` lifted to ``z in R^n`` by the four extra layers of :mod:`.lift`
(Section 2.2.3 lifted as in Theorem 4 of
the complexity paper).

The lifted network reads ``z`` only through ``clamp(z, 0, 1)``, so the box ``[0, 1]^n`` loses
no solution; a real latent ``z`` stands for the binary one ``[clamp(z, 0, 1) >= 1/2]``, which
is how any latent (also an inexact one) is decoded. Validity in ``p`` is that of
:mod:`.vertexcover_binary`; :mod:`.lift` holds for every ``p``, strict or not.
"""

from __future__ import annotations

from . import vertexcover_binary
from .lift import Lifted

REDUCTION = Lifted(
    base=vertexcover_binary.REDUCTION,
    name="vertexcover-real",
    summary="Vertex Cover -> 5-layer ReLU net, latent R^n (w.l.o.g. [0,1]^n), ||G(z)||_p <= delta",
    theorem="Section 2.2.3 lifted as in Theorem 4",
    doc=__doc__ or "",
)
