"""The one-layer trick of Theorems 3 and 5 of "On the computational complexity of inverting
generative models": ``G(y) = ReLU([A; -A] y + [c; -c])`` with target ``0`` has
``||G(y)||_p = ||A y + c||_p`` for every ``p`` (``|a|^p = ReLU(a)^p + ReLU(-a)^p``, and
``max(ReLU(a), ReLU(-a)) = |a|`` for ``p = inf``), so a question about ``||A y + c||_p`` over
binary ``y`` becomes an approximate-inversion question about a one-layer ReLU network."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..lazy import lazy_module
from ..network import Layer

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")


def plus_minus_layer(A: sp.csr_array, c: np.ndarray) -> Layer:
    """``ReLU([A; -A] y + [c; -c])``: rows ``0..r-1`` carry ``ReLU(A y + c)``, rows
    ``r..2r-1`` carry ``ReLU(-(A y + c))``."""
    A = sp.csr_array(A, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    return Layer(sp.vstack([A, -A], format="csr"), np.r_[c, -c], "relu")
