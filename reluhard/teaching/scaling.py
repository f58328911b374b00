"""``reluhard scaling``: the ``2^n`` lower bound of SETH as a measured curve.

For each ``n`` from ``--n-min`` to ``--n-max`` (by ``--step``), ``--per-n`` uniform random
k-CNFs (default 3-CNF with ``round(4.26 n)`` clauses, the satisfiability threshold) are built
from ``--seed``, reduced to an inversion problem (``--via``, default ``sat-sign``) and decided
three ways:

1. **brute force** over the latent: *every* one of the ``2^n`` latents is evaluated and the
   inverting ones are counted (no early exit at the first solution), so its time is the
   honest ``2^n`` enumeration. It reuses the chunking of :mod:`reluhard.solvers.brute`
   (latent ``k`` sets ``z_i`` from bit ``i`` of ``k``; chunks of consecutive ``k``; a float
   filter with brute's tolerance; every float hit decided by the exact rational check, so
   the count is exact). One refinement keeps it fast and in cache: chunks are aligned
   blocks of ``2^L`` latents (about :data:`BLOCK_ELEMENTS` floats per layer), whose
   first-layer pre-activations are a fixed table for the ``L`` low bits plus one vector for
   the high bits of the block, ``W z + b = W_low z_low + (W_high z_high + b)``. Every latent
   still goes through every activation and the output test; only the first matrix product
   is shared. The cost is ``2^n`` times a polynomial in the network size (for ``sat-sign``
   about ``m = 4.26 n`` operations per latent). OpenBLAS runs on one thread meanwhile, as the
   other methods do. ``sat-sign`` latents are ``{-1,1}^n``; for ``sat-real`` the vertices of
   its box ``[-1,1]^n`` are enumerated, which is complete there (every solution in the box
   is a vertex). Timed as the best of 3 full runs, for every ``n`` alike (the count must not
   change between runs).
2. each **MILP back end** of ``--solvers`` (default ``auto``; also ``cpsat``, ``scip``,
   ``highs``) through :func:`reluhard.solvers.solve` with ``--time-limit`` (default 60 s),
   one run: bound propagation, model building and solving. A time-out is ``UNKNOWN`` and
   counts as the time limit in medians (a lower bound).
3. **CaDiCaL 1.9.5** through python-sat on the CNF itself: only ``solve()`` is timed (loading
   the clauses is not), best of 3 fresh solvers; its model is checked against the CNF.

Building the network (:func:`reluhard.pipeline.reduce_instance`) is common to 1 and 2 and not
timed. Before timing, every method solves a tiny formula once, so loading a solver library is
not charged to the first instance.

**Which clock.** Every row holds the CPU time of this process (``time.process_time``, all its
threads) and the wall-clock time of the same call; ``--clock`` (default ``cpu``) says which
one is ``seconds``, the time of the medians, fits and plot. All methods run single-threaded,
so on an idle machine the two agree; on a busy shared machine other jobs inflate wall-clock
times by a varying factor, CPU times far less (on a loaded 2-core machine, brute force's
fitted base from wall-clock times ranged over 1.87-2.19 in repeated runs, from CPU times
over 1.96-2.13).

**Agreement.** ``brute count > 0`` must hold exactly when CaDiCaL says SAT and when a MILP
back end says INVERTIBLE (whose latent is decoded through the reduction and checked against
the CNF). Any disagreement, failed model check or crash is an error: :func:`run` prints it
loudly, still writes the results, and returns 1.

**The fit.** :func:`fit_base` fits ``log2(time) = n log2(c) + a`` by least squares to the
median time per ``n``, using only the ``n`` whose median exceeds :data:`TIME_FLOOR`
(5 ms). Below that, fixed costs (Python interpreter overhead, solver set-up, numpy call
overhead) dominate and flatten the curve, which would pull the fitted base ``c`` down for
reasons that have nothing to do with ``2^n``. If fewer than two ``n`` pass the floor (CaDiCaL
on these formulas is far below it), all ``n`` are fitted and the fit is flagged as
overhead-dominated. The fitted ``c`` includes the polynomial factor of the per-latent cost
(for brute force on ``sat-sign``, cost ~ ``m 2^n`` with ``m`` proportional to ``n``, at most
a few percent above 2 over the default range).

**Outputs** (in ``--out``, default ``scaling-out``): ``scaling.csv`` (one row per instance x
method: ``n, instance, seed, clauses, method, seconds, cpu_seconds, wall_seconds, verdict,
brute_count, agrees, detail``), ``scaling.json`` (the rows, medians, fitted bases,
parameters, machine information, the caption), ``scaling.png`` (median time against ``n`` on
a log scale with the fitted lines, the bases in the legend, and a caption on what SETH says
and what the curves show). The instance of a row is rebuilt by ``random_kcnf(n, clauses, k,
numpy.random.default_rng(seed))`` with that row's ``seed`` (derived from ``--seed``, ``n``
and the instance index by :func:`instance_seed`).

The default range (``n`` 12 to 24 by 2, 3 instances each) takes 30-45 s on a 2-core machine
(brute force's three runs at ``n = 24`` are most of it) and puts brute force's fitted base
within a few percent of 2.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..fds import redirected
from ..inversion import InversionProblem, check_latent
from ..machine import machine_info
from ..progress import Progress
from ..solvers import brute

# ------------------------------------------------------------------------------ defaults

DEFAULT_VIA = "sat-sign"
DEFAULT_N_MIN = 12
DEFAULT_N_MAX = 24
DEFAULT_STEP = 2
DEFAULT_RATIO = 4.26
DEFAULT_K = 3
DEFAULT_PER_N = 3
DEFAULT_SOLVERS = "auto"
DEFAULT_TIME_LIMIT = 60.0
DEFAULT_SEED = 0
DEFAULT_OUT = "scaling-out"
DEFAULT_CLOCK = "cpu"
CLOCKS = ("cpu", "wall")
MILP_SOLVERS = ("auto", "cpsat", "scip", "highs")

#: medians at or below this many seconds are left out of the fit (overhead-dominated)
TIME_FLOOR = 0.005
CADICAL = "cadical195"
CADICAL_RUNS = 3
#: brute force is timed as the best of this many full enumerations (as CaDiCaL is)
BRUTE_RUNS = 3
#: elements (float64) per block of the enumeration: 512 kB arrays, which stay in L2 cache
BLOCK_ELEMENTS = 1 << 16
#: reductions with a real latent whose solutions inside the stated box are exactly the
#: box's vertices, so enumerating ``{lo, hi}^n`` is complete (see ``sat_real``'s docstring:
#: ``G(z) = x`` forces ``|clamp(z_i)| = 1`` for every ``i``)
VERTEX_COMPLETE = ("sat-real",)

BRUTE = "brute"
CADICAL_METHOD = "cadical"
SAT, UNSAT, UNKNOWN, NA, ERROR = "SAT", "UNSAT", "UNKNOWN", "n/a", "ERROR"
CSV_FIELDS = (
    "n",
    "instance",
    "seed",
    "clauses",
    "method",
    "seconds",
    "cpu_seconds",
    "wall_seconds",
    "verdict",
    "brute_count",
    "agrees",
    "detail",
)

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


def method_label(method: str) -> str:
    """A name for legends and tables."""
    if method == BRUTE:
        return "brute force"
    if method == CADICAL_METHOD:
        return "CaDiCaL 1.9.5"
    return f"MILP {method.removeprefix('milp:')}"


# --------------------------------------------------------------------------- enumeration


@dataclass
class Enumeration:
    """What :func:`count_inverting` found: how many of the ``tried`` latents invert."""

    count: int
    tried: int
    candidates: int
    cpu_seconds: float
    wall_seconds: float
    first: list[int] | None = None


def _vertex_values(problem: InversionProblem) -> tuple[int, int]:
    """The two values each latent coordinate takes in the enumeration."""
    vals = problem.domain.values()
    if vals is not None:
        return vals
    name = problem.reduction.get("name", "")
    box = problem.domain.bounds()
    if name in VERTEX_COMPLETE and box is not None and all(float(v).is_integer() for v in box):
        return int(box[0]), int(box[1])
    raise InputError(
        None,
        None,
        f"brute force enumerates a two-valued latent; the '{name or '?'}' network has a "
        f"'{problem.domain.kind}' latent (enumerable: sign, binary, or "
        f"{', '.join(VERTEX_COMPLETE)})",
    )


_BLAS_THREAD_SYMBOLS = (
    ("openblas_get_num_threads", "openblas_set_num_threads"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
)


@functools.cache
def _blas_thread_controls() -> tuple:
    """(getter, setter) of every loaded OpenBLAS's thread count (Linux; else none)."""
    found = []
    with contextlib.suppress(Exception):
        import ctypes

        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower()}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            for get_name, set_name in _BLAS_THREAD_SYMBOLS:
                getter, setter = getattr(lib, get_name, None), getattr(lib, set_name, None)
                if getter is not None and setter is not None:
                    found.append((getter, setter))
                    break
    return tuple(found)


