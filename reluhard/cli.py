"""Command line: ``reduce`` and
``reluhard {reduce,random-net,info,invert,solve,verify,explain,scaling,crosscheck,circuit-gen,
factor,list}``.

Thin by design: parse arguments, call the library, print. Bad input is one line on stderr
(``file:line: what``) and exit status 1; usage errors exit 2 (argparse, and
:class:`~reluhard.errors.ConfigError`: a solver command or plug-in that cannot start).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import __version__, atomic, cli_values, limits, streams
from .errors import InputError
from .lazy import lazy_module

if TYPE_CHECKING:
    from . import (
        blas,
        circuit_commands,
        measurements,
        netfile,
        network,
        pipeline,
        randomnet,
        reductions,
        solvers,
    )
    from .certs import proofs, refutation, solution_file
    from .crosscheck import command as crosscheck
    from .inversion import InversionProblem
    from .problems import dimacs_cnf, kinds
    from .reductions import rebuild
    from .solvers import recovery
    from .teaching import explain, scaling
else:  # loaded on first use: `--help` and a CNF `reduce` load only what they run
    blas = lazy_module("reluhard.blas")
    circuit_commands = lazy_module("reluhard.circuit_commands")
    measurements = lazy_module("reluhard.measurements")
    netfile = lazy_module("reluhard.netfile")
    network = lazy_module("reluhard.network")
    pipeline = lazy_module("reluhard.pipeline")
    randomnet = lazy_module("reluhard.randomnet")
    reductions = lazy_module("reluhard.reductions")
    rebuild = lazy_module("reluhard.reductions.rebuild")
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
        type=cli_values.key_value,
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
    acts = [
        layer.activation + (f"({layer.slope:g})" if "leaky" in layer.activation else "")
        for layer in problem.network.layers
    ]
    w = max(12, *map(len, acts))
    print(f"  {'#':>3}  {'in':>9}  {'out':>9}  {'activation':<{w}} {'format':<6} {'nonzeros':>10}")
    for i, (layer, act) in enumerate(zip(problem.network.layers, acts, strict=True), 1):
        fmt = "csr" if layer.sparse else "dense"
        print(
            f"  {i:>3}  {layer.shape[1]:>9}  {layer.shape[0]:>9}  {act:<{w}} {fmt:<6} "
            f"{layer.nnz:>10}"
        )
    why = network.float_only_reason(problem.network)
    if why:
        print(f"exact      none: {why} (verify and the back ends refuse it)")
    _theorem_lines(args, problem)
    rec = measurements.params(problem)
    if rec:
        k = int(rec["signal_layers"])
        print(f"recovery   {rec['problem']}: signal G(z) = output of layer {k}; width profile")
        for line in measurements.width_profile(problem.network.widths[: k + 1],
                                               rec.get("measurements")):  # fmt: skip
            print(line)
    return 0


def _theorem_lines(args: argparse.Namespace, problem: InversionProblem) -> None:
    """Theorem 1's constants, for a network of its form (docs/posterior.md)."""
    from .posterior import constants

    if constants.square_refusal(problem.network) is None:
        lines = constants.report_lines(
            problem.network, problem.target, args.beta, args.epsilon, args.box, args.samples
        )
        for line in lines:
            print(line)


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
        type=cli_values.seconds,
        default=None,
        help="give up (s UNKNOWN) after this many seconds",
    )
    p.add_argument(
        "--solver-option",
        metavar="KEY=VALUE",
        type=cli_values.key_value,
        action="append",
        default=[],
        help="back-end option (repeatable; e.g. negation=true for gd); see `reluhard list`",
    )
    p.add_argument("-o", "--output", metavar="SOLUTION.json", help="write the solution file")
    p.add_argument(
        "--lp-tighten",
        metavar="SECONDS",
        type=cli_values.seconds,
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
    if args.vnnlib or args.network.endswith(".onnx"):
        return _invert_vnn(args)
    if args.vnn_result:
        raise InputError(None, None, "--vnn-result needs an ONNX network and --vnnlib")
    problem = netfile.read(args.network)
    if args.certify:  # a proof of the source says nothing of a network not built from it
        problem = rebuild.require_rebuilt(problem, args.network)
    sha = solution_file.file_sha256(args.network)
    return _decide(args, problem, sha, args.network, latent_line=args.print_latent)


def _invert_vnn(args: argparse.Namespace) -> int:
    """``invert MODEL.onnx --vnnlib PROP.vnnlib``: the property decided, a counterexample
    checked exactly, the VNN-COMP result file written."""
    from .vnn import results, spec

    if not args.vnnlib:
        raise InputError(args.network, None, "an ONNX network needs its property: --vnnlib")
    if args.certify:
        why = "--certify proves a source CNF, and an ONNX network has none"
        raise InputError(None, None, why + " (its unsat is the MILP's claim)")
    try:
        problem = spec.load(args.network, args.vnnlib)
    except ImportError as e:
        raise InputError(
            None, None, f"ONNX input needs the onnx extra ({e.name} is missing)"
        ) from None
    print(f"c {args.network}: widths {'-'.join(map(str, problem.network.widths))}; "
          f"{problem.query.describe()}")  # fmt: skip
    code, decision = _decide_with(args, problem, None, args.network, args.print_latent)
    if decision is None:
        return code
    verdict = decision.verdict
    if verdict.latent is not None:
        print("c counterexample checked exactly against the imported weights (rational arithmetic)")
    if args.vnn_result:
        word = results.word_of(verdict.status, "time limit" in verdict.reason)
        from .inversion import check_latent

        y = check_latent(problem, verdict.latent).output if verdict.latent is not None else None
        atomic.write_text(args.vnn_result, results.text(word, verdict.latent, y), "result")
        print(f"c wrote {args.vnn_result}: {word}")
    return code


def _solve(args: argparse.Namespace) -> int:
    src = pipeline.load_source(args.input, strict_counts=not args.allow_count_mismatch)
    problem = pipeline.reduce_source(src, args.via, dict(args.param))
    with _answer_lines(args.output):
        print(f"c {_summary(problem)}")
    return _decide(args, problem, None, args.input, latent_line=False)


def _answer_lines(output: str | None):
    """Where the ``c``/``s``/``v`` lines go: standard error when the solution file itself
    goes to standard output (``-o -``), else standard output."""
    if output == streams.STDIO:
        return contextlib.redirect_stdout(sys.stderr)
    return contextlib.nullcontext()


def _decide(
    args: argparse.Namespace,
    problem: InversionProblem,
    network_sha256: str | None,
    input_path: str,
    latent_line: bool,
) -> int:
    """Decide (with ``--certify``, prove a NO), then print and write the solution file."""
    return _decide_with(args, problem, network_sha256, input_path, latent_line)[0]


def _decide_with(
    args: argparse.Namespace,
    problem: InversionProblem,
    network_sha256: str | None,
    input_path: str,
    latent_line: bool,
) -> tuple[int, pipeline.Decision | None]:
    """:func:`_decide`, returning the exit code and the decision (None: --certify failed)."""
    options = dict(args.solver_option)
    if args.lp_tighten and "lp_tighten" in solvers.get(args.solver).options:
        options.setdefault("lp_tighten", str(args.lp_tighten))
    to_file = args.output not in (None, streams.STDIO)
    out_dir = os.path.dirname(os.path.abspath(args.output)) if to_file else os.getcwd()
    stem = os.path.basename(args.output if to_file else input_path).split(".")[0]
    path = args.proof or os.path.join(out_dir, stem + ".drup")
    if args.certify:
        atomic.refuse_inputs([path, args.output], [input_path])
    with _answer_lines(args.output):
        code, decision = _decided(
            args, problem, network_sha256, path, out_dir, options, latent_line
        )
    if decision is not None and args.output == streams.STDIO:  # all of standard output
        solution_file.write(args.output, decision.to_json(network_sha256))
    return code, decision


def _decided(
    args: argparse.Namespace,
    problem: InversionProblem,
    network_sha256: str | None,
    path: str,
    out_dir: str,
    options: dict,
    latent_line: bool,
) -> tuple[int, pipeline.Decision | None]:
    """:func:`_decide`'s work: the exit code and the decision (None: --certify failed)."""
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
        return 1, None
    verdict, cert, proof = decision.verdict, decision.certificate, decision.proof
    if args.output and args.output != streams.STDIO:
        solution_file.write(args.output, decision.to_json(network_sha256))
    code = _answer(verdict, latent_line)
    if proof is not None:
        c = proof["check"]
        print(
            f"c proof: {c['lemmas']} lemmas from {proof['solver']} written to {_shown(path)}; "
            f"checked VALID in {c['time']:.2f} s by drup {proofs.checker_version()} "
            "(verified DRUP checker)"
        )
    elif args.certify and cert is not None and problem.source is not None:
        accepted = kinds.KINDS[problem.source.kind].accepted(problem.source.instance, "")
        print(f"c certified: {accepted}; the latent was checked exactly")
    if cert is not None and problem.source is not None and not latent_line:
        kind = kinds.KINDS[problem.source.kind]
        red = reductions.of(problem)
        if kind.announce_certificate and red is not None:
            print(f"c certificate: {red.certificate}")
        tokens, terminated = kind.certificate_line(cert)
        _v_lines(tokens, terminator=terminated)
    return code, decision


def _shown(path: str) -> str:
    """``path`` relative to the current directory when it lies below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _verify(args: argparse.Namespace) -> int:
    from .certs.verify import verify_files

    result = verify_files(args.network, args.solution, args.vnnlib, args.time_limit)
    if not result.ok:
        for reason in result.reasons:
            print(f"REJECTED: {reason}")
        return 1
    print("VERIFIED")
    for check in result.checks:
        print(f"c {check}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .vnn.export import export

    if not (args.onnx or args.vnnlib_out):
        raise InputError(None, None, "export: give --onnx OUT.onnx and/or --vnnlib OUT.vnnlib")
    problem = netfile.read(args.network)
    try:
        done = export(
            problem, args.onnx, args.vnnlib_out, (f"from {os.path.basename(args.network)}",)
        )
    except ImportError as e:
        raise InputError(None, None, f"export needs the onnx extra ({e.name} is missing)") from None
    except InputError as e:
        raise InputError(args.network, None, e.message) from None
    widths = "-".join(map(str, done.network.widths))
    if args.onnx:
        print(f"c wrote {args.onnx}: {len(done.network.layers)} layers, widths {widths}, "
              f"{done.dtype} weights")  # fmt: skip
    if args.vnnlib_out:
        print(f"c wrote {args.vnnlib_out}: {problem.query.describe()}")
    return 0


def _vnn_bench(args: argparse.Namespace) -> int:
    from .vnn import bench

    def show(row) -> None:
        print(f"c {row.name:<24} {row.expected:<9} {row.backing or row.how}")

    try:
        rows = bench.build(
            args.inputs, args.via, args.output, params=dict(args.param), timeout=args.timeout,
            truth_limit=args.truth_time_limit, progress=show,
        )  # fmt: skip
    except ImportError as e:
        raise InputError(
            None, None, f"vnn-bench needs the onnx extra ({e.name} is missing)"
        ) from None
    counts = {k: sum(r.expected == k for r in rows) for k in ("violated", "holds", "unknown")}
    print(
        f"c wrote {args.output}: {len(rows)} instances, "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
    )
    return 0


def _vnn_run(args: argparse.Namespace) -> int:
    from .vnn import runners

    def show(r) -> None:
        print(f"c {r.name:<24} {r.word:<8} {r.time:8.3f} s  ({r.ended})")

    ran = runners.run(
        args.category, args.runner, args.output, timeout=args.timeout, jobs=args.jobs,
        progress=show,
    )  # fmt: skip
    print(f"c wrote {len(ran)} result files to {args.output}")
    return 0


def _vnn_check(args: argparse.Namespace) -> int:
    from .vnn import check

    try:
        judged = check.check(args.category, args.results)
    except ImportError as e:
        raise InputError(
            None, None, f"vnn-check needs the onnx extra ({e.name} is missing)"
        ) from None
    for j in judged:
        print(f"{j.kind:<10} {j.name:<24} answer {j.answer:<8} expected {j.expected:<9} {j.reason}")
    print(f"c {check.summary(judged)}")
    return 1 if any(j.kind in ("WRONG", "ERROR") for j in judged) else 0


def _widths(text: str) -> list[int]:
    try:
        widths = [int(w) for w in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected widths like 20,100,500, got {text!r}") from None
    if len(widths) < 2 or min(widths) < 1:
        raise argparse.ArgumentTypeError("give at least two widths >= 1, the latent's first")
    return widths


def _activation(text: str) -> str:
    return text.replace("-", "_")


def _band(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected LO,HI like 0.8,1.25, got {text!r}")
    lo, hi = (cli_values.positive(t) for t in parts)
    if lo > hi:
        raise argparse.ArgumentTypeError(f"needs LO <= HI, got {text!r}")
    return lo, hi


def _add_random_net_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--widths",
        type=_widths,
        required=True,
        metavar="K,N1,...,N",
        help="layer widths, latent first (Lei's Fig. 1 net: 20,100,500)",
    )
    p.add_argument(
        "--seed", type=cli_values.seed, default=0, help="seed of weights, latent and noise"
    )
    p.add_argument(
        "--activation",
        type=_activation,
        choices=randomnet.ACTIVATIONS,
        default="relu",
        help="relu, leaky_relu, or smooth_leaky_relu c a + (1 - c)(softplus(a) - log 2) "
        "(float-only; '-' may replace '_')",
    )
    p.add_argument(
        "--slope",
        type=cli_values.real,
        default=None,
        help=f"the slope c of max(a, c a) (default {randomnet.DEFAULT_SLOPE}) or of the "
        f"smooth leaky ReLU (default {randomnet.DEFAULT_SMOOTH_SLOPE})",
    )
    p.add_argument(
        "--bijective",
        action="store_true",
        help="square layers W = U diag(s) V^T (s in --band), no biases, last layer linear "
        "(Pareek-Risteski Theorem 1; docs/posterior.md)",
    )
    p.add_argument(
        "--band",
        type=_band,
        default=randomnet.DEFAULT_BAND,
        metavar="LO,HI",
        help="singular values of --bijective weights, uniform in [LO, HI] (default 0.8,1.25)",
    )
    p.add_argument("--bias", action="store_true", help="draw biases too (default: none)")
    p.add_argument(
        "--noise", choices=randomnet.NOISES, default="none", help="noise added to the target"
    )
    p.add_argument(
        "--noise-level",
        type=cli_values.nonnegative,
        default=0.0,
        metavar="A",
        help="uniform U(-A, A), or Gaussian with standard deviation A",
    )
    p.add_argument(
        "--tolerance",
        type=cli_values.nonnegative,
        default=randomnet.DEFAULT_TOL,
        metavar="T",
        help=f"rounding allowance of the stated query (default {randomnet.DEFAULT_TOL:g})",
    )
    p.add_argument(
        "--box",
        type=cli_values.positive,
        metavar="B",
        help="latent domain [-B, B]^k instead of R^k (what the MILP back ends need)",
    )
    _add_recovery_args(p)
    p.add_argument("-o", "--output", metavar="OUT.npz", required=True, help="network file")


def _add_recovery_args(p: argparse.ArgumentParser) -> None:
    """The recovery problems of :mod:`reluhard.measurements` (docs/recovery.md)."""
    g = p.add_argument_group("signal recovery (docs/recovery.md)")
    g.add_argument(
        "--measurements",
        type=cli_values.positive_count,
        metavar="M",
        help="append A, i.i.d. N(0, 1/M), as a linear last layer (compressed sensing)",
    )
    g.add_argument(
        "--weight-variance",
        type=int,
        choices=(1, 2),
        default=1,
        help="weights N(0, V/n_i): 1 (Lei) or 2 (He; [NEP] Remark 2)",
    )
    g.add_argument("--problem", choices=("cs", "denoise", "phase", "spiked-wigner"),
                   help="recovery problem (default cs with --measurements)")  # fmt: skip


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
            measurements=args.measurements,
            weight_variance=args.weight_variance,
            problem=args.problem,
            bijective=args.bijective,
            band=args.band,
        )
    except ValueError as e:
        raise InputError(None, None, f"random-net: {e}") from None
    netfile.write(problem, args.output)
    slope = randomnet.default_slope(args.activation) if args.slope is None else args.slope
    act = args.activation + (f"({slope:g})" if args.activation != "relu" else "")
    noise = "no noise" if args.noise == "none" else f"{args.noise} noise {args.noise_level:g}"
    weights = problem.reduction.params["weights"] if problem.reduction else "?"
    print(
        f"c random-net: widths {'-'.join(map(str, problem.network.widths))}, {act}, "
        f"weights {weights}{', biases' if args.bias else ''}, "
        f"seed {args.seed}, {noise}"
    )
    why = network.float_only_reason(problem.network)
    if why:
        print(f"c {why}: the planted latent is not checked exactly")
    if args.problem or args.measurements:
        m = f", m = {args.measurements}" if args.measurements else ""
        print(f"c recovery problem {args.problem or 'cs'}{m}")
    print(f"c query {problem.query.describe()}; planted latent stored")
    print(f"c wrote {args.output} ({os.path.getsize(args.output)} bytes)")
    return 0


def _reduce_args(p: argparse.ArgumentParser) -> None:
    _add_reduce_args(p)
    p.set_defaults(func=_reduce)


def _random_net_args(p: argparse.ArgumentParser) -> None:
    _add_random_net_args(p)
    p.set_defaults(func=_random_net)


def _info_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz")
    g = p.add_argument_group("Theorem 1 constants of a bijective smooth network")
    g.add_argument("--beta", type=cli_values.positive, default=0.1,
                   help="noise level beta of rad(D) and S (default 0.1)")  # fmt: skip
    g.add_argument("--epsilon", type=cli_values.open_unit, default=0.1,
                   help="target accuracy epsilon in (0, 1) (default 0.1)")  # fmt: skip
    g.add_argument("--box", type=cli_values.positive, default=3.0,
                   help="m and M are sampled in [-BOX, BOX]^d (default 3)")  # fmt: skip
    g.add_argument("--samples", type=cli_values.positive_count, default=2000,
                   help="sampled points for m and M (default 2000)")  # fmt: skip
    p.set_defaults(func=_info)


def _invert_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz|MODEL.onnx")
    p.add_argument("--vnnlib", metavar="PROP.vnnlib", help="the property of an ONNX network")
    p.add_argument(
        "--vnn-result", metavar="FILE", help="write VNN-COMP's result (sat/unsat/timeout)"
    )
    _add_solver_args(p)
    p.add_argument("--print-latent", action="store_true", help="print the latent on v lines")
    p.set_defaults(func=_invert)


def _solve_args(p: argparse.ArgumentParser) -> None:
    _add_source_args(p)
    _add_solver_args(p)
    p.set_defaults(func=_solve)


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz")
    p.add_argument(
        "solution", metavar="SOLUTION", help="solution JSON, DIMACS model, or SAT solver output"
    )
    p.add_argument("--vnnlib", metavar="PROP.vnnlib", help="NET is an ONNX network: its property")
    p.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=cli_values.seconds,
        default=60.0,
        help="stop a proof check after this many seconds (REJECTED: cannot verify; default 60)",
    )
    p.set_defaults(func=_verify)


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz")
    p.add_argument("--onnx", metavar="OUT.onnx", help="the network (Gemm and Relu nodes)")
    p.add_argument("--vnnlib", metavar="OUT.vnnlib", dest="vnnlib_out",
                   help="the property: sat = a preimage exists")  # fmt: skip
    p.set_defaults(func=_export)


def _vnn_bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="instance files")
    p.add_argument("--via", required=True, metavar="NAME", help="a real-latent reduction")
    p.add_argument("--param", metavar="KEY=VALUE", type=cli_values.key_value, action="append",
                   default=[], help="reduction parameter (repeatable)")  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the category folder")
    p.add_argument("--timeout", type=cli_values.positive_seconds, default=60.0,
                   help="instances.csv timeout (s)")  # fmt: skip
    p.add_argument("--truth-time-limit", type=cli_values.seconds, metavar="S",
                   help="time limit of reluhard's own decision per instance")  # fmt: skip
    p.set_defaults(func=_vnn_bench)


def _vnn_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("category", metavar="DIR")
    p.add_argument(
        "--runner",
        default="reluhard",
        metavar="NAME|TEMPLATE",
        help="reluhard, marabou, or a command with {onnx} {vnnlib} {result} {timeout}",
    )
    p.add_argument("-o", "--output", required=True, metavar="RESULTS", help="result files folder")
    p.add_argument("--timeout", type=cli_values.positive_seconds, metavar="S",
                   help="cap on each instance's timeout")  # fmt: skip
    p.add_argument("--jobs", type=cli_values.positive_count, default=1,
                   help="parallel workers (default 1)")  # fmt: skip
    p.set_defaults(func=_vnn_run)


def _vnn_check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("category", metavar="DIR")
    p.add_argument("results", metavar="RESULTS", help="folder of result files, or results CSV")
    p.set_defaults(func=_vnn_check)


def _explain_args(p: argparse.ArgumentParser) -> None:
    explain.add_arguments(p)
    p.set_defaults(func=explain.run)


def _scaling_args(p: argparse.ArgumentParser) -> None:
    scaling.add_arguments(p)
    p.set_defaults(func=scaling.run)


def _crosscheck_args(p: argparse.ArgumentParser) -> None:
    crosscheck.add_arguments(p)
    p.set_defaults(func=crosscheck.run)


def _circuit_gen_args(p: argparse.ArgumentParser) -> None:
    circuit_commands.add_gen_arguments(p)
    p.set_defaults(func=circuit_commands.run_gen)


def _factor_args(p: argparse.ArgumentParser) -> None:
    circuit_commands.add_factor_arguments(p)
    p.set_defaults(func=circuit_commands.run_factor)


def _conditions_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NET.npz")
    p.add_argument("--samples", type=cli_values.positive_count, default=40,
                   help="sampled tuples per layer (default 40)")  # fmt: skip
    p.add_argument("--seed", type=cli_values.seed, default=0, help="seed of the samples")
    p.set_defaults(func=_conditions)


def _conditions(args: argparse.Namespace) -> int:
    from .analysis import conditions

    problem = netfile.read(args.network)
    why = conditions.refusal(problem)
    if why:
        raise InputError(args.network, None, why)
    for line in conditions.report_lines(conditions.estimate(problem, args.samples, args.seed)):
        print(line)
    return 0


def _posterior_args(p: argparse.ArgumentParser) -> None:
    from .posterior import command

    command.add_arguments(p)
    p.set_defaults(func=command.run)


def _list_args(p: argparse.ArgumentParser) -> None:
    p.set_defaults(func=_list)


#: the subcommands: name, help line, and what adds its arguments and handler
COMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = [
    ("reduce", "compile an instance into a network file", _reduce_args),
    ("random-net", "a random generative network and a planted (noisy) target", _random_net_args),
    ("info", "describe a network file", _info_args),
    ("invert", "decide a network file (or an ONNX network and VNN-LIB property)", _invert_args),
    ("solve", "reduce, invert, decode and check: a SAT solver's answer", _solve_args),
    (
        "verify",
        "check a solution (latent, model or UNSAT proof) against a network file",
        _verify_args,
    ),
    ("export", "write a network file as ONNX and its query as VNN-LIB", _export_args),
    ("vnn-bench", "write a VNN-COMP category with its ground truth", _vnn_bench_args),
    ("vnn-run", "run a verifier on a VNN-COMP category (sandboxed)", _vnn_run_args),
    ("vnn-check", "judge a verifier's results on a vnn-bench category", _vnn_check_args),
    ("explain", "walk through a reduction on a small instance", _explain_args),
    ("scaling", "measure the 2^n wall: brute force vs MILP vs CaDiCaL", _scaling_args),
    (
        "crosscheck",
        "run CNFs through every SAT solver and network route, check all",
        _crosscheck_args,
    ),
    ("circuit-gen", "generate a circuit: adder, multiplier, factor, random", _circuit_gen_args),
    ("factor", "factor N by inverting its multiplier network", _factor_args),
    ("conditions", "estimate the R2WDC and RRIC of a recovery network", _conditions_args),
    (
        "posterior",
        "sample p(z | x) of a bijective smooth network (GD, then Langevin)",
        _posterior_args,
    ),  # fmt: skip
    ("list", "list reductions and solvers", _list_args),
]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that subcommand gets its arguments (the others
    keep their names and help lines), so that ``--help`` or ``reduce`` does not load the
    modules that define the other subcommands' options."""
    parser = cli_values.Parser(
        prog="reluhard",
        description="Compile NP-hard instances into ReLU-network inversion "
        "problems, decide them, and map answers back to checked certificates.",
    )
    parser.add_argument("--version", action="version", version=f"reluhard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text, add in COMMANDS:
        p = sub.add_parser(name, help=text)
        if command in (None, name):
            add(p)
    for p in sub.choices.values():
        _add_budget_args(p)
    return parser


def _add_budget_args(p: argparse.ArgumentParser) -> None:
    """The resource budgets of :mod:`reluhard.limits`, on every command."""
    g = p.add_argument_group("resource budgets (docs/safety.md)")
    g.add_argument(
        "--max-size",
        metavar="BYTES",
        type=limits.amount,
        help="refuse to build an instance or network estimated above this much memory "
        f"(default {limits.shown(limits.DEFAULT_MAX_SIZE)}; env RELUHARD_MAX_SIZE)",
    )
    g.add_argument(
        "--max-input",
        metavar="BYTES",
        type=limits.amount,
        help="refuse an input file holding (after decompression) more than this "
        f"(default {limits.shown(limits.DEFAULT_MAX_INPUT)}; env RELUHARD_MAX_INPUT)",
    )
    g.add_argument(
        "--max-digits",
        metavar="N",
        type=limits.amount,
        help="refuse a number with more digits than this "
        f"(default {limits.DEFAULT_MAX_DIGITS}; env RELUHARD_MAX_DIGITS)",
    )


def _run(func, args: argparse.Namespace) -> int:
    if func is _reduce:
        blas.no_thread_pool()  # before numpy loads: a reduce does no linear algebra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", dimacs_cnf.ClauseCountWarning)  # ours: shown, one line each
        warnings.showwarning = _show_warning
        try:
            _refuse_overwriting(args)
            with limits.using(
                max_size=getattr(args, "max_size", None),
                max_input=getattr(args, "max_input", None),
                max_digits=getattr(args, "max_digits", None),
            ):
                code = func(args)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
            return code
        except InputError as e:
            print(str(e), file=sys.stderr)
            return getattr(e, "exit_code", 1)
        except BrokenPipeError:
            return streams.closed_pipe_exit()
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130


#: argument names that name files a command reads and files it writes
READS = ("input", "network", "solution", "paths", "cert", "vnnlib", "inputs", "category")
WRITES = ("output", "proof", "report", "out", "onnx", "vnnlib_out", "vnn_result")


def _refuse_overwriting(args: argparse.Namespace) -> None:
    """No output may name an input (:func:`reluhard.atomic.refuse_inputs`)."""

    def named(keys: tuple[str, ...]) -> list[str]:
        values = [getattr(args, k, None) for k in keys]
        return [str(p) for v in values for p in (v if isinstance(v, list) else [v]) if p]

    atomic.refuse_inputs(named(WRITES), named(READS))


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``reluhard COMMAND ...``"""
    words = sys.argv[1:] if argv is None else list(argv)
    return _run_parsed(build_parser(_command(words)), words, None)


def _command(argv: Sequence[str]) -> str:
    """The subcommand ``argv`` names (its first word not an option), or "" for none."""
    return next((a for a in argv if not a.startswith("-")), "")


def _run_parsed(parser: argparse.ArgumentParser, argv: Sequence[str] | None, func) -> int:
    """Parse (``--help`` and ``--version`` print and exit here, so a closed pipe is caught
    here too) and run."""
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit:
            sys.stdout.flush()
            raise
    except BrokenPipeError:
        return streams.closed_pipe_exit()
    return _run(func or args.func, args)


def reduce_main(argv: Sequence[str] | None = None) -> int:
    """``reduce INPUT -o OUT.npz [--via NAME] [--param KEY=VALUE]...``"""
    p = cli_values.Parser(
        prog="reduce",
        description="Compile an instance (DIMACS CNF) "
        "into a ReLU-network inversion problem (.npz).",
    )
    _add_reduce_args(p)
    _add_budget_args(p)
    return _run_parsed(p, argv, _reduce)


if __name__ == "__main__":
    sys.exit(main())
