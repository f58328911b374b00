"""The command-line side of ``reluhard circuit-gen`` and ``reluhard factor``: arguments
and printing only (the work is in :mod:`reluhard.problems.circuit_gen` and
:mod:`reluhard.factor`)."""

from __future__ import annotations

import argparse
import os

import numpy as np

from . import cli_values
from .errors import InputError
from .problems import circuit_gen
from .problems.circuit import describe
from .problems.circuit_format import circuit_format, write_circuit
from .status import Status


def add_gen_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=circuit_gen.KINDS, help="what to generate")
    p.add_argument(
        "size",
        type=cli_values.big_integer,
        metavar="SIZE",
        help="bits per operand (adder, multiplier), the number N (factor: the circuit for "
        "N's bit length), or the number of inputs (random)",
    )
    p.add_argument(
        "--width2",
        type=cli_values.positive_count,
        metavar="M",
        help="multiplier: bits of q (default SIZE)",
    )
    p.add_argument(
        "--gates", type=cli_values.count, default=40, metavar="G", help="random: gates (40)"
    )
    p.add_argument(
        "--outputs", type=cli_values.count, default=4, metavar="O", help="random: outputs (4)"
    )
    p.add_argument("--seed", type=cli_values.seed, default=0, help="random: seed (0)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=".aag, .aig or .bench (.gz/.bz2/.xz)"
    )


def run_gen(args: argparse.Namespace) -> int:
    try:
        circuit_format(args.output)
    except ValueError as e:
        raise InputError(args.output, None, str(e)) from None
    if args.size < 1 or (args.kind == "factor" and args.size < 2):
        raise InputError(None, None, f"circuit-gen {args.kind}: SIZE must be >= 1 (N >= 2)")
    if args.kind == "adder":
        c = circuit_gen.adder(args.size)
    elif args.kind == "multiplier":
        c = circuit_gen.multiplier(args.size, args.width2)
    elif args.kind == "factor":
        c = circuit_gen.factoring_circuit(args.size.bit_length())
    else:
        rng = np.random.default_rng(args.seed)
        c = circuit_gen.random_circuit(rng, args.size, args.gates, args.outputs)
    try:
        write_circuit(c, args.output)
    except OSError as e:
        raise InputError(args.output, None, f"cannot write: {e.strerror or e}") from None
    print(f"c {args.kind}: {describe(c)}")
    if args.kind == "factor":
        p, q = circuit_gen.factor_widths(args.size.bit_length())
        print(f"c inputs p (p0..p{p - 1}) then q (q0..q{q - 1}); last output: p > 1 and q > 1")
        print(f"c to factor {args.size}: --param outputs={circuit_gen.factoring_target(args.size)}")
    print(f"c wrote {args.output} ({os.path.getsize(args.output)} bytes)")
    return 0


def add_factor_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("N", type=cli_values.big_integer, help="the number to factor (>= 2)")
    p.add_argument(
        "--time-limit", type=cli_values.seconds, metavar="S", help="give up after S seconds"
    )
    p.add_argument("--solver", default="auto", metavar="NAME", help="inversion back end (auto)")
    p.add_argument(
        "--via", default="circuit-sign", choices=("circuit-sign", "circuit-real"),
        help="reduction (circuit-sign)",
    )  # fmt: skip
    p.add_argument("--proof", metavar="PROOF.drup", help="keep the primality proof here")


def run_factor(args: argparse.Namespace) -> int:
    from .factor import factor, factoring_problem

    problem = factoring_problem(args.N, args.via)
    net = problem.network
    n, m = circuit_gen.factor_widths(args.N.bit_length())
    assert problem.source is not None
    print(
        f"c factoring {args.N} ({args.N.bit_length()} bits): p of {n} bits times q of {m} "
        f"bits, and p > 1 and q > 1; circuit {describe(problem.source.instance)}"
    )
    print(
        f"c via {args.via}: {len(net.layers)} layers, {sum(net.widths[1:-1])} ReLU units, "
        f"{sum(layer.nnz for layer in net.layers)} nonzero weights"
    )
    f = factor(
        args.N, solver=args.solver, time_limit=args.time_limit, via=args.via,
        proof_path=args.proof,
    )  # fmt: skip
    v = f.decision.verdict
    why = f" ({v.reason})" if v.reason else ""
    print(f"c solver {v.solver}: {v.status} in {v.time:.3f} s{why}")
    if f.status is Status.INVERTIBLE:
        assert f.factors is not None
        p, q = f.factors
        print(f"c the preimage decodes to p = {p}, q = {q}; {p} * {q} = {p * q} checked")
        print(f"{args.N} = {p} x {q}")
    elif f.status is Status.NOT_INVERTIBLE:
        assert f.decision.proof is not None
        c = f.decision.proof["check"]
        kept = f", kept in {args.proof}" if args.proof else ""
        print(
            f"c proof: no preimage, so no p, q > 1 with p q = {args.N}: DRUP proof of the "
            f"Tseitin CNF ({c['lemmas']} lemmas{kept}) checked VALID in {c['time']:.2f} s"
        )
        print(f"{args.N} is prime")
    else:
        print(f"{args.N}: unknown (no answer within the time limit)")
    return f.status.exit_code
