"""The graph reductions (vertexcover-binary/real, halfclique-binary/real) against
independent references.

- Exhaustive, binary latent: every graph on <= 4 vertices (labelled) and every graph on 5
  vertices up to isomorphism (all 1024 labelled ones with --full).
  Vertex Cover with every q and p in {1, 2, 3, inf}; Half-Clique (k = n/2, or n//2 given for
  odd n) with unit and random integer edge weights, every relevant M and a fractional one,
  p in {1, 2, 3}. For each network: brute force agrees with the reference (a vectorised
  enumeration of vertex subsets, and graph_reference.find_vertex_cover /
  min_half_clique_weight); the exact rational forward pass on *every* latent inverts
  exactly on the latents the module docstrings say (Vertex Cover: covers of exactly q
  vertices; Half-Clique: k-cliques of weight < M), each of which decodes to a certificate
  the source checker accepts; the encoded reference certificate passes check_latent.
- Real latent (the lift of Theorem 4), with the MILP back end (SCIP): graphs up to
  isomorphism on <= 4 vertices; every INVERTIBLE latent passes the exact check and decodes
  to a certificate. Hypothesis tests of the lift itself at adversarial real points: the
  lifted network reads z only through clamp(z, 0, 1), the penalty output is exactly
  gamma * sum min(v, 1 - v), and a real z passes the query only if its decoded binary
  latent passes the binary one.
- Larger random graphs (6..9 vertices) with the MILP ``auto`` back end against the
  references (hypothesis).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import reductions
from reluhard.errors import InputError
from reluhard.inversion import Source, check_latent
from reluhard.network import exact_output
from reluhard.pipeline import decide, reduce_instance
from reluhard.problems import graph as gm
from reluhard.problems import graph_reference
from reluhard.reductions import halfclique_binary as hcb
from reluhard.reductions import lift
from reluhard.reductions import vertexcover_binary as vcb
from reluhard.reductions.halfclique_real import REDUCTION as hcr
from reluhard.reductions.vertexcover_real import REDUCTION as vcr
from reluhard.solvers import brute, milp
from tests.helpers.exact_latents import exact_distances, latents, meets, real_points
from tests.helpers.tiers import FULL

SHARDS = 4
VC_NORMS = (1, 2, 3, "inf")
HC_NORMS = (1, 2, 3)
YES, NO = "INVERTIBLE", "NOT_INVERTIBLE"


# ----------------------------------------------------------------------------- helpers


def atlas(n: int) -> list[nx.Graph]:
    """The graphs on ``n`` vertices up to isomorphism, vertices relabelled ``1..n``."""
    return [
        nx.relabel_nodes(G, {v: v + 1 for v in G})
        for G in nx.graph_atlas_g()
        if G.number_of_nodes() == n
    ]


ATLAS = {n: atlas(n) for n in range(6)}
SMALL = [G for n in range(5) for G in gm.all_graphs(n)] + (
    list(gm.all_graphs(5)) if FULL else ATLAS[5]
)
REAL_GRAPHS = [G for n in range(5) for G in ATLAS[n]]


def exact_hits(problem, Z) -> np.ndarray:
    """Which rows of ``Z`` solve ``problem``, decided in exact rational arithmetic."""
    return np.array([meets(problem, d) for d in exact_distances(problem, Z)], dtype=bool)


def weighted_variants(G: nx.Graph, seed: int, count: int) -> list[nx.Graph]:
    """``count`` copies of ``G`` with random edge weights in 1..3 (none without edges)."""
    if G.number_of_edges() == 0:
        return []
    rng = np.random.default_rng(seed)
    n = G.number_of_nodes()
    return [
        gm.make_graph(n, [(u, v, int(rng.integers(1, 4))) for u, v in sorted(G.edges)])
        for _ in range(count)
    ]


def source(G: nx.Graph) -> Source:
    return Source("graph", G, "")


def half_size(G: nx.Graph) -> int | None:
    """``k`` to pass: None (the default n/2) for even n, ``n // 2`` for odd n."""
    n = G.number_of_nodes()
    return None if n % 2 == 0 else n // 2


