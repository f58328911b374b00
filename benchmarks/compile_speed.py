"""Compile speed and memory of ``reduce`` on a large random 3-CNF, against python-sat's parser.

What is measured, and why
-------------------------
The issue sets three targets for compiling a DIMACS CNF into a network file:

1. **Speed**: the *whole* ``reduce`` (read the file, parse it, build the network, write the
   ``.npz``) must be no slower than python-sat *only parsing* the same file
   (``pysat.formula.CNF(from_file=...)``), the baseline any CNF tool in Python pays anyway.
   Reported as ``ratio reduce/pysat-parse`` (target ``<= 1.0``).
2. **Memory**: the peak resident set size of a ``reduce`` process stays under 1 GiB on the
   reference instance (a random 3-CNF with 1,000,000 clauses over 200,000 variables).
3. **Sparsity**: the network file is linear in the number of literals (no dense ``m x n``
   matrix anywhere). Checked by also reducing a formula of half the size at the same
   clause/variable ratio: the output bytes per literal of the two must be about equal
   (within 5 %).

How
---
A seeded random 3-CNF (:func:`reluhard.problems.cnf.random_kcnf`) is written as DIMACS to a
temporary directory. Every measurement runs in a fresh interpreter (this script in
``--worker`` mode) and reports its own peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``, KiB
on Linux) and its wall time, measured with ``time.perf_counter`` around the work only
(interpreter start-up and imports excluded). The RSS after the imports is recorded too
(``import_rss``); it *is* part of the peak, as it would be for a real ``reduce`` process.

The driver itself imports nothing heavy and leaves generating the CNF and reading package
versions to workers: on Linux a child's ``ru_maxrss`` starts from its parent's high-water
mark (it survives ``vfork``/``exec``), so a driver holding a million-clause formula would
inflate every worker's peak. Each worker also records ``VmHWM`` from ``/proc/self/status``
(the process's own high-water mark, which is not inherited) as a cross-check.

The runs alternate (reduce sat-sign, pysat parse, reduce sat-real; this cycle ``--repeats``
times) so that drifting machine load hits both sides; each tool reports the median time and
the maximum peak RSS over its runs.

``reduce`` here is :func:`reluhard.pipeline.reduce_file` with ``via="sat-sign"`` (the
default reduction, the one the targets apply to); ``sat-real`` is reported as a second row
for information. ``--phases`` adds one extra run per reduction that times the pipeline's
phases separately (read, sha256, parse, build, write) and records the deflate level the zip
writer really used, to see where the time goes.

Timings are noisy on a shared 2-core machine: compare ratios from the same run, not
absolute seconds across runs.

Usage::

    python benchmarks/compile_speed.py [--clauses N] [--vars V] [--repeats R] [--seed S]
                                       [--out DIR] [--quick] [--phases] [--check]

Results go to ``DIR/compile_speed.json`` and ``DIR/compile_speed.csv`` (default
``benchmarks/results``). The exit status is 0 whatever the numbers (this is a measurement),
unless ``--check`` is given: then 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_info, print_table, verdict  # benchmarks/_common.py, beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
RESULT_PREFIX = "COMPILE_SPEED_RESULT "
GIB = 1024**3
MIB = 1024**2
SPEED_TARGET = 1.0  # reduce / pysat-parse
MEMORY_TARGET = GIB  # bytes
LINEAR_TOLERANCE = 0.05  # relative difference of bytes/literal, full vs half size
PRIMARY_VIA = "sat-sign"
VIAS = ("sat-sign", "sat-real")
NOTE = (
    "Timings are noisy on a shared 2-core machine (other jobs run concurrently): compare "
    "the ratio from one run, not absolute seconds across runs. Each measurement runs in a "
    "fresh process; time excludes interpreter start-up and imports; peak RSS includes them."
)


# --------------------------------------------------------------------------- worker side


def _peak_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # bytes on macOS, KiB on Linux


def _vm_hwm_bytes() -> int | None:
    """Linux's high-water mark of this process's own memory (``VmHWM``); unlike
    ``ru_maxrss`` it never includes the parent's."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _make_cnf(path: str, nclauses: int, nvars: int, seed: int) -> dict:
    import numpy as np

    from reluhard.problems.cnf import random_kcnf
    from reluhard.problems.dimacs_cnf import write_cnf

    t0 = time.perf_counter()
    cnf = random_kcnf(nvars, nclauses, 3, np.random.default_rng(seed))
    write_cnf(cnf, path, comments=[f"random 3-CNF, seed {seed}, reluhard compile_speed"])
    return {
        "path": os.path.basename(path),
        "nvars": nvars,
        "nclauses": nclauses,
        "nliterals": int(cnf.literals.size),
        "bytes": os.path.getsize(path),
        "generate_seconds": time.perf_counter() - t0,
    }