@contextlib.contextmanager
def single_threaded_blas():
    """Run OpenBLAS (numpy's matrix products) on one thread meanwhile, where it can be found
    (Linux; otherwise a no-op). The MILP back ends and CaDiCaL run on one thread, so brute
    force should too; and on a busy machine OpenBLAS's worker threads make the small products
    of the enumeration several times slower and erratic."""
    restore = []
    for getter, setter in _blas_thread_controls():
        with contextlib.suppress(Exception):
            before = int(getter())
            setter(1)
            restore.append((setter, before))
    try:
        yield
    finally:
        for setter, before in restore:
            with contextlib.suppress(Exception):
                setter(before)


def count_inverting(
    problem: InversionProblem, *, tick: Callable[[float], None] | None = None
) -> Enumeration:
    """Evaluate the network on *all* ``2^n`` latents and count those that invert it.

    The latents are those of a sign or binary domain, or the vertices of the stated box for
    the reductions in :data:`VERTEX_COMPLETE`. Each float hit is confirmed by
    :func:`reluhard.inversion.check_latent` (exact), so the count is exact. ``tick``, if
    given, is called now and then with the fraction of latents done. OpenBLAS runs on one
    thread meanwhile (:func:`single_threaded_blas`).
    """
    with single_threaded_blas():
        return _count_inverting(problem, tick)


