"""Graphs as a source problem: Vertex Cover and Half-Clique, and exact checkers of their
certificates. The DIMACS graph and edge-list formats are in
:mod:`reluhard.problems.graph_format`, the reference solvers in
:mod:`reluhard.problems.graph_reference`.

The paper ("On the computational complexity of inverting generative models", Sections 1,
2.2.2 and 2.2.3) reduces two graph problems to the inversion of a one-layer ReLU network:

* **Vertex Cover**: does ``G`` have a vertex cover (a set touching every edge) of at most
  ``q`` vertices? (A cover of size at most ``q <= n`` can always be padded to exactly ``q``,
  so "of size ``q``" and "of size at most ``q``" are the same question.)
* **Half-Clique**: on a graph with positive edge weights and ``n`` vertices, is there a
  clique of ``k = n/2`` vertices whose edges weigh *less than* ``M`` in total (strictly, as
  in the paper: "a half-clique with a total weight less than M")? Here ``k`` may also be
  given; for odd ``n`` it must be.

Graphs
------
A graph is a :class:`networkx.Graph` whose nodes are the integers ``1..n``, labelled as in
DIMACS files (not ``0..n-1``): vertex ``v`` of the file is node ``v``, and the latent
coordinate ``i`` of a reduction is vertex ``i + 1``. Every vertex ``1..n`` is a node, isolated
or not. Weights are *positive integers* (exact arithmetic everywhere, and the Half-Clique
network spells a weight-``w`` edge as ``w`` unit rows; scale rational weights to integers):

* node attribute ``"weight"``: a node weight, default 1 where absent;
* edge attribute ``"weight"``: an edge weight, default 1 where absent.

The readers set an attribute only when the file gives weights, and then on every node (or
every edge), a missing one as 1: a parsed graph has node weights on all nodes or none and
edge weights on all edges or none. :func:`validate_graph` states what the functions here
require of a graph built by hand.

Which edge weights a Half-Clique question uses is chosen by :func:`edge_weights`: the
paper's Half-Clique is edge-weighted, while the public DIMACS clique files (``*.clq``)
carry node weights only (``n v w`` lines), so ``"node-sum"`` derives ``w_uv = w_u + w_v``
from them, ``"unit"`` ignores weights, ``"edge"`` takes the edge attribute and ``"auto"``
(the default) takes edge weights when the graph has any, else unit weights.

Examples
--------
>>> G = make_graph(4, [(1, 2), (2, 3), (3, 4)], node_weights=[1, 5, 1, 1])
>>> is_vertex_cover(G, [2, 3], q=2), vertex_cover_fault(G, [2], q=1)
(True, 'edge (3, 4) is not covered')
>>> edge_weights(G, "node-sum")
{(1, 2): 6, (2, 3): 6, (3, 4): 2}
>>> K = make_graph(4, [(1, 2, 3), (1, 3, 1), (2, 3, 1), (3, 4, 2)])
>>> half_clique_fault(K, [1, 3], M=1)
"the clique's total edge weight is 1, not less than M = 1"
>>> is_half_clique(K, [1, 3], M=2)
True
"""

from __future__ import annotations

import itertools
import numbers
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..lazy import lazy_module
from .intarrays import int_array, meta_count
from .textio import count

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

__all__ = [
    "MAX_WEIGHT",
    "WEIGHT_MODES",
    "all_graphs",
    "describe",
    "edge_key",
    "edge_weights",
    "from_arrays",
    "half_clique_fault",
    "half_size",
    "is_half_clique",
    "is_vertex_cover",
    "make_graph",
    "to_arrays",
    "validate_graph",
    "vertex_cover_fault",
    "weight_table",
]

#: estimated bytes of a networkx vertex or edge (its dicts), for the size budget
GRAPH_BYTES = 400
MAX_WEIGHT = 2**63 - 1  # weights are stored as int64 in network files
WEIGHT_MODES = ("auto", "edge", "unit", "node-sum")


