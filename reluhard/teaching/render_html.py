"""A document (list of blocks) as one self-contained HTML page: inline CSS, the figure
embedded as a base64 PNG, no scripts.
"""

from __future__ import annotations

import base64
import html
from fractions import Fraction

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

_CSS = """
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       max-width: 1180px; margin: 24px auto; padding: 0 20px; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #334; padding-bottom: 6px; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccd; padding-bottom: 3px; }
h3 { font-size: 1.02em; margin: 1.3em 0 0.4em; }
pre { background: #f5f6f8; border: 1px solid #dde; padding: 10px 12px; overflow-x: auto;
      font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13.5px;
      line-height: 1.4; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 0.88em; }
th, td { border: 1px solid #d5d8de; padding: 2px 7px; }
th { background: #eef0f4; font-weight: 600; }
td.num, th.num { text-align: right; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
td.lab { white-space: nowrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table.matrix td { text-align: center; min-width: 1.6em;
                  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table.matrix td.lab { text-align: left; }
table.matrix th { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
                  font-weight: 500; }
td.pos { background: #dbe8fb; color: #0b3f91; }
td.neg { background: #fbdcdc; color: #9a1111; }
td.zero { color: #c4c7cc; }
td.zv { color: #444; }
td.bias { background: #f4f0e2; border-left: 2px solid #998; }
tr.fire td { background: #ffe3c2; }
.more { color: #666; font-style: italic; margin-top: -8px; }
p.ok { background: #e3f5e3; border-left: 4px solid #2a8a2a; padding: 6px 10px; }
p.bad { background: #fdeaea; border-left: 4px solid #b22; padding: 6px 10px; }
p.note { color: #555; font-style: italic; }
.scroll { overflow-x: auto; }
.figure img { max-width: none; border: 1px solid #dde; }
"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _html_matrix(mx: Matrix) -> list[str]:
    out = [f"<h3>{_e(mx.title)}</h3>"]
    if len(mx.col_labels) <= 60:
        out.append('<div class="scroll"><table class="matrix">')
        out.append(
            "<tr><th></th>"
            + "".join(f"<th>{_e(c)}</th>" for c in mx.col_labels)
            + "<th>bias</th></tr>"
        )
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            cells = "".join(
                f'<td class="{"pos" if v > 0 else "neg" if v < 0 else "zero"}">{fmt(v)}</td>'
                for v in row
            )
            out.append(
                f'<tr><td class="lab">{_e(lab)}</td>{cells}<td class="bias">{fmt(b)}</td></tr>'
            )
        out.append("</table></div>")
    else:
        out.append("<p>The nonzero weights of each row:</p>")
        out.append('<table><tr><th>unit</th><th>nonzero weights</th><th class="num">bias</th></tr>')
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            out.append(
                f'<tr><td class="lab">{_e(lab)}</td><td class="lab">'
                f"{_e(sparse_terms(row, mx.col_labels))}</td>"
                f'<td class="num">{fmt(b)}</td></tr>'
            )
        out.append("</table>")
    if mx.more:
        out.append(f'<p class="more">{_e(mx.more)}</p>')
    return out


def render_html(doc: list[Block], title: str) -> str:
    body: list[str] = []
    first = True
    for blk in doc:
        if isinstance(blk, Heading):
            tag = "h1" if first else "h2"
            body.append(f"<{tag}>{_e(blk.text)}</{tag}>")
            first = False
        elif isinstance(blk, Para):
            cls = f' class="{blk.kind}"' if blk.kind else ""
            body.append(f"<p{cls}>{_e(blk.text)}</p>")
        elif isinstance(blk, Pre):
            body.append("<pre>" + _e("\n".join(blk.lines)) + "</pre>")
        elif isinstance(blk, Table):
            body.append('<div class="scroll"><table>')
            body.append(
                "<tr>"
                + "".join(
                    f"<th{' class=num' if i in blk.numeric else ''}>{_e(h)}</th>"
                    for i, h in enumerate(blk.header)
                )
                + "</tr>"
            )
            for r, row in enumerate(blk.rows):
                mark = blk.marks[r] if r < len(blk.marks) and blk.marks[r] else ""
                cls = f' class="{mark}"' if mark else ""
                body.append(
                    f"<tr{cls}>"
                    + "".join(
                        f'<td class="{"num" if i in blk.numeric else "lab"}">{_e(c)}</td>'
                        for i, c in enumerate(row)
                    )
                    + "</tr>"
                )
            body.append("</table></div>")
            if blk.more:
                body.append(f'<p class="more">{_e(blk.more)}</p>')
        elif isinstance(blk, Vector):
            body.append(f"<p>{_e(blk.caption)}</p>")
            body.append('<div class="scroll"><table class="matrix">')
            for c in range(0, len(blk.names), 20):  # rows of 20: no sideways scrolling
                names, values = blk.names[c : c + 20], blk.values[c : c + 20]
                body.append("<tr>" + "".join(f"<th>{_e(nm)}</th>" for nm in names) + "</tr>")
                body.append(
                    "<tr>"
                    + "".join(f'<td class="{_cell_class(v)}">{_e(v)}</td>' for v in values)
                    + "</tr>"
                )
            body.append("</table></div>")
            if blk.more:
                body.append(f'<p class="more">{_e(blk.more)}</p>')
        elif isinstance(blk, Matrix):
            body += _html_matrix(blk)
        elif isinstance(blk, Image):
            data = base64.b64encode(blk.png).decode("ascii")
            wpx, hpx = _png_size(blk.png)
            body.append(  # full size, as the note says: never scaled, scrolled instead
                '<div class="scroll figure" id="figure"><img src="data:image/png;base64,'
                f'{data}" width="{wpx}" height="{hpx}" alt="{_e(blk.alt)}"></div>'
            )
            body.append(
                '<p class="note">The figure is drawn at full size (scroll sideways if it is '
                "wider than the window); it is also written as network.png. In each box the "
                "green number is the unit's value under the certificate, the orange one under "
                "the non-certificate.</p>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _cell_class(v: str) -> str:
    try:
        x = float(Fraction(v))
    except (ValueError, ZeroDivisionError):
        return ""
    return "pos" if x > 0 else "neg" if x < 0 else "zv"
