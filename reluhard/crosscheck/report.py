"""The cross-check's output: a table per runner, a line per instance, and the JSON report
(schema ``reluhard.crosscheck/1``).

The JSON report holds ``schema``, ``machine``, ``options`` (with ``engine``), ``runners``
(with why a runner gives no proofs), ``instances`` (each with ``name``, ``path``,
``sha256``, ``nvars``, ``nclauses``, ``truth`` and ``runs``: ``runner``, ``verdict``,
``time``, ``model_check``, ``model_reason``, ``proof_check`` (status
VALID/INVALID/UNCHECKED, lemmas, deletions, checker time, checker), ``proof_note``,
``detail``), ``failures`` (``instance``, ``runner``, ``kind``, ``detail``, ``reproducer``
and its size), ``input_errors`` (``name``, ``path``, ``sha256``, ``error``: the INPUT-ERROR
rows), ``interrupted`` (true when ^C or SIGTERM stopped the run: the instances are those
finished) and ``summary`` (per runner also ``solved``, ``par2`` and ``par2_mean``:
:mod:`.scores`).
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence

from .. import atomic
from ..certs import proofs
from ..tables import format_table
from . import runners, scores
from .run import InputProblem, Options, Result, proof_plan

SCHEMA = "reluhard.crosscheck/1"


def summary(results: Sequence[Result], opts: Options) -> list[dict]:
    """Per runner: verdict counts, checks passed, failures and times."""
    rows = []
    for k, name in enumerate(opts.runners):
        runs = [res.runs[k] for res in results]
        times = [r.time for r in runs]
        rows.append(
            {
                "runner": name,
                "SAT": sum(r.verdict == runners.SAT for r in runs),
                "UNSAT": sum(r.verdict == runners.UNSAT for r in runs),
                "unknown": sum(r.verdict not in (runners.SAT, runners.UNSAT) for r in runs),
                "models_checked": sum(r.model_check == "PASS" for r in runs),
                "proofs_valid": sum(r.proof_status == proofs.VALID for r in runs),
                "failures": sum(f.runner == name for res in results for f in res.failures),
                "time_total": sum(times),
                "time_median": statistics.median(times) if times else 0.0,
                **scores.par2(results, name, opts.time_limit),
            }
        )
    return rows


def runner_table(results: Sequence[Result], opts: Options) -> str:
    rows = summary(results, opts)
    body = [
        [
            r["runner"],
            str(r["SAT"]),
            str(r["UNSAT"]),
            str(r["unknown"]),
            str(r["models_checked"]),
            str(r["proofs_valid"])
            if proof_plan(r["runner"], opts.proofs, opts.commands.get(r["runner"]))[0]
            else "-",
            str(r["failures"]),
            f"{r['time_median'] * 1e3:.1f}",
            f"{r['time_total']:.2f}",
            "-" if r["par2"] is None else f"{r['par2']:.2f}",
        ]
        for r in rows
    ]
    header = ["runner", "SAT", "UNSAT", "other", "models ok", "proofs ok", "FAIL", "median ms",
              "total s", "PAR-2 s"]  # fmt: skip
    return format_table(header, body)


def instance_lines(
    results: Sequence[Result], limit: int = 60, problems: Sequence[InputProblem] = ()
) -> str:
    """A line per instance; beyond ``limit`` instances only those with failures; then an
    INPUT-ERROR line per file that did not parse."""
    body = []
    shown = results if len(results) <= limit else [r for r in results if r.failures]
    for res in shown:
        verdicts = [r.verdict for r in res.runs]
        slow = max(res.runs, key=lambda r: r.time)
        body.append(
            [
                res.instance.name,
                res.truth,
                str(verdicts.count(runners.SAT)),
                str(verdicts.count(runners.UNSAT)),
                str(len(verdicts) - verdicts.count(runners.SAT) - verdicts.count(runners.UNSAT)),
                str(sum(r.proof_status == proofs.VALID for r in res.runs)),
                f"{slow.runner} {slow.time:.2f} s",
                ", ".join(f"{f.runner}: {f.kind}" for f in res.failures) or "ok",
            ]
        )
    for p in problems:
        body.append([p.name, "INPUT-ERROR", "-", "-", "-", "-", "-", p.error])
    header = ["instance", "truth", "SAT", "UNSAT", "other", "proofs ok", "slowest", "checks"]
    hidden = len(results) - len(shown)
    note = f"\n({hidden} more instances, all checks ok: see the JSON report)" if hidden else ""
    return (format_table(header, body) if body else "") + note


def failure_lines(results: Sequence[Result]) -> list[str]:
    lines = []
    for res in results:
        for f in res.failures:
            where = ""
            if f.reproducer:
                assert f.reproducer_size is not None  # measured before it is written
                v, c, lits = f.reproducer_size
                where = (
                    f"\n    reproducer {f.reproducer}: {v} vars, {c} clauses, {lits} literals "
                    f"({f.shrink_tests} shrink tests)"
                )
            lines.append(f"FAIL {f.instance}: {f.runner}: {f.kind}: {f.detail}{where}")
    return lines


def to_json(
    results: Sequence[Result],
    opts: Options,
    machine: dict,
    elapsed: float,
    problems: Sequence[InputProblem] = (),
    interrupted: bool = False,
) -> dict:
    failures = [f.to_json() for res in results for f in res.failures]
    return {
        "schema": SCHEMA,
        "machine": machine,
        "options": {
            "time_limit": opts.time_limit,
            "jobs": opts.jobs,
            "engine": opts.engine,
            "proofs": opts.proofs,
            "shrink": opts.shrink,
            "proof_checker": proofs.CHECKER,
            "proof_checker_version": proofs.checker_version(),
        },
        "runners": [
            {"runner": name, "kind": runners.kind(name), "proofs": want, "proof_note": note}
            for name in opts.runners
            for want, note in [proof_plan(name, opts.proofs, opts.commands.get(name))]
        ],
        "instances": [
            {
                "name": res.instance.name,
                "path": res.instance.path,
                "sha256": res.instance.digest,
                "nvars": res.instance.cnf.nvars,
                "nclauses": res.instance.cnf.nclauses,
                "truth": res.truth,
                "runs": [r.to_json() for r in res.runs],
            }
            for res in results
        ],
        "failures": failures,
        "input_errors": [p.to_json() for p in problems],
        "interrupted": interrupted,
        "summary": {
            "instances": len(results),
            "input_errors": len(problems),
            "runs": sum(len(res.runs) for res in results),
            "failures": len(failures),
            "clean": not failures,
            "elapsed": elapsed,
            "per_runner": summary(results, opts),
        },
    }


def write(path: str | os.PathLike, data: dict) -> None:
    atomic.write_text(path, json.dumps(data, indent=1) + "\n", "report", allow_stdout=True)


#: report fields that depend on the machine, the engine or the clock, not on the answers
TIMING_KEYS = frozenset({"time", "time_total", "time_median", "elapsed", "par2", "par2_mean",
                         "machine", "jobs", "engine"})  # fmt: skip


def comparable(data):
    """``data`` (a JSON report, or part of one) without timings, machine and engine: two
    runs of the same instances with the same options, on any engine, give equal values."""
    if isinstance(data, dict):
        return {k: comparable(v) for k, v in data.items() if k not in TIMING_KEYS}
    if isinstance(data, list):
        return [comparable(v) for v in data]
    return data
