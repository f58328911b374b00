"""ReLU networks: the layers, and the forward pass in floating point and in exact rationals.

A :class:`Network` is a sequence of layers ``a -> act(W a + b)`` with ``W`` a dense float64
array or a scipy CSR matrix (kept sparse end to end: a CNF with a million clauses never
becomes a dense matrix). Activations are ``relu``, ``leaky_relu`` (``max(a, c a)`` with slope
``c``; Lei et al. print ``max(c a, a)`` with the opposite sign convention for ``c``, an
erratum) and ``identity`` (a final linear layer, as in the papers' ``G(z) = W_2 ReLU(W_1 z +
b_1)``).

The exact forward pass treats every float64 as the rational it denotes (a float is a dyadic
rational, so ``fractions.Fraction(x)`` is exact) and computes in integers: each layer is
scaled once to an integer matrix over a common denominator; values travel as an integer
numerator vector over one positive denominator. int64 is used when a bound on the result
proves it cannot overflow, Python integers otherwise, so the result is always exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import gcd, lcm

import numpy as np
import scipy.sparse as sp

ACTIVATIONS = ("relu", "leaky_relu", "identity")
_INT64_SAFE = 2**62


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer ``act(W a + b)``; ``W`` has shape (out, in), dense ndarray or CSR."""

    W: np.ndarray | sp.csr_array
    b: np.ndarray
    activation: str = "relu"
    slope: float = 0.0

    def __post_init__(self) -> None:
        W = self.W
        if sp.issparse(W):
            W = sp.csr_array(W, dtype=np.float64)
            W.sum_duplicates()
            W.sort_indices()
        else:
            W = np.ascontiguousarray(W, dtype=np.float64)
            if W.ndim != 2:
                raise ValueError("W must be 2-dimensional")
        b = np.ascontiguousarray(self.b, dtype=np.float64).reshape(-1)
        if b.shape != (W.shape[0],):
            raise ValueError(f"b has shape {b.shape}, W has {W.shape[0]} rows")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "slope", float(self.slope))

    @property
    def sparse(self) -> bool:
        return sp.issparse(self.W)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.W.shape)

    @property
    def nnz(self) -> int:
        return int(self.W.nnz) if self.sparse else int(np.count_nonzero(self.W))

    def pre(self, A: np.ndarray) -> np.ndarray:
        """Pre-activations for a batch ``A`` of shape (batch, in)."""
        return np.asarray(A @ self.W.T) + self.b

    def act(self, H: np.ndarray) -> np.ndarray:
        if self.activation == "relu":
            return np.maximum(H, 0.0)
        if self.activation == "leaky_relu":
            return np.maximum(H, self.slope * H)
        return H

    @cached_property
    def _rational(self) -> tuple:
        return _layer_rational(self)


@dataclass(frozen=True, eq=False)
class Network:
    """A feed-forward ReLU network ``G = L_k o ... o L_1``."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        if not layers:
            raise ValueError("a network needs at least one layer")
        for i in range(1, len(layers)):
            if layers[i].shape[1] != layers[i - 1].shape[0]:
                raise ValueError(f"layer {i} takes {layers[i].shape[1]} inputs, "
                                 f"layer {i - 1} gives {layers[i - 1].shape[0]}")
        object.__setattr__(self, "layers", layers)

    @property
    def in_dim(self) -> int:
        return self.layers[0].shape[1]

    @property
    def out_dim(self) -> int:
        return self.layers[-1].shape[0]

    @property
    def widths(self) -> list[int]:
        return [self.in_dim] + [layer.shape[0] for layer in self.layers]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return forward(self, z)


def forward(net: Network, z: np.ndarray, *, all_layers: bool = False):
    """Float forward pass. ``z`` has shape (in,) or (batch, in); returns the output of the
    same leading shape, or with ``all_layers`` the list of every layer's output."""
    A = np.asarray(z, dtype=np.float64)
    single = A.ndim == 1
    A = np.atleast_2d(A)
    outs = []
    for layer in net.layers:
        A = layer.act(layer.pre(A))
        outs.append(A[0] if single else A)
    return outs if all_layers else outs[-1]


# ---------------------------------------------------------------------------------------
# exact rational arithmetic


