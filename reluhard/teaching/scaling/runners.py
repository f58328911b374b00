"""Timing one route on one instance, by CPU time of this process and by wall-clock time:
brute force's full count of the latents (:func:`brute_force`), a MILP back end on the
network (:func:`milp`), CaDiCaL on the CNF itself (:func:`cadical`).

:func:`milp` and :func:`cadical` return an outcome ``(verdict, CPU seconds, wall seconds,
detail)`` with a verdict word of :mod:`.rows`; the seconds are ``None`` when nothing ran.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from ...blas import single_threaded
from ...errors import InputError
from ...fds import redirected
from ...inversion import InversionProblem
from ...problems.cnf import CNF, check
from ...solvers import Verdict
from ...solvers.exhaustive import MAX_N, Enumeration, enumerate_latents
from ...status import Status
from .instances import latent_values, warm_up_instance
from .rows import BRUTE, CADICAL_METHOD, ERROR, NA, SAT, UNKNOWN, UNSAT

MILP_SOLVERS = ("auto", "cpsat", "scip", "highs")
CADICAL = "cadical195"
CADICAL_RUNS = 3
#: brute force is timed as the best of this many full enumerations (as CaDiCaL is)
BRUTE_RUNS = 3

Outcome = tuple[str, float | None, float | None, str]


def count_inverting(
    problem: InversionProblem, *, tick: Callable[[float], None] | None = None
) -> Enumeration:
    """Evaluate the network on *all* ``2^n`` latents and count those that invert it.

    The latents are those of a sign or binary domain, or the vertices of the stated box for
    the reductions in :data:`.instances.VERTEX_COMPLETE`. Each float hit is confirmed by
    :func:`reluhard.inversion.check_latent` (exact), so the count is exact. ``tick``, if
    given, is called now and then with the fraction of latents done. OpenBLAS runs on one
    thread meanwhile (:func:`reluhard.blas.single_threaded`): the MILP back ends and CaDiCaL
    run on one thread, so brute force should too.
    """
    values = latent_values(problem)
    if problem.n > MAX_N:
        raise InputError(
            None, None, f"brute force enumerates 2^n latents; n = {problem.n} > {MAX_N}"
        )
    with single_threaded():
        return enumerate_latents(problem, values, tick=tick)


def brute_force(problem: InversionProblem, tick: Callable[[float], None]) -> Enumeration:
    """:func:`count_inverting` :data:`BRUTE_RUNS` times; the fastest CPU and the fastest
    wall-clock time count (every ``n`` alike, so the repetition does not bend the curve)."""
    best: Enumeration | None = None
    for r in range(BRUTE_RUNS):

        def at(f: float, r: int = r) -> None:
            tick((r + f) / BRUTE_RUNS)

        run = count_inverting(problem, tick=at)
        if best is None:
            best = run
            continue
        if run.count != best.count:
            raise RuntimeError("brute force counted differently on the same network")
        best.cpu_seconds = min(best.cpu_seconds, run.cpu_seconds)
        best.wall_seconds = min(best.wall_seconds, run.wall_seconds)
    assert best is not None  # BRUTE_RUNS >= 1
    return best


def _network_route(
    cnf: CNF, problem: InversionProblem, via: str, name: str, time_limit: float
) -> tuple[Verdict, float, bool | None]:
    """Decide ``problem`` with back end ``name`` through :func:`reluhard.pipeline.decide`:
    its verdict, the CPU seconds of the decision, and whether a latent was found and decoded
    to a model that the CNF checker accepted (``None`` when no latent was found; a decoded
    model that fails is a bug and raises)."""
    from ...pipeline import decide

    c0 = time.process_time()
    d = decide(problem, name, time_limit=time_limit)
    cpu = time.process_time() - c0
    if d.status is not Status.INVERTIBLE:
        return d.verdict, cpu, None
    return d.verdict, cpu, d.certificate is not None and check(cnf, d.certificate)


def milp(cnf: CNF, problem: InversionProblem, via: str, name: str, time_limit: float) -> Outcome:
    """The outcome of MILP back end ``name`` on ``problem``; the wall time is
    ``Verdict.time``, the CPU time is measured around the same call."""
    try:
        with redirected({1: None, 2: None}):  # HiGHS banner vs progress bar
            v, cpu, model_ok = _network_route(cnf, problem, via, name, time_limit)
    except InputError as e:  # the back end refuses this network
        return NA, None, None, str(e)
    except Exception as e:  # a crash is a bug in the library
        return ERROR, None, None, f"{type(e).__name__}: {e}"
    used = v.solver  # the back end that ran (auto names the one it chose)
    if v.status == "INVERTIBLE":
        if not model_ok:
            return ERROR, cpu, v.time, f"{used}: the decoded latent fails the CNF check"
        return SAT, cpu, v.time, f"{used}: INVERTIBLE, model checked"
    if v.status == "NOT_INVERTIBLE":
        return UNSAT, cpu, v.time, f"{used}: NOT_INVERTIBLE"
    return UNKNOWN, cpu, v.time, f"{used}: {v.reason}"


def cadical(cnf: CNF) -> Outcome:
    """The fastest of :data:`CADICAL_RUNS` ``solve()`` calls on fresh solvers, by each clock
    (loading the clauses is not timed); a model is checked against the CNF."""
    from pysat.solvers import Solver

    if np.any(cnf.widths == 0):  # an empty clause: python-sat cannot take it
        return UNSAT, 0.0, 0.0, "empty clause"
    clauses = cnf.clauses()
    runs, sat, model = [], None, None
    for _ in range(CADICAL_RUNS):
        with Solver(name=CADICAL, bootstrap_with=clauses) as s:
            t0, c0 = time.perf_counter(), time.process_time()
            res = bool(s.solve())
            runs.append((time.process_time() - c0, time.perf_counter() - t0))
            if sat is None:
                sat = res
                if res:
                    got = {abs(v): v for v in (s.get_model() or [])}
                    model = [got.get(v, -v) for v in range(1, cnf.nvars + 1)]
            elif res != sat:
                return ERROR, *_best(runs), "CaDiCaL gave different answers on the same formula"
    if sat:
        assert model is not None  # taken with the first SAT answer
        if not check(cnf, model):
            return ERROR, *_best(runs), "CaDiCaL's model fails the CNF check"
    return (SAT if sat else UNSAT), *_best(runs), "model checked" if sat else ""


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest CPU time and the fastest wall-clock time of ``runs``."""
    return min(r[0] for r in runs), min(r[1] for r in runs)