def clique_table(G: nx.Graph, Y: np.ndarray, k: int, weights: str = "auto"):
    """For each row of ``Y`` (the chosen set): is it a k-clique, and its total weight."""
    n = G.number_of_nodes()
    adj = np.zeros((n, n), dtype=bool)
    wm = np.zeros((n, n), dtype=np.int64)
    for (u, v), w in gm.edge_weights(G, weights).items():
        adj[u - 1, v - 1] = adj[v - 1, u - 1] = True
        wm[u - 1, v - 1] = w
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    pairs = (Y[:, :, None] & Y[:, None, :]).astype(bool) & upper
    clique = (Y.sum(axis=1) == k) & ~np.any(pairs & ~adj, axis=(1, 2))
    weight = (pairs * wm).sum(axis=(1, 2))
    return clique, weight


def check_decoded(problem, red, instance, latent) -> object:
    """Decode a latent found by a back end and demand that the source checker accepts it."""
    params = reductions.params_of(problem)
    cert = red.decode(instance, [float(v) for v in latent], **params)
    fault = reductions.certificate_fault(problem, cert)
    assert fault is None, (red.name, params, list(latent), cert, fault)
    return cert


# ------------------------------------------------------------- Vertex Cover, exhaustive


@pytest.mark.parametrize("shard", range(SHARDS))
def test_vertexcover_binary_exhaustive(shard):
    count = 0
    for G in SMALL[shard::SHARDS]:
        n = G.number_of_nodes()
        Y = latents(n)
        edges = np.array(sorted(G.edges), dtype=np.int64).reshape(-1, 2) - 1
        # y_i = 1: vertex i + 1 is outside the cover
        is_cover = ~np.any(Y[:, edges[:, 0]] & Y[:, edges[:, 1]], axis=1)
        size = n - Y.sum(axis=1)
        smallest = int(size[is_cover].min())
        src = source(G)
        for q in range(n + 1):
            ref = graph_reference.find_vertex_cover(G, q)
            assert (ref is not None) == (smallest <= q), (sorted(G.edges), q)
            for p in VC_NORMS:
                problem = vcb.build(G, source=src, q=q, p=p)
                params = reductions.params_of(problem)
                where = (sorted(G.edges), q, p)
                verdict = brute.solve(problem)
                assert verdict.status == (YES if ref is not None else NO), where
                # exactly the covers of exactly q vertices invert, in exact arithmetic
                hits = exact_hits(problem, Y)
                assert np.array_equal(hits, is_cover & (size == q)), where
                for i in np.flatnonzero(hits):
                    cover = vcb.decode(G, Y[i], **params)
                    assert len(cover) == q
                    assert reductions.certificate_fault(problem, cover) is None, where
                if verdict.latent is not None:
                    check_decoded(problem, vcb, G, verdict.latent)
                if ref is not None:
                    z = vcb.encode(G, ref, **params)  # padded to q vertices
                    assert check_latent(problem, z).ok, where
                    assert sorted(vcb.decode(G, z, **params)) == sorted(vcb.pad(G, ref, q))
                    # without padding, a smaller cover misses the count row
                    unpadded = check_latent(problem, vcb.encode(G, ref))
                    assert unpadded.ok == (len(ref) == q), where
                count += 1
    assert count > 0


def test_vertexcover_identity_on_every_latent():
    """``||G(y)||_p^p = Z + (3^p - 1) #uncovered + beta^p |sum y - (n - q)|^p`` exactly (the
    module docstring's formula, alpha = 1), and ``max(1 or 3, beta |...|)`` for p = inf."""
    for G in ATLAS[4] + ATLAS[5]:
        n, Z = G.number_of_nodes(), G.number_of_edges()
        Y = latents(n)
        edges = np.array(sorted(G.edges), dtype=np.int64).reshape(-1, 2) - 1
        uncovered = (Y[:, edges[:, 0]] & Y[:, edges[:, 1]]).sum(axis=1)
        for q in range(n + 1):
            count = np.abs(Y.sum(axis=1) - (n - q))
            for p in VC_NORMS:
                problem = vcb.build(G, q=q, p=p)
                beta = problem.reduction.params["beta"]
                got = exact_distances(problem, Y)
                if p == "inf":
                    want = [
                        max(3 if u else (1 if Z else 0), beta * c)
                        for u, c in zip(uncovered, count, strict=True)
                    ]
                else:
                    want = [
                        Z + (3**p - 1) * int(u) + beta**p * int(c) ** p
                        for u, c in zip(uncovered, count, strict=True)
                    ]
                assert got == want, (sorted(G.edges), q, p)


