"""The network drawn as a PNG: units as boxes in one column per layer, edges coloured by
weight sign, and in every box the unit's value under a certificate (green) and under a
non-certificate (orange); units where the two differ are shaded. Wide layers are cut to
about :data:`MAX_NODES` units with gaps drawn as ellipses.

:class:`Figure` is what is drawn (a network, labels, the two passes) and :func:`draw` draws
it; :func:`draw_network` is the CNF walkthrough's figure, the graph, CVP and circuit
walkthroughs build their own :class:`Figure`. Every edge runs from the right side of its
source box to the left side of its target box (the boxes of a column share one width), so
no edge ends behind a label.

Drawing needs matplotlib, which only the ``bench`` extra installs; without it
:func:`require_matplotlib` raises an :class:`~reluhard.errors.InputError` saying so.
matplotlib is imported only inside :func:`draw`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import atomic
from ..errors import InputError
from ..lazy import lazy_module
from ..network import Network
from .analysis import Context
from .blocks import fmt

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

MAX_NODES = 40
MISSING = "drawing network.png needs matplotlib: pip install 'reluhard[bench]' (or matplotlib)"
CERT_COLOUR = "#1b7a1b"
NONCERT_COLOUR = "#d2561b"
DIFFER_FACE = "#ffe3c2"


def require_matplotlib() -> None:
    """Raise :class:`InputError` (one line: what to install) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(None, None, MISSING) from None


@dataclass
class Figure:
    """What :func:`draw` draws. Per column (0 = the latent, then one per layer): unit
    ``labels``, a ``title``, and the values under the certificate ``cert`` and the
    non-certificate ``noncert`` (either may be None: no such assignment). ``groups`` and
    ``must`` steer which units of a wide column are drawn (ranges shared out, units always
    drawn)."""

    network: Network
    title: str
    col_titles: list[str]
    labels: list[list[str]]
    cert: list[np.ndarray] | None = None
    noncert: list[np.ndarray] | None = None
    cert_name: str = "the certificate"
    noncert_name: str = "the non-certificate"
    groups: list[list[tuple[int, int]]] = field(default_factory=list)
    must: list[set[int]] = field(default_factory=list)


def layer_values(net: Network, z: Sequence[float] | np.ndarray) -> list[np.ndarray]:
    """The values of every column of ``net`` at ``z``: ``z`` itself, then each layer's
    outputs (floats; the walkthroughs check the verdicts exactly)."""
    a = np.asarray(z, dtype=np.float64).reshape(1, -1)
    out = [a[0]]
    for layer in net.layers:
        a = layer.act(layer.pre(a))
        out.append(a[0])
    return out


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


def _value(vals: list[np.ndarray] | None, k: int, i: int) -> str:
    return "" if vals is None else fmt(vals[k][i])


@dataclass
class Layout:
    """Where :func:`draw` puts everything, in inches from the bottom left: per column ``k``
    the centre ``xs[k]`` and box width ``boxw[k]``, the units drawn ``cols[k]`` (a tuple
    ``("gap", n)`` for an ellipsis) at heights ``ypos[k]``, and every ``edges`` segment
    ``(x0, y0, x1, y1, weight)``. Each edge runs from the right side of a box in one column
    to the left side of a box in the next, so it lies wholly in the gap between them."""

    width: float
    height: float
    fs: float
    char: float
    pad: float
    node_h: float
    xs: list[float]
    boxw: list[float]
    cols: list[list]
    ypos: list[dict[int, float]]
    ellipses: list[list[tuple[float, int]]]
    edges: list[tuple[float, float, float, float, float]]
    differ: list[set[int]]
    v2_w: list[int]

    def box(self, k: int, i: int) -> tuple[float, float, float, float]:
        """Unit ``i`` of column ``k`` as ``(left, bottom, right, top)``."""
        y = self.ypos[k][i]
        half = self.boxw[k] / 2
        return self.xs[k] - half, y - self.node_h / 2, self.xs[k] + half, y + self.node_h / 2


