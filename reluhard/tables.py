"""Plain-text tables for terminals: the first column left-aligned, the others right-aligned
(numbers), a rule under the header."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """
    >>> print(format_table(["solver", "ms"], [["cadical", "1.5"], ["glucose", "12.0"]]))
    solver     ms
    -------  ----
    cadical   1.5
    glucose  12.0
    """
    rows = [list(header), *map(list, body)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for r in [rows[0], ["-" * w for w in widths], *rows[1:]]:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
