"""The closest vector problem: (0,1)-CVP_p and CVP_p instances and an exact checker of
certificates. The ``.cvp`` text format is in :mod:`reluhard.problems.cvp_format`, the
reference solver (exhaustive enumeration) and random instances in
:mod:`reluhard.problems.cvp_reference`.

The problem
-----------
As in "On the computational complexity of inverting generative models" (Section 1): a basis
``B = (v_1 ... v_n)`` with columns ``v_i`` in ``Z^d`` spans the lattice ``L(B) = {B y}``. Given
a target ``t`` in ``Z^d``, a norm ``p`` (a positive integer or ``inf``) and a radius ``r >= 0``,
the instance is a YES instance iff ``||B y - t||_p <= r`` for some coefficient vector ``y`` in
``{0, 1}^n`` ((0,1)-CVP, ``coefficients = "binary"``) or in ``Z^n`` (CVP,
``coefficients = "integer"``). The inequality is non-strict and decided exactly: for finite
``p`` the instance stores ``bound = r**p`` as a :class:`~fractions.Fraction` and compares it
with the integer ``||B y - t||_p^p`` (so radii such as ``sqrt(5)`` for ``p = 2`` are exact);
for ``p = inf`` it stores ``bound = r`` and compares it with ``max_i |(B y - t)_i|``.

In memory, :class:`CVP` holds ``basis`` as an int64 array of shape ``(d, n)`` whose COLUMN
``i`` is ``v_i`` (the paper's ``B``) and ``target`` as an int64 array of shape ``(d,)``.

Examples
--------
>>> cvp = CVP([[1, 0], [2, 1], [0, 1]], [1, 2, 3], 3, Fraction(125, 8))
>>> cvp
CVP(d=3, n=2, p=3, r^3=125/8, coefficients='binary')
>>> cvp.vectors()  # the columns of basis
[[1, 2, 0], [0, 1, 1]]
>>> int(distance_pow(cvp, [1, 1])), fault(cvp, [1, 1])
(9, None)
>>> fault(cvp, [1, 0])
'||B y - t||_3^3 = 27 > r^3 = 125/8'
>>> check(cvp, [1, 1])
True
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..options import NormP
from .intarrays import int_array

__all__ = [
    "CVP",
    "COEFFICIENT_SETS",
    "INT64_MAX",
    "INT64_MIN",
    "MAX_NORM",
    "check",
    "describe",
    "distance_pow",
    "exact_root",
    "fault",
    "from_arrays",
    "iroot",
    "norm_value",
    "to_arrays",
]

#: Largest finite norm accepted (``r**p`` is kept exactly, so ``p`` must stay reasonable).
MAX_NORM = 1024

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
COEFFICIENT_SETS = ("binary", "integer")


# --------------------------------------------------------------------------- the instance


def norm_value(p: object) -> NormP:
    """``p`` as stored: a positive int up to :data:`MAX_NORM` or ``"inf"``."""
    if isinstance(p, str):
        if p == "inf":
            return "inf"
        raise ValueError(f"p must be a positive integer or 'inf', got {p!r}")
    if isinstance(p, float) and math.isinf(p) and p > 0:
        return "inf"
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Integral):
        raise ValueError(f"p must be a positive integer or 'inf', got {p!r}")
    if not 1 <= int(p) <= MAX_NORM:
        raise ValueError(f"p must be in 1..{MAX_NORM} or 'inf', got {p!r}")
    return int(p)


def _int64_array(a: object, name: str) -> np.ndarray:
    """A fresh read-only int64 copy of ``a``; ``ValueError`` unless its entries are integers
    that fit (floats are refused, even integral ones)."""
    out = np.array(int_array(a, name, np.int64), copy=True, order="C")
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class CVP:
    """A CVP_p instance; see the module docstring.

    ``basis`` is ``(d, n)`` with column ``i`` the vector ``v_i``; ``bound`` is ``r**p`` for
    finite ``p`` and ``r`` for ``p == "inf"``. The arrays are stored as read-only int64
    copies; ``bound`` may be given as an int, a Fraction or a string ``"a/b"``.
    """

    basis: np.ndarray
    target: np.ndarray
    p: NormP
    bound: Fraction
    coefficients: str = "binary"

    def __post_init__(self) -> None:
        basis = _int64_array(self.basis, "basis")
        target = _int64_array(self.target, "target")
        if basis.ndim != 2 or basis.shape[0] < 1 or basis.shape[1] < 1:
            raise ValueError(f"basis must be a (d, n) matrix with d, n >= 1, got {basis.shape}")
        if target.shape != (basis.shape[0],):
            raise ValueError(f"target has shape {target.shape}, expected ({basis.shape[0]},)")
        p = norm_value(self.p)
        bound = self.bound
        if isinstance(bound, (float, np.floating)) or not isinstance(
            bound, (numbers.Rational, str)
        ):
            raise ValueError(f"bound must be exact (int, Fraction or 'a/b'), got {bound!r}")
        bound = Fraction(bound)
        if bound < 0:
            raise ValueError(f"bound must be >= 0, got {bound}")
        if self.coefficients not in COEFFICIENT_SETS:
            raise ValueError(
                f"coefficients must be 'binary' or 'integer', not {self.coefficients!r}"
            )
        for name, value in (("basis", basis), ("target", target), ("p", p), ("bound", bound)):
            object.__setattr__(self, name, value)

    @property
    def d(self) -> int:
        """The dimension (entries per basis vector)."""
        return int(self.basis.shape[0])

    @property
    def n(self) -> int:
        """The number of basis vectors."""
        return int(self.basis.shape[1])

    def radius(self) -> float:
        """``r`` as a float, for display (``bound ** (1/p)``; exact values are in ``bound``)."""
        if self.p == "inf":
            return float(self.bound)
        root = exact_root(self.bound, self.p)
        if root is not None:
            return float(root)
        return math.exp(
            (math.log(self.bound.numerator) - math.log(self.bound.denominator)) / self.p
        )

    def vectors(self) -> list[list[int]]:
        """The basis vectors ``v_1 .. v_n`` (the columns of ``basis``) as lists."""
        return self.basis.T.tolist()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CVP)
            and self.p == other.p
            and self.bound == other.bound
            and self.coefficients == other.coefficients
            and np.array_equal(self.basis, other.basis)
            and np.array_equal(self.target, other.target)
        )

    def __hash__(self) -> int:
        return hash(
            (self.basis.shape, self.basis.tobytes(), self.target.tobytes(), self.p, self.bound)
        )

    def __repr__(self) -> str:
        bound = f"r={self.bound}" if self.p in ("inf", 1) else f"r^{self.p}={self.bound}"
        return (
            f"CVP(d={self.d}, n={self.n}, p={self.p}, {bound}, coefficients={self.coefficients!r})"
        )


def iroot(x: int, k: int) -> int:
    """``floor(x ** (1/k))`` for an int ``x >= 0``, exactly."""
    if x < 2 or k == 1:
        return x
    r = 1 << -(-x.bit_length() // k)  # >= the root
    while True:
        s = ((k - 1) * r + x // r ** (k - 1)) // k
        if s >= r:
            return r
        r = s


def exact_root(value: Fraction, k: int) -> Fraction | None:
    """The rational ``k``-th root of ``value >= 0``, or None when it is irrational."""
    num, den = iroot(value.numerator, k), iroot(value.denominator, k)
    if num**k == value.numerator and den**k == value.denominator:
        return Fraction(num, den)
    return None


# --------------------------------------------------------------------------- certificates


def _coefficients_of(cvp: CVP, y: object) -> list[int] | str:
    """``y`` as a list of Python ints, or the reason it cannot be a coefficient vector."""
    if isinstance(y, np.ndarray):
        if y.ndim != 1:
            return f"y must be a flat vector of coefficients, got shape {y.shape}"
        items = y.tolist()
    elif isinstance(y, (str, bytes)) or not isinstance(y, Iterable):
        return f"y must be a sequence of coefficients, got {type(y).__name__}"
    else:
        items = list(y)
    if len(items) != cvp.n:
        vectors = "vector" if cvp.n == 1 else "vectors"
        return f"y has length {len(items)}, the basis has {cvp.n} {vectors}"
    out = []
    for i, x in enumerate(items):
        if isinstance(x, (bool, np.bool_, numbers.Integral)):
            v = int(x)
        elif isinstance(x, numbers.Real) and math.isfinite(x) and x == int(x):  # type: ignore[call-overload]
            # (the stub of numbers.Real has no __int__; every real type that gets here has)
            v = int(x)  # type: ignore[call-overload]  # an integral float such as 1.0
        else:
            return f"y[{i}] = {x!r} is not an integer"
        if cvp.coefficients == "binary" and v not in (0, 1):
            return f"y[{i}] = {v} is not in {{0, 1}}"
        out.append(v)
    return out


def _distance(cvp: CVP, y: list[int]) -> int:
    """``||B y - t||_p^p`` (finite p) or ``||B y - t||_inf``, in Python ints."""
    residual = [
        sum(b * c for b, c in zip(row, y, strict=True)) - t
        for row, t in zip(cvp.basis.tolist(), cvp.target.tolist(), strict=True)
    ]
    if cvp.p == "inf":
        return max(abs(x) for x in residual)
    return sum(abs(x) ** cvp.p for x in residual)


def describe(cvp: CVP) -> str:
    """A few words on the instance, for messages: ``d=3, n=2, p=3, {0,1} coefficients``."""
    coeff = "{0,1}" if cvp.coefficients == "binary" else "integer"
    return f"d={cvp.d}, n={cvp.n}, p={cvp.p}, {coeff} coefficients"


def distance_pow(cvp: CVP, y: Sequence[int] | np.ndarray) -> Fraction:
    """``||B y - t||_p^p`` exactly (the max-norm ``||B y - t||_inf`` when ``p = inf``), the
    quantity compared with ``cvp.bound``. Only ``y``'s length and integrality are checked
    here (not the coefficient set); ``ValueError`` otherwise.

    >>> cvp = CVP([[1, 0], [0, 1]], [2, -1], 2, 1)
    >>> distance_pow(cvp, [1, 0]), distance_pow(cvp, [3, -1])
    (Fraction(2, 1), Fraction(1, 1))
    """
    relaxed = CVP(cvp.basis, cvp.target, cvp.p, cvp.bound, "integer")
    coeffs = _coefficients_of(relaxed, y)
    if isinstance(coeffs, str):
        raise ValueError(coeffs)
    return Fraction(_distance(cvp, coeffs))


def _norm_text(cvp: CVP) -> tuple[str, str]:
    """How the compared quantities are written: ``||B y - t||_3^3`` and ``r^3``."""
    if cvp.p == "inf":
        return "||B y - t||_inf", "r"
    if cvp.p == 1:
        return "||B y - t||_1", "r"
    return f"||B y - t||_{cvp.p}^{cvp.p}", f"r^{cvp.p}"


def fault(cvp: CVP, y: Sequence[int] | np.ndarray) -> str | None:
    """Why ``y`` is not a certificate for ``cvp``, or None when it is: ``y`` must have
    ``n`` integer entries in the coefficient set, and ``||B y - t||_p <= r`` (exactly).

    >>> cvp = CVP([[1, 2], [0, 1]], [3, 1], 2, Fraction(1, 4), "binary")
    >>> fault(cvp, [1, 1]) is None, fault(cvp, [1, 2]), fault(cvp, [1])
    (True, 'y[1] = 2 is not in {0, 1}', 'y has length 1, the basis has 2 vectors')
    >>> fault(cvp, [0, 1])
    '||B y - t||_2^2 = 1 > r^2 = 1/4'
    """
    coeffs = _coefficients_of(cvp, y)
    if isinstance(coeffs, str):
        return coeffs
    dist = _distance(cvp, coeffs)
    if dist <= cvp.bound:
        return None
    lhs, rhs = _norm_text(cvp)
    return f"{lhs} = {dist} > {rhs} = {cvp.bound}"


def check(cvp: CVP, y: Sequence[int] | np.ndarray) -> bool:
    """True when ``y`` is a certificate: see :func:`fault`."""
    return fault(cvp, y) is None


# --------------------------------------------------------------------------- network files


def to_arrays(cvp: CVP) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and JSON metadata that embed ``cvp`` in a network file (``bound`` as the
    exact string ``"num/den"``)."""
    b = cvp.bound
    return {"basis": cvp.basis, "target": cvp.target}, {
        "d": cvp.d,
        "n": cvp.n,
        "p": cvp.p,
        "bound": f"{b.numerator}/{b.denominator}",
        "coefficients": cvp.coefficients,
    }


def from_arrays(arrays: Mapping[str, np.ndarray], meta: dict) -> CVP:
    """Inverse of :func:`to_arrays`; ``ValueError`` if they do not form a CVP instance.

    >>> cvp = CVP([[1, 0], [2, 1]], [1, 2], 2, Fraction(9, 4))
    >>> from_arrays(*to_arrays(cvp)) == cvp
    True
    """
    bound = meta.get("bound")
    if not isinstance(bound, str) or not re.fullmatch(r"[0-9]+/[0-9]+", bound):
        raise ValueError(f"meta 'bound' must be a string 'num/den', got {bound!r}")
    num, den = map(int, bound.split("/"))
    if den == 0:
        raise ValueError(f"meta 'bound' {bound!r} has a zero denominator")
    cvp = CVP(
        arrays["basis"], arrays["target"], meta["p"], Fraction(num, den), meta["coefficients"]
    )
    if (cvp.d, cvp.n) != (meta.get("d"), meta.get("n")):
        raise ValueError(
            f"basis has shape {(cvp.d, cvp.n)}, meta says {(meta.get('d'), meta.get('n'))}"
        )
    return cvp