# --------------------------------------------------------------------------- graphs


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def validate_graph(G: nx.Graph) -> None:
    """``ValueError`` unless ``G`` is a graph as this module expects: an undirected simple
    graph (a :class:`networkx.Graph`, not a multigraph or directed) whose nodes are exactly
    ``1..n``, without self-loops, every ``"weight"`` attribute a positive integer."""
    if not isinstance(G, nx.Graph) or G.is_directed() or G.is_multigraph():
        raise ValueError("expected an undirected networkx.Graph")
    n = G.number_of_nodes()
    if any(not _is_int(v) for v in G) or set(G) != set(range(1, n + 1)):
        raise ValueError(f"the nodes must be the integers 1..{n}")
    for v, w in G.nodes(data="weight"):
        if w is not None and not (_is_int(w) and w > 0):
            raise ValueError(f"vertex {v} has weight {w!r}; weights must be positive integers")
    for u, v, w in G.edges(data="weight"):
        if u == v:
            raise ValueError(f"self-loop at vertex {u}")
        if w is not None and not (_is_int(w) and w > 0):
            raise ValueError(
                f"edge {edge_key(u, v)} has weight {w!r}; weights must be positive integers"
            )


def make_graph(
    n: int,
    edges: Iterable[Sequence[int]] = (),
    node_weights: Mapping[int, int] | Sequence[int] | None = None,
) -> nx.Graph:
    """The graph on vertices ``1..n`` with the given edges, each ``(u, v)`` or ``(u, v, w)``.

    Edge weights are set on every edge if any edge has one (the others get 1), node weights
    (a mapping, or a sequence for vertices ``1..n`` in order) on every node if given.

    >>> G = make_graph(3, [(1, 2), (2, 3, 4)])
    >>> sorted(G.edges(data="weight"))
    [(1, 2, 1), (2, 3, 4)]
    """
    G = nx.Graph()
    G.add_nodes_from(range(1, n + 1))
    edges = [tuple(e) for e in edges]
    weighted = any(len(e) == 3 for e in edges)
    for e in edges:
        if weighted:
            G.add_edge(e[0], e[1], weight=e[2] if len(e) == 3 else 1)
        else:
            G.add_edge(e[0], e[1])
    if node_weights is not None:
        if not isinstance(node_weights, Mapping):
            node_weights = dict(zip(range(1, n + 1), node_weights, strict=True))
        for v in range(1, n + 1):
            G.nodes[v]["weight"] = node_weights.get(v, 1)
    validate_graph(G)
    return G


def describe(G: nx.Graph) -> str:
    """A few words on the graph's size, for messages.

    >>> describe(make_graph(3, [(1, 2, 4)], node_weights=[1, 2, 3]))
    '3 vertices, 1 edge, edge weights, node weights'
    """
    n, m = G.number_of_nodes(), G.number_of_edges()
    words = [f"{n} {'vertex' if n == 1 else 'vertices'}", count(m, "edge")]
    if any(w is not None for *_, w in G.edges(data="weight")):
        words.append("edge weights")
    if any(w is not None for _, w in G.nodes(data="weight")):
        words.append("node weights")
    return ", ".join(words)


def all_graphs(n: int) -> Iterator[nx.Graph]:
    """Every labelled graph on the vertices ``1..n`` (``2^(n(n-1)/2)`` of them), unweighted.

    Graph number ``m`` has the pair ``i`` of ``itertools.combinations(range(1, n + 1), 2)``
    as an edge exactly when bit ``i`` of ``m`` is set.

    >>> [G.number_of_edges() for G in all_graphs(3)]
    [0, 1, 1, 2, 1, 2, 2, 3]
    """
    pairs = list(itertools.combinations(range(1, n + 1), 2))
    for mask in range(1 << len(pairs)):
        G = nx.Graph()
        G.add_nodes_from(range(1, n + 1))
        G.add_edges_from(p for i, p in enumerate(pairs) if mask >> i & 1)
        yield G


