"""Graphs as a source problem: Vertex Cover and Half-Clique.

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

DIMACS graph files (:func:`parse_dimacs_graph`)
-----------------------------------------------
The input is bytes (:func:`read_graph` reads files compressed with gzip, bzip2 or xz,
recognised by content). Lines end at ``\\n``; any other ASCII whitespace separates tokens
(CRLF and tabs are fine); a UTF-8 byte order mark at the start is ignored. Each line is
classified by its first non-whitespace byte, as in :mod:`reluhard.problems.dimacs_cnf`:

* nothing: a blank line, ignored; ``c``: a comment line, ignored anywhere;
* ``p``: the header, exactly ``p FORMAT NODES EDGES`` with ``FORMAT`` one of ``edge``,
  ``edges`` (some generators) or ``col`` (the DIMACS colouring files), counts in decimal,
  ``NODES`` at most :data:`MAX_NODES`; it must come before any ``e`` or ``n`` line;
* otherwise the first token names the line type: ``e U V`` is an edge, ``e U V W`` an edge
  of weight ``W``; ``n V W`` gives vertex ``V`` the weight ``W``. Anything else is an error.

Vertices are integers in ``1..NODES`` (leading zeros allowed, as in the CNF reader);
weights are positive integers at most :data:`MAX_WEIGHT` (so they fit the int64 arrays of a
network file). An edge may be listed more than once (some files list both directions,
``e 3 7`` and ``e 7 3``) if every listing gives it the same weight (no weight counts as 1);
the same holds for ``n`` lines. ``EDGES`` must equal either the number of ``e`` lines or
the number of distinct edges; a mismatch is an error, as for the clause count of a CNF.

Errors are :class:`~reluhard.errors.InputError` with ``path:line: message``, the first
problem in file order; within an edge line the checks run in the order: token count, each
vertex in turn (syntax, then range), self-loop, weight, repeated edge, edge count. The
messages: malformed header / edge line / node line, second header, negative count, node
count above :data:`MAX_NODES`, ``missing 'p edge' header before first 'e' line`` (or ``'n'
line``), or ``missing 'p edge' header`` at the last line when there is none, ``unknown line
type``, ``invalid vertex``, ``vertex 9 is out of range 1..5``, ``self-loop at vertex 3``,
``invalid edge weight`` (not a positive integer), a weight above :data:`MAX_WEIGHT`, an
edge or node given twice with different weights, ``header declares 2 edges but found more``
at the line with the first surplus distinct edge, and ``header declares 5 edges but 4 were
found (truncated file?)`` at the last line for a shortfall.

Edge lists (:func:`parse_edge_list`)
------------------------------------
One edge per line, ``U V`` or ``U V W`` (``W`` the edge weight), whitespace separated.
Lines whose first non-whitespace byte is ``c`` or ``#`` are comments, and a ``#`` ends the
data of any line (``1 2  # a comment``). Vertices are positive integers and the graph has
the vertices ``1..n`` where ``n`` is the largest label that occurs, so an isolated vertex
above every edge cannot be written (use DIMACS for that) and an empty list is the graph with
no vertices. Repeats, weights and errors are as for DIMACS files.

:func:`read_graph` tells the two apart with :func:`sniff`: DIMACS if the first line that is
not blank or a comment is a ``p edge`` / ``p edges`` / ``p col`` header (or an ``e`` / ``n``
line, to report the missing header), an edge list if it starts with an integer.

Examples
--------
>>> G = parse_dimacs_graph(b"c a path\\np edge 4 3\\ne 1 2\\ne 2 3\\ne 3 4\\nn 2 5\\n")
>>> sorted(G.nodes), sorted(G.edges)
([1, 2, 3, 4], [(1, 2), (2, 3), (3, 4)])
>>> G.nodes[2]["weight"], G.nodes[1]["weight"]
(5, 1)
>>> print(format_dimacs_graph(G), end="")
p edge 4 3
n 1 1
n 2 5
n 3 1
n 4 1
e 1 2
e 2 3
e 3 4
>>> cover = min_vertex_cover(G)
>>> len(cover), is_vertex_cover(G, cover, q=2)
(2, True)
>>> vertex_cover_fault(G, [2], q=1)
'edge (3, 4) is not covered'
>>> edge_weights(G, "node-sum")
{(1, 2): 6, (2, 3): 6, (3, 4): 2}
>>> K = parse_edge_list(b"1 2 3\\n1 3 1\\n2 3 1\\n3 4 2\\n")
>>> min_half_clique_weight(K)   # k = n/2 = 2: the lightest edge
(1, [1, 3])
>>> half_clique_fault(K, [1, 3], M=1)
"the clique's total edge weight is 1, not less than M = 1"
>>> is_half_clique(K, [1, 3], M=2)
True
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO

import networkx as nx
import numpy as np

from ..errors import InputError
from .cnf import REFERENCE_SOLVER
from .textio import comment_lines, count, read_bytes, show_token, write_data

__all__ = [
    "EXHAUSTIVE_LIMIT",
    "MAX_NODES",
    "MAX_WEIGHT",
    "WEIGHT_MODES",
    "all_graphs",
    "describe",
    "edge_weights",
    "find_vertex_cover",
    "format_dimacs_graph",
    "from_arrays",
    "half_clique_fault",
    "is_half_clique",
    "is_vertex_cover",
    "make_graph",
    "min_half_clique_weight",
    "min_vertex_cover",
    "parse_dimacs_graph",
    "parse_edge_list",
    "read_graph",
    "sniff",
    "to_arrays",
    "validate_graph",
    "vertex_cover_fault",
    "write_dimacs_graph",
]

MAX_NODES = 2**24  # a networkx graph holds each node as a Python object
MAX_WEIGHT = 2**63 - 1  # weights are stored as int64 in network files
WEIGHT_MODES = ("auto", "edge", "unit", "node-sum")
EXHAUSTIVE_LIMIT = 20_000  # min_half_clique_weight: C(n, k) up to this is enumerated

_WS = b" \t\r\v\f"
_BOM = b"\xef\xbb\xbf"
_INT = re.compile(rb"-?[0-9]+")
_DIGITS = re.compile(rb"[0-9]+")
_HEADER_KINDS = (b"edge", b"edges", b"col")


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
                f"edge {_edge(u, v)} has weight {w!r}; weights must be positive integers"
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
    words = [f"{n} {'vertex' if n == 1 else 'vertices'}", _count(m, "edge")]
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


def _edge(u: int, v: int) -> tuple[int, int]:
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
                f"edge {_edge(u, v)} has weight {w!r}; weights must be positive integers"
            )
        out[_edge(u, v)] = int(w)
    return out


def _weight_table(G: nx.Graph, weights: str | Mapping) -> dict[tuple[int, int], int]:
    """:func:`edge_weights` for a mode, or a given mapping (either key order) checked."""
    if isinstance(weights, str):
        return edge_weights(G, weights)
    table = {_edge(*key): w for key, w in weights.items()}
    for u, v in G.edges:
        w = table.get(_edge(u, v))
        if w is None:
            raise ValueError(f"the weights give no weight to edge {_edge(u, v)}")
        if not (_is_int(w) and w > 0):
            raise ValueError(
                f"edge {_edge(u, v)} has weight {w!r}; weights must be positive integers"
            )
    return table


# --------------------------------------------------------------------------- certificates


def _as_label(x: object) -> object:
    try:
        return operator.index(x)
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
    bad = sorted(_edge(u, v) for u, v in G.edges if u not in inside and v not in inside)
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        return f"edge {bad[0]} is not covered{more}"
    return None


def is_vertex_cover(G: nx.Graph, cover: Iterable, q: int) -> bool:
    """True when ``cover`` is a vertex cover of ``G`` with at most ``q`` vertices."""
    return vertex_cover_fault(G, cover, q) is None


def _half_size(G: nx.Graph, k: int | None) -> int:
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
    k = _half_size(G, k)
    table = _weight_table(G, weights)
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


# --------------------------------------------------------------------------- reference solvers


def find_vertex_cover(G: nx.Graph, q: int, solver: str = REFERENCE_SOLVER) -> list[int] | None:
    """A vertex cover of at most ``q`` vertices (sorted), or None if there is none.

    Decided by a python-sat solver (CaDiCaL 1.9.5 by default) on the CNF with a variable
    per vertex, a clause ``x_u or x_v`` per edge and a sequential-counter encoding of
    ``sum x_v <= q`` (:class:`pysat.card.CardEnc`): no MILP involved.
    """
    from pysat.card import CardEnc, EncType
    from pysat.solvers import Solver

    validate_graph(G)
    n = G.number_of_nodes()
    if q < 0:
        return None
    clauses = [list(e) for e in G.edges]
    if not clauses:
        return []
    if q < n:
        card = CardEnc.atmost(
            lits=list(range(1, n + 1)), bound=q, top_id=n, encoding=EncType.seqcounter
        )
        clauses += card.clauses
    with Solver(name=solver, bootstrap_with=clauses) as s:
        if not s.solve():
            return None
        model = s.get_model() or []
    return sorted(x for x in model if 0 < x <= n)


def min_vertex_cover(G: nx.Graph, solver: str = REFERENCE_SOLVER) -> list[int]:
    """A minimum vertex cover of ``G`` (sorted vertex labels), exactly.

    Linear search from above with :func:`find_vertex_cover`: take any cover, ask for one
    with fewer vertices until the solver proves there is none. At most ``n + 1`` SAT calls;
    the public DIMACS clique graphs (up to 70 vertices) take well under a second.
    """
    cover = find_vertex_cover(G, G.number_of_nodes(), solver)
    assert cover is not None
    while cover:
        smaller = find_vertex_cover(G, len(cover) - 1, solver)
        if smaller is None:
            break
        if len(smaller) >= len(cover):  # a wrong model: stop rather than loop forever
            raise RuntimeError(f"solver {solver} returned a cover larger than asked for")
        cover = smaller
    return cover


def min_half_clique_weight(
    G: nx.Graph,
    k: int | None = None,
    weights: str | Mapping = "auto",
    method: str = "auto",
) -> tuple[int, list[int]] | None:
    """The least total edge weight of a ``k``-clique of ``G`` and a witness, or None.

    ``k`` defaults to ``n/2`` (required for odd ``n``); ``weights`` as in
    :func:`half_clique_fault`. The witness is the lexicographically smallest of the
    lightest ``k``-cliques (sorted vertex list), whatever the method; None when ``G`` has no
    ``k``-clique. So the Half-Clique question "is there one of weight ``< M``" is answered
    by ``result is not None and result[0] < M``.

    ``method``: ``"exhaustive"`` checks every ``k``-subset (``itertools.combinations``);
    ``"branch-and-bound"`` extends cliques vertex by vertex in increasing label order and
    prunes a branch when a greedy colouring of the candidates shows it cannot reach ``k``
    vertices, or when its weight plus a lower bound for the rest (the cheapest ways to join
    the chosen vertices, plus the lightest edge weight for each pair still to choose) is no
    better than the best clique so far; ``"auto"`` (default) enumerates when ``C(n, k)`` is
    at most :data:`EXHAUSTIVE_LIMIT`, else branches. Both are exponential in the worst
    case: the branch and bound settles the public DIMACS clique graphs (``n <= 70``, a
    half-clique exists only in hamming6-2) in about a second, but it is a reference for
    tests and small instances, not a clique solver. The recursion goes ``k`` deep.

    >>> G = make_graph(4, [(1, 2, 5), (2, 3, 1), (3, 4, 1), (1, 3, 1)])
    >>> min_half_clique_weight(G), min_half_clique_weight(G, k=3)
    ((1, [1, 3]), (7, [1, 2, 3]))
    >>> min_half_clique_weight(G, k=3, weights="unit", method="branch-and-bound")
    (3, [1, 2, 3])
    >>> min_half_clique_weight(G, k=4) is None
    True
    """
    validate_graph(G)
    k = _half_size(G, k)
    table = _weight_table(G, weights)
    n = G.number_of_nodes()
    if method not in ("auto", "exhaustive", "branch-and-bound"):
        raise ValueError(
            f"unknown method {method!r} (expected auto, exhaustive or branch-and-bound)"
        )
    if k > n:
        return None
    if method == "exhaustive" or (method == "auto" and math.comb(n, k) <= EXHAUSTIVE_LIMIT):
        return _half_clique_exhaustive(G, k, table)
    return _half_clique_bnb(G, k, table)


def _half_clique_exhaustive(
    G: nx.Graph, k: int, table: dict[tuple[int, int], int]
) -> tuple[int, list[int]] | None:
    best: tuple[int, list[int]] | None = None
    for S in itertools.combinations(range(1, G.number_of_nodes() + 1), k):
        total = 0
        for u, v in itertools.combinations(S, 2):
            w = table.get((u, v)) if G.has_edge(u, v) else None
            if w is None:
                break
            total += w
        else:
            if best is None or total < best[0]:
                best = (total, list(S))
    return best


def _colour_count(cand: list[int], adj: dict[int, set[int]], need: int) -> int:
    """Colours of a greedy colouring of ``cand`` (an upper bound on its clique number),
    stopping once ``need`` colours are used."""
    classes: list[list[int]] = []
    for v in cand:
        nv = adj[v]
        for cls in classes:
            if not any(u in nv for u in cls):
                cls.append(v)
                break
        else:
            classes.append([v])
            if len(classes) >= need:
                return len(classes)
    return len(classes)


def _half_clique_bnb(
    G: nx.Graph, k: int, table: dict[tuple[int, int], int]
) -> tuple[int, list[int]] | None:
    adj = {v: set(G[v]) for v in G}
    wmin = min(table.values(), default=1)
    best: list = [None, None]  # weight, clique

    def search(chosen: list[int], cost: int, cand: list[tuple[int, int]]) -> None:
        # cand: (vertex, weight of its edges to the chosen ones), vertices > max(chosen)
        r = k - len(chosen)
        if r == 0:
            if best[0] is None or cost < best[0]:
                best[0], best[1] = cost, list(chosen)
            return
        if len(cand) < r:
            return
        if _colour_count([v for v, _ in cand], adj, r) < r:
            return
        if best[0] is not None:
            joins = sorted(j for _, j in cand)
            if cost + sum(joins[:r]) + (r * (r - 1) // 2) * wmin >= best[0]:
                return
        for i, (v, join) in enumerate(cand):
            if len(cand) - i < r:
                break
            nv = adj[v]
            rest = [(u, j + table[(v, u)]) for u, j in cand[i + 1 :] if u in nv]
            chosen.append(v)
            search(chosen, cost + join, rest)
            chosen.pop()

    search([], 0, [(v, 0) for v in sorted(G)])
    return None if best[0] is None else (best[0], best[1])


# --------------------------------------------------------------------------- reading


_show = show_token
_count = count


def _number(tok: bytes) -> tuple[int, str]:
    """The value of an integer token and how to print it; an absurdly long token (which
    ``int`` may refuse) stands for +-10**40."""
    digits = tok.lstrip(b"-").lstrip(b"0")
    if len(digits) > 40:
        return (-(10**40) if tok.startswith(b"-") else 10**40), _show(tok)
    value = int(tok)
    return value, str(value)


class _Builder:
    """What the two readers share: vertex and weight tokens, repeats, the graph."""

    def __init__(self, path: str):
        self.path = path
        self.n: int | None = None  # None: an edge list (n = the largest label)
        self.edges: dict[tuple[int, int], tuple[int | None, int]] = {}
        self.nodes: dict[int, tuple[int, int]] = {}
        self.edge_lines = 0
        self.top = 0

    def error(self, line: int, message: str) -> InputError:
        return InputError(self.path, line, message)

    def vertex(self, tok: bytes, line: int) -> int:
        if not _INT.fullmatch(tok):
            raise self.error(line, f"invalid vertex '{_show(tok)}' (expected an integer)")
        v, shown = _number(tok)
        if self.n is None:
            if v < 1:
                raise self.error(
                    line, f"vertex {shown} is out of range (vertices are numbered from 1)"
                )
            if v > MAX_NODES:
                raise self.error(line, f"vertex {shown} exceeds the maximum {MAX_NODES}")
        elif not 1 <= v <= self.n:
            where = f"1..{self.n}" if self.n else "(the header declares 0 nodes)"
            raise self.error(line, f"vertex {shown} is out of range {where}")
        return v

    def weight(self, tok: bytes, what: str, line: int) -> int:
        if not _DIGITS.fullmatch(tok) or not tok.strip(b"0"):
            raise self.error(
                line, f"invalid {what} weight '{_show(tok)}' (expected a positive integer)"
            )
        w, shown = _number(tok)
        if w > MAX_WEIGHT:
            raise self.error(line, f"{what} weight {shown} exceeds the maximum {MAX_WEIGHT}")
        return w

    def edge(self, tokens: list[bytes], line: int) -> tuple[int, int] | None:
        """Record an edge from its tokens; the edge if it is new, else None."""
        u = self.vertex(tokens[0], line)
        v = self.vertex(tokens[1], line)
        if u == v:
            raise self.error(line, f"self-loop at vertex {u}")
        w = self.weight(tokens[2], "edge", line) if len(tokens) == 3 else None
        key = _edge(u, v)
        self.edge_lines += 1
        self.top = max(self.top, key[1])
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = (w, line)
            return key
        w_old, line_old = old
        if (w or 1) != (w_old or 1):
            here = w or "1 (unweighted)"
            there = w_old or "1 (unweighted)"
            raise self.error(
                line,
                f"edge {key} given twice with different weights: {here} here, "
                f"{there} at line {line_old}",
            )
        if w_old is None and w is not None:
            self.edges[key] = (w, line_old)
        return None

    def node(self, tokens: list[bytes], line: int) -> None:
        v = self.vertex(tokens[0], line)
        w = self.weight(tokens[1], "node", line)
        old = self.nodes.get(v)
        if old is None:
            self.nodes[v] = (w, line)
        elif old[0] != w:
            raise self.error(
                line,
                f"vertex {v} given twice with different weights: {w} here, "
                f"{old[0]} at line {old[1]}",
            )

    def graph(self) -> nx.Graph:
        n = self.top if self.n is None else self.n
        G = nx.Graph()
        G.add_nodes_from(range(1, n + 1))
        if self.nodes:
            for v in range(1, n + 1):
                G.nodes[v]["weight"] = self.nodes.get(v, (1, 0))[0]
        if any(w is not None for w, _ in self.edges.values()):
            G.add_edges_from((u, v, {"weight": w or 1}) for (u, v), (w, _) in self.edges.items())
        else:
            G.add_edges_from(self.edges)
        return G


def _split_lines(data: bytes) -> tuple[list[bytes], int]:
    """The lines of ``data`` (BOM dropped) and the number of its last line."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    lines = data.split(b"\n")
    return lines, max(1, len(lines) - 1 if data.endswith(b"\n") else len(lines))


