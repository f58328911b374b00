"""(0,1)-CVP_p -> a one-layer ReLU network over a binary latent, approximate inversion
(``cvp-binary``).

Theorem 3 of "On the computational complexity of inverting generative models" (a SETH lower
bound for odd ``p``, from the SETH-hardness of (0,1)-CVP_p). For basis ``B = (v_1..v_n)``
(columns in ``Z^d``), target ``t`` and radius ``r``, the latent is ``z in {0,1}^(2n)`` in
pairs ``(z_(2i-1), z_(2i))``, and with ``Wbar = [[v_1 0 v_2 0 ... v_n 0]; alpha * pair rows]``,
``bbar = [-t; -alpha * 1]``:

    G(z) = ReLU([Wbar; -Wbar] z + [bbar; -bbar]),   x = 0,   query ||G(z) - x||_p <= r.

By :mod:`.absval`, ``||G(z)||_p^p = ||B y - t||_p^p + alpha^p * #(pairs with z_(2i-1) +
z_(2i) != 1)`` where ``y_i = z_(2i-1)``. With ``alpha > r`` a broken pair alone puts ``G(z)``
beyond ``r``, so ``G`` can be inverted within ``r`` exactly when some ``y in {0,1}^n`` has
``||B y - t||_p <= r``. ``encode(y) = (y_1, 1-y_1, ..., y_n, 1-y_n)``; ``decode`` reads the
odd coordinates.

Valid for every ``p >= 1`` and ``p = inf`` (the identity of :mod:`.absval` holds for all of
them; the exhaustive tests check p = 1, 2, 3, 4, inf); the *hardness* is stated for odd
``p``, where (0,1)-CVP_p is SETH-hard, and the tool does not refuse other ``p``.

Departures from the printed construction: the query is ``<= r`` (the theorem writes
``< delta`` with ``delta = r``, which would turn every YES instance at distance exactly ``r``
into a NO); ``delta^p = r^p`` is kept exactly (``Query.delta_pow``) so irrational radii such
as ``sqrt(5)`` are exact; ``alpha = ceil(r) + 1`` (any ``alpha > r`` works; an integer keeps
the network integral). The pair rows are the paper's; with a binary latent they only force
the pair ``(y_i, 1 - y_i)``, which is how the construction carries over to Theorem 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..lazy import lazy_module
from ..network import Network
from ..options import MAX_P, NormP
from ..problems import cvp as cvp_mod
from ..problems.cvp import CVP
from .absval import plus_minus_layer
from .base import Construction, network_bytes
from .lift import ceil_root

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

NAME = "cvp-binary"
SOURCE_KIND = "cvp"
SUMMARY = "(0,1)-CVP_p -> 1-layer ReLU net, latent {0,1}^(2n), ||G(z)||_p <= r"
PAPER = "On the computational complexity of inverting generative models"
THEOREM = "Theorem 3"
CERTIFICATE = "the coefficient vector y in {0,1}^n"
PARAMS: dict = {}


def alpha(cvp: CVP) -> int:
    """The pair penalty: ``ceil(r) + 1 > r``."""
    return ceil_root(cvp.bound, cvp.p) + 1


def query(cvp: CVP) -> Query:
    """``||G(z)||_p <= r`` with ``r^p`` (``r`` for ``inf``) kept exactly."""
    if cvp.p != "inf" and int(cvp.p) > MAX_P:
        raise InputError(
            None,
            None,
            f"cvp-binary takes p up to {MAX_P} (the instance has p = {cvp.p}): beyond that the "
            "p-th powers outgrow the solvers' 64-bit integers",
        )
    p: NormP = "inf" if cvp.p == "inf" else int(cvp.p)
    return Query("approx", p, None, strict=False, delta_pow=cvp.bound)


def matrix(cvp: CVP) -> tuple[sp.csr_array, np.ndarray]:
    """``Wbar`` and ``bbar`` of the module docstring."""
    if cvp.coefficients != "binary":
        raise InputError(
            None,
            None,
            "cvp-binary decides (0,1)-CVP (coefficients in {0,1}); this instance asks for "
            "integer coefficients: write 'coefficients binary' to ask the (0,1) question",
        )
    d, n = cvp.basis.shape
    a = alpha(cvp)
    top = sp.csr_array(
        (
            cvp.basis.astype(np.float64).ravel(),
            (np.repeat(np.arange(d), n), np.tile(2 * np.arange(n), d)),
        ),
        shape=(d, 2 * n),
    )
    pairs = sp.csr_array(
        (np.full(2 * n, float(a)), (np.repeat(np.arange(n), 2), np.arange(2 * n))), shape=(n, 2 * n)
    )
    W = sp.vstack([top, pairs], format="csr")
    W.eliminate_zeros()
    b = np.r_[-cvp.target.astype(np.float64), np.full(n, -float(a))]
    return W, b


def build(cvp: CVP, *, source: Source | None = None) -> InversionProblem:
    """The ``cvp-binary`` problem of ``cvp``.

    >>> import numpy as np
    >>> from fractions import Fraction
    >>> c = CVP(np.array([[1, 0], [0, 1]]), np.array([1, 1]), 2, Fraction(0), "binary")
    >>> p = build(c)
    >>> p.network.widths, p.domain.kind, p.query.describe()
    ([4, 8], 'binary', 'approx: ||G(z) - x||_2^2 <= 0 (delta = 0)')
    """
    q = query(cvp)
    W, b = matrix(cvp)
    net = Network((plus_minus_layer(W, b),))
    return InversionProblem(
        net,
        np.zeros(net.out_dim),
        Domain("binary"),
        q,
        ReductionRecord(
            NAME, PAPER, THEOREM, {"alpha": alpha(cvp), "p": cvp.p, "delta_pow": str(cvp.bound)}
        ),  # fmt: skip
        source,
    )


def encode(cvp: CVP, y: Sequence[int] | np.ndarray, **params) -> np.ndarray:
    """Coefficients ``y in {0,1}^n`` become the latent ``(y_1, 1-y_1, ..., y_n, 1-y_n)``."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    z = np.empty(2 * y.size)
    z[0::2], z[1::2] = y, 1.0 - y
    return z


def decode(cvp: CVP, z: Sequence[float] | np.ndarray, **params) -> list[int]:
    """Any latent (also an inexact one) becomes ``y_i = [z_(2i-1) >= 1/2]``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    return (z[0::2] >= 0.5).astype(int).tolist()


def fault(cvp: CVP, y, **params) -> str | None:
    """Why ``y`` is not a (0,1)-CVP certificate (``y in {0,1}^n``, ``||B y - t||_p <= r``)."""
    return cvp_mod.fault(cvp, y)


def check(cvp: CVP, y, **params) -> bool:
    return fault(cvp, y) is None


def size(cvp: CVP) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`): the
    ``±`` copies of a dense ``(d + n) x 2n`` matrix."""
    rows, cols = cvp.d + cvp.n, 2 * cvp.n
    return network_bytes(2 * rows * cols + rows, 2 * rows + cols)


REDUCTION = Construction.of_module(globals())
