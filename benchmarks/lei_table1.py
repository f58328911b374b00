# ruff: noqa: E402  (the BLAS thread count must be set before numpy is imported)
"""Time per inversion on noiseless random networks ``k -> 250 -> 600``: Lei et al. (2019),
appendix Table 1, and the LP solver choice (GLOP against HiGHS) on the same LPs.

What is measured, and why
-------------------------
Lei's Table 1 gives the CPU time per inversion of ``l_inf LP`` (Alg. 1), ``l_1 LP``
(Alg. 2), the LP relaxation (Alg. 3) and gradient descent on random ReLU networks
``k -> 250 -> 600`` (weights ``N(0, 1/n_i)``, no bias, noiseless target), ``k = 10, 30,
..., 110``, averaged over 200 networks: GD took 1.6-2.5 times as long as the l_inf LP. The
issue asks for more: **gradient descent at least 10 times slower than** ``linf-lp`` at every
``k`` (``mean gd / mean linf-lp >= 10``), printed as PASS/FAIL (the exit code is 0 either
way).

The time per inversion is the floating-point inversion, as in the paper:
``time.perf_counter`` around :func:`reluhard.solvers.layerwise.recover` (building and
solving the LPs) or :func:`reluhard.solvers.gd.descend`. The project's exact rational check
of the point found (:func:`reluhard.solvers.recovery.judge`: residuals, latent error and
``check_latent`` in exact arithmetic) is timed separately and reported as its own column
(``check s``): it costs about the same 20 milliseconds whatever method found the point
(more for a point that fails it), and would otherwise swamp the ratio of two fast methods.
Generating the network is not timed. The success rate (``latent_error <= 1e-3``) and the
rate of exactly verified points are reported beside the times, so it is clear what the
timed runs achieved.

For every ``k``, ``--networks`` seeded networks (``seed = base + 1000 k + i``) are each
inverted by ``linf-lp``, ``l1-lp``, ``lp-relax``, ``gd`` and, for reference, ``lp`` (Lei
eq. (4), exact inversion), all with the library defaults (alpha 1.2; GLOP, HiGHS for
``l1-lp``; presolve on; gd: learning rate 1, at most 1000 iterations, gradient-norm
tolerance ``1e-9``, start ``N(0, I)`` from seed 0), and by one more:

**The two linf-lp paths.** The LP back ends first try a certified least-squares point (the
*presolve*, :mod:`reluhard.solvers.lp_presolve`): on a noiseless expanding network it is optimal for
every layer's LP, so ``linf-lp`` (and ``l1-lp``, ``lp``) solve no LP at all
(``lp_solves == 0``, recorded per run as ``certified``) and take a few milliseconds.
``linf-lp-nopresolve`` ("LP every time") is ``recover(method='linf-lp', presolve=False)``:
Alg. 1 through the LP solver at every layer, what Lei timed. Both are in the table; the
PASS/FAIL line uses the project's default path (``gd / linf-lp``), and ``gd /
linf-lp-nopresolve`` is printed beside it as information. ``lp-relax`` has no presolve in
the library: it solves its LPs every time.

The order of the methods rotates from network to network. Each method first runs on a small
problem untimed, so loading a library is not charged to the first network.

**GLOP or HiGHS.** The project's LP methods use GLOP by default, except HiGHS for ``l1-lp``
(Alg. 2), chosen by measurement; this is where that measurement lives. On the first
``--solver-networks`` networks of every ``k``, each LP method (``linf-lp``, ``l1-lp``,
``lp-relax``, ``lp``; ``--quick``: ``linf-lp`` only) is run with ``presolve=False`` (with
the presolve no LP would be solved) and ``lp_solver=glop`` and ``lp_solver=highs`` back to
back (order alternating). The ratio of the total times, ``highs / glop``, is reported per
``k`` and method, a line per method says which solver was faster, and a PASS/FAIL line per
method checks that the library's default (``reluhard.solvers.lp.DEFAULT_LP``,
``DEFAULT_L1_LP``) is the faster one. HiGHS's banner is silenced.

Everything runs in one process, one solve at a time, with one BLAS thread
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` set to 1 before numpy is
imported, unless the environment sets them; the JSON records them), so the least-squares and
gradient steps are single-threaded like the LP solvers, and the methods are compared on
equal terms. Timings are noisy on a shared 2-core machine (other jobs run concurrently):
compare ratios from one run, not absolute seconds across runs. The default, 30 networks per
``k`` and 3 for the solver comparison, took 7 minutes here (with another benchmark busy on
both cores); ``--networks 200`` (the paper's count) would take about 35 minutes.

Usage::

    python benchmarks/lei_table1.py [--quick] [--out DIR] [--networks N]
                                    [--solver-networks M] [--seed BASE]

Writes ``DIR/lei_table1.csv`` (one row per network, method and LP solver: block, k, seed,
method, LP solver, presolve, inversion seconds, check seconds, status, latent error,
success, LP solves, certified, gd iterations), ``DIR/lei_table1.json`` (machine, BLAS
threads, parameters, per-``k`` summary: mean/median/quartile seconds, check seconds,
success, verified and certified rates per method; the gd / linf-lp ratios for both paths and
the target; GLOP against HiGHS with the faster solver and the default check; the paper's
Table 1) and ``DIR/lei_table1.png`` (mean time against ``k`` per method, both linf-lp paths
and the exact check, log scale, the paper's values dashed). ``--quick``: ``k = 10, 50``, 3
networks, 1 for the solver comparison (``linf-lp`` only), no ``lp``; about 12 seconds.
"""

