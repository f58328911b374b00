"""Throughput of ``reluhard crosscheck``: instances per second on the public SATLIB set,
with ``--jobs 1`` and ``--jobs 2``.

What is measured, and why
-------------------------
A cross-check costs more than running the solvers: every run happens in a worker process
(so a crashing solver cannot take the run down), every model is checked, and every UNSAT
answer's DRUP proof goes through the verified checker, which is slow on long proofs. This
script measures, on the same instances in the same run:

- ``bare``: the same python-sat solvers called in this process one after the other, no
  proofs, no checks, no workers: what a naive script pays. It is the reference.
- ``no-proofs``: ``crosscheck --no-proofs`` with every default python-sat solver: workers
  and model checks, no proofs (what the sandbox costs), ``--jobs 1`` and ``--jobs 2``;
- ``solvers``: ``crosscheck`` with every default python-sat solver (proofs and checks on),
  with ``--jobs 1`` and ``--jobs 2``;
- ``full``: the same plus both network routes (``net:sat-sign``, ``net:sat-real``: reduce,
  MILP, decode), the default of ``reluhard crosscheck``, with ``--jobs 1`` and ``--jobs 2``.

For each: wall time, instances/s, runs/s, the speed-up of 2 jobs over 1, the ratio to
``bare``, and where the time went (solver time summed over runs, proof-checker time summed
over runs). Timings are noisy on a shared 2-core machine: compare the ratios within a run.

Engines (``crosscheck_engines.*``): the same work on the local sandbox pool (``--jobs 1``,
``--jobs 2``) and on a Dask LocalCluster of 1 and 2 worker processes (each Dask task runs
the sandbox inside the Dask worker), on two workloads:

- ``satlib``: the solvers above, proofs on (the real work);
- ``trivial``: tiny CNFs, one solver, no proofs, so that a task costs almost nothing and the
  time per task is the engine's own overhead.

Each engine is opened and warmed first (its start-up is reported apart, ``startup_s``), then
timed. Besides wall time: ``overhead_ms`` = (wall x workers - task time summed) / runs, the
time a worker slot spends per task on anything but the task; CPU seconds of the parent
(judging; for Dask also the scheduler, which a LocalCluster runs in this process), of the
tasks (the sandbox workers' CPU for each task) and of the Dask worker processes.

Usage::

    python benchmarks/crosscheck_throughput.py [--quick] [--out DIR] [--satlib DIR]
        [--only configs|engines]

Writes ``DIR/crosscheck_throughput.{json,csv,png}`` and ``DIR/crosscheck_engines.{json,csv,
png}`` (default ``benchmarks/results``). ``--quick`` (about a minute) uses the uf20 files,
three solvers and one route, and 40 trivial CNFs. The engines need ``reluhard[dask]``;
without it they are skipped with a note.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from _common import (  # benchmarks/_common.py, beside this script
    argument_parser,
    machine_info,
    print_table,
    pyplot,
    save_figure,
    write_results,
)

from reluhard.crosscheck import runners
from reluhard.crosscheck.run import Instance, Options, load, open_pool, run_all
from reluhard.problems.cnf import CNF

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
DEFAULT_SATLIB = HERE.parent.parent / "shared" / "instances" / "satlib"
QUICK_SOLVERS = ["cadical195", "glucose4", "minisat22"]


def bare(instances, solvers) -> dict:
    """Every solver on every instance in this process: solve only."""
    from pysat.solvers import Solver

    start = time.perf_counter()
    for inst in instances:
        clauses = inst.cnf.clauses()
        for name in solvers:
            with Solver(name=name, bootstrap_with=clauses) as s:
                s.solve()
    return {"wall": time.perf_counter() - start, "solve_time": None, "check_time": None}


def crosscheck(instances, runner_names, jobs: int, proofs: bool = True) -> dict:
    opts = Options(runners=runner_names, jobs=jobs, time_limit=120.0, shrink=False,
                   proofs=proofs)  # fmt: skip
    start = time.perf_counter()
    results = run_all(instances, opts)
    wall = time.perf_counter() - start
    runs = [r for res in results for r in res.runs]
    failures = sum(len(res.failures) for res in results)
    return {
        "wall": wall,
        "solve_time": sum(r.time for r in runs),
        "check_time": sum(r.proof["time"] for r in runs if r.proof),
        "proofs_valid": sum(r.proof_status == "VALID" for r in runs),
        "failures": failures,
    }


def plot(path: Path, rows: list[dict], title: str) -> bool:
    plt = pyplot(note=False)
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(7, 3.6))
    labels = [f"{r['config']}\njobs {r['jobs']}" if r["jobs"] else r["config"] for r in rows]
    values = [r["instances_per_s"] for r in rows]
    bars = ax.bar(labels, values, color=["#888"] + ["#3b6ea8", "#6fa0d8"] * 6)
    ax.bar_label(bars, fmt="%.2f")
    ax.set_yscale("log")
    ax.set_ylabel("instances per second (log)")
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _dask_cpu(pool) -> float:
    """CPU seconds of the Dask worker processes so far (0 for the local sandbox)."""
    client = getattr(pool, "client", None)
    return sum(client.run(time.process_time).values()) if client is not None else 0.0


def trivial_instances(n: int) -> list[Instance]:
    """``n`` tiny distinct CNFs (two clauses on up to 5 variables): tasks that cost nothing."""
    return [
        Instance(f"tiny-{i}", CNF.from_clauses([[1 + i % 5, -(1 + (i + 1) % 5)], [1 + i % 3]]))
        for i in range(n)
    ]


def engine_rows(engine: str, workers: int, workloads) -> list[dict]:
    """Open one engine, warm it, then time each workload on it (best of its ``repeat``)."""
    jobs, cluster = workers, workers if engine == "dask" else None
    start = time.perf_counter()
    rows = []
    with open_pool(Options(runners=[], jobs=jobs, cluster=cluster)) as pool:
        warm = trivial_instances(4 * workers)
        run_all(warm, Options(runners=["cadical195"], proofs=False, shrink=False), pool=pool)
        startup = time.perf_counter() - start
        for workload, instances, names, proofs, repeat in workloads:
            opts = Options(runners=names, time_limit=120.0, shrink=False, proofs=proofs,
                           jobs=jobs, cluster=cluster)  # fmt: skip
            best = None
            for _ in range(repeat):
                cpu0, dask0 = _cpu_self(), _dask_cpu(pool)
                outcomes: list = []
                t0 = time.perf_counter()
                results = run_all(instances, opts, pool=pool, outcomes=outcomes)
                wall = time.perf_counter() - t0
                m = (wall, _cpu_self() - cpu0, _dask_cpu(pool) - dask0, outcomes, results)
                if best is None or wall < best[0]:
                    best = m
            assert best is not None
            wall, cpu_parent, cpu_dask, outcomes, results = best
            nruns = len(outcomes)
            task_time = sum(o.time for o in outcomes)
            rows.append(
                {
                    "workload": workload,
                    "engine": engine,
                    "workers": workers,
                    "runs": nruns,
                    "startup_s": startup,
                    "wall_s": wall,
                    "runs_per_s": nruns / wall,
                    "ms_per_run": 1e3 * wall / nruns,
                    "overhead_ms": 1e3 * (wall * workers - task_time) / nruns,
                    "task_time_s": task_time,
                    "cpu_parent_s": cpu_parent,
                    "cpu_tasks_s": sum(o.cpu for o in outcomes),
                    "cpu_dask_workers_s": cpu_dask,
                    "failures": sum(len(r.failures) for r in results),
                }
            )
            print(f"  {workload} {engine} x{workers}: {wall:.2f} s", flush=True)
    return rows


def engines(args, instances, solvers) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("(dask is not installed: no engine comparison; pip install -e '.[dask]')")
        return
    workloads = [  # name, instances, runners, proofs, best of how many runs
        ("satlib", instances, solvers, True, 2 if args.quick else 1),
        ("trivial", trivial_instances(40 if args.quick else 400), ["cadical195"], False, 2),
    ]
    rows = []
    for engine, workers in (("sandbox", 1), ("sandbox", 2), ("dask", 1), ("dask", 2)):
        rows += engine_rows(engine, workers, workloads)
    rows.sort(key=lambda r: [w[0] for w in workloads].index(r["workload"]))
    for r in rows:
        ref = next(x for x in rows if x["workload"] == r["workload"] and x["engine"] == "sandbox")
        one = next(x for x in rows if x["workload"] == r["workload"]
                   and x["engine"] == r["engine"] and x["workers"] == 1)  # fmt: skip
        r["speedup_vs_1_worker"] = one["wall_s"] / r["wall_s"]
        r["ratio_vs_sandbox_1"] = r["wall_s"] / ref["wall_s"]
    print()
    print_table(
        ["workload", "engine", "workers", "runs", "start s", "wall s", "runs/s", "ms/run",
         "overhead ms", "vs 1 worker", "vs sandbox 1", "CPU parent", "CPU tasks",
         "CPU dask"],
        [
            [r["workload"], r["engine"], str(r["workers"]), str(r["runs"]),
             f"{r['startup_s']:.2f}", f"{r['wall_s']:.2f}", f"{r['runs_per_s']:.1f}",
             f"{r['ms_per_run']:.1f}", f"{r['overhead_ms']:.1f}",
             f"{r['speedup_vs_1_worker']:.2f}x", f"{r['ratio_vs_sandbox_1']:.2f}x",
             f"{r['cpu_parent_s']:.2f}", f"{r['cpu_tasks_s']:.2f}",
             f"{r['cpu_dask_workers_s']:.2f}"]
            for r in rows
        ],
    )  # fmt: skip
    report = {
        "machine": machine_info(),
        "parameters": {
            "quick": args.quick,
            "solvers": solvers,
            "instances": [i.name for i in instances],
        },  # fmt: skip
        "rows": rows,
    }
    write_results(args.out, "crosscheck_engines", report, rows)
    plt = pyplot(note=False)
    if plt is not None:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
        for ax, (workload, *_) in zip(axes, workloads, strict=True):
            sub = [r for r in rows if r["workload"] == workload]
            bars = ax.bar([f"{r['engine']}\nx{r['workers']}" for r in sub],
                          [r["runs_per_s"] for r in sub],
                          color=["#3b6ea8", "#6fa0d8", "#a8563b", "#d88f6f"])  # fmt: skip
            ax.bar_label(bars, fmt="%.1f")
            ax.set_title(f"{workload}: runs per second", fontsize=10)
        save_figure(fig, args.out / "crosscheck_engines.png")
        print(f"wrote {args.out / 'crosscheck_engines.png'}")
    print(f"wrote {args.out / 'crosscheck_engines.json'} and .csv")


def main() -> int:
    ap = argument_parser(__doc__, "uf20 only, 3 solvers, 1 route", DEFAULT_OUT)
    ap.add_argument("--satlib", type=Path, default=DEFAULT_SATLIB)
    ap.add_argument("--only", choices=["configs", "engines"], help="one of the two parts")
    args = ap.parse_args()

    paths = sorted(args.satlib.glob("uf20-*.cnf")) if args.quick else [args.satlib]
    instances = load(paths)
    solvers = QUICK_SOLVERS if args.quick else list(runners.available_solvers())
    if args.only != "configs":
        engines(args, instances, solvers)
    if args.only == "engines":
        return 0
    routes = ["net:sat-sign"] if args.quick else [f"net:{r}" for r in runners.DEFAULT_ROUTES]
    configs = [("bare", 0, solvers)]
    for name, names in (("no-proofs", solvers), ("solvers", solvers), ("full", solvers + routes)):
        configs += [(name, 1, names), (name, 2, names)]

    crosscheck(instances[:1], solvers[:1], 2)  # start the forkserver: not part of any row
    rows = []
    for config, jobs, names in configs:
        if config == "bare":
            m = bare(instances, names)
        else:
            m = crosscheck(instances, names, jobs, proofs=config != "no-proofs")
        nruns = len(instances) * len(names)
        rows.append(
            {
                "config": config,
                "jobs": jobs,
                "runners": len(names),
                "instances": len(instances),
                "runs": nruns,
                "wall_s": m["wall"],
                "instances_per_s": len(instances) / m["wall"],
                "runs_per_s": nruns / m["wall"],
                "solve_time_s": m["solve_time"],
                "proof_check_time_s": m["check_time"],
                "proofs_valid": m.get("proofs_valid"),
                "failures": m.get("failures"),
            }
        )
        print(f"  {config} jobs={jobs}: {m['wall']:.2f} s", flush=True)
    base = rows[0]["wall_s"]
    for r in rows:
        one = next((x for x in rows if x["config"] == r["config"] and x["jobs"] == 1), None)
        r["speedup_vs_jobs1"] = one["wall_s"] / r["wall_s"] if one and r["jobs"] else None
        r["ratio_vs_bare"] = r["wall_s"] / base

    print()
    families = sorted({i.name.split("-")[0] for i in instances})
    print(
        f"{len(instances)} instances ({', '.join(families)}); "
        f"solvers: {', '.join(solvers)}; routes: {', '.join(routes)}"
    )
    print_table(
        [
            "config",
            "jobs",
            "runs",
            "wall s",
            "inst/s",
            "runs/s",
            "vs jobs 1",
            "vs bare",
            "solve s",
            "proof check s",
        ],  # fmt: skip
        [
            [
                r["config"],
                str(r["jobs"]) if r["jobs"] else "-",
                str(r["runs"]),
                f"{r['wall_s']:.2f}",
                f"{r['instances_per_s']:.2f}",
                f"{r['runs_per_s']:.1f}",
                f"{r['speedup_vs_jobs1']:.2f}x" if r["speedup_vs_jobs1"] else "-",
                f"{r['ratio_vs_bare']:.1f}x",
                "-" if r["solve_time_s"] is None else f"{r['solve_time_s']:.2f}",
                "-" if r["proof_check_time_s"] is None else f"{r['proof_check_time_s']:.2f}",
            ]
            for r in rows
        ],
    )
    report = {
        "machine": machine_info(),
        "parameters": {
            "quick": args.quick,
            "solvers": solvers,
            "routes": routes,
            "instances": [i.name for i in instances],
        },  # fmt: skip
        "rows": rows,
    }
    write_results(args.out, "crosscheck_throughput", report, rows)
    title = f"crosscheck on {len(instances)} SATLIB instances: {len(solvers)} solvers" + (
        f" + {len(routes)} network routes (full)" if routes else ""
    )
    if plot(args.out / "crosscheck_throughput.png", rows, title):
        print(f"wrote {args.out / 'crosscheck_throughput.png'}")
    print(f"wrote {args.out / 'crosscheck_throughput.json'} and .csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