def _phases(cnf_path: str, npz_path: str, via: str) -> tuple[float, dict]:
    """The steps of ``reduce_file`` (``pipeline.load_source``, ``reduce_source``,
    ``netfile.write``) timed one by one; returns the total and the details."""
    import hashlib
    import zipfile

    from reluhard import netfile, pipeline
    from reluhard.inversion import Source
    from reluhard.problems import dimacs_cnf
    from reluhard.problems.textio import decompress, read_raw

    levels: list = []  # deflate levels the zip writer really uses (spied, not changed)
    get_compressor = zipfile._get_compressor

    def spy(compress_type, compresslevel=None):
        levels.append(compresslevel)
        return get_compressor(compress_type, compresslevel)

    zipfile._get_compressor = spy
    phases: dict[str, float] = {}
    rss_after: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        phases[name] = now - start
        rss_after[name] = _peak_rss_bytes() / MIB
        return now

    t0 = t = time.perf_counter()
    raw = read_raw(cnf_path)
    t = lap("read", t)
    digest = hashlib.sha256(raw).hexdigest()
    t = lap("sha256", t)
    data = decompress(raw, cnf_path)
    dimacs_cnf.sniff_header(data)
    cnf = dimacs_cnf.parse_cnf(data, cnf_path)
    t = lap("parse", t)
    del raw, data
    problem = pipeline.reduce_source(Source("cnf", cnf, digest, os.path.basename(cnf_path)), via)
    t = lap("build", t)
    netfile.write(problem, npz_path)
    lap("write", t)
    total = time.perf_counter() - t0
    zipfile._get_compressor = get_compressor
    return total, {
        "phases": phases,
        "peak_rss_mib_after": rss_after,
        "zip_compresslevels": sorted({repr(x) for x in levels}),
    }


def _worker(args: argparse.Namespace) -> None:
    """One job in this (fresh) process; prints one JSON result line on stdout."""
    if args.worker == "generate":
        result = _make_cnf(args.cnf, args.clauses, args.vars, args.seed)
    elif args.worker == "info":
        result = machine_info()
    else:
        result = {"tool": args.worker}
        if args.worker == "pysat":
            from pysat.formula import CNF as PysatCNF

            import_rss = _peak_rss_bytes()
            t0 = time.perf_counter()
            formula = PysatCNF(from_file=args.cnf)
            seconds = time.perf_counter() - t0
            result.update(nclauses=len(formula.clauses), nvars=formula.nv)
        elif args.worker == "reduce":
            from reluhard import pipeline

            import_rss = _peak_rss_bytes()
            t0 = time.perf_counter()
            pipeline.reduce_file(args.cnf, args.npz, via=args.via)
            seconds = time.perf_counter() - t0
            result.update(via=args.via, output_bytes=os.path.getsize(args.npz))
        else:  # phases
            from reluhard import pipeline  # noqa: F401  (imports before the clock starts)

            import_rss = _peak_rss_bytes()
            seconds, details = _phases(args.cnf, args.npz, args.via)
            result.update(via=args.via, output_bytes=os.path.getsize(args.npz), **details)
        result.update(
            seconds=seconds,
            peak_rss_bytes=_peak_rss_bytes(),
            import_rss_bytes=import_rss,
            vm_hwm_bytes=_vm_hwm_bytes(),
        )
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- driver side