from __future__ import annotations

import os

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _var in BLAS_THREADS:
    os.environ.setdefault(_var, "1")  # single-threaded timings (module docstring)

import math
import time
from pathlib import Path

import _common as common  # benchmarks/_common.py, beside this script
import numpy as np

from reluhard.fds import redirected
from reluhard.randomnet import random_problem
from reluhard.solvers import gd, layerwise, lp, recovery

DEFAULT_OUT = common.RESULTS
KS = [10, 30, 50, 70, 90, 110]
QUICK_KS = [10, 50]
HIDDEN, OUT = 250, 600
NETWORKS, QUICK_NETWORKS = 30, 3
SOLVER_NETWORKS, QUICK_SOLVER_NETWORKS = 3, 1
#: what is timed: name -> (back-end method, options of recover; gd: descend)
VARIANTS = {
    "linf-lp": ("linf-lp", {}),
    "linf-lp-nopresolve": ("linf-lp", {"presolve": False}),
    "l1-lp": ("l1-lp", {}),
    "lp-relax": ("lp-relax", {}),
    "gd": ("gd", {}),
    "lp": ("lp", {}),
}
LABELS = {"linf-lp-nopresolve": "linf-lp (LP every time)", "lp": "lp (eq. 4, reference)"}
METHODS = tuple(VARIANTS)
QUICK_METHODS = ("linf-lp", "linf-lp-nopresolve", "l1-lp", "lp-relax", "gd")
SOLVER_METHODS = ("linf-lp", "l1-lp", "lp-relax", "lp")  # GLOP against HiGHS, presolve off
QUICK_SOLVER_METHODS = ("linf-lp",)
LP_SOLVERS = ("glop", "highs")
SUCCESS = 1e-3  # latent error at or below which a run counts as a recovery
TARGET_RATIO = 10.0
#: Lei et al., Table 1 (seconds, CPU time averaged over 200 runs; their machine and LP solver)
PAPER = {
    "linf-lp": [0.63, 0.73, 0.83, 0.90, 0.95, 1.03],
    "l1-lp": [1.05, 1.05, 1.23, 1.28, 1.39, 1.22],
    "lp-relax": [0.66, 0.53, 0.58, 0.76, 0.75, 0.70],
    "gd": [1.59, 1.65, 1.72, 1.80, 2.09, 2.01],
}
PAPER["linf-lp-nopresolve"] = PAPER["linf-lp"]  # Lei's l_inf LP solves its LPs every time
COLORS = {
    "linf-lp": "tab:blue",
    "linf-lp-nopresolve": "tab:cyan",
    "l1-lp": "tab:orange",
    "lp-relax": "tab:purple",
    "gd": "tab:green",
    "lp": "tab:gray",
}