def edge_key(u: int, v: int) -> tuple[int, int]:
    """The edge ``{u, v}`` as its key in weight tables and messages: ``(min, max)``."""
    return (u, v) if u <= v else (v, u)


def edge_weights(G: nx.Graph, mode: str = "auto") -> dict[tuple[int, int], int]:
    """The edge weights of a Half-Clique question on ``G``, keyed ``(u, v)`` with ``u < v``.

    ``mode``:

    * ``"edge"``: the edge attribute ``"weight"`` (1 where absent);
    * ``"unit"``: every edge weighs 1;
    * ``"node-sum"``: ``w_u + w_v``, from the node attribute ``"weight"`` (1 where absent);
    * ``"auto"``: ``"edge"`` if any edge has a ``"weight"`` attribute, else ``"unit"``.

    Why several: the paper's Half-Clique is edge-weighted (``e u v w`` lines give such
    weights), but the public DIMACS clique instances carry node weights only, which
    ``"node-sum"`` turns into edge weights (a ``k``-clique then weighs ``(k - 1)`` times the
    sum of its node weights). ``ValueError`` for an unknown mode or a weight that is not a
    positive integer.

    >>> G = make_graph(3, [(1, 2), (2, 3)], node_weights=[1, 2, 3])
    >>> edge_weights(G), edge_weights(G, "node-sum")
    ({(1, 2): 1, (2, 3): 1}, {(1, 2): 3, (2, 3): 5})
    """
    if mode not in WEIGHT_MODES:
        expected = ", ".join(WEIGHT_MODES)
        raise ValueError(f"unknown weight mode {mode!r} (expected one of {expected})")
    if mode == "auto":
        mode = "edge" if any(w is not None for *_, w in G.edges(data="weight")) else "unit"
    out: dict[tuple[int, int], int] = {}
    for u, v, w in G.edges(data="weight", default=1):
        if mode == "unit":
            w = 1
        elif mode == "node-sum":
            wu, wv = G.nodes[u].get("weight", 1), G.nodes[v].get("weight", 1)
            for x, wx in ((u, wu), (v, wv)):
                if not (_is_int(wx) and wx > 0):
                    raise ValueError(
                        f"vertex {x} has weight {wx!r}; weights must be positive integers"
                    )
            w = int(wu) + int(wv)
        elif not (_is_int(w) and w > 0):
            raise ValueError(
                f"edge {edge_key(u, v)} has weight {w!r}; weights must be positive integers"
            )
        out[edge_key(u, v)] = int(w)
    return out


def weight_table(G: nx.Graph, weights: str | Mapping) -> dict[tuple[int, int], int]:
    """:func:`edge_weights` for a mode, or a given mapping (either key order) checked."""
    if isinstance(weights, str):
        return edge_weights(G, weights)
    table = {edge_key(*key): w for key, w in weights.items()}
    for u, v in G.edges:
        w = table.get(edge_key(u, v))
        if w is None:
            raise ValueError(f"the weights give no weight to edge {edge_key(u, v)}")
        if not (_is_int(w) and w > 0):
            raise ValueError(
                f"edge {edge_key(u, v)} has weight {w!r}; weights must be positive integers"
            )
    return table


# --------------------------------------------------------------------------- certificates


def _as_label(x: object) -> object:
    try:
        return operator.index(x)  # type: ignore[arg-type]  # TypeError tells
    except TypeError:
        return x


def _vertex_set_fault(G: nx.Graph, vertices: Iterable, what: str) -> tuple[list, str | None]:
    chosen: list = []
    seen: set = set()
    for x in vertices:
        v = _as_label(x)
        if isinstance(v, bool) or not isinstance(v, int) or v not in G:
            return chosen, f"vertex {v!r} is not in the graph"
        if v in seen:
            return chosen, f"vertex {v} is listed twice in the {what}"
        seen.add(v)
        chosen.append(v)
    return chosen, None