def _run_worker(kind: str, **opts: object) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    for key, value in opts.items():
        cmd += [f"--{key}", str(value)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"worker {kind} {opts} failed with status {proc.returncode}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise SystemExit(f"worker {kind} printed no result:\n{proc.stdout}{proc.stderr}")


def _summary(runs: list[dict], nliterals: int) -> dict:
    times = [r["seconds"] for r in runs]
    hwm = [r["vm_hwm_bytes"] for r in runs if r.get("vm_hwm_bytes")]
    out = {
        "runs": len(runs),
        "median_seconds": statistics.median(times),
        "min_seconds": min(times),
        "max_seconds": max(times),
        "seconds": times,
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "vm_hwm_bytes": max(hwm) if hwm else None,
        "import_rss_bytes": max(r["import_rss_bytes"] for r in runs),
    }
    sizes = {r["output_bytes"] for r in runs if "output_bytes" in r}
    if sizes:
        size = max(sizes)
        out["output_bytes"] = size
        out["bytes_per_literal"] = size / nliterals
        out["deterministic_output"] = len(sizes) == 1
    return out


def _print_table(rows: list[tuple[str, dict]]) -> None:
    header = ["tool", "median s", "min s", "max s", "peak RSS MiB", "output bytes", "bytes/literal"]
    body = [
        [
            name,
            f"{s['median_seconds']:.3f}",
            f"{s['min_seconds']:.3f}",
            f"{s['max_seconds']:.3f}",
            f"{s['peak_rss_bytes'] / MIB:.1f}",
            f"{s['output_bytes']:,}" if "output_bytes" in s else "-",
            f"{s['bytes_per_literal']:.3f}" if "bytes_per_literal" in s else "-",
        ]
        for name, s in rows
    ]
    print_table(header, body)


def _write_csv(path: Path, rows: list[tuple[str, dict, dict]], machine: dict) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "tool",
                "clauses",
                "vars",
                "literals",
                "runs",
                "median_seconds",
                "min_seconds",
                "max_seconds",
                "peak_rss_mib",
                "output_bytes",
                "bytes_per_literal",
                "date",
                "platform",
                "cpu_count",
                "python",
                "numpy",
                "python_sat",
                "note",
            ]
        )
        for name, inst, s in rows:
            w.writerow(
                [
                    name,
                    inst["nclauses"],
                    inst["nvars"],
                    inst["nliterals"],
                    s["runs"],
                    f"{s['median_seconds']:.4f}",
                    f"{s['min_seconds']:.4f}",
                    f"{s['max_seconds']:.4f}",
                    f"{s['peak_rss_bytes'] / MIB:.1f}",
                    s.get("output_bytes", ""),
                    f"{s['bytes_per_literal']:.4f}" if "bytes_per_literal" in s else "",
                    machine["date"],
                    machine["platform"],
                    machine["cpu_count"],
                    machine["python"],
                    machine["numpy"],
                    machine["python-sat"],
                    NOTE,
                ]
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--clauses", type=int, default=None, help="clauses (default 1,000,000)")
    ap.add_argument("--vars", type=int, default=None, help="variables (default 200,000)")
    ap.add_argument("--repeats", type=int, default=None, help="alternating repeats (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"results directory (default {DEFAULT_OUT})"
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="50,000 clauses / 10,000 variables, 1 repeat (a smoke test)",
    )
    ap.add_argument(
        "--phases",
        action="store_true",
        help="also time the pipeline's phases (one extra run per reduction)",
    )
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    # worker mode (internal)
    ap.add_argument(
        "--worker",
        choices=["reduce", "pysat", "phases", "generate", "info"],
        help=argparse.SUPPRESS,
    )
    ap.add_argument("--cnf", help=argparse.SUPPRESS)
    ap.add_argument("--npz", help=argparse.SUPPRESS)
    ap.add_argument("--via", default=PRIMARY_VIA, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        _worker(args)
        return 0

    nclauses = args.clauses or (50_000 if args.quick else 1_000_000)
    nvars = args.vars or (10_000 if args.quick else 200_000)
    repeats = args.repeats or (1 if args.quick else 3)
    if nclauses < 2 or nvars < 6 or repeats < 1:
        ap.error("need --clauses >= 2, --vars >= 6, --repeats >= 1")
    machine = _run_worker("info")
    print(
        f"compile_speed: random 3-CNF, {nclauses:,} clauses, {nvars:,} variables, "
        f"seed {args.seed}, {repeats} repeat(s)"
    )
    print(
        f"machine: {machine['cpu_model']}, {machine['cpu_count']} CPUs, Python "
        f"{machine['python']}, numpy {machine['numpy']}, python-sat {machine['python-sat']}"
    )

    with tempfile.TemporaryDirectory(prefix="reluhard-compile-speed-") as tmp:
        tmpdir = Path(tmp)
        cnf_path, half_path = tmpdir / "full.cnf", tmpdir / "half.cnf"
        full = _run_worker("generate", cnf=cnf_path, clauses=nclauses, vars=nvars, seed=args.seed)
        half = _run_worker(
            "generate", cnf=half_path, clauses=nclauses // 2, vars=nvars // 2, seed=args.seed + 1
        )
        nlits = full["nliterals"]
        print(
            f"input: {full['bytes']:,} bytes of DIMACS, {nlits:,} literals "
            f"({full['bytes'] / nlits:.3f} bytes/literal)\n"
        )

        runs: dict[str, list[dict]] = {f"reduce {v}": [] for v in VIAS}
        runs["pysat parse"] = []
        for _ in range(repeats):  # ours, pysat, ours, pysat, ...
            for via in VIAS:
                runs[f"reduce {via}"].append(
                    _run_worker("reduce", cnf=cnf_path, npz=tmpdir / f"{via}.npz", via=via)
                )
                if via == PRIMARY_VIA:
                    runs["pysat parse"].append(_run_worker("pysat", cnf=cnf_path))
        half_runs = {
            via: _run_worker("reduce", cnf=half_path, npz=tmpdir / f"half-{via}.npz", via=via)
            for via in VIAS
        }
        phase_runs = {
            via: _run_worker("phases", cnf=cnf_path, npz=tmpdir / f"phases-{via}.npz", via=via)
            for via in (VIAS if args.phases else ())
        }

    summaries = {name: _summary(r, nlits) for name, r in runs.items()}
    half_summaries = {via: _summary([r], half["nliterals"]) for via, r in half_runs.items()}
    _print_table(list(summaries.items()))

    ours = summaries[f"reduce {PRIMARY_VIA}"]
    base = summaries["pysat parse"]
    ratio = ours["median_seconds"] / base["median_seconds"]
    speed_ok = ratio <= SPEED_TARGET
    mem_ok = ours["peak_rss_bytes"] < MEMORY_TARGET
    bpl_full = ours["bytes_per_literal"]
    bpl_half = half_summaries[PRIMARY_VIA]["bytes_per_literal"]
    rel = abs(bpl_full - bpl_half) / bpl_full
    linear_ok = rel <= LINEAR_TOLERANCE
    print()
    print(
        f"ratio reduce/pysat-parse = {ratio:.2f} (target <= {SPEED_TARGET:.1f})  "
        f"{verdict(speed_ok)}"
    )
    print(
        f"peak memory reduce = {ours['peak_rss_bytes'] / MIB:.1f} MiB (target < 1 GiB)  "
        f"{verdict(mem_ok)}"
    )
    print(
        f"output size: {bpl_full:.3f} bytes/literal at {nlits:,} literals, "
        f"{bpl_half:.3f} at {half['nliterals']:,} (half size, same density): differ by "
        f"{100 * rel:.1f}% (target <= {100 * LINEAR_TOLERANCE:.0f}%: linear in literals)  "
        f"{verdict(linear_ok)}"
    )
    info = {}
    for via in VIAS:
        if via == PRIMARY_VIA:
            continue
        s = summaries[f"reduce {via}"]
        hb = half_summaries[via]["bytes_per_literal"]
        info[via] = {
            "ratio": s["median_seconds"] / base["median_seconds"],
            "bytes_per_literal_half": hb,
        }
        print(
            f"(info) {via}: ratio {info[via]['ratio']:.2f}, peak "
            f"{s['peak_rss_bytes'] / MIB:.1f} MiB, {s['bytes_per_literal']:.3f} vs "
            f"{hb:.3f} bytes/literal (full vs half)"
        )
    print(
        f"(info) RSS after imports alone: reduce {ours['import_rss_bytes'] / MIB:.1f} MiB, "
        f"pysat {base['import_rss_bytes'] / MIB:.1f} MiB"
    )
    if ours["vm_hwm_bytes"]:
        print(
            f"(info) VmHWM cross-check: reduce {ours['vm_hwm_bytes'] / MIB:.1f} MiB, "
            f"pysat {base['vm_hwm_bytes'] / MIB:.1f} MiB"
        )

    if phase_runs:
        print("\nphases (one extra run each): seconds [peak RSS MiB so far]")
        for via, r in phase_runs.items():
            parts = ", ".join(
                f"{k} {v:.3f} [{r['peak_rss_mib_after'][k]:.0f}]" for k, v in r["phases"].items()
            )
            print(
                f"  {via}: {parts}; total {r['seconds']:.3f}; zip deflate level(s) used: "
                f"{', '.join(r['zip_compresslevels'])} (None = zlib default, 6)"
            )
    print(f"\nnote: {NOTE}")

    targets = {
        "speed": {"ratio": ratio, "target": f"<= {SPEED_TARGET}", "pass": speed_ok},
        "memory": {
            "peak_rss_bytes": ours["peak_rss_bytes"],
            "target": f"< {MEMORY_TARGET}",
            "pass": mem_ok,
        },
        "linearity": {
            "bytes_per_literal_full": bpl_full,
            "bytes_per_literal_half": bpl_half,
            "relative_difference": rel,
            "target": f"<= {LINEAR_TOLERANCE}",
            "pass": linear_ok,
        },
    }
    report = {
        "benchmark": "compile_speed",
        "note": NOTE,
        "machine": machine,
        "parameters": {
            "clauses": nclauses,
            "vars": nvars,
            "k": 3,
            "repeats": repeats,
            "seed": args.seed,
            "quick": args.quick,
            "primary_via": PRIMARY_VIA,
        },
        "input": {"full": full, "half": half},
        "results": summaries,
        "half_size": half_summaries,
        "targets": targets,
        "info": info,
        "phases": phase_runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / "compile_speed.json"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    csv_path = args.out / "compile_speed.csv"
    rows = [(name, full, s) for name, s in summaries.items()]
    rows += [(f"reduce {via} (half size)", half, s) for via, s in half_summaries.items()]
    _write_csv(csv_path, rows, machine)
    print(f"results: {json_path}, {csv_path}")
    failed = [k for k, t in targets.items() if not t["pass"]]
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
