"""Deciding the compiled networks with MILP back ends, against CaDiCaL on the CNF itself.

What is measured, and why
-------------------------
The issue asks how much deciding a CNF *through its network* costs over deciding the CNF
directly: each SATLIB instance is reduced to an inversion problem with both reductions
(``sat-sign``: latent in ``{-1,1}^n``; ``sat-real``: real latent), each network is decided
by every MILP back end of :mod:`reluhard.solvers.milp` (CP-SAT, SCIP, HiGHS), and in the
same run the CNF is decided by CaDiCaL 1.9.5 through python-sat. The targets, on the
``uf75-*`` / ``uuf75-*`` instances taken together:

1. the median over instances of ``best back end time / CaDiCaL time`` is ``<= 100``, for
   ``sat-sign`` and for ``sat-real`` separately ("best" = the fastest back end that decided
   the instance);
2. the median over instances of ``best sat-real time / best sat-sign time`` is ``<= 1.5``
   (the real-latent network costs little more than the sign one).

The medians per back end are reported too (for information). With ``--quick`` (or any
instance set without ``uf75``/``uuf75`` files) the summary is taken over all instances.

How
---
* **CaDiCaL**: ``pysat.solvers.Solver(name="cadical195", bootstrap_with=clauses)``; only the
  ``solve()`` call is timed (loading the clauses is not), best of 3 fresh solvers, since it
  takes about a millisecond. Its model is checked with :func:`reluhard.problems.cnf.check`.
* **Network build**: :func:`reluhard.pipeline.reduce_instance`, timed on its own
  (``build s`` in the CSV/JSON); it is *not* part of the ratios, just as CaDiCaL's clause
  loading is not.
* **MILP solve**: :func:`reluhard.solvers.milp.solve` with ``--time-limit`` (default 60 s),
  one run each; the time is ``Verdict.time``, which includes bound propagation and building
  the solver's model. A back end that refuses a network (an ``InputError``: CP-SAT works
  over the integers and may refuse ``sat-real``'s real latent) is shown as ``n/a``. An
  ``UNKNOWN`` verdict (time limit, or a point that failed the exact check) is shown as
  ``T/O``; in the medians it counts as the time limit, so a median that includes one is a
  lower bound (said so in the output). Each back end first solves a tiny CNF untimed (a
  warm-up), so loading a solver library is not charged to the first instance.
* **Correctness**: every verdict must agree with CaDiCaL, and an ``INVERTIBLE`` verdict's
  latent is decoded through the reduction (``REGISTRY[name].decode``) and the model checked
  against the CNF. A disagreement, a failed check or a back end crashing is printed loudly
  and makes the script exit 1 at the end (after writing the results): a wrong answer is a
  bug, not a measurement.

Timings are noisy on a shared 2-core machine (other jobs run concurrently): compare ratios
from one run, not absolute seconds across runs. The back ends run single-threaded (CP-SAT
with one worker); HiGHS's banner on stdout is silenced.

Usage::

    python benchmarks/milp_vs_sat.py [--instances GLOB ...] [--solvers cpsat,scip,highs]
                                     [--time-limit S] [--out DIR] [--quick] [--check]

The CSV also splits ``Verdict.time`` with the solver's own stats: ``bounds_time`` (bound
propagation), ``model_built_time`` (elapsed when the model is built, bounds included) and
``solver_wall_time`` (the solver's own clock).

Results go to ``DIR/milp_vs_sat.{csv,json,png}`` (default ``benchmarks/results``): the CSV
has one row per instance x reduction x back end; the JSON holds the same rows plus the
summary, machine information, parameters and the noise note; the PNG plots the times (log
scale) with CaDiCaL as the reference. The exit status is 0 whatever the numbers (this is a
measurement) unless ``--check`` is given (then 1 when a target is missed), or an answer was
wrong (always 1).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import glob
import json
import re
import statistics
import sys
import time
from pathlib import Path

from _common import machine_info, print_table, verdict

from reluhard.fds import redirected  # benchmarks/_common.py, beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
SATLIB = Path(__file__).resolve().parents[2] / "shared" / "instances" / "satlib"
DEFAULT_PATTERNS = ("uf50-*.cnf", "uuf50-*.cnf", "uf75-*.cnf", "uuf75-*.cnf")
QUICK_INSTANCES = ("uf20-01", "uuf50-01", "uf50-01")
QUICK_TIME_LIMIT = 20.0
DEFAULT_TIME_LIMIT = 60.0
REDUCTIONS = ("sat-sign", "sat-real")
BACKENDS = ("cpsat", "scip", "highs")
TARGET_FAMILIES = ("uf75", "uuf75")
RATIO_TARGET = 100.0  # median best back end / CaDiCaL
REAL_SIGN_TARGET = 1.5  # median best sat-real / best sat-sign
CADICAL = "cadical195"
CADICAL_RUNS = 3
NOTE = (
    "Timings are noisy on a shared 2-core machine (other jobs run concurrently): compare "
    "ratios from one run, not absolute seconds across runs. CaDiCaL: best of 3 solve() "
    "calls (clause loading excluded). MILP: one run each, Verdict.time (bound propagation, "
    "model building and solving; the network build by reduce_instance is reported "
    "separately and excluded from ratios). T/O counts as the time limit in medians (a lower "
    "bound)."
)

OK_STATUSES = ("INVERTIBLE", "NOT_INVERTIBLE")


# ------------------------------------------------------------------------------ helpers


def _natural_key(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.stem)]


def _family(name: str) -> str:
    return name.split("-", 1)[0]


def _loud(msg: str) -> None:
    line = "!" * 78
    text = f"\n{line}\n!!! {msg}\n{line}\n"
    print(text, flush=True)
    sys.stderr.write(text)
    sys.stderr.flush()


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


# ---------------------------------------------------------------------------- measuring


def _cadical(cnf) -> dict:
    """CaDiCaL 1.9.5 on ``cnf``: best of ``CADICAL_RUNS`` timed ``solve()`` calls."""
    import numpy as np
    from pysat.solvers import Solver

    from reluhard.problems.cnf import check

    if np.any(cnf.widths == 0):  # an empty clause: unsatisfiable, python-sat cannot take it
        return {"sat": False, "seconds": 0.0, "runs": [], "model_checks": None}
    clauses = cnf.clauses()
    runs, sat, model = [], None, None
    for _ in range(CADICAL_RUNS):
        with Solver(name=CADICAL, bootstrap_with=clauses) as s:
            t0 = time.perf_counter()
            res = s.solve()
            runs.append(time.perf_counter() - t0)
            if sat is None:
                sat = bool(res)
                if sat:
                    found = {abs(x): x for x in (s.get_model() or [])}
                    model = [found.get(v, -v) for v in range(1, cnf.nvars + 1)]
            elif bool(res) != sat:
                raise SystemExit("CaDiCaL gave different answers on the same formula")
    checks = check(cnf, model) if sat else None
    return {"sat": sat, "seconds": min(runs), "runs": runs, "model_checks": checks}


def _warm_up(backends: list[str]) -> None:
    """One untimed solve per reduction and back end on a tiny CNF, so that one-time costs
    (loading a solver library, first-call set-up) are not charged to the first instance."""
    from reluhard.pipeline import reduce_instance
    from reluhard.problems.cnf import CNF
    from reluhard.solvers import milp

    cnf = CNF.from_clauses([[1, 2, -3], [-1, 2], [1, -2, 3], [-2, -3]])
    for via in REDUCTIONS:
        problem = reduce_instance(cnf, via=via)
        for b in backends:
            with contextlib.suppress(Exception), redirected({1: None}):
                milp.solve(problem, solver=b, time_limit=10)


def _measure(cnf, name: str, via: str, backend: str, time_limit: float, sat: bool) -> dict:
    """Build ``via``'s network for ``cnf`` and decide it with ``backend``."""
    from reluhard import reductions
    from reluhard.errors import InputError
    from reluhard.pipeline import reduce_instance
    from reluhard.solvers import milp

    row: dict = {"reduction": via, "backend": backend}
    t0 = time.perf_counter()
    problem = reduce_instance(cnf, via=via)
    row["build_seconds"] = time.perf_counter() - t0
    row.update(solve_seconds=None, status=None, agrees=None, model_checks=None, reason="")
    try:
        with redirected({1: None}):
            verdict = milp.solve(problem, solver=backend, time_limit=time_limit)
    except InputError as e:  # the back end refuses this network (cpsat on sat-real)
        row.update(status="n/a", reason=str(e))
        return row
    except Exception as e:  # a crash is a bug in the library
        row.update(status="error", reason=f"{type(e).__name__}: {e}", wrong=True)
        _loud(f"ERROR: {name} {via} {backend} raised {type(e).__name__}: {e}")
        return row
    row.update(
        status=verdict.status,
        solve_seconds=verdict.time,
        reason=verdict.reason,
        stats={k: v for k, v in verdict.stats.items() if isinstance(v, int | float | str)},
    )
    wrong = False
    if verdict.status == "INVERTIBLE":
        row["agrees"] = sat
        decoded = reductions.certificate_of(problem, verdict.latent)
        row["model_checks"] = decoded is not None and decoded.fault is None
        if not sat:
            wrong = True
            _loud(f"WRONG ANSWER: {name} {via} {backend} says INVERTIBLE, CaDiCaL says UNSAT")
        if not row["model_checks"]:
            wrong = True
            _loud(f"WRONG ANSWER: {name} {via} {backend}: the decoded model fails the CNF check")
    elif verdict.status == "NOT_INVERTIBLE":
        row["agrees"] = not sat
        if sat:
            wrong = True
            _loud(f"WRONG ANSWER: {name} {via} {backend} says NOT_INVERTIBLE, CaDiCaL says SAT")
    row["wrong"] = wrong
    return row


