# ruff: noqa: E402  (the BLAS thread count must be set before numpy is imported)
"""Lei et al. (2019) Fig. 2: success rate of exact recovery against the latent width k, for
random networks k -> 250 -> 600, ReLU and LeakyReLU, layer-wise LP against gradient descent.

What is measured, and why
-------------------------
For each k and each activation, ``--networks`` random networks (weights ``N(0, 1/n_out)``, no
bias, planted latent ``z* ~ N(0, I_k)``, noiseless target; ``reluhard.randomnet``) are
inverted by

- ``lp``: Lei eq. (4) one layer at a time from the output back
  (``reluhard.solvers.layerwise`` with its defaults: the certified least-squares presolve
  where it applies, GLOP otherwise); for LeakyReLU eq. (5) and least squares;
- ``gd``: gradient descent on ``1/2 ||G(z) - x||^2`` with Lei's settings (step 1, at most 1000
  iterations, stop at gradient norm ``1e-9``, start ``N(0, I)``).

Both see the same networks. A run succeeds when ``||z - z*||_2 / ||z*||_2 <= 1e-3`` (Lei,
after Hand and Voroninski). This measures recovery, so the script calls the back ends'
``recover``/``descend`` (the float point) rather than ``solve`` (which adds the exact check).

The exact LP recovers ``z*`` when its first layer has at least k active units (then the
equality rows of eq. (4) have full column rank) and the second layer at least 250 (always, in
practice): for a fixed latent every ``(W_1 z*)_i`` is ``N(0, ||z*||^2 / 250)``, positive with
probability 1/2 independently, so the success rate should follow ``P(Binomial(250, 1/2) >= k)``.
The script checks (1) that the ReLU LP curve is within 3 percentage points of that tail at
every k, (2) network by network, that LP success coincides with "at least k active units"
(Lei's Lemma 1) on at least 99% of the networks at every k (the exceptions are networks one
unit short, whose pre-image is a short segment through z*: the LP's vertex can land within
the 1e-3 success radius), (3) that the LeakyReLU LP succeeds everywhere (the map is a
bijection), and reports (4) where gradient descent collapses (the paper: near k = 60).

Statistics: with 200 networks (the paper's count) the binomial standard error of a rate
near 1/2 is 3.5 percentage points, more than the 3-point band of check (1), which would then
fail by sampling noise alone at some k. The ReLU LP curve therefore uses ``--lp-networks``
(default 1000: standard error 1.6 points) at the k where the tail is below 0.999 (the
transition); every other curve uses ``--networks`` (default 200). The JSON records both and
the standard error at each k.

Usage::

    python benchmarks/lei_fig2.py [--quick] [--out DIR] [--jobs J] [--networks N]
                                  [--lp-networks M] [--ks 10,20,...]

Writes ``DIR/lei_fig2.{json,csv,png}`` and ``DIR/lei_fig2_runs.{csv,json}`` (one row per run;
default ``benchmarks/results``). ``--quick`` runs k in {20, 110, 125} with 6 networks each, in
well under a minute. Timings are noisy on a shared 2-core machine; the rates are not.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread per worker: the workers are the threads

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from _common import (  # benchmarks/_common.py
    RESULTS,
    argument_parser,
    machine_info,
    print_table,
    pyplot,
    save_figure,
    verdict,
    write_results,
)
from scipy.stats import binom

from reluhard.network import forward
from reluhard.randomnet import random_problem
from reluhard.solvers import gd, layerwise
from reluhard.solvers.recovery import latent_error

HIDDEN, OUT = 250, 600
SUCCESS = 1e-3
BAND = 0.03
DEFAULT_KS = [10, 20, 30, 40, 50, 55, 60, 65, 70, 80, 90, 100, 105, 109, 112, 115, 118, 121,
              125, 130, 135, 140]  # fmt: skip
QUICK_KS = [20, 110, 125]
ACTIVATIONS = ("relu", "leaky_relu")


def tail(k: int) -> float:
    """``P(Binomial(250, 1/2) >= k)``."""
    return float(binom.sf(k - 1, HIDDEN, 0.5))


def run_one(task: tuple[int, str, int, tuple[str, ...]]) -> dict:
    """Invert one seeded network with the given methods; the same network for each."""
    k, activation, index, methods = task
    problem = random_problem(
        [k, HIDDEN, OUT], seed=100_000 * k + index, activation=activation, check=False
    )
    hidden = forward(problem.network, problem.planted, all_layers=True)[0]
    row = {"k": k, "activation": activation, "index": index, "active": int(np.sum(hidden > 0))}
    for method in methods:
        t = time.perf_counter()
        if method == "lp":
            attempt = layerwise.recover(problem, method="lp")
        else:
            attempt = gd.descend(problem)
        row[f"{method}_time"] = time.perf_counter() - t
        err = np.inf if attempt.z is None else latent_error(problem, attempt.z)
        row[f"{method}_error"] = float(err)
        row[f"{method}_ok"] = bool(err <= SUCCESS)
    return row


def tasks(ks, networks: int, lp_networks: int) -> list[tuple]:
    out = []
    for k in ks:
        for activation in ACTIVATIONS:
            for i in range(networks):
                out.append((k, activation, i, ("lp", "gd")))
        if lp_networks > networks and tail(k) < 0.999:
            out.extend((k, "relu", i, ("lp",)) for i in range(networks, lp_networks))
    return out


def summarise(rows: list[dict], ks) -> list[dict]:
    summary = []
    for k in ks:
        for activation in ACTIVATIONS:
            for method in ("lp", "gd"):
                runs = [r for r in rows if r["k"] == k and r["activation"] == activation
                        and f"{method}_ok" in r]  # fmt: skip
                n = len(runs)
                rate = sum(r[f"{method}_ok"] for r in runs) / n
                entry = {
                    "k": k,
                    "activation": activation,
                    "method": method,
                    "networks": n,
                    "success_rate": rate,
                    "std_error": (rate * (1 - rate) / n) ** 0.5,
                    "median_time": float(np.median([r[f"{method}_time"] for r in runs])),
                }
                if activation == "relu":
                    entry["binomial_tail"] = tail(k)
                    agree = [r[f"{method}_ok"] == (r["active"] >= k) for r in runs]
                    entry["agrees_with_active_count"] = sum(agree) / n
                summary.append(entry)
    return summary


def checks(summary: list[dict]) -> dict:
    lp_relu = [s for s in summary if s["method"] == "lp" and s["activation"] == "relu"]
    dev = max(abs(s["success_rate"] - s["binomial_tail"]) for s in lp_relu)
    worst = max(lp_relu, key=lambda s: abs(s["success_rate"] - s["binomial_tail"]))
    agree = min(s["agrees_with_active_count"] for s in lp_relu)
    leaky = min(s["success_rate"] for s in summary
                if s["method"] == "lp" and s["activation"] == "leaky_relu")  # fmt: skip
    out = {
        "relu_lp_max_deviation_from_binomial": dev,
        "relu_lp_worst_k": worst["k"],
        "relu_lp_within_3pp": dev <= BAND,
        "relu_lp_min_agreement_with_active_count": agree,
        "leaky_lp_min_success_rate": leaky,
    }
    for activation in ACTIVATIONS:
        gd_rows = [s for s in summary if s["method"] == "gd" and s["activation"] == activation]
        below_half = [s["k"] for s in gd_rows if s["success_rate"] < 0.5]
        zero = [s["k"] for s in gd_rows if s["success_rate"] == 0.0]
        out[f"gd_{activation}_first_k_below_half"] = min(below_half) if below_half else None
        out[f"gd_{activation}_first_k_zero"] = min(zero) if zero else None
    return out


def plot(summary: list[dict], path: Path) -> None:
    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    labels = {"lp": "layer-wise LP (eq. 4)", "gd": "gradient descent"}
    for ax, activation in zip(axes, ACTIVATIONS, strict=True):
        for method, style in (("lp", "o-"), ("gd", "s-")):
            rows = [s for s in summary if s["activation"] == activation and s["method"] == method]
            ks = [s["k"] for s in rows]
            rate = np.array([s["success_rate"] for s in rows])
            se = np.array([s["std_error"] for s in rows])
            ax.plot(ks, rate, style, ms=4, label=labels[method])
            ax.fill_between(ks, rate - 2 * se, rate + 2 * se, alpha=0.15)
        if activation == "relu":
            kk = np.arange(1, max(s["k"] for s in summary) + 6)
            ax.plot(kk, [tail(k) for k in kk], "k--", lw=1, label="P(Bin(250, 1/2) >= k)")
        ax.set_title(f"{activation}: k -> {HIDDEN} -> {OUT}")
        ax.set_xlabel("latent width k")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
    axes[0].set_ylabel(f"success rate (relative error <= {SUCCESS:g})")
    fig.suptitle("Lei et al. Fig. 2, reproduced (bands: +-2 standard errors)")
    save_figure(fig, path)


def main() -> int:
    ap = argument_parser(__doc__, "k in {20, 110, 125}, 6 networks each", RESULTS)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--networks", type=int, default=200)
    ap.add_argument("--lp-networks", type=int, default=1000)
    ap.add_argument("--ks", type=lambda s: [int(v) for v in s.split(",")], default=None)
    args = ap.parse_args()
    ks = args.ks or (QUICK_KS if args.quick else DEFAULT_KS)
    networks = 6 if args.quick else args.networks
    lp_networks = 6 if args.quick else args.lp_networks
    todo = tasks(ks, networks, lp_networks)
    print(f"{len(todo)} inversion tasks on {args.jobs} workers ...", flush=True)
    t0 = time.perf_counter()
    rows = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for row in pool.map(run_one, todo, chunksize=4):
            rows.append(row)
            if len(rows) % max(1, len(todo) // 10) == 0:
                print(f"  {len(rows)}/{len(todo)} tasks, {time.perf_counter() - t0:.0f} s",
                      flush=True)  # fmt: skip
    wall = time.perf_counter() - t0
    summary = summarise(rows, ks)
    result = checks(summary)

    body = []
    for k in ks:
        cells = [str(k)]
        for activation in ACTIVATIONS:
            for method in ("lp", "gd"):
                s = next(s for s in summary if s["k"] == k and s["activation"] == activation
                         and s["method"] == method)  # fmt: skip
                cells.append(f"{s['success_rate']:.3f}")
        cells.append(f"{tail(k):.3f}")
        s = next(s for s in summary if s["k"] == k and s["activation"] == "relu"
                 and s["method"] == "lp")  # fmt: skip
        cells.append(f"{100 * (s['success_rate'] - tail(k)):+.1f}")
        cells.append(str(s["networks"]))
        body.append(cells)
    print_table(
        ["k", "relu lp", "relu gd", "leaky lp", "leaky gd", "P(Bin>=k)", "lp-tail pp", "lp n"],
        body,
    )
    dev = result["relu_lp_max_deviation_from_binomial"]
    band = "INFO (quick: too few networks to judge)" if args.quick else None
    print(
        f"{band or verdict(result['relu_lp_within_3pp'])}: ReLU LP within {100 * BAND:.0f} pp of "
        f"P(Bin(250,1/2) >= k) at every k (max {100 * dev:.1f} pp at k = "
        f"{result['relu_lp_worst_k']})"
    )
    agree = result["relu_lp_min_agreement_with_active_count"]
    print(
        f"{verdict(agree >= 0.99)}: LP success coincides with '>= k active hidden units' "
        f"on {100 * agree:.1f}% of networks at the worst k"
    )
    print(
        f"{verdict(result['leaky_lp_min_success_rate'] == 1.0)}: LeakyReLU LP recovers every "
        f"network (min rate {result['leaky_lp_min_success_rate']:.3f})"
    )
    for activation in ACTIVATIONS:
        half = result[f"gd_{activation}_first_k_below_half"]
        zero = result[f"gd_{activation}_first_k_zero"]
        print(
            f"gradient descent ({activation}): success first below 50% at k = {half}, "
            f"first 0% at k = {zero} (Lei: complete failure from k = 60 on)"
        )
    print(f"wall time {wall:.0f} s on {args.jobs} workers")

    report = {
        "machine": machine_info(),
        "parameters": {
            "quick": args.quick,
            "ks": ks,
            "networks": networks,
            "lp_networks_at_transition": lp_networks,
            "hidden": HIDDEN,
            "out": OUT,
            "success_threshold": SUCCESS,
            "jobs": args.jobs,
            "gd": {"lr": 1.0, "iterations": 1000, "tol": 1e-9},
        },
        "checks": result,
        "summary": summary,
        "wall_seconds": wall,
    }
    keys = ["k", "activation", "method", "networks", "success_rate", "std_error",
            "binomial_tail", "agrees_with_active_count", "median_time"]  # fmt: skip
    write_results(args.out, "lei_fig2", report, [{c: s.get(c, "") for c in keys} for s in summary])
    run_keys = ["k", "activation", "index", "active", "lp_ok", "lp_error", "lp_time", "gd_ok",
                "gd_error", "gd_time"]  # fmt: skip
    runs = [{c: r.get(c, "") for c in run_keys} for r in rows]
    write_results(args.out, "lei_fig2_runs", {"parameters": report["parameters"]}, runs)
    plot(summary, args.out / "lei_fig2.png")
    print(f"wrote {args.out / 'lei_fig2.json'}, .csv, _runs.csv and .png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