def rational_vector(values: Sequence) -> tuple[np.ndarray, int]:
    """``(num, den)`` with ``values == num / den`` exactly, ``den >= 1``; ``values`` may hold
    floats, ints, ``Fraction`` s or strings like ``"3/4"``. ``num`` is int64 when small enough,
    else an object array of Python ints."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iub":
        return _shrink(arr.astype(object) if arr.dtype == np.uint64 else arr.astype(np.int64)), 1
    if arr.dtype.kind == "f":
        return _float_rational(arr.astype(np.float64))
    fr = [Fraction(v) for v in arr.ravel().tolist()]
    den = lcm(*(f.denominator for f in fr)) if fr else 1
    num = np.array([f.numerator * (den // f.denominator) for f in fr], dtype=object)
    return _shrink(num.reshape(arr.shape)), den


def _float_rational(x: np.ndarray) -> tuple[np.ndarray, int]:
    if not np.all(np.isfinite(x)):
        raise ValueError("non-finite value has no rational value")
    if np.all(x == np.round(x)) and (x.size == 0 or np.abs(x).max() < 2**53):
        return x.astype(np.int64), 1
    mant, exp = np.frexp(x)  # x = mant * 2**exp, 0.5 <= |mant| < 1
    m = (mant * 2.0**53).astype(np.int64)
    e = exp.astype(np.int64) - 53
    nz = m != 0
    tz = np.zeros_like(m)
    if np.any(nz):  # strip trailing zero bits so denominators stay small
        low = m[nz] & -m[nz]
        tz[nz] = np.log2(low.astype(np.float64)).astype(np.int64)
    m = m >> tz
    e = e + tz
    k = int(max(0, -e[nz].min())) if np.any(nz) else 0
    shift = e + k  # >= 0 where nz
    if (shift[nz].max(initial=0) + 54) < 62:
        num = np.where(nz, m << np.where(nz, shift, 0), 0)
    else:
        num = np.array([int(mi) << int(si) if mi else 0 for mi, si in
                        zip(m.ravel().tolist(), shift.ravel().tolist(), strict=True)], dtype=object)
        num = num.reshape(x.shape)
    return _shrink(num), 1 << k


def _shrink(num: np.ndarray) -> np.ndarray:
    """int64 if every entry fits safely, else object (Python ints)."""
    if num.dtype == object:
        if num.size == 0 or max(abs(int(v)) for v in num.ravel()) < _INT64_SAFE:
            return num.astype(np.int64)
        return num
    return num


def _absmax(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(v)) for v in a.ravel())
    return int(np.abs(a).max())


def _layer_rational(layer: Layer):
    if layer.sparse:
        data, dden = _float_rational(layer.W.data)
        W = (data, layer.W.indices, layer.W.indptr)
        row_nnz = int(np.diff(layer.W.indptr).max(initial=0))
    else:
        data, dden = _float_rational(layer.W)
        W = data
        row_nnz = layer.W.shape[1]
    bnum, bden = _float_rational(layer.b)
    slope = Fraction(layer.slope)
    return W, dden, bnum, bden, row_nnz, _absmax(data), slope


def _matvec(W, num: np.ndarray, sparse: bool, use_int64: bool) -> np.ndarray:
    """Exact ``W @ num`` for an integer matrix ``W`` (dense array or (data, indices,
    indptr)) and integer vector ``num``."""
    if not use_int64:
        num = num.astype(object)
    if not sparse:
        Wd = W if use_int64 else W.astype(object)
        return Wd @ num if Wd.shape[1] else np.zeros(Wd.shape[0], dtype=Wd.dtype)
    data, indices, indptr = W
    if not use_int64:
        data = data.astype(object)
    prod = data * num[indices]
    out = np.zeros(indptr.size - 1, dtype=prod.dtype)
    rows = np.flatnonzero(np.diff(indptr))
    if rows.size:
        out[rows] = np.add.reduceat(prod, indptr[rows])
    return out


def exact_forward(net: Network, z: Sequence) -> tuple[np.ndarray, int]:
    """Exact output of ``net`` at ``z`` as ``(num, den)``: output ``i`` is ``num[i] / den``.

    ``z`` may hold floats (taken as the exact rationals they denote), ints or Fractions.
    """
    num, den = rational_vector(z)
    num = np.asarray(num).reshape(-1)
    if num.size != net.in_dim:
        raise ValueError(f"latent has length {num.size}, network takes {net.in_dim}")
    for layer in net.layers:
        W, wden, bnum, bden, row_nnz, wmax, slope = layer._rational
        amax = _absmax(num)
        bmax = _absmax(bnum)
        bound = wmax * amax * max(row_nnz, 1) * bden + bmax * wden * den
        use_int64 = (bound < _INT64_SAFE and num.dtype != object and bnum.dtype != object
                     and (not isinstance(W, np.ndarray) or W.dtype != object)
                     and (isinstance(W, np.ndarray) or W[0].dtype != object))
        wx = _matvec(W, num, layer.sparse, use_int64)
        # pre = wx / (wden * den) + bnum / bden
        if use_int64:
            pre = wx * bden + bnum * (wden * den)
        else:
            pre = wx.astype(object) * bden + bnum.astype(object) * (wden * den)
        den = wden * den * bden
        if layer.activation == "relu":
            num = np.where(pre > 0, pre, 0 * pre)
        elif layer.activation == "leaky_relu":
            c_n, c_d = slope.numerator, slope.denominator
            p = pre if pre.dtype == object or _absmax(pre) * max(abs(c_n), c_d) < _INT64_SAFE \
                else pre.astype(object)
            num = np.maximum(p * c_d, p * c_n)
            den *= c_d
        else:
            num = pre
        num, den = _reduce(num, den)
    return num, den


def _reduce(num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
    """Divide numerators and denominator by their common gcd (keeps numbers small)."""
    if den == 1:
        return _shrink(num), den
    g = den
    for v in num.ravel().tolist():
        g = gcd(g, int(v))
        if g == 1:
            return _shrink(num), den
    if num.dtype == object:
        return _shrink(np.array([int(v) // g for v in num.ravel()], dtype=object)), den // g
    return num // g, den // g


def exact_output(net: Network, z: Sequence) -> list[Fraction]:
    """Exact output of ``net`` at ``z`` as a list of ``Fraction`` s."""
    num, den = exact_forward(net, z)
    return [Fraction(int(v), den) for v in num.ravel().tolist()]
