"""From an instance file to a network file: load, reduce, write.

The library side of ``reduce``: :func:`load_source` recognises the input by its header
(not its name), parses it and hashes the file's bytes; :func:`reduce_source` applies a
reduction from :mod:`reluhard.reductions`; :func:`reduce_file` does both and writes the
network file.

>>> import tempfile, os
>>> from reluhard.problems.cnf import CNF
>>> p = reduce_instance(CNF.from_clauses([[1, -2], [2]]), via="sat-real")
>>> p.reduction["name"], p.network.widths
('sat-real', [2, 2, 2, 6, 2])
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from . import netfile, reductions
from .errors import InputError
from .inversion import InversionProblem, Source
from .problems import dimacs_cnf
from .problems.textio import decompress, read_raw

#: DIMACS problem lines of formats this tool does not read, so the error can say what it is.
OTHER_DIMACS_KINDS = ("sp", "max", "min", "wcnf", "pcnf", "qbf")
GRAPH_DIMACS_KINDS = ("edge", "col", "edges")
EDGE_LIST_SUFFIXES = (".edges", ".edgelist", ".el")


def load_source(path: str | os.PathLike, *, strict_counts: bool = True) -> Source:
    """Parse the instance file at ``path`` (plain, gzip, bzip2 or xz) into a :class:`Source`
    whose ``sha256`` is that of the file's bytes as stored.

    The kind is recognised by content: a ``p cnf`` header is a CNF, ``p edge``/``p col`` a
    DIMACS graph, ``p cvp`` a CVP instance; a file named ``*.edges``/``*.edgelist``/``*.el``
    (before any compression suffix) is an edge list. Anything else goes to the CNF reader,
    which says what is wrong with it."""
    from .problems import cvp_format as cvp
    from .problems import graph_format as graph

    name = os.fspath(path)
    raw = read_raw(name)
    data = decompress(raw, name)
    sha = hashlib.sha256(raw).hexdigest()
    base = os.path.basename(name)
    header = dimacs_cnf.sniff_header(data)
    if header and header[0] in GRAPH_DIMACS_KINDS:
        return Source("graph", graph.parse_dimacs_graph(data, name), sha, base)
    if cvp.sniff(data):
        return Source("cvp", cvp.parse_cvp(data, name), sha, base)
    stem = base
    for suffix in (".gz", ".bz2", ".xz"):
        stem = stem.removesuffix(suffix)
    if stem.endswith(EDGE_LIST_SUFFIXES):
        return Source("graph", graph.parse_edge_list(data, name), sha, base)
    if header and header[0] in OTHER_DIMACS_KINDS:
        raise InputError(
            name,
            header[1],
            f"'p {header[0]}' inputs are not supported (reluhard reads DIMACS CNF 'p cnf', "
            "DIMACS graphs 'p edge', CVP instances 'p cvp' and edge lists)",
        )
    # anything else, a malformed or missing header included, is for the CNF reader to judge
    instance = dimacs_cnf.parse_cnf(data, name, strict_counts=strict_counts)
    return Source("cnf", instance, sha, base)


def canonical_text(kind: str, instance: Any) -> str:
    """The instance in its file format, as this tool writes it (hashed for in-memory ones)."""
    from .problems import cvp_format as cvp
    from .problems import graph_format as graph

    if kind == "cnf":
        return dimacs_cnf.format_cnf(instance)
    if kind == "cvp":
        return cvp.format_cvp(instance)
    if kind == "graph":
        return graph.format_dimacs_graph(instance)
    raise ValueError(f"unknown source kind {kind!r}")


def in_memory_source(kind: str, instance: Any) -> Source:
    """A :class:`Source` for an instance built in Python, hashed by its canonical text."""
    text = canonical_text(kind, instance).encode()
    return Source(kind, instance, hashlib.sha256(text).hexdigest(), "")


def reduce_source(
    source: Source, via: str | None = None, params: dict[str, str] | None = None
) -> InversionProblem:
    """Apply reduction ``via`` (default: the one for the source's kind) with ``params``
    given as strings (typed and checked by the reduction)."""
    red = reductions.for_kind(source.kind, via)
    typed = reductions.parse_params(red, params or {})
    return red.build(source.instance, source=source, **typed)


def reduce_instance(
    instance: Any, via: str | None = None, kind: str = "cnf", **params: Any
) -> InversionProblem:
    """Reduce an in-memory instance (the source is embedded with its canonical hash)."""
    red = reductions.for_kind(kind, via)
    return red.build(instance, source=in_memory_source(kind, instance), **params)


def reduce_file(
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    via: str | None = None,
    params: dict[str, str] | None = None,
    *,
    strict_counts: bool = True,
) -> InversionProblem:
    """``reduce INPUT -o OUTPUT``: parse, build and write; returns the problem."""
    problem = reduce_source(load_source(input_path, strict_counts=strict_counts), via, params)
    try:
        netfile.write(problem, output_path)
    except OSError as e:
        raise InputError(
            os.fspath(output_path), None, f"cannot write network file: {e.strerror or e}"
        ) from None
    return problem
