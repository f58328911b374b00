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

Usage::

    python benchmarks/crosscheck_throughput.py [--quick] [--out DIR] [--satlib DIR]

Writes ``DIR/crosscheck_throughput.{json,csv,png}`` (default ``benchmarks/results``).
``--quick`` (under a minute) uses the uf20 files, three solvers and one route.
"""

from __future__ import annotations

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
from reluhard.crosscheck.run import Options, load, run_all

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


def main() -> int:
    ap = argument_parser(__doc__, "uf20 only, 3 solvers, 1 route", DEFAULT_OUT)
    ap.add_argument("--satlib", type=Path, default=DEFAULT_SATLIB)
    args = ap.parse_args()

    paths = sorted(args.satlib.glob("uf20-*.cnf")) if args.quick else [args.satlib]
    instances = load(paths)
    solvers = QUICK_SOLVERS if args.quick else list(runners.available_solvers())
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
