"""``reduce`` as a whole process against python-sat's parser as a whole process.

What is measured, and why
-------------------------
Issue 18 asks that ``reduce`` on a random 1M-clause 3-CNF whose clauses may repeat a
variable cost no more than ``python -c "from pysat.formula import CNF; CNF(from_file=F)"``
as a process, measured the same way, with a peak memory under 1 GiB. Start-up and imports
count on both sides here (``benchmarks/compile_speed.py`` times the work inside one
process instead).

How
---
A 3-CNF with ``--clauses`` clauses over ``--vars`` variables, each literal's variable drawn
uniformly *with* replacement (so some clauses repeat a variable: the repeated-literal path
of ``sat-sign`` runs), signs fair, seed ``--seed``, is written as DIMACS to a temporary
directory. Then, alternating so that drifting load hits both, ``--repeats`` times each:

* **reduce**: ``python -m reluhard reduce F -o F.npz`` (this checkout first on the path);
* **pysat**: ``python -c "from pysat.formula import CNF; CNF(from_file=F)"``.

Each run's CPU time (user + system of the child, from ``os.wait4``), wall time
(``time.perf_counter`` around the process) and peak RSS (``ru_maxrss``) are recorded; the
table gives medians (peak: maximum), the ratios reduce / pysat for CPU and wall (target
``<= 1.0``) and whether the peak is under 1 GiB. Results: ``DIR/compile_process.{csv,json}``.
Timings are noisy on a shared 2-core machine: compare the ratios of one run.

Usage::

    python benchmarks/compile_process.py [--clauses N] [--vars V] [--repeats R] [--seed S]
                                         [--quick] [--out DIR]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    RESULTS,
    argument_parser,
    machine_info,
    print_table,
    timed_process,
    warm_bytecode,
    write_results,  # noqa: E402
)

GIB = 1 << 30


def write_cnf(path: Path, nclauses: int, nvars: int, seed: int) -> int:
    """Write the random 3-CNF; the number of clauses that repeat a variable."""
    import numpy as np

    rng = np.random.default_rng(seed)
    v = rng.integers(1, nvars + 1, size=(nclauses, 3))
    lits = v * np.where(rng.random((nclauses, 3)) < 0.5, -1, 1)
    s = np.sort(v, axis=1)
    repeats = int(np.count_nonzero(np.any(s[:, 1:] == s[:, :-1], axis=1)))
    with open(path, "w") as f:
        f.write(f"p cnf {nvars} {nclauses}\n")
        np.savetxt(f, np.c_[lits, np.zeros(nclauses, dtype=np.int64)], fmt="%d")
    return repeats


def main(argv: list[str] | None = None) -> int:
    ap = argument_parser(__doc__, "100,000 clauses, 3 repeats", RESULTS)
    ap.add_argument("--clauses", type=int, default=1_000_000)
    ap.add_argument("--vars", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args(argv)
    if args.quick:
        args.clauses, args.vars, args.repeats = 100_000, 20_000, 3
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    warm_bytecode(ROOT / "reluhard")
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        cnf = Path(tmp) / "r3.cnf"
        repeats = write_cnf(cnf, args.clauses, args.vars, args.seed)
        tools = {
            "reduce": [sys.executable, "-m", "reluhard", "reduce", str(cnf), "-o", f"{cnf}.npz"],
            "pysat": [
                sys.executable,
                "-c",
                f"from pysat.formula import CNF; CNF(from_file={str(cnf)!r})",
            ],
        }
        for i in range(args.repeats):
            for tool, cmd in tools.items():
                runs.append({"tool": tool, "run": i, **timed_process(cmd, env, tmp)})
                print(
                    f"{tool:>7} run {i}: cpu {runs[-1]['cpu']:.2f} s  wall {runs[-1]['wall']:.2f} s"
                    f"  peak {runs[-1]['peak_rss'] / 2**20:.0f} MiB",
                    flush=True,
                )
    med = {
        t: {
            "cpu": statistics.median(r["cpu"] for r in runs if r["tool"] == t),
            "wall": statistics.median(r["wall"] for r in runs if r["tool"] == t),
            "peak_rss": max(r["peak_rss"] for r in runs if r["tool"] == t),
        }
        for t in ("reduce", "pysat")
    }
    ratio = {k: med["reduce"][k] / med["pysat"][k] for k in ("cpu", "wall")}
    ok = ratio["cpu"] <= 1.0 and med["reduce"]["peak_rss"] < GIB
    print_table(
        ["process", "CPU s", "wall s", "peak MiB"],
        [
            [t, f"{m['cpu']:.2f}", f"{m['wall']:.2f}", f"{m['peak_rss'] / 2**20:.0f}"]
            for t, m in med.items()
        ],
    )
    print(
        f"reduce / pysat: CPU {ratio['cpu']:.2f}, wall {ratio['wall']:.2f} (target <= 1.0); "
        f"peak {med['reduce']['peak_rss'] / 2**20:.0f} MiB (target < 1024); "
        f"{repeats} of {args.clauses} clauses repeat a variable"
    )
    report = {
        "clauses": args.clauses,
        "vars": args.vars,
        "seed": args.seed,
        "clauses_repeating_a_variable": repeats,
        "medians": med,
        "ratio": ratio,
        "target_met": ok,
        "machine": machine_info(),
        "noise": "shared 2-core machine: compare ratios of one run",
    }
    write_results(args.out, "compile_process", report, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
