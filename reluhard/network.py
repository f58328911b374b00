"""ReLU networks: the layers, and the forward pass in floating point and in exact rationals.

A :class:`Network` is a sequence of layers ``a -> act(W a + b)`` with ``W`` a dense float64
array or a CSR matrix (kept sparse end to end: a CNF with a million clauses never becomes a
dense matrix; held as numpy arrays until scipy's is needed, see :mod:`reluhard.csr`).
Activations are ``relu``, ``leaky_relu`` (``max(a, c a)`` with slope ``c``; Lei et al. print
``max(c a, a)`` with the opposite sign convention for ``c``, an erratum), ``identity`` (a
final linear layer, as in the papers' ``G(z) = W_2 ReLU(W_1 z + b_1)``) and
``smooth_leaky_relu``, ``c a + (1 - c)(softplus(a) - log 2)`` with slope ``c`` (Pareek and
Risteski's Assumption 2 needs a C^3 activation; spec B.2). The last is not piecewise linear
and has no exact rational value: a network with such a layer is *float-only*
(:func:`float_only_reason`), and :func:`exact_forward` refuses it.

The exact forward pass treats every float64 as the rational it denotes (a float is a dyadic
rational, so ``fractions.Fraction(x)`` is exact) and computes in integers: each layer is
scaled once to an integer matrix over a common denominator; values travel as an integer
numerator vector over one positive denominator. int64 is used when a bound on the result
proves it cannot overflow, Python integers otherwise, so the result is always exact.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import gcd, lcm
from typing import TYPE_CHECKING, Any

import numpy as np

from .csr import CSR, canonical, structure_fault, to_scipy
from .errors import InputError
from .exactness import float64_array
from .lazy import lazy_module

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

ACTIVATIONS = ("relu", "leaky_relu", "identity", "smooth_leaky_relu")
#: activations with no exact rational forward pass (and no piecewise-linear encoding)
FLOAT_ONLY = ("smooth_leaky_relu",)
_LOG2 = float(np.log(2.0))
_INT64_SAFE = 2**62
_SMALL = 1 << 14  # entries; a smaller sparse layer is multiplied as a dense one


class Layer:
    """One layer ``act(W a + b)``; ``W`` has shape (out, in): a dense ndarray, or sparse,
    given as a scipy sparse matrix or as a :class:`~reluhard.csr.CSR` of numpy arrays.

    A sparse ``W`` is kept in canonical CSR form (sorted rows, no duplicate entries). One
    given as a canonical ``CSR`` stays numpy arrays (``csr_parts``) until ``W`` is asked for,
    which builds the ``scipy.sparse.csr_array`` once: building and writing a network loads
    no scipy (:mod:`reluhard.csr` says why). Immutable, like the other problem records.
    """

    _W: Any  # None while a canonical CSR is held as numpy arrays (``_parts``)
    _parts: CSR | None
    b: np.ndarray
    activation: str
    slope: float

    def __init__(
        self,
        W: np.ndarray | sp.csr_array | CSR,
        b: np.ndarray,
        activation: str = "relu",
        slope: float = 0.0,
    ) -> None:
        parts: CSR | None = None
        if isinstance(W, CSR):
            parts = CSR(
                float64_array(W.data, "weights"),  # integer data past 2^53 cannot be held
                np.ascontiguousarray(W.indices),
                np.ascontiguousarray(W.indptr),
                (int(W.shape[0]), int(W.shape[1])),
            )
            why = structure_fault(parts)
            if why:
                raise ValueError(f"W: {why}")
            if not canonical(parts):
                W, parts = to_scipy(parts).copy(), None  # merged below, not in the caller's arrays
        if parts is not None:
            W = None
        elif _is_scipy_sparse(W):
            float64_array(W.data, "weights")
            if not (
                isinstance(W, sp.csr_array) and W.dtype == np.float64 and W.has_canonical_format
            ):
                W = sp.csr_array(W, dtype=np.float64)
                W.sum_duplicates()
        else:
            W = float64_array(W, "weights")
            if W.ndim != 2:
                raise ValueError("W must be 2-dimensional")
        set_ = object.__setattr__
        set_(self, "_W", W)
        set_(self, "_parts", parts)
        b = float64_array(b, "biases").reshape(-1)
        if b.shape != (self.shape[0],):
            raise ValueError(f"b has shape {b.shape}, W has {self.shape[0]} rows")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}")
        if not np.isfinite(slope):
            raise ValueError(f"the slope of a {activation} layer must be finite, got {slope!r}")
        set_(self, "b", b)
        set_(self, "activation", activation)
        set_(self, "slope", float(slope))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Layer is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Layer is immutable (cannot delete {name!r})")

    def __repr__(self) -> str:
        kind = "sparse" if self.sparse else "dense"
        return f"Layer({kind} {self.shape[0]}x{self.shape[1]}, {self.activation})"

    @property
    def W(self) -> Any:  # ndarray or csr_array, told apart by ``sparse``
        """The weights: the dense ndarray, or the canonical ``scipy.sparse.csr_array``."""
        if self._W is None:
            assert self._parts is not None
            W = to_scipy(self._parts)
            W.has_canonical_format = True  # checked when the layer was made
            object.__setattr__(self, "_W", W)
        return self._W

    @property
    def sparse(self) -> bool:
        return self._parts is not None or _is_scipy_sparse(self._W)

    @property
    def csr(self) -> sp.csr_array:
        """``W`` as a CSR matrix: ``W`` itself for a sparse layer (the type of ``W`` that
        ``sparse`` tells apart, which a type checker cannot see), a converted copy for a
        dense one."""
        return self.W if self.sparse else sp.csr_array(self.W)

    @property
    def csr_parts(self) -> CSR:
        """A sparse layer's canonical CSR arrays, without building a scipy matrix (a dense
        layer's are made by scipy)."""
        if self._parts is not None:
            return self._parts
        W = self.csr
        return CSR(W.data, W.indices, W.indptr, self.shape)

    @property
    def shape(self) -> tuple[int, int]:
        if self._parts is not None:
            return self._parts.shape
        return tuple(self._W.shape)

    @property
    def nnz(self) -> int:
        if self.sparse:
            return self._parts.nnz if self._parts is not None else int(self._W.nnz)
        return int(np.count_nonzero(self._W))

    def pre(self, A: np.ndarray) -> np.ndarray:
        """Pre-activations for a batch ``A`` of shape (batch, in)."""
        dense = self._dense
        if dense is not None:
            return A @ dense.T + self.b
        return np.asarray(self.W @ A.T).T + self.b

    @cached_property
    def _dense(self) -> np.ndarray | None:
        """``W`` as a dense array when it is dense or small (where scipy's per-call overhead
        would dominate), else ``None``."""
        if not self.sparse:
            return self.W
        return self.csr.toarray() if self.shape[0] * self.shape[1] <= _SMALL else None

    def act(self, H: np.ndarray) -> np.ndarray:
        if self.activation == "relu":
            return np.maximum(H, 0.0)
        if self.activation == "leaky_relu":
            return np.maximum(H, self.slope * H)
        if self.activation == "smooth_leaky_relu":
            return smooth_leaky_relu(H, self.slope)
        return H

    def derivative(self, H: np.ndarray) -> np.ndarray:
        """``act'`` at the pre-activations ``H`` (elementwise; ReLU'(0) taken as 0 and
        LeakyReLU'(0) as the slope, the Clarke subgradient of :mod:`reluhard.solvers.gd`)."""
        if self.activation == "relu":
            return (H > 0).astype(np.float64)
        if self.activation == "leaky_relu":
            return np.where(H > 0, 1.0, self.slope)
        if self.activation == "smooth_leaky_relu":
            return smooth_leaky_relu_derivative(H, self.slope)
        return np.ones_like(H, dtype=np.float64)

    @cached_property
    def _rational(self) -> _RationalLayer:
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
                raise ValueError(
                    f"layer {i} takes {layers[i].shape[1]} inputs, "
                    f"layer {i - 1} gives {layers[i - 1].shape[0]}"
                )
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


