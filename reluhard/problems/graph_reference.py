"""Reference solvers for the graph problems of :mod:`reluhard.problems.graph`, independent
of the networks (python-sat for Vertex Cover, enumeration or branch and bound for
Half-Clique), to test the reductions' answers against.

>>> from reluhard.problems.graph import is_vertex_cover, make_graph
>>> G = make_graph(4, [(1, 2), (2, 3), (3, 4)])
>>> cover = min_vertex_cover(G)
>>> len(cover), is_vertex_cover(G, cover, q=2)
(2, True)
>>> K = make_graph(4, [(1, 2, 3), (1, 3, 1), (2, 3, 1), (3, 4, 2)])
>>> min_half_clique_weight(K)   # k = n/2 = 2: the lightest edge
(1, [1, 3])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..lazy import lazy_module
from .cnf import REFERENCE_SOLVER
from .graph import half_size, validate_graph, weight_table

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

__all__ = ["EXHAUSTIVE_LIMIT", "find_vertex_cover", "min_half_clique_weight", "min_vertex_cover"]

EXHAUSTIVE_LIMIT = 20_000  # min_half_clique_weight: C(n, k) up to this is enumerated


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

    >>> from reluhard.problems.graph import make_graph
    >>> G = make_graph(4, [(1, 2, 5), (2, 3, 1), (3, 4, 1), (1, 3, 1)])
    >>> min_half_clique_weight(G), min_half_clique_weight(G, k=3)
    ((1, [1, 3]), (7, [1, 2, 3]))
    >>> min_half_clique_weight(G, k=3, weights="unit", method="branch-and-bound")
    (3, [1, 2, 3])
    >>> min_half_clique_weight(G, k=4) is None
    True
    """
    validate_graph(G)
    k = half_size(G, k)
    table = weight_table(G, weights)
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
