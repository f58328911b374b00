"""Command line: ``reduce`` and
``reluhard {reduce,random-net,info,invert,solve,verify,explain,scaling,crosscheck,circuit-gen,
factor,list}``.

Thin by design: parse arguments, call the library, print. Bad input is one line on stderr
(``file:line: what``) and exit status 1; usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .errors import InputError
from .lazy import lazy_module

if TYPE_CHECKING:
    from . import blas, circuit_commands, netfile, pipeline, randomnet, reductions, solvers
    from .certs import proofs, refutation, solution_file
    from .crosscheck import command as crosscheck
    from .inversion import InversionProblem
    from .problems import dimacs_cnf, kinds
    from .solvers import recovery
    from .teaching import explain, scaling
else:  # loaded on first use: `--help` and a CNF `reduce` load only what they run
    blas = lazy_module("reluhard.blas")
    circuit_commands = lazy_module("reluhard.circuit_commands")
    netfile = lazy_module("reluhard.netfile")
    pipeline = lazy_module("reluhard.pipeline")
    randomnet = lazy_module("reluhard.randomnet")
    reductions = lazy_module("reluhard.reductions")
    solvers = lazy_module("reluhard.solvers")
    proofs = lazy_module("reluhard.certs.proofs")
    refutation = lazy_module("reluhard.certs.refutation")
    solution_file = lazy_module("reluhard.certs.solution_file")
    crosscheck = lazy_module("reluhard.crosscheck.command")
    dimacs_cnf = lazy_module("reluhard.problems.dimacs_cnf")
    kinds = lazy_module("reluhard.problems.kinds")
    recovery = lazy_module("reluhard.solvers.recovery")
    explain = lazy_module("reluhard.teaching.explain")
    scaling = lazy_module("reluhard.teaching.scaling")


def _param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def _add_reduce_args(p: argparse.ArgumentParser) -> None:
    _add_source_args(p)
    p.add_argument("-o", "--output", metavar="OUT.npz", required=True, help="network file")


def _add_source_args(p: argparse.ArgumentParser) -> None:
    """INPUT and how to reduce it: shared by `reduce` and `solve`."""
    p.add_argument("input", metavar="INPUT", help="instance file (DIMACS CNF; .gz/.bz2/.xz ok)")
    p.add_argument(
        "--via", metavar="NAME", help="reduction (default for a CNF: sat-sign); see `reluhard list`"
    )
    p.add_argument(
        "--param",
        metavar="KEY=VALUE",
        type=_param,
        action="append",
        default=[],
        help="reduction parameter (repeatable)",
    )
    p.add_argument(
        "--allow-count-mismatch",
        action="store_true",
        help="accept a clause count that differs from the 'p cnf' header (warns)",
    )


def _reduce(args: argparse.Namespace) -> int:
    problem = pipeline.reduce_file(
        args.input,
        args.output,
        args.via,
        dict(args.param),
        strict_counts=not args.allow_count_mismatch,
    )
    print(f"c {_summary(problem)}")
    print(f"c wrote {args.output} ({os.path.getsize(args.output)} bytes)")
    return 0


def _summary(problem: InversionProblem) -> str:
    net, src = problem.network, problem.source
    what = ""
    if src is not None:
        what = f"{src.name or src.kind} ({kinds.KINDS[src.kind].describe(src.instance)}) "
    nnz = sum(layer.nnz for layer in net.layers)
    widths = "-".join(map(str, net.widths))
    return (
        f"{what}via {problem.reduction.name if problem.reduction else '?'}: "
        f"{len(net.layers)} layers, "
        f"widths {widths}, {nnz} nonzero weights"
    )


def _info(args: argparse.Namespace) -> int:
    problem, meta = netfile.read_with_meta(args.network)
    red = problem.reduction
    print(f"file       {args.network}  ({meta['schema']}, written by {meta.get('tool', '?')})")
    params = red.params if red else {}
    print(
        f"reduction  {red.name if red else '?'}: {red.theorem if red else ''}"
        + (f"; params {params}" if params else "")
    )
    src = problem.source
    if src is not None:
        detail = ""
        if src.kind in kinds.KINDS:
            detail = kinds.KINDS[src.kind].describe(src.instance)
        print(f"source     {src.kind} {src.name or '(in memory)'}: {detail}")
        print(f"sha256     {src.sha256}")
    print(f"latent     n = {problem.n}, domain {problem.domain.describe()}")
    if problem.planted is not None:
        print("planted    the latent the target was made from is stored (latent errors)")
    target = problem.target
    shown = " ".join(f"{v:g}" for v in target[:8]) + (" ..." if target.size > 8 else "")
    print(f"query      {problem.query.describe()}, target x = [{shown}]")
    print("layers")
    print(f"  {'#':>3}  {'in':>9}  {'out':>9}  {'activation':<12} {'format':<6} {'nonzeros':>10}")
    for i, layer in enumerate(problem.network.layers, 1):
        act = layer.activation + (f"({layer.slope:g})" if layer.activation == "leaky_relu" else "")
        fmt = "csr" if layer.sparse else "dense"
        print(
            f"  {i:>3}  {layer.shape[1]:>9}  {layer.shape[0]:>9}  {act:<12} {fmt:<6} "
            f"{layer.nnz:>10}"
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    print("reductions")
    for name, red in sorted(reductions.REGISTRY.items()):
        default = " (default)" if reductions.DEFAULT_FOR_KIND.get(red.source_kind) == name else ""
        print(f"  {name:<18} {red.source_kind:<5} {red.summary}{default}")
        params = ", ".join(f"{k}{'' if p.required else '?'}" for k, p in red.params.items())
        print(f"  {'':<18} {'':<5} {red.theorem}" + (f"; --param {params}" if params else ""))
    print("solvers")
    for name, backend in solvers.BACKENDS.items():
        default = " (default)" if name == solvers.DEFAULT else ""
        print(f"  {name:<18} {backend.summary}{default}")
        options = ", ".join(backend.options)
        if options:
            print(f"  {'':<18} --solver-option {options}")
    return 0


def _add_solver_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--solver",
        metavar="NAME",
        default=solvers.DEFAULT,
        help=f"inversion back end (default {solvers.DEFAULT}); see `reluhard list`",
    )
    p.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=float,
        default=None,
        help="give up (s UNKNOWN) after this many seconds",
    )
    p.add_argument(
        "--solver-option",
        metavar="KEY=VALUE",
        type=_param,
        action="append",
        default=[],
        help="back-end option (repeatable; e.g. negation=true for gd); see `reluhard list`",
    )
    p.add_argument("-o", "--output", metavar="SOLUTION.json", help="write the solution file")
    p.add_argument(
        "--lp-tighten",
        metavar="SECONDS",
        type=float,
        default=0.0,
        help="spend up to this long tightening unit bounds by LP (MILP back ends; the same "
        "as --solver-option lp_tighten=SECONDS)",
    )
    p.add_argument(
        "--certify",
        action="store_true",
        help="back an UNSATISFIABLE answer with a DRUP proof of the CNF, checked by a "
        "verified checker (exit 1 if that fails)",
    )
    p.add_argument(
        "--proof",
        metavar="PROOF.drup",
        help="where --certify writes the proof (default: beside -o, else INPUT-stem.drup)",
    )


def _answer(verdict: solvers.Verdict, latent_line: bool) -> int:
    line, code = verdict.status.s_line, verdict.status.exit_code
    print(
        f"c solver {verdict.solver}: {verdict.status} in {verdict.time:.3f} s"
        + (f" ({verdict.reason})" if verdict.reason else "")
    )
    for text in recovery.summary_lines(verdict):
        print(f"c {text}")
    print(line)
    if latent_line and verdict.latent is not None:
        _v_lines([str(v) for v in verdict.latent], terminator=False)
    return code


def _v_lines(tokens: list[str], terminator: bool = True) -> None:
    """SAT-competition value lines: ``v`` then values, wrapped, ending in ``0``."""
    if terminator:
        tokens = [*tokens, "0"]
    line = "v"
    for t in tokens:
        if len(line) + 1 + len(t) > 78:
            print(line)
            line = "v"
        line += " " + t
    print(line)


def _invert(args: argparse.Namespace) -> int:
    problem = netfile.read(args.network)
    sha = solution_file.file_sha256(args.network)
    return _decide(args, problem, sha, args.network, latent_line=args.print_latent)


def _solve(args: argparse.Namespace) -> int:
    src = pipeline.load_source(args.input, strict_counts=not args.allow_count_mismatch)
    problem = pipeline.reduce_source(src, args.via, dict(args.param))
    print(f"c {_summary(problem)}")
    return _decide(args, problem, None, args.input, latent_line=False)


def _decide(
    args: argparse.Namespace,
    problem: InversionProblem,
    network_sha256: str | None,
    input_path: str,
    latent_line: bool,
) -> int:
    """Decide (with ``--certify``, prove a NO), then print and write the solution file."""
    options = dict(args.solver_option)
    if args.lp_tighten and "lp_tighten" in solvers.get(args.solver).options:
        options.setdefault("lp_tighten", str(args.lp_tighten))
    out_dir = os.path.dirname(os.path.abspath(args.output)) if args.output else os.getcwd()
    stem = os.path.basename(args.output or input_path).split(".")[0]
    path = args.proof or os.path.join(out_dir, stem + ".drup")
    try:
        decision = pipeline.decide(
            problem,
            args.solver,
            time_limit=args.time_limit,
            options=options,
            prove=args.certify,
            proof_path=path,
            solution_dir=out_dir,
        )
    except refutation.CertificationError as e:
        print(f"c solver {e.solver or args.solver}: {solvers.NOT_INVERTIBLE}; --certify failed")
        print(f"certify: {e}", file=sys.stderr)
        return 1
    verdict, cert, proof = decision.verdict, decision.certificate, decision.proof
    if args.output:
        solution_file.write(args.output, decision.to_json(network_sha256))
    code = _answer(verdict, latent_line)
    if proof is not None:
        c = proof["check"]
        print(
            f"c proof: {c['lemmas']} lemmas from {proof['solver']} written to {_shown(path)}; "
            f"checked VALID in {c['time']:.2f} s by drup {proofs.checker_version()} "
            "(verified DRUP checker)"
        )
    elif args.certify and cert is not None:
        print("c certified: the model satisfies every clause; the latent was checked exactly")
    if cert is not None and problem.source is not None and not latent_line:
        kind = kinds.KINDS[problem.source.kind]
        red = reductions.of(problem)
        if kind.announce_certificate and red is not None:
            print(f"c certificate: {red.certificate}")
        tokens, terminated = kind.certificate_line(cert)
        _v_lines(tokens, terminator=terminated)
    return code


def _shown(path: str) -> str:
    """``path`` relative to the current directory when it lies below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _verify(args: argparse.Namespace) -> int:
    from .certs.verify import verify_files

    result = verify_files(args.network, args.solution)
    if not result.ok:
        for reason in result.reasons:
            print(f"REJECTED: {reason}")
        return 1
    print("VERIFIED")
    for check in result.checks:
        print(f"c {check}")
    return 0