def smooth_leaky_relu(a: np.ndarray, slope: float) -> np.ndarray:
    """``slope a + (1 - slope)(softplus(a) - log 2)``, with a stable softplus
    (``logaddexp(0, a)``). It is 0 at 0, and its derivative lies in ``(slope, 1)`` for
    ``0 <= slope < 1`` (spec B.2).

    >>> smooth_leaky_relu(np.array([0.0, 800.0, -800.0]), 0.2)
    array([   0.        ,  799.44548226, -160.55451774])
    """
    a = np.asarray(a, dtype=np.float64)
    return slope * a + (1.0 - slope) * (np.logaddexp(0.0, a) - _LOG2)


def smooth_leaky_relu_derivative(a: np.ndarray, slope: float) -> np.ndarray:
    """``slope + (1 - slope) sigmoid(a)``; the sigmoid as ``(1 + tanh(a/2))/2`` (no overflow)."""
    a = np.asarray(a, dtype=np.float64)
    return slope + (1.0 - slope) * 0.5 * (1.0 + np.tanh(0.5 * a))


def float_only_reason(net: Network) -> str | None:
    """Why ``net`` has no exact rational forward pass (its first layer whose activation is
    in :data:`FLOAT_ONLY`), or None."""
    for i, layer in enumerate(net.layers, 1):
        if layer.activation in FLOAT_ONLY:
            return (
                f"the network is float-only: layer {i} is {layer.activation}, which has no "
                "exact rational forward pass"
            )
    return None


