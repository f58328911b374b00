"""``scaling.png``: median time against ``n`` on a log scale per method, the fitted lines
with their bases in the legend, and the SETH caption (matplotlib, optional)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ... import atomic
from .fit import TIME_FLOOR, fits, medians
from .report import caption
from .rows import BRUTE, CADICAL_METHOD, DEFAULT_CLOCK, SAT, UNKNOWN, UNSAT, method_label


def _tick_seconds(t: float, _pos=None) -> str:
    """An axis label for a power of ten of seconds: 10 us, 1 ms, 100 ms, 1 s, 10 s."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "\u00b5s"), (1e-9, "ns")):
        if t >= scale * 0.999:
            return f"{t / scale:g} {unit}"
    return f"{t:g} s"


def plot(path: Path, rows: Sequence[dict], params: dict, time_limit: float) -> bool:
    """Median time against ``n`` (log scale) per method, fitted lines, SETH caption.
    Returns False (and writes nothing) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator
    except ImportError:
        return False
    meds = medians(rows, time_limit)
    fitted = fits(rows, time_limit)
    methods = [m for m in dict.fromkeys(r["method"] for r in rows) if m in meds]
    styles = {BRUTE: ("tab:red", "o"), CADICAL_METHOD: ("tab:blue", "s")}
    milp_colors = iter(["tab:green", "tab:purple", "tab:orange", "tab:brown"])
    # layout in inches, top to bottom: title, axes, x label, legend (two columns), caption
    legend_rows = (len(methods) + 2) // 2  # the methods and the floor line
    heights = {"title": 0.45, "axes": 4.9, "xlabel": 0.6, "legend": 0.1 + 0.3 * legend_rows}
    heights["caption"] = 1.35
    total = sum(heights.values())
    fig, ax = plt.subplots(figsize=(9.5, total))
    bottom = (heights["caption"] + heights["legend"] + heights["xlabel"]) / total
    fig.subplots_adjust(left=0.11, right=0.97, top=1 - heights["title"] / total, bottom=bottom)
    for m in methods:
        color, marker = styles.get(m) or (next(milp_colors), "^")
        pts = [
            (r["n"], r["seconds"] if r["verdict"] != UNKNOWN else time_limit)
            for r in rows
            if r["method"] == m and r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"]
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), ls="none", marker=marker, ms=4, color=color, alpha=0.3)
        xs = list(meds[m])
        f = fitted[m]
        label = method_label(m)
        if math.isfinite(f.c):
            label += f": time ~ {f.c:.2f}$^n$"
            if not f.above_floor:
                label += f" (all below {1e3 * TIME_FLOOR:g} ms: overhead)"
        ax.plot(xs, [meds[m][n] for n in xs], marker=marker, ms=7, lw=1.5, color=color, label=label)
        if math.isfinite(f.c):
            span = np.linspace(f.ns[0], f.ns[-1], 50)
            ax.plot(span, 2.0 ** (f.a + span * math.log2(f.c)), ls="--", lw=1.2, color=color)
    ax.axhline(
        TIME_FLOOR,
        color="gray",
        ls=":",
        lw=1.2,
        label=f"fit floor {1e3 * TIME_FLOOR:g} ms (medians below it are not fitted)",
    )
    ax.set_yscale("log", base=10)
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(_tick_seconds))
    ax.set_xticks(sorted({r["n"] for r in rows}))
    ax.set_xlabel("n (variables = latent dimension)", fontsize=11)
    what = "CPU" if params.get("clock", DEFAULT_CLOCK) == "cpu" else "wall-clock"
    ax.set_ylabel(f"median {what} time per instance (log scale)", fontsize=11)
    ax.set_title(
        f"The exponential wall: random {params['k']}-SAT, m = {params['ratio']:g} n, "
        f"via {params['via']} ({params['per_n']} instances per n; dashed: fit)",
        fontsize=11.5,
    )
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", axis="y", alpha=0.12)
    fig.legend(
        *ax.get_legend_handles_labels(),
        loc="upper center",
        bbox_to_anchor=(0.5, (heights["caption"] + heights["legend"]) / total),
        ncol=2,
        fontsize=10,
        frameon=False,
    )
    fig.text(0.04, 0.02, caption(rows, params, time_limit), fontsize=9.5, wrap=True, va="bottom")
    with atomic.replacing(path, "plot") as tmp:
        fig.savefig(tmp, dpi=110, format=str(path).rsplit(".", 1)[-1])
    plt.close(fig)
    return True
