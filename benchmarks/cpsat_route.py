"""The CP-SAT route where ``sat`` does not apply: clause rows as ``AddBoolOr`` and CP-SAT's
presolve settings, measured before/after in one run.

What is measured, and why
-------------------------
Issue 18 asks for the CP-SAT route tuned on networks that keep indicator constraints, not
only on random 3-SAT. Three families, each network decided by ``milp.solve(..., "cpsat")``
under every configuration, the configurations alternating per instance:

* ``sat-sign`` networks of random 3-CNFs (n = 100, 125; ratio 4.26; 2 SAT + 2 UNSAT each,
  seeds ``1000 n + i``): every unit is a clause;
* ``vertexcover-binary`` (p = 2) on the two smallest public DIMACS graphs at ``q*`` and
  ``q* - 1`` (``../shared/instances/graphs``; skipped when absent): indicator constraints;
* ``cvp-binary`` on seeded random (0,1)-CVP instances (n = 10, 12; p = 1, 2).

Then the model build: the first layer's expressions term by term and vectorised, and the
whole CP-SAT build, on an 85,200-clause CNF's networks (CPU, and that both give the same
rows).

First, the negation-pair search (:func:`reluhard.solvers.milp.presolve.negation_pairs`)
with and without its vectorised filter on every layer of a 200,000-clause CNF's
``sat-sign`` network (no pair can exist) and ``sat-real`` network (pairs exist): CPU time
and whether both find the same pairs.

Configurations: ``before`` (rows as linear constraints, CP-SAT defaults), ``bool_or``
(clause rows as ``AddBoolOr``), and ``bool_or`` with each of ``--variants`` CP-SAT parameter
settings. Reported: CPU (``time.process_time``, CP-SAT with one worker) and wall per
instance, the median ratio of each configuration to ``before`` per family, and every answer
against the others (a disagreement exits 1). Results: ``DIR/cpsat_route.{csv,json}``.
Timings are noisy on a shared 2-core machine: compare ratios from one run.

Usage::

    python benchmarks/cpsat_route.py [--quick] [--out DIR] [--time-limit S]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    RESULTS,
    argument_parser,
    machine_info,
    print_table,
    write_results,  # noqa: E402
)
from reluhard.pipeline import load_source, reduce_instance, reduce_source  # noqa: E402
from reluhard.problems import cvp_reference, graph_reference  # noqa: E402
from reluhard.problems.cnf import random_kcnf  # noqa: E402
from reluhard.problems.cnf import solve as cadical  # noqa: E402
from reluhard.solvers import milp  # noqa: E402
from reluhard.solvers.milp.adapters import CpSat  # noqa: E402

GRAPHS = ROOT.parent / "shared" / "instances" / "graphs"
VARIANTS = {
    "no presolve": {"cp_model_presolve": False},
    "probing 0": {"cp_model_probing_level": 0},
    "symmetry 0": {"symmetry_level": 0},
}


def networks(quick: bool) -> list[tuple[str, str, object]]:
    """(family, name, problem) for the three families."""
    out = []
    for n in (60,) if quick else (100, 125):
        have = {True: 0, False: 0}
        for i in range(200):
            cnf = random_kcnf(n, round(4.26 * n), 3, np.random.default_rng(1000 * n + i))
            sat = cadical(cnf) is not None
            if have[sat] < 2:
                have[sat] += 1
                out.append(("sat-sign", f"{'uf' if sat else 'uuf'}{n}-g{i}", reduce_instance(cnf)))
            if min(have.values()) == 2:
                break
    graphs = sorted(GRAPHS.glob("*.clq"), key=lambda f: f.stat().st_size)[: 1 if quick else 2]
    for f in graphs:
        src = load_source(f)
        q = len(graph_reference.min_vertex_cover(src.instance))
        for qq in (q, q - 1):
            p = reduce_source(src, "vertexcover-binary", {"q": str(qq)})
            out.append(("vertex-cover", f"{f.stem} q={qq}", p))
    for n in (8,) if quick else (10, 12):
        for p in (1, 2):
            for s in range(2):
                rng = np.random.default_rng([n, p, s])
                c = cvp_reference.random_cvp(rng, n=n, d=n, p=p, planted=s % 2 == 0)
                prob = reduce_instance(c, via="cvp-binary", kind="cvp")
                out.append(("cvp", f"n={n} p={p} seed={s}", prob))
    return out


def configurations() -> dict[str, tuple[bool, dict]]:
    return {"before": (False, {}), "bool_or": (True, {})} | {
        f"bool_or + {k}": (True, v) for k, v in VARIANTS.items()
    }


def run(quick: bool, time_limit: float) -> tuple[list[dict], int]:
    rows, disagreements = [], 0
    configs = configurations()
    saved = CpSat.bool_or, CpSat.parameters
    try:
        for family, name, problem in networks(quick):
            answers = set()
            for config, (bool_or, params) in configs.items():
                CpSat.bool_or, CpSat.parameters = bool_or, params
                c0, w0 = time.process_time(), time.perf_counter()
                v = milp.solve(problem, solver="cpsat", time_limit=time_limit)
                cpu, wall = time.process_time() - c0, time.perf_counter() - w0
                if v.status != "UNKNOWN":
                    answers.add(v.status)
                rows.append(
                    {
                        "family": family,
                        "instance": name,
                        "config": config,
                        "status": v.status,
                        "cpu": cpu,
                        "wall": wall,
                        "clause_rows": v.stats.get("clause_rows"),
                    }
                )
            disagreements += len(answers) > 1
            line = "  ".join(f"{r['config']} {r['cpu']:.3f}" for r in rows[-len(configs) :])
            print(f"{family:>12} {name:<18} {rows[-1]['status']:<15} {line}", flush=True)
    finally:
        CpSat.bool_or, CpSat.parameters = saved
    return rows, disagreements


def pair_search(quick: bool) -> list[dict]:
    """The negation-pair search with and without its vectorised filter, on a clause layer
    (no pair can exist) and a ``sat-real`` network (pairs exist): CPU, same pairs."""
    from reluhard.inversion import Source
    from reluhard.solvers.milp.presolve import csr_rows, negation_pairs

    m = 20_000 if quick else 200_000
    cnf = random_kcnf(m // 4, m, 3, np.random.default_rng(18))
    out = []
    for via in ("sat-sign", "sat-real"):
        layers = reduce_source(Source("cnf", cnf, "", "r"), via).network.layers
        times = {"search all rows": 0.0, "filtered": 0.0}
        found: dict[str, list] = {how: [] for how in times}
        for i in range(len(layers) - 1):
            W, b, nxt = csr_rows(layers[i].W), layers[i].b, layers[i + 1].W
            for how in times:
                c0 = time.process_time()
                found[how].append(negation_pairs(W, b, nxt, search_all=how != "filtered"))
                times[how] += time.process_time() - c0
        same = found["filtered"] == found["search all rows"]
        out.append(
            {
                "network": via,
                "rows": sum(layer.W.shape[0] for layer in layers[:-1]),
                "pairs": sum(map(len, found["filtered"])),
                "same": same,
                **times,
            }
        )
        print(f"pair search {via}: {out[-1]}", flush=True)
    return out


def summarise(rows: list[dict]) -> list[dict]:
    out = []
    for family in dict.fromkeys(r["family"] for r in rows):
        base = {
            r["instance"]: r["cpu"]
            for r in rows
            if r["family"] == family and r["config"] == "before"
        }
        for config in configurations():
            rs = [r for r in rows if r["family"] == family and r["config"] == config]
            out.append(
                {
                    "family": family,
                    "config": config,
                    "median_cpu": statistics.median(r["cpu"] for r in rs),
                    "median_ratio_to_before": statistics.median(
                        r["cpu"] / max(base[r["instance"]], 1e-6) for r in rs
                    ),
                }
            )
    return out


def model_build(quick: bool) -> list[dict]:
    """The first layer's pre-activation expressions term by term (the general path) and
    vectorised (latents of one variable each), then the whole CP-SAT model build
    (:func:`reluhard.solvers.milp.encode.encode`) with the vectorised path: CPU, same rows."""
    from reluhard.inversion import Source
    from reluhard.solvers.milp import encode as enc
    from reluhard.solvers.milp.presolve import csr_rows, presolve

    m = 8_520 if quick else 85_200
    cnf = random_kcnf(m * 100 // 426, m, 3, np.random.default_rng(19))
    out = []
    for via in ("sat-sign", "sat-real"):
        problem = reduce_source(Source("cnf", cnf, "", "r"), via)
        pre = presolve(problem)
        latent = enc.encode(problem, pre, CpSat()).latent
        inputs = [([v], [scale], shift) for v, scale, shift in latent]
        layer = problem.network.layers[0]
        W = csr_rows(layer.W)
        c0 = time.process_time()
        general = list(enc._affine_general(W, layer.b, inputs))
        c1 = time.process_time()
        vectorised = list(enc._affine_in_variables(W, layer.b, *enc._one_variable_each(inputs)))
        c2 = time.process_time()
        enc.encode(problem, pre, CpSat())
        c3 = time.process_time()
        out.append(
            {
                "network": via,
                "clauses": m,
                "term by term s": c1 - c0,
                "vectorised s": c2 - c1,
                "ratio": (c2 - c1) / (c1 - c0),
                "whole build s": c3 - c2,
                "same": [(list(map(id, v)), c, k) for v, c, k in general]
                == [(list(map(id, v)), c, k) for v, c, k in vectorised],
            }
        )
        print(f"model build {via}: {out[-1]}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argument_parser(__doc__, "smaller instances of each family", RESULTS)
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    for config in ("before", "bool_or"):  # warm-up: loading OR-Tools is not charged
        CpSat.bool_or = config == "bool_or"
        milp.solve(reduce_instance(random_kcnf(5, 10, 3, np.random.default_rng(0))), solver="cpsat")
    CpSat.bool_or = True
    pairs = pair_search(args.quick)
    builds = model_build(args.quick)
    disagreements = sum(not p["same"] for p in pairs) + sum(not b["same"] for b in builds)
    rows, wrong = run(args.quick, args.time_limit)
    disagreements += wrong
    summary = summarise(rows)
    print_table(
        ["family", "configuration", "median CPU s", "median CPU / before"],
        [
            [
                s["family"],
                s["config"],
                f"{s['median_cpu']:.3f}",
                f"{s['median_ratio_to_before']:.2f}",
            ]
            for s in summary
        ],
    )
    report = {"summary": summary, "pair_search": pairs, "model_build": builds, "rows": rows}
    report["disagreements"] = disagreements
    report["machine"] = machine_info()
    write_results(args.out, "cpsat_route", report, rows)
    if disagreements:
        print(f"{disagreements} instances where configurations disagree: a bug")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