def _is_scipy_sparse(W: object) -> bool:
    """``scipy.sparse.issparse(W)``, without importing scipy: no scipy matrix can exist
    before scipy is loaded."""
    return "scipy.sparse" in sys.modules and sp.issparse(W)


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


def rational_vector(values: Sequence | np.ndarray) -> tuple[np.ndarray, int]:
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
        num = np.array(
            [
                int(mi) << int(si) if mi else 0
                for mi, si in zip(m.ravel().tolist(), shift.ravel().tolist(), strict=True)
            ],
            dtype=object,
        )
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


@dataclass(frozen=True)
class _RationalLayer:
    """``W = Wn / wden`` and ``b = bn / bden`` with integer ``Wn`` and ``bn``."""

    Wn: Any  # int64 ndarray or CSR, or object ndarray / (data, indices, indptr) of ints
    wden: int
    bn: np.ndarray
    bden: int
    rowabs: int  # max_j sum_i |Wn[j, i]|
    bmax: int
    slope: Fraction


def _layer_rational(layer: Layer) -> _RationalLayer:
    W: Any = layer.W  # dense or CSR, told apart by ``sparse`` below
    if layer.sparse and layer._dense is not None:
        W = layer._dense  # small: integer matrix products are cheaper dense
    dnum, wden = _float_rational(W.data if sp.issparse(W) else W)
    bn, bden = _float_rational(layer.b)
    sparse = sp.issparse(W)
    indptr = W.indptr if sparse else np.arange(W.shape[0] + 1) * W.shape[1]
    flat = dnum.ravel()
    if dnum.dtype == object:
        Wn = (dnum, W.indices, W.indptr) if sparse else dnum
        cs = np.concatenate([[0], np.cumsum(np.abs(flat))]).astype(object)
        rowabs = int(max(cs[indptr[1:]] - cs[indptr[:-1]], default=0))
    else:
        Wn = sp.csr_array((dnum, W.indices, W.indptr), shape=layer.shape) if sparse else dnum
        cs = np.concatenate([[0.0], np.cumsum(np.abs(flat.astype(np.float64)))])
        sums = cs[indptr[1:]] - cs[indptr[:-1]]
        rowabs = int(np.max(sums, initial=0.0) * (1 + 1e-9)) + 1  # float sum, safe margin
    return _RationalLayer(Wn, wden, bn, bden, rowabs, _absmax(bn), Fraction(layer.slope))