def vertex_cover_fault(G: nx.Graph, cover: Iterable, q: int) -> str | None:
    """Why ``cover`` is not a vertex cover of ``G`` with at most ``q`` vertices, or None.

    ``cover`` lists vertex labels (each once). The checks, in order: every element is a
    vertex of ``G``, none is repeated, there are at most ``q``, every edge is covered (the
    first uncovered edge in sorted order is named).

    >>> G = make_graph(4, [(1, 2), (3, 4), (2, 3)])
    >>> vertex_cover_fault(G, [2, 3], 2) is None
    True
    >>> vertex_cover_fault(G, [1, 4], 2)
    'edge (2, 3) is not covered'
    >>> vertex_cover_fault(G, [1, 2, 3], 2)
    'the cover has 3 vertices, more than q = 2'
    >>> vertex_cover_fault(G, [2, 9], 2)
    'vertex 9 is not in the graph'
    """
    chosen, fault = _vertex_set_fault(G, cover, "cover")
    if fault:
        return fault
    if len(chosen) > q:
        return f"the cover has {len(chosen)} vertices, more than q = {q}"
    inside = set(chosen)
    bad = sorted(edge_key(u, v) for u, v in G.edges if u not in inside and v not in inside)
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        return f"edge {bad[0]} is not covered{more}"
    return None


def is_vertex_cover(G: nx.Graph, cover: Iterable, q: int) -> bool:
    """True when ``cover`` is a vertex cover of ``G`` with at most ``q`` vertices."""
    return vertex_cover_fault(G, cover, q) is None


def half_size(G: nx.Graph, k: int | None) -> int:
    """The clique size ``k`` of a Half-Clique question: ``k`` itself, or ``n/2`` when it is
    None (:class:`InputError` for odd ``n``, or a negative ``k``)."""
    n = G.number_of_nodes()
    if k is None:
        if n % 2:
            raise InputError(
                None, None, f"the graph has an odd number of vertices (n = {n}): give k"
            )
        return n // 2
    k = operator.index(k)
    if k < 0:
        raise InputError(None, None, f"k = {k} is negative")
    return k


def half_clique_fault(
    G: nx.Graph, S: Iterable, M, k: int | None = None, weights: str | Mapping = "auto"
) -> str | None:
    """Why ``S`` is not a ``k``-clique of ``G`` of total edge weight less than ``M``, or None.

    ``k`` defaults to ``n/2`` and must be given when ``n`` is odd (:class:`InputError`
    otherwise); ``weights`` is an :func:`edge_weights` mode or a mapping from edges to
    weights; ``M`` is any number (an int or a :class:`fractions.Fraction` for exactness).
    The checks, in order: the elements are vertices, none repeated, exactly ``k`` of them,
    pairwise adjacent (the first non-adjacent pair in sorted order is named), total weight
    strictly below ``M``.

    >>> G = make_graph(4, [(1, 2, 5), (2, 3, 1), (3, 4, 1), (1, 3, 1)])
    >>> half_clique_fault(G, [2, 3], M=2) is None
    True
    >>> half_clique_fault(G, [1, 2], M=5)
    "the clique's total edge weight is 5, not less than M = 5"
    >>> half_clique_fault(G, [2, 4], M=9)
    'vertices 2 and 4 are not adjacent'
    >>> half_clique_fault(G, [1, 2, 3], M=9)
    'the set has 3 vertices, not k = 2'
    """
    k = half_size(G, k)
    table = weight_table(G, weights)
    chosen, fault = _vertex_set_fault(G, S, "set")
    if fault:
        return fault
    if len(chosen) != k:
        return f"the set has {len(chosen)} vertices, not k = {k}"
    chosen.sort()
    for u, v in itertools.combinations(chosen, 2):
        if not G.has_edge(u, v):
            return f"vertices {u} and {v} are not adjacent"
    total = sum(table[(u, v)] for u, v in itertools.combinations(chosen, 2))
    if not total < M:
        return f"the clique's total edge weight is {total}, not less than M = {M}"
    return None