def _parse_header(tokens: list[bytes], b: _Builder, line: int) -> int:
    if (
        len(tokens) != 4
        or tokens[0] != b"p"
        or tokens[1] not in _HEADER_KINDS
        or not all(_INT.fullmatch(t) for t in tokens[2:])
    ):
        shown = _show(b" ".join(tokens), 60)
        raise b.error(line, f"malformed header '{shown}' (expected 'p edge NODES EDGES')")
    n, n_shown = _number(tokens[2])
    m, m_shown = _number(tokens[3])
    if tokens[2].startswith(b"-"):
        raise b.error(line, f"negative node count {_show(tokens[2])} in header")
    if tokens[3].startswith(b"-"):
        raise b.error(line, f"negative edge count {_show(tokens[3])} in header")
    if n > MAX_NODES:
        raise b.error(line, f"node count {n_shown} in header exceeds the maximum {MAX_NODES}")
    return m


def parse_dimacs_graph(data: bytes, path: str = "<input>") -> nx.Graph:
    """The graph in a DIMACS graph file (see the module docstring for the dialect);
    :class:`InputError` ``path:line: message`` for anything else."""
    b = _Builder(path)
    lines, end_line = _split_lines(data)
    header_line = 0
    m = 0
    for lineno, raw in enumerate(lines, 1):
        s = raw.lstrip(_WS)
        if not s or s[0] == 0x63:  # blank or "c"
            continue
        tokens = s.split()
        if s[0] == 0x70:  # "p"
            if header_line:
                shown = _show(b" ".join(tokens), 60)
                raise b.error(
                    lineno, f"second header '{shown}' (the first is at line {header_line})"
                )
            m = _parse_header(tokens, b, lineno)
            b.n = _number(tokens[2])[0]
            header_line = lineno
            continue
        kind = tokens[0]
        if kind not in (b"e", b"n"):
            raise b.error(
                lineno,
                f"unknown line type '{_show(kind)}' (expected 'c', 'p', 'e' or 'n')",
            )
        if not header_line:
            raise b.error(lineno, f"missing 'p edge' header before first '{kind.decode()}' line")
        if kind == b"n":
            if len(tokens) != 3:
                shown = _show(b" ".join(tokens), 60)
                raise b.error(lineno, f"malformed node line '{shown}' (expected 'n VERTEX WEIGHT')")
            b.node(tokens[1:], lineno)
            continue
        if len(tokens) not in (3, 4):
            shown = _show(b" ".join(tokens), 60)
            raise b.error(
                lineno, f"malformed edge line '{shown}' (expected 'e U V' or 'e U V WEIGHT')"
            )
        if b.edge(tokens[1:], lineno) and len(b.edges) > m:
            raise b.error(
                lineno,
                f"header declares {_count(m, 'edge')} but found more "
                f"(distinct edge {m + 1} is on this line)",
            )
    if not header_line:
        raise b.error(end_line, "missing 'p edge' header")
    distinct = len(b.edges)
    if m not in (distinct, b.edge_lines):
        if distinct == b.edge_lines:
            found = f"{distinct} {'was' if distinct == 1 else 'were'} found"
        else:
            found = (
                f"{_count(b.edge_lines, 'edge line')} "
                f"({_count(distinct, 'distinct edge')}) were found"
            )
        hint = " (truncated file?)" if b.edge_lines < m else ""
        raise b.error(end_line, f"header declares {_count(m, 'edge')} but {found}{hint}")
    return b.graph()