def default_solver(method: str) -> str:
    """The LP solver the library uses for ``method`` when none is given (``""`` for gd)."""
    if method == "gd":
        return ""
    return lp.DEFAULT_L1_LP if method == "l1-lp" else lp.DEFAULT_LP


def timed_run(problem, name: str, lp_solver: str | None = None) -> dict:
    """Invert ``problem`` with variant ``name`` (``lp_solver``: force that LP solver and turn
    the presolve off, for the solver comparison), timing the float inversion and the exact
    check separately."""
    method, options = VARIANTS[name]
    options = dict(options)
    if lp_solver is not None:
        options.update(lp_solver=lp_solver, presolve=False)
    solver = options.get("lp_solver") or default_solver(method)
    with redirected({1: 2, 2: None} if solver == "highs" else {}):  # HiGHS's banner
        t = time.perf_counter()
        if method == "gd":
            attempt = gd.descend(problem, **options)
        else:
            attempt = layerwise.recover(problem, method=method, **options)
        seconds = time.perf_counter() - t
    t = time.perf_counter()
    v = recovery.judge(problem, attempt.z, method, t, attempt.stats, attempt.failure)
    check = time.perf_counter() - t
    stats = attempt.stats
    err = stats.get("latent_error")
    lp_solves = stats.get("lp_solves")
    return {
        "lp_solver": solver,
        "presolve": "" if method == "gd" else options.get("presolve", True),
        "seconds": seconds,
        "check_seconds": check,
        "status": v.status,
        "latent_error": err,
        "success": err is not None and err <= SUCCESS,
        "lp_solves": lp_solves,
        "presolved": sum(s.get("presolved", 0) for s in stats.get("layers", [])),
        "certified": "" if lp_solves is None else lp_solves == 0,
        "iterations": stats.get("iterations"),
    }


def warm_up() -> None:
    p = random_problem([5, 20, 40], seed=12345)
    for name in METHODS:
        timed_run(p, name)
    for m in SOLVER_METHODS:
        for s in LP_SOLVERS:
            timed_run(p, m, s)


def measure(ks, methods, networks: int, solver_methods, solver_networks: int, base: int):
    rows = []
    t0 = time.perf_counter()
    for k in ks:
        for i in range(networks):
            seed = base + 1000 * k + i
            problem = random_problem([k, HIDDEN, OUT], seed=seed)
            head = {"k": k, "network": i, "seed": seed}
            shift = i % len(methods)
            for name in methods[shift:] + methods[:shift]:
                r = timed_run(problem, name)
                rows.append({"block": "methods", **head, "method": name, **r})
            if i < solver_networks:
                order = LP_SOLVERS if i % 2 == 0 else LP_SOLVERS[::-1]
                for name in solver_methods:
                    for s in order:
                        r = timed_run(problem, name, s)
                        rows.append({"block": "lp-solver", **head, "method": name, **r})
        print(f"  k = {k}: {networks} networks done, {time.perf_counter() - t0:.0f} s", flush=True)
    return rows


def _rate(rs: list[dict], ok) -> float:
    return sum(bool(ok(r)) for r in rs) / len(rs)


