"""``scaling.png``: one panel per clause width ``k``: median time against ``n`` on a log
scale per method, the fitted lines over their fitted ranges (bases and ranges in the
legend), a ``2^n`` guide line, each method's fit threshold (``OVERHEAD_FACTOR`` x its
start-up overhead), and the caption of :func:`.report.caption` (matplotlib, optional)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ... import atomic
from .fit import NO_FIT_OVERHEAD, OVERHEAD_FACTOR, fits, medians
from .report import caption
from .rows import (
    BRUTE,
    CADICAL_METHOD,
    DEFAULT_CLOCK,
    SAT,
    UNKNOWN,
    UNSAT,
    series,
    series_label,
    series_method,
    series_order,
)

#: characters per caption line at the caption's font size, per inch of figure width
CAPTION_CHARS_PER_INCH = 13.6


def _tick_seconds(t: float, _pos=None) -> str:
    """An axis label for a power of ten of seconds: 10 us, 1 ms, 100 ms, 1 s, 10 s."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "\u00b5s"), (1e-9, "ns")):
        if t >= scale * 0.999:
            return f"{t / scale:g} {unit}"
    return f"{t:g} s"


def _shown_length(word: str) -> int:
    """About how many characters ``word`` takes once matplotlib renders its mathtext."""
    if "$" not in word:
        return len(word)
    plain = re.sub(r"\\[a-zA-Z]+", "x", word).replace("$", "").replace("{", "").replace("}", "")
    return max(1, int(len(plain.replace("^", "").replace("_", "")) * 0.8))


def _wrap(paragraph: str, width: int) -> str:
    """``paragraph`` broken into lines of about ``width`` rendered characters."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in paragraph.split():
        n = _shown_length(word)
        if line and used + 1 + n > width:
            lines.append(" ".join(line))
            line, used = [], 0
        used += n + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def _style(methods: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Color and marker per method; a method's unsatisfiable series is drawn solid, its
    satisfiable one dashed-dotted with open markers (see :func:`_panel`)."""
    milp_colors = iter(["tab:green", "tab:purple", "tab:orange", "tab:brown"])
    fixed = {BRUTE: ("tab:red", "o"), CADICAL_METHOD: ("tab:blue", "s")}
    return {m: fixed.get(m) or (next(milp_colors), "^") for m in methods}


def _panel(ax, rows, k, ratio, time_limit, overheads, style, legend_size) -> None:
    meds = medians(rows, time_limit)
    fitted = fits(rows, time_limit, overheads)
    keys = sorted(meds, key=series_order)
    all_t = [t for d in meds.values() for t in d.values()]
    lo, hi = min(all_t), max(all_t)
    drawn: set[str] = set()
    for m in keys:
        method = series_method(m)
        color, marker = style[method]
        sat_series = m.endswith(" sat")
        pts = [
            (r["n"], r["seconds"] if r["verdict"] != UNKNOWN else time_limit)
            for r in rows
            if series(r) == m and r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"]
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), ls="none", marker=marker, ms=3, color=color, alpha=0.3)
        xs = list(meds[m])
        f = fitted[m]
        label = f"{series_label(m, short=True)}: "
        if f.ok:
            label += f"${f.c:.2f}^n$, n = {f.ns[0]}..{f.ns[-1]}"
        elif f.above == 0:
            label += NO_FIT_OVERHEAD
        else:
            label += f"no fit: {f.above} size(s) above threshold"
        ax.plot(
            xs,
            [meds[m][n] for n in xs],
            marker=marker,
            ms=6,
            lw=1.0 if sat_series else 1.6,
            ls="-." if sat_series else "-",
            mfc="white" if sat_series else color,
            color=color,
            label=label,
        )
        if f.ok:
            span = np.linspace(f.ns[0], f.ns[-1], 50)
            ax.plot(span, 2.0 ** (f.a + span * math.log2(f.c)), ls="--", lw=2.2, color="k",
                    alpha=0.55)  # fmt: skip
        if f.threshold > 0 and method not in drawn:
            drawn.add(method)
            n_m = sorted({r["n"] for r in rows if r["method"] == method})
            ax.plot([n_m[0], n_m[-1]], [f.threshold] * 2, ls=":", lw=1.3, color=color)
            lo = min(lo, f.threshold)
    # the 2^n guide, through brute force's median at its largest n (else the first method's)
    anchor = BRUTE if BRUTE in meds else keys[0]
    n0 = max(meds[anchor])
    t0 = meds[anchor][n0]
    n_all = sorted({r["n"] for r in rows})
    span = np.linspace(n_all[0], n_all[-1], 200)
    ax.plot(span, t0 * 2.0 ** (span - n0), color="gray", lw=1.0, alpha=0.8,
            label=f"$2^n$ guide (through {series_label(anchor)} at n = {n0})")  # fmt: skip
    ax.set_yscale("log", base=10)
    ax.set_ylim(lo / 3, max(hi * 5, lo * 100))
    ax.set_xlabel("n (variables = latent dimension)", fontsize=10)
    ax.set_title(f"random {k}-SAT, m = round({ratio:g} n)", fontsize=11)
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", axis="y", alpha=0.12)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=legend_size, frameon=False)