# ----------------------------------------------------------------------------- summary


def _time_for_median(row: dict, time_limit: float) -> tuple[float | None, bool]:
    """(seconds, censored): a decided row's time; T/O counts as the time limit."""
    if row["status"] in OK_STATUSES:
        return row["solve_seconds"], False
    if row["status"] == "UNKNOWN":
        return max(time_limit, row["solve_seconds"] or 0.0), True
    return None, False


def _best(rows: list[dict], via: str, time_limit: float) -> tuple[float | None, bool, str]:
    """Fastest decided back end on ``via`` (T/O only if none decided)."""
    decided = [r for r in rows if r["reduction"] == via and r["status"] in OK_STATUSES]
    if decided:
        r = min(decided, key=lambda r: r["solve_seconds"])
        return r["solve_seconds"], False, r["backend"]
    tos = [r for r in rows if r["reduction"] == via and r["status"] == "UNKNOWN"]
    if tos:
        return time_limit, True, "T/O"
    return None, False, ""


def _summarise(instances: list[dict], backends: list[str], time_limit: float) -> dict:
    chosen = [i for i in instances if i["family"] in TARGET_FAMILIES]
    scope = "+".join(TARGET_FAMILIES)
    if not chosen:
        chosen, scope = instances, "all instances (no uf75/uuf75 in this run)"
    out: dict = {"scope": scope, "instances": [i["name"] for i in chosen], "targets": {}}
    best_ratio: dict[str, list[float]] = {v: [] for v in REDUCTIONS}
    censored: dict[str, int] = {v: 0 for v in REDUCTIONS}
    real_sign: list[float] = []
    rs_censored = 0
    for inst in chosen:
        best = {}
        for via in REDUCTIONS:
            t, cens, _ = _best(inst["rows"], via, time_limit)
            best[via] = (t, cens)
            if t is not None:
                best_ratio[via].append(t / inst["cadical_seconds"])
                censored[via] += cens
        (ts, cs), (tr, cr) = best["sat-sign"], best["sat-real"]
        if ts is not None and tr is not None:
            real_sign.append(tr / ts)
            rs_censored += cs or cr
    for via in REDUCTIONS:
        med = _median(best_ratio[via])
        out["targets"][f"{via} best/CaDiCaL"] = {
            "median": med,
            "n": len(best_ratio[via]),
            "timeouts_counted_at_limit": censored[via],
            "target": f"<= {RATIO_TARGET:g}",
            "pass": med is not None and med <= RATIO_TARGET,
        }
    med = _median(real_sign)
    out["targets"]["best sat-real/best sat-sign"] = {
        "median": med,
        "n": len(real_sign),
        "instances_with_timeouts": rs_censored,
        "target": f"<= {REAL_SIGN_TARGET:g}",
        "pass": med is not None and med <= REAL_SIGN_TARGET,
    }
    per_backend: dict = {}
    for b in backends:
        entry: dict = {}
        for via in REDUCTIONS:
            ratios, cens = [], 0
            for inst in chosen:
                row = next(r for r in inst["rows"] if r["reduction"] == via and r["backend"] == b)
                t, c = _time_for_median(row, time_limit)
                if t is not None:
                    ratios.append(t / inst["cadical_seconds"])
                    cens += c
            entry[f"{via}/CaDiCaL"] = {
                "median": _median(ratios),
                "n": len(ratios),
                "timeouts_counted_at_limit": cens,
            }
        ratios, cens = [], 0
        for inst in chosen:
            pair = {
                r["reduction"]: _time_for_median(r, time_limit)
                for r in inst["rows"]
                if r["backend"] == b
            }
            (ts, cs), (tr, cr) = pair["sat-sign"], pair["sat-real"]
            if ts is not None and tr is not None:
                ratios.append(tr / ts)
                cens += cs or cr
        entry["sat-real/sat-sign"] = {
            "median": _median(ratios),
            "n": len(ratios),
            "instances_with_timeouts": cens,
        }
        per_backend[b] = entry
    out["per_backend"] = per_backend
    by_family: dict = {}
    for fam in sorted({i["family"] for i in instances}, key=lambda f: (len(f), f)):
        fam_insts = [i for i in instances if i["family"] == fam]
        entry = {
            "n": len(fam_insts),
            "cadical_median_seconds": _median([i["cadical_seconds"] for i in fam_insts]),
        }
        for via in REDUCTIONS:
            ts = [_best(i["rows"], via, time_limit)[0] for i in fam_insts]
            entry[f"{via} best median seconds"] = _median([t for t in ts if t is not None])
        by_family[fam] = entry
    out["by_family"] = by_family
    return out


