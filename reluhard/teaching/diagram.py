"""The network drawn as a PNG: units as nodes in one column per layer, edges coloured
by weight sign, the clause units the non-certificate fires highlighted. Wide layers are
cut to about :data:`MAX_NODES` units with gaps drawn as ellipses.

Drawing needs matplotlib, which only the ``bench`` extra installs; without it
:func:`require_matplotlib` raises an :class:`~reluhard.errors.InputError` saying so.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from .. import atomic
from ..errors import InputError
from ..lazy import lazy_module
from .analysis import Context
from .blocks import (
    fmt,
)

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

MAX_NODES = 40
MISSING = "drawing network.png needs matplotlib: pip install 'reluhard[bench]' (or matplotlib)"


def require_matplotlib() -> None:
    """Raise :class:`InputError` (one line: what to install) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(None, None, MISSING) from None


def _select(n: int, groups: list[tuple[int, int]], must: set[int], cap: int) -> list:
    """Which units of a layer of ``n`` to draw: at most about ``cap``, spread over the
    ``groups`` (ranges), always including ``must``; a tuple ``("gap", k)`` stands for ``k``
    units left out (drawn as an ellipsis)."""
    if n <= cap:
        return list(range(n))
    chosen: set[int] = set()
    total = sum(b - a for a, b in groups)
    for a, b in groups:
        share = max(min(b - a, 3), round(cap * (b - a) / total))
        chosen |= set(range(a, min(b, a + share)))
    musts = set(sorted(must)[: cap // 2])
    chosen |= musts
    while len(chosen) > cap + len(musts):
        chosen.discard(max(i for i in chosen if i not in musts))
    for i in sorted(chosen):  # a gap of one or two units: draw them instead
        for d in (1, 2):
            if i + d + 1 in chosen and i + d < n:
                chosen |= set(range(i + 1, i + d + 1))
    out: list = []
    prev = -1
    for i in sorted(chosen):
        if i != prev + 1:
            out.append(("gap", i - prev - 1))
        out.append(i)
        prev = i
    if prev != n - 1:
        out.append(("gap", n - 1 - prev))
    return out


def draw_network(ctx: Context, path: str | None = None) -> tuple[bytes, float]:  # noqa: C901
    """The network as a PNG (returned, and written to ``path`` if given), and the height
    of its labels in pixels."""
    require_matplotlib()
    # a bare Figure renders with the Agg canvas: no pyplot, no global backend switch
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    net = ctx.problem.network
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    nc = ctx.non_certificate
    clause_layer = {"sat-sign": 1, "sat-real": 3}.get(ctx.red)
    fire: set[int] = set()
    if nc is not None and clause_layer is not None:
        fire = {j for j in range(m) if nc.outs[clause_layer - 1][j] > 0}
    # which units each column draws
    cols: list[list[int | tuple[str, int]]] = []
    for k, w in enumerate(net.widths):
        if k == clause_layer and ctx.red == "sat-real":
            groups = [(0, m), (m, m + n), (m + n, m + 2 * n)]
        else:
            groups = [(0, w)]
        cols.append(_select(w, groups, fire if k == clause_layer else set(), MAX_NODES))
    small = max(net.widths) <= 14
    # node text
    texts: list[list[str]] = []
    for k, col in enumerate(cols):
        labs = []
        for i in col:
            if isinstance(i, tuple):
                labs.append(f"\u22ee {i[1]} more")
                continue
            lab = ctx.labels[k][i] if k == clause_layer else ctx.short[k][i]
            if k == len(cols) - 1:
                lab = ctx.labels[k][i]
            if k > 0 and small:
                lab += f"   b={fmt(net.layers[k - 1].b[i])}"
            labs.append(lab)
        texts.append(labs)
    rows = max(len(c) for c in cols)
    fs = 9.5 if rows <= 14 else 8.5
    pitch = 0.48 if rows <= 14 else 0.29  # inches between nodes
    char = fs * 0.62 / 72  # DejaVu Sans Mono advance
    titles = _column_titles(ctx)
    boxw = [max([len(t) for t in labs] + [3]) * char + 0.25 for labs in texts]
    titlew = [max(len(s) for s in t.split("\n")) * (fs + 1) * 0.6 / 72 for t in titles]
    gaps = []
    for layer in net.layers:  # a one-to-one layer needs little room, a fan of edges more
        Wc = sp.csr_array(layer.W)
        one_to_one = Wc.nnz and max(np.diff(Wc.indptr).max(), np.bincount(Wc.indices).max()) == 1
        gaps.append(1.2 if one_to_one else 1.6 if rows <= 14 else 2.4)
    xs, x = [], 0.3
    for k, bw in enumerate(boxw):
        span = max(bw + (gaps[k] if k < len(gaps) else 0), titlew[k] + 0.3)
        xs.append(x + max(bw, titlew[k]) / 2)
        x += span
    W = max(x + 0.3, 8.0)
    top, bottom = 1.5, 0.9
    H = max(4.5, rows * pitch + top + bottom)
    dpi = 120
    fig = Figure(figsize=(W, H), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.axis("off")
    ypos: list[dict[int, float]] = []
    ell: list[list[tuple[float, int]]] = []
    for col in cols:
        h = (len(col) - 1) * pitch
        y0 = bottom + (rows - 1) * pitch / 2 + h / 2
        pos: dict[int, float] = {}
        el: list[tuple[float, int]] = []
        for r, i in enumerate(col):
            y = y0 - r * pitch
            if isinstance(i, tuple):
                el.append((y, i[1]))
            else:
                pos[i] = y
        ypos.append(pos)
        ell.append(el)
    # edges
    for k, layer in enumerate(net.layers):
        Wk = sp.coo_array(layer.W) if layer.sparse else sp.coo_array(np.asarray(layer.W))
        if Wk.nnz == 0:
            continue
        wmax = float(np.abs(Wk.data).max())
        src, dst = ypos[k], ypos[k + 1]
        for r, c, w in zip(Wk.row.tolist(), Wk.col.tolist(), Wk.data.tolist(), strict=True):
            if r in dst and c in src and w:
                ax.plot(
                    [xs[k], xs[k + 1]],
                    [src[c], dst[r]],
                    color="#1f5fbf" if w > 0 else "#c62828",
                    lw=0.5 + 1.3 * abs(w) / wmax,
                    alpha=0.55,
                    zorder=1,
                    solid_capstyle="round",
                )
    # nodes
    for k, col in enumerate(cols):
        for i, lab in zip(col, texts[k], strict=True):
            if isinstance(i, tuple):
                continue
            face = "white"
            if k == clause_layer and i in fire:
                face = "#ffb74d"
            elif k == 0 and nc is not None:
                face = "#c8e6c9" if nc.z[i] > 0 else "#eeeeee"
            ax.text(
                xs[k],
                ypos[k][i],
                lab,
                ha="center",
                va="center",
                fontsize=fs,
                family="DejaVu Sans Mono",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.25", "fc": face, "ec": "#333", "lw": 0.7},
            )
        for y, hidden in ell[k]:
            ax.text(
                xs[k],
                y,
                f"\u22ee {hidden} more \u22ee",
                ha="center",
                va="center",
                fontsize=fs,
                color="#444",
                style="italic",
                zorder=3,
            )
    # titles
    formula = {
        "sat-sign": "G(z) = W2 ReLU(W1 z + b1) + b2",
        "sat-real": "G(z) = W4 ReLU(W3 ReLU(W2 ReLU(W1 z + b1) + b2) + b3) + b4",
    }.get(ctx.red, "")
    ax.text(
        W / 2,
        H - 0.15,
        f"{ctx.name} via {ctx.red}:  {formula}",
        ha="center",
        va="top",
        fontsize=fs + 2.5,
        weight="bold",
    )
    for k, t in enumerate(titles):
        ax.text(
            xs[k], H - 0.62, t, ha="center", va="top", fontsize=fs + 1, weight="bold", color="#333"
        )
    handles: list[Line2D | Patch] = [
        Line2D([], [], color="#1f5fbf", lw=2, label="weight > 0"),
        Line2D([], [], color="#c62828", lw=2, label="weight < 0"),
    ]
    if nc is not None:
        handles.append(Patch(fc="#c8e6c9", ec="#333", label="x_i true in the step-6 assignment"))
        if fire:
            names = ", ".join(f"c{j + 1}" for j in sorted(fire)[:6])
            more = " ..." if len(fire) > 6 else ""
            handles.append(Patch(fc="#ffb74d", ec="#333", label=f"fires there: {names}{more}"))
    ax.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        fontsize=fs,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    png = buf.getvalue()
    if path is not None:
        atomic.write_bytes(path, png, "network diagram")
    return png, fs * dpi / 72


def _column_titles(ctx: Context) -> list[str]:
    net = ctx.problem.network
    t = ["input: latent z\n(x_i: +1 true, -1 false)"]
    target = ", ".join(fmt(v) for v in ctx.problem.target)
    if ctx.red == "sat-sign":
        t += [
            f"layer 1: ReLU\n{net.widths[1]} clause units",
            f"layer 2: linear\noutput, target ({target})",
        ]
    elif ctx.red == "sat-real":
        t += [
            "layer 1: ReLU\nh = ReLU(z + 1)",
            "layer 2: ReLU\ng = ReLU(2 - h)",
            "layer 3: ReLU\nclause units, |v_i| units",
            f"layer 4: linear\noutputs, target ({target})",
        ]
    else:
        t += [f"layer {k}" for k in range(1, len(net.layers) + 1)]
    return t