def layout(spec: Figure) -> Layout:
    """The geometry of :func:`draw` (no drawing; needs no matplotlib)."""
    net = spec.network
    cert, nc = spec.cert, spec.noncert
    differ: list[set[int]] = []
    for k, w in enumerate(net.widths):
        if cert is None or nc is None:
            differ.append(set())
        else:
            differ.append({i for i in range(w) if cert[k][i] != nc[k][i]})
    cols: list[list[int | tuple[str, int]]] = []
    for k, w in enumerate(net.widths):
        groups = spec.groups[k] if k < len(spec.groups) and spec.groups[k] else [(0, w)]
        must = (spec.must[k] if k < len(spec.must) else set()) | differ[k]
        cols.append(_select(w, groups, must, MAX_NODES))
    rows = max(len(c) for c in cols)
    fs = 9.5 if rows <= 14 else 8.5
    pitch = 0.5 if rows <= 14 else 0.3  # inches between nodes
    char = fs * 0.62 / 72  # DejaVu Sans Mono advance
    node_h = fs * 1.75 / 72
    # per column: label width and the two value widths, in characters
    lab_w, v1_w, v2_w = [], [], []
    for k, col in enumerate(cols):
        units = [i for i in col if not isinstance(i, tuple)]
        lab_w.append(max([len(spec.labels[k][i]) for i in units] + [3]))
        v1_w.append(max([len(_value(cert, k, i)) for i in units] + [0]))
        v2_w.append(max([len(_value(nc, k, i)) for i in units] + [0]))
    pad = 0.12
    boxw = [
        (lw + (v1 + 2 if v1 else 0) + (v2 + 2 if v2 else 0)) * char + 2 * pad
        for lw, v1, v2 in zip(lab_w, v1_w, v2_w, strict=True)
    ]
    titlew = [max(len(s) for s in t.split("\n")) * (fs + 1) * 0.6 / 72 for t in spec.col_titles]
    gaps = []
    for layer in net.layers:  # a one-to-one layer needs little room, a fan of edges more
        Wc = sp.csr_array(layer.W)
        one_to_one = Wc.nnz and max(np.diff(Wc.indptr).max(), np.bincount(Wc.indices).max()) == 1
        gaps.append(0.8 if one_to_one else 1.3 if rows <= 14 else 2.0)
    xs, x = [], 0.3
    for k, bw in enumerate(boxw):
        span = max(bw, titlew[k] + 0.2) + (gaps[k] if k < len(gaps) else 0)
        xs.append(x + max(bw, titlew[k] + 0.2) / 2)
        x += span
    W = max(x + 0.3, 8.0, len(spec.title) * (fs + 2.5) * 0.62 / 72 + 0.6)
    top, bottom = 1.5, 1.0
    H = max(4.5, rows * pitch + top + bottom)
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
    # edges: from the right side of the source box to the left side of the target box
    edges = []
    for k, layer in enumerate(net.layers):
        Wk = sp.coo_array(layer.W) if layer.sparse else sp.coo_array(np.asarray(layer.W))
        src, dst = ypos[k], ypos[k + 1]
        x0, x1 = xs[k] + boxw[k] / 2, xs[k + 1] - boxw[k + 1] / 2
        for r, c, w in zip(Wk.row.tolist(), Wk.col.tolist(), Wk.data.tolist(), strict=True):
            if r in dst and c in src and w:
                edges.append((x0, src[c], x1, dst[r], float(w)))
    return Layout(W, H, fs, char, pad, node_h, xs, boxw, cols, ypos, ell, edges, differ, v2_w)