#: timed runs of each method on the trivial instance, for its start-up overhead
OVERHEAD_RUNS = 5


def overheads(via: str, milp_solvers: Sequence[str], clock: str) -> dict[str, float]:
    """Each method's start-up overhead: its median time (by ``clock``, ``cpu`` or ``wall``)
    over :data:`OVERHEAD_RUNS` runs on the trivial formula of
    :func:`.instances.warm_up_instance` (4 variables), keyed by method name as in the rows
    (``brute``, ``milp:NAME``, ``cadical``). A method that fails there has no entry."""
    cnf, problem = warm_up_instance(via)
    col = 0 if clock == "cpu" else 1
    times: dict[str, list[float]] = {}
    for _ in range(OVERHEAD_RUNS):
        en = count_inverting(problem)
        times.setdefault(BRUTE, []).append((en.cpu_seconds, en.wall_seconds)[col])
        for name in milp_solvers:
            v, cpu, wall, _ = milp(cnf, problem, via, name, 10.0)
            if v in (SAT, UNSAT) and cpu is not None and wall is not None:
                times.setdefault(f"milp:{name}", []).append((cpu, wall)[col])
        v, cpu, wall, _ = cadical(cnf)
        if v in (SAT, UNSAT) and cpu is not None and wall is not None:
            times.setdefault(CADICAL_METHOD, []).append((cpu, wall)[col])
    return {m: statistics.median(ts) for m, ts in times.items()}


def warm_up(via: str, milp_solvers: Sequence[str]) -> None:
    """Solve a tiny formula with every method, untimed (library loading, first calls)."""
    cnf, problem = warm_up_instance(via)
    with contextlib.suppress(Exception):
        count_inverting(problem)
    for name in milp_solvers:
        with contextlib.suppress(Exception):
            milp(cnf, problem, via, name, 10.0)
    with contextlib.suppress(Exception):
        cadical(cnf)
