"""Vertex Cover -> a one-layer ReLU network over a binary latent, approximate inversion
(``vertexcover-binary``).

Section 2.2.3 of "On the computational complexity of inverting generative models" (the
second construction for Theorem 5: an ETH lower bound ``2^Omega(n)`` for even ``p``). For a
graph with ``n`` vertices, ``Z`` edges and a size bound ``q``, the latent ``y in {0,1}^n``
marks the vertices *outside* the cover (``y_i = 1``: vertex ``i`` is not in it; the paper's
bias ``-(n - q) beta`` counts those). Rows of ``A y + c``:

- for each edge ``(i, j)``: ``alpha * (2 (y_i + y_j) - 1)``, whose absolute value is
  ``alpha`` when the edge is covered and ``3 alpha`` when both ends are outside the cover;
- one row ``beta * (sum_i y_i - (n - q))``.

With ``G(y) = ReLU([A; -A] y + [c; -c])`` and ``x = 0`` (:mod:`.absval`),
``||G(y)||_p^p = Z alpha^p + (3^p - 1) alpha^p * #uncovered + beta^p |sum y - (n - q)|^p``,
which is ``<= delta^p = Z alpha^p`` exactly when every edge is covered and the cover has
``q`` vertices; a cover of at most ``q`` vertices exists iff one of exactly ``q`` does
(``q <= n``). For ``p = inf`` the norm is ``alpha``, ``3 alpha`` or ``beta |...|`` and
``delta = alpha`` works the same way.

Constants: ``alpha = 1`` (any ``alpha > 0``); ``beta = ceil((Z alpha^p)^(1/p)) + 1``, an
integer with ``beta^p > Z alpha^p`` (``beta = 2 alpha`` for ``inf``), so a wrong count alone exceeds
``delta``; ``delta^p = Z alpha^p`` kept exactly (``Query.delta_pow``), query ``<= delta``.

Valid for every ``p >= 1`` and ``inf`` (``3^p - 1 > 0``); the paper states it for even ``p``,
where it is what gives the ETH bound. Departures from the printed construction: the printed
``C`` has a row for each of the ``C(n,2)`` pairs, but a non-edge's row and bias are all zero,
so its two units are constant 0 and are left out (width ``2 (Z + 1)``, not
``2 (C(n,2) + 1)``); the printed ``b_{[n]} = c in R^n`` means ``b_{[C(n,2)]}``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..lazy import lazy_module
from ..network import Network
from ..options import NormP, Param, norm
from ..problems import graph as graph_mod
from .absval import plus_minus_layer
from .base import Construction, network_bytes
from .lift import ceil_root

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp
else:
    nx = lazy_module("networkx")
    sp = lazy_module("scipy.sparse")

NAME = "vertexcover-binary"
SOURCE_KIND = "graph"
SUMMARY = "Vertex Cover (size <= q) -> 1-layer ReLU net, latent {0,1}^n, ||G(y)||_p <= delta"
PAPER = "On the computational complexity of inverting generative models"
THEOREM = "Section 2.2.3 (Theorem 5, Vertex Cover construction)"
CERTIFICATE = "the vertices of the cover"


PARAMS = {
    "q": Param(
        int, "the cover size bound: is there a vertex cover of at most q vertices?", required=True
    ),  # fmt: skip
    "p": Param(norm, "the norm p: a positive integer or inf (default 2)", default=2),
}


def vertices(G: nx.Graph) -> list:
    """The vertex order of the latent: sorted labels."""
    return sorted(G.nodes)


def build(G: nx.Graph, *, source: Source | None = None, q: int, p: NormP = 2) -> InversionProblem:
    """The ``vertexcover-binary`` problem of ``(G, q)``.

    >>> import networkx as nx
    >>> prob = build(nx.path_graph([1, 2, 3]), q=1)
    >>> prob.network.widths, prob.query.describe()
    ([3, 6], 'approx: ||G(z) - x||_2^2 <= 2 (delta = 1.41421)')
    """
    n, Z = G.number_of_nodes(), G.number_of_edges()
    if not 0 <= q <= n:
        raise InputError(None, None, f"parameter q={q} is out of range: the graph has {n} vertices")
    alpha = 1
    dpow = Z * alpha**p if p != "inf" else alpha
    beta = ceil_root(dpow, p) + 1 if p != "inf" else 2 * alpha
    index = {v: i for i, v in enumerate(vertices(G))}
    edges = np.array([(index[u], index[v]) for u, v in G.edges], dtype=np.int64).reshape(-1, 2)
    rows = np.r_[np.repeat(np.arange(Z), 2), np.full(n, Z)]
    cols = np.r_[edges.ravel(), np.arange(n)]
    vals = np.r_[np.full(2 * Z, 2.0 * alpha), np.full(n, float(beta))]
    A = sp.csr_array((vals, (rows, cols)), shape=(Z + 1, n))
    c = np.r_[np.full(Z, -float(alpha)), -float((n - q) * beta)]
    net = Network((plus_minus_layer(A, c),))
    query = (
        Query("approx", "inf", float(alpha), strict=False)
        if p == "inf"
        else Query("approx", p, None, strict=False, delta_pow=Fraction(dpow))
    )
    params = {"q": q, "p": p, "alpha": alpha, "beta": beta, "delta_pow": str(dpow)}
    record = ReductionRecord(NAME, PAPER, THEOREM, params)
    return InversionProblem(net, np.zeros(net.out_dim), Domain("binary"), query, record, source)


def encode(G: nx.Graph, cover, *, q: int | None = None, **params) -> np.ndarray:
    """A cover (vertex labels) becomes ``y``: 1 outside the cover, 0 in it; with ``q``, a
    smaller cover is first padded to exactly ``q`` vertices (:func:`pad`)."""
    inside = set(pad(G, cover, q) if q is not None else cover)
    return np.array([0.0 if v in inside else 1.0 for v in vertices(G)])


def pad(G: nx.Graph, cover, q: int) -> list:
    """``cover`` with more vertices added (in label order) until it has ``q``."""
    out = list(dict.fromkeys(cover))
    for v in vertices(G):
        if len(out) >= q:
            break
        if v not in out:
            out.append(v)
    return out


def decode(G: nx.Graph, y, **params) -> list:
    """Any latent becomes the cover ``{v_i : y_i < 1/2}``."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    return [v for v, yi in zip(vertices(G), y, strict=True) if yi < 0.5]


def fault(G: nx.Graph, cover, *, q: int, **params) -> str | None:
    """Why ``cover`` is not a vertex cover of ``G`` with at most ``q`` vertices, or None."""
    return graph_mod.vertex_cover_fault(G, cover, q)


def check(G: nx.Graph, cover, *, q: int, **params) -> bool:
    return fault(G, cover, q=q) is None


def size(G: nx.Graph, *, q: int = 0, p: NormP = 2) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`): two
    nonzeros per edge and one per vertex, in the ``±`` copies."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    return network_bytes(4 * m + 2 * n, 2 * m + n + 2) + graph_mod.GRAPH_BYTES * (n + m)


REDUCTION = Construction.of_module(globals())