def test_vertexcover_refusals():
    G = gm.make_graph(3, [(1, 2)])
    for red in (vcb.REDUCTION, vcr):
        for q in (-1, 4):
            with pytest.raises(InputError, match="out of range"):
                red.build(G, q=q)


# ------------------------------------------------------------- Half-Clique, exhaustive


def half_clique_M_values(wmax: int) -> list[Fraction]:
    return [Fraction(m) for m in range(wmax + 2)] + [Fraction(5, 2)]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_halfclique_binary_exhaustive(shard):
    count = 0
    for gi in range(shard, len(SMALL), SHARDS):
        base = SMALL[gi]
        for G in [base, *weighted_variants(base, gi, 4 if FULL else 2)]:
            n = G.number_of_nodes()
            k_param = half_size(G)
            k = n // 2
            Y = latents(n)
            clique, weight = clique_table(G, Y, k)
            ref = graph_reference.min_half_clique_weight(G, k_param)
            assert (ref is None) == (not clique.any())
            if ref is not None:
                assert ref[0] == weight[clique].min()
            wmax = int(weight[clique].max()) if clique.any() else 0
            src = source(G)
            for M in half_clique_M_values(wmax):
                expected = ref is not None and ref[0] < M
                wanted = clique & (weight * M.denominator < M.numerator)
                for p in HC_NORMS:
                    problem = hcb.build(G, source=src, M=M, k=k_param, p=p)
                    params = reductions.params_of(problem)
                    where = (sorted(G.edges(data="weight")), M, p)
                    verdict = brute.solve(problem)
                    assert verdict.status == (YES if expected else NO), where
                    hits = exact_hits(problem, Y)
                    assert np.array_equal(hits, wanted), where
                    for i in np.flatnonzero(hits):
                        S = hcb.decode(G, Y[i], **params)
                        assert reductions.certificate_fault(problem, S) is None, where
                    if verdict.latent is not None:
                        check_decoded(problem, hcb, G, verdict.latent)
                    if expected:
                        assert check_latent(problem, hcb.encode(G, ref[1], **params)).ok, where
                    count += 1
    assert count > 0


def test_halfclique_every_k_and_weight_modes():
    """Other clique sizes than n/2, and the weight modes of graph.edge_weights (node-sum
    from node weights, unit overriding edge weights)."""
    rng = np.random.default_rng(7)
    for n in range(1, 6):
        for G0 in ATLAS[n]:
            G = gm.make_graph(
                n,
                [(u, v, int(rng.integers(1, 4))) for u, v in sorted(G0.edges)],
                node_weights=[int(w) for w in rng.integers(1, 3, n)],
            )
            Y = latents(n)
            for weights in ("unit", "edge", "node-sum"):
                for k in range(n + 1):
                    clique, weight = clique_table(G, Y, k, weights)
                    ref = graph_reference.min_half_clique_weight(G, k, weights)
                    for M in (Fraction(0), Fraction(1), Fraction(7, 2), Fraction(9)):
                        problem = hcb.build(G, source=source(G), M=M, k=k, p=2, weights=weights)
                        wanted = clique & (weight * M.denominator < M.numerator)
                        assert np.array_equal(exact_hits(problem, Y), wanted), (k, weights, M)
                        assert wanted.any() == (ref is not None and ref[0] < M)
                        params = reductions.params_of(problem)
                        for i in np.flatnonzero(wanted)[:2]:
                            S = hcb.decode(G, Y[i], **params)
                            assert reductions.certificate_fault(problem, S) is None


