"""Recovery error against noise level on random networks: Lei et al. (2019), Figure 1(a)(b)
(and, with the LP relaxation, appendix Figure 5(a)(b)).

What is measured, and why
-------------------------
Lei's section 5.1 inverts a random ReLU network ``20 -> 100 -> 500`` (weights
``N(0, 1/n_i)``, no bias) at a noisy target ``x = G(z*) + e`` and plots the relative recovery
error ``||z - z*||_2 / ||z*||_2`` against the noise level ``a in {1e-1, ..., 1e-6}``, for
uniform ``U(-a, a)`` and Gaussian ``N(0, a^2)`` noise, 200 runs per point. The claims
checked here (printed as PASS/FAIL lines; the exit code is 0 whatever they say):

1. the error grows about linearly with the noise level: the least-squares slope of
   ``log10(median error)`` against ``log10(a)`` is in ``[0.7, 1.3]``, for every method and
   noise type (Theorems 4-5);
2. the LP methods perform "similarly to gradient descent on average": the median error of
   ``linf-lp`` and ``l1-lp`` is within a factor 2 of gradient descent's at every level;
3. "our l_inf LP performs slightly better than gradient descent when the input error is
   uniformly bounded": ``linf-lp``'s median is below ``gd``'s at every uniform level;
4. "gradient descent is less robust and produces more outlier points": an *outlier* is a run
   whose error is more than 10 times the median over all methods' runs at that (noise,
   level); ``gd``'s outlier count is at least each LP method's;
5. "with a large variance in the observation error, l_inf LP is not as robust as l_1 LP or
   gradient descent": at Gaussian ``a = 1e-1`` ``linf-lp``'s median error is above both.

The median ratio of each method's median error to ``gd``'s is printed per level as well, so
the comparison can be read off whatever the PASS/FAIL lines say.

How
---
Each run is a fresh :func:`reluhard.randomnet.random_problem` (network, ``z* ~ N(0, I)`` and
noise all from one seed; the seed is ``base + 100000 * noise + 1000 * level + run``, so no
two runs share a network), inverted by ``linf-lp`` (Alg. 1), ``l1-lp`` (Alg. 2),
``lp-relax`` (Alg. 3, unless ``--no-relax``) and ``gd`` (Lei's baseline: learning rate 1,
at most 1000 iterations, gradient-norm tolerance ``1e-9``, started at ``N(0, I)`` from the
run's seed), all through :func:`reluhard.solvers.solve` with their defaults (alpha 1.2;
GLOP, HiGHS for ``l1-lp``; the least-squares presolve on, which certifies some of
``linf-lp``'s LPs on Gaussian noise, whose negative observations set the LP's optimum).
The error is ``verdict.stats['latent_error']``; a method that returns no point at all is
counted (``no point``) and left out of the percentiles. The time per inversion
(``time.perf_counter`` around ``solve``, exact verification included) is recorded too.
Runs are spread over ``--workers`` processes (default 2, this machine's cores).

Cost, measured on the shared 2-core machine with 2 workers (and other jobs running): about
0.9 s per uniform run and 2.3 s per Gaussian run for ``linf-lp + l1-lp + gd`` (``l1-lp``
dominates, ``gd`` takes under 0.1 s), and 1.1-1.5 s more with ``lp-relax``. The default,
50 runs per (noise, level) with ``lp-relax`` (600 problems), took 14 minutes; the paper's
200 runs (``--runs 200``) take about an hour with ``lp-relax`` and about half an hour with
``--no-relax``.

Usage::

    python benchmarks/lei_noise.py [--quick] [--out DIR] [--runs N] [--no-relax]
                                   [--workers W] [--seed BASE]

Writes ``DIR/lei_noise.csv`` (one row per run and method: noise, level, run, seed, method,
error, error/level, status, residuals, seconds), ``DIR/lei_noise.json`` (machine,
parameters, the summary rows per (noise, level, method), the slopes and the claims) and
``DIR/lei_noise.png`` (two log-log panels, uniform and Gaussian: every run as a dot, a line
through the medians per method). ``--quick``: levels ``1e-1, 1e-3, 1e-5``, 5 runs, no
``lp-relax``, about half a minute.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import time
from pathlib import Path

import _common as common  # benchmarks/_common.py, beside this script
import numpy as np

DEFAULT_OUT = common.RESULTS
WIDTHS = [20, 100, 500]
NOISES = ("uniform", "gaussian")
LEVELS = [10.0**-i for i in range(1, 7)]
QUICK_LEVELS = [1e-1, 1e-3, 1e-5]
METHODS = ("linf-lp", "l1-lp", "lp-relax", "gd")
LP_METHODS = ("linf-lp", "l1-lp", "lp-relax")
COLORS = {"linf-lp": "tab:blue", "l1-lp": "tab:orange", "lp-relax": "tab:purple", "gd": "tab:green"}
SLOPE_RANGE = (0.7, 1.3)
OUTLIER_FACTOR = 10.0


def run_seed(base: int, noise_i: int, level_i: int, run: int) -> int:
    return base + 100_000 * noise_i + 1_000 * level_i + run


def one_run(task: tuple) -> list[dict]:
    """Every method on one fresh random problem; one row per method."""
    from reluhard import solvers
    from reluhard.randomnet import random_problem

    noise, level, run, seed, methods = task
    problem = random_problem(WIDTHS, seed=seed, noise=noise, level=level)
    rows = []
    for method in methods:
        options = {"seed": seed} if method == "gd" else None
        t = time.perf_counter()
        v = solvers.solve(problem, method, options=options)
        seconds = time.perf_counter() - t
        err = v.stats.get("latent_error")
        rows.append(
            {
                "noise": noise,
                "level": level,
                "run": run,
                "seed": seed,
                "method": method,
                "error": err,
                "error_over_level": None if err is None else err / level,
                "status": v.status,
                "residual_inf": v.stats.get("residual_inf"),
                "residual_2": v.stats.get("residual_2"),
                "seconds": seconds,
                "solver_seconds": v.time,
                "lp_solves": v.stats.get("lp_solves"),
                "iterations": v.stats.get("iterations"),
            }
        )
    return rows


def run_all(tasks: list[tuple], workers: int) -> list[dict]:
    rows: list[dict] = []
    t0 = time.perf_counter()
    done = 0
    if workers <= 1:
        results = map(one_run, tasks)
        pool = None
    else:
        # spawn (not fork): fresh interpreters, which read OPENBLAS_NUM_THREADS when they
        # import numpy: one BLAS thread per worker, the workers already use the cores
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        pool = mp.get_context("spawn").Pool(workers)
        results = pool.imap_unordered(one_run, tasks, chunksize=1)
    try:
        for r in results:
            rows.extend(r)
            done += 1
            if done % max(1, len(tasks) // 10) == 0 or done == len(tasks):
                el = time.perf_counter() - t0
                print(f"  {done}/{len(tasks)} runs, {el:.0f} s", flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    rows.sort(key=lambda r: (NOISES.index(r["noise"]), -r["level"], r["run"], r["method"]))
    return rows


def summarize(rows: list[dict], methods, levels) -> list[dict]:
    out = []
    for noise in NOISES:
        for level in levels:
            here = [r for r in rows if r["noise"] == noise and r["level"] == level]
            pooled = [r["error"] for r in here if r["error"] is not None]
            pooled_median = float(np.median(pooled)) if pooled else math.nan
            for method in methods:
                rs = [r for r in here if r["method"] == method]
                errs = np.array([r["error"] for r in rs if r["error"] is not None], dtype=float)
                q25, q50, q75 = np.percentile(errs, [25, 50, 75]) if errs.size else (math.nan,) * 3
                out.append(
                    {
                        "noise": noise,
                        "level": level,
                        "method": method,
                        "runs": len(rs),
                        "no_point": sum(r["error"] is None for r in rs),
                        "verified": sum(r["status"] == "INVERTIBLE" for r in rs),
                        "median": float(q50),
                        "p25": float(q25),
                        "p75": float(q75),
                        "p95": float(np.percentile(errs, 95)) if errs.size else math.nan,
                        "median_error_over_level": float(np.median(errs / level))
                        if errs.size
                        else math.nan,
                        "outliers": int(np.sum(errs > OUTLIER_FACTOR * pooled_median)),
                        "mean_seconds": float(np.mean([r["seconds"] for r in rs])),
                    }
                )
    return out


def slope(levels, medians) -> float:
    x, y = np.log10(levels), np.log10(medians)
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return math.nan
    return float(np.polyfit(x[ok], y[ok], 1)[0])


def claims(summary: list[dict], methods, levels) -> list[dict]:
    S = {(s["noise"], s["level"], s["method"]): s for s in summary}
    out = []

    def add(name: str, ok: bool, detail: str) -> None:
        out.append({"claim": name, "pass": bool(ok), "detail": detail})

    lo, hi = SLOPE_RANGE
    for noise in NOISES:
        for m in methods:
            s = slope(levels, [S[noise, a, m]["median"] for a in levels])
            add(
                f"{noise}: {m} error ~ linear in the level",
                lo <= s <= hi,
                f"slope {s:.2f} (want {lo}-{hi})",
            )
    for noise in NOISES:
        for m in ("linf-lp", "l1-lp"):
            ratios = [S[noise, a, m]["median"] / S[noise, a, "gd"]["median"] for a in levels]
            add(
                f"{noise}: {m} median within 2x of gd at every level",
                all(0.5 <= r <= 2.0 for r in ratios),
                "ratios " + ", ".join(f"{r:.2f}" for r in ratios),
            )
    U = {m: [S["uniform", a, m]["median"] for a in levels] for m in ("linf-lp", "gd")}
    ratios = [x / g for x, g in zip(U["linf-lp"], U["gd"], strict=True)]
    add(
        "uniform: linf-lp median below gd's at every level",
        all(r < 1 for r in ratios),
        "linf-lp/gd " + ", ".join(f"{r:.2f}" for r in ratios),
    )
    for noise in NOISES:
        for m in [m for m in methods if m in LP_METHODS]:
            g = sum(S[noise, a, "gd"]["outliers"] for a in levels)
            o = sum(S[noise, a, m]["outliers"] for a in levels)
            add(
                f"{noise}: gd has at least as many outliers as {m}",
                g >= o,
                f"gd {g}, {m} {o} (error > {OUTLIER_FACTOR:g}x the pooled median)",
            )
    top = max(levels)
    lin, l1, gd = (S["gaussian", top, m]["median"] for m in ("linf-lp", "l1-lp", "gd"))
    add(
        f"gaussian a={top:g}: linf-lp median above l1-lp's and gd's",
        lin > l1 and lin > gd,
        f"linf-lp {lin:.3g}, l1-lp {l1:.3g}, gd {gd:.3g}",
    )
    return out


def plot(rows: list[dict], summary: list[dict], methods, levels, path: Path) -> bool:
    plt = common.pyplot()
    if plt is None:
        return False
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    n = len(methods)
    for ax, noise in zip(axes, NOISES, strict=True):
        for i, m in enumerate(methods):
            shift = 10 ** (0.06 * (i - (n - 1) / 2))  # spread the methods' dots apart
            pts = [
                (r["level"] * shift, r["error"])
                for r in rows
                if r["noise"] == noise and r["method"] == m and r["error"]
            ]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.scatter(xs, ys, s=6, alpha=0.25, color=COLORS[m], linewidths=0)
            med = [
                s["median"] for a in levels for s in summary
                if (s["noise"], s["level"], s["method"]) == (noise, a, m)
            ]  # fmt: skip
            ax.plot(levels, med, "-o", ms=4, color=COLORS[m], label=m)
        ax.plot(levels, levels, ":", color="grey", lw=1, label="error = a")
        ax.set_xscale("log")
        ax.set_yscale("log")
        title = "uniform noise U(-a, a)" if noise == "uniform" else "Gaussian noise N(0, a^2)"
        ax.set_title(f"({'ab'[NOISES.index(noise)]}) {title}")
        ax.set_xlabel("noise level a")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("relative recovery error ||z - z*|| / ||z*||")
    axes[0].legend(loc="upper left", fontsize=8)
    runs = max(r["run"] for r in rows) + 1
    fig.suptitle(
        f"Random net {' -> '.join(map(str, WIDTHS))} (ReLU): {runs} runs per point, "
        "line through the medians (Lei et al. Fig. 1)",
        fontsize=10,
    )
    return common.save_figure(fig, path)


def main() -> int:
    ap = common.argument_parser(__doc__, "3 levels, 5 runs, no lp-relax", DEFAULT_OUT)
    ap.add_argument("--runs", type=int, default=None, help="runs per (noise, level); 50")
    ap.add_argument("--no-relax", action="store_true", help="leave out lp-relax (Alg. 3)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="base seed")
    args = ap.parse_args()
    runs = args.runs if args.runs is not None else (5 if args.quick else 50)
    if not 1 <= runs <= 1000:
        ap.error("--runs must be in 1..1000")
    levels = QUICK_LEVELS if args.quick else LEVELS
    methods = tuple(m for m in METHODS if not (m == "lp-relax" and (args.quick or args.no_relax)))
    tasks = [
        (noise, level, run, run_seed(args.seed, ni, li, run), methods)
        for run in range(runs)
        for li, level in enumerate(levels)
        for ni, noise in enumerate(NOISES)
    ]
    print(
        f"{len(tasks)} problems ({runs} runs x {len(levels)} levels x 2 noises), "
        f"network {' -> '.join(map(str, WIDTHS))}, methods {', '.join(methods)}, "
        f"{args.workers} worker(s)",
        flush=True,
    )
    t0 = time.perf_counter()
    rows = run_all(tasks, args.workers)
    wall = time.perf_counter() - t0
    summary = summarize(rows, methods, levels)
    S = {(s["noise"], s["level"], s["method"]): s for s in summary}
    print()
    common.print_records(
        [
            ("noise", "{noise}"),
            ("a", "{level:.0e}"),
            ("method", "{method}"),
            ("median", "{median:.2e}"),
            ("p25", "{p25:.2e}"),
            ("p75", "{p75:.2e}"),
            ("median/a", "{median_error_over_level:.2f}"),
            ("/gd", lambda s: f"{s['median'] / S[s['noise'], s['level'], 'gd']['median']:.2f}"),
            ("outl", "{outliers}"),
            ("nopt", "{no_point}"),
            ("s", "{mean_seconds:.2f}"),
        ],
        summary,
    )
    print(
        "(median/p25/p75: relative error ||z - z*||/||z*|| over the runs; median/a: median of "
        "error/level;\n /gd: median over gd's median; outl: runs above "
        f"{OUTLIER_FACTOR:g}x the median of all methods; nopt: no point returned; "
        "s: mean seconds)"
    )
    slopes = {
        f"{noise}/{m}": slope(levels, [S[noise, a, m]["median"] for a in levels])
        for noise in NOISES
        for m in methods
    }
    print()
    print("slope of log10(median error) against log10(a): " + ", ".join(
        f"{k} {v:.2f}" for k, v in slopes.items()))  # fmt: skip
    checked = claims(summary, methods, levels)
    for c in checked:
        print(f"{common.verdict(c['pass'])}: {c['claim']} ({c['detail']})")
    for noise in NOISES:
        for m in [m for m in methods if m != "gd"]:
            r = [S[noise, a, m]["median"] / S[noise, a, "gd"]["median"] for a in levels]
            geo = math.exp(np.mean(np.log(r)))
            print(
                f"  {noise}: median error of {m} / gd: geometric mean {geo:.2f} over the levels"
                f" (range {min(r):.2f}-{max(r):.2f})"
            )
    print(f"wall time {wall:.0f} s")

    report = {
        "machine": common.machine_info(),
        "parameters": {
            "quick": args.quick,
            "widths": WIDTHS,
            "activation": "relu",
            "noises": list(NOISES),
            "levels": levels,
            "runs": runs,
            "methods": list(methods),
            "seed_base": args.seed,
            "seed_rule": "base + 100000 * noise_index + 1000 * level_index + run",
            "gd": "lr 1, 1000 iterations, tol 1e-9, start N(0, I) from the run's seed",
            "lp": "alpha 1.2, GLOP (HiGHS for l1-lp), presolve on (library defaults)",
            "workers": args.workers,
            "outlier_factor": OUTLIER_FACTOR,
            "slope_range": list(SLOPE_RANGE),
        },
        "wall_seconds": wall,
        "slopes": slopes,
        "claims": checked,
        "rows": summary,
    }
    common.write_results(args.out, "lei_noise", report, rows)
    png = plot(rows, summary, methods, levels, args.out / "lei_noise.png")
    print(f"wrote {args.out / 'lei_noise.json'}, .csv" + (" and .png" if png else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
