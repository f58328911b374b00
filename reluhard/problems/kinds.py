"""The problem-kind protocol and its registry: everything the pipeline, the CLI and
``verify`` need to know about a kind of source instance, in one record per kind.

A :class:`ProblemKind` says how to recognise a file of its kind (``sniff``), parse and
format it, embed the instance in a network file (``to_arrays``/``from_arrays``), describe
it in a few words, print a certificate on SAT-competition ``v`` lines, check that a
certificate read from JSON is well formed, and, where UNSAT answers can be proved, give
the CNF that a DRUP proof refutes (``as_cnf``). Whether a certificate answers the source
*question* is the reduction's to judge (:attr:`reluhard.reductions.base.Reduction.fault`),
since one graph asks either Vertex Cover or Half-Clique.

Adding a kind is one module (the instance, its checker, its format) and one entry in
:data:`KINDS`; ``pipeline``, ``cli`` and ``verify`` hold no list of kinds.

>>> [k.name for k in KINDS.values()]
['circuit', 'graph', 'cvp', 'cnf']
>>> KINDS["cnf"].certificate_line([1, -2])
(['1', '-2'], True)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..lazy import lazy_module
from . import cnf, dimacs_cnf, sniffing

if TYPE_CHECKING:
    from . import aiger, circuit, circuit_format, cvp, cvp_format, graph, graph_format, tseitin
else:  # the readers of the other kinds load when a file of theirs is read
    aiger = lazy_module("reluhard.problems.aiger")
    circuit = lazy_module("reluhard.problems.circuit")
    circuit_format = lazy_module("reluhard.problems.circuit_format")
    cvp = lazy_module("reluhard.problems.cvp")
    cvp_format = lazy_module("reluhard.problems.cvp_format")
    graph = lazy_module("reluhard.problems.graph")
    graph_format = lazy_module("reluhard.problems.graph_format")
    tseitin = lazy_module("reluhard.problems.tseitin")

#: DIMACS problem lines of formats this tool does not read, so the error can say what it is
OTHER_DIMACS_KINDS = ("sp", "max", "min", "wcnf", "pcnf", "qbf")
#: DIMACS problem lines of graph files (``p edge`` ...), so a graph is not read as a CNF.
GRAPH_DIMACS_KINDS = ("edge", "col", "edges")
#: edge-list file names (before any compression suffix)
EDGE_LIST_SUFFIXES = (".edges", ".edgelist", ".el")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz")


@dataclass(frozen=True)
class ProblemKind:
    """One kind of source instance (see the module docstring).

    ``sniff(data, filename)`` is True when the decompressed bytes (or, for formats with no
    header, the file name) are of this kind; ``parse(data, path, **options)`` reads them
    (``InputError`` naming file and line otherwise); ``format(instance)`` is the canonical
    text (hashed for in-memory instances). ``certificate_noun`` names a certificate in
    messages ("model"); ``shape_fault(certificate)`` says why a JSON certificate is not
    even of the right form; ``certificate_line(certificate)`` gives the ``v``-line tokens and
    whether the line ends in ``0``; ``accepted(instance, name)`` is the sentence ``verify``
    prints when a certificate passes; ``announce_certificate``: print what the certificate
    is (a ``c certificate:`` line) before its ``v`` lines, where that is not obvious.
    ``as_cnf(instance)`` is the CNF a DRUP proof refutes for the kind (``None``: no proof
    route), and ``cnf_model(instance, certificate)`` extends a certificate to a model of
    that CNF (for crosscheck, which judges every answer against the CNF)."""

    name: str
    title: str
    sniff: Callable[[bytes, str], bool]
    parse: Callable[..., Any]
    format: Callable[[Any], str]
    to_arrays: Callable[[Any], tuple[dict[str, np.ndarray], dict]]
    from_arrays: Callable[[Mapping[str, np.ndarray], dict], Any]
    describe: Callable[[Any], str]
    certificate_noun: str
    shape_fault: Callable[[Any], str | None]
    certificate_line: Callable[[Any], tuple[list[str], bool]]
    accepted: Callable[[Any, str], str]
    as_cnf: Callable[[Any], cnf.CNF] | None = None
    cnf_model: Callable[[Any, Any], list[int]] | None = None
    announce_certificate: bool = True

    def sha256(self, instance: Any) -> str:
        """The sha256 of the instance's canonical text (for instances built in memory)."""
        return hashlib.sha256(self.format(instance).encode()).hexdigest()


def _stem(filename: str) -> str:
    base = os.path.basename(filename)
    for suffix in COMPRESSION_SUFFIXES:
        base = base.removesuffix(suffix)
    return base


def _sniff_graph(data: bytes, filename: str) -> bool:
    header = dimacs_cnf.sniff_header(data)
    if header is not None and header[0] in GRAPH_DIMACS_KINDS:
        return True
    return _stem(filename).endswith(EDGE_LIST_SUFFIXES) and not sniffing.is_cvp(data)


def _parse_graph(data: bytes, path: str, **_: Any):
    header = dimacs_cnf.sniff_header(data)
    if header is not None and header[0] in GRAPH_DIMACS_KINDS:
        return graph_format.parse_dimacs_graph(data, path)
    return graph_format.parse_edge_list(data, path)


def _parse_cnf(data: bytes, path: str, *, strict_counts: bool = True) -> cnf.CNF:
    """The CNF reader, which judges anything no other kind claimed (a malformed or missing
    header included); a DIMACS header of another problem is named as such."""
    header = dimacs_cnf.sniff_header(data)
    if header and header[0] in OTHER_DIMACS_KINDS:
        raise InputError(
            path,
            header[1],
            f"'p {header[0]}' inputs are not supported (reluhard reads DIMACS CNF 'p cnf', "
            "DIMACS graphs 'p edge', CVP instances 'p cvp' and edge lists)",
        )
    return dimacs_cnf.parse_cnf(data, path, strict_counts=strict_counts)


