"""Reading and writing DIMACS CNF files, fast and strictly.

Accepted dialect
----------------
The input is bytes (see :func:`reluhard.problems.textio.read_bytes` for gzip, bzip2 and xz).
Lines end at ``\\n``; every other ASCII whitespace byte (space, tab, ``\\r``, ``\\v``, ``\\f``)
separates tokens, so CRLF files and tabs are fine. A UTF-8 byte order mark at the very start
is ignored. Each line is classified by its first non-whitespace byte:

* nothing (blank or whitespace-only line): ignored;
* ``c``: a comment, ignored wherever it appears (before or after the header, between the
  lines of one clause); its bytes are never decoded. Comments are whole lines only: a ``c``
  after a literal on the same line is an invalid token;
* ``p``: the header, which must read exactly ``p cnf VARIABLES CLAUSES`` (any whitespace
  between the four tokens, counts written as decimal integers). ``VARIABLES`` may exceed the
  variables actually used and must be at most 2**31 - 1 (literals are stored as int32);
* ``%``: the SATLIB end marker. The clause data ends at this line and the rest of the file
  is ignored, whatever it holds (SATLIB's ``uf*`` files end with ``%`` then ``0``);
* anything else: clause data, integer tokens (``-?[0-9]+``, so ``007`` and ``-05`` are read
  as 7 and -5) separated by whitespace. Only ``0`` ends a clause, never a newline: a clause
  may span several lines and a line may hold several clauses. A ``0`` right after the header
  or after another ``0`` is an empty clause and is kept, as are repeated literals and
  tautologies. Literals still pending where the data ends (end of file or the ``%`` line)
  form a last clause: the final ``0`` may be missing.

Rejected input
--------------
Anything else raises :class:`~reluhard.errors.InputError` (``path:line: message``, 1-based
line of the offending token or line). The first problem in file order is reported; for one
token the checks run in the order syntax, negative zero, clause count, variable range.

* Clause data before any header: ``missing 'p cnf' header before first clause`` at its
  line. No header at all: ``missing 'p cnf' header`` at the line where the data ends: the
  ``%`` line if there is one (a ``%`` before the header ends the data too), else the last
  line of the file (line 1 for an empty file).
* A malformed header (any line starting with ``p`` that is not exactly four tokens ``p``,
  ``cnf``, integer, integer, e.g. ``p cnf 3``, ``p dnf 3 2``, ``p cnf x 2``, ``pcnf 3 2``),
  a negative count, a variable count above 2**31 - 1, a second header.
* A token that is not an integer (``1.5``, ``x1``, ``--2``, ``3-``, ``+3``), quoted in the
  message (non-printable bytes escaped, long tokens shortened); the negative zero ``-0``.
* A literal whose variable exceeds the header's ``VARIABLES``.
* A clause count different from the header's ``CLAUSES``. Like CaDiCaL, which also refuses
  a mismatch unless forced, this is an error by default (``strict_counts=True``): a surplus
  is reported at the line where clause ``CLAUSES + 1`` starts, a shortfall at the line where
  the data ends, with a hint that the file may be truncated. With ``strict_counts=False``
  the clauses found are returned and a :class:`ClauseCountWarning` (``path:line: ...``, at
  the same lines) is issued instead; every other error stays an error.

Writing
-------
:func:`format_cnf` and :func:`write_cnf` emit the standard form: ``c`` comment lines, the
header ``p cnf V C``, then one clause per line ending in `` 0`` (an empty clause is the line
``0``). Parsing the output gives back an equal :class:`CNF`.

Implementation
--------------
:func:`parse_cnf` first tries a vectorised numpy pass over the raw bytes that handles every
accepted quirk above in well under a second for a million clauses. The moment that pass
sees anything unusual (any error, a count mismatch, a negative zero, leading zeros, deep
indentation, ...) it gives up and the input is parsed again by a plain line-by-line parser,
which is the reference: it produces the result or the exact error. The fast pass never
reports anything itself, and the tests check on generated and corrupted files that it only
ever returns what the reference parser returns.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from typing import IO

import numpy as np

from ..errors import InputError
from .cnf import CNF
from .textio import comment_lines, count, read_bytes, show_token, write_data

__all__ = [
    "ClauseCountWarning",
    "format_cnf",
    "parse_cnf",
    "read_cnf",
    "sniff_header",
    "write_cnf",
]

MAX_VARS = 2**31 - 1  # literals are stored as int32

_WS = b" \t\r\v\f"  # token separators besides "\n" (exactly what bytes.split() uses)
_BOM = b"\xef\xbb\xbf"
_INT = re.compile(rb"-?[0-9]+")

_CLAUSE_BYTES = _WS + b"\n-0123456789"  # all a clause section may contain
_IS_WS = np.zeros(256, dtype=bool)  # whitespace within a line
_IS_WS[list(_WS)] = True


class ClauseCountWarning(UserWarning):
    """The clause count differs from the header's and ``strict_counts=False`` allowed it."""


