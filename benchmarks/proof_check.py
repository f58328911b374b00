"""DRUP/DRAT proof checking before and after the deletion-aware RUP pass, on SATLIB's UNSAT files.

What is measured
----------------
For every ``uuf*.cnf`` in ``../shared/instances/satlib`` and every solver (default: python-sat's
``maplechrono``, whose long proofs the issue names, ``glucose4`` and ``lingeling``; and the
system ``cadical`` binary's binary DRAT when it is installed), the proof is produced once
(untimed) and then checked three ways in this process, each timed in wall and CPU seconds
(``time.process_time``):

* **before**: the verified checker (``drup``) on the whole proof, deletions ignored
  (:func:`reluhard.certs.proofs.check_proof_whole`), as every DRUP proof was checked until
  now: the reference;
* **after**: :func:`reluhard.certs.drat.check_steps`, the deletion-aware RUP pass that finds
  each lemma's hints (``pass_cpu``, timed alone in a second run) and the verified checker
  judging, lemma by lemma, the lemmas the empty clause depends on against their hints
  (``verified_cpu``: ``after`` less ``pass_cpu``); ``core`` is how many lemmas that is;
* **binary**: the same proof encoded as binary DRAT and checked from its bytes
  (:func:`reluhard.certs.drat.check_proof_bytes`: detection, parsing and ``after``).

Every check must answer VALID, and ``before`` and ``after`` must agree (exit 1 otherwise: a
bug, not a measurement). The summary is the ratio before/after per solver (median and over
the total). Results go to ``DIR/proof_check.{csv,json,png}`` (default
``benchmarks/results``). Timings are noisy on a shared machine: compare ratios from one run.
``--quick``: ``uuf50-01`` and ``uuf50-02``, MapleChrono only.

Usage::

    python benchmarks/proof_check.py [--solvers maplechrono,glucose4,lingeling] [--quick]
                                     [--out DIR]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import argument_parser, print_table, pyplot, save_figure, write_results  # noqa: E402

from reluhard.certs import drat, proofs  # noqa: E402
from reluhard.certs.lrat import _needed  # noqa: E402
from reluhard.machine import machine_info  # noqa: E402
from reluhard.problems import dimacs_cnf  # noqa: E402
from reluhard.problems.cnf import CNF  # noqa: E402

SATLIB = ROOT.parent / "shared" / "instances" / "satlib"
SOLVERS = "maplechrono,glucose4,lingeling"


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def proof_of(cnf: CNF, solver: str) -> list[tuple[bool, list[int]]] | None:
    """The proof steps ``solver`` writes (python-sat, or ``cadical`` the system binary)."""
    if solver == "cadical":
        with tempfile.TemporaryDirectory() as d:
            cnf_path, proof_path = Path(d) / "f.cnf", Path(d) / "p.drat"
            cnf_path.write_text(dimacs_cnf.format_cnf(cnf))
            argv = ["cadical", "-q", str(cnf_path), str(proof_path)]
            code = subprocess.run(argv, stdout=subprocess.DEVNULL).returncode
            if code != 20:
                return None
            return drat.read_steps(proof_path.read_bytes(), "p.drat", cnf.nvars)
    from pysat.solvers import Solver

    with Solver(name=solver, with_proof=True, bootstrap_with=cnf.clauses()) as s:
        if s.solve():
            return None
        return proofs.proof_steps(list(s.get_proof()))


def measure(name: str, cnf: CNF, solver: str, steps) -> dict:
    lemmas = [lits for d, lits in steps if not d]
    before, bw, bc = timed(lambda: proofs.check_proof_whole(cnf, lemmas))
    found, _, pc = timed(lambda: drat.find_hints(cnf.clauses(), steps, cnf.nvars))
    after, aw, ac = timed(lambda: drat.check_steps(cnf, steps))
    data = drat.encode_binary(steps)
    binary, xw, xc = timed(lambda: drat.check_proof_bytes(cnf, data))
    core = _needed(found.steps) if found.steps is not None else None
    return {
        "instance": name,
        "solver": solver,
        "lemmas": len(lemmas),
        "deletions": len(steps) - len(lemmas),
        "core": None if core is None else sum(1 for s in found.steps if s.id in core and s.lits),
        "ignored_deletions": found.ignored_deletions,
        "before_status": before.status,
        "after_status": after.status,
        "binary_status": binary.status,
        "after_path": "hints" if "hints" in after.checker else "whole",
        "before_wall": bw,
        "before_cpu": bc,
        "after_wall": aw,
        "after_cpu": ac,
        "pass_cpu": pc,
        "verified_cpu": max(0.0, ac - pc),
        "binary_wall": xw,
        "binary_cpu": xc,
        "binary_bytes": len(data),
        "speedup_wall": bw / aw if aw else None,
        "speedup_cpu": bc / ac if ac else None,
    }


def summarise(rows: list[dict]) -> list[dict]:
    out = []
    for solver in dict.fromkeys(r["solver"] for r in rows):
        rs = [r for r in rows if r["solver"] == solver]
        out.append(
            {
                "solver": solver,
                "proofs": len(rs),
                "lemmas_median": statistics.median(r["lemmas"] for r in rs),
                "before_cpu_total": sum(r["before_cpu"] for r in rs),
                "after_cpu_total": sum(r["after_cpu"] for r in rs),
                "before_wall_total": sum(r["before_wall"] for r in rs),
                "after_wall_total": sum(r["after_wall"] for r in rs),
                "speedup_cpu_median": statistics.median(r["speedup_cpu"] or 0 for r in rs),
                "speedup_cpu_total": sum(r["before_cpu"] for r in rs)
                / max(1e-9, sum(r["after_cpu"] for r in rs)),
            }
        )
    return out


def plot(rows: list[dict], path: Path) -> bool:
    plt = pyplot()
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for solver in dict.fromkeys(r["solver"] for r in rows):
        rs = [r for r in rows if r["solver"] == solver]
        ax.scatter(
            [r["lemmas"] for r in rs],
            [r["before_cpu"] for r in rs],
            marker="x",
            label=f"{solver}: before (whole proof)",
        )
        ax.scatter(
            [r["lemmas"] for r in rs],
            [r["after_cpu"] for r in rs],
            marker="o",
            label=f"{solver}: after (RUP pass + verified hints)",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("lemmas in the proof")
    ax.set_ylabel("check CPU s")
    ax.set_title("SATLIB uuf: DRUP/DRAT proof check, before vs after")
    ax.legend(fontsize=7)
    return save_figure(fig, path)


def main() -> int:
    ap = argument_parser(__doc__, "uuf50-01/02, MapleChrono only", ROOT / "benchmarks" / "results")
    ap.add_argument("--solvers", default=SOLVERS, help=f"comma-separated (default {SOLVERS})")
    args = ap.parse_args()
    files = sorted(SATLIB.glob("uuf*.cnf"))
    solvers = args.solvers.split(",")
    if args.quick:
        files = [f for f in files if f.name in ("uuf50-01.cnf", "uuf50-02.cnf")]
        solvers = ["maplechrono"]
    elif shutil.which("cadical"):
        solvers.append("cadical")
    if not files:
        print(f"no SATLIB uuf files in {SATLIB}", file=sys.stderr)
        return 1
    rows = []
    for f in files:
        cnf = dimacs_cnf.read_cnf(f)
        for solver in solvers:
            steps = proof_of(cnf, solver)
            if steps is None:
                print(f"{f.name}: {solver} found a model of an UNSAT file?", file=sys.stderr)
                return 1
            rows.append(measure(f.name, cnf, solver, steps))
            r = rows[-1]
            print(
                f"{f.name:14s} {solver:12s} {r['lemmas']:6d} lemmas: "
                f"{r['before_cpu']:.2f} -> {r['after_cpu']:.2f} CPU s",
                flush=True,
            )
    bad = [
        r
        for r in rows
        if {r["before_status"], r["after_status"], r["binary_status"]} != {proofs.VALID}
    ]
    print()
    print_table(
        [
            "instance",
            "solver",
            "lemmas",
            "dels",
            "core",
            "before s",
            "after s",
            "pass cpu",
            "verified cpu",
            "binary s",
            "x cpu",
            "x wall",
        ],
        [
            [
                r["instance"],
                r["solver"],
                str(r["lemmas"]),
                str(r["deletions"]),
                str(r["core"]),
                f"{r['before_cpu']:.2f}",
                f"{r['after_cpu']:.2f}",
                f"{r['pass_cpu']:.2f}",
                f"{r['verified_cpu']:.2f}",
                f"{r['binary_cpu']:.2f}",
                f"{r['speedup_cpu']:.1f}",
                f"{r['speedup_wall']:.1f}",
            ]
            for r in rows
        ],
    )
    summary = summarise(rows)
    print()
    print_table(
        ["solver", "proofs", "median lemmas", "before CPU s", "after CPU s", "x median", "x total"],
        [
            [
                s["solver"],
                str(s["proofs"]),
                f"{s['lemmas_median']:g}",
                f"{s['before_cpu_total']:.1f}",
                f"{s['after_cpu_total']:.1f}",
                f"{s['speedup_cpu_median']:.1f}",
                f"{s['speedup_cpu_total']:.1f}",
            ]
            for s in summary
        ],
    )
    report = {
        "parameters": {"quick": args.quick, "solvers": solvers, "files": [f.name for f in files]},
        "machine": machine_info(),
        "checker": proofs.CHECKER,
        "drup_version": proofs.checker_version(),
        "rows": rows,
        "summary": summary,
        "wrong": len(bad),
    }
    write_results(args.out, "proof_check", report, rows)
    if not args.quick:
        plot(rows, args.out / "proof_check.png")
    print(f"\nwritten to {args.out}/proof_check.{{json,csv}}")
    if bad:
        print(f"{len(bad)} proofs not VALID every way: a bug", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
