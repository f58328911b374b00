"""The graph and lattice routes against direct references, on the public graphs and on
random CVP instances.

What is measured, and why
-------------------------
- **Vertex Cover** on every public DIMACS graph in ``../shared/instances/graphs``: the
  minimum cover size ``q*`` comes from the reference (python-sat, CaDiCaL on a sequential-
  counter cardinality encoding, no MILP). Then ``vertexcover-binary`` (p = 2) is decided at
  ``q*`` (YES: the decoded cover is checked) and at ``q* - 1`` (NO) by the default MILP back end,
  and the same two questions by the reference SAT encoding, in the same run. Reported: both
  times and their ratio, and (not in ``--quick``) the real-latent route
  (``vertexcover-real``, SCIP, ``--real-limit`` seconds) at ``q*``.
- **(0,1)-CVP_p** on seeded random instances (n = 8..14 basis vectors in Z^n, entries in
  [-2, 2], planted YES and tight NO, p = 1, 2, 3): ``cvp-binary`` with the default back end
  against exhaustive enumeration of ``{0,1}^n`` (numpy), both in this run.

Every answer is compared with the reference (a disagreement exits 1). Timings are noisy on a
shared 2-core machine: compare ratios within one run.

Usage::

    python benchmarks/graph_cvp.py [--quick] [--out DIR] [--time-limit S]

Writes ``DIR/graph_cvp.{json,csv}`` (default ``benchmarks/results``); ``--quick`` runs the
two smallest graphs and small CVP instances in well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
from _common import machine_info, print_table  # benchmarks/_common.py, beside this script

from reluhard.pipeline import load_source, reduce_instance, reduce_source
from reluhard.problems import cvp_reference, graph_reference
from reluhard.reductions import certificate_of
from reluhard.solvers import milp

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
GRAPHS = HERE.parent.parent / "shared" / "instances" / "graphs"


def _timed(f, *args, **kw):
    t = time.perf_counter()
    out = f(*args, **kw)
    return out, time.perf_counter() - t


def _decoded_ok(problem, verdict) -> bool:
    decoded = certificate_of(problem, verdict.latent)
    return decoded is not None and decoded.fault is None


def vertex_cover_rows(files, time_limit: float, real_limit: float | None) -> list[dict]:
    rows = []
    for f in files:
        src = load_source(f)
        G = src.instance
        cover, t_min = _timed(graph_reference.min_vertex_cover, G)
        q = len(cover)
        for qq, expect in ((q, True), (q - 1, False)):
            ref, t_ref = _timed(graph_reference.find_vertex_cover, G, qq)
            problem = reduce_source(src, "vertexcover-binary", {"q": str(qq)})
            v, t_net = _timed(milp.solve, problem, time_limit=time_limit)
            ok = (ref is not None) == expect and (
                v.status == ("INVERTIBLE" if expect else "NOT_INVERTIBLE")
            )
            if v.status == "INVERTIBLE":
                ok = ok and _decoded_ok(problem, v)
            row = {
                "family": "vertex-cover",
                "instance": f.name,
                "n": G.number_of_nodes(),
                "size": G.number_of_edges(),
                "question": f"q={qq}",
                "answer": "YES" if expect else "NO",
                "route": f"vertexcover-binary/{v.solver}",
                "route_s": t_net,
                "reference": "pysat cardinality (CaDiCaL)",
                "reference_s": t_ref,
                "ratio": t_net / max(t_ref, 1e-9),
                "agree": ok and v.status != "UNKNOWN",
                "status": v.status,
            }
            if expect and real_limit:
                # the real-latent route, for information: UNKNOWN (time limit) is reported,
                # a wrong answer is a disagreement
                real = reduce_source(src, "vertexcover-real", {"q": str(qq)})
                vr, t_real = _timed(milp.solve, real, solver="scip", time_limit=real_limit)
                row["real_route_s"] = t_real
                row["real_status"] = vr.status
                row["agree"] = row["agree"] and vr.status != "NOT_INVERTIBLE"
            rows.append(row)
            print(f"  {f.name} q={qq}: {v.status} in {t_net:.2f} s (reference {t_ref:.3f} s)")
    return rows


def cvp_rows(sizes, seeds: int, time_limit: float) -> list[dict]:
    rows = []
    for n in sizes:
        for p in (1, 2, 3):
            for s in range(seeds):
                rng = np.random.default_rng([n, p, s])
                planted = s % 2 == 0
                c = cvp_reference.random_cvp(rng, n=n, d=n, p=p, planted=planted)
                ref, t_ref = _timed(cvp_reference.solve, c)
                problem = reduce_instance(c, via="cvp-binary", kind="cvp")
                v, t_net = _timed(milp.solve, problem, time_limit=time_limit)
                ok = (ref is not None) == (v.status == "INVERTIBLE") and v.status != "UNKNOWN"
                if v.status == "INVERTIBLE":
                    ok = ok and _decoded_ok(problem, v)
                rows.append(
                    {
                        "family": "cvp",
                        "instance": f"random n=d={n} p={p} seed={s}",
                        "n": n,
                        "size": n * n,
                        "question": f"r^p={c.bound}",
                        "answer": "YES" if ref is not None else "NO",
                        "route": f"cvp-binary/{v.solver}",
                        "route_s": t_net,
                        "reference": "enumeration of {0,1}^n",
                        "reference_s": t_ref,
                        "ratio": t_net / max(t_ref, 1e-9),
                        "agree": ok,
                        "status": v.status,
                    }
                )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument(
        "--real-limit", type=float, default=60.0, help="time limit of the real-latent route"
    )
    args = ap.parse_args()
    files = sorted(GRAPHS.glob("*.clq"))
    if args.quick:
        files = [f for f in files if f.name in ("johnson8-2-4.clq", "hamming6-4.clq")]
    rows = vertex_cover_rows(files, args.time_limit, None if args.quick else args.real_limit)
    rows += cvp_rows([6, 8] if args.quick else [8, 11, 14], 2 if args.quick else 4, args.time_limit)
    print()
    print_table(
        ["instance", "question", "answer", "route", "route s", "reference s", "ratio", "agree"],
        [
            [
                r["instance"],
                r["question"],
                r["answer"],
                r["route"],
                f"{r['route_s']:.3f}",
                f"{r['reference_s']:.4f}",
                f"{r['ratio']:.0f}",
                "yes" if r["agree"] else "NO",
            ]
            for r in rows
        ],
    )
    for fam in ("vertex-cover", "cvp"):
        ratios = [r["ratio"] for r in rows if r["family"] == fam]
        if ratios:
            print(f"median route/reference, {fam}: {float(np.median(ratios)):.1f}")
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine_info(), "quick": args.quick, "rows": rows}
    (args.out / "graph_cvp.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    keys = sorted({k for r in rows for k in r})
    with open(args.out / "graph_cvp.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {args.out / 'graph_cvp.json'} and .csv")
    bad = [r for r in rows if not r["agree"]]
    for r in bad:
        print(f"DISAGREEMENT: {r['instance']} {r['question']}: {r['status']}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