# --------------------------------------------------------------------------- reading


def parse_cnf(data: bytes, path: str = "<input>", strict_counts: bool = True) -> CNF:
    """Parse DIMACS CNF ``data`` (already decompressed) into a :class:`CNF`.

    ``path`` only labels error messages. See the module docstring for the accepted dialect
    and for what is rejected; ``strict_counts=False`` turns a clause-count mismatch into a
    :class:`ClauseCountWarning`.
    """
    data = bytes(data)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    cnf = _parse_fast(data)
    if cnf is None:
        cnf = _parse_slow(data, path, strict_counts)
    return cnf


def read_cnf(path: str | os.PathLike, strict_counts: bool = True) -> CNF:
    """Read a DIMACS CNF file, possibly gzip/bzip2/xz compressed (see :func:`parse_cnf`)."""
    return parse_cnf(read_bytes(path), path=str(path), strict_counts=strict_counts)


_HEADER_RE = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t\r\v\f]*p(?=[ \t\r\v\f\n]|$)", re.MULTILINE)


def sniff_header(data: bytes) -> tuple[str, int] | None:
    """The problem kind of a DIMACS-style file and the line of its header, without parsing.

    Returns ``(kind, line)`` for the first line whose first token is ``p`` (``kind`` is the
    token after it, e.g. ``"cnf"``, ``"edge"``, ``"col"``, or ``""`` when there is none;
    ``line`` is 1-based), or ``None`` when no line starts with ``p``. The CLI uses it to
    route an input to the right parser before any parser complains.
    """
    m = _HEADER_RE.search(data)
    if m is None:
        return None
    line_end = data.find(b"\n", m.end())
    rest = data[m.end() : line_end if line_end >= 0 else len(data)].split()
    kind = rest[0].decode("ascii", "backslashreplace") if rest else ""
    return kind, data.count(b"\n", 0, m.start()) + 1


_show = show_token
_count = count


def _parse_header(tokens: list[bytes], path: str, line: int) -> tuple[int, int]:
    """``(nvars, nclauses)`` of a header line split into tokens, or :class:`InputError`."""
    if (
        len(tokens) != 4
        or tokens[0] != b"p"
        or tokens[1] != b"cnf"
        or not all(_INT.fullmatch(t) for t in tokens[2:])
    ):
        shown = _show(b" ".join(tokens), 60)
        raise InputError(
            path, line, f"malformed header '{shown}' (expected 'p cnf VARIABLES CLAUSES')"
        )
    if tokens[2].startswith(b"-"):
        raise InputError(path, line, f"negative variable count {_show(tokens[2])} in header")
    if tokens[3].startswith(b"-"):
        raise InputError(path, line, f"negative clause count {_show(tokens[3])} in header")
    for t in tokens[2:]:
        if len(t) > 4000:  # int() refuses strings of over 4300 digits
            raise InputError(path, line, f"count {_show(t)} in header is too large")
    nvars, nclauses = int(tokens[2]), int(tokens[3])
    if nvars > MAX_VARS:
        raise InputError(
            path, line, f"variable count {nvars} in header exceeds the maximum {MAX_VARS}"
        )
    return nvars, nclauses


