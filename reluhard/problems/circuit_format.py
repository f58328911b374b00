"""Circuit files of every format this tool reads, recognised by content: AIGER ASCII
(``aag``) and binary (``aig``) by the header word, ISCAS BENCH by its first statement;
plain or compressed with gzip, bzip2 or xz. Written by the name's suffix (``.aag``,
``.aig``, ``.bench``, each optionally ``.gz``/``.bz2``/``.xz``).
"""

from __future__ import annotations

import os

from ..errors import InputError
from . import aiger, bench, sniffing
from .circuit import Circuit
from .textio import read_bytes, write_data

SUFFIXES = (".aag", ".aig", ".bench")

sniff = sniffing.is_circuit  # the test lives apart from the readers (see sniffing)


def parse_circuit(data: bytes, path: str = "<input>") -> Circuit:
    """The circuit of an AIGER or BENCH file's bytes."""
    if aiger.sniff(data):
        return aiger.parse_aiger(data, path)
    if bench.sniff(data):
        return bench.parse_bench(data, path)
    raise InputError(
        path, 1, "not a circuit file (expected an 'aag'/'aig' header or BENCH INPUT(...) lines)"
    )


def read_circuit(path: str | os.PathLike) -> Circuit:
    """Read the circuit file at ``path`` (plain, gzip, bzip2 or xz)."""
    return parse_circuit(read_bytes(path), os.fspath(path))


def circuit_format(path: str | os.PathLike) -> str:
    """``aag``, ``aig`` or ``bench`` from the file name (a compression suffix aside);
    ``ValueError`` for any other name."""
    base = os.fspath(path).lower()
    for z in (".gz", ".bz2", ".xz"):
        base = base.removesuffix(z)
    for suffix in SUFFIXES:
        if base.endswith(suffix):
            return suffix[1:]
    raise ValueError(f"cannot tell the circuit format of {os.fspath(path)!r} (.aag, .aig, .bench)")


def circuit_bytes(circuit: Circuit, fmt: str) -> bytes:
    """``circuit`` in format ``fmt`` (``aag``, ``aig`` or ``bench``)."""
    if fmt == "aig":
        return aiger.format_aig(circuit)
    if fmt == "aag":
        return aiger.format_aag(circuit).encode()
    return bench.format_bench(circuit).encode()


def write_circuit(circuit: Circuit, path: str | os.PathLike) -> None:
    """Write ``circuit`` to ``path`` in the format its name says, compressed if it ends in
    ``.gz``, ``.bz2`` or ``.xz``."""
    write_data(circuit_bytes(circuit, circuit_format(path)), path)
