"""``reluhard posterior NET.npz --beta B -o SAMPLES.npz``: arguments and printing only;
the work is :func:`reluhard.posterior.encoder.encode` (docs/posterior.md)."""

from __future__ import annotations

import argparse
import io
import json
import time

import numpy as np

from .. import atomic, cli_values, netfile
from ..errors import InputError
from ..network import Network
from ..progress import Progress
from . import constants, encoder
from . import gd as gd_phase


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz", help="a bijective smooth network (its target x)")
    p.add_argument("--beta", type=cli_values.positive, required=True,
                   help="noise level beta of x = G(z) + N(0, beta^2 I)")  # fmt: skip
    p.add_argument("--sampler", choices=encoder.SAMPLERS, default="ula",
                   help="ula (eqs. 2, 11) or mala (Metropolis-adjusted; default ula)")  # fmt: skip
    p.add_argument("--step", type=cli_values.positive, metavar="H",
                   help=f"step h (default {encoder.DEFAULT_STEP_FACTOR:g} lambda_min of the "
                   "Laplace covariance at the GD point)")  # fmt: skip
    p.add_argument(
        "--steps",
        type=cli_values.positive_count,
        default=encoder.DEFAULT_STEPS,
        metavar="K",
        help=f"sampler steps (default {encoder.DEFAULT_STEPS})",
    )
    p.add_argument(
        "--chains",
        type=cli_values.positive_count,
        default=encoder.DEFAULT_CHAINS,
        metavar="N",
        help=f"parallel chains (default {encoder.DEFAULT_CHAINS})",
    )
    p.add_argument("--seed", type=cli_values.seed, default=0, help="seed of the sampler noise")
    p.add_argument("--epsilon", type=cli_values.open_unit, default=0.1,
                   help="epsilon of rad(D) and S (default 0.1)")  # fmt: skip
    p.add_argument("--gd-max-steps", type=cli_values.positive_count,
                   default=gd_phase.DEFAULT_MAX_STEPS, metavar="S",
                   help=f"cap on GD steps (default {gd_phase.DEFAULT_MAX_STEPS})")  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="SAMPLES.npz",
                   help="the samples (array 'samples', chains x d) and their meta")  # fmt: skip


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    problem = netfile.read(args.network)
    why = encoder.refusal(problem.network, args.beta, args.step, args.steps, args.chains)
    if why:
        raise InputError(args.network, None, f"posterior: {why}")
    bar = Progress()
    t0 = time.perf_counter()
    enc = encoder.encode(
        problem.network,
        problem.target,
        args.beta,
        rng=np.random.default_rng(args.seed),
        sampler=args.sampler,
        step=args.step,
        steps=args.steps,
        chains=args.chains,
        epsilon=args.epsilon,
        gd_max_steps=args.gd_max_steps,
        on_gd_step=lambda k: bar.update(0.0, f"GD step {k}") if k % 100 == 0 else None,
        on_step=lambda k, Z: bar.update(k / args.steps, f"{args.sampler} step {k}"),
    )
    seconds = time.perf_counter() - t0
    c = enc.constants
    meta = {
        "network": args.network,
        "beta": args.beta,
        "sampler": enc.sampler,
        "step": enc.step,
        "steps": enc.steps,
        "chains": args.chains,
        "seed": args.seed,
        "acceptance": enc.acceptance,
        "exit_fraction": enc.exit_fraction,
        "gd_steps": enc.descent.steps,
        "gd_converged": enc.descent.converged,
        "gd_residual": enc.descent.residual,
        "gd_steps_to_delta": enc.gd_steps_to_delta,
        "constants": c.to_json(),
        "seconds": seconds,
    }
    arrays = {
        "samples": enc.samples,
        "zhat": enc.zhat,
        "x": np.asarray(problem.target, dtype=np.float64),
        "meta": np.array(json.dumps(meta, sort_keys=True)),
    }
    atomic.write_bytes(args.output, _npz(arrays), "samples file")
    bar.finish(f"c posterior: {seconds:.2f} s")
    for line in report_lines(enc, args.beta, problem.network):
        print(line)
    print(f"c wrote {args.output} (samples {enc.samples.shape[0]} x {enc.samples.shape[1]})")
    return 0


def report_lines(enc: encoder.Encoding, beta: float, net: Network) -> list[str]:
    """What ``posterior`` prints about an encoding."""
    c, d = enc.constants, enc.descent
    stop = "step below tolerance" if d.converged else "step cap reached"
    inside = "inside" if beta <= c.beta_0 else "outside"
    mean = " ".join(f"{v:.4g}" for v in enc.samples.mean(axis=0)[:6])
    lines = [
        f"c GD phase: {d.steps} steps of eta = 1/(1.2 M^2) = {d.eta:.4g} ({stop}), "
        f"||G(zhat) - x|| = {d.residual:.3g}",
        f"c GD within delta = rad(D)/4 = {c.delta:.3g} of zhat after {enc.gd_steps_to_delta} "
        f"steps; the theorem's S (eq. 20) = {c.S:.4g}",
        f"c {enc.sampler}: {enc.steps} steps of h = {enc.step:.4g} on "
        f"{enc.samples.shape[0]} chains from the GD point",
    ]
    if enc.acceptance is not None:
        lines.append(f"c acceptance rate {enc.acceptance:.4f}")
    lines += [
        f"c left D = {{||z - zhat|| <= rad(D) = {c.rad_D:.4g}}}: {enc.exit_fraction:.4f} of "
        f"chains (Lemma 3: <= epsilon/4 = {c.epsilon / 4:g} when beta <= beta_0 = "
        f"{c.beta_0:.3g}; beta = {beta:g} is {inside} the theorem)",
        f"c m, M = {c.m:.4g}, {c.M:.4g} (empirical); sample mean [{mean}"
        + (" ...]" if enc.samples.shape[1] > 6 else "]"),
    ]
    T, size, n = constants.encoder_size(net, c, enc.step)
    lines.append(
        f"c Theorem 1 encoder size (Lemma 20, not built): (S + T/h) N d^2 = {size:.3g} "
        f"parameters, T = (2 rad(D))^2 log(1/epsilon) = {T:.3g}, N = {n}"
    )
    return lines
