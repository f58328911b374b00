"""Tests for reluhard.problems.graph: the DIMACS and edge-list readers (accepted dialect,
rejections; the malformed corpus is in test_malformed.py), the writer and the network
file arrays, the certificate checkers, and the reference solvers against brute force on
every graph with at most 5 vertices and on the public DIMACS clique graphs."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import lzma
import random
from fractions import Fraction
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.errors import InputError
from reluhard.problems.graph import (
    MAX_WEIGHT,
    all_graphs,
    describe,
    edge_weights,
    from_arrays,
    half_clique_fault,
    is_half_clique,
    is_vertex_cover,
    make_graph,
    to_arrays,
    validate_graph,
    vertex_cover_fault,
)
from reluhard.problems.graph_format import (
    MAX_NODES,
    format_dimacs_graph,
    parse_dimacs_graph,
    parse_edge_list,
    read_graph,
    sniff,
    write_dimacs_graph,
)
from reluhard.problems.graph_reference import (
    EXHAUSTIVE_LIMIT,
    find_vertex_cover,
    min_half_clique_weight,
    min_vertex_cover,
)
from tests.helpers.instances import GRAPHS

# (vertices, edges, clique number from the instances' README, minimum vertex cover)
PUBLIC = {
    "johnson8-2-4": (28, 210, 4, 21),
    "johnson8-4-4": (70, 1855, 14, 65),
    "hamming6-2": (64, 1824, 32, 62),
    "hamming6-4": (64, 704, 4, 52),
    "MANN_a9": (45, 918, 16, 42),
}


def dimacs(text: str | bytes) -> nx.Graph:
    return parse_dimacs_graph(text.encode() if isinstance(text, str) else text, "g.clq")


def edge_list(text: str | bytes) -> nx.Graph:
    return parse_edge_list(text.encode() if isinstance(text, str) else text, "g.edges")


def error_of(parse, text: str | bytes) -> str:
    with pytest.raises(InputError) as info:
        parse(text)
    return str(info.value)


def same(G: nx.Graph, H: nx.Graph) -> bool:
    """Equal nodes, edges and attributes (insertion order aside)."""
    return nx.utils.graphs_equal(G, H)


# --------------------------------------------------------------------------- DIMACS dialect


def test_plain_dimacs():
    G = dimacs("p edge 5 3\ne 1 2\ne 2 3\ne 4 3\n")
    assert sorted(G.nodes) == [1, 2, 3, 4, 5]  # vertex 5 is isolated, and present
    assert sorted(G.edges) == [(1, 2), (2, 3), (3, 4)]
    assert all(not d for _, d in G.nodes(data=True))  # no weights given, none set
    assert all(not d for *_, d in G.edges(data=True))
    assert G.graph == {}


def test_comments_blank_lines_crlf_tabs_and_bom():
    text = (
        b"\xef\xbb\xbfc first\r\n\r\n  c indented\r\n"
        b"p\tedge  3\t2 \r\nc between\r\n\te 1\t2\r\n\r\ne 2 3\r\nc end\r\n"
    )
    assert sorted(dimacs(text).edges) == [(1, 2), (2, 3)]


def test_header_kinds_and_leading_zeros():
    for kind in ("edge", "edges", "col"):
        assert sorted(dimacs(f"p {kind} 3 1\ne 1 3\n").edges) == [(1, 3)]
    assert sorted(dimacs("p edge 003 01\ne 01 003\n").edges) == [(1, 3)]


def test_empty_graphs():
    assert dimacs("p edge 0 0\n").number_of_nodes() == 0
    G = dimacs("p edge 4 0")
    assert sorted(G.nodes) == [1, 2, 3, 4] and G.number_of_edges() == 0


def test_repeated_identical_edges_are_accepted():
    # both directions listed, header counting lines
    G = dimacs("p edge 3 4\ne 1 2\ne 2 1\ne 2 3\ne 3 2\n")
    assert sorted(G.edges) == [(1, 2), (2, 3)]
    # header counting distinct edges
    assert sorted(dimacs("p edge 3 2\ne 1 2\ne 2 1\ne 2 3\ne 3 2\n").edges) == [(1, 2), (2, 3)]
    G = dimacs("p edge 3 2\ne 1 2 5\ne 2 1 5\ne 2 3 1\n")
    assert G.edges[1, 2]["weight"] == 5


def test_unweighted_repeat_of_weight_one_edge_is_the_same_edge():
    G = dimacs("p edge 2 2\ne 1 2\ne 2 1 1\n")
    assert G.edges[1, 2] == {"weight": 1}


def test_edge_and_node_weights():
    G = dimacs("p edge 4 3\nn 2 7\ne 1 2 3\ne 2 3\nn 4 9\ne 3 4 2\nn 2 7\n")
    # weights on every node / edge once any is given; missing ones are 1
    assert [G.nodes[v]["weight"] for v in range(1, 5)] == [1, 7, 1, 9]
    assert sorted(G.edges(data="weight")) == [(1, 2, 3), (2, 3, 1), (3, 4, 2)]
    assert edge_weights(G) == {(1, 2): 3, (2, 3): 1, (3, 4): 2}
    assert edge_weights(G, "unit") == {(1, 2): 1, (2, 3): 1, (3, 4): 1}
    assert edge_weights(G, "node-sum") == {(1, 2): 8, (2, 3): 8, (3, 4): 10}


def test_large_weights():
    G = dimacs(f"p edge 2 1\ne 1 2 {MAX_WEIGHT}\nn 1 {MAX_WEIGHT}\n")
    assert G.edges[1, 2]["weight"] == MAX_WEIGHT == G.nodes[1]["weight"]
    arrays, meta = to_arrays(G)
    assert same(from_arrays(arrays, meta), G)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p edge 0 1\ne 1 2\n", "2: vertex 1 is out of range (the header declares 0 nodes)"),
        ("p edge 3 1\ne 1 -2\n", "2: vertex -2 is out of range 1..3"),
        ("p edge 3 1\ne 1 +2\n", "2: invalid vertex '+2' (expected an integer)"),
        (
            "p edge 3 1\ne 1 " + "9" * 60 + "\n",
            "2: vertex " + "9" * 40 + "... is out of range 1..3",
        ),
        (
            "p edge 3 1\ne 1 2 " + "7" * 50 + "\n",
            "2: edge weight " + "7" * 40 + f"... exceeds the maximum {MAX_WEIGHT}",
        ),
        ("p edge 3 1\ne 1 2 x\n", "2: invalid edge weight 'x' (expected a positive integer)"),
        ("p edge 3 1\ne 1 2 00\n", "2: invalid edge weight '00' (expected a positive integer)"),
        ("p edge 3 1\ne 1\n", "2: malformed edge line 'e 1' (expected 'e U V' or 'e U V WEIGHT')"),
        ("p edge 3 1\nn 1 2 3\n", "2: malformed node line 'n 1 2 3' (expected 'n VERTEX WEIGHT')"),
        ("p edge 3 1\ne 1 2\n% end\n", "3: unknown line type '%' (expected 'c', 'p', 'e' or 'n')"),
        ("p edge 3\n", "1: malformed header 'p edge 3' (expected 'p edge NODES EDGES')"),
        ("p EDGE 3 1\n", "1: malformed header 'p EDGE 3 1' (expected 'p edge NODES EDGES')"),
        ("pedge 3 1\n", "1: malformed header 'pedge 3 1' (expected 'p edge NODES EDGES')"),
        ("p edge 3 1 0\n", "1: malformed header 'p edge 3 1 0' (expected 'p edge NODES EDGES')"),
        (
            f"p edge {MAX_NODES + 1} 0\n",
            f"1: node count {MAX_NODES + 1} in header exceeds the maximum {MAX_NODES}",
        ),
        ("c\n\n", "2: missing 'p edge' header"),
        ("", "1: missing 'p edge' header"),
        ("e 1 2\np edge 2 1\n", "1: missing 'p edge' header before first 'e' line"),
        ("p edge 3 1\ne 1 2\ne 3 3\n", "3: self-loop at vertex 3"),
        (
            "p edge 3 0\ne 1 2\n",
            "2: header declares 0 edges but found more (distinct edge 1 is on this line)",
        ),
        ("p edge 3 1\n", "1: header declares 1 edge but 0 were found (truncated file?)"),
        ("p edge 3 2\ne 1 2\n", "2: header declares 2 edges but 1 was found (truncated file?)"),
        (
            "p edge 3 3\ne 1 2\ne 2 1\n",
            "3: header declares 3 edges but 2 edge lines (1 distinct "
            "edge) were found (truncated file?)",
        ),
        (
            "p edge 3 1\ne 1 2 2\ne 2 1 3\n",
            "3: edge (1, 2) given twice with different weights: 3 here, 2 at line 2",
        ),
        (
            "p edge 3 1\ne 1 2 2\ne 2 1\n",
            "3: edge (1, 2) given twice with different weights: 1 (unweighted) here, 2 at line 2",
        ),
    ],
)
def test_dimacs_rejections(text, message):
    assert error_of(dimacs, text) == "g.clq:" + message


def test_first_problem_in_file_order_is_reported():
    assert error_of(dimacs, "p edge 3 1\ne 1 x\ne 9 9\n").startswith("g.clq:2: invalid vertex")
    # the self-loop comes before the weight on the same line, the range before the loop
    assert error_of(dimacs, "p edge 3 1\ne 2 2 0\n") == "g.clq:2: self-loop at vertex 2"
    assert error_of(dimacs, "p edge 3 1\ne 4 4\n") == "g.clq:2: vertex 4 is out of range 1..3"


def test_default_path_label():
    with pytest.raises(InputError) as info:
        parse_dimacs_graph(b"p edge 1 1\ne 1 2\n")
    assert str(info.value) == "<input>:2: vertex 2 is out of range 1..1"


# --------------------------------------------------------------------------- edge lists


def test_edge_list():
    G = edge_list("# a list\n3 1\nc another comment\n\n 2\t3   # inline\n1 3\n")
    assert sorted(G.nodes) == [1, 2, 3] and sorted(G.edges) == [(1, 3), (2, 3)]
    # the vertices are 1..max label, isolated ones included
    G = edge_list("5 7\n")
    assert sorted(G.nodes) == list(range(1, 8)) and sorted(G.edges) == [(5, 7)]
    assert edge_list("").number_of_nodes() == 0
    assert edge_list("# nothing\n").number_of_nodes() == 0


def test_weighted_edge_list():
    G = edge_list("1 2 5\n2 3\n3 2\n")
    assert sorted(G.edges(data="weight")) == [(1, 2, 5), (2, 3, 1)]
    assert all("weight" not in G.nodes[v] for v in G)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2\n2\n", "2: malformed edge '2' (expected 'U V' or 'U V WEIGHT')"),
        ("1 2 3 4\n", "1: malformed edge '1 2 3 4' (expected 'U V' or 'U V WEIGHT')"),
        ("1 2\n0 1\n", "2: vertex 0 is out of range (vertices are numbered from 1)"),
        (f"1 {MAX_NODES + 1}\n", f"1: vertex {MAX_NODES + 1} exceeds the maximum {MAX_NODES}"),
        ("1 a\n", "1: invalid vertex 'a' (expected an integer)"),
        ("2 2\n", "1: self-loop at vertex 2"),
        ("1 2 -1\n", "1: invalid edge weight '-1' (expected a positive integer)"),
        (
            "1 2 3\n2 1 4\n",
            "2: edge (1, 2) given twice with different weights: 4 here, 3 at line 1",
        ),
    ],
)
def test_edge_list_rejections(text, message):
    assert error_of(edge_list, text) == "g.edges:" + message


# --------------------------------------------------------------------------- sniffing, files


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"p edge 3 1\ne 1 2\n", "dimacs"),
        (b"c x\n\n  p\tcol 3 1\n", "dimacs"),
        (b"\xef\xbb\xbfp edges 3 1\n", "dimacs"),
        (b"c header missing\ne 1 2\n", "dimacs"),
        (b"n 1 2\n", "dimacs"),
        (b"# x\nc y\n1 2\n", "edgelist"),
        (b"\r\n  7 3 2\r\n", "edgelist"),
        (b"p cnf 3 1\n1 0\n", None),
        (b"p\n", None),
        (b"hello\n", None),
        (b"c only comments\n", None),
        (b"", None),
    ],
)
def test_sniff(data, expected):
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("module", "suffix"), [(gzip, ".gz"), (bz2, ".bz2"), (lzma, ".xz")], ids=["gz", "bz2", "xz"]
)
def test_read_graph_compressed(tmp_path, module, suffix):
    text = b"c compressed\np edge 3 2\nn 3 4\ne 1 2\ne 2 3 6\n"
    path = tmp_path / ("g.clq" + suffix)
    path.write_bytes(module.compress(text))
    assert same(read_graph(path), dimacs(text))
    renamed = tmp_path / "plain.txt"  # the content decides, not the name
    renamed.write_bytes(module.compress(b"1 2\n2 4\n"))
    assert sorted(read_graph(renamed).edges) == [(1, 2), (2, 4)]


def test_read_graph_format_choice(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("1 2\n")
    assert read_graph(path, fmt="edgelist").number_of_nodes() == 2
    with pytest.raises(InputError) as info:
        read_graph(path, fmt="dimacs")
    assert str(info.value) == f"{path}:1: unknown line type '1' (expected 'c', 'p', 'e' or 'n')"
    with pytest.raises(ValueError, match="unknown graph format"):
        read_graph(path, fmt="gml")


def test_read_graph_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_graph(tmp_path / "nope.clq")
    assert str(info.value).startswith(f"{tmp_path / 'nope.clq'}: cannot read file")


# --------------------------------------------------------------------------- public instances


def public_files() -> list[Path]:
    if not GRAPHS.is_dir():
        pytest.skip(f"public DIMACS graphs not found at {GRAPHS}")
    files = sorted(GRAPHS.glob("*.clq"))
    if not files:
        pytest.skip(f"no .clq files in {GRAPHS}")
    return files


def naive_read(path: Path) -> tuple[int, set[tuple[int, int]], dict[int, int]]:
    """Vertices, edges and node weights by plain string splitting (no checks)."""
    n, edges, weights = 0, set(), {}
    for line in path.read_text().splitlines():
        t = line.split()
        if t and t[0] == "p":
            n = int(t[2])
        elif t and t[0] == "e":
            edges.add(tuple(sorted((int(t[1]), int(t[2])))))
        elif t and t[0] == "n":
            weights[int(t[1])] = int(t[2])
    return n, edges, weights


def test_public_graphs_parse():
    files = public_files()
    assert {p.stem for p in files} >= set(PUBLIC)
    for path in files:
        G = read_graph(path)
        n, edges, weights = naive_read(path)
        assert sniff(path.read_bytes()) == "dimacs"
        if path.stem in PUBLIC:
            assert (G.number_of_nodes(), G.number_of_edges()) == PUBLIC[path.stem][:2]
        assert sorted(G.nodes) == list(range(1, n + 1))
        assert set(G.edges) == edges or {tuple(sorted(e)) for e in G.edges} == edges
        assert {v: G.nodes[v]["weight"] for v in G} == weights
        assert len(weights) == n  # every vertex weighted in these files
        assert all("weight" not in d for *_, d in G.edges(data=True))
        assert edge_weights(G) == dict.fromkeys(edges, 1)  # auto: no edge weights -> unit
        validate_graph(G)
        # the writer and the arrays give the same graph back
        assert same(dimacs(format_dimacs_graph(G, [path.name])), G)
        assert same(from_arrays(*to_arrays(G)), G)


def public_graph(name: str) -> nx.Graph:
    """The public graph ``name`` read by our reader, or a skip when the folder lacks it."""
    files = {p.stem: p for p in public_files()}
    if name not in files:
        pytest.skip(f"{name}.clq not in {GRAPHS}")
    return read_graph(files[name])


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_min_vertex_cover(name):
    G = public_graph(name)
    n, _, omega, expected = PUBLIC[name]
    cover = min_vertex_cover(G)
    assert is_vertex_cover(G, cover, len(cover))
    assert find_vertex_cover(G, len(cover) - 1) is None  # the SAT encoding proves optimality
    assert len(cover) == expected
    # independently: n minus the independence number, by networkx's clique search
    _, alpha = nx.max_weight_clique(nx.complement(G), weight=None)
    assert len(cover) == n - alpha


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_clique_numbers(name):
    """The branch and bound finds a clique of the README's clique number, none larger."""
    G = public_graph(name)
    omega = PUBLIC[name][2]
    best = min_half_clique_weight(G, k=omega, weights="node-sum", method="branch-and-bound")
    assert best is not None
    weight, S = best
    # a k-clique weighs (k - 1) times its node weights under node-sum
    assert weight == (omega - 1) * sum(G.nodes[v]["weight"] for v in S)
    assert is_half_clique(G, S, weight + 1, k=omega, weights="node-sum")
    assert half_clique_fault(G, S, weight, k=omega, weights="node-sum") == (
        f"the clique's total edge weight is {weight}, not less than M = {weight}"
    )
    assert min_half_clique_weight(G, k=omega + 1, method="branch-and-bound") is None