def _parse_slow(data: bytes, path: str, strict_counts: bool) -> CNF:  # noqa: C901 (exact errors)
    """The reference parser: line by line, plain Python, exact errors."""
    lines = data.split(b"\n")
    # the last line of the file (a final "\n" does not start another line)
    end_line = max(1, len(lines) - 1 if data.endswith(b"\n") else len(lines))
    header: tuple[int, int] | None = None
    header_line = 0
    nvars = nclauses = 0
    lits: list[int] = []
    offsets: list[int] = [0]
    in_clause = False  # literals of an unfinished clause have been read
    surplus_line = 0  # where clause nclauses + 1 starts (non-strict mode)
    for lineno, raw in enumerate(lines, 1):
        s = raw.lstrip(_WS)
        if not s or s[0] == 0x63:  # blank or "c"
            continue
        if s[0] == 0x25:  # "%"
            end_line = lineno
            break
        tokens = s.split()
        if s[0] == 0x70:  # "p"
            if header is not None:
                shown = _show(b" ".join(tokens), 60)
                raise InputError(
                    path, lineno, f"second header '{shown}' (the first is at line {header_line})"
                )
            header, header_line = _parse_header(tokens, path, lineno), lineno
            nvars, nclauses = header
            continue
        if header is None:
            raise InputError(path, lineno, "missing 'p cnf' header before first clause")
        for tok in tokens:
            if not _INT.fullmatch(tok):
                raise InputError(
                    path, lineno, f"invalid token '{_show(tok)}' (expected an integer literal)"
                )
            if len(tok) > 4000:  # int() refuses strings of over 4300 digits
                raise InputError(path, lineno, f"literal '{_show(tok)}' is too large")
            lit = int(tok)
            if lit == 0 and tok.startswith(b"-"):
                raise InputError(path, lineno, f"invalid literal '{_show(tok)}' (negative zero)")
            if not in_clause:  # this token starts a clause
                if len(offsets) - 1 == nclauses and not surplus_line:
                    if strict_counts:
                        raise InputError(
                            path,
                            lineno,
                            f"header declares {_count(nclauses, 'clause')} but found more "
                            f"(clause {nclauses + 1} starts here)",
                        )
                    surplus_line = lineno
                in_clause = True
            if abs(lit) > nvars:
                raise InputError(
                    path, lineno, f"literal {lit} exceeds the declared {_count(nvars, 'variable')}"
                )
            if lit:
                lits.append(lit)
            else:
                offsets.append(len(lits))
                in_clause = False
    if header is None:
        raise InputError(path, end_line, "missing 'p cnf' header")
    if in_clause:
        offsets.append(len(lits))
    found = len(offsets) - 1
    if found != nclauses:
        if strict_counts:  # a surplus was already reported where it started
            raise InputError(
                path,
                end_line,
                f"header declares {_count(nclauses, 'clause')} but {found} "
                f"{'was' if found == 1 else 'were'} found (truncated file?)",
            )
        where = surplus_line if found > nclauses else end_line
        warnings.warn(
            f"{path}:{where}: header declares {_count(nclauses, 'clause')} but {found} "
            f"{'was' if found == 1 else 'were'} found",
            ClauseCountWarning,
            stacklevel=3,
        )
    return CNF(nvars, np.array(lits, dtype=np.int32), np.array(offsets, dtype=np.int64))


def _parse_fast(data: bytes) -> CNF | None:  # noqa: C901 (the hot path, kept inline)
    """Vectorised parse of a well-formed file; ``None`` whenever anything is unusual.

    Never raises for bad input: errors are left to :func:`_parse_slow`.
    """
    n = len(data)
    if n == 0:
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 0x0A)
    starts = np.concatenate((np.array([0]), newlines + 1))  # one per line of data.split(b"\n")

    def byte_at(pos: np.ndarray) -> np.ndarray:  # "\n" past the end
        return np.where(pos < n, buf[np.minimum(pos, n - 1)], 0x0A)

    # first non-whitespace byte of each line ("\n" for a blank line)
    first = starts.copy()
    head = byte_at(first)
    todo = np.flatnonzero(_IS_WS[head])
    for _ in range(64):
        if not todo.size:
            break
        first[todo] += 1
        head[todo] = byte_at(first[todo])
        todo = todo[_IS_WS[head[todo]]]
    else:
        return None  # absurd indentation: not worth vectorising
    comment = head == 0x63
    percent = np.flatnonzero(head == 0x25)
    end = int(percent[0]) if percent.size else len(starts)  # first line not parsed
    headers = np.flatnonzero(head[:end] == 0x70)
    if headers.size != 1:
        return None
    h = int(headers[0])
    if not np.all(comment[:h] | (head[:h] == 0x0A)):
        return None  # clause data before the header
    line_end = int(newlines[h]) if h < newlines.size else n
    try:
        nvars, nclauses = _parse_header(data[starts[h] : line_end].split(), "", 0)
    except InputError:
        return None
    lo = line_end + 1 if h < newlines.size else n
    hi = int(starts[end]) if end < len(starts) else n
    body_comments = comment[h + 1 : end]
    if body_comments.any():
        lengths = np.diff(np.append(starts[h + 1 : end], hi))
        text = buf[lo:hi][np.repeat(~body_comments, lengths)]
        raw = text.tobytes()
    else:
        text, raw = buf[lo:hi], data[lo:hi]

    # Only whitespace, digits and "-" may remain, each "-" starting a token and followed by
    # a nonzero digit. Then every token is a decimal integer and fromstring reads them all.
    if raw.translate(None, _CLAUSE_BYTES):
        return None
    minus = np.flatnonzero(text == 0x2D)
    if minus.size:
        if minus[-1] + 1 >= text.size or not np.all(text[minus + 1] > 0x30):
            return None  # "-" at the end or before "-", "0" or whitespace
        if minus[0] == 0:
            minus = minus[1:]
        if not np.all(text[minus - 1] <= 0x20):
            return None  # "-" inside a token ("3-")
    is_tok = text > 0x20
    ntokens = int(np.count_nonzero(is_tok[1:] & ~is_tok[:-1])) + bool(is_tok[:1].any())
    if ntokens == 0:  # (fromstring would read whitespace alone as [0])
        values = np.zeros(0, dtype=np.int64)
    else:
        try:
            values = np.fromstring(raw, dtype=np.int64, sep=" ")
        except ValueError:
            return None
        if values.size != ntokens:
            return None
        if values.max() > nvars or values.min() < -nvars:  # (fromstring saturates)
            return None
        mag = np.abs(values)
        # each token must be exactly as long as its value's decimal digits and sign: this
        # rules out leading zeros (left to the slow path) and tokens mangled by the parser
        chars = values.size + int(np.count_nonzero(values < 0))
        power = 10
        while power <= nvars:
            chars += int(np.count_nonzero(mag >= power))
            power *= 10
        if chars != int(np.count_nonzero(is_tok)):
            return None
    zeros = np.flatnonzero(values == 0)
    literals = values[values != 0].astype(np.int32)
    pieces = [np.zeros(1, dtype=np.int64), zeros - np.arange(zeros.size)]
    if values.size and values[-1] != 0:
        pieces.append(np.array([literals.size]))  # missing final 0
    offsets = np.concatenate(pieces).astype(np.int64)
    if offsets.size - 1 != nclauses:
        return None
    return CNF(nvars, literals, offsets)