# ------------------------------------------------------------------------------ output


def _cell(row: dict, cadical_seconds: float) -> str:
    if row["status"] == "n/a":
        return "n/a"
    if row["status"] == "error":
        return "ERROR"
    if row["status"] == "UNKNOWN":
        return "T/O"
    flag = "" if not row.get("wrong") else " WRONG"
    return f"{row['solve_seconds']:.3f} ({row['solve_seconds'] / cadical_seconds:.0f}x){flag}"


def _print_table(instances: list[dict], combos: list[tuple[str, str]]) -> None:
    short = {"sat-sign": "sign", "sat-real": "real"}
    header = ["instance", "ans", "CaDiCaL ms"] + [f"{short[v]}/{b} s (xCaD)" for v, b in combos]
    body = []
    for inst in instances:
        cells = [
            inst["name"],
            "SAT" if inst["sat"] else "UNSAT",
            f"{1000 * inst['cadical_seconds']:.2f}",
        ]
        for v, b in combos:
            row = next(r for r in inst["rows"] if r["reduction"] == v and r["backend"] == b)
            cells.append(_cell(row, inst["cadical_seconds"]))
        body.append(cells)
    print_table(header, body)


def _print_summary(summary: dict, backends: list[str]) -> None:
    print(f"\nsummary over {summary['scope']} ({len(summary['instances'])} instances):")
    for key, t in summary["targets"].items():
        cens = t.get("timeouts_counted_at_limit", t.get("instances_with_timeouts", 0))
        extra = f", {cens} with T/O counted at the time limit: a lower bound" if cens else ""
        print(
            f"  median {key} = {_fmt(t['median'])} (target {t['target']}, n = {t['n']}{extra})"
            f"  {verdict(t['pass'])}"
        )
    print("  (info) per back end, medians:")
    for b in backends:
        e = summary["per_backend"][b]
        parts = []
        for key, s in e.items():
            cens = s.get("timeouts_counted_at_limit", s.get("instances_with_timeouts", 0))
            val = "n/a" if s["median"] is None else f"{s['median']:.2f}"
            parts.append(f"{key} {val}" + (f" [{cens} T/O]" if cens else ""))
        print(f"    {b:6s} " + ", ".join(parts))
    print("  (info) by family, median seconds (best back end):")
    for fam, e in summary["by_family"].items():
        print(
            f"    {fam:6s} n={e['n']:2d}  CaDiCaL {1000 * e['cadical_median_seconds']:.2f} ms, "
            f"sat-sign {_fmt(e['sat-sign best median seconds'], '.3f')} s, "
            f"sat-real {_fmt(e['sat-real best median seconds'], '.3f')} s"
        )


