"""VNN-LIB properties (the subset VNN-COMP uses), parsed exactly.

``(declare-const X_i Real)`` / ``(declare-const Y_j Real)`` for the inputs and outputs, and
``(assert F)`` with ``F`` built from ``(<= a b)``, ``(>= a b)``, ``(and F ...)`` and
``(or F ...)``; the terms ``a``, ``b`` are numbers, variables, ``(+ ...)``, ``(- ...)`` and
``(* c t)`` with a constant factor: linear only. Numbers (``-0.3``, ``1e-5``) are read as
the exact rationals they write, never rounded to a float. The asserts are conjoined and
brought to a disjunction of conjunctions (:func:`parse`), at most :data:`MAX_DISJUNCTS`.
Errors name the file, the line and what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError
from ..inversion import Atom

MAX_DISJUNCTS = 100_000
MAX_BYTES = 1 << 28
_TOKEN = re.compile(r"\(|\)|[^\s()]+")
MAX_DEPTH = 100
_VAR = re.compile(r"^([XY])_(\d+)$")


@dataclass(frozen=True)
class Property:
    """The parsed property: the declared inputs and outputs and the disjuncts."""

    n_in: int
    n_out: int
    disjuncts: tuple[tuple[Atom, ...], ...]


class _Parser:
    def __init__(self, path: str, text: str):
        self.path = path
        self.tokens: list[tuple[str, int]] = [
            (tok, lineno)
            for lineno, line in enumerate(text.splitlines(), 1)
            for tok in _TOKEN.findall(line.split(";", 1)[0])
        ]
        self.i = 0

    def error(self, msg: str, line: int | None = None) -> InputError:
        if line is None:
            line = self.tokens[min(self.i, len(self.tokens) - 1)][1] if self.tokens else 1
        return InputError(self.path, line, msg)

    def sexpr(self, depth: int = 0):
        """The next s-expression as nested lists of ``(token, line)``."""
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels")
        if self.i >= len(self.tokens):
            raise self.error("unexpected end of file (a parenthesis is not closed)")
        tok, line = self.tokens[self.i]
        self.i += 1
        if tok == ")":
            raise self.error("unexpected ')'", line)
        if tok != "(":
            return (tok, line)
        items: list = []
        while True:
            if self.i >= len(self.tokens):
                raise self.error(f"the '(' of line {line} is never closed")
            if self.tokens[self.i][0] == ")":
                self.i += 1
                return items
            items.append(self.sexpr(depth + 1))


def _line(e) -> int:
    while isinstance(e, list):
        if not e:
            return 0
        e = e[0]
    return e[1]


def _head(e) -> str:
    return e[0][0] if isinstance(e, list) and e and isinstance(e[0], tuple) else ""


class _Reader:
    def __init__(self, parser: _Parser):
        self.p = parser
        self.declared: dict[str, set[int]] = {"X": set(), "Y": set()}

    def err(self, e, msg: str) -> InputError:
        return InputError(self.p.path, _line(e) or None, msg)

    def term(self, e) -> tuple[dict, Fraction]:
        """A linear term: ``({(var, i): coef}, const)``."""
        if isinstance(e, tuple):
            tok = e[0]
            m = _VAR.match(tok)
            if m:
                key = (m.group(1), int(m.group(2)))
                if key[1] not in self.declared[key[0]]:
                    raise self.err(e, f"{tok} is not declared")
                return {key: Fraction(1)}, Fraction(0)
            try:
                return {}, Fraction(tok)
            except (ValueError, ZeroDivisionError):
                raise self.err(e, f"{tok!r} is neither a number nor X_i / Y_j") from None
        op = _head(e)
        args = [self.term(a) for a in e[1:]]
        if op == "+" and args:
            return _sum(args, [1] * len(args))
        if op == "-" and len(args) == 1:
            return _sum(args, [-1])
        if op == "-" and args:
            return _sum(args, [1] + [-1] * (len(args) - 1))
        if op == "*" and len(args) == 2:
            (ta, ca), (tb, cb) = args
            if ta and tb:
                raise self.err(e, "a product of two variables is not linear")
            if not ta:
                return {k: ca * v for k, v in tb.items()}, ca * cb
            return {k: cb * v for k, v in ta.items()}, ca * cb
        raise self.err(e, f"unsupported term ({op or '...'} ...); terms are linear: + - * ")

    def formula(self, e) -> list[list[Atom]]:
        """``e`` as a disjunction of conjunctions."""
        op = _head(e)
        if op in ("<=", ">=") and len(e) == 3:
            (ta, ca), (tb, cb) = self.term(e[1]), self.term(e[2])
            if op == ">=":
                (ta, ca), (tb, cb) = (tb, cb), (ta, ca)
            coefs = dict(ta)
            for k, v in tb.items():
                coefs[k] = coefs.get(k, Fraction(0)) - v
            terms = tuple((v, i, c) for (v, i), c in sorted(coefs.items()) if c != 0)
            return [[Atom(terms, cb - ca)]]
        if op == "and":
            out: list[list[Atom]] = [[]]
            for sub in e[1:]:
                out = [a + b for a in out for b in self.formula(sub)]
                if len(out) > MAX_DISJUNCTS:
                    raise self.err(e, f"more than {MAX_DISJUNCTS} disjuncts")
            return out
        if op == "or" and len(e) > 1:
            out = [conj for sub in e[1:] for conj in self.formula(sub)]
            if len(out) > MAX_DISJUNCTS:
                raise self.err(e, f"more than {MAX_DISJUNCTS} disjuncts")
            return out
        raise self.err(e, f"unsupported formula ({op or '...'} ...): use <=, >=, and, or")

    def declare(self, e) -> None:
        if len(e) != 3 or not all(isinstance(a, tuple) for a in e[1:]):
            raise self.err(e, "expected (declare-const NAME Real)")
        name, sort = e[1][0], e[2][0]
        m = _VAR.match(name)
        if not m:
            raise self.err(e, f"variable {name!r} is not X_i or Y_j")
        if sort != "Real":
            raise self.err(e, f"{name} has sort {sort}, not Real")
        self.declared[m.group(1)].add(int(m.group(2)))


def _sum(args, signs) -> tuple[dict, Fraction]:
    coefs: dict = {}
    const = Fraction(0)
    for (t, c), s in zip(args, signs, strict=True):
        for k, v in t.items():
            coefs[k] = coefs.get(k, Fraction(0)) + s * v
        const += s * c
    return coefs, const


def parse(text: str, path: str = "property.vnnlib") -> Property:
    """The property in ``text`` (see the module docstring)."""
    p = _Parser(path, text)
    r = _Reader(p)
    dnf: list[list[Atom]] = [[]]
    while p.i < len(p.tokens):
        e = p.sexpr()
        op = _head(e)
        if op == "declare-const":
            r.declare(e)
        elif op == "assert" and len(e) == 2:
            dnf = [a + b for a in dnf for b in r.formula(e[1])]
            if len(dnf) > MAX_DISJUNCTS:
                raise r.err(e, f"more than {MAX_DISJUNCTS} disjuncts")
        else:
            raise r.err(e, f"unsupported command ({op or '...'} ...): declare-const, assert")
    for v in "XY":
        got = r.declared[v]
        if got != set(range(len(got))):
            missing = min(set(range(max(got) + 1)) - got)
            raise InputError(path, None, f"{v}_{missing} is not declared (indices must be 0..k)")
    n_in, n_out = len(r.declared["X"]), len(r.declared["Y"])
    return Property(n_in, n_out, tuple(tuple(conj) for conj in dnf))


def read(path: str) -> Property:
    """The property in the file ``path``."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise InputError(path, None, e.strerror or "cannot read") from None
    if len(raw) > MAX_BYTES:
        raise InputError(path, None, f"larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, raw.count(b"\n", 0, e.start) + 1, "not UTF-8 text") from None
    return parse(text, path)
