"""The measurement of ``reluhard scaling``: every instance decided by every route, one row
per instance x method (fields :data:`.rows.CSV_FIELDS`)."""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import InputError
from ...progress import Progress
from . import runners
from .instances import DEFAULT_K, DEFAULT_PER_N, DEFAULT_RATIO, DEFAULT_SEED, DEFAULT_VIA, instances
from .rows import BRUTE, CADICAL_METHOD, CLOCKS, DEFAULT_CLOCK, SAT, UNSAT

DEFAULT_SOLVERS = "auto"
DEFAULT_TIME_LIMIT = 60.0


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
    progress: Progress | None = None,
) -> list[dict]:
    """Decide ``per_n`` random k-CNFs per ``n`` in ``ns`` by brute force, each MILP back end
    of ``solvers`` and CaDiCaL; one row per instance x method (keys :data:`.rows.CSV_FIELDS`).

    ``agrees`` is ``True``/``False`` for a decided row (SAT/UNSAT against brute force's
    verdict; brute force's own row against CaDiCaL) and ``None`` otherwise; a row with
    ``verdict == "ERROR"`` or ``agrees is False`` is a wrong answer (see
    :func:`.rows.problems`).
    """
    if clock not in CLOCKS:
        raise InputError(None, None, f"unknown clock {clock!r} (choose from {', '.join(CLOCKS)})")
    ns = list(ns)
    for n in ns:
        if n < k:
            raise InputError(None, None, f"a {k}-CNF needs at least {k} variables, not n = {n}")
    runners.warm_up(via, solvers)
    weights = {n: float(2**n) + 4096.0 for n in ns}  # brute force dominates
    total = sum(weights[n] for n in ns) * per_n
    done = 0.0
    rows: list[dict] = []

    def say(frac: float, inst, what: str) -> None:
        if progress is not None:
            progress.update(frac, f"n={inst.n} #{inst.index + 1} {what}")

    for n in ns:
        w = weights[n]
        for inst in instances(n, via=via, ratio=ratio, k=k, per_n=per_n, seed=seed):
            base = {"n": n, "instance": inst.index, "seed": inst.seed, "clauses": inst.clauses}
            say(done / total, inst, BRUTE)

            def tick(frac: float, _done=done, _w=w, _inst=inst) -> None:
                say((_done + frac * _w) / total, _inst, BRUTE)

            en = runners.brute_force(inst.problem, tick)
            results: list[tuple[str, str, float | None, float | None, str]] = [
                (
                    BRUTE,
                    SAT if en.count else UNSAT,
                    en.cpu_seconds,
                    en.wall_seconds,
                    f"{en.tried} latents, {en.candidates} float hits checked exactly",
                )
            ]
            for name in solvers:
                say((done + w) / total, inst, name)
                results.append(
                    (f"milp:{name}", *runners.milp(inst.cnf, inst.problem, via, name, time_limit))
                )
            say((done + w) / total, inst, "cadical")
            cad = runners.cadical(inst.cnf)
            results.append((CADICAL_METHOD, *cad))
            ref = SAT if en.count else UNSAT
            for method, verdict, seconds, wall, detail in results:
                if method == BRUTE:
                    agrees = verdict == cad[0] if cad[0] in (SAT, UNSAT) else None
                else:
                    agrees = verdict == ref if verdict in (SAT, UNSAT) else None
                rows.append(
                    {
                        **base,
                        "method": method,
                        "seconds": seconds if clock == "cpu" else wall,
                        "cpu_seconds": seconds,
                        "wall_seconds": wall,
                        "verdict": verdict,
                        "brute_count": en.count,
                        "agrees": agrees,
                        "detail": detail,
                    }
                )
            done += w
    if progress is not None:
        progress.update(1.0, "done")
    return rows