def summarize(rows: list[dict], ks, methods, solver_methods) -> tuple[list[dict], list[dict]]:
    summary, solver_cmp = [], []
    for k in ks:
        for m in methods:
            rs = [r for r in rows if r["block"] == "methods" and r["k"] == k and r["method"] == m]
            secs = [r["seconds"] for r in rs]
            summary.append(
                {
                    "k": k,
                    "method": m,
                    "networks": len(rs),
                    "lp_solver": rs[0]["lp_solver"],
                    "presolve": rs[0]["presolve"],
                    "mean_seconds": float(np.mean(secs)),
                    "median_seconds": float(np.median(secs)),
                    "p25_seconds": float(np.percentile(secs, 25)),
                    "p75_seconds": float(np.percentile(secs, 75)),
                    "mean_check_seconds": float(np.mean([r["check_seconds"] for r in rs])),
                    "success_rate": _rate(rs, lambda r: r["success"]),
                    "verified_rate": _rate(rs, lambda r: r["status"] == "INVERTIBLE"),
                    "certified_rate": None
                    if m == "gd"
                    else _rate(rs, lambda r: r["certified"] is True),
                    "mean_lp_solves": None
                    if m == "gd"
                    else float(np.mean([r["lp_solves"] for r in rs])),
                    "paper_seconds": PAPER[m][KS.index(k)] if m in PAPER and k in KS else None,
                }
            )
        for m in solver_methods:
            rs = [r for r in rows if r["block"] == "lp-solver" and r["k"] == k and r["method"] == m]
            if not rs:
                continue
            by = {s: [r for r in rs if r["lp_solver"] == s] for s in LP_SOLVERS}
            mean = {s: float(np.mean([r["seconds"] for r in by[s]])) for s in LP_SOLVERS}
            solver_cmp.append(
                {
                    "k": k,
                    "method": m,
                    "networks": len(by["glop"]),
                    "glop_mean_seconds": mean["glop"],
                    "highs_mean_seconds": mean["highs"],
                    "highs_over_glop": mean["highs"] / mean["glop"],
                    "glop_mean_lp_solves": float(np.mean([r["lp_solves"] for r in by["glop"]])),
                    "highs_mean_lp_solves": float(np.mean([r["lp_solves"] for r in by["highs"]])),
                    "glop_success": sum(r["success"] for r in by["glop"]),
                    "highs_success": sum(r["success"] for r in by["highs"]),
                }
            )
    return summary, solver_cmp


def overall_solver_ratio(rows: list[dict], method: str) -> float:
    """``sum highs seconds / sum glop seconds`` over every compared network, for ``method``."""
    rs = [r for r in rows if r["block"] == "lp-solver" and r["method"] == method]
    g = sum(r["seconds"] for r in rs if r["lp_solver"] == "glop")
    h = sum(r["seconds"] for r in rs if r["lp_solver"] == "highs")
    return h / g if g else math.nan


