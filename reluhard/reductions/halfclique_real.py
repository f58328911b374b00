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

from . import halfclique_binary
from .lift import Lifted

REDUCTION = Lifted(
    base=halfclique_binary.REDUCTION,
    name="halfclique-real",
    summary="Half-Clique -> 5-layer ReLU net, latent R^n (w.l.o.g. [0,1]^n), ||G(z)||_p < delta",
    theorem="Theorem 5 lifted as in Theorem 4",
    doc=__doc__ or "",
)
