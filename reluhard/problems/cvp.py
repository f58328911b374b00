"""The closest vector problem: (0,1)-CVP_p and CVP_p instances, their file format, an exact
checker of certificates and a reference solver.

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

File format (``.cvp``)
----------------------
Text, line oriented, UTF-8 (a byte order mark is ignored; gzip/bzip2/xz compressed files are
read by :func:`read_cvp`). Lines end at ``\\n``; spaces, tabs, ``\\r``, ``\\v`` and ``\\f``
separate tokens, so CRLF files are fine. Blank lines are ignored anywhere, and so is every
*comment line*: a line whose first token is exactly ``c`` (``c`` alone or followed by
whitespace; a line starting ``cxyz`` is an unknown keyword, so a misspelt ``coefficients``
is never silently taken for a comment). Comments are whole lines only.

The first non-comment line is the header ``p cvp D N``: dimension ``D >= 1`` (entries per
vector) and number ``N >= 1`` of basis vectors. Then come keyword lines, in any order, each
at most once; the keyword is the first token (it may touch a ``[``: ``target[1 2]``):

``norm P``
    ``P`` a positive integer (at most :data:`MAX_NORM`) or ``inf``. Required.
``radius R``
    the radius ``r >= 0``, written as an integer (``5``), a fraction ``a/b`` (``7/2``) or a
    decimal (``2.5``), all read exactly. Required unless ``radius^p`` is given.
``radius^p S``
    instead of ``radius``: ``r**p`` itself (same number syntax, ``>= 0``), for radii whose
    ``p``-th power is rational but which are not (``radius^p 5`` with ``norm 2`` means
    ``r = sqrt(5)``). Not allowed with ``norm inf``.
``coefficients binary`` | ``coefficients integer``
    ``y`` in ``{0, 1}^n`` or in ``Z^n``. Optional, default ``binary``.
``basis [[...] ... [...]]``
    the basis in fplll's matrix syntax (see :func:`parse_fplll_matrix`), starting on the
    ``basis`` line or on the next non-blank line and running over as many lines as it takes
    to close the brackets. As in fplll, each ROW ``[...]`` is one basis vector, so the
    matrix written is ``B^T``: ``N`` rows of ``D`` entries.
``matrix``
    instead of ``basis``: the paper's ``B`` itself, as the next ``D`` (non-blank,
    non-comment) lines of ``N`` integers each; nothing else on the ``matrix`` line. Row
    ``i`` holds the ``i``-th coordinate of every basis vector, so COLUMNS are vectors.
``target T1 ... TD``
    the target, ``D`` integers on this line, bare or in brackets (``target [1 2 3]``,
    commas allowed inside brackets). Required.

Integers (matrix entries, target, header counts) are ``-?[0-9]+`` and must fit in int64.

Example: the (0,1)-CVP_3 instance with ``v_1 = (1, 2, 0)``, ``v_2 = (0, 1, 1)``,
``t = (1, 2, 3)`` and ``r = 5/2`` (a YES instance: ``y = (1, 1)`` gives ``B y - t =
(0, 1, -2)`` and ``1 + 8 <= 125/8``)::

    c a (0,1)-CVP_3 instance
    p cvp 3 2
    norm 3
    radius 5/2
    coefficients binary
    basis [[1 2 0]
           [0 1 1]]
    target 1 2 3

and the same instance with ``B`` written directly and ``r**3`` instead of ``r``::

    p cvp 3 2
    norm 3
    radius^p 125/8
    matrix
    1 0
    2 1
    0 1
    target [1, 2, 3]

Rejected input
--------------
Anything else raises :class:`~reluhard.errors.InputError` as ``path:line: message`` (1-based
line), for the first problem in file order; what is missing is reported at the last line
of the file. For instance: a missing, malformed or second header (``p cvp 3``, ``p cnf 3
2``), a count below 1, a keyword before the header, an unknown keyword, a data line outside
a ``matrix`` section, a keyword given twice (or ``radius`` with ``radius^p``, ``basis``
with ``matrix``), the wrong number of values on a keyword line, ``norm 0`` or ``norm 2.5``,
a negative radius, ``radius^p`` with ``norm inf``, a non-integer entry (``entry '1.5' is
not an integer``), an entry beyond int64, unbalanced brackets, a misplaced comma, a ragged
matrix, a basis or target whose size differs from the header's (``basis has 3 vectors, the
header says 2``), a missing ``norm``, radius, basis or ``target``.
``tests/data/malformed_cvp/EXPECTED.tsv`` lists examples with their exact messages.

Writing
-------
:func:`format_cvp` writes ``c`` comments, the header, ``norm``, ``radius R`` (or
``radius^p S`` when ``r`` itself is irrational), ``coefficients``, the basis in fplll
syntax (or, with ``layout="matrix"``, as a ``matrix`` section) and ``target``. Parsing the
output gives back an equal :class:`CVP`.

Examples
--------
>>> text = b"p cvp 3 2\\nnorm 3\\nradius 5/2\\nbasis [[1 2 0][0 1 1]]\\ntarget 1 2 3\\n"
>>> cvp = parse_cvp(text)
>>> cvp
CVP(d=3, n=2, p=3, r^3=125/8, coefficients='binary')
>>> cvp.basis.tolist()  # columns are the basis vectors
[[1, 0], [2, 1], [0, 1]]
>>> int(distance_pow(cvp, [1, 1])), fault(cvp, [1, 1])
(9, None)
>>> fault(cvp, [1, 0])
'||B y - t||_3^3 = 27 > r^3 = 125/8'
>>> check(parse_cvp(format_cvp(cvp).encode()), [1, 1]), solve(cvp)
(True, [1, 1])
"""

