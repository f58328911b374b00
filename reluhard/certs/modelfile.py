"""Reading a source certificate (a model of a CNF) from a file, with errors naming the file
and line: a DIMACS model (``1 -2 3 0``), a SAT solver's output (``c`` comments, an ``s``
line, ``v`` lines), or a solution JSON (``reluhard solve -o``) with a ``certificate`` list.

Used by ``reluhard explain --cert`` and ``reluhard verify`` (:mod:`.verify`).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import numpy as np

from .. import limits
from ..errors import InputError

_INT = re.compile(r"^[+-]?\d+$")


def read_certificate(path: str | os.PathLike, nvars: int | None = None) -> list[int]:
    """An assignment from ``path``: a DIMACS model (whitespace-separated signed integers;
    ``c`` comment lines, an ``s SATISFIABLE`` line, ``v`` prefixes and a final ``0`` allowed,
    so a SAT solver's output works) or a solution JSON (``reluhard solve -o``) with a
    ``certificate`` list. Bad content raises :class:`InputError` with the file and line."""
    name = os.fspath(path)
    text = read_text(name)
    if is_json(text):
        return _read_json_cert(name, text, nvars)
    return parse_model(name, text, nvars)


def read_text(path: str | os.PathLike) -> str:
    """The text of ``path`` (plain or gzip/bzip2/xz); not UTF-8 is an :class:`InputError`
    naming the line."""
    from ..problems.textio import read_bytes
    from ..streams import shown

    raw = read_bytes(path)
    name = shown(os.fspath(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(name, line, "not a text file (invalid UTF-8)") from None


def is_json(text: str) -> bool:
    """Whether ``text`` looks like a JSON object (a solution file) rather than a model."""
    return text.lstrip().startswith("{")


def solver_status(text: str) -> str | None:
    """The word on the first ``s`` line of a SAT solver's output (``SATISFIABLE``,
    ``UNSATISFIABLE``, ``UNKNOWN``), or ``None`` when there is no ``s`` line."""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("s"):
            return s[1:].strip().upper()
    return None


def parse_model(name: str, text: str, nvars: int | None = None) -> list[int]:
    """The literals of a DIMACS model or SAT solver output ``text`` (read from ``name``)."""
    lits: list[int] = []
    seen: dict[int, tuple[int, int]] = {}
    ended = None
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("c") or s.startswith("%"):
            continue
        if s.startswith("s"):
            word = s[1:].strip().upper()
            if word in ("UNSATISFIABLE", "UNKNOWN"):
                raise InputError(name, lineno, f"the solver output says {word}: no model in it")
            continue
        toks = s.split()
        if toks[0] == "v":
            toks = toks[1:]
        elif toks[0].startswith("v") and _INT.match(toks[0][1:]):
            toks[0] = toks[0][1:]
        for tok in toks:
            if ended is not None:
                raise InputError(name, lineno, f"'{tok}' after the terminating 0 (on line {ended})")
            if not _INT.match(tok):
                raise InputError(
                    name,
                    lineno,
                    f"'{tok}' is not a literal (expected signed integers, optional 'v' "
                    "prefix, final 0)",
                )
            if tok.lstrip("+") == "-0" or re.fullmatch(r"-0+", tok):
                raise InputError(name, lineno, "'-0' is not a literal")
            if len(tok.lstrip("+-")) > 10:  # over MAX_LITERAL; int() of a huge token is slow
                raise InputError(
                    name, lineno, f"literal {_short(tok)} is beyond the largest DIMACS variable"
                )
            v = int(tok)
            if v == 0:
                ended = lineno
                continue
            _add_literal(name, lineno, v, nvars, seen)
            lits.append(v)
    if not lits:
        raise InputError(name, None, "no literals found (expected a DIMACS model like '1 -2 3 0')")
    return lits


#: the largest DIMACS variable (and so literal magnitude) anywhere in reluhard
MAX_LITERAL = 2**31 - 1


def _add_literal(name, lineno, v: int, nvars, seen: dict) -> None:
    if abs(v) > MAX_LITERAL:
        shown = str(v) if v.bit_length() < 200 else f"of {v.bit_length()} bits"
        raise InputError(name, lineno, f"literal {shown} is beyond the largest DIMACS variable")
    if nvars is not None and abs(v) > nvars:
        raise InputError(name, lineno, f"literal {v} exceeds the formula's {nvars} variables")
    prev = seen.get(abs(v))
    if prev is not None and prev[0] != v:
        where = f" (line {prev[1]} has {prev[0]})" if prev[1] else ""
        raise InputError(name, lineno, f"variable {abs(v)} is assigned both true and false{where}")
    seen[abs(v)] = (v, lineno)


def _short(tok: str, limit: int = 30) -> str:
    return tok if len(tok) <= limit else f"{tok[:limit]}... ({len(tok)} characters)"


#: the deepest nesting a solution or certificate JSON may have (reluhard writes depth 4)
MAX_JSON_DEPTH = 64


def load_json(name: str, text: str) -> Any:
    """The JSON value of ``text``, with every way it can be hostile as one
    :class:`InputError`: invalid JSON, nesting deeper than :data:`MAX_JSON_DEPTH` (refused
    before parsing, so never a ``RecursionError``), integers over the digits budget of
    :mod:`reluhard.limits`."""
    depth = _depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(name, None, f"JSON nested {depth} deep (at most {MAX_JSON_DEPTH})")
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as e:
        raise InputError(name, e.lineno, f"invalid JSON: {e.msg}") from None
    except ValueError as e:
        raise InputError(name, None, f"JSON number {e}") from None


def _depth(text: str) -> int:
    """The deepest bracket nesting of JSON ``text`` (brackets in strings skipped)."""
    opens = np.frombuffer(re.sub(r'"(?:[^"\\]|\\.)*"', '""', text).encode(), dtype=np.uint8)
    step = (opens == ord("[")).astype(np.int64) + (opens == ord("{"))
    step -= (opens == ord("]")).astype(np.int64) + (opens == ord("}"))
    return int(np.cumsum(step).max(initial=0))


def _bounded_int(text: str) -> int:
    return limits.integer(text)


def _read_json_cert(name: str, text: str, nvars: int | None) -> list[int]:
    data = load_json(name, text)
    line = None
    for i, s in enumerate(text.splitlines(), 1):
        if '"certificate"' in s:
            line = i
            break
    if not isinstance(data, dict) or "certificate" not in data:
        raise InputError(name, 1, 'JSON without a "certificate" field (expected a solution file)')
    cert = data["certificate"]
    if cert is None:
        answer = data.get("answer", "no model")
        raise InputError(name, line, f"the solution has no certificate (answer: {answer})")
    if not isinstance(cert, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v != 0 for v in cert
    ):
        raise InputError(name, line, '"certificate" must be a list of nonzero integers')
    seen: dict = {}
    for v in cert:
        _add_literal(name, line, v, nvars, seen)
    return list(cert)