def _widths(text: str) -> list[int]:
    try:
        widths = [int(w) for w in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected widths like 20,100,500, got {text!r}") from None
    if len(widths) < 2 or min(widths) < 1:
        raise argparse.ArgumentTypeError("give at least two widths >= 1, the latent's first")
    return widths


def _add_random_net_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--widths",
        type=_widths,
        required=True,
        metavar="K,N1,...,N",
        help="layer widths, latent first (Lei's Fig. 1 net: 20,100,500)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of weights, latent and noise")
    p.add_argument("--activation", choices=("relu", "leaky_relu"), default="relu")
    p.add_argument(
        "--slope",
        type=float,
        default=randomnet.DEFAULT_SLOPE,
        help=f"LeakyReLU slope c in max(a, c a) (default {randomnet.DEFAULT_SLOPE})",
    )
    p.add_argument("--bias", action="store_true", help="draw biases too (default: none)")
    p.add_argument(
        "--noise", choices=randomnet.NOISES, default="none", help="noise added to the target"
    )
    p.add_argument(
        "--noise-level",
        type=float,
        default=0.0,
        metavar="A",
        help="uniform U(-A, A), or Gaussian with standard deviation A",
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=randomnet.DEFAULT_TOL,
        metavar="T",
        help=f"rounding allowance of the stated query (default {randomnet.DEFAULT_TOL:g})",
    )
    p.add_argument(
        "--box",
        type=float,
        metavar="B",
        help="latent domain [-B, B]^k instead of R^k (what the MILP back ends need)",
    )
    p.add_argument("-o", "--output", metavar="OUT.npz", required=True, help="network file")