def _matvec_object(Wn, num: np.ndarray) -> np.ndarray:
    """Exact ``Wn @ num`` in Python integers; ``num`` is (in,) or (in, batch)."""
    num = num.astype(object)
    if isinstance(Wn, tuple) or sp.issparse(Wn):
        data, indices, indptr = Wn if isinstance(Wn, tuple) else (Wn.data, Wn.indices, Wn.indptr)
        data = data.astype(object)
        prod = (data[:, None] if num.ndim == 2 else data) * num[indices]
        out = np.zeros((indptr.size - 1,) + num.shape[1:], dtype=object)
        rows = np.flatnonzero(np.diff(indptr))
        if rows.size:
            out[rows] = np.add.reduceat(prod, indptr[rows], axis=0)
        return out
    Wn = np.asarray(Wn).astype(object)
    if Wn.shape[1] == 0:
        return np.zeros((Wn.shape[0],) + num.shape[1:], dtype=object)
    return Wn.dot(num)


def exact_forward(net: Network, z: Sequence | np.ndarray) -> tuple[np.ndarray, int]:
    """Exact output of ``net`` at ``z`` as ``(num, den)``: output ``i`` is ``num[i] / den``.

    ``z`` may hold floats (taken as the exact rationals they denote), ints or Fractions,
    or be a ``(num, den)`` pair as :func:`rational_vector` returns; a 2-D ``z`` is a
    batch of latents (rows), giving ``num`` of shape (batch, out). A float-only network
    (:func:`float_only_reason`) raises :class:`~reluhard.errors.InputError`.
    """
    why = float_only_reason(net)
    if why:
        raise InputError(None, None, f"no exact forward pass: {why}")
    num, den = z if isinstance(z, tuple) else rational_vector(z)
    batch = num.ndim == 2
    num = num.T if batch else num.reshape(-1)
    if num.shape[0] != net.in_dim:
        raise ValueError(f"latent has length {num.shape[0]}, network takes {net.in_dim}")
    for layer in net.layers:
        r: _RationalLayer = layer._rational
        bcol = r.bn[:, None] if batch else r.bn
        scale = r.wden * den
        bound = r.rowabs * _absmax(num) * r.bden + r.bmax * scale
        if (
            bound < _INT64_SAFE
            and scale < _INT64_SAFE
            and num.dtype != object
            and not isinstance(r.Wn, tuple)
            and r.Wn.dtype != object
            and r.bn.dtype != object
        ):
            pre = np.asarray(r.Wn @ num) * r.bden + bcol * scale
        else:
            pre = _matvec_object(r.Wn, num) * r.bden + bcol.astype(object) * scale
        den = scale * r.bden
        if layer.activation == "relu":
            num = np.maximum(pre, 0)
        elif layer.activation == "leaky_relu":
            c_n, c_d = r.slope.numerator, r.slope.denominator
            if pre.dtype != object and _absmax(pre) * max(abs(c_n), c_d) >= _INT64_SAFE:
                pre = pre.astype(object)
            num = np.maximum(pre * c_d, pre * c_n)
            den *= c_d
        else:
            num = pre
        num, den = _reduce(num, den)
    return (num.T if batch else num), den


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
        out = np.array([int(v) // g for v in num.ravel()], dtype=object).reshape(num.shape)
        return _shrink(out), den // g
    return num // g, den // g


def exact_output(net: Network, z: Sequence | np.ndarray) -> list[Fraction]:
    """Exact output of ``net`` at ``z`` as a list of ``Fraction`` s."""
    num, den = exact_forward(net, z)
    return [Fraction(int(v), den) for v in num.ravel().tolist()]
