"""Half-Clique -> a one-layer ReLU network over a binary latent, approximate inversion
(``halfclique-binary``).

Theorem 5 of "On the computational complexity of inverting generative models" (an ETH lower
bound ``2^Omega(n)`` for even ``p``). The question: does the positively edge-weighted graph
``G`` on ``n`` vertices have a clique of ``k = n/2`` vertices whose edges weigh less than
``M`` in total? The latent ``y in {0,1}^n`` marks the chosen vertices. Rows of ``A y + c``:

- for each edge ``e = (i, j)`` of integer weight ``w_e``: ``w_e`` copies of the row
  ``2 (y_i + y_j) - 1``, whose absolute value is 1 unless both ends are chosen (then 3), so
  together they contribute ``w_e`` or ``3^p w_e`` to the p-th power of the norm;
- for each non-edge ``(i, j)``: ``alpha (2 (y_i + y_j) - 1)``: ``alpha^p`` or ``3^p alpha^p``;
- one row ``beta (sum_i y_i - k)``.

With ``G(y) = ReLU([A; -A] y + [c; -c])`` and ``x = 0`` (:mod:`.absval`),
``||G(y)||_p^p = W + Z alpha^p + (3^p - 1) (w(S) + alpha^p * #non-edges in S)
+ beta^p |sum y - k|^p`` where ``W`` is the total edge weight, ``Z`` the number of
non-edges and ``S`` the chosen set. Against ``delta^p = W + Z alpha^p + (3^p - 1) M`` with the
*strict* query ``< delta``: a ``k``-clique of weight ``< M`` gives a smaller value; any other
``y`` does not, given ``alpha^p >= M`` (a non-edge inside ``S`` costs ``(3^p - 1) alpha^p``)
and ``beta^p >= (3^p - 1) M`` (a wrong size alone reaches ``delta^p``). We take the least
such integers ``alpha >= 1`` and ``beta >= 1``.

Valid for every finite ``p >= 1`` (``3^p - 1 > 0``); refused for ``p = inf``, where the norm
is a maximum and the weights cannot add up. The paper states it for even ``p``.

Departures from the printed construction:

- the text writes square roots, ``C_ek = 2 sqrt(w_e)`` and ``c_e = -sqrt(w_e)``, where p-th
  roots are meant (only ``|.|^p = w_e`` makes ``delta`` come out); p-th roots are irrational
  in general and the network must be exact, so an edge of weight ``w_e`` gets ``w_e`` unit
  rows instead, whose p-th powers add up to exactly the same (width grows with the total
  weight: ``2 (W + Z + 1)``, which is ``2 (C(n,2) + 1)`` for unit weights, as printed);
- the printed ``b in R^(n+1)`` with ``b_[n] = c`` means ``b in R^(C(n,2)+1)``, ``b_[C(n,2)] = c``;
- Theorem 5 states ``<= delta``; with ``delta`` as printed, that would accept a half-clique of
  weight exactly ``M``, which the problem ("weight less than ``M``") excludes: the query is
  ``< delta``;
- ``k`` is a parameter (default ``n/2``; an odd ``n`` needs it given).

Edge weights: the paper's graphs are edge-weighted; DIMACS ``e u v w`` lines give them. The
public ``.clq`` files carry node weights only, so ``--param weights=`` chooses: ``auto``
(edge weights if the file has them, else 1), ``unit``, ``edge``, or ``node-sum``
(``w_uv = w_u + w_v``); see :func:`reluhard.problems.graph.edge_weights`.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..lazy import lazy_module
from ..network import Network
from ..options import NormP, Param, norm, rational
from ..problems import graph as graph_mod
from .absval import plus_minus_layer
from .base import ROW_BYTES, Construction, network_bytes
from .lift import ceil_root

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp
else:
    nx = lazy_module("networkx")
    sp = lazy_module("scipy.sparse")

NAME = "halfclique-binary"
SOURCE_KIND = "graph"
SUMMARY = (
    "Half-Clique (k = n/2, weight < M) -> 1-layer ReLU net, latent {0,1}^n, ||G(y)||_p < delta"
)
PAPER = "On the computational complexity of inverting generative models"
THEOREM = "Theorem 5 (Half-Clique construction)"
CERTIFICATE = "the vertices of the clique"
PARAMS = {
    "M": Param(rational, "the weight bound: a k-clique of total edge weight < M?", required=True),
    "k": Param(int, "the clique size (default n/2)"),
    "p": Param(norm, "the norm p: a positive integer (default 2)", default=2),
    "weights": Param(
        str, "edge weights: auto, unit, edge or node-sum (default auto)", default="auto"
    ),  # fmt: skip
}


def vertices(G: nx.Graph) -> list:
    return sorted(G.nodes)


def clique_size(G: nx.Graph, k: int | None) -> int:
    n = G.number_of_nodes()
    if k is None:
        if n % 2:
            raise InputError(
                None,
                None,
                f"Half-Clique needs an even number of vertices (n = {n}); "
                "give --param k=... for a k-clique",
            )
        return n // 2
    if not 0 <= k <= n:
        raise InputError(None, None, f"parameter k={k} is out of range: the graph has {n} vertices")
    return k


def build(
    G: nx.Graph,
    *,
    source: Source | None = None,
    M: Fraction,
    k: int | None = None,
    p: NormP = 2,
    weights: str = "auto",
) -> InversionProblem:
    """The ``halfclique-binary`` problem of ``(G, M, k)``.

    >>> import networkx as nx
    >>> prob = build(nx.complete_graph([1, 2]), M=2)
    >>> prob.network.widths, prob.query.describe()
    ([2, 4], 'approx: ||G(z) - x||_2^2 < 17 (delta = 4.12311)')
    """
    if p == "inf":
        raise InputError(
            None,
            None,
            "the Half-Clique reductions need a finite p (with p = inf the edge weights "
            "cannot add up); use --param p=2",
        )
    M = Fraction(M)
    if M < 0:
        raise InputError(None, None, f"parameter M={M} must be >= 0")
    k = clique_size(G, k)
    try:
        w = graph_mod.edge_weights(G, weights)
    except ValueError as e:
        raise InputError(None, None, f"parameter weights={weights!r}: {e}") from None
    order = vertices(G)
    n = len(order)
    alpha = max(1, ceil_root(M, p))
    beta = max(1, ceil_root((3**p - 1) * M, p))
    rows, cols, vals, bias = [], [], [], []
    r = 0
    Z = 0
    for a, b in combinations(range(n), 2):
        u, v = order[a], order[b]
        if G.has_edge(u, v):
            we = int(w[(u, v)] if (u, v) in w else w[(v, u)])
            for _ in range(we):
                rows += [r, r]
                cols += [a, b]
                vals += [2.0, 2.0]
                bias.append(-1.0)
                r += 1
        else:
            Z += 1
            rows += [r, r]
            cols += [a, b]
            vals += [2.0 * alpha, 2.0 * alpha]
            bias.append(-float(alpha))
            r += 1
    rows += [r] * n
    cols += list(range(n))
    vals += [float(beta)] * n
    bias.append(-float(k * beta))
    A = sp.csr_array((vals, (rows, cols)), shape=(r + 1, n))
    W = sum(int(x) for x in w.values())
    dpow = W + Z * Fraction(alpha) ** p + (3**p - 1) * M
    net = Network((plus_minus_layer(A, np.array(bias)),))
    query = Query("approx", p, None, strict=True, delta_pow=dpow)
    params = {"M": str(M), "k": k, "p": p, "weights": weights, "alpha": alpha, "beta": beta,
              "delta_pow": str(dpow)}  # fmt: skip
    record = ReductionRecord(NAME, PAPER, THEOREM, params)
    return InversionProblem(net, np.zeros(net.out_dim), Domain("binary"), query, record, source)


def encode(G: nx.Graph, clique, **params) -> np.ndarray:
    """A vertex set becomes ``y``: 1 on it, 0 elsewhere."""
    inside = set(clique)
    return np.array([1.0 if v in inside else 0.0 for v in vertices(G)])


def decode(G: nx.Graph, y, **params) -> list:
    """Any latent becomes the set ``{v_i : y_i >= 1/2}``."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    return [v for v, yi in zip(vertices(G), y, strict=True) if yi >= 0.5]


def fault(G: nx.Graph, clique, *, M, k=None, weights: str = "auto", **params) -> str | None:
    """Why ``clique`` is not a ``k``-clique of total edge weight ``< M``, or None."""
    return graph_mod.half_clique_fault(G, clique, Fraction(M), k, weights)


def check(G: nx.Graph, clique, **params) -> bool:
    return fault(G, clique, **params) is None


def size(
    G: nx.Graph, *, M: Fraction = Fraction(0), k: int | None = None, p: NormP = 2,
    weights: str = "auto",
) -> int:  # fmt: skip
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`): an edge
    of weight ``w`` becomes ``w`` unit rows and every non-edge one row, each held first in
    Python lists (:data:`ROW_BYTES`), so a weight of 1e9 is refused here, not built."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    try:
        total = sum(int(x) for x in graph_mod.edge_weights(G, weights).values())
    except ValueError:
        total = m  # build reports the bad weights parameter
    rows = total + n * (n - 1) // 2 - m + 1
    return ROW_BYTES * rows + network_bytes(4 * rows + 2 * n, 2 * rows)


REDUCTION = Construction.of_module(globals())