def _random_net(args: argparse.Namespace) -> int:
    try:
        problem = randomnet.random_problem(
            args.widths,
            seed=args.seed,
            activation=args.activation,
            slope=args.slope,
            bias=args.bias,
            noise=args.noise,
            level=args.noise_level,
            tol=args.tolerance,
            box=args.box,
        )
    except ValueError as e:
        raise InputError(None, None, f"random-net: {e}") from None
    netfile.write(problem, args.output)
    act = args.activation + (f"({args.slope:g})" if args.activation == "leaky_relu" else "")
    noise = "no noise" if args.noise == "none" else f"{args.noise} noise {args.noise_level:g}"
    print(
        f"c random-net: widths {'-'.join(map(str, problem.network.widths))}, {act}, "
        f"weights N(0, 1/n_out){', biases' if args.bias else ''}, seed {args.seed}, {noise}"
    )
    print(f"c query {problem.query.describe()}; planted latent stored")
    print(f"c wrote {args.output} ({os.path.getsize(args.output)} bytes)")
    return 0


def _commands() -> list[tuple[str, str, object]]:
    """The subcommands: name, help line, and what adds its arguments and handler."""

    def args_of(add, func):
        def build(p: argparse.ArgumentParser) -> None:
            add(p)
            p.set_defaults(func=func)

        return build

    def network_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("network", metavar="NET.npz")

    def invert_args(p: argparse.ArgumentParser) -> None:
        network_arg(p)
        _add_solver_args(p)
        p.add_argument("--print-latent", action="store_true", help="print the latent on v lines")

    def solve_args(p: argparse.ArgumentParser) -> None:
        _add_source_args(p)
        _add_solver_args(p)

    def verify_args(p: argparse.ArgumentParser) -> None:
        network_arg(p)
        p.add_argument(
            "solution", metavar="SOLUTION", help="solution JSON, DIMACS model, or SAT solver output"
        )

    def module(name: str, add: str, run: str):
        def build(p: argparse.ArgumentParser) -> None:
            m = globals()[name]
            getattr(m, add)(p)
            p.set_defaults(func=getattr(m, run))

        return build

    return [
        ("reduce", "compile an instance into a network file", args_of(_add_reduce_args, _reduce)),
        (
            "random-net",
            "a random generative network and a planted (noisy) target",
            args_of(_add_random_net_args, _random_net),
        ),
        ("info", "describe a network file", args_of(network_arg, _info)),
        (
            "invert",
            "decide a network file: is some latent a preimage?",
            args_of(invert_args, _invert),
        ),
        (
            "solve",
            "reduce, invert, decode and check: a SAT solver's answer",
            args_of(solve_args, _solve),
        ),
        (
            "verify",
            "check a solution (latent, model or UNSAT proof) against a network file",
            args_of(verify_args, _verify),
        ),
        (
            "explain",
            "walk through a reduction on a small instance",
            module("explain", "add_arguments", "run"),
        ),
        (
            "scaling",
            "measure the 2^n wall: brute force vs MILP vs CaDiCaL",
            module("scaling", "add_arguments", "run"),
        ),
        (
            "crosscheck",
            "run CNFs through every SAT solver and network route, check all",
            module("crosscheck", "add_arguments", "run"),
        ),
        (
            "circuit-gen",
            "generate a circuit: adder, multiplier, factor, random",
            module("circuit_commands", "add_gen_arguments", "run_gen"),
        ),
        (
            "factor",
            "factor N by inverting its multiplier network",
            module("circuit_commands", "add_factor_arguments", "run_factor"),
        ),
        ("list", "list reductions and solvers", args_of(lambda p: None, _list)),
    ]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that subcommand gets its arguments (the others
    keep their names and help lines), so that ``--help`` or ``reduce`` does not load the
    modules that define the other subcommands' options."""
    parser = argparse.ArgumentParser(
        prog="reluhard",
        description="Compile NP-hard instances into ReLU-network inversion "
        "problems, decide them, and map answers back to checked certificates.",
    )
    parser.add_argument("--version", action="version", version=f"reluhard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text, build in _commands():
        p = sub.add_parser(name, help=text)
        if command is None or command == name:
            build(p)  # type: ignore[operator]
    return parser


def _command(argv: Sequence[str]) -> str:
    """The subcommand ``argv`` names (its first word not an option), or "" for none."""
    return next((a for a in argv if not a.startswith("-")), "")


def _run(func, args: argparse.Namespace) -> int:
    if func is _reduce:
        blas.no_thread_pool()  # before numpy loads: a reduce does no linear algebra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", dimacs_cnf.ClauseCountWarning)  # ours: shown, one line each
        warnings.showwarning = _show_warning
        try:
            return func(args)
        except InputError as e:
            print(str(e), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``reluhard COMMAND ...``"""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command(words)).parse_args(words)
    return _run(args.func, args)


def reduce_main(argv: Sequence[str] | None = None) -> int:
    """``reduce INPUT -o OUT.npz [--via NAME] [--param KEY=VALUE]...``"""
    p = argparse.ArgumentParser(
        prog="reduce",
        description="Compile an instance (DIMACS CNF) "
        "into a ReLU-network inversion problem (.npz).",
    )
    _add_reduce_args(p)
    return _run(_reduce, p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
