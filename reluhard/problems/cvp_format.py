"""The ``.cvp`` text format of :class:`~reluhard.problems.cvp.CVP` instances: reading
(:func:`parse_cvp`, :func:`read_cvp`, :func:`sniff`; the parser itself is in
:mod:`reluhard.problems.cvp_parser`) and writing (:func:`format_cvp`, :func:`write_cvp`).

File format (``.cvp``)
----------------------
Text, line oriented, UTF-8 (a byte order mark is ignored; gzip/bzip2/xz compressed files are
read by :func:`read_cvp`). Lines end at ``\\n``; spaces, tabs, ``\\r``, ``\\v`` and ``\\f``
separate tokens, so CRLF files are fine. Blank lines are ignored anywhere, and so is every
*comment line*: a line whose first token is exactly ``c`` (``c`` alone or followed by
whitespace; a line starting ``cxyz`` is an unknown keyword, so a misspelt ``coefficients``
is never silently taken for a comment). Comments are whole lines only.

The first non-comment line is the header ``p cvp D N``: dimension ``D >= 1`` (entries per
vector) and number ``N >= 1`` of basis vectors. Then come keyword lines, in any order, each
at most once; the keyword is the first token (it may touch a ``[``: ``target[1 2]``):

``norm P``
    ``P`` a positive integer (at most :data:`MAX_NORM`) or ``inf``. Required.
``radius R``
    the radius ``r >= 0``, written as an integer (``5``), a fraction ``a/b`` (``7/2``) or a
    decimal (``2.5``), all read exactly. Required unless ``radius^p`` is given.
``radius^p S``
    instead of ``radius``: ``r**p`` itself (same number syntax, ``>= 0``), for radii whose
    ``p``-th power is rational but which are not (``radius^p 5`` with ``norm 2`` means
    ``r = sqrt(5)``). Not allowed with ``norm inf``.
``coefficients binary`` | ``coefficients integer``
    ``y`` in ``{0, 1}^n`` or in ``Z^n``. Optional, default ``binary``.
``basis [[...] ... [...]]``
    the basis in fplll's matrix syntax (see
    :func:`~reluhard.problems.cvp_parser.parse_fplll_matrix`), starting on the ``basis``
    line or on the next non-blank line and running over as many lines as it takes to close
    the brackets. As in fplll, each ROW ``[...]`` is one basis vector, so the
    matrix written is ``B^T``: ``N`` rows of ``D`` entries.
``matrix``
    instead of ``basis``: the paper's ``B`` itself, as the next ``D`` (non-blank,
    non-comment) lines of ``N`` integers each; nothing else on the ``matrix`` line. Row
    ``i`` holds the ``i``-th coordinate of every basis vector, so COLUMNS are vectors.
``target T1 ... TD``
    the target, ``D`` integers on this line, bare or in brackets (``target [1 2 3]``,
    commas allowed inside brackets). Required.

Integers (matrix entries, target, header counts) are ``-?[0-9]+`` and must fit in int64.

Example: the (0,1)-CVP_3 instance with ``v_1 = (1, 2, 0)``, ``v_2 = (0, 1, 1)``,
``t = (1, 2, 3)`` and ``r = 5/2`` (a YES instance: ``y = (1, 1)`` gives ``B y - t =
(0, 1, -2)`` and ``1 + 8 <= 125/8``)::

    c a (0,1)-CVP_3 instance
    p cvp 3 2
    norm 3
    radius 5/2
    coefficients binary
    basis [[1 2 0]
           [0 1 1]]
    target 1 2 3

and the same instance with ``B`` written directly and ``r**3`` instead of ``r``::

    p cvp 3 2
    norm 3
    radius^p 125/8
    matrix
    1 0
    2 1
    0 1
    target [1, 2, 3]

Rejected input
--------------
Anything else raises :class:`~reluhard.errors.InputError` as ``path:line: message`` (1-based
line), for the first problem in file order; what is missing is reported at the last line
of the file. For instance: a missing, malformed or second header (``p cvp 3``, ``p cnf 3
2``), a count below 1, a keyword before the header, an unknown keyword, a data line outside
a ``matrix`` section, a keyword given twice (or ``radius`` with ``radius^p``, ``basis``
with ``matrix``), the wrong number of values on a keyword line, ``norm 0`` or ``norm 2.5``,
a negative radius, ``radius^p`` with ``norm inf``, a non-integer entry (``entry '1.5' is
not an integer``), an entry beyond int64, unbalanced brackets, a misplaced comma, a ragged
matrix, a basis or target whose size differs from the header's (``basis has 3 vectors, the
header says 2``), a missing ``norm``, radius, basis or ``target``.
``tests/data/malformed_cvp/EXPECTED.tsv`` lists examples with their exact messages.

Writing
-------
:func:`format_cvp` writes ``c`` comments, the header, ``norm``, ``radius R`` (or
``radius^p S`` when ``r`` itself is irrational), ``coefficients``, the basis in fplll
syntax (or, with ``layout="matrix"``, as a ``matrix`` section) and ``target``. Parsing the
output gives back an equal :class:`CVP`.

Examples
--------

Examples
--------
>>> text = b"p cvp 3 2\\nnorm 3\\nradius 5/2\\nbasis [[1 2 0][0 1 1]]\\ntarget 1 2 3\\n"
>>> cvp = parse_cvp(text)
>>> cvp
CVP(d=3, n=2, p=3, r^3=125/8, coefficients='binary')
>>> cvp.basis.tolist()  # columns are the basis vectors
[[1, 0], [2, 1], [0, 1]]
>>> parse_cvp(format_cvp(cvp).encode()) == cvp
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO

from .cvp import CVP, exact_root
from .cvp_parser import parse_text
from .sniffing import is_cvp as sniff
from .textio import comment_lines, read_bytes, write_data

__all__ = ["format_cvp", "parse_cvp", "read_cvp", "sniff", "write_cvp"]

# --------------------------------------------------------------------------- reading

_BOM = "\ufeff"


def _decode(data: bytes) -> str:
    text = bytes(data).decode("utf-8", "backslashreplace")
    return text[1:] if text.startswith(_BOM) else text


def parse_cvp(data: bytes, path: str = "<input>") -> CVP:
    """Parse ``.cvp`` ``data`` (already decompressed) into a :class:`CVP`; ``path`` only
    labels the :class:`InputError` messages. See the module docstring for the format."""
    return parse_text(_decode(data), path)


def read_cvp(path: str | os.PathLike) -> CVP:
    """Read a ``.cvp`` file, possibly gzip/bzip2/xz compressed (see :func:`parse_cvp`)."""
    return parse_cvp(read_bytes(path), str(path))


# --------------------------------------------------------------------------- writing


_comment_lines = comment_lines


def format_cvp(cvp: CVP, comments: Sequence[str] = (), layout: str = "basis") -> str:
    """The ``.cvp`` text of ``cvp``; :func:`parse_cvp` reads it back to an equal instance.

    ``layout="basis"`` writes the basis vectors as the rows of an fplll matrix, one per
    line; ``layout="matrix"`` writes the paper's ``B`` as a ``matrix`` section.

    >>> print(format_cvp(CVP([[1, 0], [2, 1]], [1, 2], 2, 5), ["sqrt(5)"]), end="")
    c sqrt(5)
    p cvp 2 2
    norm 2
    radius^p 5
    coefficients binary
    basis [[1 2]
           [0 1]]
    target 1 2
    """
    if layout not in ("basis", "matrix"):
        raise ValueError(f"layout must be 'basis' or 'matrix', not {layout!r}")
    out = [_comment_lines(comments), f"p cvp {cvp.d} {cvp.n}\n", f"norm {cvp.p}\n"]
    root = cvp.bound if cvp.p == "inf" else exact_root(cvp.bound, cvp.p)
    out.append(f"radius {root}\n" if root is not None else f"radius^p {cvp.bound}\n")
    out.append(f"coefficients {cvp.coefficients}\n")
    if layout == "basis":
        rows = ["[" + " ".join(map(str, v)) + "]" for v in cvp.basis.T.tolist()]
        out.append("basis [" + "\n       ".join(rows) + "]\n")
    else:
        out.append("matrix\n")
        out.extend(" ".join(map(str, row)) + "\n" for row in cvp.basis.tolist())
    out.append("target " + " ".join(map(str, cvp.target.tolist())) + "\n")
    return "".join(out)


def write_cvp(
    cvp: CVP,
    path_or_file: str | os.PathLike | IO[str] | IO[bytes],
    comments: Sequence[str] = (),
    layout: str = "basis",
) -> None:
    """Write :func:`format_cvp` to a path or an open text/binary file; a path ending in
    ``.gz``, ``.bz2`` or ``.xz`` is written compressed."""
    data = format_cvp(cvp, comments, layout).encode("utf-8")
    write_data(data, path_or_file)
