"""Worker processes for code that may crash or hang: SAT solvers and the proof checker.

A cross-check runs native solvers on inputs chosen to break them, and they do break: in
python-sat 1.9, MapleSAT dies with SIGSEGV on a formula with no clauses. Each task therefore
runs in a worker process; a worker that dies or overruns its time budget is reported
(``crash`` with the signal, or ``timeout``), killed and replaced, and the run goes on.

A task is ``(handler, payload, budgets)``: the worker calls ``handler(payload)``, a generator,
and sends back every message it yields. ``budgets[k]`` is the time allowed until message
``k`` arrives (``None``: no limit), so a solver and the proof check after it get separate
budgets and a verdict that arrived survives a checker that hangs. Workers come from a
``forkserver``: started from a clean process, never forked from a parent that runs threads.
``jobs=0`` runs tasks in this process, for debugging (no isolation, no time limits).
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

#: modules the forkserver imports once, so that every worker starts with them loaded.
#: (the guard first: it ties the forkserver's life to the pool owner's)
PRELOAD = ["reluhard.crosscheck.forkserver_guard", "reluhard.crosscheck.runners"]
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass
class Task:
    handler: str  # "module:function", importable in a worker
    payload: Any
    budgets: Sequence[float | None] = ()


@dataclass
class Outcome:
    """What came back from a task: the messages, and how it ended (``ok``, ``timeout``,
    ``crash`` or ``error``, with ``detail``); ``cpu``: the worker's CPU seconds for the
    task when it ended ``ok`` (else 0: a killed worker reports nothing)."""

    messages: list = field(default_factory=list)
    ended: str = "ok"
    detail: str = ""
    time: float = 0.0
    cpu: float = 0.0


def _resolve(handler: str) -> Callable[[Any], Iterable]:
    module, _, name = handler.partition(":")
    return getattr(importlib.import_module(module), name)


def _die_with_parent() -> None:
    """Have the kernel kill this process when its parent goes (Linux ``prctl``): a worker
    dies with the forkserver, and the forkserver with the pool's owner
    (:mod:`.forkserver_guard`), so no solver outlives a killed cross-check."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _serve(conn) -> None:
    """Worker loop: receive a task, stream its messages, then ``("end", None)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            cpu = time.process_time()
            for msg in _resolve(task.handler)(task.payload):
                conn.send(("msg", msg))
            conn.send(("end", time.process_time() - cpu))
        except Exception as e:  # reported to the parent, the worker lives on
            tb = traceback.extract_tb(e.__traceback__)[-1]
            where = f"{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}"
            conn.send(("error", f"{type(e).__name__}: {e} ({where})"))


def _signal_name(code: int | None) -> str:
    if code is None:
        return "killed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


class _Worker:
    def __init__(self, ctx) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.key: Any = None
        self.task: Task | None = None
        self.outcome: Outcome | None = None
        self.start = 0.0
        self.deadline: float | None = None

    def assign(self, key: Any, task: Task) -> None:
        self.key, self.task, self.outcome = key, task, Outcome()
        self.start = time.perf_counter()
        self._arm(0)
        self.conn.send(task)

    def _arm(self, k: int) -> None:
        budgets = self.task.budgets if self.task else ()
        b = budgets[k] if k < len(budgets) else None
        self.deadline = None if b is None else time.perf_counter() + b

    def finish(self, ended: str, detail: str = "") -> tuple[Any, Outcome]:
        out = self.outcome
        assert out is not None, "only a busy worker finishes"
        out.ended, out.detail = ended, detail
        out.time = time.perf_counter() - self.start
        key = self.key
        self.key = self.task = self.outcome = None
        self.deadline = None
        return key, out

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


class Pool:
    """``jobs`` worker processes (see the module docstring); use as a context manager."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(0, int(jobs))
        self._ctx = None
        self._workers: list[_Worker] = []
        if self.jobs:
            self._ctx = mp.get_context("forkserver")
            self._ctx.set_forkserver_preload(PRELOAD)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, *exc) -> None:
        self.close(now=kind is not None)

    def close(self, now: bool = False) -> None:
        """Stop the workers: ask each to exit, and kill those still busy after a second;
        ``now`` (an exception, ^C, SIGTERM): kill them all at once."""
        for w in self._workers:
            if w.proc.is_alive() and not now:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in self._workers:
            if not now:
                w.proc.join(timeout=1)
            w.kill()
        self._workers = []

    def run(self, task: Task) -> Outcome:
        """Run one task and wait for it."""
        return next(self.map([(None, task)]))[1]

    def map(self, tasks: Iterable[tuple[Any, Task]]) -> Iterator[tuple[Any, Outcome]]:
        """Run ``(key, task)`` pairs, yielding ``(key, outcome)`` as each finishes."""
        if not self.jobs:
            yield from ((key, _run_here(task)) for key, task in tasks)
            return
        pending = iter(tasks)
        while len(self._workers) < self.jobs:
            self._workers.append(_Worker(self._ctx))
        busy: list[_Worker] = []
        idle = list(self._workers)
        exhausted = False
        while True:
            while idle and not exhausted:
                nxt = next(pending, None)
                if nxt is None:
                    exhausted = True
                    break
                w = idle.pop()
                w.assign(*nxt)
                busy.append(w)
            if not busy:
                return
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.perf_counter()) if deadlines else None
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout)
            for w in list(busy):
                done = None
                if w.conn in ready or w.proc.sentinel in ready:
                    done = self._drain(w)
                if done is None and w.deadline is not None and time.perf_counter() > w.deadline:
                    done = self._replace(w, "timeout", "time budget exceeded")
                if done is not None:
                    busy.remove(w)
                    idle.append(self._workers[self._index(w, done[2])])
                    yield done[0], done[1]

    def _index(self, w: _Worker, replacement: _Worker | None) -> int:
        if replacement is None:
            return self._workers.index(w)
        i = self._workers.index(w)
        self._workers[i] = replacement
        return i

    def _drain(self, w: _Worker):
        """Read what ``w`` sent; ``(key, outcome, replacement)`` when its task ended."""
        assert w.outcome is not None, "only a busy worker is drained"
        try:
            while w.conn.poll():
                kind, value = w.conn.recv()
                if kind == "msg":
                    w.outcome.messages.append(value)
                    w._arm(len(w.outcome.messages))
                elif kind == "end":
                    w.outcome.cpu = value
                    return (*w.finish("ok"), None)
                else:
                    return (*w.finish("error", value), None)
        except (EOFError, OSError):
            pass
        if not w.proc.is_alive():
            w.proc.join()
            return self._replace(w, "crash", _signal_name(w.proc.exitcode))
        return None

    def _replace(self, w: _Worker, ended: str, detail: str):
        key, out = w.finish(ended, detail)
        w.kill()
        return key, out, _Worker(self._ctx)


def _run_here(task: Task) -> Outcome:
    out = Outcome()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        out.messages.extend(_resolve(task.handler)(task.payload))
    except Exception as e:
        out.ended, out.detail = "error", f"{type(e).__name__}: {e}"
    out.time = time.perf_counter() - start
    out.cpu = time.process_time() - cpu
    return out