CSV_FIELDS = [
    "instance",
    "family",
    "nvars",
    "nclauses",
    "cadical_answer",
    "cadical_seconds",
    "reduction",
    "backend",
    "build_seconds",
    "solve_seconds",
    "status",
    "ratio_to_cadical",
    "agrees",
    "model_checks",
    "bounds_time",
    "model_built_time",
    "solver_wall_time",
    "binaries",
    "unstable",
    "reason",
    "time_limit",
    "date",
    "cpu_count",
]


def _flat_rows(instances: list[dict]) -> list[dict]:
    flat = []
    for inst in instances:
        for r in inst["rows"]:
            flat.append(
                {
                    "instance": inst["name"],
                    "family": inst["family"],
                    "nvars": inst["nvars"],
                    "nclauses": inst["nclauses"],
                    "cadical_answer": "SAT" if inst["sat"] else "UNSAT",
                    "cadical_seconds": inst["cadical_seconds"],
                    **r,
                    "ratio_to_cadical": (
                        r["solve_seconds"] / inst["cadical_seconds"]
                        if r["status"] in OK_STATUSES
                        else None
                    ),
                }
            )
    return flat


def _write_csv(path: Path, flat: list[dict], machine: dict, time_limit: float) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in flat:
            stats = r.get("stats") or {}
            out = {
                **r,
                "bounds_time": stats.get("bounds_time", ""),
                "model_built_time": stats.get("build_time", ""),
                "solver_wall_time": stats.get("wall_time", ""),
                "binaries": stats.get("binaries", ""),
                "unstable": stats.get("unstable", ""),
                "time_limit": time_limit,
                "date": machine["date"],
                "cpu_count": machine["cpu_count"],
            }
            for k in ("cadical_seconds", "build_seconds", "solve_seconds", "ratio_to_cadical"):
                out[k] = "" if out.get(k) is None else f"{out[k]:.6g}"
            for k in ("agrees", "model_checks"):
                out[k] = "" if out.get(k) is None else out[k]
            w.writerow(out)