from __future__ import annotations

import bisect
import math
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import IO

import numpy as np

from ..errors import InputError
from .textio import comment_lines, read_bytes, write_data

__all__ = [
    "CVP",
    "MAX_ENUMERATION",
    "MAX_NORM",
    "describe",
    "check",
    "closest",
    "distance_pow",
    "fault",
    "format_cvp",
    "from_arrays",
    "parse_cvp",
    "parse_fplll_matrix",
    "random_cvp",
    "read_cvp",
    "sniff",
    "solve",
    "to_arrays",
    "write_cvp",
]

#: Largest finite norm accepted (``r**p`` is kept exactly, so ``p`` must stay reasonable).
MAX_NORM = 1024
#: Most coefficient vectors :func:`solve` / :func:`closest` will enumerate.
MAX_ENUMERATION = 2**22

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
COEFFICIENT_SETS = ("binary", "integer")


# --------------------------------------------------------------------------- the instance


def _norm_value(p: object) -> int | str:
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
    arr = np.asarray(a)
    if arr.dtype.kind == "O":  # Python ints too big for int64, or mixed objects
        flat = arr.ravel().tolist()
        if not all(
            isinstance(x, numbers.Integral) and _INT64_MIN <= int(x) <= _INT64_MAX for x in flat
        ):
            raise ValueError(f"{name} must hold integers that fit in int64")
        arr = np.array([int(x) for x in flat], dtype=np.int64).reshape(arr.shape)
    elif arr.dtype.kind == "u":
        if arr.size and int(arr.max()) > _INT64_MAX:
            raise ValueError(f"{name} must hold integers that fit in int64")
    elif arr.dtype.kind not in "ib":
        raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    out = np.array(arr, dtype=np.int64, copy=True, order="C")
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
    p: int | str
    bound: Fraction
    coefficients: str = "binary"

    def __post_init__(self) -> None:
        basis = _int64_array(self.basis, "basis")
        target = _int64_array(self.target, "target")
        if basis.ndim != 2 or basis.shape[0] < 1 or basis.shape[1] < 1:
            raise ValueError(f"basis must be a (d, n) matrix with d, n >= 1, got {basis.shape}")
        if target.shape != (basis.shape[0],):
            raise ValueError(f"target has shape {target.shape}, expected ({basis.shape[0]},)")
        p = _norm_value(self.p)
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
        root = _exact_root(self.bound, self.p)
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