def plot(summary: list[dict], ks, methods, path: Path) -> bool:
    plt = common.pyplot()
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(10.5, 5.5))
    for j, m in enumerate(methods):
        ss = [s for s in summary if s["method"] == m]
        xs = np.array(ks) + 0.6 * (j - (len(methods) - 1) / 2)  # keep the bars apart
        mean = np.array([s["mean_seconds"] for s in ss])
        lo = mean - np.array([s["p25_seconds"] for s in ss])
        hi = np.array([s["p75_seconds"] for s in ss]) - mean
        ax.errorbar(
            xs,
            mean,
            yerr=[np.maximum(lo, 0), np.maximum(hi, 0)],
            fmt="-s" if m == "linf-lp-nopresolve" else "-o",
            ms=4,
            capsize=2,
            color=COLORS[m],
            label=LABELS.get(m, m),
        )
        if m in PAPER and m != "linf-lp-nopresolve":
            paper = [PAPER[m][KS.index(k)] for k in ks if k in KS]
            ax.plot([k for k in ks if k in KS], paper, "--", color=COLORS[m], alpha=0.45, lw=1)
    check = [np.mean([s["mean_check_seconds"] for s in summary if s["k"] == k]) for k in ks]
    ax.plot(
        ks,
        check,
        ":",
        color="black",
        lw=1.2,
        label="exact check (judge; mean over methods),\nnot in the times",
    )
    ax.plot([], [], "--", color="black", alpha=0.45, lw=1, label="Lei et al. Table 1 (their run)")
    ax.set_yscale("log")
    ax.set_xticks(ks)
    ax.set_xlabel("latent dimension k (network k -> 250 -> 600, noiseless)")
    ax.set_ylabel("seconds per inversion (float inversion, 1 BLAS thread)")
    n = summary[0]["networks"]
    ax.set_title(
        f"Time per inversion: mean over {n} networks per k, bars p25-p75 (Lei et al. Table 1)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return common.save_figure(fig, path)


def ratio_rows(S: dict, ks, stat: str) -> dict[str, dict[str, float]]:
    """Per ``k``: gd's ``stat`` seconds over each linf-lp path's."""
    return {
        path: {str(k): S[k, "gd"][stat] / S[k, path][stat] for k in ks}
        for path in ("linf-lp", "linf-lp-nopresolve")
    }


def main() -> int:
    ap = common.argument_parser(__doc__, "k = 10, 50; 3 networks; no lp", DEFAULT_OUT)
    ap.add_argument("--networks", type=int, default=None, help=f"networks per k ({NETWORKS})")
    ap.add_argument(
        "--solver-networks",
        type=int,
        default=None,
        help=f"networks per k for GLOP vs HiGHS ({SOLVER_NETWORKS})",
    )
    ap.add_argument("--seed", type=int, default=0, help="base seed")
    args = ap.parse_args()
    ks = QUICK_KS if args.quick else KS
    methods = QUICK_METHODS if args.quick else METHODS
    solver_methods = QUICK_SOLVER_METHODS if args.quick else SOLVER_METHODS
    networks = args.networks
    if networks is None:
        networks = QUICK_NETWORKS if args.quick else NETWORKS
    solver_networks = args.solver_networks
    if solver_networks is None:
        solver_networks = QUICK_SOLVER_NETWORKS if args.quick else SOLVER_NETWORKS
    solver_networks = min(solver_networks, networks)
    if not 1 <= networks <= 1000:
        ap.error("--networks must be in 1..1000")
    blas = {v: os.environ.get(v) for v in BLAS_THREADS}
    print(
        f"networks k -> {HIDDEN} -> {OUT}, k in {ks}, {networks} per k, methods "
        f"{', '.join(methods)}; GLOP vs HiGHS without presolve ({', '.join(solver_methods)}) "
        f"on {solver_networks} per k; BLAS threads "
        + ", ".join(f"{v}={t}" for v, t in blas.items()),
        flush=True,
    )
    t0 = time.perf_counter()
    warm_up()
    rows = measure(ks, methods, networks, solver_methods, solver_networks, args.seed)
    wall = time.perf_counter() - t0
    summary, solver_cmp = summarize(rows, ks, methods, solver_methods)
    S = {(s["k"], s["method"]): s for s in summary}

    print()
    common.print_records(
        [
            ("k", "{k}"),
            ("method", "{method}"),
            ("mean s", "{mean_seconds:.4f}"),
            ("median s", "{median_seconds:.4f}"),
            ("p25 s", "{p25_seconds:.4f}"),
            ("p75 s", "{p75_seconds:.4f}"),
            ("check s", "{mean_check_seconds:.4f}"),
            ("ok", lambda s: common.percent(s["success_rate"])),
            ("verified", lambda s: common.percent(s["verified_rate"])),
            ("certified", lambda s: common.percent(s["certified_rate"])),
            ("LPs", lambda s: common.number(s["mean_lp_solves"], ".1f")),
            ("paper s", lambda s: common.number(s["paper_seconds"], ".2f", none="")),
        ],
        summary,
    )
    print(
        f"(seconds per float inversion over {networks} networks per k; check s: the exact "
        f"check of the point, timed apart;\n ok: latent error <= {SUCCESS:g}; verified: the "
        "exact check passed; certified: the presolve's least-squares point was optimal at "
        "every layer,\n no LP solved; LPs: mean LP solves; paper: Lei Table 1; "
        "linf-lp-nopresolve: linf-lp with presolve=False, an LP every time)"
    )

    means, medians = ratio_rows(S, ks, "mean_seconds"), ratio_rows(S, ks, "median_seconds")
    print()
    common.print_table(
        ["k", "gd / linf-lp", "(medians)", "gd / linf-lp-nopresolve", "(medians)", "paper"],
        [
            [
                str(k),
                f"{means['linf-lp'][str(k)]:.2f}",
                f"{medians['linf-lp'][str(k)]:.2f}",
                f"{means['linf-lp-nopresolve'][str(k)]:.2f}",
                f"{medians['linf-lp-nopresolve'][str(k)]:.2f}",
                f"{PAPER['gd'][KS.index(k)] / PAPER['linf-lp'][KS.index(k)]:.2f}",
            ]
            for k in ks
        ],
    )
    ratios = list(means["linf-lp"].values())
    target_ok = all(r >= TARGET_RATIO for r in ratios)
    print(
        f"{common.verdict(target_ok)}: gd / linf-lp >= {TARGET_RATIO:g} at every k "
        f"(ratio of means, default path with presolve: {min(ratios):.2f}-{max(ratios):.2f})"
    )
    lp_every = list(means["linf-lp-nopresolve"].values())
    print(
        f"  information: gd / linf-lp-nopresolve (an LP every time) "
        f"{min(lp_every):.2f}-{max(lp_every):.2f} (the paper: 1.6-2.5)"
    )

    print()
    common.print_records(
        [
            ("k", "{k}"),
            ("method", "{method}"),
            ("networks", "{networks}"),
            ("glop s", "{glop_mean_seconds:.3f}"),
            ("highs s", "{highs_mean_seconds:.3f}"),
            ("highs / glop", "{highs_over_glop:.2f}"),
            ("LPs", "{glop_mean_lp_solves:.1f}"),
            ("ok glop", "{glop_success}"),
            ("ok highs", "{highs_success}"),
        ],
        solver_cmp,
    )
    print("(presolve=False: every LP goes to the solver; LPs: mean LP solves with GLOP)")
    overall = {m: overall_solver_ratio(rows, m) for m in solver_methods}
    faster = {m: "glop" if r >= 1 else "highs" for m, r in overall.items()}
    defaults = {m: default_solver(m) for m in solver_methods}
    default_ok = {m: faster[m] == defaults[m] for m in solver_methods}
    compared = solver_networks * len(ks)
    for m, r in overall.items():
        slow = "highs" if faster[m] == "glop" else "glop"
        times = r if faster[m] == "glop" else 1 / r
        print(
            f"{m}: {faster[m].upper()} is faster ({slow} / {faster[m]} = {times:.2f} in total "
            f"over {compared} networks)"
        )
    for m in solver_methods:
        print(
            f"{common.verdict(default_ok[m])}: library default for {m} ({defaults[m]}) is the "
            f"faster solver ({faster[m]})"
        )
    print(f"wall time {wall:.0f} s (timings noisy: a shared 2-core machine under other load)")

    report = {
        "machine": common.machine_info(),
        "blas_threads": blas,
        "parameters": {
            "quick": args.quick,
            "widths": ["k", HIDDEN, OUT],
            "ks": ks,
            "activation": "relu",
            "noise": "none",
            "networks": networks,
            "methods": list(methods),
            "variants": {m: {"method": VARIANTS[m][0], **VARIANTS[m][1]} for m in methods},
            "solver_networks": solver_networks,
            "solver_methods": list(solver_methods),
            "solver_presolve": False,
            "seed_base": args.seed,
            "seed_rule": "base + 1000 * k + network",
            "success": f"latent_error <= {SUCCESS:g}",
            "gd": "lr 1, 1000 iterations, tol 1e-9, start N(0, I) from seed 0 (library defaults)",
            "lp": f"alpha 1.2, {lp.DEFAULT_LP} ({lp.DEFAULT_L1_LP} for l1-lp), presolve on "
            "(library defaults)",
            "timer": "time.perf_counter around layerwise.recover / gd.descend (float "
            "inversion); recovery.judge (exact check) timed apart as check_seconds",
        },
        "wall_seconds": wall,
        "gd_over_linf": means["linf-lp"],
        "gd_over_linf_medians": medians["linf-lp"],
        "gd_over_linf_nopresolve": means["linf-lp-nopresolve"],
        "gd_over_linf_nopresolve_medians": medians["linf-lp-nopresolve"],
        "target": {"ratio": TARGET_RATIO, "path": "linf-lp (presolve on)", "pass": target_ok},
        "lp_solver": {
            "presolve": False,
            "rows": solver_cmp,
            "highs_over_glop": overall,
            "faster": faster,
            "library_default": defaults,
            "default_is_faster": default_ok,
        },
        "paper_table1": {"ks": KS, **{m: PAPER[m] for m in ("linf-lp", "l1-lp", "lp-relax", "gd")}},
        "rows": summary,
    }
    common.write_results(args.out, "lei_table1", report, rows)
    png = plot(summary, ks, methods, args.out / "lei_table1.png")
    print(f"wrote {args.out / 'lei_table1.json'}, .csv" + (" and .png" if png else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