def test_halfclique_identity_on_every_latent():
    """``||G(y)||_p^p = W + Z alpha^p + (3^p - 1)(w(S) + alpha^p #non-edges in S)
    + beta^p |sum y - k|^p`` exactly, as the module docstring states."""
    for n in (4, 5):
        for gi, G0 in enumerate(ATLAS[n]):
            for G in [G0, *weighted_variants(G0, gi, 1)]:
                Y = latents(n)
                k = n // 2
                W = sum(gm.edge_weights(G).values())
                Z = n * (n - 1) // 2 - G.number_of_edges()
                _, weight = clique_table(G, Y, k)
                adj = nx.to_numpy_array(G, nodelist=range(1, n + 1), weight=None).astype(bool)
                upper = np.triu(np.ones((n, n), dtype=bool), 1)
                pairs = (Y[:, :, None] & Y[:, None, :]).astype(bool) & upper
                nonedges = (pairs & ~adj).sum(axis=(1, 2))
                for p in HC_NORMS:
                    for M in (Fraction(1), Fraction(5, 2), Fraction(4)):
                        problem = hcb.build(G, M=M, k=half_size(G), p=p)
                        a = problem.reduction.params["alpha"]
                        b = problem.reduction.params["beta"]
                        assert a**p >= M and b**p >= (3**p - 1) * M  # the stated conditions
                        assert (a - 1) ** p < M or a == 1  # the least such integers
                        assert (b - 1) ** p < (3**p - 1) * M or b == 1
                        want = [
                            W + Z * a**p + (3**p - 1) * (int(w) + a**p * int(e))
                            + b**p * abs(int(s) - k) ** p
                            for w, e, s in zip(weight, nonedges, Y.sum(axis=1), strict=True)
                        ]  # fmt: skip
                        assert exact_distances(problem, Y) == want
                        assert problem.query.power() == W + Z * a**p + (3**p - 1) * M


def test_halfclique_refusals():
    G = gm.make_graph(4, [(1, 2), (3, 4)])
    odd = gm.make_graph(3, [(1, 2)])
    for red in (hcb.REDUCTION, hcr):
        with pytest.raises(InputError, match="finite p"):
            red.build(G, M=1, p="inf")
        with pytest.raises(InputError, match="even number of vertices"):
            red.build(odd, M=1)
        with pytest.raises(InputError, match="out of range"):
            red.build(odd, M=1, k=4)
        with pytest.raises(InputError, match=">= 0"):
            red.build(G, M=-1)
        with pytest.raises(InputError, match="weights"):
            red.build(G, M=1, weights="bogus")
    with pytest.raises(InputError, match="finite p"):
        reduce_instance(G, via="halfclique-real", kind="graph", M=1, p="inf")


# ------------------------------------------------------------------ real latent, MILP


def real_verdict(red_real, red_bin, G, **params):
    """Solve the lifted problem with SCIP through pipeline.decide; check any latent exactly,
    through decode, and through the binary problem at the decoded binary latent."""
    problem = red_real.build(G, source=source(G), **params)
    verdict = decide(problem, "scip").verdict
    if verdict.status == YES:
        assert check_latent(problem, verdict.latent).ok
        check_decoded(problem, red_real, G, verdict.latent)
        binary = red_bin.build(G, **params)
        assert check_latent(binary, lift.decode([float(v) for v in verdict.latent])).ok
    return verdict


@pytest.mark.parametrize("p", [1, 2, "inf"])
def test_vertexcover_real_milp(p):
    """Every graph up to 4 vertices, every q. At p = 2 on 4 vertices only q in {0, 1, 4}
    by default: SCIP's spatial branch and bound needs up to minutes of CPU for some YES
    instances at q = 2, 3 (353 s for the 4-vertex paw-like graph at q = 3); --full has all."""
    for G in REAL_GRAPHS:
        qs = range(G.number_of_nodes() + 1)
        if p == 2 and len(G) == 4 and not FULL:
            qs = (0, 1, 4)
        for q in qs:
            expected = YES if graph_reference.find_vertex_cover(G, q) is not None else NO
            verdict = real_verdict(vcr, vcb, G, q=q, p=p)
            assert verdict.status == expected, (sorted(G.edges), q, p, verdict.reason)


def binary_minimum(problem) -> Fraction:
    return min(exact_distances(problem, latents(problem.n)))


def halfclique_real_cases(p):
    """(graph, M) pairs for the real-latent Half-Clique sweep. By default: unit weights,
    M in {1, 2, 5/2}, except that on 4 vertices with p >= 2 only YES-leaning M = 2 on
    graphs with an edge (SCIP needs 2-5 s for each 4-vertex NO instance at p = 2);
    everything (M = 0 too, one weighted copy of each graph) with --full."""
    for gi, G0 in enumerate(REAL_GRAPHS):
        for G in [G0, *weighted_variants(G0, gi, 1)] if FULL else [G0]:
            if FULL:
                Ms = (Fraction(0), Fraction(1), Fraction(2), Fraction(5, 2))
            elif len(G) == 4 and p >= 2:
                Ms = (Fraction(2),) if G.number_of_edges() else ()
            else:
                Ms = (Fraction(1), Fraction(2), Fraction(5, 2))
            for M in Ms:
                yield G, M


