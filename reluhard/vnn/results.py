"""VNN-COMP result files: the first line ``sat`` / ``unsat`` / ``timeout`` (also ``unknown``,
``error``, and the older ``violated`` / ``holds``), and for ``sat`` the counterexample
``((X_0 v) ... (Y_0 v))``; values read exactly (as the rationals their decimals write).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import InputError
from ..status import Status
from . import vnnlib_write as vw

WORDS = {
    "sat": "sat", "violated": "sat", "unsat": "unsat", "holds": "unsat",
    "timeout": "timeout", "unknown": "unknown", "error": "error",
}  # fmt: skip
_PAIR = re.compile(r"\(\s*([XY])_(\d+)\s+([^\s()]+)\s*\)")
_REST = re.compile(r"^[\s()]*$")


@dataclass(frozen=True)
class Result:
    """One verifier answer: ``word`` (``sat``, ``unsat``, ``timeout``, ``unknown``,
    ``error``) and, for ``sat``, the counterexample's ``x`` and ``y`` (exact)."""

    word: str
    x: dict[int, Fraction] = field(default_factory=dict)
    y: dict[int, Fraction] = field(default_factory=dict)


def word_of(status: Status, timed_out: bool = False) -> str:
    """The result word of an ``invert`` verdict."""
    if status is Status.INVERTIBLE:
        return "sat"
    if status is Status.NOT_INVERTIBLE:
        return "unsat"
    return "timeout" if timed_out else "unknown"


def value_text(v: Fraction) -> str:
    """``v`` as an exact decimal, or ``(/ p q)`` where no finite decimal exists."""
    try:
        return vw.decimal(v)
    except InputError:
        return f"(/ {v.numerator} {v.denominator})"


def text(word: str, x=None, y=None) -> str:
    """The result file's text."""
    if word != "sat" or x is None:
        return word + "\n"
    pairs = [f"(X_{i} {value_text(Fraction(v))})" for i, v in enumerate(x)]
    pairs += [f"(Y_{j} {value_text(Fraction(v))})" for j, v in enumerate(y or [])]
    return "sat\n(" + "\n ".join(pairs) + ")\n"


def parse(content: str, path: str = "result") -> Result:
    """The result in ``content``; :class:`InputError` for anything unparsable."""
    lines = content.strip().splitlines()
    if not lines:
        raise InputError(path, 1, "empty result (expected sat, unsat or timeout)")
    word = WORDS.get(lines[0].strip().lower())
    if word is None:
        raise InputError(path, 1, f"unknown result {lines[0].strip()[:40]!r} (sat, unsat, timeout)")
    if word != "sat":
        return Result(word)
    body = "\n".join(lines[1:])
    depth = 0
    for ch in body:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth:
        raise InputError(path, None, "unbalanced parentheses in the counterexample")
    body = re.sub(r"\(\s*/\s*(-?\d+)\s+(\d+)\s*\)", r"\1/\2", body)
    xs: dict[int, Fraction] = {}
    ys: dict[int, Fraction] = {}
    for m in _PAIR.finditer(body):
        try:
            value = Fraction(m.group(3))
        except (ValueError, ZeroDivisionError):
            line = 2 + body.count("\n", 0, m.start())
            raise InputError(path, line, f"{m.group(3)!r} is not a number") from None
        (xs if m.group(1) == "X" else ys)[int(m.group(2))] = value
    if not _REST.match(_PAIR.sub("", body)):
        bad = _PAIR.sub("", body).strip().replace("(", "").replace(")", "").split()
        raise InputError(path, None, f"unparsable counterexample near {bad[0][:40]!r}")
    if not xs:
        raise InputError(path, None, "sat without a counterexample ((X_0 v) ...)")
    return Result("sat", xs, ys)


def read(path: str) -> Result:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            content = f.read(1 << 26)
    except OSError as e:
        raise InputError(path, None, e.strerror or "cannot read") from None
    return parse(content, path)