def parse_edge_list(data: bytes, path: str = "<input>") -> nx.Graph:
    """The graph in an edge list (see the module docstring): vertices ``1..n`` with ``n``
    the largest label; :class:`InputError` ``path:line: message`` for bad input."""
    b = _Builder(path)
    lines, _ = _split_lines(data)
    for lineno, raw in enumerate(lines, 1):
        s = raw.split(b"#", 1)[0].lstrip(_WS)
        if not s or s[0] == 0x63:  # blank, "#" comment or "c" comment
            continue
        tokens = s.split()
        if len(tokens) not in (2, 3):
            shown = _show(b" ".join(tokens), 60)
            raise b.error(lineno, f"malformed edge '{shown}' (expected 'U V' or 'U V WEIGHT')")
        b.edge(tokens, lineno)
    return b.graph()


def _first_significant(data: bytes) -> tuple[list[bytes], int] | None:
    """Tokens and line number of the first line that is neither blank nor a comment."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    pos, lineno = 0, 1
    while pos <= len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            end = len(data)
        s = data[pos:end].lstrip(_WS)
        if s and s[0] not in b"c#":
            return s.split(), lineno
        pos, lineno = end + 1, lineno + 1
    return None


def sniff(data: bytes) -> str | None:
    """``"dimacs"``, ``"edgelist"`` or None, from the first line that is not blank or a
    comment (``c`` or ``#``): a ``p edge`` / ``p edges`` / ``p col`` header, or an ``e`` or
    ``n`` line, means DIMACS; an integer means an edge list; anything else (another header
    such as ``p cnf``, text, no such line) None. Only that line is read.

    >>> sniff(b"c clique\\np edge 3 1\\ne 1 2\\n"), sniff(b"# list\\n1 2\\n")
    ('dimacs', 'edgelist')
    >>> sniff(b"p cnf 3 1\\n1 2 3 0\\n") is None
    True
    """
    first = _first_significant(data)
    if first is None:
        return None
    tokens, _ = first
    if tokens[0] == b"p":
        return "dimacs" if len(tokens) > 1 and tokens[1] in _HEADER_KINDS else None
    if tokens[0] in (b"e", b"n"):
        return "dimacs"
    if _INT.fullmatch(tokens[0]):
        return "edgelist"
    return None


def read_graph(path: str | os.PathLike, fmt: str | None = None) -> nx.Graph:
    """The graph in a DIMACS graph file or an edge list, plain or compressed (gzip, bzip2,
    xz, recognised by content). ``fmt`` (``"dimacs"`` or ``"edgelist"``) skips
    :func:`sniff`. When sniffing finds neither, a file whose first line starts with ``p``
    is read as DIMACS (so a ``p cnf`` header is reported as malformed), a file with no data
    line at all is an error (``no graph found``), anything else is read as an edge list
    (which names the offending token)."""
    name = os.fspath(path)
    data = read_bytes(name)
    if fmt is None:
        fmt = sniff(data)
        if fmt is None:
            first = _first_significant(data)
            if first is None:
                _, end_line = _split_lines(data)
                raise InputError(
                    name, end_line, "no graph found (the file is empty or holds only comments)"
                )
            fmt = "dimacs" if first[0][0].startswith(b"p") else "edgelist"
    if fmt == "dimacs":
        return parse_dimacs_graph(data, name)
    if fmt == "edgelist":
        return parse_edge_list(data, name)
    raise ValueError(f"unknown graph format {fmt!r} (expected 'dimacs' or 'edgelist')")


# --------------------------------------------------------------------------- writing


def format_dimacs_graph(G: nx.Graph, comments: Sequence[str] = ()) -> str:
    """DIMACS text: ``c`` comment lines, ``p edge n m``, an ``n v w`` line for each vertex
    that has a ``"weight"`` attribute, then ``e u v`` (``e u v w`` if the edge has a
    ``"weight"``) for each edge, ``u < v``, in sorted order. :func:`parse_dimacs_graph`
    reads back an equal graph when weights are on all nodes or none and on all edges or
    none (as for every parsed graph). ``ValueError`` if ``G`` fails :func:`validate_graph`.
    """
    validate_graph(G)
    out = [comment_lines(comments)]
    n = G.number_of_nodes()
    out.append(f"p edge {n} {G.number_of_edges()}\n")
    out.extend(
        f"n {v} {int(G.nodes[v]['weight'])}\n" for v in range(1, n + 1) if "weight" in G.nodes[v]
    )
    for u, v in sorted(_edge(u, v) for u, v in G.edges):
        w = G.edges[u, v].get("weight")
        out.append(f"e {u} {v}\n" if w is None else f"e {u} {v} {int(w)}\n")
    return "".join(out)


def write_dimacs_graph(
    G: nx.Graph,
    fp_or_path: str | os.PathLike | IO[str] | IO[bytes],
    comments: Sequence[str] = (),
) -> None:
    """Write ``G`` as :func:`format_dimacs_graph` does, to a path (compressed when it ends
    in ``.gz``, ``.bz2`` or ``.xz``) or an open text or binary file."""
    data = format_dimacs_graph(G, comments).encode("utf-8")
    write_data(data, fp_or_path)


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
    pairs = sorted(_edge(u, v) for u, v in G.edges)
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


def from_arrays(arrays: dict[str, np.ndarray], meta: dict) -> nx.Graph:
    """Inverse of :func:`to_arrays`; ``ValueError`` if the arrays do not form a graph."""
    n, m = int(meta["nnodes"]), int(meta["nedges"])
    edges = np.asarray(arrays["edges"])
    ew = np.asarray(arrays["edge_weights"])
    nw = np.asarray(arrays["node_weights"])
    if not all(np.issubdtype(a.dtype, np.integer) for a in (edges, ew, nw)):
        raise ValueError("graph arrays must be integer")
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
