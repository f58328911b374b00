"""The written results of a scaling run: the printed table, ``scaling.csv``,
``scaling.json``, and the caption on what ETH and SETH claim and what the curves do and do
not show.

A run has one *panel* per clause width ``k`` (``--k 3,4,5``): the rows of that ``k``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from ... import atomic
from .fit import MIN_POINTS, OVERHEAD_FACTOR, Fit, fits, medians
from .rows import (
    BRUTE,
    CADICAL_METHOD,
    CSV_FIELDS,
    DEFAULT_CLOCK,
    SAT,
    method_label,
    problems,
    series_label,
    series_method,
    series_order,
)

#: what the conjectures claim (complexity paper, section 2; Impagliazzo-Paturi 2001)
CLAIMS_TEXT = (
    r"ETH claims: 3-SAT has no $2^{o(n)}$-time algorithm. SETH claims: for every "
    r"$\varepsilon > 0$ there is a k such that k-SAT has no $O(2^{(1-\varepsilon)n})$-time "
    r"algorithm. Both are unproven conjectures about the worst case as $n \to \infty$."
)
REDUCTION_TEXT = (
    r"The reduction ({via}) builds in polynomial time a network whose latent has exactly "
    r"the formula's n coordinates, so an inverter running in $O(2^{{(1-\varepsilon)n}})$ on "
    r"these networks for every k would refute SETH, and one running in $2^{{o(n)}}$ on the "
    r"3-CNF networks would refute ETH (complexity paper, Theorems 1-2)."
)
SHOWN_TEXT = (
    "Shown: median {clock} time of specific solvers on random k-CNFs at the threshold "
    "ratio, for finite n (up to {nmax}), on one machine; each solver split by the "
    "instances' truth (solid: unsatisfiable, where it must prove there is no model; "
    "dash-dotted: satisfiable). {brute} The fitted bases (only "
    "over the n whose medians exceed {factor:g}x the method's start-up overhead) describe "
    "how these solvers grew on this instance family: empirical, upper-bound-like "
    "observations, not lower bounds. Not shown: worst-case instances, large n, or a proof; "
    "the solvers' slower growth on random instances contradicts neither conjecture, and "
    "nothing here proves or refutes ETH or SETH."
)
#: a fitted brute-force base in this range is reported as "doubles per variable"
DOUBLING = (1.8, 2.2)
FIT_METHOD = (
    "least squares of log2(median seconds) = n log2(c) + a over the longest run of "
    f"consecutive n, ending at the largest, whose medians all exceed {OVERHEAD_FACTOR:g} x "
    "the method's start-up overhead (its median time on a 4-variable formula); at least "
    f"{MIN_POINTS} sizes, else no fit; time-outs count as the time limit"
)


def _brute_text(panels: Mapping[int, Sequence[dict]], time_limit: float, over) -> str:
    got: dict[int, Fit] = {}
    for k, rows in panels.items():
        f = fits(rows, time_limit, over).get(BRUTE)
        if f is not None:
            got[k] = f
    if not got:
        return ""
    bases = [f.c for f in got.values() if f.ok]
    doubling = len(bases) == len(got) and all(DOUBLING[0] <= c <= DOUBLING[1] for c in bases)
    verb = "doubles per variable, along the $2^n$ guide" if doubling else "grows exponentially"
    parts = "; ".join(
        f"k = {k}: " + (f"fitted base {f.c:.2f}" if f.ok else f.text()) for k, f in got.items()
    )
    return f"Brute force over all $2^n$ latents {verb} ({parts})."


def caption(
    panels: Mapping[int, Sequence[dict]],
    params: dict,
    time_limit: float,
    overheads: Mapping[str, float] | None = None,
) -> str:
    """The figure's caption, three paragraphs: what ETH and SETH claim; what the reduction
    transfers; what the plot shows and does not show."""
    ns = [r["n"] for rows in panels.values() for r in rows]
    clock = "CPU" if params.get("clock", DEFAULT_CLOCK) == "cpu" else "wall-clock"
    shown = SHOWN_TEXT.format(
        clock=clock,
        nmax=max(ns) if ns else "?",
        brute=_brute_text(panels, time_limit, overheads),
        factor=OVERHEAD_FACTOR,
    )
    return "\n".join(
        [CLAIMS_TEXT, REDUCTION_TEXT.format(via=params.get("via", "sat-sign")), shown]
    ).replace("  ", " ")


def _fmt_seconds(t: float | None) -> str:
    if t is None or not math.isfinite(t):
        return "-"
    if t < 1e-3:
        return f"{1e6 * t:.0f} us"
    if t < 1:
        return f"{1e3 * t:.1f} ms"
    return f"{t:.2f} s"


def fit_line(f: Fit, overhead: float | None) -> str:
    """One method's fit for the table: base and range, or why there is none, and the
    threshold it used."""
    if overhead is None:
        why = "overhead not measured"
    else:
        why = (
            f"fitted where median > {OVERHEAD_FACTOR:g} x overhead {_fmt_seconds(overhead)}"
            f" = {_fmt_seconds(f.threshold)}"
        )
    return f"{'time ~ ' if f.ok else ''}{f.text()} ({why})"


def panel_table(
    rows: Sequence[dict],
    time_limit: float,
    clock: str = DEFAULT_CLOCK,
    overheads: Mapping[str, float] | None = None,
) -> str:
    """Medians per ``n`` and method for one ``k``, with the SAT count and the fits below."""
    over = overheads or {}
    meds = medians(rows, time_limit)
    methods = sorted(meds, key=series_order)
    ns = sorted({r["n"] for r in rows})
    header = ["n", "m", "SAT", *[series_label(m, short=True) for m in methods]]
    body = []
    for n in ns:
        at = [r for r in rows if r["n"] == n]
        ref = BRUTE if any(r["method"] == BRUTE for r in at) else CADICAL_METHOD
        inst = {r["instance"]: r for r in at if r["method"] == ref}
        sat = sum(1 for r in inst.values() if r["verdict"] == SAT)
        mark = "" if ref == BRUTE else "*"
        body.append(
            [str(n), str(at[0]["clauses"]), f"{sat}/{len(inst)}{mark}"]
            + [_fmt_seconds(meds[me].get(n)) for me in methods]
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    what = "CPU" if clock == "cpu" else "wall-clock"
    k = rows[0].get("k", "?") if rows else "?"
    lines = [
        f"k = {k}: median {what} time per instance (SAT: satisfiable instances by brute "
        "force; * by CaDiCaL, beyond brute force's range; -: not run at that n):"
    ]
    lines += [
        "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))
        for r in [header, ["-" * w for w in widths], *body]
    ]
    lines.append("")
    lines.append(
        f"k = {k}: fitted bases (least squares on medians above start-up overhead; solvers "
        "split by the instances' truth):"
    )
    for m, f in sorted(fits(rows, time_limit, over).items(), key=lambda kv: series_order(kv[0])):
        lines.append(
            f"  {series_label(m, short=True) + ':':20s} {fit_line(f, over.get(series_method(m)))}"
        )
    return "\n".join(lines)


def table(
    panels: Mapping[int, Sequence[dict]],
    time_limit: float,
    clock: str = DEFAULT_CLOCK,
    overheads: Mapping[str, float] | None = None,
) -> str:
    """:func:`panel_table` for every ``k``, and the start-up overheads."""
    over = overheads or {}
    head = "start-up overhead (median on a 4-variable formula): " + ", ".join(
        f"{method_label(m)} {_fmt_seconds(t)}" for m, t in over.items()
    )
    return "\n\n".join([head, *(panel_table(r, time_limit, clock, over) for r in panels.values())])


def write_csv(path: Path, rows: Sequence[dict]) -> None:
    """``scaling.csv``: the fields of :data:`.rows.CSV_FIELDS`, times to 6 digits."""
    with atomic.replacing(path, "table") as tmp, open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(
                {
                    **r,
                    **{
                        k: "" if r[k] is None else f"{r[k]:.6g}"
                        for k in ("seconds", "cpu_seconds", "wall_seconds")
                    },
                    "brute_count": "" if r["brute_count"] is None else r["brute_count"],
                    "satisfiable": "" if r["satisfiable"] is None else r["satisfiable"],
                }
            )


def _fit_json(f: Fit, overhead: float | None) -> dict:
    return {
        "base": f.c if f.ok else None,
        "intercept_log2": f.a if f.ok else None,
        "ns": f.ns if f.ok else [],
        "threshold_seconds": f.threshold,
        "overhead_seconds": overhead,
        "sizes_above_threshold": f.above,
        "text": f.text(),
    }


def write_json(
    path: Path,
    panels: Mapping[int, Sequence[dict]],
    *,
    params: dict,
    machine: dict,
    wall_seconds: float,
    cpu_seconds: float,
    time_limit: float,
    overheads: Mapping[str, float] | None = None,
) -> None:
    """``scaling.json``: the rows, medians and fits per ``k``, the overheads, parameters,
    machine, total wall and CPU time, caption and wrong answers of a run."""
    over = dict(overheads or {})
    rows = [r for rs in panels.values() for r in rs]
    report = {
        "tool": "reluhard scaling",
        "parameters": params,
        "machine": machine,
        "total_wall_seconds": wall_seconds,
        "total_cpu_seconds": cpu_seconds,
        "overheads": over,
        "medians": {
            str(k): {
                m: {str(n): t for n, t in d.items()} for m, d in medians(rs, time_limit).items()
            }
            for k, rs in panels.items()
        },
        "fits": {
            str(k): {
                m: _fit_json(f, over.get(series_method(m)))
                for m, f in fits(rs, time_limit, over).items()
            }
            for k, rs in panels.items()
        },
        "fit_method": FIT_METHOD,
        "caption": caption(panels, params, time_limit, over),
        "wrong_answers": problems(rows),
        "rows": rows,
    }
    atomic.write_text(path, json.dumps(report, indent=2, default=str) + "\n", "report")
