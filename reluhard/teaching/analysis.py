"""The analysis behind an explanation, computed once and shown by both renderers: the
:class:`Context` (instance, unit labels, clause tags) and the two :class:`Pass` es, a
certificate and a non-certificate pushed through the network and checked exactly.

The certificate is the one given, else one found by an inversion back end (falling back
to the reference SAT solver); the non-certificate is the certificate with one variable
flipped, else a simple assignment that falsifies some clause.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import reductions
from ..errors import InputError, TimeLimitError
from ..inversion import InversionProblem, LatentCheck, Source, check_latent
from ..network import exact_output
from ..problems import cnf as cnf_mod
from ..problems.cnf import CNF
from .blocks import Limits, Para, lit


@dataclass
class Pass:
    """One assignment pushed through the network."""

    model: list[int]  # one signed literal per variable
    z: np.ndarray
    pres: list[np.ndarray]
    outs: list[np.ndarray]
    exact: list[Fraction]
    check: LatentCheck
    falsified: list[int]  # 0-based clause indices
    how: str  # where the assignment came from


@dataclass
class Context:
    """Everything both renderers show: the instance, labels, and the two passes."""

    source: Source
    problem: InversionProblem
    cnf: CNF
    red: str
    name: str
    labels: list[list[str]]  # per layer (0 = input): long unit labels
    short: list[list[str]]  # per layer: short unit labels ("c3", "h2", "|v1|+")
    clause_w: list[list[int]]  # distinct literals of each clause, in order of appearance
    special: list[list[str]]  # per clause: tags
    certificate: Pass | None = None
    non_certificate: Pass | None = None
    notes5: list[Para] = field(default_factory=list)
    solver_note: str = ""  # how the certificate was found, or why there is none
    time_limit: float = 60.0  # seconds to find a certificate when none is given


def summarised(ctx: Context, lim: Limits) -> bool:
    """Whether the instance is beyond ``lim`` (more than ``max_vars`` variables or
    ``max_clauses`` clauses), so that its long lists are cut after ``lim.head`` items."""
    return ctx.cnf.nvars > lim.max_vars or ctx.cnf.nclauses > lim.max_clauses


def clause_label(j: int, lits: Sequence[int], limit: int = 48) -> str:
    body = " | ".join(lit(x) for x in lits) if len(lits) else "empty"
    text = f"c{j + 1}: ({body})"
    if len(text) > limit:
        text = text[: limit - 4] + "...)"
    return text


def _clause_tags(cnf: CNF) -> tuple[list[list[int]], list[list[str]]]:
    distinct, tags = [], []
    first_seen: dict[frozenset, int] = {}
    for j, c in enumerate(cnf.clauses()):
        d = list(dict.fromkeys(c))
        distinct.append(d)
        t = []
        key = frozenset(c)
        if not c:
            t.append("empty: no literal can satisfy it, the formula is unsatisfiable")
        elif any(-x in key for x in key):
            v = next(abs(x) for x in d if -x in key)
            t.append(f"tautology: contains x{v} and ~x{v}, always satisfied")
        elif len(d) == 1:
            t.append(f"unit: forces {lit(d[0])}")
        if len(d) < len(c):
            rep = sorted({x for x in c if c.count(x) > 1}, key=abs)
            t.append("repeated literal " + ", ".join(map(lit, rep)) + " (counted once)")
        if key in first_seen:
            t.append(f"repeats c{first_seen[key] + 1}")
        else:
            first_seen[key] = j
        tags.append(t)
    return distinct, tags


def _labels(red: str, cnf: CNF, problem: InversionProblem, distinct) -> tuple[list, list]:
    n, m = cnf.nvars, cnf.nclauses
    xs = [f"x{i}" for i in range(1, n + 1)]
    clauses_long = [clause_label(j, distinct[j]) for j in range(m)]
    clauses_short = [f"c{j}" for j in range(1, m + 1)]
    if red == "sat-sign":
        return [xs, clauses_long, ["out: falsified clauses"]], [xs, clauses_short, ["out"]]
    if red == "sat-real":
        hs = [f"h{i}" for i in range(1, n + 1)]
        gs = [f"g{i}" for i in range(1, n + 1)]
        absv = [f"|v{i}|+" for i in range(1, n + 1)] + [f"|v{i}|-" for i in range(1, n + 1)]
        outs = ["out1: falsified clauses", "out2: sum |v_i|"]
        return (
            [xs, hs, gs, clauses_long + absv, outs],
            [xs, hs, gs, clauses_short + absv, ["out1", "out2"]],
        )
    widths = problem.network.widths
    long = [xs] + [[f"u{k}.{i}" for i in range(1, w + 1)] for k, w in enumerate(widths[1:], 1)]
    return long, long


def _push(ctx: Context, model: list[int], how: str) -> Pass:
    red = reductions.get(ctx.red)
    z = np.asarray(red.encode(ctx.cnf, model), dtype=np.float64)
    pres, outs = [], []
    a = z[None, :]
    for layer in ctx.problem.network.layers:
        pre = layer.pre(a)
        a = layer.act(pre)
        pres.append(pre[0])
        outs.append(a[0])
    exact = exact_output(ctx.problem.network, z)
    check = check_latent(ctx.problem, z)
    fals = cnf_mod.falsified(ctx.cnf, model).tolist()
    return Pass(model, z, pres, outs, exact, check, fals, how)


def _complete(cnf: CNF, model: Sequence[int]) -> list[int]:
    """One signed literal per variable; unassigned variables become false."""
    vals = cnf_mod.assignment_values(cnf, list(model))
    return [v if vals[v - 1] > 0 else -v for v in range(1, cnf.nvars + 1)]


def _find_model(ctx: Context) -> tuple[list[int] | None, str]:
    """A model by the inversion back end (decoded and checked), else the reference
    SAT solver; ``None`` when the formula is unsatisfiable."""
    from ..pipeline import decide

    verdict = None
    start = time.perf_counter()
    try:
        decision = decide(ctx.problem, "auto", time_limit=ctx.time_limit)
        verdict = decision.verdict
    except InputError:
        decision = None
    if decision is not None and decision.certificate is not None:
        assert verdict is not None  # set with decision
        return decision.certificate, (
            f"found by inverting the network (reluhard.pipeline.decide, back end "
            f"{verdict.solver}), decoded with {ctx.red}.decode and checked against the CNF"
        )
    left = max(ctx.time_limit - (time.perf_counter() - start), 0.1)
    try:
        model = cnf_mod.solve(ctx.cnf, time_limit=left)
    except TimeLimitError:
        raise TimeLimitError(
            f"explain: no certificate found within {ctx.time_limit:g} s; give one with --cert "
            "or raise --time-limit"
        ) from None
    if model is None:
        by = (
            f"the inversion back end {verdict.solver} reports {verdict.status}, " if verdict else ""
        )
        return None, f"{by}the reference SAT solver {cnf_mod.REFERENCE_SOLVER} finds no model"
    return model, f"found by the reference SAT solver ({cnf_mod.REFERENCE_SOLVER})"


def _non_certificate(cnf: CNF, model: list[int] | None) -> tuple[list[int] | None, str]:
    """An assignment that falsifies some clause: the model with one variable flipped (the
    flip falsifying fewest clauses), else the all-false or all-true assignment, else a few
    random ones."""
    n = cnf.nvars
    if model is not None:
        best = None
        for i in range(n):
            flipped = list(model)
            flipped[i] = -flipped[i]
            k = cnf_mod.falsified(cnf, flipped).size
            if k and (best is None or k < best[0]):
                best = (k, i, flipped)
        if best is not None:
            i = best[1]
            now = "true" if best[2][i] > 0 else "false"
            return best[2], f"the certificate of step 5 with x{i + 1} flipped (now {now})"
    candidates = [([-v for v in range(1, n + 1)], "the all-false assignment")]
    candidates.append((list(range(1, n + 1)), "the all-true assignment"))
    rng = np.random.default_rng(0)
    for _ in range(200):
        signs = rng.choice([-1, 1], size=n)
        candidates.append(((signs * np.arange(1, n + 1)).tolist(), "a random assignment"))
    for cand, how in candidates:
        if cnf_mod.falsified(cnf, cand).size:
            return cand, how
    return None, ""


def analyse(
    source: Source, problem: InversionProblem, cert, cert_name, time_limit: float = 60.0
) -> Context:
    if source.kind != "cnf":
        raise InputError(None, None, f"explain takes a CNF instance, not a '{source.kind}' one")
    cnf = source.instance
    red = problem.reduction.name if problem.reduction else "?"
    distinct, special = _clause_tags(cnf)
    long, short = _labels(red, cnf, problem, distinct)
    ctx = Context(
        source, problem, cnf, red, source.name or "(in memory)", long, short, distinct, special
    )
    ctx.time_limit = time_limit
    given = None
    if cert is not None:
        try:
            given = _complete(cnf, cert)
        except ValueError as e:
            raise InputError(cert_name, None, f"certificate: {e}") from None
        missing = cnf.nvars - len({abs(int(x)) for x in cert if int(x)})
        where = f"from {cert_name}" if cert_name else "given"
        how = f"the assignment {where}" + (
            f" ({missing} unassigned variables taken as false)" if missing else ""
        )
        given_pass = _push(ctx, given, how)
        if not given_pass.falsified:
            ctx.certificate = given_pass
        else:
            ctx.non_certificate = given_pass
            names = ", ".join(clause_name(ctx, j) for j in given_pass.falsified[:5])
            more = len(given_pass.falsified) - 5
            ctx.notes5.append(
                Para(
                    f"The assignment {where} is not a certificate: it falsifies "
                    f"{len(given_pass.falsified)} clause(s), {names}"
                    + (f" and {more} more" if more > 0 else "")
                    + ". Step 6 pushes it through the network.",
                    "bad",
                )
            )
    if ctx.certificate is None:
        model, how = _find_model(ctx)
        ctx.solver_note = how
        if model is not None:
            ctx.certificate = _push(ctx, _complete(cnf, model), how)
            if ctx.notes5:
                ctx.notes5.append(Para("Here is a certificate instead."))
    if ctx.non_certificate is None:
        nc, how = _non_certificate(cnf, ctx.certificate.model if ctx.certificate else None)
        if nc is not None:
            ctx.non_certificate = _push(ctx, nc, how)
    return ctx


def clause_name(ctx: Context, j: int) -> str:
    """``c3: (x1 | ~x2)``: clause ``j`` (0-based) as its unit is labelled."""
    return clause_label(j, ctx.clause_w[j])
