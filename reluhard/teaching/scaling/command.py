"""The command line of ``reluhard scaling``: its options (:func:`add_arguments`) and the run
(:func:`run`: measure, print the table, write CSV/JSON/PNG, report wrong answers)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ... import cli_values, reductions
from ...errors import InputError
from ...machine import machine_info
from ...progress import Progress
from ...solvers.exhaustive import MAX_N
from .fit import MIN_POINTS, OVERHEAD_FACTOR
from .instances import DEFAULT_K, DEFAULT_PER_N, DEFAULT_SEED, DEFAULT_VIA, threshold_ratio
from .measure import DEFAULT_SOLVERS, DEFAULT_TIME_LIMIT, measure
from .plot import plot
from .report import table, write_csv, write_json
from .rows import CLOCKS, DEFAULT_CLOCK, UNKNOWN, problems
from .runners import CADICAL, CADICAL_RUNS, MILP_SOLVERS, overheads, warm_up

DEFAULT_N_MIN = 12
DEFAULT_N_MAX = 22
DEFAULT_STEP = 2
DEFAULT_SOLVER_N_MAX = 150
DEFAULT_SOLVER_STEP = 10
DEFAULT_BUDGET = 1.5
DEFAULT_OUT = "scaling-out"
#: the defaults (a run of about 30-40 s on 2 cores), and the ``--lecture`` preset (the
#: larger panel: k = 3, 4, 5, two MILP back ends, each solver up to the n where its slowest
#: instance takes about 5 s; several minutes). Options given on the command line win over both.
DEFAULTS: dict[str, object] = {
    "k": (DEFAULT_K,),
    "n_min": DEFAULT_N_MIN,
    "n_max": DEFAULT_N_MAX,
    "step": DEFAULT_STEP,
    "solver_n_max": DEFAULT_SOLVER_N_MAX,
    "solver_step": DEFAULT_SOLVER_STEP,
    "budget": DEFAULT_BUDGET,
    "solvers": DEFAULT_SOLVERS,
}
LECTURE: dict[str, object] = {
    "k": (3, 4, 5),
    "n_min": 12,
    "n_max": 22,
    "step": 2,
    "solver_n_max": 400,
    "solver_step": 10,
    "budget": 5.0,
    "solvers": "highs,cpsat",
}


def k_list(text: str) -> tuple[int, ...]:
    """``--k``: a comma-separated list of clause widths ``>= 2``, e.g. ``3`` or ``3,4,5``."""
    try:
        ks = tuple(dict.fromkeys(int(t) for t in text.split(",") if t.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be clause widths separated by commas (e.g. 3,4,5), got {text!r}"
        ) from None
    if not ks or any(k < 2 or k > 16 for k in ks):
        raise argparse.ArgumentTypeError(f"clause widths must be in 2..16, got {text!r}")
    return ks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reluhard scaling`` (unset ones are filled by :func:`settings`)."""
    parser.add_argument(
        "--via", metavar="NAME", default=DEFAULT_VIA, help=f"reduction (default {DEFAULT_VIA})"
    )
    parser.add_argument(
        "--lecture", action="store_true",
        help="the larger panel for a lecture: k = 3,4,5, MILP highs and cpsat, solvers up to "
        "n = 400 while its slowest instance stays under 5 s (several minutes); options given win",
    )  # fmt: skip
    parser.add_argument(
        "--n-min", metavar="A", type=cli_values.positive_count, default=None,
        help=f"smallest number of variables (default {DEFAULT_N_MIN})",
    )  # fmt: skip
    parser.add_argument(
        "--n-max", metavar="B", type=cli_values.positive_count, default=None,
        help=f"largest n of brute force (default {DEFAULT_N_MAX})",
    )  # fmt: skip
    parser.add_argument(
        "--step", metavar="S", type=cli_values.positive_count, default=None,
        help=f"step in n up to --n-max (default {DEFAULT_STEP})",
    )  # fmt: skip
    parser.add_argument(
        "--solver-n-max", metavar="C", type=cli_values.positive_count, default=None,
        help="the MILP back ends and CaDiCaL go on past --n-max up to C (default "
        f"{DEFAULT_SOLVER_N_MAX}; lecture {LECTURE['solver_n_max']})",
    )  # fmt: skip
    parser.add_argument(
        "--solver-step", metavar="T", type=cli_values.positive_count, default=None,
        help=f"step in n past --n-max (default {DEFAULT_SOLVER_STEP})",
    )  # fmt: skip
    parser.add_argument(
        "--budget", metavar="S", type=cli_values.positive, default=None,
        help="a solver stops after the first n where its slowest instance exceeds S seconds "
        f"(default {DEFAULT_BUDGET:g}; lecture {LECTURE['budget']:g})",
    )  # fmt: skip
    parser.add_argument(
        "--ratio", metavar="R", type=cli_values.positive, default=None,
        help="clauses per variable, m = round(R n) (default: the satisfiability threshold "
        "of random k-SAT, 4.26, 9.93, 21.12 for k = 3, 4, 5)",
    )  # fmt: skip
    parser.add_argument(
        "--k", metavar="LIST", type=k_list, default=None,
        help=f"literals per clause, one panel each, e.g. 3,4,5 (default {DEFAULT_K})",
    )  # fmt: skip
    parser.add_argument(
        "--per-n", metavar="K", type=cli_values.positive_count, default=DEFAULT_PER_N,
        help=f"random formulas per n (default {DEFAULT_PER_N})",
    )  # fmt: skip
    parser.add_argument(
        "--solvers", metavar="LIST", default=None,
        help=f"comma-separated MILP back ends: {', '.join(MILP_SOLVERS)} (default "
        f"{DEFAULT_SOLVERS}, the LP-based branch and bound; auto runs CaDiCaL on the "
        "network's CNF here)",
    )  # fmt: skip
    parser.add_argument(
        "--time-limit", metavar="S", type=cli_values.positive_seconds, default=DEFAULT_TIME_LIMIT,
        help=f"seconds per MILP solve (default {DEFAULT_TIME_LIMIT:g})",
    )  # fmt: skip
    parser.add_argument(
        "--seed", metavar="S", type=cli_values.seed, default=DEFAULT_SEED,
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


def settings(args: argparse.Namespace) -> dict:
    """The run's settings: each option of :data:`DEFAULTS` as given, else from
    :data:`LECTURE` under ``--lecture``, else the default; plus ``ratios`` per ``k``."""
    preset = LECTURE if getattr(args, "lecture", False) else DEFAULTS
    out: dict[str, Any] = {
        key: getattr(args, key) if getattr(args, key, None) is not None else preset[key]
        for key in DEFAULTS
    }
    ratio: float | None = getattr(args, "ratio", None)
    out["ratio"] = ratio
    out["ratios"] = {k: threshold_ratio(k, ratio) for k in out["k"]}
    return out


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
    reductions.for_kind("cnf", args.via)  # unknown reduction: InputError
    st = settings(args)
    solvers = _parse_solvers(st["solvers"])
    n_min, n_max, step = st["n_min"], st["n_max"], st["step"]
    if n_max < n_min:
        raise InputError(None, None, f"--n-max {n_max} is below --n-min {n_min}")
    if n_min < max(st["k"]):
        raise InputError(
            None, None, f"--n-min must be >= --k = {max(st['k'])} (distinct variables)"
        )
    if n_max > MAX_N:
        raise InputError(None, None, f"--n-max {n_max}: brute force stops at {MAX_N}")
    ns = list(range(n_min, n_max + 1, step))
    solver_ns = list(range(ns[-1] + st["solver_step"], st["solver_n_max"] + 1, st["solver_step"]))
    clock = getattr(args, "clock", DEFAULT_CLOCK)
    params = {
        "via": args.via,
        "lecture": bool(getattr(args, "lecture", False)),
        "n": ns,
        "solver_n": solver_ns,
        "budget": st["budget"],
        "k": list(st["k"]),
        "ratio": st["ratio"],
        "ratios": st["ratios"],
        "per_n": args.per_n,
        "solvers": solvers,
        "time_limit": args.time_limit,
        "seed": args.seed,
        "clock": clock,
        "overhead_factor": OVERHEAD_FACTOR,
        "min_fit_points": MIN_POINTS,
        "cadical": CADICAL,
        "cadical_runs": CADICAL_RUNS,
    }
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(str(out), None, f"cannot create the output directory: {e}") from None
    machine = machine_info()
    ks = ", ".join(f"{k}-CNFs with round({st['ratios'][k]:g} n) clauses" for k in st["k"])
    print(
        f"scaling{' (lecture)' if params['lecture'] else ''}: {args.per_n} random {ks} per n, "
        f"via {args.via}; brute force (all 2^n latents) at n = {ns[0]}..{ns[-1]} step {step}; "
        f"MILP {', '.join(solvers)} (time limit {args.time_limit:g} s) and CaDiCaL 1.9.5 "
        f"there and on to n = {st['solver_n_max']} step {st['solver_step']}, each until its "
        f"slowest instance exceeds {st['budget']:g} s"
    )
    print(
        f"machine: {machine['cpu_model']}, {machine['cpu_count']} CPUs, Python {machine['python']}",
        flush=True,
    )
    bar = Progress()
    t0, c0 = time.perf_counter(), time.process_time()
    warm_up(args.via, solvers)
    over = overheads(args.via, solvers, clock)
    panels: dict[int, list[dict]] = {}
    for k in st["k"]:
        panels[k] = measure(
            ns,
            via=args.via,
            ratio=st["ratios"][k],
            k=k,
            per_n=args.per_n,
            solvers=solvers,
            time_limit=args.time_limit,
            seed=args.seed,
            clock=clock,
            solver_ns=solver_ns,
            budget=st["budget"],
            progress=bar,
            warm=False,
        )
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = [r for rs in panels.values() for r in rs]
    bar.finish(f"scaling: {len(rows)} runs in {wall:.1f} s wall, {cpu:.1f} s CPU of this process")
    print()
    print(table(panels, args.time_limit, clock, over))
    timeouts = sum(r["verdict"] == UNKNOWN for r in rows)
    if timeouts:
        print(
            f"({timeouts} MILP time-out(s) counted at the time limit: "
            "those medians are lower bounds)"
        )
    wrong = problems(rows)
    write_json(
        out / "scaling.json",
        panels,
        params=params,
        machine=machine,
        wall_seconds=wall,
        cpu_seconds=cpu,
        time_limit=args.time_limit,
        overheads=over,
    )
    write_csv(out / "scaling.csv", rows)
    plotted = plot(out / "scaling.png", panels, params, args.time_limit, over)
    names = ["scaling.csv", "scaling.json"] + (["scaling.png"] if plotted else [])
    print(f"\nwrote {', '.join(str(out / x) for x in names)}")
    if not plotted:
        print("(no scaling.png: matplotlib is not installed; pip install matplotlib)")
    if wrong:
        _loud(f"{len(wrong)} WRONG ANSWER(S):\n!!! " + "\n!!! ".join(wrong))
        return 1
    return 0