def test_public_half_cliques():
    files = {p.stem: p for p in public_files()}
    for name, path in files.items():
        G = read_graph(path)
        n = G.number_of_nodes()
        if n % 2:
            with pytest.raises(InputError, match="odd number of vertices"):
                min_half_clique_weight(G)
            continue
        best = min_half_clique_weight(G)
        if name in PUBLIC and PUBLIC[name][2] < n // 2:
            assert best is None, name
        if name == "hamming6-2":  # omega = 32 = n/2: C(32, 2) unit edges
            assert best is not None and best[0] == 496
            assert is_half_clique(G, best[1], 497)


# --------------------------------------------------------------------------- round trips


@st.composite
def graphs(draw, max_n: int = 12) -> nx.Graph:
    n = draw(st.integers(0, max_n))
    pairs = list(itertools.combinations(range(1, n + 1), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    weight = st.one_of(st.integers(1, 9), st.integers(1, MAX_WEIGHT))
    G = nx.Graph()
    G.add_nodes_from(range(1, n + 1))
    if draw(st.booleans()):
        for v in range(1, n + 1):
            G.nodes[v]["weight"] = draw(weight)
    edge_weighted = draw(st.booleans())
    for u, v in chosen:
        if draw(st.booleans()):
            u, v = v, u
        if edge_weighted:
            G.add_edge(u, v, weight=draw(weight))
        else:
            G.add_edge(u, v)
    return G


@settings(max_examples=150, deadline=None)
@given(graphs(), st.lists(st.text(max_size=10), max_size=3))
def test_dimacs_round_trip(G, comments):
    text = format_dimacs_graph(G, comments)
    assert sniff(text.encode()) == "dimacs"
    H = dimacs(text)
    assert same(H, G)
    assert format_dimacs_graph(H, comments) == text


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_arrays_round_trip(G):
    arrays, meta = to_arrays(G)
    assert arrays["edges"].dtype == np.int32 and arrays["edges"].shape == (G.number_of_edges(), 2)
    assert arrays["edge_weights"].dtype == np.int64 and arrays["node_weights"].dtype == np.int64
    assert np.all(arrays["edges"][:, 0] < arrays["edges"][:, 1])
    assert same(from_arrays(arrays, meta), G)


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_edge_list_round_trip(G, data):
    """An edge list written by hand (random order, both directions, comments) reads back
    as the graph on 1..max label, node weights dropped."""
    lines = []
    for u, v, w in G.edges(data="weight"):
        if data.draw(st.booleans()):
            u, v = v, u
        lines.append(f"{u} {v}" + ("" if w is None else f" {w}"))
        if data.draw(st.booleans()):
            lines.append(f"{v}\t{u}" + ("" if w is None else f" {w}") + "  # again")
    lines = data.draw(st.permutations(lines))
    if data.draw(st.booleans()):
        lines = ["# header comment", "c another", "", *lines]
    H = edge_list("\n".join(lines))
    top = max((max(e) for e in G.edges), default=0)
    expected = G.subgraph(range(1, top + 1)).copy()
    for v in expected:
        expected.nodes[v].pop("weight", None)
    assert same(H, expected)


def test_write_dimacs_graph_targets(tmp_path):
    G = make_graph(4, [(1, 2, 3), (3, 4)], node_weights={2: 5})
    expected = format_dimacs_graph(G, ["x"])
    assert expected == "c x\np edge 4 2\nn 1 1\nn 2 5\nn 3 1\nn 4 1\ne 1 2 3\ne 3 4 1\n"
    write_dimacs_graph(G, tmp_path / "a.clq", ["x"])
    assert (tmp_path / "a.clq").read_text() == expected
    write_dimacs_graph(G, str(tmp_path / "b.clq.xz"), ["x"])
    assert lzma.decompress((tmp_path / "b.clq.xz").read_bytes()).decode() == expected
    assert same(read_graph(tmp_path / "b.clq.xz"), G)
    text, binary = io.StringIO(), io.BytesIO()
    write_dimacs_graph(G, text, ["x"])
    write_dimacs_graph(G, binary, ["x"])
    assert text.getvalue() == expected and binary.getvalue() == expected.encode()


def test_format_rejects_other_labels():
    with pytest.raises(ValueError, match=r"nodes must be the integers 1\.\.3"):
        format_dimacs_graph(nx.path_graph(3))  # nodes 0, 1, 2
    with pytest.raises(ValueError, match="weights must be positive integers"):
        format_dimacs_graph(nx.Graph([(1, 2, {"weight": 1.5})]))


def test_from_arrays_rejects_bad_arrays():
    arrays, meta = to_arrays(make_graph(3, [(1, 2), (2, 3)]))
    bad = [
        ({**arrays, "edges": arrays["edges"] + 1}, "within 1..3"),
        ({**arrays, "edges": np.array([[1, 2], [2, 2]], np.int32)}, "self-loop"),
        ({**arrays, "edges": np.array([[1, 2], [2, 1]], np.int32)}, "repeated edge"),
        ({**arrays, "edge_weights": np.array([1, 0])}, "positive"),
        ({**arrays, "node_weights": np.ones(4, np.int64)}, "shapes"),
        ({**arrays, "edges": arrays["edges"].astype(float)}, "integer"),
    ]
    for changed, match in bad:
        with pytest.raises(ValueError, match=match):
            from_arrays(changed, meta)


def test_validate_graph():
    validate_graph(make_graph(3, [(1, 2, 2)], node_weights=[1, 2, 3]))
    validate_graph(nx.Graph())
    bad = [
        (nx.path_graph(3), r"nodes must be the integers 1\.\.3"),
        (nx.Graph([(1, 3)]), r"nodes must be the integers 1\.\.2"),
        (nx.Graph([("1", "2")]), r"nodes must be the integers 1\.\.2"),
        (nx.DiGraph([(1, 2)]), "undirected"),
        (nx.MultiGraph([(1, 2)]), "undirected"),
        (nx.Graph([(1, 1)]), "self-loop at vertex 1"),
        (nx.Graph([(1, 2, {"weight": 0})]), r"edge \(1, 2\) has weight 0"),
        (nx.Graph([(1, 2, {"weight": True})]), r"edge \(1, 2\) has weight True"),
    ]
    G = make_graph(2, [(1, 2)])
    G.nodes[2]["weight"] = 2.0
    bad.append((G, "vertex 2 has weight 2.0"))
    for H, match in bad:
        with pytest.raises(ValueError, match=match):
            validate_graph(H)
    with pytest.raises(ValueError):
        make_graph(3, node_weights=[1, 2])


def test_describe():
    assert describe(make_graph(1)) == "1 vertex, 0 edges"
    assert describe(make_graph(3, [(1, 2), (2, 3)])) == "3 vertices, 2 edges"


# --------------------------------------------------------------------------- all_graphs


def test_all_graphs():
    for n in range(5):
        seen = set()
        for G in all_graphs(n):
            assert sorted(G.nodes) == list(range(1, n + 1))
            seen.add(frozenset(map(frozenset, G.edges)))
        assert len(seen) == 2 ** (n * (n - 1) // 2)


# --------------------------------------------------------------------------- certificates


def test_vertex_cover_faults():
    G = make_graph(5, [(1, 2), (2, 3), (3, 4), (4, 1)])
    assert vertex_cover_fault(G, [1, 3], 2) is None
    assert vertex_cover_fault(G, {2, 4}, 2) is None
    assert vertex_cover_fault(G, np.array([1, 3]), 2) is None
    assert vertex_cover_fault(G, [1, 3], 1) == "the cover has 2 vertices, more than q = 1"
    assert vertex_cover_fault(G, [1], 2) == "edge (2, 3) is not covered (and 1 more)"
    assert vertex_cover_fault(G, [1, 2], 2) == "edge (3, 4) is not covered"
    assert vertex_cover_fault(G, [1, 99], 5) == "vertex 99 is not in the graph"
    assert vertex_cover_fault(G, [1, "x"], 5) == "vertex 'x' is not in the graph"
    assert vertex_cover_fault(G, [1, 0], 5) == "vertex 0 is not in the graph"
    assert vertex_cover_fault(G, [1, 3, 1], 5) == "vertex 1 is listed twice in the cover"
    assert vertex_cover_fault(G, [1, 2, 3, 4, 5], 5) is None
    assert vertex_cover_fault(make_graph(2), [], 0) is None
    assert is_vertex_cover(G, [2, 4], 2) and not is_vertex_cover(G, [2, 4], 1)


def test_half_clique_faults():
    G = make_graph(6, [(1, 2, 4), (1, 3, 1), (2, 3, 2), (3, 4, 1), (4, 5, 1), (5, 6, 1)])
    assert half_clique_fault(G, [3, 1, 2], 8) is None  # weight 7
    assert half_clique_fault(G, [1, 2, 3], Fraction(15, 2)) is None
    assert half_clique_fault(G, [1, 2, 3], 7) == (
        "the clique's total edge weight is 7, not less than M = 7"
    )
    assert half_clique_fault(G, [1, 2, 3], 3, weights="unit") == (
        "the clique's total edge weight is 3, not less than M = 3"
    )
    assert half_clique_fault(G, [1, 2, 3], 6, weights="node-sum") == (
        "the clique's total edge weight is 6, not less than M = 6"  # no node weights: 1 + 1
    )
    assert is_half_clique(G, [1, 2, 3], 4, weights="unit")
    assert not is_half_clique(G, [1, 2, 3], 3, weights="unit")
    assert half_clique_fault(G, [1, 2], 9) == "the set has 2 vertices, not k = 3"
    assert half_clique_fault(G, [1, 2], 9, k=2) is None
    assert half_clique_fault(G, [1, 2, 4], 99) == "vertices 1 and 4 are not adjacent"
    assert half_clique_fault(G, [1, 2, 7], 99) == "vertex 7 is not in the graph"
    assert half_clique_fault(G, [1, 2, 2], 99) == "vertex 2 is listed twice in the set"
    with pytest.raises(ValueError, match=r"the weights give no weight to edge \(2, 3\)"):
        half_clique_fault(G, [1, 3], 2, k=2, weights={(3, 1): 1, (1, 2): 1})
    table = {e: 1 for e in G.edges}
    assert half_clique_fault(G, [1, 3], 2, k=2, weights=table) is None
    odd = make_graph(5, [(1, 2)])
    with pytest.raises(InputError, match=r"odd number of vertices \(n = 5\): give k"):
        half_clique_fault(odd, [1, 2], 9)
    assert half_clique_fault(odd, [1, 2], 9, k=2) is None
    with pytest.raises(ValueError, match="unknown weight mode 'heavy'"):
        half_clique_fault(G, [1, 2, 3], 9, weights="heavy")
    with pytest.raises(InputError, match="negative"):
        half_clique_fault(G, [], 9, k=-1)


def test_edge_weights_modes_and_checks():
    G = make_graph(3, [(1, 2), (3, 2)], node_weights=[4, 5, 6])
    assert edge_weights(G) == edge_weights(G, "unit") == {(1, 2): 1, (2, 3): 1}
    assert edge_weights(G, "edge") == {(1, 2): 1, (2, 3): 1}
    assert edge_weights(G, "node-sum") == {(1, 2): 9, (2, 3): 11}
    G.edges[2, 3]["weight"] = 7  # one edge weighted: auto takes edge weights, 1 elsewhere
    assert edge_weights(G) == {(1, 2): 1, (2, 3): 7}
    G.edges[2, 3]["weight"] = 1.5
    with pytest.raises(ValueError, match=r"edge \(2, 3\) has weight 1.5"):
        edge_weights(G)
    assert edge_weights(G, "unit") == {(1, 2): 1, (2, 3): 1}
    G.nodes[1]["weight"] = 0
    with pytest.raises(ValueError, match="vertex 1 has weight 0"):
        edge_weights(G, "node-sum")
    with pytest.raises(ValueError, match="unknown weight mode"):
        edge_weights(G, "edges")


# --------------------------------------------------------------------------- reference solvers


def brute_vertex_cover(G: nx.Graph) -> int:
    n = G.number_of_nodes()
    masks = [(1 << (u - 1)) | (1 << (v - 1)) for u, v in G.edges]
    return min(bin(s).count("1") for s in range(1 << n) if all(s & m for m in masks))


def brute_half_clique(G: nx.Graph, k: int, w: dict) -> tuple[int, list[int]] | None:
    """Over bit masks, in the lexicographic order of the vertex lists (ties: first)."""
    n = G.number_of_nodes()
    best = None
    for s in range(1 << n):
        S = [v for v in range(1, n + 1) if s >> (v - 1) & 1]
        if len(S) != k or any(not G.has_edge(u, v) for u, v in itertools.combinations(S, 2)):
            continue
        total = sum(w[(u, v)] for u, v in itertools.combinations(S, 2))
        if best is None or (total, S) < best:
            best = (total, S)
    return best


def test_min_vertex_cover_exhaustive():
    for n in range(6):
        for G in all_graphs(n):
            opt = brute_vertex_cover(G)
            cover = min_vertex_cover(G)
            assert len(cover) == opt and is_vertex_cover(G, cover, opt), sorted(G.edges)
            if n <= 4:
                for q in range(-1, n + 1):
                    found = find_vertex_cover(G, q)
                    assert (found is not None) == (q >= opt)
                    if found is not None:
                        assert is_vertex_cover(G, found, q)


def test_half_clique_reference_exhaustive():
    rng = random.Random(5)
    for n in range(6):
        for G in all_graphs(n):
            tables = [edge_weights(G, "unit"), {e: rng.randint(1, 6) for e in G.edges}]
            for table, k in itertools.product(tables, range(n + 2)):
                expected = brute_half_clique(G, k, table)
                for method in ("exhaustive", "branch-and-bound"):
                    got = min_half_clique_weight(G, k, table, method=method)
                    assert got == expected, (sorted(G.edges), table, k, method)
            if n % 2 == 0:  # the default k = n/2, the edge attribute and is_half_clique
                H = G.copy()
                for (u, v), w in tables[1].items():
                    H.edges[u, v]["weight"] = w
                best = min_half_clique_weight(H)
                assert best == brute_half_clique(G, n // 2, tables[1])
                if best is not None:
                    assert is_half_clique(H, best[1], best[0] + 1)
                    assert not is_half_clique(H, best[1], best[0])


def test_half_clique_methods_agree_on_random_graphs():
    rng = random.Random(11)
    for _ in range(60):
        n = rng.randint(6, 13)
        p = rng.choice([0.5, 0.7, 0.9])
        edges = [
            (u, v, rng.randint(1, 20))
            for u, v in itertools.combinations(range(1, n + 1), 2)
            if rng.random() < p
        ]
        G = make_graph(n, edges)
        for k in {2, n // 2, rng.randint(0, n)}:
            assert min_half_clique_weight(G, k, method="exhaustive") == min_half_clique_weight(
                G, k, method="branch-and-bound"
            ), (n, edges, k)


def test_min_half_clique_weight_edge_cases():
    assert min_half_clique_weight(make_graph(0)) == (0, [])
    assert min_half_clique_weight(make_graph(3), k=0) == (0, [])
    assert min_half_clique_weight(make_graph(3), k=1) == (0, [1])
    assert min_half_clique_weight(make_graph(2), k=3) is None
    with pytest.raises(ValueError, match="unknown method"):
        min_half_clique_weight(make_graph(2), method="sat")
    assert EXHAUSTIVE_LIMIT >= 1000
