"""Circuits as inversion problems: factoring semiprimes through the multiplier network
against CaDiCaL on the Tseitin CNF, planted preimages of the ISCAS-85 circuits, and the
network's size against the circuit's.

(a) For each product size (8 to 40 bits, step 4) a semiprime ``N = p q`` with ``p`` and
    ``q`` primes of about half the bits: the factoring circuit of ``N``'s bit length
    (:func:`reluhard.problems.circuit_gen.factoring_circuit`), reduced by ``circuit-sign``,
    decided by the default back end (``auto``: CP-SAT) within the time limit, the factors
    decoded and multiplied back; in the same run CaDiCaL 1.9.5 on the circuit's Tseitin CNF
    with the target fixed, and the ratio network / CaDiCaL. After two sizes in a row that the
    network route does not decide in time, larger sizes are not tried on it (CaDiCaL still
    is): the table says where the network route stops.
(b) Every ISCAS-85 ``.bench`` in ``../shared/instances/circuits/iscas85`` (skipped when
    absent) with a planted random input vector: the network route and CaDiCaL find a
    preimage (checked by simulation).
(c) For every circuit above and the n x n multipliers: gates, depth, and the
    ``circuit-sign`` network's layers, ReLU units, widest layer and nonzero weights.

Writes ``circuits.json``, ``circuits.csv`` (one row per run) and ``circuits.png`` (time per
product size, both routes) to ``--out`` (default ``benchmarks/results``). ``--quick``: 8 and
12 bits, c17 and c432, 20 s limits (a smoke test).

    python benchmarks/circuits.py [--quick] [--time-limit S] [--out DIR]
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    RESULTS,
    argument_parser,
    machine_info,
    number,
    print_table,
    pyplot,
    save_figure,
    write_results,
)

from reluhard import pipeline  # noqa: E402
from reluhard.problems.circuit import bits_text, describe, preimage_fault, simulate  # noqa: E402
from reluhard.problems.circuit_format import read_circuit  # noqa: E402
from reluhard.problems.circuit_gen import (  # noqa: E402
    factoring_circuit,
    factoring_target,
    multiplier,
)
from reluhard.problems.cnf import check  # noqa: E402
from reluhard.problems.tseitin import preimage_cnf  # noqa: E402
from reluhard.status import Status  # noqa: E402

ISCAS = Path(__file__).resolve().parents[2] / "shared" / "instances" / "circuits" / "iscas85"
SIZES, QUICK_SIZES = list(range(8, 41, 4)), [8, 12]
QUICK_CIRCUITS = ("c17.bench", "c432.bench")
CADICAL = "cadical195"
GIVE_UP_AFTER = 2  # sizes in a row the network route leaves undecided


def is_prime(k: int) -> bool:
    if k < 2:
        return False
    return all(k % d for d in range(2, int(k**0.5) + 1))


def semiprime(bits: int, rng: np.random.Generator) -> tuple[int, int, int]:
    """``(N, p, q)``: primes ``p <= q`` of about ``bits / 2`` bits with ``N`` of exactly
    ``bits`` bits."""
    lo = bits // 2
    while True:
        p = int(rng.integers(1 << (lo - 1), 1 << lo)) | 1
        q = int(rng.integers(1 << (bits - lo - 1), 1 << (bits - lo))) | 1
        if is_prime(p) and is_prime(q) and (p * q).bit_length() == bits:
            return p * q, min(p, q), max(p, q)


def cadical(cnf, time_limit: float) -> dict:
    """CaDiCaL on ``cnf`` with a time limit (interrupted), the model checked."""
    from pysat.solvers import Solver

    with Solver(name=CADICAL, bootstrap_with=cnf.clauses()) as s:
        timer = threading.Timer(time_limit, s.interrupt)
        timer.start()
        t0, c0 = time.perf_counter(), time.process_time()
        res = s.solve_limited(expect_interrupt=True)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        timer.cancel()
        model = s.get_model() if res else None
    if res is None:
        return {"answer": "UNKNOWN", "seconds": seconds, "cpu": cpu, "model": None}
    ok = None if model is None else check(cnf, model)
    return {"answer": "SAT" if res else "UNSAT", "seconds": seconds, "cpu": cpu, "model": model,
            "ok": ok}  # fmt: skip


def network(circuit, outputs: str, time_limit: float) -> dict:
    """The ``circuit-sign`` route: reduce, decide (``auto``), decode and check. CPU time is
    the process's (CP-SAT's search threads included)."""
    t0, c0 = time.perf_counter(), time.process_time()
    problem = pipeline.reduce_instance(circuit, "circuit-sign", "circuit", outputs=outputs)
    reduce_s = time.perf_counter() - t0
    d = pipeline.decide(problem, "auto", time_limit=time_limit)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok = None
    if d.status is Status.INVERTIBLE:
        ok = preimage_fault(circuit, d.certificate, [c == "1" for c in outputs]) is None
    return {"answer": d.status.answer, "seconds": seconds, "cpu": cpu, "reduce_seconds": reduce_s,
            "solver": d.verdict.solver, "reason": d.verdict.reason,
            "certificate": d.certificate, "ok": ok}  # fmt: skip


def size_row(name: str, circuit) -> dict:
    problem = pipeline.reduce_instance(circuit, "circuit-sign", "circuit")
    net = problem.network
    return {
        "circuit": name,
        "inputs": circuit.ninputs,
        "outputs": circuit.noutputs,
        "gates": circuit.ngates,
        "depth": circuit.depth(),
        "layers": len(net.layers),
        "units": sum(net.widths[1:-1]),
        "max_width": max(net.widths[1:-1], default=0),
        "nonzeros": sum(layer.nnz for layer in net.layers),
    }


def factoring(sizes: list[int], time_limit: float, rng) -> list[dict]:
    rows, misses = [], 0
    for bits in sizes:
        N, p, q = semiprime(bits, rng)
        circuit = factoring_circuit(bits)
        outputs = factoring_target(N)
        cnf = preimage_cnf(circuit.with_target([c == "1" for c in outputs]))
        sat = cadical(cnf, time_limit)
        row = {"bits": bits, "N": N, "p": p, "q": q, "gates": circuit.ngates,
               "cnf_vars": cnf.nvars, "cnf_clauses": cnf.nclauses,
               "cadical_answer": sat["answer"], "cadical_seconds": sat["seconds"],
               "cadical_cpu": sat["cpu"], "cadical_model_checks": sat.get("ok")}  # fmt: skip
        if misses >= GIVE_UP_AFTER:
            row.update(network_answer="not tried", network_seconds=None, network_cpu=None,
                       ratio=None, wall_ratio=None)  # fmt: skip
        else:
            net = network(circuit, outputs, time_limit)
            found = None
            if net["certificate"] is not None:
                k = (bits + 1) // 2
                bitsv = [x > 0 for x in net["certificate"]]
                a = sum(1 << i for i, b in enumerate(bitsv[:k]) if b)
                b = sum(1 << i for i, b in enumerate(bitsv[k:]) if b)
                found = f"{min(a, b)} x {max(a, b)}"
                assert a * b == N and min(a, b) > 1
            decided = net["answer"] != "UNKNOWN"
            misses = 0 if decided else misses + 1
            row["network_reason"] = net["reason"]
            ratio = net["cpu"] / sat["cpu"] if decided and sat["cpu"] else None
            wall = net["seconds"] / sat["seconds"] if decided and sat["seconds"] else None
            row.update(network_answer=net["answer"], network_seconds=net["seconds"],
                       network_cpu=net["cpu"], network_solver=net["solver"], factors=found,
                       ratio=ratio, wall_ratio=wall)  # fmt: skip
        rows.append(row)
        print(
            f"  {bits:2d} bits  N = {N} = {p} x {q}: network {row['network_answer']}"
            f" {number(row['network_seconds'], '.2f')} s, CaDiCaL {sat['answer']} "
            f"{sat['seconds']:.3f} s",
            flush=True,
        )
    return rows


def planted(paths: list[Path], time_limit: float, rng) -> list[dict]:
    rows = []
    for path in paths:
        c = read_circuit(path)
        bits = rng.random(c.ninputs) < 0.5
        outputs = bits_text(simulate(c, bits))
        cnf = preimage_cnf(c.with_target(simulate(c, bits)))
        sat = cadical(cnf, time_limit)
        net = network(c, outputs, time_limit)
        decided = net["answer"] != "UNKNOWN"
        rows.append({
            "circuit": path.name, "describe": describe(c),
            "network_answer": net["answer"], "network_seconds": net["seconds"],
            "network_cpu": net["cpu"], "network_checks": net["ok"],
            "cadical_answer": sat["answer"], "cadical_seconds": sat["seconds"],
            "cadical_cpu": sat["cpu"], "cadical_model_checks": sat.get("ok"),
            "ratio": net["cpu"] / sat["cpu"] if decided and sat["cpu"] else None,
            "wall_ratio": net["seconds"] / sat["seconds"] if decided and sat["seconds"] else None,
        })  # fmt: skip
        print(f"  {path.name}: network {net['answer']} {net['seconds']:.2f} s, "
              f"CaDiCaL {sat['answer']} {sat['seconds']:.3f} s", flush=True)  # fmt: skip
    return rows


def plot(path: Path, rows: list[dict], time_limit: float) -> bool:
    plt = pyplot()
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    tried = [r for r in rows if r["network_cpu"] is not None]
    ax.semilogy([r["bits"] for r in tried], [r["network_cpu"] for r in tried], "o-",
                label="circuit-sign network, auto (CP-SAT)")  # fmt: skip
    ax.semilogy([r["bits"] for r in rows], [r["cadical_cpu"] for r in rows], "s-",
                label="CaDiCaL 1.9.5 on the Tseitin CNF")  # fmt: skip
    ax.axhline(time_limit, color="grey", ls=":", lw=1, label=f"time limit {time_limit:g} s")
    ax.set_xlabel("product N, bits")
    ax.set_ylabel("CPU seconds to factor (the limit is wall time)")
    ax.set_title("Factoring semiprimes by circuit inversion")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    ap = argument_parser(__doc__, "8 and 12 bits, c17 and c432, 20 s limits", RESULTS)
    ap.add_argument("--time-limit", type=float, default=None, help="seconds per run (60)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    tl = args.time_limit or (20.0 if args.quick else 60.0)
    rng = np.random.default_rng(args.seed)
    sizes = QUICK_SIZES if args.quick else SIZES
    print(f"(a) factoring semiprimes, {sizes[0]}..{sizes[-1]} bits, time limit {tl:g} s")
    fact = factoring(sizes, tl, rng)
    print_table(
        ["bits", "N", "network", "CPU s", "wall s", "CaDiCaL", "CPU s", "wall s",
         "CPU ratio", "wall ratio"],
        [[str(r["bits"]), str(r["N"]), r["network_answer"], number(r["network_cpu"], ".2f"),
          number(r["network_seconds"], ".2f"), r["cadical_answer"], f"{r['cadical_cpu']:.3f}",
          f"{r['cadical_seconds']:.3f}", number(r["ratio"], ".0f"),
          number(r["wall_ratio"], ".0f")]
         for r in fact],
    )  # fmt: skip
    decided = [r["bits"] for r in fact if r["network_answer"] not in ("UNKNOWN", "not tried")]
    for r in fact:
        if r.get("network_reason") and r["network_answer"] == "UNKNOWN":
            print(f"  {r['bits']} bits: the network route: {r['network_reason']}")
    print(f"the network route decides up to {max(decided, default=0)} bits within {tl:g} s")
    paths = sorted(ISCAS.glob("*.bench")) if ISCAS.is_dir() else []
    if args.quick:
        paths = [p for p in paths if p.name in QUICK_CIRCUITS]
    print(f"\n(b) planted preimages of {len(paths)} ISCAS-85 circuits")
    plant = planted(paths, tl, rng)
    if plant:
        print_table(
            ["circuit", "network", "CPU s", "CaDiCaL", "CPU s", "CPU ratio"],
            [[r["circuit"], r["network_answer"], f"{r['network_cpu']:.2f}",
              r["cadical_answer"], f"{r['cadical_cpu']:.4f}", number(r["ratio"], ".0f")]
             for r in plant],
        )  # fmt: skip
    print("\n(c) network size against circuit size (circuit-sign)")
    circuits = [(p.name, read_circuit(p)) for p in paths]
    circuits += [(f"multiplier {n}x{n}", multiplier(n)) for n in range(2, 5 if args.quick else 9)]
    circuits += [(f"factoring {b} bits", factoring_circuit(b)) for b in sizes]
    sizes_rows = [size_row(name, c) for name, c in circuits]
    print_table(
        ["circuit", "gates", "depth", "layers", "units", "max width", "nonzeros", "units/gate"],
        [[r["circuit"], str(r["gates"]), str(r["depth"]), str(r["layers"]), str(r["units"]),
          str(r["max_width"]), str(r["nonzeros"]),
          number(r["units"] / r["gates"] if r["gates"] else None, ".2f")] for r in sizes_rows],
    )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    drew = plot(args.out / "circuits.png", fact, tl)
    report = {
        "parameters": {
            "quick": args.quick,
            "time_limit": tl,
            "seed": args.seed,
            "sizes": sizes,
        },  # fmt: skip
        "machine": machine_info(),
        "factoring": fact,
        "planted": plant,
        "sizes": sizes_rows,
        "network_decides_up_to_bits": max(decided, default=0),
        "plot": "circuits.png" if drew else None,
    }
    flat = [
        {
            "part": "factoring",
            **{
                k: r.get(k)
                for k in (
                    "bits",
                    "N",
                    "network_answer",
                    "network_seconds",
                    "network_cpu",
                    "cadical_answer",
                    "cadical_seconds",
                    "cadical_cpu",
                    "ratio",
                    "wall_ratio",
                )
            },
        }
        for r in fact
    ]
    flat += [{"part": "planted", "bits": None, "N": r["circuit"],
              **{k: r[k] for k in ("network_answer", "network_seconds", "network_cpu",
                                   "cadical_answer", "cadical_seconds", "cadical_cpu", "ratio",
                                   "wall_ratio")}} for r in plant]  # fmt: skip
    write_results(args.out, "circuits", report, flat)
    bad = [r for r in fact + plant if r.get("cadical_model_checks") is False]
    bad += [r for r in plant if r["network_checks"] is False]
    bad += [r for r in fact + plant if _disagree(r)]
    for r in bad:
        print(f"FAIL: {r.get('N', r.get('circuit'))}: network {r['network_answer']}, "
              f"CaDiCaL {r['cadical_answer']}")  # fmt: skip
    return 1 if bad else 0


def _disagree(row: dict) -> bool:
    """A decided network answer that contradicts a decided CaDiCaL answer."""
    word = {"SATISFIABLE": "SAT", "UNSATISFIABLE": "UNSAT"}.get(row["network_answer"])
    return (
        word is not None
        and row["cadical_answer"] in ("SAT", "UNSAT")
        and (word != row["cadical_answer"])
    )


if __name__ == "__main__":
    sys.exit(main())
