"""The command line of ``reluhard scaling``: its options (:func:`add_arguments`) and the run
(:func:`run`: measure, print the table, write CSV/JSON/PNG, report wrong answers)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ... import cli_values, reductions
from ...errors import InputError
from ...machine import machine_info
from ...progress import Progress
from ...solvers.exhaustive import MAX_N
from .fit import TIME_FLOOR
from .instances import DEFAULT_K, DEFAULT_PER_N, DEFAULT_RATIO, DEFAULT_SEED, DEFAULT_VIA
from .measure import DEFAULT_SOLVERS, DEFAULT_TIME_LIMIT, measure
from .plot import plot
from .report import table, write_csv, write_json
from .rows import CLOCKS, DEFAULT_CLOCK, UNKNOWN, problems
from .runners import CADICAL, CADICAL_RUNS, MILP_SOLVERS

DEFAULT_N_MIN = 12
DEFAULT_N_MAX = 24
DEFAULT_STEP = 2
DEFAULT_OUT = "scaling-out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reluhard scaling``."""
    parser.add_argument(
        "--via", metavar="NAME", default=DEFAULT_VIA, help=f"reduction (default {DEFAULT_VIA})"
    )
    parser.add_argument(
        "--n-min", metavar="A", type=cli_values.positive_count, default=DEFAULT_N_MIN,
        help=f"smallest number of variables (default {DEFAULT_N_MIN})",
    )  # fmt: skip
    parser.add_argument(
        "--n-max", metavar="B", type=cli_values.positive_count, default=DEFAULT_N_MAX,
        help=f"largest number of variables (default {DEFAULT_N_MAX})",
    )  # fmt: skip
    parser.add_argument(
        "--step", metavar="S", type=cli_values.positive_count, default=DEFAULT_STEP,
        help=f"step in n (default {DEFAULT_STEP})",
    )  # fmt: skip
    parser.add_argument(
        "--ratio", metavar="R", type=cli_values.positive, default=DEFAULT_RATIO,
        help=f"clauses per variable, m = round(R n) (default {DEFAULT_RATIO:g})",
    )  # fmt: skip
    parser.add_argument(
        "--k", metavar="K", type=cli_values.positive_count, default=DEFAULT_K,
        help=f"literals per clause (default {DEFAULT_K})",
    )  # fmt: skip
    parser.add_argument(
        "--per-n", metavar="K", type=cli_values.positive_count, default=DEFAULT_PER_N,
        help=f"random formulas per n (default {DEFAULT_PER_N})",
    )  # fmt: skip
    parser.add_argument(
        "--solvers", metavar="LIST", default=DEFAULT_SOLVERS,
        help=f"comma-separated MILP back ends: {', '.join(MILP_SOLVERS)} (default "
        f"{DEFAULT_SOLVERS})",
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
    solvers = _parse_solvers(args.solvers)
    if args.n_max < args.n_min:
        raise InputError(None, None, f"--n-max {args.n_max} is below --n-min {args.n_min}")
    if args.n_min < args.k:
        raise InputError(None, None, f"--n-min must be >= --k = {args.k} (distinct variables)")
    if args.n_max > MAX_N:
        raise InputError(None, None, f"--n-max {args.n_max}: brute force stops at {MAX_N}")
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
    write_json(
        out / "scaling.json",
        rows,
        params=params,
        machine=machine,
        wall_seconds=wall,
        time_limit=args.time_limit,
    )
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
