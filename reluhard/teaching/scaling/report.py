"""The written results of a scaling run: the printed table, ``scaling.csv``,
``scaling.json``, and the caption on what SETH says and what the curves show."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path

from ... import atomic
from .fit import TIME_FLOOR, Fit, fits, medians
from .instances import DEFAULT_K
from .rows import BRUTE, CSV_FIELDS, DEFAULT_CLOCK, method_label, problems

SETH_TEXT = (
    r"SETH: no algorithm decides k-SAT in time $O(2^{(1-\varepsilon)n})$ for every k "
    r"(for any fixed $\varepsilon > 0$). The reduction builds, in polynomial time, a network "
    r"with an n-coordinate latent from a k-CNF on n variables, so for the reduction's "
    r"networks no inverter is uniformly faster than about $2^n$; ETH: 3-SAT, hence inverting "
    r"the 3-CNF networks, needs $2^{\Omega(n)}$ time."
)
MEASURED_TEXT = (
    "Measured: brute force enumerates all $2^n$ latents and {growth}. The MILP and CaDiCaL "
    "grow far slower on these sizes of random {k}-SAT; SETH does not contradict that: it is "
    "about the worst case as n grows, and CDCL is still exponential on random 3-SAT at the "
    "threshold, with a smaller base."
)
#: a fitted brute-force base in this range is reported as "doubles per variable"
DOUBLING = (1.8, 2.2)
FIT_METHOD = (
    "least squares of log2(median seconds) = n log2(c) + a over the n whose median "
    f"exceeds {TIME_FLOOR:g} s (all n if fewer than two do); time-outs count as the "
    "time limit"
)


def caption(rows: Sequence[dict], params: dict, time_limit: float) -> str:
    """The figure's caption: what SETH and ETH say, and what the curves show."""
    f = fits(rows, time_limit).get(BRUTE)
    if f is None or not math.isfinite(f.c):
        growth = "grows exponentially (too few sizes above the floor to fit a base)"
    elif DOUBLING[0] <= f.c <= DOUBLING[1] and f.above_floor:
        growth = f"doubles per variable (fitted base c = {f.c:.2f})"
    else:
        growth = (
            f"grows by a fitted factor c = {f.c:.2f} per variable (about 2 expected: this "
            "range of n is too small or the timings too noisy)"
        )
    return SETH_TEXT + "\n" + MEASURED_TEXT.format(growth=growth, k=params.get("k", DEFAULT_K))


def _fmt_seconds(t: float | None) -> str:
    if t is None or not math.isfinite(t):
        return "-"
    if t < 1e-3:
        return f"{1e6 * t:.0f} us"
    if t < 1:
        return f"{1e3 * t:.1f} ms"
    return f"{t:.2f} s"


def _fit_text(f: Fit) -> str:
    if not math.isfinite(f.c):
        return "too few points to fit"
    where = f"n = {f.ns[0]}..{f.ns[-1]}" if f.ns else ""
    note = "" if f.above_floor else f", all medians <= {1e3 * TIME_FLOOR:g} ms: overhead"
    return f"time ~ {f.c:.2f}^n ({where}{note})"


def table(rows: Sequence[dict], time_limit: float, clock: str = DEFAULT_CLOCK) -> str:
    """Medians per ``n`` and method, with the SAT count and the fitted bases below."""
    meds = medians(rows, time_limit)
    methods = [m for m in dict.fromkeys(r["method"] for r in rows) if m in meds]
    ns = sorted({r["n"] for r in rows})
    header = ["n", "m", "SAT", *[method_label(m) for m in methods]]
    body = []
    for n in ns:
        inst = {(r["instance"]): r for r in rows if r["n"] == n and r["method"] == BRUTE}
        sat = sum(1 for r in inst.values() if r["brute_count"] > 0)
        m = next(r["clauses"] for r in rows if r["n"] == n)
        body.append(
            [str(n), str(m), f"{sat}/{len(inst)}"]
            + [_fmt_seconds(meds[me].get(n)) for me in methods]
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    what = "CPU" if clock == "cpu" else "wall-clock"
    lines = [f"median {what} time per instance (SAT: satisfiable instances, by brute force):"]
    lines += [
        "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))
        for r in [header, ["-" * w for w in widths], *body]
    ]
    lines.append("")
    lines.append(f"fitted bases (least squares on median times above {1e3 * TIME_FLOOR:g} ms):")
    for m, f in fits(rows, time_limit).items():
        lines.append(f"  {method_label(m) + ':':16s} {_fit_text(f)}")
    return "\n".join(lines)


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
                }
            )


def write_json(
    path: Path,
    rows: Sequence[dict],
    *,
    params: dict,
    machine: dict,
    wall_seconds: float,
    time_limit: float,
) -> None:
    """``scaling.json``: the rows, medians, fitted bases, parameters, machine, caption and
    wrong answers of a run."""
    report = {
        "tool": "reluhard scaling",
        "parameters": params,
        "machine": machine,
        "total_wall_seconds": wall_seconds,
        "medians": {
            m: {str(n): t for n, t in d.items()} for m, d in medians(rows, time_limit).items()
        },
        "fits": {
            m: {
                "base": f.c if math.isfinite(f.c) else None,
                "intercept_log2": f.a if math.isfinite(f.a) else None,
                "ns": f.ns,
                "above_floor": f.above_floor,
            }
            for m, f in fits(rows, time_limit).items()
        },
        "fit_method": FIT_METHOD,
        "caption": caption(rows, params, time_limit),
        "wrong_answers": problems(rows),
        "rows": rows,
    }
    atomic.write_text(path, json.dumps(report, indent=2, default=str) + "\n", "report")