def plot(
    path: Path,
    panels: Mapping[int, Sequence[dict]],
    params: dict,
    time_limit: float,
    overheads: Mapping[str, float] | None = None,
) -> bool:
    """The figure of a run (one panel per ``k``). Returns False (and writes nothing) when
    matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator
    except ImportError:
        return False
    over = overheads or {}
    ks = [k for k, rows in panels.items() if rows]
    methods = list(dict.fromkeys(r["method"] for k in ks for r in panels[k]))
    style = _style(methods)
    width = max(9.5, 5.2 * len(ks))
    chars = int(CAPTION_CHARS_PER_INCH * width)
    text = caption(panels, params, time_limit, over)
    wrapped = "\n".join(_wrap(p, chars) for p in text.split("\n"))
    heights = {
        "title": 0.7,
        "axes": 4.6,
        "xlabel": 0.45,
        "legend": 0.25 + 0.2 * (max(len(medians(panels[k], time_limit)) for k in ks) + 1),
        "caption": 0.3 + 0.165 * (wrapped.count("\n") + 1),
    }
    total = sum(heights.values())
    fig, axes = plt.subplots(1, len(ks), figsize=(width, total), sharey=False, squeeze=False)
    bottom = (heights["caption"] + heights["legend"] + heights["xlabel"]) / total
    fig.subplots_adjust(
        left=0.085 if len(ks) == 1 else 0.055,
        right=0.98,
        top=1 - heights["title"] / total,
        bottom=bottom,
        wspace=0.22,
    )
    ratios = params.get("ratios", {})
    for ax, k in zip(axes[0], ks, strict=True):
        ratio = ratios.get(k, params.get("ratio", 0))
        _panel(ax, panels[k], k, ratio, time_limit, over, style, 9 if len(ks) == 1 else 8)
        ax.yaxis.set_major_locator(LogLocator(base=10))
        ax.yaxis.set_major_formatter(FuncFormatter(_tick_seconds))
    what = "CPU" if params.get("clock", DEFAULT_CLOCK) == "cpu" else "wall-clock"
    axes[0][0].set_ylabel(f"median {what} time per instance (log)", fontsize=10)
    fig.suptitle(
        f"Inverting the {params['via']} networks of random k-CNFs ({params['per_n']} per n)\n"
        f"dashed black: fit over the stated range; dotted: {OVERHEAD_FACTOR:g}x the method's "
        "start-up overhead (the fit threshold); gray: $2^n$",
        fontsize=10.5,
        y=1 - 0.06 / total,
        va="top",
    )
    fig.text(0.02, 0.015, wrapped, fontsize=9, va="bottom", ha="left")
    with atomic.replacing(path, "plot") as tmp:
        fig.savefig(tmp, dpi=110, format=str(path).rsplit(".", 1)[-1])
    plt.close(fig)
    return True