def draw(spec: Figure, path: str | None = None) -> tuple[bytes, float]:
    """``spec`` as a PNG (returned, and written to ``path`` if given), and the height of its
    labels in pixels; the geometry is :func:`layout`'s."""
    require_matplotlib()
    # a bare Figure renders with the Agg canvas: no pyplot, no global backend switch
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Patch

    lay = layout(spec)
    cert, nc = spec.cert, spec.noncert
    W, H, fs, char, pad, node_h = lay.width, lay.height, lay.fs, lay.char, lay.pad, lay.node_h
    xs, boxw, cols, ypos, differ = lay.xs, lay.boxw, lay.cols, lay.ypos, lay.differ
    dpi = 120
    fig = MplFigure(figsize=(W, H), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.axis("off")
    wmax = max((abs(e[4]) for e in lay.edges), default=1.0)
    for x0, y0, x1, y1, w in lay.edges:
        ax.plot([x0, x1], [y0, y1], color="#1f5fbf" if w > 0 else "#c62828",
                lw=0.5 + 1.3 * abs(w) / wmax, alpha=0.55, zorder=1,
                solid_capstyle="butt")  # fmt: skip
    # nodes: a box of the column's width, the label on the left, the two values on the right
    mono: dict[str, Any] = {
        "fontsize": fs,
        "family": "DejaVu Sans Mono",
        "va": "center",
        "zorder": 3,
    }
    for k, col in enumerate(cols):
        left, right = xs[k] - boxw[k] / 2, xs[k] + boxw[k] / 2
        for i in col:
            if isinstance(i, tuple):
                continue
            y = ypos[k][i]
            face = DIFFER_FACE if i in differ[k] else "white"
            ax.add_patch(
                FancyBboxPatch(
                    (left, y - node_h / 2),
                    boxw[k],
                    node_h,
                    boxstyle="round,pad=0,rounding_size=0.05",
                    fc=face,
                    ec="#333",
                    lw=0.7,
                    zorder=2,
                )
            )
            ax.text(left + pad, y, spec.labels[k][i], ha="left", color="#111", **mono)
            xr = right - pad
            if nc is not None:
                ax.text(xr, y, _value(nc, k, i), ha="right", color=NONCERT_COLOUR,
                        weight="bold", **mono)  # fmt: skip
                xr -= (lay.v2_w[k] + 2) * char
            if cert is not None:
                ax.text(xr, y, _value(cert, k, i), ha="right", color=CERT_COLOUR,
                        weight="bold", **mono)  # fmt: skip
        for y, hidden in lay.ellipses[k]:
            ax.text(xs[k], y, f"\u22ee {hidden} more \u22ee", ha="center", va="center",
                    fontsize=fs, color="#444", style="italic", zorder=3)  # fmt: skip
    ax.text(W / 2, H - 0.15, spec.title, ha="center", va="top", fontsize=fs + 2.5, weight="bold")
    for k, t in enumerate(spec.col_titles):
        ax.text(
            xs[k], H - 0.62, t, ha="center", va="top", fontsize=fs + 1, weight="bold", color="#333"
        )
    handles: list[Line2D | Patch] = [
        Line2D([], [], color="#1f5fbf", lw=2, label="weight > 0"),
        Line2D([], [], color="#c62828", lw=2, label="weight < 0"),
    ]
    if cert is not None:
        handles.append(Patch(fc=CERT_COLOUR, ec="#333", label=f"value under {spec.cert_name}"))
    if nc is not None:
        handles.append(Patch(fc=NONCERT_COLOUR, ec="#333", label=f"under {spec.noncert_name}"))
    if cert is not None and nc is not None:
        handles.append(Patch(fc=DIFFER_FACE, ec="#333", label="the two differ"))
    ax.legend(handles=handles, loc="lower center", ncol=min(len(handles), 3), fontsize=fs,
              frameon=False, bbox_to_anchor=(0.5, 0.0))  # fmt: skip
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    png = buf.getvalue()
    if path is not None:
        atomic.write_bytes(path, png, "network diagram")
    return png, fs * dpi / 72


def draw_network(ctx: Context, path: str | None = None) -> tuple[bytes, float]:
    """The CNF walkthrough's network: :func:`draw` of :func:`network_figure`."""
    return draw(network_figure(ctx), path)


def network_figure(ctx: Context) -> Figure:
    """The CNF walkthrough's :class:`Figure`: clause units labelled by their clauses, biases
    shown on small networks, the step-5 certificate and the step-6 non-certificate as the
    two passes."""
    net = ctx.problem.network
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    clause_layer = {"sat-sign": 1, "sat-real": 3}.get(ctx.red)
    small = max(net.widths) <= 14
    labels: list[list[str]] = []
    for k, w in enumerate(net.widths):
        labs = []
        for i in range(w):
            long = k == clause_layer or k == len(net.widths) - 1
            lab = ctx.labels[k][i] if long else ctx.short[k][i]
            if k > 0 and small:
                lab += f"  b={fmt(net.layers[k - 1].b[i])}"
            labs.append(lab)
        labels.append(labs)
    groups: list[list[tuple[int, int]]] = [[] for _ in net.widths]
    must: list[set[int]] = [set() for _ in net.widths]
    nc = ctx.non_certificate
    if clause_layer is not None:
        if ctx.red == "sat-real":
            groups[clause_layer] = [(0, m), (m, m + n), (m + n, m + 2 * n)]
        if nc is not None:
            must[clause_layer] = {j for j in range(m) if nc.outs[clause_layer - 1][j] > 0}
    formula = {
        "sat-sign": "G(z) = W2 ReLU(W1 z + b1) + b2",
        "sat-real": "G(z) = W4 ReLU(W3 ReLU(W2 ReLU(W1 z + b1) + b2) + b3) + b4",
    }.get(ctx.red, "")
    return Figure(
        net,
        f"{ctx.name} via {ctx.red}:  {formula}",
        _column_titles(ctx),
        labels,
        cert=None if ctx.certificate is None else [ctx.certificate.z, *ctx.certificate.outs],
        noncert=None if nc is None else [nc.z, *nc.outs],
        cert_name="the step-5 certificate",
        noncert_name="the step-6 non-certificate",
        groups=groups,
        must=must,
    )


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
