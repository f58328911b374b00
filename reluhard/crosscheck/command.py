"""``reluhard crosscheck``: arguments and printing only; the work is in :mod:`.run`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from .. import cli_values
from ..errors import ConfigError, InputError
from ..machine import machine_info
from ..progress import Progress
from . import exports, external, journal, plugins, report, runners
from .run import Instance, Interrupted, Options, load_all, run_all, save_fuzz


def _names(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    return [] if names == ["none"] else names


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="CNF or circuit files, folders (recursive), or @LIST: a file of paths, one a line "
        "(# comments; relative to the list's folder)",
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
    p.add_argument(
        "--report",
        metavar="REPORT.json",
        help="write the JSON report here, with REPORT.jsonl (each run as it finishes), "
        "REPORT.csv and REPORT.png (cactus plot) beside it",
    )
    p.add_argument(
        "--resume",
        metavar="REPORT.json",
        help="continue the run whose report is REPORT.json: skip the runs in REPORT.jsonl",
    )
    engine = p.add_mutually_exclusive_group()
    engine.add_argument(
        "--cluster",
        metavar="local[:N]",
        help="run the tasks on a Dask LocalCluster of N worker processes (needs reluhard[dask])",
    )
    engine.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the tasks on the Dask cluster of this scheduler (needs reluhard[dask])",
    )
    p.add_argument(
        "--progress-every",
        metavar="S",
        type=cli_values.positive_seconds,
        default=30.0,
        help="when stderr is not a terminal, a progress line every S seconds (default 30)",
    )
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


class _Stop(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it stops like ^C."""

    signum = signal.SIGINT


def _on_signal(signum, frame) -> None:
    _Stop.signum = signum
    signal.signal(signum, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
    raise _Stop()


def run(args: argparse.Namespace) -> int:
    if args.jobs < 0 or args.fuzz < 0:
        raise InputError(None, None, "--jobs and --fuzz must be >= 0")
    if args.resume and args.report and Path(args.resume) != Path(args.report):
        raise InputError(None, None, "--resume REPORT continues REPORT: leave out --report")
    extra, commands = _external(args)
    report_arg = args.resume or args.report
    out = Path(report_arg) if report_arg else None
    instances, problems = load_all(args.paths)
    if args.fuzz:
        from ..problems.cnf_fuzz import fuzz_corpus

        corpus = fuzz_corpus(args.fuzz, args.seed, args.fuzz_vars)
        if out:  # saved beside the report, as REPORT.fuzz/fuzz-S-I.cnf
            instances += save_fuzz(corpus, journal.beside(out, ".fuzz"))
        else:
            instances += [Instance(name, cnf) for name, cnf in corpus]
    if not instances and problems:  # nothing to check: the first bad file, as bad input
        raise InputError(None, None, problems[0].error)
    if not instances:
        raise InputError(
            None, None, "no CNF or circuit files found and no --fuzz: nothing to check"
        )
    cluster = None
    if args.cluster:
        from .cluster import parse_cluster

        cluster = parse_cluster(args.cluster)
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
        cluster=cluster,
        scheduler=args.scheduler,
    )
    resumed = journal.read(journal.path_for(out)) if args.resume and out else None
    log = journal.Journal(journal.path_for(out) if out else None, fresh=resumed is None)
    skipped = f", {len(resumed[0])} runs done before" if resumed else ""
    print(
        f"c {len(instances)} instances x {len(opts.runners)} runners, {opts.engine}{skipped}: "
        + ", ".join(opts.runners)
    )
    sys.stdout.flush()
    bar = Progress(every=args.progress_every, rich=True)
    start = time.perf_counter()
    interrupted = None
    _Stop.signum = signal.SIGINT
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_signal) if main else None
    try:
        results = run_all(
            instances,
            opts,
            lambda k, n, label: bar.update(k / n, f"{k}/{n} {label}"),
            journal=log,
            resumed=resumed,
        )
    except Interrupted as stop:
        results, interrupted = stop.results, _Stop.signum
    finally:
        if main:
            signal.signal(signal.SIGTERM, old)
        log.close()
    elapsed = time.perf_counter() - start
    nfail = sum(len(r.failures) for r in results)
    if interrupted is not None:
        bar.finish(f"interrupted after {elapsed:.1f} s: {len(results)} instances finished")
    else:
        bar.finish(f"checked {len(results)} instances in {elapsed:.1f} s: {nfail} failures")
    print(report.instance_lines(results, problems=problems))
    print()
    print(report.runner_table(results, opts))
    for line in report.failure_lines(results):
        print(line)
    if out:
        data = report.to_json(
            results, opts, machine_info(), elapsed, problems, interrupted is not None
        )
        report.write(out, data)
        exports.write_csv(journal.beside(out, ".csv"), results, problems, opts)
        drawn = exports.cactus(journal.beside(out, ".png"), results, opts)
        print(f"c report written to {out}, with .jsonl, .csv" + (" and .png" if drawn else ""))
    if interrupted is not None:
        print(f"c interrupted: continue with --resume {out}" if out else "c interrupted")
        sys.stdout.flush()
        return 128 + int(interrupted)
    if problems:
        print(f"c {len(problems)} input files could not be read (INPUT-ERROR)")
    print("c clean: every answer checked, no disagreement" if not nfail else f"c {nfail} failures")
    sys.stdout.flush()
    return 1 if nfail or problems else 0
