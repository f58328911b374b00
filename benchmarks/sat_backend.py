"""The ``sat`` back end against CaDiCaL on the CNF itself, on uniform random 3-SAT.

What is measured
----------------
For each size ``n`` (default 75, 100, 125, 150, 175, 200, 250), 4 satisfiable and 4
unsatisfiable instances: SATLIB's ``uf``/``uuf`` files where ``../shared/instances/satlib``
has them (``uf75``/``uuf75``), else random 3-CNFs at clause ratio 4.26 generated with fixed
seeds (seed ``1000 n + i``) and labelled by CaDiCaL (the first 4 of each answer).

* **CaDiCaL**: ``Solver("cadical195", bootstrap_with=clauses)``, only ``solve()`` timed
  (loading the clauses is not), CPU (``time.process_time``) and wall.
* **network route**: the ``sat-sign`` network is built (untimed, as CaDiCaL's clause loading
  is not), then ``reluhard.solvers.solve(problem, "sat")`` is timed: bound propagation,
  encoding to CNF, loading it into CaDiCaL and the search, CPU and wall.
* **proofs**: every UNSAT answer is decided again with ``pipeline.decide(..., prove=True)``:
  CaDiCaL logs an LRAT proof of the network's CNF, checked lemma by lemma against its hint
  clauses by the verified checker (:mod:`reluhard.certs.lrat`); every one is checked, and
  the checking time is reported (``check_time``, ``prove_wall``).
* **targets**: the median over instances of route CPU / CaDiCaL CPU per size, at most 1.2
  at n = 175 and 1.1 at n = 250; 0 wrong answers (every answer agrees with CaDiCaL, every
  latent is checked exactly by the back end); every UNSAT proof-checked VALID.
* **other routes** (``--routes``, default ``auto,cpsat``): the same network decided by those
  back ends in the same run (``--time-limit`` each, default 300 s; UNKNOWN at the limit is
  not wrong), CPU and wall, and their CPU ratio to CaDiCaL.
* **cost model**: a least-squares fit ``route = fixed + factor * cadical`` (CPU seconds).

Results go to ``DIR/sat_backend.{csv,json,png}`` (default ``benchmarks/results``). Timings are
noisy on a shared machine: compare ratios from one run. ``--quick``: ``uf50``/``uuf50``, two
of each. Exit status 1 on a wrong answer or an INVALID proof (a bug, not a measurement).

Usage::

    python benchmarks/sat_backend.py [--sizes 75,100,...] [--per 4] [--routes auto,cpsat]
                                     [--time-limit S] [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reluhard.pipeline import decide, load_source, reduce_instance  # noqa: E402
from reluhard.problems.cnf import CNF, random_kcnf  # noqa: E402
from reluhard.solvers import solve  # noqa: E402

SATLIB = ROOT.parent / "shared" / "instances" / "satlib"
RATIO = 4.26
TARGETS = {175: 1.2, 250: 1.1}


def cadical(cnf: CNF) -> tuple[bool, float, float]:
    from pysat.solvers import Solver

    with Solver(name="cadical195", bootstrap_with=cnf.clauses()) as s:
        c0, w0 = time.process_time(), time.perf_counter()
        sat = bool(s.solve())
        return sat, time.process_time() - c0, time.perf_counter() - w0


def instances(n: int, per: int) -> list[tuple[str, CNF, bool]]:
    """``per`` SAT and ``per`` UNSAT instances of size ``n`` (files first, then generated)."""
    out: list[tuple[str, CNF, bool]] = []
    for prefix, sat in (("uf", True), ("uuf", False)):
        files = sorted(SATLIB.glob(f"{prefix}{n}-*.cnf"))[:per]
        out += [(f.stem, load_source(f).instance, sat) for f in files]
    have = {True: sum(s for *_, s in out), False: sum(not s for *_, s in out)}
    i = 0
    while min(have.values()) < per and i < 200 * per:
        cnf = random_kcnf(n, round(RATIO * n), 3, np.random.default_rng(1000 * n + i))
        sat = cadical(cnf)[0]
        if have[sat] < per:
            out.append((f"{'uf' if sat else 'uuf'}{n}-g{i}", cnf, sat))
            have[sat] += 1
        i += 1
    return out


def run(sizes: list[int], per: int, others: list[str], limit: float) -> tuple[list[dict], int]:
    rows, failures = [], 0
    for route in ["sat", *others]:  # warm-up: loading a solver library is not charged
        solve(reduce_instance(CNF.from_clauses([[1, 2], [-1]])), route)
    for n in sizes:
        for name, cnf, sat in instances(n, per):
            problem = reduce_instance(cnf)
            ref, cpu_ref, wall_ref = cadical(cnf)
            c0, w0 = time.process_time(), time.perf_counter()
            verdict = solve(problem, "sat")
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            wrong = verdict.status.answer != ("SATISFIABLE" if ref else "UNSATISFIABLE")
            row = {
                "instance": name,
                "n": n,
                "answer": verdict.status.answer,
                "wrong": wrong or ref != sat,
                "cadical_cpu": cpu_ref,
                "cadical_wall": wall_ref,
                "route_cpu": cpu,
                "route_wall": wall,
                "ratio_cpu": cpu / max(cpu_ref, 1e-6),
                "ratio_wall": wall / max(wall_ref, 1e-6),
                "encode_time": verdict.stats.get("encode_time"),
                "proof": "",
                "lemmas": None,
                "check_time": None,
                "prove_wall": None,
            }
            for route in others:
                failures += _other_route(row, problem, route, ref, cpu_ref, limit)
            if not ref:
                proof = _prove(problem)
                row["proof"], row["lemmas"], row["check_time"], row["prove_wall"] = proof
            failures += row["wrong"] or row["proof"] == "INVALID"
            rows.append(row)
            print(
                f"{name:>12} n={n:<4} {row['answer']:<14} cadical {cpu_ref:8.3f} s  "
                f"route {cpu:8.3f} s  ratio {row['ratio_cpu']:5.2f}  {row['proof']}"
                + (f" ({row['check_time']:.2f} s)" if row["check_time"] is not None else "")
                + "".join(f"  {r} {row[r + '_ratio_cpu']:6.2f}" for r in others)
                + ("  WRONG" if row["wrong"] else ""),
                flush=True,
            )
    return rows, failures


def _other_route(row: dict, problem, route: str, ref: bool, cpu_ref: float, limit: float) -> bool:
    """Time another back end on the same network (``route_cpu``, ``_wall``, ``_ratio_cpu``,
    ``_answer`` columns); True when it answers wrong (UNKNOWN at the time limit is not)."""
    c0, w0 = time.process_time(), time.perf_counter()
    verdict = solve(problem, route, time_limit=limit)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    answer = verdict.status.answer
    row.update(
        {
            f"{route}_answer": answer,
            f"{route}_cpu": cpu,
            f"{route}_wall": wall,
            f"{route}_ratio_cpu": cpu / max(cpu_ref, 1e-6),
        }
    )
    return answer not in ("UNKNOWN", "SATISFIABLE" if ref else "UNSATISFIABLE")


def _prove(problem) -> tuple[str, int | None, float | None, float]:
    """Decide again with ``prove=True``: CaDiCaL logs an LRAT proof of the network's CNF,
    checked lemma by lemma by the verified checker; its status, lemmas, checking CPU time
    (the checker's own clock) and the wall time of the whole proving decision."""
    with tempfile.TemporaryDirectory() as tmp:
        w0 = time.perf_counter()
        d = decide(problem, "sat", prove=True, proof_path=os.path.join(tmp, "p.lrat"))
        wall = time.perf_counter() - w0
    check = (d.proof or {}).get("check", {})
    return d.proof_status or "?", check.get("lemmas"), check.get("time"), wall


def summarise(rows: list[dict]) -> dict:
    sizes = sorted({r["n"] for r in rows})
    per_size = {}
    for n in sizes:
        rs = [r for r in rows if r["n"] == n]
        per_size[n] = {
            "median_ratio_cpu": statistics.median(r["ratio_cpu"] for r in rs),
            "median_ratio_wall": statistics.median(r["ratio_wall"] for r in rs),
            "median_cadical_cpu": statistics.median(r["cadical_cpu"] for r in rs),
            "median_route_cpu": statistics.median(r["route_cpu"] for r in rs),
            **{
                f"median_{k[: -len('_ratio_cpu')]}_ratio_cpu": statistics.median(r[k] for r in rs)
                for k in rs[0]
                if k.endswith("_ratio_cpu") and k != "ratio_cpu"
            },
            "target": TARGETS.get(n),
        }
        t = TARGETS.get(n)
        per_size[n]["met"] = None if t is None else per_size[n]["median_ratio_cpu"] <= t
    x = np.array([r["cadical_cpu"] for r in rows])
    y = np.array([r["route_cpu"] for r in rows])
    fixed, factor = np.linalg.lstsq(np.c_[np.ones_like(x), x], y, rcond=None)[0]
    unsat = [r for r in rows if r["answer"] == "UNSATISFIABLE"]
    return {
        "per_size": per_size,
        "fit": {"fixed_s": float(fixed), "factor": float(factor)},
        "wrong": sum(r["wrong"] for r in rows),
        "unsat": len(unsat),
        "proofs_valid": sum(r["proof"] == "VALID" for r in unsat),
        "proofs_not_checked": sum(r["proof"] != "VALID" for r in unsat),
        "proof_check_time_total": sum(r["check_time"] or 0.0 for r in unsat),
        "proof_check_time_max": max((r["check_time"] or 0.0 for r in unsat), default=0.0),
    }


def write(out: Path, rows: list[dict], summary: dict, args) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sat_backend.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    meta = {"argv": sys.argv[1:], "cpus": os.cpu_count(), "noise": "shared 2-core machine"}
    (out / "sat_backend.json").write_text(
        json.dumps({"rows": rows, "summary": summary, "meta": meta}, indent=1, default=str)
    )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    sizes = sorted(summary["per_size"])
    for key, label in (("median_cadical_cpu", "CaDiCaL"), ("median_route_cpu", "sat route")):
        ax.plot(sizes, [summary["per_size"][n][key] for n in sizes], "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("variables n (3-SAT, ratio 4.26)")
    ax.set_ylabel("median CPU s")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "sat_backend.png", dpi=100)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="75,100,125,150,175,200,250")
    ap.add_argument("--per", type=int, default=4)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--routes", default="auto,cpsat", help="other back ends timed on the same networks"
    )
    ap.add_argument("--time-limit", type=float, default=300.0, help="per other route")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    sizes = [50] if args.quick else [int(s) for s in args.sizes.split(",")]
    per = 2 if args.quick else args.per
    others = [r for r in args.routes.split(",") if r]
    rows, failures = run(sizes, per, others, args.time_limit)
    summary = summarise(rows)
    write(args.out, rows, summary, args)
    for n, s in summary["per_size"].items():
        t = "" if s["target"] is None else f" (target <= {s['target']}: {s['met']})"
        more = "".join(
            f", {k[len('median_') : -len('_ratio_cpu')]} {v:.2f}"
            for k, v in s.items()
            if k.endswith("_ratio_cpu") and k != "median_ratio_cpu"
        )
        print(f"n = {n}: median route/CaDiCaL CPU {s['median_ratio_cpu']:.2f}{t}{more}")
    fit = summary["fit"]
    print(f"fit: route = {fit['fixed_s'] * 1000:.1f} ms + {fit['factor']:.3f} x CaDiCaL")
    print(
        f"wrong answers {summary['wrong']}; UNSAT {summary['unsat']}, proofs VALID "
        f"{summary['proofs_valid']}, not VALID {summary['proofs_not_checked']}; checking "
        f"{summary['proof_check_time_total']:.1f} s in all, "
        f"{summary['proof_check_time_max']:.1f} s at most"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