def _count_inverting(
    problem: InversionProblem, tick: Callable[[float], None] | None
) -> Enumeration:
    t0, c0 = time.perf_counter(), time.process_time()
    lo, hi = _vertex_values(problem)
    n = problem.n
    if n > brute.MAX_N:
        raise InputError(None, None, f"brute force enumerates 2^n latents; n = {n} > {brute.MAX_N}")
    net, x = problem.network, problem.target
    tol = brute.tolerance(problem)
    first, rest = net.layers[0], net.layers[1:]
    W = first.W.toarray() if first.sparse else np.asarray(first.W)
    L = min(n, max(0, int(math.log2(max(1, BLOCK_ELEMENTS // max(net.widths))))))
    low = np.arange(1 << L, dtype=np.int64)
    table = np.where((low[:, None] >> np.arange(L)) & 1, float(hi), float(lo)) @ W[:, :L].T
    W_high = np.ascontiguousarray(W[:, L:])
    high_shifts = np.arange(n - L, dtype=np.int64)
    buf = np.empty_like(table)
    relu = first.activation == "relu"
    blocks = 1 << (n - L)
    every = max(1, blocks // 200)
    count = candidates = 0
    found: list[int] | None = None
    for h in range(blocks):
        z_high = np.where((h >> high_shifts) & 1, float(hi), float(lo))
        np.add(table, W_high @ z_high + first.b, out=buf)
        if relu:
            A = np.maximum(buf, 0.0, out=buf)
        else:
            A = first.act(buf)
        for layer in rest:
            A = layer.act(layer.pre(A))
        for i in np.flatnonzero(brute.hits(A - x, problem.query, tol)):
            candidates += 1
            k = (h << L) | int(i)
            z = [hi if (k >> j) & 1 else lo for j in range(n)]
            if check_latent(problem, z):
                count += 1
                if found is None:
                    found = z
        if tick is not None and h % every == 0:
            tick(h / blocks)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return Enumeration(count, 1 << n, candidates, cpu, wall, found)


# ------------------------------------------------------------------------------ measuring


def instance_seed(seed: int, n: int, index: int) -> int:
    """The seed of instance ``index`` at size ``n``: ``random_kcnf(n, m, k,
    numpy.random.default_rng(instance_seed(...)))`` rebuilds it."""
    return int(np.random.SeedSequence([seed, n, index]).generate_state(1)[0])


def _cadical(cnf) -> tuple[str, float, float, str]:
    """(verdict, CPU seconds, wall seconds, detail): the fastest of :data:`CADICAL_RUNS`
    ``solve()`` calls on fresh solvers, by each clock (loading the clauses is not timed)."""
    from pysat.solvers import Solver

    from ..problems.cnf import check

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
    if sat and not check(cnf, model):
        return ERROR, *_best(runs), "CaDiCaL's model fails the CNF check"
    return (SAT if sat else UNSAT), *_best(runs), "model checked" if sat else ""


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest CPU time and the fastest wall-clock time of ``runs``."""
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _milp(cnf, problem: InversionProblem, via: str, name: str, time_limit: float):
    """(verdict, CPU seconds, wall seconds, detail) of MILP back end ``name`` on ``problem``;
    the wall time is ``Verdict.time``, the CPU time is measured around the same call."""
    from .. import reductions, solvers
    from ..problems.cnf import check

    try:
        with redirected({1: None, 2: None}):  # HiGHS banner vs progress bar
            c0 = time.process_time()
            v = solvers.solve(problem, name, time_limit=time_limit)
            cpu = time.process_time() - c0
    except InputError as e:  # the back end refuses this network
        return NA, None, None, str(e)
    except Exception as e:  # a crash is a bug in the library
        return ERROR, None, None, f"{type(e).__name__}: {e}"
    used = v.solver  # the back end that ran (auto names the one it chose)
    if v.status == "INVERTIBLE":
        model = reductions.REGISTRY[via].decode(cnf, [float(q) for q in v.latent])
        if not check(cnf, model):
            return ERROR, cpu, v.time, f"{used}: the decoded latent fails the CNF check"
        return SAT, cpu, v.time, f"{used}: INVERTIBLE, model checked"
    if v.status == "NOT_INVERTIBLE":
        return UNSAT, cpu, v.time, f"{used}: NOT_INVERTIBLE"
    return UNKNOWN, cpu, v.time, f"{used}: {v.reason}"


def _warm_up(via: str, solvers: Sequence[str]) -> None:
    """Solve a tiny formula with every method, untimed (library loading, first calls)."""
    from ..pipeline import reduce_instance
    from ..problems.cnf import CNF

    cnf = CNF.from_clauses([[1, 2, -3], [-1, 2], [1, -2, 3], [-2, -3]])
    problem = reduce_instance(cnf, via=via)
    with contextlib.suppress(Exception):
        count_inverting(problem)
    for name in solvers:
        with contextlib.suppress(Exception):
            _milp(cnf, problem, via, name, 10.0)
    with contextlib.suppress(Exception):
        _cadical(cnf)


def _best_enumeration(problem: InversionProblem, tick) -> Enumeration:
    """:func:`count_inverting` :data:`BRUTE_RUNS` times; the fastest CPU and the fastest
    wall-clock time count (every ``n`` alike, so the repetition does not bend the curve)."""
    best = None
    for r in range(BRUTE_RUNS):
        run = count_inverting(problem, tick=lambda f, r=r: tick((r + f) / BRUTE_RUNS))
        if best is None:
            best = run
            continue
        if run.count != best.count:
            raise RuntimeError("brute force counted differently on the same network")
        best.cpu_seconds = min(best.cpu_seconds, run.cpu_seconds)
        best.wall_seconds = min(best.wall_seconds, run.wall_seconds)
    return best


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
    of ``solvers`` and CaDiCaL; one row per instance x method (keys :data:`CSV_FIELDS`).

    ``agrees`` is ``True``/``False`` for a decided row (SAT/UNSAT against brute force's
    verdict; brute force's own row against CaDiCaL) and ``None`` otherwise; a row with
    ``verdict == "ERROR"`` or ``agrees is False`` is a wrong answer (see :func:`problems`).
    """
    from ..pipeline import reduce_instance
    from ..problems.cnf import random_kcnf

    if clock not in CLOCKS:
        raise InputError(None, None, f"unknown clock {clock!r} (choose from {', '.join(CLOCKS)})")
    ns = list(ns)
    for n in ns:
        if n < k:
            raise InputError(None, None, f"a {k}-CNF needs at least {k} variables, not n = {n}")
    _warm_up(via, solvers)
    weights = {n: float(2**n) + 4096.0 for n in ns}  # brute force dominates
    total = sum(weights[n] for n in ns) * per_n
    done = 0.0
    rows: list[dict] = []
    for n in ns:
        m = round(ratio * n)
        for i in range(per_n):
            s = instance_seed(seed, n, i)
            cnf = random_kcnf(n, m, k, np.random.default_rng(s))
            problem = reduce_instance(cnf, via=via)
            base = {"n": n, "instance": i, "seed": s, "clauses": m}
            w = weights[n]

            def tick(frac: float, _done=done, _w=w, _n=n, _i=i) -> None:
                if progress is not None:
                    progress.update((_done + frac * _w) / total, f"n={_n} #{_i + 1} brute")

            tick(0.0)
            en = _best_enumeration(problem, tick)
            results = [
                (
                    BRUTE,
                    SAT if en.count else UNSAT,
                    en.cpu_seconds,
                    en.wall_seconds,
                    f"{en.tried} latents, {en.candidates} float hits checked exactly",
                )
            ]
            for name in solvers:
                if progress is not None:
                    progress.update((done + w) / total, f"n={n} #{i + 1} {name}")
                results.append((f"milp:{name}", *_milp(cnf, problem, via, name, time_limit)))
            if progress is not None:
                progress.update((done + w) / total, f"n={n} #{i + 1} cadical")
            cad = _cadical(cnf)
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


def problems(rows: Sequence[dict]) -> list[str]:
    """Every wrong answer or crash in ``rows``, one message each (empty when all agree)."""
    out = []
    for r in rows:
        if r["verdict"] == ERROR or r["agrees"] is False:
            out.append(
                f"n={r['n']} instance {r['instance']} (seed {r['seed']}): "
                f"{method_label(r['method'])} says {r['verdict']}, "
                f"brute force counts {r['brute_count']} inverting latents"
                + (f" ({r['detail']})" if r["detail"] else "")
            )
    return out


# -------------------------------------------------------------------------------- fitting


@dataclass
class Fit:
    """``time ~ 2^a c^n`` fitted to the medians at ``ns``; ``above_floor`` is False when too
    few medians exceeded the floor and every ``n`` was used."""

    c: float
    a: float
    ns: list[int]
    above_floor: bool


def fit(ns: Sequence[int], times: Sequence[float], floor: float = TIME_FLOOR) -> Fit:
    """Least squares of ``log2(median time) = n log2(c) + a`` over the ``n`` whose median
    time exceeds ``floor`` (all ``n`` if fewer than two do); ``ns`` and ``times`` are
    parallel (several times per ``n`` are reduced to their median)."""
    by_n: dict[int, list[float]] = {}
    for n, t in zip(ns, times, strict=True):
        if t is not None and math.isfinite(t):
            by_n.setdefault(int(n), []).append(max(float(t), 1e-9))
    med = {n: statistics.median(ts) for n, ts in sorted(by_n.items())}
    use = [n for n, t in med.items() if t > floor]
    above = len(use) >= 2
    if not above:
        use = list(med)
    if len(use) < 2:
        return Fit(math.nan, math.nan, use, False)
    slope, a = np.polyfit(np.array(use, float), np.log2([med[n] for n in use]), 1)
    return Fit(float(2.0**slope), float(a), use, above)


def fit_base(
    ns: Sequence[int], times: Sequence[float], floor: float = TIME_FLOOR
) -> tuple[float, float]:
    """``(c, a)`` with ``time ~ 2^a c^n``: least squares of ``log2(time) = n log2(c) + a`` on
    the median time per ``n``, over the ``n`` where that median exceeds ``floor`` (5 ms by
    default: below it interpreter and set-up overhead flatten the curve). See :func:`fit`."""
    f = fit(ns, times, floor)
    return f.c, f.a


def medians(rows: Sequence[dict], time_limit: float) -> dict[str, dict[int, float]]:
    """Median seconds per method and ``n``; a time-out counts as ``time_limit``."""
    acc: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        if r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"] is not None:
            t = r["seconds"] if r["verdict"] != UNKNOWN else max(time_limit, r["seconds"])
            acc.setdefault(r["method"], {}).setdefault(r["n"], []).append(t)
    return {m: {n: statistics.median(ts) for n, ts in sorted(d.items())} for m, d in acc.items()}


def fits(rows: Sequence[dict], time_limit: float, floor: float = TIME_FLOOR) -> dict[str, Fit]:
    """:func:`fit` per method, on the per-``n`` medians of :func:`medians`."""
    return {m: fit(list(d), list(d.values()), floor) for m, d in medians(rows, time_limit).items()}


# -------------------------------------------------------------------------------- output


def _tick_seconds(t: float, _pos=None) -> str:
    """An axis label for a power of ten of seconds: 10 us, 1 ms, 100 ms, 1 s, 10 s."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "\u00b5s"), (1e-9, "ns")):
        if t >= scale * 0.999:
            return f"{t / scale:g} {unit}"
    return f"{t:g} s"


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
    with open(path, "w", newline="") as f:
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


def plot(path: Path, rows: Sequence[dict], params: dict, time_limit: float) -> bool:
    """Median time against ``n`` (log scale) per method, fitted lines, SETH caption.
    Returns False (and writes nothing) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator
    except ImportError:
        return False
    meds = medians(rows, time_limit)
    fitted = fits(rows, time_limit)
    methods = [m for m in dict.fromkeys(r["method"] for r in rows) if m in meds]
    styles = {BRUTE: ("tab:red", "o"), CADICAL_METHOD: ("tab:blue", "s")}
    milp_colors = iter(["tab:green", "tab:purple", "tab:orange", "tab:brown"])
    # layout in inches, top to bottom: title, axes, x label, legend (two columns), caption
    legend_rows = (len(methods) + 2) // 2  # the methods and the floor line
    heights = {"title": 0.45, "axes": 4.9, "xlabel": 0.6, "legend": 0.1 + 0.3 * legend_rows}
    heights["caption"] = 1.35
    total = sum(heights.values())
    fig, ax = plt.subplots(figsize=(9.5, total))
    bottom = (heights["caption"] + heights["legend"] + heights["xlabel"]) / total
    fig.subplots_adjust(left=0.11, right=0.97, top=1 - heights["title"] / total, bottom=bottom)
    for m in methods:
        color, marker = styles.get(m) or (next(milp_colors), "^")
        pts = [
            (r["n"], r["seconds"] if r["verdict"] != UNKNOWN else time_limit)
            for r in rows
            if r["method"] == m and r["verdict"] in (SAT, UNSAT, UNKNOWN) and r["seconds"]
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), ls="none", marker=marker, ms=4, color=color, alpha=0.3)
        xs = list(meds[m])
        f = fitted[m]
        label = method_label(m)
        if math.isfinite(f.c):
            label += f": time ~ {f.c:.2f}$^n$"
            if not f.above_floor:
                label += f" (all below {1e3 * TIME_FLOOR:g} ms: overhead)"
        ax.plot(xs, [meds[m][n] for n in xs], marker=marker, ms=7, lw=1.5, color=color, label=label)
        if math.isfinite(f.c):
            span = np.linspace(f.ns[0], f.ns[-1], 50)
            ax.plot(span, 2.0 ** (f.a + span * math.log2(f.c)), ls="--", lw=1.2, color=color)
    ax.axhline(
        TIME_FLOOR,
        color="gray",
        ls=":",
        lw=1.2,
        label=f"fit floor {1e3 * TIME_FLOOR:g} ms (medians below it are not fitted)",
    )
    ax.set_yscale("log", base=10)
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(_tick_seconds))
    ax.set_xticks(sorted({r["n"] for r in rows}))
    ax.set_xlabel("n (variables = latent dimension)", fontsize=11)
    what = "CPU" if params.get("clock", DEFAULT_CLOCK) == "cpu" else "wall-clock"
    ax.set_ylabel(f"median {what} time per instance (log scale)", fontsize=11)
    ax.set_title(
        f"The exponential wall: random {params['k']}-SAT, m = {params['ratio']:g} n, "
        f"via {params['via']} ({params['per_n']} instances per n; dashed: fit)",
        fontsize=11.5,
    )
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", axis="y", alpha=0.12)
    fig.legend(
        *ax.get_legend_handles_labels(),
        loc="upper center",
        bbox_to_anchor=(0.5, (heights["caption"] + heights["legend"]) / total),
        ncol=2,
        fontsize=10,
        frameon=False,
    )
    fig.text(0.04, 0.02, caption(rows, params, time_limit), fontsize=9.5, wrap=True, va="bottom")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# ----------------------------------------------------------------------------------- CLI


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {v}")
    return v


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return v


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reluhard scaling``."""
    parser.add_argument(
        "--via", metavar="NAME", default=DEFAULT_VIA, help=f"reduction (default {DEFAULT_VIA})"
    )
    parser.add_argument(
        "--n-min", metavar="A", type=_positive_int, default=DEFAULT_N_MIN,
        help=f"smallest number of variables (default {DEFAULT_N_MIN})",
    )  # fmt: skip
    parser.add_argument(
        "--n-max", metavar="B", type=_positive_int, default=DEFAULT_N_MAX,
        help=f"largest number of variables (default {DEFAULT_N_MAX})",
    )  # fmt: skip
    parser.add_argument(
        "--step", metavar="S", type=_positive_int, default=DEFAULT_STEP,
        help=f"step in n (default {DEFAULT_STEP})",
    )  # fmt: skip
    parser.add_argument(
        "--ratio", metavar="R", type=_positive_float, default=DEFAULT_RATIO,
        help=f"clauses per variable, m = round(R n) (default {DEFAULT_RATIO:g})",
    )  # fmt: skip
    parser.add_argument(
        "--k", metavar="K", type=_positive_int, default=DEFAULT_K,
        help=f"literals per clause (default {DEFAULT_K})",
    )  # fmt: skip
    parser.add_argument(
        "--per-n", metavar="K", type=_positive_int, default=DEFAULT_PER_N,
        help=f"random formulas per n (default {DEFAULT_PER_N})",
    )  # fmt: skip
    parser.add_argument(
        "--solvers", metavar="LIST", default=DEFAULT_SOLVERS,
        help=f"comma-separated MILP back ends: {', '.join(MILP_SOLVERS)} (default "
        f"{DEFAULT_SOLVERS})",
    )  # fmt: skip
    parser.add_argument(
        "--time-limit", metavar="S", type=_positive_float, default=DEFAULT_TIME_LIMIT,
        help=f"seconds per MILP solve (default {DEFAULT_TIME_LIMIT:g})",
    )  # fmt: skip
    parser.add_argument(
        "--seed", metavar="S", type=int, default=DEFAULT_SEED,
        help=f"random seed (default {DEFAULT_SEED})",
    )  # fmt: skip
    parser.add_argument(
        "--clock", choices=CLOCKS, default=DEFAULT_CLOCK,
        help="what 'time' is in the medians, fits and plot: CPU time of this process (robust "
        f"to other jobs on the machine) or wall-clock time (default {DEFAULT_CLOCK}; the CSV "
        "and JSON hold both)",
    )  # fmt: skip
    parser.add_argument(
        "--out", metavar="DIR", default=DEFAULT_OUT,
        help=f"output directory (default {DEFAULT_OUT})",
    )  # fmt: skip


def _parse_solvers(text: str) -> list[str]:
    names = list(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    bad = [s for s in names if s not in MILP_SOLVERS]
    if bad or not names:
        raise InputError(
            None,
            None,
            f"--solvers: unknown back end(s) {', '.join(bad) or '(none given)'} "
            f"(choose from {', '.join(MILP_SOLVERS)})",
        )
    return names


def _loud(msg: str) -> None:
    line = "!" * 78
    text = f"\n{line}\n!!! {msg}\n{line}\n"
    sys.stdout.flush()
    print(text, flush=True)
    sys.stderr.write(text)
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """``reluhard scaling``: measure, print the table, write CSV/JSON/PNG. Returns 1 when a
    verdict disagrees (or a method crashed), else 0. Bad parameters raise
    :class:`InputError`."""
    from .. import reductions

    reductions.for_kind("cnf", args.via)  # unknown reduction: InputError
    solvers = _parse_solvers(args.solvers)
    if args.n_max < args.n_min:
        raise InputError(None, None, f"--n-max {args.n_max} is below --n-min {args.n_min}")
    if args.n_min < args.k:
        raise InputError(None, None, f"--n-min must be >= --k = {args.k} (distinct variables)")
    if args.n_max > brute.MAX_N:
        raise InputError(None, None, f"--n-max {args.n_max}: brute force stops at {brute.MAX_N}")
    ns = list(range(args.n_min, args.n_max + 1, args.step))
    clock = getattr(args, "clock", DEFAULT_CLOCK)
    params = {
        "via": args.via,
        "n": ns,
        "ratio": args.ratio,
        "k": args.k,
        "per_n": args.per_n,
        "solvers": solvers,
        "time_limit": args.time_limit,
        "seed": args.seed,
        "clock": clock,
        "time_floor": TIME_FLOOR,
        "cadical": CADICAL,
        "cadical_runs": CADICAL_RUNS,
    }
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(str(out), None, f"cannot create the output directory: {e}") from None
    machine = machine_info()
    print(
        f"scaling: n = {ns[0]}..{ns[-1]} step {args.step}, {args.per_n} random {args.k}-CNFs per n "
        f"with round({args.ratio:g} n) clauses, via {args.via}; brute force (all 2^n latents), "
        f"MILP {', '.join(solvers)} (time limit {args.time_limit:g} s), CaDiCaL 1.9.5"
    )
    print(
        f"machine: {machine['cpu_model']}, {machine['cpu_count']} CPUs, Python {machine['python']}",
        flush=True,
    )
    bar = Progress()
    t0 = time.perf_counter()
    rows = measure(
        ns,
        via=args.via,
        ratio=args.ratio,
        k=args.k,
        per_n=args.per_n,
        solvers=solvers,
        time_limit=args.time_limit,
        seed=args.seed,
        clock=clock,
        progress=bar,
    )
    wall = time.perf_counter() - t0
    bar.finish(f"scaling: {len(ns) * args.per_n} instances, {len(rows)} runs in {wall:.1f} s")
    print()
    print(table(rows, args.time_limit, clock))
    timeouts = sum(r["verdict"] == UNKNOWN for r in rows)
    if timeouts:
        print(
            f"({timeouts} MILP time-out(s) counted at the time limit: "
            "those medians are lower bounds)"
        )
    wrong = problems(rows)
    fitted = fits(rows, args.time_limit)
    report = {
        "tool": "reluhard scaling",
        "parameters": params,
        "machine": machine,
        "total_wall_seconds": wall,
        "medians": {
            m: {str(n): t for n, t in d.items()} for m, d in medians(rows, args.time_limit).items()
        },
        "fits": {
            m: {
                "base": f.c if math.isfinite(f.c) else None,
                "intercept_log2": f.a if math.isfinite(f.a) else None,
                "ns": f.ns,
                "above_floor": f.above_floor,
            }
            for m, f in fitted.items()
        },
        "fit_method": (
            "least squares of log2(median seconds) = n log2(c) + a over the n whose median "
            f"exceeds {TIME_FLOOR:g} s (all n if fewer than two do); time-outs count as the "
            "time limit"
        ),
        "caption": caption(rows, params, args.time_limit),
        "wrong_answers": wrong,
        "rows": rows,
    }
    (out / "scaling.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    write_csv(out / "scaling.csv", rows)
    plotted = plot(out / "scaling.png", rows, params, args.time_limit)
    names = ["scaling.csv", "scaling.json"] + (["scaling.png"] if plotted else [])
    print(f"\nwrote {', '.join(str(out / x) for x in names)}")
    if not plotted:
        print("(no scaling.png: matplotlib is not installed; pip install matplotlib)")
    if wrong:
        _loud(f"{len(wrong)} WRONG ANSWER(S):\n!!! " + "\n!!! ".join(wrong))
        return 1
    return 0