@pytest.mark.parametrize("p", [1, 2, 3] if FULL else [1, 2])
def test_halfclique_real_milp(p):
    """YES <=> invertible, also on the NO instances whose binary optimum lies exactly on
    delta (see test_halfclique_real_boundary_no_is_decided)."""
    total = 0
    for G, M in halfclique_real_cases(p):
        k = half_size(G)
        ref = graph_reference.min_half_clique_weight(G, k)
        expected = YES if ref is not None and ref[0] < M else NO
        verdict = real_verdict(hcr, hcb, G, M=M, k=k, p=p)
        where = (sorted(G.edges(data="weight")), M, p, verdict.reason)
        total += 1
        assert verdict.status == expected, where
    print(f"halfclique-real p={p}: {total} instances, all decided")


@pytest.mark.parametrize("solver", ["scip", "highs"])
def test_halfclique_real_boundary_no_is_decided(solver):
    """4 isolated vertices, M = 1, p = 1: no 2-clique at all; every binary latent's
    distance is at least delta, two non-adjacent vertices meet it with equality."""
    G = gm.make_graph(4, [])
    problem = reduce_instance(G, via="halfclique-real", kind="graph", M=1, p=1)
    assert milp.solve(problem, solver=solver).status == NO


# ----------------------------------------------------------- the lift, at real points


def check_lift_at(real, binary, z) -> None:
    """The two cases of lift's docstring, exactly, at the real latent ``z``."""
    zf = [Fraction(v) for v in z]
    v = [min(max(x, Fraction(0)), Fraction(1)) for x in zf]
    out = exact_output(real.network, zf)
    assert out == exact_output(real.network, v)  # G reads z only through clamp(z, 0, 1)
    gamma = real.reduction.params["gamma"]
    q = binary.query
    p = q.p
    # gamma >= 4 delta, exactly: (gamma / 4)^p >= delta^p
    assert gamma == lift.gamma(q) and Fraction(gamma, 4) ** (1 if p == "inf" else p) >= q.power()
    target = [Fraction(t) for t in real.target.tolist()]
    assert target[-1] == Fraction(gamma * binary.n, 2)
    pen = abs(out[-1] - target[-1])
    assert pen == gamma * sum(min(x, 1 - x) for x in v)
    y = lift.decode([float(x) for x in zf])
    assert y.tolist() == [1.0 if x >= Fraction(1, 2) else 0.0 for x in zf]
    bin_out = exact_output(binary.network, y.astype(np.int64))
    bin_diff = [abs(o - Fraction(t)) for o, t in zip(bin_out, binary.target.tolist(), strict=True)]
    main = [abs(o - t) for o, t in zip(out[:-1], target[:-1], strict=True)]
    if any(Fraction(1, 4) < x < Fraction(1, 2) for x in v):
        # t is fractional somewhere: the penalty alone misses by more than delta
        assert (pen > q.power()) if p == "inf" else (pen**p > q.power())
        assert not check_latent(real, zf).ok
        return
    # t is binary and equals decode(z): the first outputs are N(decode(z))
    assert main == bin_diff
    if p == "inf":
        real_dist, bin_dist = max([*main, pen]), max(bin_diff, default=Fraction(0))
    else:
        real_dist, bin_dist = sum(d**p for d in main) + pen**p, sum(d**p for d in bin_diff)
    assert real_dist >= bin_dist
    if check_latent(real, zf).ok:
        assert check_latent(binary, y).ok
    if all(x in (0, 1) for x in v):
        assert pen == 0 and real_dist == bin_dist
        assert check_latent(real, zf).ok == check_latent(binary, y).ok


@st.composite
def small_graphs(draw, lo=1, hi=5):
    n = draw(st.integers(lo, hi))
    pairs = list(itertools.combinations(range(1, n + 1), 2))
    mask = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    weighted = draw(st.booleans())
    edges = [
        (u, v, draw(st.integers(1, 3))) if weighted else (u, v)
        for (u, v), m in zip(pairs, mask, strict=True)
        if m
    ]
    return gm.make_graph(n, edges)