def _integers(what: str) -> Callable[[Any], str | None]:
    def fault(certificate: Any) -> str | None:
        if not isinstance(certificate, list) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in certificate
        ):
            return f"the certificate must be a list of integers ({what})"
        return None

    return fault


def _literals_fault(certificate: Any) -> str | None:
    if not isinstance(certificate, list):
        return "the certificate must be a list of DIMACS literals"
    for i, x in enumerate(certificate):
        if not isinstance(x, int) or isinstance(x, bool) or x == 0:
            return f"certificate[{i}] = {x!r} is not a literal (a nonzero integer, DIMACS style)"
    return None


def _cnf_accepted(instance: cnf.CNF, name: str) -> str:
    shown = f" {name}" if name else ""
    return (
        f"the model satisfies all {instance.nclauses} clauses of the embedded CNF{shown} "
        f"({instance.nvars} variables)"
    )


def _checker_accepted(kind: str) -> Callable[[Any, str], str]:
    return lambda instance, name: f"the certificate passes the {kind} checker"


def _late(module: Any, name: str) -> Callable[..., Any]:
    """``module.name``, looked up when called, so that building :data:`KINDS` loads no
    reader of another kind."""
    return lambda *args, **kwargs: getattr(module, name)(*args, **kwargs)


def _tokens(terminated: bool) -> Callable[[Any], tuple[list[str], bool]]:
    return lambda certificate: ([str(x) for x in certificate], terminated)


CNF_KIND = ProblemKind(
    name="cnf",
    title="DIMACS CNF",
    sniff=lambda data, filename: True,  # the fallback: the CNF reader says what is wrong
    parse=_parse_cnf,
    format=dimacs_cnf.format_cnf,
    to_arrays=cnf.to_arrays,
    from_arrays=cnf.from_arrays,
    describe=cnf.describe,
    certificate_noun="model",
    shape_fault=_literals_fault,
    certificate_line=_tokens(True),
    accepted=_cnf_accepted,
    as_cnf=lambda instance: instance,
    cnf_model=lambda instance, model: [int(x) for x in model],
    announce_certificate=False,
)
CVP_KIND = ProblemKind(
    name="cvp",
    title="CVP instance (p cvp)",
    sniff=lambda data, filename: sniffing.is_cvp(data),
    parse=lambda data, path, **_: cvp_format.parse_cvp(data, path),
    format=_late(cvp_format, "format_cvp"),
    to_arrays=_late(cvp, "to_arrays"),
    from_arrays=_late(cvp, "from_arrays"),
    describe=_late(cvp, "describe"),
    certificate_noun="certificate",
    shape_fault=_integers("the coefficient vector"),
    certificate_line=_tokens(False),  # a coefficient may be 0: no terminating 0
    accepted=_checker_accepted("cvp"),
)
GRAPH_KIND = ProblemKind(
    name="graph",
    title="graph (DIMACS p edge, or an edge list)",
    sniff=_sniff_graph,
    parse=_parse_graph,
    format=_late(graph_format, "format_dimacs_graph"),
    to_arrays=_late(graph, "to_arrays"),
    from_arrays=_late(graph, "from_arrays"),
    describe=_late(graph, "describe"),
    certificate_noun="certificate",
    shape_fault=_integers("vertex labels"),
    certificate_line=_tokens(True),
    accepted=_checker_accepted("graph"),
)


def _circuit_accepted(instance: circuit.Circuit, name: str) -> str:
    shown = f" {name}" if name else ""
    return (
        f"the input vector drives all {instance.noutputs} outputs of the embedded "
        f"circuit{shown} to the target ({instance.ninputs} inputs, simulated)"
    )


CIRCUIT_KIND = ProblemKind(
    name="circuit",
    title="Boolean circuit (AIGER aag/aig, ISCAS BENCH)",
    sniff=lambda data, filename: sniffing.is_circuit(data),
    parse=lambda data, path, **_: circuit_format.parse_circuit(data, path),
    format=lambda instance: aiger.format_aag(instance),
    to_arrays=_late(circuit, "to_arrays"),
    from_arrays=_late(circuit, "from_arrays"),
    describe=_late(circuit, "describe"),
    certificate_noun="input vector",
    shape_fault=_literals_fault,
    certificate_line=_tokens(True),
    accepted=_circuit_accepted,
    as_cnf=_late(tseitin, "preimage_cnf"),  # the Tseitin CNF with the embedded target fixed
    cnf_model=lambda c, inputs: tseitin.model_of(c, [x > 0 for x in inputs]),
)

#: every kind, in the order their ``sniff`` is tried: the circuit formats first (a header
#: word at byte 0, or a BENCH statement as the first line, which no CNF, graph or CVP file
#: has), the CNF reader, the fallback, last
KINDS: dict[str, ProblemKind] = {k.name: k for k in (CIRCUIT_KIND, GRAPH_KIND, CVP_KIND, CNF_KIND)}


def get(name: str) -> ProblemKind:
    """The kind called ``name``; ``ValueError`` if there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown source kind {name!r}") from None


def sniff(data: bytes, filename: str = "") -> ProblemKind:
    """The first kind whose ``sniff`` accepts ``data`` (the CNF kind otherwise)."""
    return next(k for k in KINDS.values() if k.sniff(data, filename))
