"""The parser behind :func:`reluhard.problems.cvp_format.parse_cvp` (whose module
documents the ``.cvp`` format): a line-by-line reader of the header and keyword lines, the
token syntax (integer entries, exact numbers, matrices and rows in fplll's bracket syntax)
and every :class:`~reluhard.errors.InputError` message the format has.
"""

from __future__ import annotations

import bisect
import re
from fractions import Fraction

import numpy as np

from .. import limits
from ..errors import InputError
from ..options import NormP
from .cvp import COEFFICIENT_SETS, CVP, INT64_MAX, INT64_MIN, MAX_NORM

__all__ = ["parse_fplll_matrix", "parse_text"]

_WS = " \t\r\v\f"
_WS_RE = re.compile(r"[ \t\r\v\f]+")
_INT_RE = re.compile(r"-?[0-9]+")
_NUMBER_RE = re.compile(r"(?P<int>[0-9]+)(?:/(?P<den>[0-9]+)|\.(?P<frac>[0-9]+))?")
_KEYWORD_RE = re.compile(r"[ \t\r\v\f]*([^ \t\r\v\f\[]*)")
_FPLLL_TOKEN = re.compile(r"\[|\]|,|[^ \t\r\v\f\n\[\],]+")
_KEYWORDS = ("norm", "radius", "radius^p", "coefficients", "basis", "matrix", "target")
_ROLE = {  # keywords that set the same thing
    "norm": "norm",
    "radius": "radius",
    "radius^p": "radius",
    "coefficients": "coefficients",
    "basis": "basis",
    "matrix": "basis",
    "target": "target",
}
_EXPECTED_KEYWORDS = "norm, radius, radius^p, coefficients, basis, matrix or target"