# --------------------------------------------------------------------------- writing


def _comment_lines(comments: Sequence[str]) -> bytes:
    return comment_lines(comments).encode("utf-8")


def _clause_bytes(cnf: CNF) -> bytes:
    """All clause lines, built with array arithmetic (no per-clause Python loop).

    Every token (the literals, and a 0 after each clause) gets a row of a byte matrix:
    sign, digits right-aligned, separator (a space, or a newline after the 0); a mask keeps
    the bytes actually written, in row order.
    """
    m, nlits = cnf.nclauses, cnf.literals.size
    if m == 0:
        return b""
    is_lit = np.ones(nlits + m, dtype=bool)
    is_lit[cnf.offsets[1:] + np.arange(m)] = False
    tokens = np.zeros(nlits + m, dtype=np.int32)
    tokens[is_lit] = cnf.literals
    mag = np.abs(tokens)  # no overflow: |literal| <= nvars <= 2**31 - 1
    ndig = len(str(int(mag.max())))
    grid = np.empty((tokens.size, ndig + 2), dtype=np.uint8)
    keep = np.empty(grid.shape, dtype=bool)
    grid[:, 0] = ord("-")
    keep[:, 0] = tokens < 0
    rest = mag.copy()
    for col in range(ndig, 0, -1):
        grid[:, col] = rest % 10 + ord("0")
        rest //= 10
    power = 1
    for col in range(ndig, 0, -1):
        keep[:, col] = mag >= power
        power *= 10
    keep[:, ndig] = True  # the last digit, even of 0
    grid[:, ndig + 1] = np.where(is_lit, ord(" "), ord("\n"))
    keep[:, ndig + 1] = True
    return grid[keep].tobytes()


def _format_bytes(cnf: CNF, comments: Sequence[str]) -> bytes:
    header = f"p cnf {cnf.nvars} {cnf.nclauses}\n".encode("ascii")
    return _comment_lines(comments) + header + _clause_bytes(cnf)


def format_cnf(cnf: CNF, comments: Sequence[str] = ()) -> str:
    """Standard DIMACS text: ``c`` comment lines, ``p cnf V C``, one clause per line ending
    in `` 0`` (an empty clause is the line ``0``). :func:`parse_cnf` reads it back exactly."""
    return _format_bytes(cnf, comments).decode("utf-8")


def write_cnf(
    cnf: CNF, fp_or_path: str | os.PathLike | IO[str] | IO[bytes], comments: Sequence[str] = ()
) -> None:
    """Write ``cnf`` as :func:`format_cnf` does, to a path or an open text/binary file.

    A path ending in ``.gz``, ``.bz2`` or ``.xz`` is written compressed (reading recognises
    the compression by its magic bytes, whatever the name).
    """
    data = _format_bytes(cnf, comments)
    write_data(data, fp_or_path)
