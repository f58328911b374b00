"""The file formats of graphs (:mod:`reluhard.problems.graph`): DIMACS graph files and
edge lists, read by :func:`read_graph` (:func:`parse_dimacs_graph`, :func:`parse_edge_list`,
:func:`sniff`), written by :func:`format_dimacs_graph` / :func:`write_dimacs_graph`.

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
>>> sorted(parse_edge_list(b"1 2 3\\n1 3 1\\n2 3 1\\n3 4 2\\n").edges(data="weight"))
[(1, 2, 3), (1, 3, 1), (2, 3, 1), (3, 4, 2)]
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from .. import limits
from ..errors import InputError
from ..lazy import lazy_module
from .graph import GRAPH_BYTES, MAX_WEIGHT, edge_key, validate_graph
from .textio import comment_lines, count, read_bytes, show_token, write_data

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

__all__ = [
    "MAX_NODES",
    "format_dimacs_graph",
    "parse_dimacs_graph",
    "parse_edge_list",
    "read_graph",
    "sniff",
    "write_dimacs_graph",
]

MAX_NODES = 2**24  # a networkx graph holds each node as a Python object

_WS = b" \t\r\v\f"
_BOM = b"\xef\xbb\xbf"
_INT = re.compile(rb"-?[0-9]+")
_DIGITS = re.compile(rb"[0-9]+")
_HEADER_KINDS = (b"edge", b"edges", b"col")


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
        key = edge_key(u, v)
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
        limits.check_size(
            f"the graph ({n} vertices, {_count(len(self.edges), 'edge')})",
            GRAPH_BYTES * (n + len(self.edges)),
            self.path,
        )
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
    for u, v in sorted(edge_key(u, v) for u, v in G.edges):
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