@settings(max_examples=400 if FULL else 60)
@given(G=small_graphs(), data=st.data())
def test_vertexcover_lift_at_real_points(G, data):
    n = G.number_of_nodes()
    q = data.draw(st.integers(0, n), label="q")
    p = data.draw(st.sampled_from(VC_NORMS), label="p")
    real, binary = vcr.build(G, q=q, p=p), vcb.build(G, q=q, p=p)
    for _ in range(3):
        z = data.draw(st.lists(real_points, min_size=n, max_size=n), label="z")
        check_lift_at(real, binary, z)
    # a cover, encoded and perturbed within [0, 1/4] / [1/2, 1], still decodes to it
    cover = graph_reference.find_vertex_cover(G, q)
    if cover is not None:
        y = vcb.encode(G, cover, q=q)
        assert check_latent(real, y).ok
        check_lift_at(real, binary, [Fraction(1, 2) if b else Fraction(1, 4) for b in y])


@settings(max_examples=400 if FULL else 60)
@given(G=small_graphs(), data=st.data())
def test_halfclique_lift_at_real_points(G, data):
    n = G.number_of_nodes()
    M = data.draw(st.fractions(min_value=0, max_value=8, max_denominator=4), label="M")
    p = data.draw(st.sampled_from(HC_NORMS), label="p")
    k = half_size(G)
    real, binary = hcr.build(G, M=M, k=k, p=p), hcb.build(G, M=M, k=k, p=p)
    for _ in range(3):
        z = data.draw(st.lists(real_points, min_size=n, max_size=n), label="z")
        check_lift_at(real, binary, z)


def test_lift_structure():
    G = gm.make_graph(4, [(1, 2), (2, 3), (3, 4)])
    for red_r, red_b, params in ((vcr, vcb, {"q": 2}), (hcr, hcb, {"M": 2})):
        real, binary = red_r.build(G, **params), red_b.build(G, **params)
        assert real.n == binary.n and len(real.network.layers) == 1 + 4
        assert real.network.out_dim == binary.network.out_dim + 1
        assert real.domain.kind == "real" and real.domain.bounds() == (0.0, 1.0)
        assert real.query == binary.query
        assert real.reduction.name == red_r.name
    with pytest.raises(ValueError):
        lift.lift(vcr.build(G, q=2))  # already real


# ------------------------------------------------------ larger random graphs, MILP auto


@settings(max_examples=300 if FULL else 40)
@given(G=small_graphs(6, 9), data=st.data())
def test_vertexcover_binary_random_graphs(G, data):
    n = G.number_of_nodes()
    q = data.draw(st.integers(0, n), label="q")
    p = data.draw(st.sampled_from(VC_NORMS), label="p")
    problem = reduce_instance(G, via="vertexcover-binary", kind="graph", q=q, p=p)
    verdict = milp.solve(problem, solver="auto")
    ref = graph_reference.find_vertex_cover(G, q)
    assert verdict.status == (YES if ref is not None else NO), verdict.reason
    if ref is not None:
        cover = check_decoded(problem, vcb, G, verdict.latent)
        assert len(cover) == q
        assert check_latent(problem, vcb.encode(G, ref, q=q)).ok


@settings(max_examples=300 if FULL else 40)
@given(G=small_graphs(6, 9), data=st.data())
def test_halfclique_binary_random_graphs(G, data):
    k = half_size(G)
    p = data.draw(st.sampled_from(HC_NORMS), label="p")
    ref = graph_reference.min_half_clique_weight(G, k)
    around = [] if ref is None else [Fraction(ref[0]), ref[0] + Fraction(1, 2)]  # NO, YES
    M = data.draw(
        st.one_of(st.sampled_from(around or [Fraction(0)]), st.fractions(0, 30, max_denominator=3)),
        label="M",
    )
    problem = reduce_instance(G, via="halfclique-binary", kind="graph", M=M, k=k, p=p)
    verdict = milp.solve(problem, solver="auto")
    expected = ref is not None and ref[0] < M
    assert verdict.status == (YES if expected else NO), (M, ref, verdict.reason)
    if expected:
        check_decoded(problem, hcb, G, verdict.latent)
        assert check_latent(problem, hcb.encode(G, ref[1])).ok
