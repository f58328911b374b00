"""A document (list of blocks) as terminal text, wrapped to a given width; weight
matrices wider than the terminal are shown as the nonzero terms of each row.
"""

from __future__ import annotations

import textwrap

import numpy as np

from .blocks import (
    Block,
    Heading,
    Image,
    Matrix,
    Para,
    Pre,
    Table,
    Vector,
    fmt,
    sparse_terms,
)


def _text_table(header: list[str], rows: list[list[str]], numeric) -> list[str]:
    ncol = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(ncol)]

    def line(cells):
        parts = [
            c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return ("  " + "  ".join(parts)).rstrip()

    sep = ("  " + "  ".join("-" * w for w in widths)).rstrip()
    return [line(header), sep] + [line(r) for r in rows]


def _matrix_text(mx: Matrix, width: int) -> list[str]:
    lines = [mx.title + ":"]
    header = ["", *mx.col_labels, "bias"]
    rows = [
        [lab, *(fmt(v) if v else "." for v in row), fmt(b)]
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True)
    ]
    table = _text_table(header, rows, range(1, len(header)))
    if max(len(s) for s in table) <= width:
        lines += table
        if not np.all(mx.W):
            lines.append("  (. is 0)")
    else:
        lines.append("  (wider than the terminal: the nonzero weights of each row)")
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            text = f"{lab}: {sparse_terms(row, mx.col_labels)}, bias {fmt(b)}"
            lines += textwrap.wrap(
                text, width, initial_indent="  ", subsequent_indent="      "
            ) or ["  " + text]
    if mx.more:
        lines.append("  " + mx.more)
    return lines


def render_text(doc: list[Block], width: int = 100) -> str:
    width = max(40, width)
    out: list[str] = []
    first = True
    for blk in doc:
        if isinstance(blk, Heading):
            if out and out[-1]:
                out.append("")
            out += [blk.text, ("=" if first else "-") * min(len(blk.text), width)]
            first = False
        elif isinstance(blk, Para):
            out += textwrap.wrap(blk.text, width, break_long_words=False, break_on_hyphens=False)
            out.append("")
        elif isinstance(blk, Pre):
            out += ["  " + s for s in blk.lines] + [""]
        elif isinstance(blk, Table):
            out += _text_table(blk.header, blk.rows, blk.numeric)
            if blk.more:
                out.append("  " + blk.more)
            out.append("")
        elif isinstance(blk, Vector):
            out += textwrap.wrap(blk.caption, width)
            pairs = [f"{a}={b}" for a, b in zip(blk.names, blk.values, strict=True)]
            if blk.more:
                pairs.append(blk.more)
            out += textwrap.wrap(
                "  ".join(pairs),
                width,
                initial_indent="    ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
            out.append("")
        elif isinstance(blk, Matrix):
            out += _matrix_text(blk, width) + [""]
        elif isinstance(blk, Image):
            continue
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