def _show(token: str, limit: int = 40) -> str:
    """A token as it may appear in a one-line message: printable, and not too long."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in token)
    return text if len(text) <= limit else text[:limit] + "..."


def _plural(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _entries(k: int) -> str:
    return "1 entry" if k == 1 else f"{k} entries"


def _entry(token: str, path: str, line: int) -> int:
    """An integer entry (``-?[0-9]+``, fitting int64) or :class:`InputError`."""
    if not _INT_RE.fullmatch(token):
        if token.startswith("+") and _INT_RE.fullmatch(token[1:]):
            raise InputError(
                path, line, f"entry '{_show(token)}' has a '+' sign (write {token[1:]})"
            )
        raise InputError(path, line, f"entry '{_show(token)}' is not an integer")
    if len(token) > 20:  # an int64 has at most 19 digits; int() of a huge token is slow
        raise InputError(path, line, f"entry '{_show(token)}' does not fit in 64 bits")
    value = int(token)
    if not INT64_MIN <= value <= INT64_MAX:
        raise InputError(path, line, f"entry '{_show(token)}' does not fit in 64 bits")
    return value


def _tokens_with_lines(text: str, line: int) -> list[tuple[str, int]]:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    return [
        (m.group(), line + bisect.bisect_left(newlines, m.start()))
        for m in _FPLLL_TOKEN.finditer(text)
    ]


def _bracket_row(
    toks: list[tuple[str, int]], i: int, path: str, open_line: int, what: str
) -> tuple[list[int], int]:
    """Entries of a bracketed row whose ``[`` (at ``open_line``) precedes ``toks[i]``;
    returns them and the index after the closing ``]``."""
    row: list[int] = []
    prev = "open"  # "open", "item" or "comma"
    comma_line = 0
    while True:
        if i >= len(toks):
            raise InputError(path, open_line, f"unbalanced brackets: {what} is never closed")
        tok, ln = toks[i]
        i += 1
        if tok == "]":
            if prev == "comma":
                raise InputError(path, comma_line, "misplaced ','")
            return row, i
        if tok == "[":
            raise InputError(path, ln, f"unexpected '[' inside {what}")
        if tok == ",":
            if prev != "item":
                raise InputError(path, ln, "misplaced ','")
            prev, comma_line = "comma", ln
            continue
        row.append(_entry(tok, path, ln))
        prev = "item"


def parse_fplll_matrix(text: str, path: str = "<input>", line: int = 1) -> list[list[int]]:
    """Rows of a matrix in fplll's syntax: ``[[1 2 0][0 1 1]]``.

    The matrix is ``[`` rows ``]``, each row ``[`` integers ``]``; whitespace (newlines
    included, as in fplll's own output ``[[1 2 0]\\n[0 1 1]\\n]``) separates tokens and an
    optional comma may stand between two entries or two rows (``[[1, 2], [3, 4]]``). ``text``
    starts at 1-based line ``line`` of file ``path``, which only label errors
    (:class:`InputError`: a non-integer entry, unbalanced brackets, a misplaced comma, a
    ragged matrix, anything after the final ``]``).

    In fplll each ROW is a basis vector, so a ``.cvp`` ``basis`` written this way is the
    transpose of the paper's ``B``: :func:`~reluhard.problems.cvp_format.parse_cvp` stores
    ``B = M^T``.

    >>> parse_fplll_matrix("[[1 2 0]\\n [0 1 1]\\n]")
    [[1, 2, 0], [0, 1, 1]]
    >>> parse_fplll_matrix("[[1, -2], [3, 4]]")
    [[1, -2], [3, 4]]
    """
    toks = _tokens_with_lines(text, line)
    if not toks:
        raise InputError(path, line, "expected '[' to open the matrix, got nothing")
    tok, outer = toks[0]
    if tok != "[":
        raise InputError(path, outer, f"expected '[' to open the matrix, got '{_show(tok)}'")
    rows: list[list[int]] = []
    prev, comma_line, i = "open", 0, 1
    while True:
        if i >= len(toks):
            raise InputError(path, outer, "unbalanced brackets: the matrix is never closed")
        tok, ln = toks[i]
        i += 1
        if tok == "[":
            k = len(rows) + 1
            row, i = _bracket_row(toks, i, path, ln, f"row {k}")
            if rows and len(row) != len(rows[0]):
                raise InputError(
                    path,
                    ln,
                    f"ragged matrix: row {k} has {_entries(len(row))}, row 1 has {len(rows[0])}",
                )
            rows.append(row)
            prev = "item"
        elif tok == "]":
            if prev == "comma":
                raise InputError(path, comma_line, "misplaced ','")
            break
        elif tok == ",":
            if prev != "item":
                raise InputError(path, ln, "misplaced ','")
            prev, comma_line = "comma", ln
        else:
            raise InputError(
                path, ln, f"expected '[' to open row {len(rows) + 1}, got '{_show(tok)}'"
            )
    if i < len(toks):
        tok, ln = toks[i]
        if tok == "]":
            raise InputError(path, ln, "unbalanced brackets: ']' without a matching '['")
        raise InputError(path, ln, f"unexpected '{_show(tok)}' after the matrix")
    return rows


def _number(token: str, what: str, path: str, line: int) -> Fraction:
    """A non-negative exact number: ``7``, ``7/2`` or ``3.5``."""
    m = _NUMBER_RE.fullmatch(token)
    if m is None:
        if token.startswith("-") and _NUMBER_RE.fullmatch(token[1:]):
            raise InputError(path, line, f"negative {what} '{_show(token)}'")
        raise InputError(
            path,
            line,
            f"{what} must be a non-negative integer, fraction a/b or decimal, got '{_show(token)}'",
        )
    why = limits.digits_fault(token)
    if why:
        raise InputError(path, line, f"{what} '{_show(token)}' {why}")
    if m["den"] is not None:
        if int(m["den"]) == 0:
            raise InputError(path, line, f"{what} '{_show(token)}' has a zero denominator")
        return Fraction(int(m["int"]), int(m["den"]))
    if m["frac"] is not None:
        return Fraction(int(m["int"] + m["frac"]), 10 ** len(m["frac"]))
    return Fraction(int(m["int"]))


class _Reader:
    """The line-by-line reader behind :func:`parse_text`."""

    def __init__(self, text: str, path: str):
        self.path = path
        self.lines = text.split("\n")
        # the last line of the file (a final "\n" does not start another line)
        self.end_line = max(1, len(self.lines) - 1 if text.endswith("\n") else len(self.lines))
        self.header: tuple[int, int] | None = None
        self.header_line = 0
        self.given: dict[str, tuple[str, int]] = {}  # role -> (keyword, line)
        self.norm: NormP = 0
        self.radius: Fraction = Fraction(0)
        self.basis: np.ndarray | None = None
        self.target: list[int] = []
        self.coefficients = "binary"

    def error(self, line: int, message: str) -> InputError:
        return InputError(self.path, line, message)

    def keyword(self, index: int) -> tuple[str, str]:
        """The first token of line ``index`` (ending at whitespace or ``[``) and the rest."""
        raw = self.lines[index]
        m = _KEYWORD_RE.match(raw)
        assert m is not None  # the pattern matches every string
        return m.group(1), raw[m.end() :]

    def skippable(self, index: int) -> bool:
        """Blank or comment line."""
        tokens = _WS_RE.split(self.lines[index].strip(_WS), maxsplit=1)
        return tokens[0] in ("", "c")

    def read(self) -> CVP:
        i = 0
        while i < len(self.lines):
            lineno = i + 1
            if self.skippable(i):
                i += 1
                continue
            kw, rest = self.keyword(i)
            if kw == "p":
                self.read_header(lineno)
                i += 1
                continue
            if kw not in _KEYWORDS:
                if kw[:1].isalpha():
                    raise self.error(
                        lineno, f"unknown keyword '{_show(kw)}' (expected {_EXPECTED_KEYWORDS})"
                    )
                shown = _show(self.lines[i].strip(_WS), 30)
                raise self.error(
                    lineno, f"unexpected data line '{shown}' (expected a keyword line)"
                )
            if self.header is None:
                raise self.error(lineno, f"missing 'p cvp' header before '{kw}'")
            role = _ROLE[kw]
            if role in self.given:
                prev, where = self.given[role]
                if prev == kw:
                    raise self.error(lineno, f"'{kw}' given twice (first at line {where})")
                raise self.error(
                    lineno, f"'{kw}' and '{prev}' (line {where}) both given: use one of them"
                )
            self.given[role] = (kw, lineno)
            if kw == "basis":
                i = self.read_basis(i, rest)
                continue
            if kw == "matrix":
                i = self.read_matrix(i, rest)
                continue
            if kw == "target":
                self.read_target(lineno, rest)
            else:
                values = [t for t in _WS_RE.split(rest.strip(_WS)) if t]
                if len(values) != 1:
                    raise self.error(lineno, f"'{kw}' takes one value, got {len(values)}")
                self.read_value(kw, values[0], lineno)
            i += 1
        return self.finish()

    def read_header(self, lineno: int) -> None:
        tokens = [t for t in _WS_RE.split(self.lines[lineno - 1].strip(_WS)) if t]
        if self.header is not None:
            shown = _show(" ".join(tokens), 60)
            raise self.error(
                lineno, f"second header '{shown}' (the first is at line {self.header_line})"
            )
        if (
            len(tokens) != 4
            or tokens[:2] != ["p", "cvp"]
            or not all(_INT_RE.fullmatch(t) for t in tokens[2:])
        ):
            shown = _show(" ".join(tokens), 60)
            raise self.error(
                lineno, f"malformed header '{shown}' (expected 'p cvp DIMENSION VECTORS')"
            )
        d, n = int(tokens[2]), int(tokens[3])
        if d < 1:
            raise self.error(lineno, f"dimension {d} in header must be at least 1")
        if n < 1:
            raise self.error(lineno, f"number of basis vectors {n} in header must be at least 1")
        self.header, self.header_line = (d, n), lineno

    def read_value(self, kw: str, value: str, lineno: int) -> None:
        if kw == "norm":
            if value == "inf":
                self.norm = "inf"
                return
            if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
                raise self.error(
                    lineno, f"norm must be a positive integer or 'inf', got '{_show(value)}'"
                )
            if int(value) > MAX_NORM:
                raise self.error(lineno, f"norm {int(value)} is above the maximum {MAX_NORM}")
            self.norm = int(value)
        elif kw in ("radius", "radius^p"):
            self.radius = _number(value, kw, self.path, lineno)
        else:  # coefficients
            if value not in COEFFICIENT_SETS:
                raise self.error(
                    lineno, f"coefficients must be 'binary' or 'integer', got '{_show(value)}'"
                )
            self.coefficients = value

    def read_basis(self, index: int, rest: str) -> int:
        """Collect the fplll matrix starting after ``basis`` on line ``index``: on that line
        or the next non-blank one, until its brackets close (or a keyword line or the end
        of the file comes first). Returns the index of the next line to read."""
        start = index + 1
        parts = [rest]
        depth = rest.count("[") - rest.count("]")
        opened = "[" in rest
        content = bool(rest.strip(_WS))
        j = index + 1
        while (not content or (opened and depth > 0)) and j < len(self.lines):
            if self.skippable(j):
                parts.append("")
                j += 1
                continue
            kw, _ = self.keyword(j)
            if kw in _KEYWORDS or kw == "p":
                break
            line = self.lines[j]
            parts.append(line)
            depth += line.count("[") - line.count("]")
            opened = opened or "[" in line
            content = True
            j += 1
        if not content:
            raise self.error(
                start, "'basis' is not followed by a matrix (fplll syntax: [[1 2][3 4]])"
            )
        rows = parse_fplll_matrix("\n".join(parts), self.path, start)
        assert self.header is not None  # parse() reads no keyword line before the header
        d, n = self.header
        if len(rows) != n:
            raise self.error(
                start, f"basis has {_plural(len(rows), 'vector')}, the header says {n}"
            )
        if len(rows[0]) != d:
            raise self.error(
                start,
                f"basis vectors have {_entries(len(rows[0]))}, the header says dimension {d}",
            )
        self.basis = np.array(rows, dtype=np.int64).T
        return j

    def read_matrix(self, index: int, rest: str) -> int:
        """Read the ``d`` rows of a ``matrix`` section; returns the next line's index."""
        start = index + 1
        if rest.strip(_WS):
            raise self.error(
                start, "'matrix' takes nothing on its line (its rows follow, one per line)"
            )
        assert self.header is not None  # parse() reads no keyword line before the header
        d, n = self.header
        rows: list[list[int]] = []
        j = index + 1
        while len(rows) < d:
            if j >= len(self.lines):
                raise self.error(
                    self.end_line,
                    f"matrix has {_plural(len(rows), 'row')}, the header says dimension {d}",
                )
            if self.skippable(j):
                j += 1
                continue
            kw, _ = self.keyword(j)
            if kw in _KEYWORDS or kw == "p":
                raise self.error(
                    j + 1,
                    f"matrix has {_plural(len(rows), 'row')}, the header says dimension {d}",
                )
            tokens = [t for t in _WS_RE.split(self.lines[j].strip(_WS)) if t]
            row = [_entry(t, self.path, j + 1) for t in tokens]
            if len(row) != n:
                raise self.error(
                    j + 1,
                    f"matrix row {len(rows) + 1} has {_entries(len(row))}, "
                    f"the header says {_plural(n, 'basis vector')}",
                )
            rows.append(row)
            j += 1
        self.basis = np.array(rows, dtype=np.int64)
        return j

    def read_target(self, lineno: int, rest: str) -> None:
        if any(ch in rest for ch in "[],"):
            toks = _tokens_with_lines(rest, lineno)
            if not toks or toks[0][0] != "[":
                shown = _show(toks[0][0]) if toks else ""
                raise self.error(
                    lineno,
                    f"expected '[' to open the target, got '{shown}' "
                    "(commas and brackets go together: [1, 2, 3])",
                )
            values, i = _bracket_row(toks, 1, self.path, lineno, "the target")
            if i < len(toks):
                tok = toks[i][0]
                if tok == "]":
                    raise self.error(lineno, "unbalanced brackets: ']' without a matching '['")
                raise self.error(lineno, f"unexpected '{_show(tok)}' after the target")
        else:
            tokens = [t for t in _WS_RE.split(rest.strip(_WS)) if t]
            values = [_entry(t, self.path, lineno) for t in tokens]
        assert self.header is not None  # parse() reads no keyword line before the header
        d = self.header[0]
        if len(values) != d:
            raise self.error(
                lineno, f"target has {_entries(len(values))}, the header says dimension {d}"
            )
        self.target = values

    def finish(self) -> CVP:
        end = self.end_line
        if self.header is None:
            raise self.error(end, "missing 'p cvp' header")
        if "norm" not in self.given:
            raise self.error(end, "missing 'norm'")
        if "radius" not in self.given:
            raise self.error(end, "missing 'radius' (or 'radius^p')")
        if "basis" not in self.given:
            raise self.error(end, "missing 'basis' (or 'matrix')")
        if "target" not in self.given:
            raise self.error(end, "missing 'target'")
        kw, line = self.given["radius"]
        if self.norm == "inf":
            if kw == "radius^p":
                raise self.error(line, "'radius^p' is not allowed with norm inf (use 'radius')")
            bound = self.radius
        else:
            bound = self.radius if kw == "radius^p" else self.radius**self.norm
        assert self.basis is not None  # set by read_basis or read_matrix, as "basis" is given
        return CVP(
            self.basis, np.array(self.target, dtype=np.int64), self.norm, bound, self.coefficients
        )


def parse_text(text: str, path: str = "<input>") -> CVP:
    """The :class:`CVP` in ``.cvp`` ``text`` (already decoded); ``path`` only labels the
    :class:`InputError` messages."""
    return _Reader(text, path).read()