def is_half_clique(
    G: nx.Graph, S: Iterable, M, k: int | None = None, weights: str | Mapping = "auto"
) -> bool:
    """True when ``S`` is a ``k``-clique of ``G`` of total edge weight less than ``M``."""
    return half_clique_fault(G, S, M, k, weights) is None


# --------------------------------------------------------------------------- network files


def to_arrays(G: nx.Graph) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and JSON metadata that embed ``G`` in a network file.

    Arrays: ``edges`` int32 ``(m, 2)``, rows ``(u, v)`` with ``u < v`` in sorted order;
    ``edge_weights`` int64 ``(m,)`` and ``node_weights`` int64 ``(n,)`` (1 where absent).
    Meta: ``nnodes``, ``nedges``, and ``edge_weighted`` / ``node_weighted``: whether any edge
    / node has a ``"weight"`` attribute (:func:`from_arrays` then sets it on all of them).

    >>> arrays, meta = to_arrays(make_graph(3, [(2, 1, 7)]))
    >>> arrays["edges"].tolist(), arrays["edge_weights"].tolist(), meta["edge_weighted"]
    ([[1, 2]], [7], True)
    """
    validate_graph(G)
    n = G.number_of_nodes()
    for what, ws in (("edge", G.edges(data="weight")), ("vertex", G.nodes(data="weight"))):
        if any(x[-1] is not None and x[-1] > MAX_WEIGHT for x in ws):
            raise ValueError(f"a {what} weight exceeds {MAX_WEIGHT} (weights are int64)")
    pairs = sorted(edge_key(u, v) for u, v in G.edges)
    edges = np.array(pairs, dtype=np.int32).reshape(-1, 2)
    ew = np.array([G.edges[e].get("weight", 1) for e in pairs], dtype=np.int64)
    nw = np.array([G.nodes[v].get("weight", 1) for v in range(1, n + 1)], dtype=np.int64)
    meta = {
        "nnodes": n,
        "nedges": len(pairs),
        "edge_weighted": any(w is not None for *_, w in G.edges(data="weight")),
        "node_weighted": any(w is not None for _, w in G.nodes(data="weight")),
    }
    return {"edges": edges, "edge_weights": ew, "node_weights": nw}, meta


def from_arrays(arrays: Mapping[str, np.ndarray], meta: dict) -> nx.Graph:
    """Inverse of :func:`to_arrays`; ``ValueError`` if the arrays do not form a graph."""
    n, m = meta_count(meta["nnodes"], "nnodes"), meta_count(meta["nedges"], "nedges")
    edges = int_array(arrays["edges"], "edges", np.int64)
    ew = int_array(arrays["edge_weights"], "edge_weights", np.int64)
    nw = int_array(arrays["node_weights"], "node_weights", np.int64)
    if edges.shape != (m, 2) or ew.shape != (m,) or nw.shape != (n,):
        raise ValueError(
            f"graph arrays have shapes {edges.shape}, {ew.shape}, {nw.shape}; "
            f"expected ({m}, 2), ({m},), ({n},)"
        )
    if m and (edges.min() < 1 or edges.max() > n):
        raise ValueError(f"edge endpoints must be within 1..{n}")
    if np.any(edges[:, 0] == edges[:, 1]):
        raise ValueError("the edges include a self-loop")
    if np.any(ew < 1) or np.any(nw < 1):
        raise ValueError("weights must be positive")
    G = nx.Graph()
    G.add_nodes_from(range(1, n + 1))
    if meta.get("node_weighted"):
        for v, w in zip(range(1, n + 1), nw.tolist(), strict=True):
            G.nodes[v]["weight"] = w
    pairs = edges.tolist()
    if meta.get("edge_weighted"):
        weights = ew.tolist()
        G.add_edges_from((u, v, {"weight": w}) for (u, v), w in zip(pairs, weights, strict=True))
    else:
        G.add_edges_from(pairs)
    if G.number_of_edges() != m:
        raise ValueError("the edges include a repeated edge")
    return G
