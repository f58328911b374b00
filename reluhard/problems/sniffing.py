"""Recognising a source file's kind from its first bytes, without its parser.

Every ``reduce``, ``solve`` and ``verify`` asks each kind in turn whether a file is of it
(:func:`reluhard.problems.kinds.sniff`), so these tests live apart from the parsers: a CNF
run then loads neither the circuit nor the CVP reader.
"""

from __future__ import annotations

import re

#: a BENCH signal name: a run of characters other than whitespace, ``#``, ``(``, ``)``, ``,``, ``=``
BENCH_NAME = r"[^\s#(),=]+"
_BENCH_LINE = re.compile(
    rf"^\s*(?:(?:INPUT|OUTPUT)\s*\(|{BENCH_NAME}\s*=\s*[A-Za-z_]\w*\s*\()", re.I
)


def is_aiger(data: bytes) -> bool:
    """True when ``data`` starts with an AIGER header word (``aag`` or ``aig``).

    >>> is_aiger(b"aag 0 0 0 0 0\\n"), is_aiger(b"aig 1 1 0 1 0\\n"), is_aiger(b"p cnf 1 1\\n")
    (True, True, False)
    """
    return data[:4] in (b"aag ", b"aig ", b"aag\n", b"aig\n")


def is_bench(data: bytes) -> bool:
    """True when the first line of ``data`` that is neither blank nor a ``#`` comment is
    an ``INPUT(``, ``OUTPUT(`` or ``name = TYPE(`` line.

    >>> is_bench(b"# c17\\nINPUT(N1)\\n"), is_bench(b"p cnf 1 1\\n1 0\\n"), is_bench(b"c x = y(\\n")
    (True, False, False)
    """
    pos = 0
    for _ in range(200):  # line by line: a split would copy the rest of a large file
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end].split(b"#", 1)[0].strip()
        if line:
            return bool(_BENCH_LINE.match(line.decode("utf-8", "replace")))
        if end >= len(data):
            break
        pos = end + 1
    return False


def is_circuit(data: bytes) -> bool:
    """True when ``data`` (decompressed) is an AIGER or a BENCH file."""
    return is_aiger(data) or is_bench(data)


def is_cvp(data: bytes) -> bool:
    """True when ``data`` (decompressed) looks like a ``.cvp`` file: its first line that is
    neither blank nor a comment starts with the tokens ``p cvp``.

    >>> is_cvp(b"c hello\\n\\np cvp 3 2\\n"), is_cvp(b"p cnf 3 2\\n")
    (True, False)
    """
    data = bytes(data)
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while pos <= len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        tokens = data[pos:end].split()
        pos = end + 1
        if not tokens or tokens[0] == b"c":
            continue
        return tokens[:2] == [b"p", b"cvp"]
    return False