def _iroot(x: int, k: int) -> int:
    """``floor(x ** (1/k))`` for an int ``x >= 0``, exactly."""
    if x < 2 or k == 1:
        return x
    r = 1 << -(-x.bit_length() // k)  # >= the root
    while True:
        s = ((k - 1) * r + x // r ** (k - 1)) // k
        if s >= r:
            return r
        r = s


def _exact_root(value: Fraction, k: int) -> Fraction | None:
    """The rational ``k``-th root of ``value >= 0``, or None when it is irrational."""
    num, den = _iroot(value.numerator, k), _iroot(value.denominator, k)
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
        elif isinstance(x, numbers.Real) and math.isfinite(x) and x == int(x):
            v = int(x)  # an integral float such as 1.0
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


# --------------------------------------------------------------------------- reference solver


def _combos(values: np.ndarray, k: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start..stop-1`` of all ``len(values)**k`` vectors over ``values``; row ``j``
    has digit ``i`` of ``j`` in base ``len(values)`` at position ``i`` (least significant
    first)."""
    m = len(values)
    stop = m**k if stop is None else stop
    idx = np.arange(start, stop, dtype=np.int64)
    digits = (idx[:, None] // (m ** np.arange(k, dtype=np.int64))[None, :]) % m
    return values[digits]


def closest(cvp: CVP, max_coefficient: int = 2) -> tuple[list[int], Fraction]:
    """A coefficient vector ``y`` minimising ``||B y - t||_p`` and its
    :func:`distance_pow`, by exhaustive enumeration.

    Binary instances enumerate all of ``{0, 1}^n``; integer instances enumerate only the box
    ``[-max_coefficient, max_coefficient]^n`` (so for them this is the closest vector with
    coefficients in that box, not necessarily in ``Z^n``). At most
    :data:`MAX_ENUMERATION` vectors (``n <= 22`` for binary), else ``ValueError``. Ties go
    to the first vector in enumeration order (``y_0`` varying fastest, from ``0`` resp.
    ``-max_coefficient`` up).

    The enumeration is vectorised: the sums ``B y`` over the first coordinates (up to 4096
    combinations) are tabulated once and added to those of the remaining coordinates in
    blocks. It runs in int64 when ``d * max|B y - t|**p`` provably fits, else on Python ints.
    """
    if cvp.coefficients == "binary":
        values = np.array([0, 1], dtype=np.int64)
    else:
        if isinstance(max_coefficient, bool) or not isinstance(max_coefficient, numbers.Integral):
            raise ValueError(f"max_coefficient must be an integer, got {max_coefficient!r}")
        if max_coefficient < 0:
            raise ValueError(f"max_coefficient must be >= 0, got {max_coefficient}")
        c = int(max_coefficient)
        values = np.arange(-c, c + 1, dtype=np.int64)
    m, n, d = len(values), cvp.n, cvp.d
    if m**n > MAX_ENUMERATION:
        raise ValueError(
            f"exhaustive search over {m}^{n} coefficient vectors is too large "
            f"(at most {MAX_ENUMERATION})"
        )
    cmax = int(np.abs(values).max())
    basis, target = cvp.basis.tolist(), cvp.target.tolist()
    worst = max(
        sum(abs(b) for b in row) * cmax + abs(t) for row, t in zip(basis, target, strict=True)
    )
    power = 1 if cvp.p == "inf" else cvp.p
    exact64 = d * worst**power <= _INT64_MAX
    dtype = np.int64 if exact64 else object
    B = np.array(basis, dtype=dtype).reshape(d, n)
    t = np.array(target, dtype=dtype)
    vals = values.astype(dtype)

    n_low = 0
    while n_low < n and m ** (n_low + 1) <= 4096:
        n_low += 1
    low = _combos(vals, n_low) @ B[:, :n_low].T  # (m**n_low, d)
    nl = low.shape[0]
    n_high = n - n_low
    total_high = m**n_high
    block = max(1, (1 << 21) // (nl * d))
    best_val: int | None = None
    best_k = 0
    for start in range(0, total_high, block):
        stop = min(total_high, start + block)
        high = _combos(vals, n_high, start, stop) @ B[:, n_low:].T - t  # (h, d)
        res = np.abs(high[:, None, :] + low[None, :, :])
        dist = res.max(axis=-1) if cvp.p == "inf" else (res**power).sum(axis=-1)
        flat = dist.reshape(-1)
        j = int(np.argmin(flat))
        if best_val is None or flat[j] < best_val:
            best_val, best_k = int(flat[j]), start * nl + j
    y = [int(values[(best_k // m**i) % m]) for i in range(n)]
    return y, Fraction(best_val)


def solve(cvp: CVP, max_coefficient: int = 2) -> list[int] | None:
    """Reference decision by exhaustive enumeration (:func:`closest`): a closest coefficient
    vector when it is within the radius, else None.

    For binary instances (``n <= 22``) this decides the instance. For integer instances the
    search is bounded to ``[-max_coefficient, max_coefficient]^n``: a returned ``y`` is a
    valid certificate, but None only means that no ``y`` in that box works.

    >>> solve(CVP([[2, 0], [0, 2]], [3, 1], 2, 2))  # (2, 0) is at distance^2 1 + 1
    [1, 0]
    >>> solve(CVP([[2, 0], [0, 2]], [3, 1], 2, 1)) is None
    True
    """
    y, dist = closest(cvp, max_coefficient)
    return y if dist <= cvp.bound else None


# --------------------------------------------------------------------------- random instances


def random_cvp(
    rng: np.random.Generator,
    n: int,
    d: int,
    p: int | str,
    entries: int = 2,
    planted: bool | None = None,
) -> CVP:
    """A small random binary instance: basis entries uniform in ``[-entries, entries]``.

    ``planted=True``: ``t = B y* + e`` for a random ``y*`` in ``{0, 1}^n`` and noise ``e``
    in ``{-1, 0, 1}^d``, with the smallest integer radius ``r >= ||e||_p`` (a YES
    instance). ``planted=False``: ``t`` as above, then the largest integer radius with
    ``r < min_y ||B y - t||_p`` (found by :func:`closest`, so ``n <= 22``; a NO instance).
    ``planted=None`` picks one of the two at random.
    """
    p = _norm_value(p)
    if n < 1 or d < 1 or entries < 0:
        raise ValueError("random_cvp needs n, d >= 1 and entries >= 0")
    if planted is None:
        planted = bool(rng.integers(2))
    basis = rng.integers(-entries, entries + 1, size=(d, n), dtype=np.int64)
    ystar = rng.integers(0, 2, size=n, dtype=np.int64)
    target = basis @ ystar + rng.integers(-1, 2, size=d, dtype=np.int64)
    if planted:
        e = target - basis @ ystar
        if p == "inf":
            return CVP(basis, target, p, int(np.abs(e).max()))
        norm_p = int((np.abs(e) ** p).sum())
        r = _iroot(norm_p, p)
        r += r**p < norm_p  # ceil
        return CVP(basis, target, p, r**p)
    for attempt in range(20):
        dist = closest(CVP(basis, target, p, 0))[1]
        if dist > 0:
            break
        if attempt < 19:  # try other noise
            target = basis @ ystar + rng.integers(-2, 3, size=d, dtype=np.int64)
        else:  # t_0 beyond any binary combination: distance >= 1
            target = target.copy()
            target[0] = int(np.abs(basis[0]).sum()) + 1
            dist = closest(CVP(basis, target, p, 0))[1]
    dist_int = int(dist)
    if p == "inf":
        return CVP(basis, target, p, dist_int - 1)
    r = _iroot(dist_int - 1, p)  # the largest integer r with r**p < dist
    return CVP(basis, target, p, r**p)


# --------------------------------------------------------------------------- reading

_WS = " \t\r\v\f"
_WS_RE = re.compile(r"[ \t\r\v\f]+")
_INT_RE = re.compile(r"-?[0-9]+")
_NUMBER_RE = re.compile(r"(?P<int>[0-9]+)(?:/(?P<den>[0-9]+)|\.(?P<frac>[0-9]+))?")
_KEYWORD_RE = re.compile(r"[ \t\r\v\f]*([^ \t\r\v\f\[]*)")
_FPLLL_TOKEN = re.compile(r"\[|\]|,|[^ \t\r\v\f\n\[\],]+")
_KEYWORDS = ("norm", "radius", "radius^p", "coefficients", "basis", "matrix", "target")
_ROLE = {  # keywords that set the same thing
    "norm": "norm",
    "radius": "radius",
    "radius^p": "radius",
    "coefficients": "coefficients",
    "basis": "basis",
    "matrix": "basis",
    "target": "target",
}
_EXPECTED_KEYWORDS = "norm, radius, radius^p, coefficients, basis, matrix or target"
_BOM = "\ufeff"


def _show(token: str, limit: int = 40) -> str:
    """A token as it may appear in a one-line message: printable, and not too long."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in token)
    return text if len(text) <= limit else text[:limit] + "..."


def _plural(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _entries(k: int) -> str:
    return "1 entry" if k == 1 else f"{k} entries"


def _entry(token: str, path: str, line: int) -> int:
    """An integer entry (``-?[0-9]+``, fitting int64) or :class:`InputError`."""
    if not _INT_RE.fullmatch(token):
        if token.startswith("+") and _INT_RE.fullmatch(token[1:]):
            raise InputError(
                path, line, f"entry '{_show(token)}' has a '+' sign (write {token[1:]})"
            )
        raise InputError(path, line, f"entry '{_show(token)}' is not an integer")
    value = int(token)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise InputError(path, line, f"entry '{_show(token)}' does not fit in 64 bits")
    return value


def _tokens_with_lines(text: str, line: int) -> list[tuple[str, int]]:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    return [
        (m.group(), line + bisect.bisect_left(newlines, m.start()))
        for m in _FPLLL_TOKEN.finditer(text)
    ]


def _bracket_row(
    toks: list[tuple[str, int]], i: int, path: str, open_line: int, what: str
) -> tuple[list[int], int]:
    """Entries of a bracketed row whose ``[`` (at ``open_line``) precedes ``toks[i]``;
    returns them and the index after the closing ``]``."""
    row: list[int] = []
    prev = "open"  # "open", "item" or "comma"
    comma_line = 0
    while True:
        if i >= len(toks):
            raise InputError(path, open_line, f"unbalanced brackets: {what} is never closed")
        tok, ln = toks[i]
        i += 1
        if tok == "]":
            if prev == "comma":
                raise InputError(path, comma_line, "misplaced ','")
            return row, i
        if tok == "[":
            raise InputError(path, ln, f"unexpected '[' inside {what}")
        if tok == ",":
            if prev != "item":
                raise InputError(path, ln, "misplaced ','")
            prev, comma_line = "comma", ln
            continue
        row.append(_entry(tok, path, ln))
        prev = "item"


def parse_fplll_matrix(text: str, path: str = "<input>", line: int = 1) -> list[list[int]]:
    """Rows of a matrix in fplll's syntax: ``[[1 2 0][0 1 1]]``.

    The matrix is ``[`` rows ``]``, each row ``[`` integers ``]``; whitespace (newlines
    included, as in fplll's own output ``[[1 2 0]\\n[0 1 1]\\n]``) separates tokens and an
    optional comma may stand between two entries or two rows (``[[1, 2], [3, 4]]``). ``text``
    starts at 1-based line ``line`` of file ``path``, which only label errors
    (:class:`InputError`: a non-integer entry, unbalanced brackets, a misplaced comma, a
    ragged matrix, anything after the final ``]``).

    In fplll each ROW is a basis vector, so a ``.cvp`` ``basis`` written this way is the
    transpose of the paper's ``B``: :func:`parse_cvp` stores ``B = M^T``.

    >>> parse_fplll_matrix("[[1 2 0]\\n [0 1 1]\\n]")
    [[1, 2, 0], [0, 1, 1]]
    >>> parse_fplll_matrix("[[1, -2], [3, 4]]")
    [[1, -2], [3, 4]]
    """
    toks = _tokens_with_lines(text, line)
    if not toks:
        raise InputError(path, line, "expected '[' to open the matrix, got nothing")
    tok, outer = toks[0]
    if tok != "[":
        raise InputError(path, outer, f"expected '[' to open the matrix, got '{_show(tok)}'")
    rows: list[list[int]] = []
    prev, comma_line, i = "open", 0, 1
    while True:
        if i >= len(toks):
            raise InputError(path, outer, "unbalanced brackets: the matrix is never closed")
        tok, ln = toks[i]
        i += 1
        if tok == "[":
            k = len(rows) + 1
            row, i = _bracket_row(toks, i, path, ln, f"row {k}")
            if rows and len(row) != len(rows[0]):
                raise InputError(
                    path,
                    ln,
                    f"ragged matrix: row {k} has {_entries(len(row))}, row 1 has {len(rows[0])}",
                )
            rows.append(row)
            prev = "item"
        elif tok == "]":
            if prev == "comma":
                raise InputError(path, comma_line, "misplaced ','")
            break
        elif tok == ",":
            if prev != "item":
                raise InputError(path, ln, "misplaced ','")
            prev, comma_line = "comma", ln
        else:
            raise InputError(
                path, ln, f"expected '[' to open row {len(rows) + 1}, got '{_show(tok)}'"
            )
    if i < len(toks):
        tok, ln = toks[i]
        if tok == "]":
            raise InputError(path, ln, "unbalanced brackets: ']' without a matching '['")
        raise InputError(path, ln, f"unexpected '{_show(tok)}' after the matrix")
    return rows


def _number(token: str, what: str, path: str, line: int) -> Fraction:
    """A non-negative exact number: ``7``, ``7/2`` or ``3.5``."""
    m = _NUMBER_RE.fullmatch(token)
    if m is None:
        if token.startswith("-") and _NUMBER_RE.fullmatch(token[1:]):
            raise InputError(path, line, f"negative {what} '{_show(token)}'")
        raise InputError(
            path,
            line,
            f"{what} must be a non-negative integer, fraction a/b or decimal, got '{_show(token)}'",
        )
    if m["den"] is not None:
        if int(m["den"]) == 0:
            raise InputError(path, line, f"{what} '{_show(token)}' has a zero denominator")
        return Fraction(int(m["int"]), int(m["den"]))
    if m["frac"] is not None:
        return Fraction(int(m["int"] + m["frac"]), 10 ** len(m["frac"]))
    return Fraction(int(m["int"]))


class _Reader:
    """The line-by-line reader behind :func:`parse_cvp`."""

    def __init__(self, text: str, path: str):
        self.path = path
        self.lines = text.split("\n")
        # the last line of the file (a final "\n" does not start another line)
        self.end_line = max(1, len(self.lines) - 1 if text.endswith("\n") else len(self.lines))
        self.header: tuple[int, int] | None = None
        self.header_line = 0
        self.given: dict[str, tuple[str, int]] = {}  # role -> (keyword, line)
        self.norm: int | str = 0
        self.radius: Fraction = Fraction(0)
        self.basis: np.ndarray | None = None
        self.target: list[int] = []
        self.coefficients = "binary"

    def error(self, line: int, message: str) -> InputError:
        return InputError(self.path, line, message)

    def keyword(self, index: int) -> tuple[str, str]:
        """The first token of line ``index`` (ending at whitespace or ``[``) and the rest."""
        raw = self.lines[index]
        m = _KEYWORD_RE.match(raw)
        return m.group(1), raw[m.end() :]

    def skippable(self, index: int) -> bool:
        """Blank or comment line."""
        tokens = _WS_RE.split(self.lines[index].strip(_WS), maxsplit=1)
        return tokens[0] in ("", "c")

    def read(self) -> CVP:
        i = 0
        while i < len(self.lines):
            lineno = i + 1
            if self.skippable(i):
                i += 1
                continue
            kw, rest = self.keyword(i)
            if kw == "p":
                self.read_header(lineno)
                i += 1
                continue
            if kw not in _KEYWORDS:
                if kw[:1].isalpha():
                    raise self.error(
                        lineno, f"unknown keyword '{_show(kw)}' (expected {_EXPECTED_KEYWORDS})"
                    )
                shown = _show(self.lines[i].strip(_WS), 30)
                raise self.error(
                    lineno, f"unexpected data line '{shown}' (expected a keyword line)"
                )
            if self.header is None:
                raise self.error(lineno, f"missing 'p cvp' header before '{kw}'")
            role = _ROLE[kw]
            if role in self.given:
                prev, where = self.given[role]
                if prev == kw:
                    raise self.error(lineno, f"'{kw}' given twice (first at line {where})")
                raise self.error(
                    lineno, f"'{kw}' and '{prev}' (line {where}) both given: use one of them"
                )
            self.given[role] = (kw, lineno)
            if kw == "basis":
                i = self.read_basis(i, rest)
                continue
            if kw == "matrix":
                i = self.read_matrix(i, rest)
                continue
            if kw == "target":
                self.read_target(lineno, rest)
            else:
                values = [t for t in _WS_RE.split(rest.strip(_WS)) if t]
                if len(values) != 1:
                    raise self.error(lineno, f"'{kw}' takes one value, got {len(values)}")
                self.read_value(kw, values[0], lineno)
            i += 1
        return self.finish()

    def read_header(self, lineno: int) -> None:
        tokens = [t for t in _WS_RE.split(self.lines[lineno - 1].strip(_WS)) if t]
        if self.header is not None:
            shown = _show(" ".join(tokens), 60)
            raise self.error(
                lineno, f"second header '{shown}' (the first is at line {self.header_line})"
            )
        if (
            len(tokens) != 4
            or tokens[:2] != ["p", "cvp"]
            or not all(_INT_RE.fullmatch(t) for t in tokens[2:])
        ):
            shown = _show(" ".join(tokens), 60)
            raise self.error(
                lineno, f"malformed header '{shown}' (expected 'p cvp DIMENSION VECTORS')"
            )
        d, n = int(tokens[2]), int(tokens[3])
        if d < 1:
            raise self.error(lineno, f"dimension {d} in header must be at least 1")
        if n < 1:
            raise self.error(lineno, f"number of basis vectors {n} in header must be at least 1")
        self.header, self.header_line = (d, n), lineno

    def read_value(self, kw: str, value: str, lineno: int) -> None:
        if kw == "norm":
            if value == "inf":
                self.norm = "inf"
                return
            if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
                raise self.error(
                    lineno, f"norm must be a positive integer or 'inf', got '{_show(value)}'"
                )
            if int(value) > MAX_NORM:
                raise self.error(lineno, f"norm {int(value)} is above the maximum {MAX_NORM}")
            self.norm = int(value)
        elif kw in ("radius", "radius^p"):
            self.radius = _number(value, kw, self.path, lineno)
        else:  # coefficients
            if value not in COEFFICIENT_SETS:
                raise self.error(
                    lineno, f"coefficients must be 'binary' or 'integer', got '{_show(value)}'"
                )
            self.coefficients = value

    def read_basis(self, index: int, rest: str) -> int:
        """Collect the fplll matrix starting after ``basis`` on line ``index``: on that line
        or the next non-blank one, until its brackets close (or a keyword line or the end
        of the file comes first). Returns the index of the next line to read."""
        start = index + 1
        parts = [rest]
        depth = rest.count("[") - rest.count("]")
        opened = "[" in rest
        content = bool(rest.strip(_WS))
        j = index + 1
        while (not content or (opened and depth > 0)) and j < len(self.lines):
            if self.skippable(j):
                parts.append("")
                j += 1
                continue
            kw, _ = self.keyword(j)
            if kw in _KEYWORDS or kw == "p":
                break
            line = self.lines[j]
            parts.append(line)
            depth += line.count("[") - line.count("]")
            opened = opened or "[" in line
            content = True
            j += 1
        if not content:
            raise self.error(
                start, "'basis' is not followed by a matrix (fplll syntax: [[1 2][3 4]])"
            )
        rows = parse_fplll_matrix("\n".join(parts), self.path, start)
        d, n = self.header
        if len(rows) != n:
            raise self.error(
                start, f"basis has {_plural(len(rows), 'vector')}, the header says {n}"
            )
        if len(rows[0]) != d:
            raise self.error(
                start,
                f"basis vectors have {_entries(len(rows[0]))}, the header says dimension {d}",
            )
        self.basis = np.array(rows, dtype=np.int64).T
        return j

    def read_matrix(self, index: int, rest: str) -> int:
        """Read the ``d`` rows of a ``matrix`` section; returns the next line's index."""
        start = index + 1
        if rest.strip(_WS):
            raise self.error(
                start, "'matrix' takes nothing on its line (its rows follow, one per line)"
            )
        d, n = self.header
        rows: list[list[int]] = []
        j = index + 1
        while len(rows) < d:
            if j >= len(self.lines):
                raise self.error(
                    self.end_line,
                    f"matrix has {_plural(len(rows), 'row')}, the header says dimension {d}",
                )
            if self.skippable(j):
                j += 1
                continue
            kw, _ = self.keyword(j)
            if kw in _KEYWORDS or kw == "p":
                raise self.error(
                    j + 1,
                    f"matrix has {_plural(len(rows), 'row')}, the header says dimension {d}",
                )
            tokens = [t for t in _WS_RE.split(self.lines[j].strip(_WS)) if t]
            row = [_entry(t, self.path, j + 1) for t in tokens]
            if len(row) != n:
                raise self.error(
                    j + 1,
                    f"matrix row {len(rows) + 1} has {_entries(len(row))}, "
                    f"the header says {_plural(n, 'basis vector')}",
                )
            rows.append(row)
            j += 1
        self.basis = np.array(rows, dtype=np.int64)
        return j

    def read_target(self, lineno: int, rest: str) -> None:
        if any(ch in rest for ch in "[],"):
            toks = _tokens_with_lines(rest, lineno)
            if not toks or toks[0][0] != "[":
                shown = _show(toks[0][0]) if toks else ""
                raise self.error(
                    lineno,
                    f"expected '[' to open the target, got '{shown}' "
                    "(commas and brackets go together: [1, 2, 3])",
                )
            values, i = _bracket_row(toks, 1, self.path, lineno, "the target")
            if i < len(toks):
                tok = toks[i][0]
                if tok == "]":
                    raise self.error(lineno, "unbalanced brackets: ']' without a matching '['")
                raise self.error(lineno, f"unexpected '{_show(tok)}' after the target")
        else:
            tokens = [t for t in _WS_RE.split(rest.strip(_WS)) if t]
            values = [_entry(t, self.path, lineno) for t in tokens]
        d = self.header[0]
        if len(values) != d:
            raise self.error(
                lineno, f"target has {_entries(len(values))}, the header says dimension {d}"
            )
        self.target = values

    def finish(self) -> CVP:
        end = self.end_line
        if self.header is None:
            raise self.error(end, "missing 'p cvp' header")
        if "norm" not in self.given:
            raise self.error(end, "missing 'norm'")
        if "radius" not in self.given:
            raise self.error(end, "missing 'radius' (or 'radius^p')")
        if "basis" not in self.given:
            raise self.error(end, "missing 'basis' (or 'matrix')")
        if "target" not in self.given:
            raise self.error(end, "missing 'target'")
        kw, line = self.given["radius"]
        if self.norm == "inf":
            if kw == "radius^p":
                raise self.error(line, "'radius^p' is not allowed with norm inf (use 'radius')")
            bound = self.radius
        else:
            bound = self.radius if kw == "radius^p" else self.radius**self.norm
        return CVP(
            self.basis, np.array(self.target, dtype=np.int64), self.norm, bound, self.coefficients
        )


def _decode(data: bytes) -> str:
    text = bytes(data).decode("utf-8", "backslashreplace")
    return text[1:] if text.startswith(_BOM) else text


def parse_cvp(data: bytes, path: str = "<input>") -> CVP:
    """Parse ``.cvp`` ``data`` (already decompressed) into a :class:`CVP`; ``path`` only
    labels the :class:`InputError` messages. See the module docstring for the format."""
    return _Reader(_decode(data), path).read()


def read_cvp(path: str | os.PathLike) -> CVP:
    """Read a ``.cvp`` file, possibly gzip/bzip2/xz compressed (see :func:`parse_cvp`)."""
    return parse_cvp(read_bytes(path), str(path))


def sniff(data: bytes) -> bool:
    """True when ``data`` (decompressed) looks like a ``.cvp`` file: its first line that is
    neither blank nor a comment starts with the tokens ``p cvp``.

    >>> sniff(b"c hello\\n\\np cvp 3 2\\n"), sniff(b"p cnf 3 2\\n")
    (True, False)
    """
    data = bytes(data)
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while pos <= len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        tokens = data[pos:end].split()
        pos = end + 1
        if not tokens or tokens[0] == b"c":
            continue
        return tokens[:2] == [b"p", b"cvp"]
    return False


# --------------------------------------------------------------------------- writing


_comment_lines = comment_lines


def format_cvp(cvp: CVP, comments: Sequence[str] = (), layout: str = "basis") -> str:
    """The ``.cvp`` text of ``cvp``; :func:`parse_cvp` reads it back to an equal instance.

    ``layout="basis"`` writes the basis vectors as the rows of an fplll matrix, one per
    line; ``layout="matrix"`` writes the paper's ``B`` as a ``matrix`` section.

    >>> print(format_cvp(CVP([[1, 0], [2, 1]], [1, 2], 2, 5), ["sqrt(5)"]), end="")
    c sqrt(5)
    p cvp 2 2
    norm 2
    radius^p 5
    coefficients binary
    basis [[1 2]
           [0 1]]
    target 1 2
    """
    if layout not in ("basis", "matrix"):
        raise ValueError(f"layout must be 'basis' or 'matrix', not {layout!r}")
    out = [_comment_lines(comments), f"p cvp {cvp.d} {cvp.n}\n", f"norm {cvp.p}\n"]
    root = cvp.bound if cvp.p == "inf" else _exact_root(cvp.bound, cvp.p)
    out.append(f"radius {root}\n" if root is not None else f"radius^p {cvp.bound}\n")
    out.append(f"coefficients {cvp.coefficients}\n")
    if layout == "basis":
        rows = ["[" + " ".join(map(str, v)) + "]" for v in cvp.basis.T.tolist()]
        out.append("basis [" + "\n       ".join(rows) + "]\n")
    else:
        out.append("matrix\n")
        out.extend(" ".join(map(str, row)) + "\n" for row in cvp.basis.tolist())
    out.append("target " + " ".join(map(str, cvp.target.tolist())) + "\n")
    return "".join(out)


def write_cvp(
    cvp: CVP,
    path_or_file: str | os.PathLike | IO[str] | IO[bytes],
    comments: Sequence[str] = (),
    layout: str = "basis",
) -> None:
    """Write :func:`format_cvp` to a path or an open text/binary file; a path ending in
    ``.gz``, ``.bz2`` or ``.xz`` is written compressed."""
    data = format_cvp(cvp, comments, layout).encode("utf-8")
    write_data(data, path_or_file)


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


def from_arrays(arrays: dict[str, np.ndarray], meta: dict) -> CVP:
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
