"""What the benchmark scripts share: the machine they ran on, an aligned table, PASS/FAIL,
the command line every script starts from, the figure and the result files."""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from reluhard.machine import machine_info  # noqa: F401  (re-exported for the scripts)
from reluhard.tables import format_table

RESULTS = Path(__file__).resolve().parent / "results"  # where the scripts write by default


def warm_bytecode(*packages: Path) -> None:
    """Write the packages' ``.pyc`` files before a start-up is timed, as an installed
    package has them (an editable install under ``PYTHONDONTWRITEBYTECODE=1`` never writes
    them, and every process would then compile the project's modules afresh)."""
    for package in packages:
        compileall.compile_dir(str(package), quiet=1)


def timed_process(cmd: list[str], env: dict, cwd: str | None = None) -> dict:
    """Run ``cmd`` as a whole process (in ``cwd``: ``python -c`` puts the working directory
    first on the path): its CPU (user + system of the child, from ``os.wait4``), wall
    (``time.perf_counter`` around it) and peak RSS (bytes, ``ru_maxrss``). A failing
    process ends the script with its first words, exit code and stderr."""
    w0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - w0
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}): {err.strip()}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"cpu": cpu, "wall": wall, "peak_rss": usage.ru_maxrss * 1024}


def print_table(header: list[str], body: list[list[str]]) -> None:
    """Print rows aligned in columns: the first left-aligned, the others right-aligned."""
    print(format_table(header, body))


def print_records(columns: list[tuple[str, str | Callable[[dict], str]]], records) -> None:
    """Print one row per record (a dict): a column per ``(header, cell)``, where ``cell`` is
    a format string over the record's keys (``"{mean_seconds:.3f}"``) or a function of it."""
    print_table(
        [header for header, _ in columns],
        [[c(r) if callable(c) else c.format(**r) for _, c in columns] for r in records],
    )


def percent(value: float | None) -> str:
    """A rate as a whole percentage, ``-`` for none."""
    return "-" if value is None else f"{100 * value:.0f}%"


def number(value: float | None, spec: str, none: str = "-") -> str:
    """``value`` formatted by ``spec`` (``".2f"``), ``none`` for none."""
    return none if value is None else format(value, spec)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def argument_parser(doc: str, quick_help: str, default_out: Path) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of ``doc``, with the options every script
    has: ``--quick`` (``quick_help`` says what it leaves out) and ``--out DIR``."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--out", type=Path, default=default_out)
    return ap


def pyplot(note: bool = True):
    """``matplotlib.pyplot`` on the Agg back end, or ``None`` when matplotlib is not
    installed (saying so unless ``note`` is false)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        if note:
            print("(matplotlib is not installed: no plot; pip install -e '.[bench]')")
        return None
    return plt


def save_figure(fig, path: Path) -> bool:
    """Lay out ``fig``, write it to ``path`` (PNG, 120 dpi) and close it."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def write_results(
    out_dir: Path, name: str, report: dict, rows: list[dict], fieldnames: list[str] | None = None
) -> None:
    """Write ``out_dir/name.json`` (``report``, indented; what JSON cannot hold as its
    ``str``) and ``out_dir/name.csv`` (``rows``, columns ``fieldnames``, by default the first
    row's keys), creating ``out_dir`` if need be."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    with open(out_dir / f"{name}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fieldnames or list(rows[0]))
        w.writeheader()
        w.writerows(rows)
