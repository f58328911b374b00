"""Linear (back-substitution) bounds on every pre-activation: CROWN (Zhang et al.,
"Efficient Neural Network Robustness Certification with General Activation Functions",
NeurIPS 2018), the same relaxation as DeepPoly (Singh et al., POPL 2019).

Each unit's pre-activation is bounded by substituting, layer by layer back to the latent
box, a linear relaxation of every earlier ReLU with bounds ``[l, u]``: above by the chord
``u (a - l) / (u - l)``, below by ``a`` (when ``u >= -l``) or ``0``; stable units exactly.
Interval bounds lose every correlation between units; these keep them, which on deep dense
networks over small input boxes (VNN-COMP's ACAS Xu) makes most unstable units stable and
the MILP small. The arithmetic is float64 with each bound widened by a relative ``1e-9`` of
the magnitudes summed; the result only ever tightens the interval bounds it starts from.
Up to :data:`MAX_UNITS` units, as dense matrices (the cost is quadratic in the widths).
"""

from __future__ import annotations

import numpy as np

from ..network import Layer
from .bounds import Bounds

MAX_UNITS = 4000
PAD = 1e-9


def _relaxation(layer: Layer, lo: np.ndarray, hi: np.ndarray):
    """``(lower slope, upper slope, upper intercept)`` of each unit's activation."""
    if layer.activation == "identity":
        one = np.ones_like(lo)
        return one, one, np.zeros_like(lo)
    active, inactive = lo >= 0, hi <= 0
    unstable = ~(active | inactive)
    width = np.where(unstable, hi - lo, 1.0)
    up = np.where(active, 1.0, np.where(unstable, hi / width, 0.0))
    icpt = np.where(unstable, -up * lo, 0.0)
    low = np.where(active, 1.0, np.where(unstable & (hi >= -lo), 1.0, 0.0))
    return low, up, icpt


def _lower(rows: np.ndarray, const: np.ndarray, layers, bounds: Bounds, k: int) -> np.ndarray:
    """Lower bounds of ``rows @ h_{k-1} + const`` (``h_{-1}``: the latent)."""
    mag = np.abs(const)
    for j in range(k - 1, -1, -1):
        low, up, icpt = _relaxation(layers[j], bounds.pre_lo[j], bounds.pre_hi[j])
        pos, neg = np.maximum(rows, 0), np.minimum(rows, 0)
        const = const + neg @ icpt
        rows = pos * low + neg * up
        W = _dense(layers[j])
        const = const + rows @ layers[j].b
        mag = mag + np.abs(rows) @ np.abs(layers[j].b)
        rows = rows @ W
    lo, hi = bounds.latent_lo, bounds.latent_hi
    out = np.maximum(rows, 0) @ lo + np.minimum(rows, 0) @ hi + const
    mag = mag + np.abs(rows) @ np.maximum(np.abs(lo), np.abs(hi))
    return out - PAD * (1.0 + mag + np.abs(out))


def applies(layers) -> bool:
    """Relu/identity layers of at most :data:`MAX_UNITS` units in all."""
    return (
        all(layer.activation in ("relu", "identity") for layer in layers)
        and sum(layer.shape[0] for layer in layers) <= MAX_UNITS
    )


def _dense(layer: Layer) -> np.ndarray:
    return layer.csr.toarray() if layer.sparse else layer.W


def tighten(layers, bounds: Bounds) -> int:
    """Tighten ``bounds`` in place (pre- and post-activations, layer by layer from the
    first); returns how many bounds got tighter."""
    count = 0
    for k, layer in enumerate(layers):
        W, b = _dense(layer), layer.b
        lo = _lower(W, b.copy(), layers, bounds, k)
        hi = -_lower(-W, -b, layers, bounds, k)
        count += int(
            np.count_nonzero(lo > bounds.pre_lo[k]) + np.count_nonzero(hi < bounds.pre_hi[k])
        )
        bounds.pre_lo[k] = np.maximum(bounds.pre_lo[k], lo)
        bounds.pre_hi[k] = np.minimum(bounds.pre_hi[k], hi)
        plo, phi = bounds.pre_lo[k], bounds.pre_hi[k]
        if layer.activation == "relu":
            plo, phi = np.maximum(plo, 0), np.maximum(phi, 0)
        bounds.post_lo[k] = np.maximum(bounds.post_lo[k], plo)
        bounds.post_hi[k] = np.minimum(bounds.post_hi[k], phi)
    return count
