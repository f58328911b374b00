"""(0,1)-CVP_p with a real latent (``cvp-real``): the binary construction of
:mod:`.cvp_binary` lifted to ``z in R^n`` by the four extra layers of :mod:`.lift`
(Theorem 4 of "On the computational complexity of inverting generative models").

The lifted network reads ``z`` only through ``clamp(z, 0, 1)``, so the box ``[0, 1]^n`` loses
no solution; a real latent ``z`` stands for the binary one ``[clamp(z, 0, 1) >= 1/2]``, which
is how any latent (also an inexact one) is decoded. Validity in ``p`` is that of
:mod:`.cvp_binary`; :mod:`.lift` holds for every ``p``, strict or not.
"""

from __future__ import annotations

from . import cvp_binary
from .lift import Lifted

REDUCTION = Lifted(
    base=cvp_binary.REDUCTION,
    name="cvp-real",
    summary="CVP_p -> 5-layer ReLU net, latent R^(2n) (w.l.o.g. [0,1]^(2n)), ||G(z) - x||_p <= r",
    theorem="Theorem 4",
    doc=__doc__ or "",
)
