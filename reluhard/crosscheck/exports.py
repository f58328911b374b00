"""Files beside the JSON report that people load elsewhere: ``REPORT.csv`` (one row per
run, and one INPUT-ERROR row per file that did not parse) and ``REPORT.png``, a cactus plot
(number of instances solved against the time allowed per instance, one line per runner;
solved as in :mod:`.scores`). The plot needs matplotlib (imported only here, when drawing);
without it the plot is skipped with a note."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

from .. import atomic
from . import scores
from .run import InputProblem, Options, Result

CSV_COLUMNS = ["instance", "path", "sha256", "nvars", "nclauses", "truth", "runner", "verdict",
               "time", "par2", "model_check", "proof_check", "failures", "detail"]  # fmt: skip


def csv_text(results: Sequence[Result], problems: Sequence[InputProblem], opts: Options) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for res in results:
        inst = res.instance
        for r in res.runs:
            w.writerow(
                {
                    "instance": inst.name,
                    "path": inst.path or "",
                    "sha256": inst.digest,
                    "nvars": inst.cnf.nvars,
                    "nclauses": inst.cnf.nclauses,
                    "truth": res.truth,
                    "runner": r.runner,
                    "verdict": r.verdict,
                    "time": f"{r.time:.6f}",
                    "par2": _num(scores.run_score(res, r, opts.time_limit)),
                    "model_check": r.model_check or "",
                    "proof_check": r.proof_status or "",
                    "failures": ";".join(f.kind for f in res.failures if f.runner == r.runner),
                    "detail": r.detail,
                }
            )
    for p in problems:
        w.writerow(
            {
                "instance": p.name,
                "path": p.path,
                "sha256": p.sha256 or "",
                "truth": "INPUT-ERROR",
                "verdict": "INPUT-ERROR",
                "detail": p.error,
            }  # fmt: skip
        )
    return buf.getvalue()


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.6f}"


def write_csv(path: str | os.PathLike, results, problems, opts: Options) -> None:
    atomic.write_text(path, csv_text(results, problems, opts), "CSV report")


def cactus(path: str | os.PathLike, results: Sequence[Result], opts: Options) -> bool:
    """Draw the cactus plot to ``path`` (PNG); False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name in opts.runners:
        times = scores.solve_times(results, name, opts.time_limit)
        if times:
            ax.step(range(1, len(times) + 1), times, where="post", label=name, linewidth=1.2)
    ax.set_yscale("log")
    ax.set_xlabel("instances solved")
    ax.set_ylabel("time per instance (s, log)")
    if opts.time_limit is not None:
        ax.axhline(opts.time_limit, color="#999", linestyle=":", linewidth=1)
    ax.set_title(
        f"crosscheck: {len(results)} instances, time limit {opts.time_limit} s", fontsize=10
    )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    with atomic.replacing(path, "cactus plot") as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return True
