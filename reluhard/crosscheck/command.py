"""``reluhard crosscheck``: arguments and printing only; the work is in :mod:`.run`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .. import cli_values
from ..errors import ConfigError, InputError
from ..machine import machine_info
from ..progress import Progress
from . import external, plugins, report, runners
from .run import Instance, Options, load, run_all


def _names(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    return [] if names == ["none"] else names


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="CNF or circuit files, or folders (recursive)"
    )
    p.add_argument(
        "--solvers",
        metavar="LIST",
        type=_names,
        default=None,
        help="comma-separated python-sat solvers, or module:function (or FILE.py:function) "
        "plug-ins (default: every solver python-sat ships that works here; 'none' for none)",
    )
    p.add_argument(
        "--solver-cmd",
        metavar="NAME=TEMPLATE",
        action="append",
        default=[],
        help="also run an external solver binary, e.g. cadical='cadical -q {dimacs} {proof}' "
        "(repeatable; placeholders {cnf} {dimacs} {proof} {out}; runner cmd:NAME)",
    )
    p.add_argument(
        "--plugin",
        metavar="FILE.py[:FUNCTION]",
        action="append",
        default=[],
        help="also run a plug-in loaded from a file, no PYTHONPATH needed "
        "(repeatable; FUNCTION defaults to solve)",
    )
    p.add_argument(
        "--via",
        metavar="LIST",
        type=_names,
        default=None,
        help="network routes: reductions, optionally REDUCTION@BACKEND "
        "(default: sat-sign,sat-real, and circuit-sign,circuit-real when circuits are "
        "checked; 'none' for none)",
    )
    p.add_argument(
        "--fuzz", metavar="N", type=cli_values.count, default=0, help="also N random CNFs"
    )
    p.add_argument("--seed", metavar="S", type=cli_values.seed, default=0, help="seed for --fuzz")
    p.add_argument(
        "--fuzz-vars",
        metavar="V",
        type=cli_values.positive_count,
        default=30,
        help="at most V variables per fuzz CNF",
    )
    p.add_argument(
        "--jobs", metavar="J", type=cli_values.positive_count, default=1, help="worker processes"
    )
    p.add_argument(
        "--time-limit",
        metavar="S",
        type=cli_values.positive_seconds,
        default=60.0,
        help="seconds per run before it counts as TIMEOUT (default 60)",
    )
    p.add_argument("--report", metavar="REPORT.json", help="write the JSON report here")
    p.add_argument("--no-proofs", action="store_true", help="do not ask solvers for proofs")
    p.add_argument("--no-shrink", action="store_true", help="do not minimise failures")
    p.add_argument(
        "--shrink-budget",
        metavar="N",
        type=cli_values.count,
        default=1000,
        help="at most N test runs to minimise one failure (default 1000)",
    )


def _external(args: argparse.Namespace) -> tuple[list[str], dict[str, external.Command]]:
    """The plug-in and command runners, each tried once here: one that cannot start is a
    ConfigError (exit 2) before anything runs."""
    names = [n for n in args.solvers or [] if runners.kind(n) == "plugin"]
    extra = [plugins.runner_name(spec) for spec in args.plugin]
    for name in dict.fromkeys(names + extra):
        plugins.check(name)
    commands: dict[str, external.Command] = {}
    for spec in args.solver_cmd:
        cmd = external.parse_spec(spec)
        if cmd.runner in commands:
            raise ConfigError(f"--solver-cmd {cmd.runner[len(external.PREFIX) :]}: given twice")
        external.check_startable(cmd)
        commands[cmd.runner] = cmd
    return list(dict.fromkeys(extra)) + list(commands), commands


def _runners(
    args: argparse.Namespace, circuits: bool = False, extra: Sequence[str] = ()
) -> list[str]:
    from .. import reductions, solvers

    via = args.via
    if via is None:
        via = list(runners.DEFAULT_ROUTES) + (list(runners.CIRCUIT_ROUTES) if circuits else [])
    known = runners.available_solvers()
    chosen = list(known) if args.solvers is None else args.solvers
    for name in chosen:
        if runners.kind(name) == "pysat" and name not in known:
            raise InputError(
                None, None, f"unknown or unavailable solver '{name}' (here: {', '.join(known)})"
            )
    routes = []
    for route in via:
        via, _, backend = route.partition("@")
        reductions.get(via)
        if backend:
            solvers.get(backend)
        routes.append(runners.NET_PREFIX + route)
    chosen += [name for name in extra if name not in chosen]
    if not chosen and not routes:
        raise InputError(None, None, "nothing to run: no solvers and no routes")
    return chosen + routes


def run(args: argparse.Namespace) -> int:
    if args.jobs < 0 or args.fuzz < 0:
        raise InputError(None, None, "--jobs and --fuzz must be >= 0")
    extra, commands = _external(args)
    instances = load(args.paths)
    if args.fuzz:
        from ..problems.cnf_fuzz import fuzz_corpus

        instances += [Instance(n, c) for n, c in fuzz_corpus(args.fuzz, args.seed, args.fuzz_vars)]
    if not instances:
        raise InputError(
            None, None, "no CNF or circuit files found and no --fuzz: nothing to check"
        )
    out = Path(args.report) if args.report else None
    opts = Options(
        runners=_runners(args, any(i.circuit is not None for i in instances), extra),
        commands=commands,
        time_limit=args.time_limit,
        jobs=args.jobs,
        proofs=not args.no_proofs,
        shrink=not args.no_shrink,
        shrink_budget=args.shrink_budget,
        out_dir=out.parent if out else None,
        out_stem=out.stem if out else "crosscheck",
    )
    print(
        f"c {len(instances)} instances x {len(opts.runners)} runners, {args.jobs} jobs: "
        + ", ".join(opts.runners)
    )
    bar = Progress()
    start = time.perf_counter()
    results = run_all(instances, opts, lambda k, n, label: bar.update(k / n, label))
    elapsed = time.perf_counter() - start
    nfail = sum(len(r.failures) for r in results)
    bar.finish(f"checked {len(results)} instances in {elapsed:.1f} s: {nfail} failures")
    print(report.instance_lines(results))
    print()
    print(report.runner_table(results, opts))
    for line in report.failure_lines(results):
        print(line)
    if out:
        report.write(out, report.to_json(results, opts, machine_info(), elapsed))
        print(f"c report written to {out}")
    print("c clean: every answer checked, no disagreement" if not nfail else f"c {nfail} failures")
    sys.stdout.flush()
    return 1 if nfail else 0
