"""The explanation as data: the block types one document is made of (headings,
paragraphs, tables, vectors, weight matrices, an image), the :class:`Limits` saying how much
a renderer shows in full, and the number and literal formatting both renderers share.

The walkthrough builds a list of these blocks once; :mod:`.render_text` and
:mod:`.render_html` each turn the same list into their format, so the terminal and the page
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class Limits:
    """How much a renderer shows in full: instances beyond ``max_vars`` / ``max_clauses``
    are summarised, showing ``head`` items of each long list."""

    max_vars: int
    max_clauses: int
    head: int


TEXT_LIMITS_VARS, TEXT_LIMITS_CLAUSES = 30, 60

TEXT = Limits(TEXT_LIMITS_VARS, TEXT_LIMITS_CLAUSES, 8)
HTML = Limits(200, 1000, 40)


@dataclass
class Heading:
    text: str


@dataclass
class Para:
    text: str
    kind: str = ""  # "", "ok", "bad", "note"


@dataclass
class Pre:
    lines: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    marks: list[str] = field(default_factory=list)  # per row: "" or "fire"
    more: str = ""  # a closing "... N more" line
    numeric: tuple[int, ...] = ()  # right-aligned (numeric) columns


@dataclass
class Vector:
    """Named values, ``name=value`` on the terminal, a two-row table in HTML."""

    caption: str
    names: list[str]
    values: list[str]
    more: str = ""
    marks: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    """Rows of a weight matrix with labels; ``W`` dense (the shown rows only)."""

    title: str
    row_labels: list[str]
    col_labels: list[str]
    W: np.ndarray
    b: np.ndarray
    more: str = ""


@dataclass
class Image:
    png: bytes
    alt: str
    font_px: float = 14.0  # the labels' height in pixels; the page shows the figure at full size


Block = Heading | Para | Pre | Table | Vector | Matrix | Image


def fmt(x) -> str:
    """A number as a person writes it: ``2``, ``-1``, ``0.5``, ``1/3``."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else str(x)
    x = float(x)
    if x == int(x) and abs(x) < 2**53:
        return str(int(x))
    return f"{x:.6g}"


def lit(literal: int) -> str:
    return f"x{literal}" if literal > 0 else f"~x{-literal}"


def sparse_terms(row: np.ndarray, cols: list[str]) -> str:
    nz = np.flatnonzero(row)
    if nz.size > 12 and np.all(row[nz] == row[nz[0]]) and nz[-1] - nz[0] + 1 == nz.size:
        w = row[nz[0]]
        return f"{'+' if w > 0 else ''}{fmt(w)} on each of {cols[nz[0]]}..{cols[nz[-1]]}"
    terms = []
    for i in nz[:16]:
        w = row[i]
        mag = "" if abs(w) == 1 else fmt(abs(w)) + "*"
        terms.append(f"{'+' if w > 0 else '-'}{mag}{cols[i]}")
    if nz.size > 16:
        terms.append(f"... ({nz.size - 16} more terms)")
    return " ".join(terms) if terms else "(no weights)"
