"""The measurement of ``reluhard scaling``: every instance decided by every route, one row
per instance x method (fields :data:`.rows.CSV_FIELDS`).

Brute force runs at the sizes ``ns`` only (its ``2^n`` wall arrives early); the MILP back
ends and CaDiCaL run there and on at the larger ``solver_ns``, each until its slowest instance at
a size exceeds ``budget`` seconds (then it is not run at larger sizes): the panel reaches the
``n`` where each solver takes about ``budget`` seconds, so its own growth shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import InputError
from ...progress import Progress
from . import runners
from .instances import DEFAULT_K, DEFAULT_PER_N, DEFAULT_RATIO, DEFAULT_SEED, DEFAULT_VIA, instances
from .rows import BRUTE, CADICAL_METHOD, CLOCKS, DEFAULT_CLOCK, SAT, UNKNOWN, UNSAT

DEFAULT_SOLVERS = "highs"
DEFAULT_TIME_LIMIT = 60.0


Result = tuple[str, str, float | None, float | None, str]


def _rows(base: dict, results: Sequence[Result], count: int | None, clock: str) -> list[dict]:
    """The rows of one instance: each method's outcome with its agreement (see
    :func:`measure`)."""
    cad = next((r[1] for r in results if r[0] == CADICAL_METHOD), None)
    if count is not None:
        ref: str | None = SAT if count else UNSAT
    else:
        ref = cad if cad in (SAT, UNSAT) else None
    truth = None if ref is None else ref == SAT
    out = []
    for method, verdict, seconds, wall, detail in results:
        if method == BRUTE:
            agrees = verdict == cad if cad in (SAT, UNSAT) else None
        elif method == CADICAL_METHOD and count is None:
            agrees = None  # the reference itself (its model is checked)
        else:
            agrees = verdict == ref if verdict in (SAT, UNSAT) and ref else None
        out.append(
            {
                **base,
                "method": method,
                "seconds": seconds if clock == "cpu" else wall,
                "cpu_seconds": seconds,
                "wall_seconds": wall,
                "verdict": verdict,
                "brute_count": count,
                "satisfiable": truth,
                "agrees": agrees,
                "detail": detail,
            }
        )
    return out


def _within(rows: Sequence[dict], n: int, method: str, budget: float, time_limit: float) -> bool:
    """Whether ``method`` runs on past ``n``: every run at ``n`` decided or timed out, and
    the slowest (a time-out counted as ``time_limit``) at most ``budget`` seconds."""
    at = [r for r in rows if r["n"] == n and r["method"] == method]
    if not at or any(r["verdict"] not in (SAT, UNSAT, UNKNOWN) or r["seconds"] is None for r in at):
        return False
    ts = [r["seconds"] if r["verdict"] != UNKNOWN else time_limit for r in at]
    return max(ts) <= budget


def _check(ns: Sequence[int], k: int, clock: str) -> None:
    if clock not in CLOCKS:
        raise InputError(None, None, f"unknown clock {clock!r} (choose from {', '.join(CLOCKS)})")
    for n in ns:
        if n < k:
            raise InputError(None, None, f"a {k}-CNF needs at least {k} variables, not n = {n}")


def measure(
    ns: Sequence[int],
    *,
    via: str = DEFAULT_VIA,
    ratio: float = DEFAULT_RATIO,
    k: int = DEFAULT_K,
    per_n: int = DEFAULT_PER_N,
    solvers: Sequence[str] = (DEFAULT_SOLVERS,),
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = DEFAULT_SEED,
    clock: str = DEFAULT_CLOCK,
    solver_ns: Sequence[int] = (),
    budget: float | None = None,
    progress: Progress | None = None,
    warm: bool = True,
) -> list[dict]:
    """Decide ``per_n`` random k-CNFs per ``n`` by brute force (``n`` in ``ns``), each MILP
    back end of ``solvers`` and CaDiCaL (``n`` in ``ns`` and ``solver_ns``, each solver until
    its slowest instance exceeds ``budget``); one row per instance x method (keys
    :data:`.rows.CSV_FIELDS`).

    ``agrees`` is ``True``/``False`` for a decided row, against brute force's verdict where
    it ran (brute force's own row against CaDiCaL), else against CaDiCaL's (CaDiCaL's own row
    then ``None``), and ``None`` otherwise; a row with ``verdict == "ERROR"`` or ``agrees is
    False`` is a wrong answer (see :func:`.rows.problems`). Every SAT answer's model is also
    checked against the CNF. ``brute_count`` is ``None`` where brute force did not run.
    """
    brute_ns = list(ns)
    all_ns = sorted(set(brute_ns) | set(solver_ns))
    _check(all_ns, k, clock)
    if warm:
        runners.warm_up(via, solvers)
    weights = {n: (float(2**n) if n in brute_ns else 0.0) + 4096.0 for n in all_ns}
    total = sum(weights.values()) * per_n
    done = 0.0
    rows: list[dict] = []
    active = [f"milp:{s}" for s in solvers] + [CADICAL_METHOD]

    def say(frac: float, inst, what: str) -> None:
        if progress is not None:
            progress.update(frac, f"k={k} n={inst.n} #{inst.index + 1} {what}")

    for n in all_ns:
        w = weights[n]
        run_brute = n in brute_ns
        running = list(active)
        if not run_brute and not running:
            done += w * per_n
            continue
        for inst in instances(n, via=via, ratio=ratio, k=k, per_n=per_n, seed=seed):
            base = {
                "k": k,
                "n": n,
                "instance": inst.index,
                "seed": inst.seed,
                "clauses": inst.clauses,
            }
            results: list[Result] = []
            count = None
            if run_brute:
                say(done / total, inst, BRUTE)

                def tick(frac: float, _done=done, _w=w, _inst=inst) -> None:
                    say((_done + frac * (_w - 4096.0)) / total, _inst, BRUTE)

                en = runners.brute_force(inst.problem, tick)
                count = en.count
                results.append(
                    (
                        BRUTE,
                        SAT if en.count else UNSAT,
                        en.cpu_seconds,
                        en.wall_seconds,
                        f"{en.tried} latents, {en.candidates} float hits checked exactly",
                    )
                )
            for method in running:
                say((done + w) / total, inst, method.removeprefix("milp:"))
                if method == CADICAL_METHOD:
                    results.append((method, *runners.cadical(inst.cnf)))
                else:
                    name = method.removeprefix("milp:")
                    results.append(
                        (method, *runners.milp(inst.cnf, inst.problem, via, name, time_limit))
                    )
            rows += _rows(base, results, count, clock)
            done += w
        if budget is not None:
            active = [
                m for m in active if m not in running or _within(rows, n, m, budget, time_limit)
            ]
    if progress is not None:
        progress.update(1.0, "done")
    return rows