def _plot(path: Path, instances: list[dict], combos: list[tuple[str, str]], tl: float) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot; pip install -e '.[bench]')")
        return False
    names = [i["name"] for i in instances]
    x = list(range(len(names)))
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(max(8.0, 0.38 * len(names) + 3), 8.5), sharex=True)
    ax.plot(x, [i["cadical_seconds"] for i in instances], "k*-", lw=1, ms=9, label="CaDiCaL")
    markers = {"cpsat": "o", "scip": "s", "highs": "^"}
    colors = {"sat-sign": "tab:blue", "sat-real": "tab:red"}
    step = 0.6 / max(1, len(combos))
    offsets = {c: (k - (len(combos) - 1) / 2) * step for k, c in enumerate(combos)}
    for v, b in combos:
        pts, tos, ratios = [], [], []
        for k, inst in enumerate(instances):
            r = next(r for r in inst["rows"] if r["reduction"] == v and r["backend"] == b)
            if r["status"] in OK_STATUSES:
                pts.append((k + offsets[(v, b)], r["solve_seconds"]))
                ratios.append((k + offsets[(v, b)], r["solve_seconds"] / inst["cadical_seconds"]))
            elif r["status"] == "UNKNOWN":
                tos.append((k + offsets[(v, b)], tl))
        if not pts and not tos:
            continue
        style = {"marker": markers.get(b, "x"), "color": colors[v], "linestyle": "none"}
        if pts:
            ax.plot(*zip(*pts, strict=True), label=f"{v} / {b}", alpha=0.85, **style)
            ax2.plot(*zip(*ratios, strict=True), alpha=0.85, **style)
        if tos:
            ax.plot(*zip(*tos, strict=True), mfc="none", ms=11, **style)
    ax.axhline(tl, color="gray", ls=":", lw=1)
    ax.text(len(names) - 0.5, tl, " time limit (hollow: T/O)", va="bottom", ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("seconds (MILP: Verdict.time; CaDiCaL: solve())")
    ax.set_title("Deciding SATLIB CNFs: MILP back ends on the networks vs CaDiCaL on the CNF")
    ax.legend(fontsize=8, ncol=3, loc="best")
    ax.grid(True, which="both", axis="y", alpha=0.3)
    ax2.axhline(RATIO_TARGET, color="green", ls="--", lw=1, label=f"target {RATIO_TARGET:g}x")
    ax2.set_yscale("log")
    ax2.set_ylabel("time / CaDiCaL time")
    ax2.legend(fontsize=8, loc="best")
    ax2.grid(True, which="both", axis="y", alpha=0.3)
    ax2.set_xticks(x)
    ax2.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# -------------------------------------------------------------------------------- main


def _instance_paths(args: argparse.Namespace, ap: argparse.ArgumentParser) -> list[Path]:
    if args.instances:
        found = {Path(p).resolve() for pat in args.instances for p in glob.glob(pat)}
        if not found:
            ap.error(f"no file matches {' '.join(args.instances)}")
        return sorted(found, key=_natural_key)
    if not SATLIB.is_dir():
        raise SystemExit(
            f"milp_vs_sat: the SATLIB instances are not there: {SATLIB} is missing "
            "(expected ../shared/instances/satlib next to the repository; or pass --instances)"
        )
    if args.quick:
        paths = [SATLIB / f"{n}.cnf" for n in QUICK_INSTANCES]
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise SystemExit(f"milp_vs_sat: missing in {SATLIB}: {', '.join(missing)}")
        return paths
    found = {p for pat in DEFAULT_PATTERNS for p in SATLIB.glob(pat)}
    if not found:
        raise SystemExit(f"milp_vs_sat: no uf50/uuf50/uf75/uuf75 instances in {SATLIB}")
    return sorted(found, key=lambda p: (_family(p.stem).startswith("uuf"), _natural_key(p)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--instances",
        nargs="+",
        metavar="GLOB",
        help="DIMACS CNF files (globs; default: uf50, uuf50, uf75, uuf75 from the SATLIB folder)",
    )
    ap.add_argument(
        "--solvers",
        default=",".join(BACKENDS),
        help=f"comma-separated back ends (default {','.join(BACKENDS)})",
    )
    ap.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"seconds per MILP solve (default {DEFAULT_TIME_LIMIT:g}; {QUICK_TIME_LIMIT:g} "
        "with --quick)",
    )
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"results directory (default {DEFAULT_OUT})"
    )
    ap.add_argument(
        "--quick", action="store_true", help=f"only {', '.join(QUICK_INSTANCES)} (a smoke test)"
    )
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    backends = [s.strip() for s in args.solvers.split(",") if s.strip()]
    bad = [s for s in backends if s not in BACKENDS]
    if bad or not backends:
        ap.error(f"unknown back end(s) {', '.join(bad) or '(none)'}; choose from {BACKENDS}")
    time_limit = args.time_limit or (QUICK_TIME_LIMIT if args.quick else DEFAULT_TIME_LIMIT)
    paths = _instance_paths(args, ap)

    from reluhard.problems.dimacs_cnf import read_cnf

    machine = machine_info()
    combos = [(v, b) for v in REDUCTIONS for b in backends]
    print(
        f"milp_vs_sat: {len(paths)} instances, back ends {', '.join(backends)}, "
        f"time limit {time_limit:g} s per solve"
    )
    print(
        f"machine: {machine['cpu_model']}, {machine['cpu_count']} CPUs, Python "
        f"{machine['python']}, OR-Tools {machine['ortools']}, python-sat "
        f"{machine['python-sat']}\n",
        flush=True,
    )

    _warm_up(backends)
    instances: list[dict] = []
    wrong: list[str] = []
    t_start = time.perf_counter()
    for path in paths:
        cnf = read_cnf(path)
        name = path.name.removesuffix(".cnf")
        cad = _cadical(cnf)
        if cad["sat"] and not cad["model_checks"]:
            wrong.append(f"{name}: CaDiCaL's model fails the check")
            _loud(f"WRONG ANSWER: {name}: CaDiCaL's model fails the CNF check")
        inst = {
            "name": name,
            "path": str(path),
            "family": _family(name),
            "nvars": cnf.nvars,
            "nclauses": cnf.nclauses,
            "sat": cad["sat"],
            "cadical_seconds": max(cad["seconds"], 1e-7),
            "cadical_runs": cad["runs"],
            "rows": [],
        }
        parts = []
        for via, b in combos:
            row = _measure(cnf, name, via, b, time_limit, cad["sat"])
            inst["rows"].append(row)
            if row.get("wrong"):
                wrong.append(f"{name} {via} {b}: {row['status']} ({row['reason']})")
            parts.append(f"{via}/{b} {_cell(row, inst['cadical_seconds'])}")
        instances.append(inst)
        print(
            f"  {name} ({'SAT' if cad['sat'] else 'UNSAT'}, CaDiCaL "
            f"{1000 * inst['cadical_seconds']:.2f} ms): " + "; ".join(parts),
            flush=True,
        )
    elapsed = time.perf_counter() - t_start

    print()
    _print_table(instances, combos)
    summary = _summarise(instances, backends, time_limit)
    _print_summary(summary, backends)
    print(f"\n(total wall time {elapsed:.0f} s)")
    print(f"note: {NOTE}")

    flat = _flat_rows(instances)
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "milp_vs_sat",
        "note": NOTE,
        "machine": machine,
        "parameters": {
            "instances": [str(p) for p in paths],
            "solvers": backends,
            "reductions": list(REDUCTIONS),
            "time_limit": time_limit,
            "quick": args.quick,
            "cadical": CADICAL,
            "cadical_runs": CADICAL_RUNS,
            "targets": {
                "best/CaDiCaL median": RATIO_TARGET,
                "best sat-real/best sat-sign median": REAL_SIGN_TARGET,
                "families": list(TARGET_FAMILIES),
            },
        },
        "rows": flat,
        "summary": summary,
        "wrong_answers": wrong,
        "wall_seconds": elapsed,
    }
    json_path = args.out / "milp_vs_sat.json"
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    csv_path = args.out / "milp_vs_sat.csv"
    _write_csv(csv_path, flat, machine, time_limit)
    png_path = args.out / "milp_vs_sat.png"
    plotted = _plot(png_path, instances, combos, time_limit)
    print(f"results: {json_path}, {csv_path}" + (f", {png_path}" if plotted else ""))

    if wrong:
        _loud(f"{len(wrong)} WRONG ANSWER(S) / CRASH(ES): " + "; ".join(wrong))
        return 1
    missed = [k for k, t in summary["targets"].items() if not t["pass"]]
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
