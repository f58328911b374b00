"""Verifiers run on a ``vnn-bench`` category, each instance in a crosscheck sandbox worker
(:mod:`reluhard.crosscheck.sandbox`) with a hard time limit: a verifier that hangs or
crashes is killed, reported as ``timeout`` or ``error``, and the run goes on.

- ``reluhard``: this package's importer and MILP (:func:`reluhard_task`);
- ``marabou``: Marabou through ``maraboupy`` (Katz et al., CAV 2019; the optional extra
  ``reluhard[marabou]``), reading the same ONNX and VNN-LIB files (:func:`marabou_task`);
- a command template, for any VNN-COMP tool script: ``{onnx}``, ``{vnnlib}``, ``{result}``,
  ``{timeout}`` and ``{category}`` are substituted (VNN-COMP's ``run_instance.sh v1
  {category} {onnx} {vnnlib} {result} {timeout}``), the command runs in its own process
  group (killed on timeout) and writes the result file itself (:func:`command_task`).

Each writes one result file per instance (VNN-COMP's format, :mod:`.results`) into the
results folder, named by the vnnlib stem, which ``vnn-check`` reads.
"""

from __future__ import annotations

import csv
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..crosscheck.sandbox import Pool, Task
from ..errors import InputError
from . import results

GRACE = 10.0  # seconds beyond the instance timeout before the worker is killed
BUILTIN = ("reluhard", "marabou")


def reluhard_task(payload: dict) -> Iterator[tuple]:
    """Decide one instance with reluhard's importer and MILP (the libraries imported
    before the clock starts, as a long-running verifier would have them)."""
    import onnx  # noqa: F401
    from ortools.linear_solver import pywraplp  # type: ignore[attr-defined, unused-ignore]  # noqa: F401
    from ortools.sat.python import cp_model  # noqa: F401

    from .. import solvers
    from ..inversion import check_latent
    from .spec import load

    t0, c0 = time.perf_counter(), time.process_time()
    problem = load(payload["onnx"], payload["vnnlib"])
    v = solvers.solve(problem, payload.get("solver", "auto"), time_limit=payload["timeout"])
    word = results.word_of(v.status, "time limit" in v.reason)
    y = check_latent(problem, v.latent).output if v.latent is not None else None
    yield (results.text(word, v.latent, y), time.perf_counter() - t0, time.process_time() - c0)


def marabou_task(payload: dict) -> Iterator[tuple]:
    """Decide one instance with Marabou (its own ONNX and VNN-LIB readers)."""
    import contextlib
    import io

    from maraboupy import Marabou

    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        net = Marabou.read_onnx(payload["onnx"])
        options = Marabou.createOptions(
            verbosity=0, timeoutInSeconds=max(1, int(payload["timeout"]))
        )
        word, values, _ = net.solve(
            propertyFilename=payload["vnnlib"], verbose=False, options=options
        )
    word = {"sat": "sat", "unsat": "unsat", "TIMEOUT": "timeout"}.get(word, "unknown")
    x = y = None
    if word == "sat":
        x = [values[int(v)] for v in net.inputVars[0].ravel()]
        y = [values[int(v)] for v in net.outputVars[0].ravel()]
    yield (results.text(word, x, y), time.perf_counter() - t0, time.process_time() - c0)


def command_task(payload: dict) -> Iterator[tuple]:
    """Run a VNN-COMP tool script on one instance; its result file is read back."""
    t0, c0 = time.perf_counter(), _children_cpu()
    result = payload["result"]
    if os.path.exists(result):
        os.remove(result)
    argv = shlex.split(payload["template"].format(**{k: payload[k] for k in FIELDS}))
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=payload["timeout"] + 1.0)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        yield ("timeout\n", time.perf_counter() - t0, _children_cpu() - c0)
        return
    try:
        text = Path(result).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = f"error\n(the command exited {proc.returncode} without writing {result})\n"
    yield (text, time.perf_counter() - t0, _children_cpu() - c0)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


FIELDS = ("onnx", "vnnlib", "result", "timeout", "category")
HANDLERS = {"reluhard": reluhard_task, "marabou": marabou_task}


@dataclass(frozen=True)
class Ran:
    """One instance run: the result file written, how the worker ended, wall and CPU time
    (CPU: the worker's own, or its children's for a command; ``None`` when it was killed)."""

    name: str
    result: str
    word: str
    ended: str
    time: float
    cpu: float | None = None


def instances(category: str) -> list[tuple[str, str, float]]:
    """``instances.csv`` as ``(onnx, vnnlib, timeout)`` (paths relative to the category)."""
    path = Path(category) / "instances.csv"
    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f) if r]
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    out = []
    for k, r in enumerate(rows, 1):
        try:
            out.append((r[0].strip(), r[1].strip(), float(r[2])))
        except (IndexError, ValueError):
            raise InputError(str(path), k, "expected onnx,vnnlib,timeout") from None
    return out


def _task(runner: str, category: Path, row, out: Path, timeout: float | None) -> Task:
    onnx, vnnlib, limit = row
    limit = min(limit, timeout) if timeout else limit
    payload = {
        "onnx": str(category / onnx), "vnnlib": str(category / vnnlib),
        "result": str(out / (Path(vnnlib).stem + ".counterexample")),
        "timeout": limit, "category": category.name,
    }  # fmt: skip
    if runner in HANDLERS:
        return Task(f"reluhard.vnn.runners:{runner}_task", payload, [limit + GRACE])
    return Task("reluhard.vnn.runners:command_task", {**payload, "template": runner},
                [limit + GRACE])  # fmt: skip


def refusal(runner: str) -> str | None:
    """Why ``runner`` cannot run here (``marabou`` without maraboupy), or ``None``."""
    if runner == "marabou":
        import importlib.util

        if importlib.util.find_spec("maraboupy") is None:
            return "the marabou runner needs maraboupy (pip install reluhard[marabou])"
    elif runner not in HANDLERS and "{onnx}" not in runner:
        return (f"runner {runner!r} is neither {' nor '.join(BUILTIN)} nor a command "
                "template with {onnx} and {vnnlib}")  # fmt: skip
    return None


def run(
    category: str, runner: str, out_dir: str, *, timeout: float | None = None, jobs: int = 1,
    progress=None,
) -> list[Ran]:  # fmt: skip
    """Run ``runner`` on every instance of ``category``, writing the result files into
    ``out_dir`` (``timeout`` caps each instance's own limit)."""
    why = refusal(runner)
    if why:
        raise InputError(None, None, why)
    cat, out = Path(category), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = instances(category)
    tasks = [(k, _task(runner, cat, row, out, timeout)) for k, row in enumerate(rows)]
    ran: list[Ran] = []
    with Pool(jobs) as pool:
        for k, outcome in pool.map(tasks):
            name = Path(rows[k][1]).stem
            path = out / (name + ".counterexample")
            cpu = None
            if outcome.ended == "ok" and outcome.messages:
                text, seconds, cpu = outcome.messages[0]
            else:
                text = "timeout\n" if outcome.ended == "timeout" else "error\n"
                seconds = outcome.time
            path.write_text(text, encoding="utf-8")
            word = text.split("\n", 1)[0].strip()
            ended = outcome.ended if outcome.ended == "ok" else f"{outcome.ended}: {outcome.detail}"
            r = Ran(name, str(path), word, ended, seconds, cpu)
            ran.append(r)
            if progress:
                progress(r)
    return sorted(ran, key=lambda r: r.name)
