# ruff: noqa: E402  (the BLAS thread count must be set before numpy is imported)
"""Posterior sampling with Pareek and Risteski's Theorem 1 encoder against the exact
reference, and its failure on ``G = C(sgn z)`` (spec recovery-circuits-posterior.md B.2,
B.3.1; issue 17).

Panels
------
- ``1d``: ``G(z) = w3 σ(w2 σ(w1 z))``, ``w = (1.5, -2.0, 1.2)``, ``σ`` the smooth leaky
  ReLU (slope 0.2), ``β = 0.1``, ``z* = 1.3``, ``x = G(z*) + βξ`` (seed 0). The law of ULA
  from the GD point is propagated exactly on the grid ``ẑ ± 12 s`` (4001 cells,
  ``s = β/|G'(ẑ)|``, ``ẑ`` the inverse point) and its TV to the grid posterior recorded at
  k = 1 .. 400 for ``h = c s²``, c in {0.05, 0.2, 0.5}. The plateau (k = 400) is set against
  the ULA bias of a Gaussian, ``TV_inf ≈ φ(1) h/(2 s²) = 0.121 c``. PASS: plateau within 25%
  of it for c = 0.05 and 0.2, and plateau(0.2)/plateau(0.05) in [3, 5.5]. Deterministic.
- ``2d``: ``random-net --widths 2,2,2,2 --bijective`` (seed 1: two smooth leaky ReLU
  layers and a linear one, singular values in [0.8, 1.25]), ``β = 0.15``,
  ``z* ~ N(0, I)`` and ``x = G(z*) + βξ`` (seed 1). The reference is the grid posterior on the
  Laplace eigen-box (±7 sd at the MAP point, 280 x 280 cells). Runs of the encoder
  (:func:`reluhard.posterior.encoder.encode`: GD from 0, then N chains): ULA with
  ``h = c λ_min(Σ_Laplace)``, c in {0.05, 0.2}, and MALA with c = 0.2; TV on 28 x 28 bins and
  the larger marginal W1 of the two eigen-coordinates at k = 1 .. K. The Monte-Carlo floor
  is the mean of the same metrics over 5 sets of N exact samples of the grid. PASS:
  ULA(0.05) and MALA end within 0.01 of the floor (TV), the ULA(0.2) plateau (mean TV over
  k >= K/10) is at least 0.005 above it, and TV(k = 10) < TV(k = 1) in every run. Also
  reported: the GD steps to ``δ = rad(D)/4`` against eq. 20's ``S``, ``β_0`` and the fraction
  of chains that left Lemma 3's region D (at β = 0.15, outside the theorem).
- ``dichotomy``: ``G = C(sgn z)`` for a 4-round Feistel permutation ``C`` of d bits
  (:func:`reluhard.posterior.orthant.feistel`), ``β = 0.1/√d``. For T random planted
  preimages ``b``, ``x = C(b) + βξ``: the Theorem 1 encoder (GD, which does not move since
  ``J_G = 0``, then ULA with h = 0.2 on n chains) and the ideal encoder (one inversion of
  the ``circuit-sign`` network by CaDiCaL, then 1000 half-normal samples in the orthant).
  PASS: the pooled orthant-hit rate's 99% Clopper-Pearson interval lies within a factor 2
  of ``2^-d``; the ideal encoder hits the orthant in every trial and every sample maps
  through ``C`` (simulated) to ``round(x)``. Also: the orthant TV of both encoders to the
  exact orthant weights, and the Lemma 21-22 check (``round(x) = C(b)`` and the posterior
  mass outside ``C^{-1}(round x)`` against ``e^{-2d}``).

Usage::

    python benchmarks/pr_langevin.py [--quick] [--out DIR] [--panels 1d,2d,dichotomy]

Writes ``DIR/pr_langevin.{json,csv,png}`` (the CSV: one row per recorded (run, k)) and exits
0 whatever the verdicts (they are measurements). ``--quick`` (under a minute): 1-D on 2001
cells, 2-D with N = 5000 and K = 300, the dichotomy at d = 12 only with 8 x 2^16 chains
(the full run: d = 12 with 16 x 2^16 and d = 16 with 16 x 2^19, i.e. 256 and 128 expected
hits). At quick size the 2-D criteria are noisy (the floor is larger than the bias); the 1-D ones
are deterministic. Times are wall and CPU seconds on a shared 2-core machine (noisy).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time

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

from reluhard.network import Layer, Network
from reluhard.posterior import constants as C
from reluhard.posterior import gd
from reluhard.posterior import orthant as O
from reluhard.posterior import reference as ref
from reluhard.posterior.encoder import encode
from reluhard.posterior.loss import potential
from reluhard.problems.circuit import simulate
from reluhard.randomnet import bijective_network

PANELS = ("1d", "2d", "dichotomy")
W_1D = (1.5, -2.0, 1.2)
K_1D = (1, 2, 5, 10, 20, 50, 100, 200, 400)
C_1D = (0.05, 0.2, 0.5)


class Clock:
    """Wall and CPU seconds since construction."""

    def __init__(self) -> None:
        self.t0, self.c0 = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.t0, time.process_time() - self.c0


# --------------------------------------------------------------------------- 1-D


def net_1d() -> Network:
    """``G(z) = w3 σ(w2 σ(w1 z))`` with the smooth leaky ReLU of slope 0.2."""
    w1, w2, w3 = W_1D
    return Network((
        Layer(np.array([[w1]]), np.zeros(1), "smooth_leaky_relu", 0.2),
        Layer(np.array([[w2]]), np.zeros(1), "smooth_leaky_relu", 0.2),
        Layer(np.array([[w3]]), np.zeros(1), "identity"),
    ))  # fmt: skip


def panel_1d(quick: bool) -> tuple[dict, list[dict]]:
    clock = Clock()
    net, beta, zstar = net_1d(), 0.1, 1.3
    rng = np.random.default_rng(0)
    x = net(np.array([[zstar]]))[0] + beta * rng.standard_normal(1)
    M = abs(float(np.prod(W_1D)))  # sigma' < 1: the Lipschitz bound
    descent = gd.descend(net, x, M=M, tol=1e-14, max_steps=20000)
    zhat = float(descent.z[0])
    eps = 1e-6
    slope = float((net(np.array([[zhat + eps]])) - net(np.array([[zhat - eps]])))[0, 0] / (2 * eps))
    s = beta / abs(slope)
    u, grad_u = potential(net, x, beta)
    cells = 2001 if quick else 4001
    grid = ref.grid_posterior_1d(u, zhat - 12 * s, zhat + 12 * s, cells)
    post_var = float(np.sum((grid.z - np.sum(grid.z * grid.p) * grid.dz) ** 2 * grid.p) * grid.dz)
    rows, runs = [], []
    for c in C_1D:
        h = c * s * s
        laws = ref.ula_propagate_1d(grid, grad_u, h, zhat, K_1D)
        tv = {k: ref.tv_grid(p, grid.p, grid.dz) for k, p in laws.items()}
        formula = ref.ula_bias_tv(h, s * s)
        runs.append(dict(c=c, h=h, tv=tv, plateau=tv[K_1D[-1]], formula=formula,
                         formula_posterior_var=ref.ula_bias_tv(h, post_var),
                         mass=float(laws[K_1D[-1]].sum() * grid.dz)))  # fmt: skip
        rows += [dict(panel="1d", run=f"ULA c={c}", k=k, tv=v, w1="") for k, v in tv.items()]
    p05, p2 = runs[0]["plateau"], runs[1]["plateau"]
    ratio = p2 / p05
    checks = {
        f"plateau c={r['c']} within 25% of 0.121 c": abs(r["plateau"] / r["formula"] - 1) <= 0.25
        for r in runs[:2]
    }
    checks["plateau ratio c=0.2 / c=0.05 in [3, 5.5]"] = 3 <= ratio <= 5.5
    wall, cpu = clock.read()
    print(f"\n== 1-D: w = {W_1D}, beta = {beta}, z* = {zstar}, x = {x[0]:.6f}; zhat = {zhat:.6f} "
          f"(GD {descent.steps} steps, residual {descent.residual:.1e}); s = {s:.5f}, "
          f"posterior sd {np.sqrt(post_var):.5f}; {cells} cells")  # fmt: skip
    print_table(
        ["c", "h"] + [f"k={k}" for k in K_1D] + ["0.121c", "plateau/0.121c"],
        [[f"{r['c']:g}", f"{r['h']:.3g}"] + [f"{r['tv'][k]:.4f}" for k in K_1D]
         + [f"{r['formula']:.4f}", f"{r['plateau'] / r['formula']:.3f}"] for r in runs],
    )  # fmt: skip
    print(f"plateau ratio c=0.2/c=0.05: {ratio:.3f}")
    for name, ok in checks.items():
        print(f"[{verdict(ok)}] {name}")
    print(f"(1-D panel: {wall:.1f} s wall, {cpu:.1f} s CPU)")
    report = dict(x=float(x[0]), zhat=zhat, s=s, posterior_sd=float(np.sqrt(post_var)),
                  cells=cells, gd_steps=descent.steps, runs=runs, plateau_ratio=ratio,
                  checks=checks, passed=all(checks.values()), seconds=wall,
                  cpu_seconds=cpu)  # fmt: skip
    return report, rows


# --------------------------------------------------------------------------- 2-D


def record_steps(K: int) -> list[int]:
    ks = [1, 3, 10, 30, 100, 300, 1000, 3000]
    return sorted({k for k in ks if k <= K} | {K})


def panel_2d(quick: bool) -> tuple[dict, list[dict]]:
    clock = Clock()
    N, K = (5000, 300) if quick else (50_000, 1000)
    beta = 0.15
    net = bijective_network([2, 2, 2, 2], rng=1)
    rng = np.random.default_rng(1)
    zstar = rng.standard_normal(2)
    x = net(zstar[None])[0] + beta * rng.standard_normal(2)
    u, grad_u = potential(net, x, beta)
    consts, _ = C.theorem_setup(net, x, beta)
    descent = gd.descend(net, x, M=consts.M)
    zmap = ref.map_point(grad_u, descent.z)
    grid = ref.grid_posterior_2d(u, grad_u, zmap, width=7, n=280)
    lam_min = float(grid.sd[-1] ** 2)
    # the Laplace Gaussian itself, as a yardstick of non-Gaussianity
    lap = zmap + (rng.standard_normal((N, 2)) * grid.sd) @ grid.V.T
    floors = [ref.grid_samples(grid, N, rng) for _ in range(5)]
    floor_tv = [ref.tv_binned(grid, Z) for Z in floors]
    floor_w1 = [max(ref.w1_grid(grid, Z)) for Z in floors]
    floor = dict(tv=float(np.mean(floor_tv)), tv_sd=float(np.std(floor_tv)),
                 w1=float(np.mean(floor_w1)), w1_sd=float(np.std(floor_w1)),
                 laplace_tv=ref.tv_binned(grid, lap),
                 laplace_w1=max(ref.w1_grid(grid, lap)))  # fmt: skip
    ks = record_steps(K)
    runs, rows = [], []
    for sampler, c in (("ula", 0.05), ("ula", 0.2), ("mala", 0.2)):
        rc = Clock()
        trace: dict[int, tuple[float, float]] = {}

        def on_step(k: int, Z: np.ndarray, trace=trace) -> None:
            if k in ks:
                trace[k] = (ref.tv_binned(grid, Z), max(ref.w1_grid(grid, Z)))

        run_rng = np.random.default_rng(100 + len(runs))
        enc = encode(net, x, beta, rng=run_rng, sampler=sampler, step=c * lam_min, steps=K,
                     chains=N, on_step=on_step)  # fmt: skip
        wall, cpu = rc.read()
        tail = [trace[k][0] for k in ks if k >= K / 10]
        name = f"{sampler.upper()} c={c}"
        runs.append(dict(run=name, sampler=sampler, c=c, h=enc.step,
                         tv={k: v[0] for k, v in trace.items()},
                         w1={k: v[1] for k, v in trace.items()},
                         end_tv=trace[K][0], end_w1=trace[K][1],
                         plateau_tv=float(np.mean(tail)), acceptance=enc.acceptance,
                         exit_fraction=enc.exit_fraction, seconds=wall,
                         cpu_seconds=cpu))  # fmt: skip
        rows += [dict(panel="2d", run=name, k=k, tv=v[0], w1=v[1]) for k, v in trace.items()]
    rows += [dict(panel="2d", run="MC floor", k="", tv=floor["tv"], w1=floor["w1"]),
             dict(panel="2d", run="Laplace", k="", tv=floor["laplace_tv"],
                  w1=floor["laplace_w1"])]  # fmt: skip
    ula05, ula2, mala = runs
    checks = {
        "ULA c=0.05 ends within 0.01 of the floor (TV)": ula05["end_tv"] - floor["tv"] <= 0.01,
        "MALA c=0.2 ends within 0.01 of the floor (TV)": mala["end_tv"] - floor["tv"] <= 0.01,
        "ULA c=0.2 plateau >= floor + 0.005 (TV)": ula2["plateau_tv"] - floor["tv"] >= 0.005,
        "TV(k=10) < TV(k=1) in every run": all(r["tv"][10] < r["tv"][1] for r in runs),
    }
    to_delta = gd.steps_within(net, x, descent.z, consts.delta, descent)
    wall, cpu = clock.read()
    print(
        f"\n== 2-D: widths 2,2,2,2 bijective (seed 1), beta = {beta}, N = {N}, K = {K}; "
        f"lambda_min(Laplace) = {lam_min:.4g}; m, M = {consts.m:.3g}, {consts.M:.3g}"
    )
    print(f"GD: {descent.steps} steps (residual {descent.residual:.1e}), {to_delta} to delta = "
          f"rad(D)/4 = {consts.delta:.3g}, against S = {consts.S:.3g} (eq. 20); beta_0 = "
          f"{consts.beta_0:.3g} (beta = {beta} is outside the theorem)")  # fmt: skip
    print(f"MC floor: TV {floor['tv']:.4f} ± {floor['tv_sd']:.4f}, W1 {floor['w1']:.4f} "
          f"± {floor['w1_sd']:.4f}; Laplace Gaussian: TV {floor['laplace_tv']:.4f}, "
          f"W1 {floor['laplace_w1']:.4f}")  # fmt: skip
    print_table(
        ["run", "h"] + [f"TV k={k}" for k in ks]
        + ["W1 end", "accept", "left D", "wall s", "CPU s"],
        [[r["run"], f"{r['h']:.3g}"] + [f"{r['tv'][k]:.4f}" for k in ks]
         + [f"{r['end_w1']:.4f}", "-" if r["acceptance"] is None else f"{r['acceptance']:.3f}",
            f"{r['exit_fraction']:.4f}", f"{r['seconds']:.1f}", f"{r['cpu_seconds']:.1f}"]
         for r in runs],
    )  # fmt: skip
    for name, ok in checks.items():
        print(f"[{verdict(ok)}] {name}")
    print(f"(2-D panel: {wall:.1f} s wall, {cpu:.1f} s CPU)")
    report = dict(N=N, K=K, beta=beta, x=x.tolist(), zstar=zstar.tolist(), zmap=zmap.tolist(),
                  lambda_min=lam_min, floor=floor, runs=runs, gd_steps=descent.steps,
                  gd_steps_to_delta=to_delta, constants=consts.to_json(), checks=checks,
                  passed=all(checks.values()), seconds=wall, cpu_seconds=cpu)  # fmt: skip
    return report, rows


# --------------------------------------------------------------------------- dichotomy


def dichotomy_case(d: int, targets: int, chains: int, rng: np.random.Generator) -> dict:
    clock = Clock()
    circuit = O.feistel(d // 2, 4, seed=d)
    beta = 0.1 / np.sqrt(d)
    hits = ideal_hits = 0
    tv_ula, tv_ideal, samples_checked, solver_seconds = [], [], 0, 0.0
    for _ in range(targets):
        b = rng.integers(0, 2, d).astype(bool)
        x = O.observe(circuit, b, beta, rng)
        Z = O.theorem1_encoder(circuit, x, beta, chains=chains, step=0.2, steps=10, rng=rng)
        hits += int(np.all((Z > 0) == b, axis=1).sum())
        tv_ula.append(O.orthant_tv(circuit, x, beta, Z) if d <= 16 else float("nan"))
        t = time.perf_counter()
        Zi, inv = O.ideal_encoder(circuit, x, 1000, rng)
        solver_seconds += time.perf_counter() - t
        # every sample in b's orthant and mapped by C to round(x) (the encoder asserts the
        # latter too); counted here independently
        in_orthant = bool(np.all((Zi > 0) == b))
        maps = bool(np.all(simulate(circuit, Zi > 0) == (x > 0)))
        ideal_hits += int(in_orthant and maps)
        samples_checked += len(Zi)
        tv_ideal.append(O.orthant_tv(circuit, x, beta, Zi) if d <= 16 else float("nan"))
    n = targets * chains
    lo, hi = O.binomial_interval(hits, n, 0.99)
    p0 = 2.0**-d
    wall, cpu = clock.read()
    return dict(d=d, gates=circuit.ngates, beta=beta, targets=targets, chains=n, hits=hits,
                rate=hits / n, expected=p0, ci99=[lo, hi], ratio=hits / n / p0,
                within_factor_2=bool(p0 / 2 < lo and hi < 2 * p0), ideal_trials=targets,
                ideal_hits=ideal_hits, samples_checked=samples_checked,
                orthant_tv_ula=float(np.mean(tv_ula)), orthant_tv_ideal=float(np.max(tv_ideal)),
                solver_seconds=solver_seconds, seconds=wall, cpu_seconds=cpu)  # fmt: skip


def panel_dichotomy(quick: bool) -> tuple[dict, list[dict]]:
    clock = Clock()
    rng = np.random.default_rng(17)
    plan = [(12, 8, 2**16)] if quick else [(12, 16, 2**16), (16, 16, 2**19)]
    cases = [dichotomy_case(d, t, n, rng) for d, t, n in plan]
    lemma = O.lemma_21_22(O.feistel(6, 4, seed=12), 5 if quick else 50, rng)
    checks = {}
    for c in cases:
        checks[f"d={c['d']}: Langevin hit rate's 99% CI within a factor 2 of 2^-d"] = c[
            "within_factor_2"
        ]
        checks[f"d={c['d']}: ideal encoder hits in every trial, every sample maps to round(x)"] = (
            c["ideal_hits"] == c["ideal_trials"]
        )
    checks["Lemmas 21-22 (d=12): round(x) = C(b) in every trial, mass outside <= e^-2d"] = (
        lemma.rounded == lemma.trials and lemma.max_log_outside <= -2 * lemma.d
    )
    wall, cpu = clock.read()
    print("\n== dichotomy: G = C(sgn z), C a 4-round Feistel permutation, beta = 0.1/sqrt(d)")
    print_table(
        ["d", "gates", "chains", "hits", "rate", "2^-d", "rate/2^-d", "99% CI / 2^-d",
         "orthant TV ULA", "ideal hits", "samples checked", "orthant TV ideal", "wall s", "CPU s"],
        [[str(c["d"]), str(c["gates"]), str(c["chains"]), str(c["hits"]), f"{c['rate']:.3g}",
          f"{c['expected']:.3g}", f"{c['ratio']:.3f}",
          f"[{c['ci99'][0] / c['expected']:.2f}, {c['ci99'][1] / c['expected']:.2f}]",
          f"{c['orthant_tv_ula']:.5f}", f"{c['ideal_hits']}/{c['ideal_trials']}",
          str(c["samples_checked"]), f"{c['orthant_tv_ideal']:.2g}", f"{c['seconds']:.1f}",
          f"{c['cpu_seconds']:.1f}"] for c in cases],
    )  # fmt: skip
    print(
        f"Lemmas 21-22: {lemma.rounded}/{lemma.trials} round(x) = C(b); largest log mass "
        f"outside C^-1(round x) = {lemma.max_log_outside:.1f} (bound -2d = {-2 * lemma.d})"
    )
    for name, ok in checks.items():
        print(f"[{verdict(ok)}] {name}")
    print(f"(dichotomy panel: {wall:.1f} s wall, {cpu:.1f} s CPU)")
    rows = [dict(panel="dichotomy", run=f"d={c['d']}", k="", tv=c["orthant_tv_ula"], w1="")
            for c in cases]  # fmt: skip
    report = dict(cases=cases, lemma_21_22=dict(trials=lemma.trials, rounded=lemma.rounded,
                  max_log_outside=lemma.max_log_outside, d=lemma.d), checks=checks,
                  passed=all(checks.values()), seconds=wall, cpu_seconds=cpu)  # fmt: skip
    return report, rows


# --------------------------------------------------------------------------- output


def plot(report: dict, path) -> bool:
    plt = pyplot()
    if plt is None:
        return False
    panels = report["panels"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    if "1d" in panels:
        ax = axes[0]
        for r in panels["1d"]["runs"]:
            ks = sorted(int(k) for k in r["tv"])
            (line,) = ax.loglog(ks, [r["tv"][k] for k in ks], "o-", label=f"ULA c={r['c']}")
            ax.axhline(r["formula"], ls=":", color=line.get_color())
        ax.set(title="1-D: exact ULA law, TV to the posterior", xlabel="steps k", ylabel="TV")
        ax.legend(fontsize=8)
    if "2d" in panels:
        ax = axes[1]
        p = panels["2d"]
        for r in p["runs"]:
            ks = sorted(int(k) for k in r["tv"])
            ax.loglog(ks, [r["tv"][k] for k in ks], "o-", label=r["run"])
        ax.axhline(p["floor"]["tv"], color="k", ls="--", label="MC floor")
        ax.axhline(p["floor"]["laplace_tv"], color="gray", ls=":", label="Laplace")
        ax.set(title=f"2-D: TV on 28x28 bins (N = {p['N']})", xlabel="steps k", ylabel="TV")
        ax.legend(fontsize=8)
    if "dichotomy" in panels:
        ax = axes[2]
        cases = panels["dichotomy"]["cases"]
        xs = np.arange(len(cases))
        rates = [c["rate"] for c in cases]
        err = [[c["rate"] - c["ci99"][0] for c in cases], [c["ci99"][1] - c["rate"] for c in cases]]
        ax.errorbar(xs, rates, yerr=err, fmt="o", label="Theorem 1 encoder (ULA), 99% CI")
        ax.plot(xs, [c["expected"] for c in cases], "k_", ms=20, label="2^-d")
        ax.plot(
            xs, [c["ideal_hits"] / c["ideal_trials"] for c in cases], "s", label="ideal encoder"
        )
        ax.set_yscale("log")
        ax.set_xticks(xs, [f"d={c['d']}" for c in cases])
        ax.set(title="G = C(sgn z): orthant-hit rate", ylabel="hit rate")
        ax.legend(fontsize=8)
    return save_figure(fig, path)


def main() -> int:
    ap = argument_parser(__doc__, "small sizes, under a minute", RESULTS)
    ap.add_argument("--panels", default=",".join(PANELS), help="comma-separated: 1d,2d,dichotomy")
    args = ap.parse_args()
    panels = [p for p in args.panels.split(",") if p]
    bad = [p for p in panels if p not in PANELS]
    if bad:
        ap.error(f"unknown panel {bad[0]!r} (known: {', '.join(PANELS)})")
    clock = Clock()
    runners = {"1d": panel_1d, "2d": panel_2d, "dichotomy": panel_dichotomy}
    reports, rows = {}, []
    for p in panels:
        reports[p], r = runners[p](args.quick)
        rows += r
    wall, cpu = clock.read()
    passed = all(r["passed"] for r in reports.values())
    print(f"\noverall: {verdict(passed)} ({wall:.1f} s wall, {cpu:.1f} s CPU)")
    report = dict(machine=machine_info(), parameters=dict(quick=args.quick, panels=panels),
                  panels=reports, passed=passed, seconds=wall, cpu_seconds=cpu)  # fmt: skip
    write_results(args.out, "pr_langevin", report, rows, ["panel", "run", "k", "tv", "w1"])
    if plot(report, args.out / "pr_langevin.png"):
        print(f"wrote {args.out / 'pr_langevin.png'}")
    print(f"wrote {args.out / 'pr_langevin.json'} and {args.out / 'pr_langevin.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
