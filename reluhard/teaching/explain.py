"""``reluhard explain``: watch a reduction happen on a small instance, step by step.

For a CNF and one of the SAT reductions (``sat-sign``, ``sat-real``) this produces:

1. the instance (variables, numbered clauses, and which are unit, empty, tautological or
   repeated);
2. how each clause becomes a ReLU unit (and, for ``sat-real``, the clamp layers and the
   ``|v_i|`` units);
3. every weight matrix as a table with row and column labels, biases in a last column
   (the nonzero entries per row when the table is wider than the terminal);
4. the target, the latent domain and, for ``sat-real``, why ``[-1,1]^n`` loses nothing;
5. a worked example: a certificate (given, or found by an inversion back end) encoded to a
   latent, the forward pass layer by layer, and the output meeting the target, confirmed by
   the exact check :func:`reluhard.inversion.check_latent`;
6. the same for a non-certificate, showing which clause units fire.

:func:`explain` returns the terminal text and, with ``out_dir``, writes ``explain.html``
(self-contained: inline CSS, the figure embedded as base64 PNG, no scripts) and
``network.png`` (units as nodes in one column per layer, edges coloured by weight sign).
Instances with more than 30 variables or 60 clauses are summarised on the terminal (sizes,
nonzeros, the first few clauses and units, "... N more"); the HTML page shows up to 200
variables and 1000 clauses in full.

:func:`add_arguments` and :func:`run` are the command-line side (``reluhard explain INPUT
[--via NAME] [--cert CERT] [--out DIR] [--width COLS]``).
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import re
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from .. import reductions, solvers
from ..errors import InputError
from ..inversion import InversionProblem, LatentCheck, Source, check_latent
from ..network import exact_output
from ..problems import cnf as cnf_mod
from ..problems.cnf import CNF

__all__ = ["explain", "add_arguments", "run", "read_certificate"]

TEXT_LIMITS_VARS, TEXT_LIMITS_CLAUSES = 30, 60


# ---------------------------------------------------------------------------------------
# the document: one list of blocks, rendered as terminal text and as HTML


@dataclass(frozen=True)
class Limits:
    """How much a renderer shows in full: instances beyond ``max_vars`` / ``max_clauses``
    are summarised, showing ``head`` items of each long list."""

    max_vars: int
    max_clauses: int
    head: int


TEXT = Limits(TEXT_LIMITS_VARS, TEXT_LIMITS_CLAUSES, 8)
HTML = Limits(200, 1000, 40)


@dataclass
class Heading:
    text: str


@dataclass
class Para:
    text: str
    kind: str = ""  # "", "ok", "bad", "note"


@dataclass
class Pre:
    lines: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    marks: list[str] = field(default_factory=list)  # per row: "" or "fire"
    more: str = ""  # a closing "... N more" line
    numeric: tuple[int, ...] = ()  # right-aligned (numeric) columns


@dataclass
class Vector:
    """Named values, ``name=value`` on the terminal, a two-row table in HTML."""

    caption: str
    names: list[str]
    values: list[str]
    more: str = ""
    marks: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    """Rows of a weight matrix with labels; ``W`` dense (the shown rows only)."""

    title: str
    row_labels: list[str]
    col_labels: list[str]
    W: np.ndarray
    b: np.ndarray
    more: str = ""


@dataclass
class Image:
    png: bytes
    alt: str
    font_px: float = 14.0  # the labels' height at full size: the page never shrinks it below 10.5


Block = Heading | Para | Pre | Table | Vector | Matrix | Image


def _fmt(x) -> str:
    """A number as a person writes it: ``2``, ``-1``, ``0.5``, ``1/3``."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else str(x)
    x = float(x)
    if x == int(x) and abs(x) < 2**53:
        return str(int(x))
    return f"{x:.6g}"


def _lit(literal: int) -> str:
    return f"x{literal}" if literal > 0 else f"~x{-literal}"


# ---------------------------------------------------------------------------------------
# analysis: everything computed once, shown by both renderers


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


def _clause_label(j: int, lits: Sequence[int], limit: int = 48) -> str:
    body = " | ".join(_lit(x) for x in lits) if len(lits) else "empty"
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
            t.append(f"unit: forces {_lit(d[0])}")
        if len(d) < len(c):
            rep = sorted({x for x in c if c.count(x) > 1}, key=abs)
            t.append("repeated literal " + ", ".join(map(_lit, rep)) + " (counted once)")
        if key in first_seen:
            t.append(f"repeats c{first_seen[key] + 1}")
        else:
            first_seen[key] = j
        tags.append(t)
    return distinct, tags


def _labels(red: str, cnf: CNF, problem: InversionProblem, distinct) -> tuple[list, list]:
    n, m = cnf.nvars, cnf.nclauses
    xs = [f"x{i}" for i in range(1, n + 1)]
    clauses_long = [_clause_label(j, distinct[j]) for j in range(m)]
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
    red = reductions.get(ctx.red)
    try:
        verdict = solvers.solve(ctx.problem, "auto", time_limit=60)
    except InputError:
        verdict = None
    if verdict is not None and verdict.status == solvers.INVERTIBLE:
        model = red.decode(ctx.cnf, [float(v) for v in verdict.latent])
        if cnf_mod.check(ctx.cnf, model):
            return model, (
                f"found by inverting the network (reluhard.solvers.solve, back end "
                f"{verdict.solver}), decoded with {ctx.red}.decode and checked against the CNF"
            )
    model = cnf_mod.solve(ctx.cnf)
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


def _analyse(source: Source, problem: InversionProblem, cert, cert_name) -> Context:
    if source.kind != "cnf":
        raise InputError(None, None, f"explain takes a CNF instance, not a '{source.kind}' one")
    cnf = source.instance
    red = problem.reduction.get("name", "?")
    distinct, special = _clause_tags(cnf)
    long, short = _labels(red, cnf, problem, distinct)
    ctx = Context(
        source, problem, cnf, red, source.name or "(in memory)", long, short, distinct, special
    )
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
            names = ", ".join(_clause_name(ctx, j) for j in given_pass.falsified[:5])
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


def _clause_name(ctx: Context, j: int) -> str:
    """``c3: (x1 | ~x2)``: clause ``j`` (0-based) as its unit is labelled."""
    return _clause_label(j, ctx.clause_w[j])


# ---------------------------------------------------------------------------------------
# building the document


def _big(ctx: Context, lim: Limits) -> bool:
    return ctx.cnf.nvars > lim.max_vars or ctx.cnf.nclauses > lim.max_clauses


def _assignment_text(model: Sequence[int], limit: int = 40) -> str:
    parts = [f"x{abs(v)}={'T' if v > 0 else 'F'}" for v in model[:limit]]
    if len(model) > limit:
        parts.append(f"... ({len(model) - limit} more)")
    return " ".join(parts)


def _step1(ctx: Context, lim: Limits) -> list[Block]:
    cnf = ctx.cnf
    n, m = cnf.nvars, cnf.nclauses
    big = _big(ctx, lim)
    out: list[Block] = [Heading("Step 1. The instance")]
    out.append(
        Para(
            f"{ctx.name}: a CNF formula over {n} variables x1..x{n} with {m} clauses and "
            f"{cnf.literals.size} literal occurrences. A clause is an OR of literals (~x "
            "means 'not x'); the formula is the AND of its clauses. A certificate is a model: "
            "an assignment of true/false to the variables that satisfies every clause."
        )
    )
    shown = range(min(m, lim.head)) if big else range(m)
    rows = [
        [
            f"c{j + 1}",
            _clause_label(j, cnf.clause(j).tolist(), 200)[len(f"c{j + 1}: ") :],
            "; ".join(ctx.special[j]),
        ]
        for j in shown
    ]
    more = f"... {m - len(shown)} more clauses" if len(shown) < m else ""
    out.append(Table(["clause", "literals (as written)", "notes"], rows, more=more))
    kinds = {"unit": [], "empty": [], "tautology": [], "repeated literal": [], "repeats": []}
    for j, tags in enumerate(ctx.special):
        for t in tags:
            for k in kinds:
                if t.startswith(k):
                    kinds[k].append(j)
    parts = []
    names = {
        "unit": "unit",
        "empty": "empty",
        "tautology": "tautological",
        "repeated literal": "with a repeated literal",
        "repeats": "repeating an earlier clause",
    }
    for k, js in kinds.items():
        if js:
            listed = ", ".join(f"c{j + 1}" for j in js[:10]) + (" ..." if len(js) > 10 else "")
            parts.append(f"{len(js)} {names[k]} ({listed})")
    if parts:
        out.append(Para("Special clauses: " + "; ".join(parts) + "."))
    else:
        out.append(
            Para(
                "Special clauses: none (no unit, empty or tautological clause, no repeated "
                "literal or clause)."
            )
        )
    return out


def _clause_unit_rows(ctx: Context, lim: Limits, on: str) -> Table:
    """Per clause: the unit's nonzero weights, bias, and when it fires."""
    cnf = ctx.cnf
    m = cnf.nclauses
    big = _big(ctx, lim)
    layer = ctx.problem.network.layers[0 if ctx.red == "sat-sign" else 2]
    W = sp.csr_array(layer.W) if not sp.issparse(layer.W) else layer.W
    shown = range(min(m, lim.head)) if big else range(m)
    rows = []
    for j in shown:
        lo, hi = W.indptr[j], W.indptr[j + 1]
        prefix = "x" if on == "x" else "g"
        terms = " ".join(
            f"{'+' if w > 0 else '-'}{_fmt(abs(w)) if abs(w) != 1 else ''}{prefix}{i + 1}"
            for i, w in zip(W.indices[lo:hi], W.data[lo:hi], strict=True)
        )
        d = ctx.clause_w[j]
        taut = any(-x in d for x in d)
        if not d:
            fires = "always (empty clause)"
        elif taut:
            fires = "never (tautology)"
        else:
            fires = " and ".join(f"{_lit(x).lstrip('~')}={'F' if x > 0 else 'T'}" for x in d)
        rows.append(
            [
                ctx.labels[1 if ctx.red == "sat-sign" else 3][j],
                terms or "(none)",
                _fmt(layer.b[j]),
                fires,
            ]
        )
    more = f"... {m - len(shown)} more clause units" if len(shown) < m else ""
    head = ["unit", f"weights on {'x' if on == 'x' else 'g'}", "bias", "fires (outputs 1) iff"]
    return Table(head, rows, more=more, numeric=(2,))


def _step2(ctx: Context, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 2. From clauses to ReLU units")]
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    net = ctx.problem.network
    red_mod = reductions.get(ctx.red) if ctx.red in reductions.REGISTRY else None
    if red_mod is not None:
        out.append(Para(f"{ctx.red}: {red_mod.SUMMARY}."))
    widths = "-".join(map(str, net.widths))
    nnz = sum(layer.nnz for layer in net.layers)
    acts = ", ".join(
        "ReLU"
        if layer.activation == "relu"
        else "linear"
        if layer.activation == "identity"
        else layer.activation
        for layer in net.layers
    )
    out.append(
        Para(
            f"The network has {len(net.layers)} layers ({acts}), widths {widths}, "
            f"{nnz} nonzero weights. Layer k computes act(W_k a + b_k) of the previous "
            "layer's output a; the input is the latent z, one coordinate per variable "
            "(the input column x_i of the tables holds z_i)."
        )
    )
    common = [
        "With w = the number of distinct literals of the clause and t of them",
        "true (z_i = +1: x_i true, -1: false), each true literal contributes -1",
        "and each false one +1 to the weighted sum:",
        "    pre-activation = (w - t) - t + (1 - w) = 1 - 2t",
        "so ReLU(1 - 2t) is 1 when t = 0 (the clause is falsified) and 0 when t >= 1.",
    ]
    specials = [
        "Fixes for odd clauses (the papers' bias -(k-1) assumes k distinct literals):",
        "  a unit clause (w = 1) gets bias 0; a repeated literal counts once;",
        "  a tautology (x and ~x) gets a zero row and bias -1: it never fires;",
        "  an empty clause gets a zero row and bias 1: it always fires.",
    ]
    if ctx.red == "sat-sign":
        out.append(
            Para(
                "Layer 1 (ReLU) has one unit per clause: unit j reads clause j: weight -1 on "
                "x_i for a positive literal, +1 for a negative one, bias 1 - width; with t true "
                "literals its pre-activation is 1 - 2t, so it fires (outputs 1) only when the "
                "clause is falsified. Layer 2 (linear) adds the units up: G(z) is the number "
                "of clauses the assignment z falsifies."
            )
        )
        out.append(Pre(common + [""] + specials))
        out.append(_clause_unit_rows(ctx, lim, "x"))
    elif ctx.red == "sat-real":
        out.append(
            Para(
                "The latent z is real. Two ReLU layers clamp it to [-1, 1]; the clause units "
                "of sat-sign then read the clamped v; 2n more units measure |v_i|, and the "
                "linear output layer adds up the clause units (falsified clauses) and the "
                "|v_i| units separately."
            )
        )
        out.append(
            Pre(
                [
                    f"layer 1 (ReLU, {n} units):  h_i = ReLU(z_i + 1) = max(z_i, -1) + 1",
                    f"layer 2 (ReLU, {n} units):  g_i = ReLU(2 - h_i) = 1 - clamp(z_i, -1, 1),",
                    "                            so v_i := 1 - g_i = clamp(z_i, -1, 1)",
                    f"layer 3 (ReLU, {m} + 2*{n} units):",
                    "    c_j    = ReLU(sum_i C_ji v_i + c_j)       sat-sign's unit j, on v",
                    "           = ReLU(-sum_i C_ji g_i + sum_i C_ji + c_j)    v = 1 - g folded in",
                    "    |v_i|+ = ReLU(v_i)  = ReLU(1 - g_i)",
                    "    |v_i|- = ReLU(-v_i) = ReLU(g_i - 1)",
                    "layer 4 (linear, 2 units):",
                    "    out1 = sum_j c_j                          the number of falsified clauses",
                    "    out2 = sum_i (|v_i|+ + |v_i|-) = sum_i |v_i|",
                    "",
                    "On a corner v in {-1,1}^n the clause unit c_j behaves as in sat-sign:",
                ]
                + ["  " + s for s in common[:4]]
                + [""]
                + specials
            )
        )
        out.append(
            Para(
                "Clause units of layer 3, as they read g (weights -C_j, bias C_j 1 + c_j; on v "
                "they are the sat-sign weights -1 / +1 and bias 1 - width):"
            )
        )
        out.append(_clause_unit_rows(ctx, lim, "g"))
    else:
        out.append(Para(f"(No step-by-step explanation for reduction '{ctx.red}' yet.)"))
    return out


def _matrix_block(ctx: Context, k: int, lim: Limits) -> list[Block]:
    """Layer ``k`` (1-based) as a Matrix block (the shown rows only)."""
    layer = ctx.problem.network.layers[k - 1]
    rows_total = layer.shape[0]
    big = _big(ctx, lim)
    nshow = min(rows_total, lim.head) if big and rows_total > lim.head else rows_total
    W = layer.W[:nshow].toarray() if layer.sparse else np.asarray(layer.W[:nshow])
    act = {"relu": "ReLU", "identity": "linear (identity)"}.get(layer.activation, layer.activation)
    title = (
        f"Layer {k}: W{k} is {layer.shape[0]} x {layer.shape[1]} ({layer.nnz} nonzeros), "
        f"activation {act}"
    )
    more = f"... {rows_total - nshow} more rows" if nshow < rows_total else ""
    return [
        Matrix(
            title,
            ctx.labels[k][:nshow],
            ctx.short[k - 1],
            W,
            layer.b[:nshow],
            more,
        )
    ]


def _step3(ctx: Context, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 3. The weight matrices")]
    out.append(
        Para(
            "Row = a unit of the layer, column = a unit of the previous layer (the input "
            "columns x_i hold the latent z_i), last column = the bias. Unit value = "
            "act(row . previous values + bias)."
        )
    )
    for k in range(1, len(ctx.problem.network.layers) + 1):
        out.extend(_matrix_block(ctx, k, lim))
    return out


def _step4(ctx: Context, lim: Limits) -> list[Block]:
    p = ctx.problem
    n = ctx.cnf.nvars
    out: list[Block] = [Heading("Step 4. Target and latent domain")]
    target = "(" + ", ".join(_fmt(v) for v in p.target) + ")"
    out.append(
        Para(
            f"Target x = {target}; query {p.query.describe()}; latent domain {p.domain.describe()}."
        )
    )
    if ctx.red == "sat-sign":
        out.append(
            Para(
                "z_i = +1 means x_i is true, z_i = -1 false, so the latents are exactly the "
                "assignments. G(z) counts the clauses z falsifies, so G(z) = 0 iff z is a "
                "model: the network is invertible at x = 0 iff the formula is satisfiable."
            )
        )
    elif ctx.red == "sat-real":
        out.append(
            Para(
                f"out2 = sum_i |v_i| with every |v_i| <= 1, so out2 = {n} = n iff every "
                "|v_i| = 1: v is a corner of the cube, an assignment (v_i = +1: x_i true). "
                "Then out1 counts the clauses it falsifies, as in sat-sign. So G(z) = (0, n) "
                "iff every |z_i| >= 1 and sign(z) is a model."
            )
        )
        out.append(
            Para(
                "Why [-1,1]^n is without loss of generality: layers 1 and 2 compute "
                "g = 1 - clamp(z, -1, 1), and nothing else reads z, so G reads z only through "
                "clamp(z): G(z) = G(clamp(z)). If some z solves, clamp(z), which lies in "
                "[-1,1]^n, solves too. A solver may therefore search the box."
            )
        )
        base = ctx.certificate or ctx.non_certificate
        if base is not None and n:
            z3 = 3 * base.z
            z3[0] = 0.5 * z3[0]
            zc = np.clip(z3, -1, 1)
            out.append(
                Pre(
                    [
                        "For instance (exact outputs):",
                        f"  z          = {_vec(z3)}",
                        f"  G(z)       = {_vec(exact_output(p.network, z3))}",
                        f"  clamp(z)   = {_vec(zc)}",
                        f"  G(clamp z) = {_vec(exact_output(p.network, zc))}  (the same)",
                    ]
                )
            )
        z0 = np.zeros(n)
        g0 = exact_output(p.network, z0)
        out.append(
            Para(
                f"Why out2 is needed: at z = 0 every v_i = 0, each clause unit reads 1 - w <= 0 "
                f"and the first output is {_fmt(g0[0])}"
                + (" (it meets its target)" if g0[0] == 0 else "")
                + f", but out2 = {_fmt(g0[1])}, not {n}: the |v_i| units rule out the "
                "fractional points in the middle of the cube."
            )
        )
    return out


def _vec(values, limit: int = 12) -> str:
    vals = [_fmt(v) for v in list(values)]
    if len(vals) > limit:
        vals = vals[:limit] + [f"... ({len(vals) - limit} more)"]
    return "(" + ", ".join(vals) + ")"


def _true_lits(ctx: Context, model: Sequence[int], j: int) -> int:
    s = set(model)
    return sum(1 for x in ctx.clause_w[j] if x in s)


def _pass_blocks(ctx: Context, ps: Pass, lim: Limits) -> list[Block]:
    p = ctx.problem
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    big = _big(ctx, lim)
    out: list[Block] = []
    dimacs = " ".join(map(str, ps.model[:60])) + (" ..." if len(ps.model) > 60 else "")
    out.append(Para(f"Assignment {_assignment_text(ps.model)} (DIMACS: {dimacs}): {ps.how}."))
    red_mod = reductions.get(ctx.red)
    out.append(
        _vector(
            f"Latent z = {ctx.red}.encode(assignment) (+1 = true, -1 = false):",
            ctx.short[0],
            ps.z,
            lim,
            big,
        )
    )
    net = p.network
    clause_layer = {"sat-sign": 0, "sat-real": 2}.get(ctx.red)
    for k, layer in enumerate(net.layers):
        pre, val = ps.pres[k], ps.outs[k]
        act = "ReLU" if layer.activation == "relu" else "linear"
        names = ctx.short[k + 1]
        if k == clause_layer:
            out.append(
                Para(
                    f"Layer {k + 1} ({act}): clause units"
                    + (" (reading v = 1 - g = clamp(z))" if ctx.red == "sat-real" else "")
                    + "; t = true literals, pre = pre-activation, out = output:"
                )
            )
            fire = [j for j in range(m) if val[j] > 0]
            if big and m > lim.head:
                shown = sorted(set(range(lim.head)) | set(fire[: 3 * lim.head]))
            else:
                shown = list(range(m))
            rows, marks = [], []
            for j in shown:
                rows.append(
                    [
                        ctx.labels[k + 1][j],
                        str(_true_lits(ctx, ps.model, j)),
                        _fmt(pre[j]),
                        _fmt(val[j]),
                        "<- fires: falsified" if val[j] > 0 else "",
                    ]
                )
                marks.append("fire" if val[j] > 0 else "")
            rest = m - len(shown)
            more = ""
            if rest:
                unshown_fire = len(fire) - sum(1 for j in shown if val[j] > 0)
                more = f"... {rest} more clause units" + (
                    f" ({unshown_fire} of them fire)" if unshown_fire else " (all output 0)"
                )
            head = ["unit", "t", "pre", "out", ""]
            out.append(Table(head, rows, marks, more, (1, 2, 3)))
            out.append(
                Para(
                    f"{len(fire)} of {m} clause units fire"
                    + (": " + ", ".join(f"c{j + 1}" for j in fire[:20]) if fire else "")
                    + (" ..." if len(fire) > 20 else "")
                    + "."
                )
            )
            if ctx.red == "sat-real":
                out.append(
                    _vector(
                        "  and the |v_i| units (|v_i|+ = ReLU(v_i), |v_i|- = ReLU(-v_i)):",
                        names[m:],
                        val[m:],
                        lim,
                        big,
                    )
                )
        elif ctx.red == "sat-real" and k in (0, 1):
            what = "h = ReLU(z + 1)" if k == 0 else "g = ReLU(2 - h) = 1 - clamp(z)"
            out.append(_vector(f"Layer {k + 1} ({act}): {what}:", names, val, lim, big))
            if k == 1:
                out.append(
                    _vector(
                        "  so v = 1 - g = clamp(z) =",
                        [f"v{i}" for i in range(1, n + 1)],
                        1 - val,
                        lim,
                        big,
                    )
                )
        else:
            out.append(_vector(f"Layer {k + 1} ({act}), the output G(z):", names, val, lim, big))
    target = "(" + ", ".join(_fmt(v) for v in p.target) + ")"
    got = "(" + ", ".join(_fmt(v) for v in ps.exact) + ")"
    meets = all(Fraction(a) == Fraction(float(b)) for a, b in zip(ps.exact, p.target, strict=True))
    out.append(
        Para(
            f"Output G(z) = {got}, target x = {target}: "
            + ("the output meets the target." if meets else "the output misses the target.")
        )
    )
    if ps.check.ok:
        out.append(
            Para(
                "Exact check PASSED (reluhard.inversion.check_latent, rational arithmetic, no "
                "tolerance): z is in the domain and G(z) = x exactly.",
                "ok",
            )
        )
    else:
        out.append(
            Para(
                f"Exact check FAILED (reluhard.inversion.check_latent): {ps.check.reason}.",
                "bad",
            )
        )
    back = red_mod.decode(ctx.cnf, ps.z)
    if ps.falsified:
        names = [_clause_name(ctx, j) for j in ps.falsified]
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        out.append(
            Para(
                f"Not a certificate: the assignment falsifies {len(names)} clause(s): {shown}. "
                "Each falsified clause is a unit that fires, and each adds 1 to out"
                + ("1" if ctx.red == "sat-real" else "")
                + ".",
                "bad",
            )
        )
    else:
        same = "gives back the assignment" if back == ps.model else "decodes to a model"
        out.append(
            Para(
                f"{ctx.red}.decode(z) {same}; problems.cnf.check confirms it satisfies all "
                f"{m} clauses: a certificate of the formula.",
                "ok",
            )
        )
    return out


def _vector(caption: str, names, values, lim: Limits, big: bool) -> Vector:
    vals = [_fmt(v) for v in values]
    names = list(names)
    limit = lim.head * 3 if big else len(vals)
    more = f"... {len(vals) - limit} more" if len(vals) > limit else ""
    return Vector(caption, names[:limit], vals[:limit], more)


def _step5(ctx: Context, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 5. Worked example: a certificate")]
    out.extend(ctx.notes5)
    if ctx.certificate is None:
        out.append(
            Para(
                f"The formula is UNSATISFIABLE ({ctx.solver_note}): no assignment satisfies "
                "every clause, so no latent meets the target and there is no certificate to "
                "show. On to a non-certificate.",
                "bad",
            )
        )
        return out
    out.extend(_pass_blocks(ctx, ctx.certificate, lim))
    return out


def _step6(ctx: Context, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 6. A non-certificate")]
    if ctx.non_certificate is None:
        out.append(Para("Every assignment tried satisfies the formula: nothing to show."))
        return out
    out.extend(_pass_blocks(ctx, ctx.non_certificate, lim))
    return out


def _document(ctx: Context, lim: Limits, figure: tuple[bytes, float] | None) -> list[Block]:
    p = ctx.problem
    net = p.network
    red_mod = reductions.get(ctx.red) if ctx.red in reductions.REGISTRY else None
    doc: list[Block] = [
        Heading(f"reluhard explain: {ctx.name} via {ctx.red}"),
        Para(
            (f"Reduction {ctx.red}: {red_mod.THEOREM} ({red_mod.PAPER}). " if red_mod else "")
            + f"{ctx.cnf.nvars} variables, {ctx.cnf.nclauses} clauses -> "
            f"{len(net.layers)} layers, widths {'-'.join(map(str, net.widths))}, "
            f"{sum(layer.nnz for layer in net.layers)} nonzero weights."
        ),
    ]
    if _big(ctx, lim):
        doc.append(
            Para(
                f"(More than {lim.max_vars} variables or {lim.max_clauses} clauses: long "
                f"lists are cut after {lim.head} items.)",
                "note",
            )
        )
    doc += _step1(ctx, lim) + _step2(ctx, lim) + _step3(ctx, lim)
    if figure is not None:
        doc.append(Heading("The network, drawn"))
        doc.append(Image(figure[0], f"the {ctx.red} network of {ctx.name}", figure[1]))
    doc += _step4(ctx, lim) + _step5(ctx, lim) + _step6(ctx, lim)
    return doc


# ---------------------------------------------------------------------------------------
# terminal text


def _text_table(header: list[str], rows: list[list[str]], numeric) -> list[str]:
    ncol = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(ncol)]

    def line(cells):
        parts = [
            c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return ("  " + "  ".join(parts)).rstrip()

    sep = ("  " + "  ".join("-" * w for w in widths)).rstrip()
    return [line(header), sep] + [line(r) for r in rows]


def _sparse_terms(row: np.ndarray, cols: list[str]) -> str:
    nz = np.flatnonzero(row)
    if nz.size > 12 and np.all(row[nz] == row[nz[0]]) and nz[-1] - nz[0] + 1 == nz.size:
        w = row[nz[0]]
        return f"{'+' if w > 0 else ''}{_fmt(w)} on each of {cols[nz[0]]}..{cols[nz[-1]]}"
    terms = []
    for i in nz[:16]:
        w = row[i]
        mag = "" if abs(w) == 1 else _fmt(abs(w)) + "*"
        terms.append(f"{'+' if w > 0 else '-'}{mag}{cols[i]}")
    if nz.size > 16:
        terms.append(f"... ({nz.size - 16} more terms)")
    return " ".join(terms) if terms else "(no weights)"


def _matrix_text(mx: Matrix, width: int) -> list[str]:
    lines = [mx.title + ":"]
    header = ["", *mx.col_labels, "bias"]
    rows = [
        [lab, *(_fmt(v) if v else "." for v in row), _fmt(b)]
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True)
    ]
    table = _text_table(header, rows, range(1, len(header)))
    if max(len(s) for s in table) <= width:
        lines += table
        if not np.all(mx.W):
            lines.append("  (. is 0)")
    else:
        lines.append("  (wider than the terminal: the nonzero weights of each row)")
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            text = f"{lab}: {_sparse_terms(row, mx.col_labels)}, bias {_fmt(b)}"
            lines += textwrap.wrap(
                text, width, initial_indent="  ", subsequent_indent="      "
            ) or ["  " + text]
    if mx.more:
        lines.append("  " + mx.more)
    return lines


def render_text(doc: list[Block], width: int = 100) -> str:
    width = max(40, width)
    out: list[str] = []
    first = True
    for blk in doc:
        if isinstance(blk, Heading):
            if out and out[-1]:
                out.append("")
            out += [blk.text, ("=" if first else "-") * min(len(blk.text), width)]
            first = False
        elif isinstance(blk, Para):
            out += textwrap.wrap(blk.text, width, break_long_words=False, break_on_hyphens=False)
            out.append("")
        elif isinstance(blk, Pre):
            out += ["  " + s for s in blk.lines] + [""]
        elif isinstance(blk, Table):
            out += _text_table(blk.header, blk.rows, blk.numeric)
            if blk.more:
                out.append("  " + blk.more)
            out.append("")
        elif isinstance(blk, Vector):
            out += textwrap.wrap(blk.caption, width)
            pairs = [f"{a}={b}" for a, b in zip(blk.names, blk.values, strict=True)]
            if blk.more:
                pairs.append(blk.more)
            out += textwrap.wrap(
                "  ".join(pairs),
                width,
                initial_indent="    ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
            out.append("")
        elif isinstance(blk, Matrix):
            out += _matrix_text(blk, width) + [""]
        elif isinstance(blk, Image):
            continue
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       max-width: 1180px; margin: 24px auto; padding: 0 20px; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #334; padding-bottom: 6px; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccd; padding-bottom: 3px; }
h3 { font-size: 1.02em; margin: 1.3em 0 0.4em; }
pre { background: #f5f6f8; border: 1px solid #dde; padding: 10px 12px; overflow-x: auto;
      font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13.5px;
      line-height: 1.4; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 0.88em; }
th, td { border: 1px solid #d5d8de; padding: 2px 7px; }
th { background: #eef0f4; font-weight: 600; }
td.num, th.num { text-align: right; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
td.lab { white-space: nowrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table.matrix td { text-align: center; min-width: 1.6em;
                  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table.matrix td.lab { text-align: left; }
table.matrix th { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
                  font-weight: 500; }
td.pos { background: #dbe8fb; color: #0b3f91; }
td.neg { background: #fbdcdc; color: #9a1111; }
td.zero { color: #c4c7cc; }
td.zv { color: #444; }
td.bias { background: #f4f0e2; border-left: 2px solid #998; }
tr.fire td { background: #ffe3c2; }
.more { color: #666; font-style: italic; margin-top: -8px; }
p.ok { background: #e3f5e3; border-left: 4px solid #2a8a2a; padding: 6px 10px; }
p.bad { background: #fdeaea; border-left: 4px solid #b22; padding: 6px 10px; }
p.note { color: #555; font-style: italic; }
.scroll { overflow-x: auto; }
.figure img { max-width: none; border: 1px solid #dde; }
"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _html_matrix(mx: Matrix) -> list[str]:
    out = [f"<h3>{_e(mx.title)}</h3>"]
    if len(mx.col_labels) <= 60:
        out.append('<div class="scroll"><table class="matrix">')
        out.append(
            "<tr><th></th>"
            + "".join(f"<th>{_e(c)}</th>" for c in mx.col_labels)
            + "<th>bias</th></tr>"
        )
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            cells = "".join(
                f'<td class="{"pos" if v > 0 else "neg" if v < 0 else "zero"}">{_fmt(v)}</td>'
                for v in row
            )
            out.append(
                f'<tr><td class="lab">{_e(lab)}</td>{cells}<td class="bias">{_fmt(b)}</td></tr>'
            )
        out.append("</table></div>")
    else:
        out.append("<p>The nonzero weights of each row:</p>")
        out.append('<table><tr><th>unit</th><th>nonzero weights</th><th class="num">bias</th></tr>')
        for lab, row, b in zip(mx.row_labels, mx.W, mx.b, strict=True):
            out.append(
                f'<tr><td class="lab">{_e(lab)}</td><td class="lab">'
                f"{_e(_sparse_terms(row, mx.col_labels))}</td>"
                f'<td class="num">{_fmt(b)}</td></tr>'
            )
        out.append("</table>")
    if mx.more:
        out.append(f'<p class="more">{_e(mx.more)}</p>')
    return out


def render_html(doc: list[Block], title: str) -> str:
    body: list[str] = []
    first = True
    for blk in doc:
        if isinstance(blk, Heading):
            tag = "h1" if first else "h2"
            body.append(f"<{tag}>{_e(blk.text)}</{tag}>")
            first = False
        elif isinstance(blk, Para):
            cls = f' class="{blk.kind}"' if blk.kind else ""
            body.append(f"<p{cls}>{_e(blk.text)}</p>")
        elif isinstance(blk, Pre):
            body.append("<pre>" + _e("\n".join(blk.lines)) + "</pre>")
        elif isinstance(blk, Table):
            body.append('<div class="scroll"><table>')
            body.append(
                "<tr>"
                + "".join(
                    f"<th{' class=num' if i in blk.numeric else ''}>{_e(h)}</th>"
                    for i, h in enumerate(blk.header)
                )
                + "</tr>"
            )
            for r, row in enumerate(blk.rows):
                mark = blk.marks[r] if r < len(blk.marks) and blk.marks[r] else ""
                cls = f' class="{mark}"' if mark else ""
                body.append(
                    f"<tr{cls}>"
                    + "".join(
                        f'<td class="{"num" if i in blk.numeric else "lab"}">{_e(c)}</td>'
                        for i, c in enumerate(row)
                    )
                    + "</tr>"
                )
            body.append("</table></div>")
            if blk.more:
                body.append(f'<p class="more">{_e(blk.more)}</p>')
        elif isinstance(blk, Vector):
            body.append(f"<p>{_e(blk.caption)}</p>")
            body.append('<div class="scroll"><table class="matrix">')
            for c in range(0, len(blk.names), 20):  # rows of 20: no sideways scrolling
                names, values = blk.names[c : c + 20], blk.values[c : c + 20]
                body.append("<tr>" + "".join(f"<th>{_e(nm)}</th>" for nm in names) + "</tr>")
                body.append(
                    "<tr>"
                    + "".join(f'<td class="{_cell_class(v)}">{_e(v)}</td>' for v in values)
                    + "</tr>"
                )
            body.append("</table></div>")
            if blk.more:
                body.append(f'<p class="more">{_e(blk.more)}</p>')
        elif isinstance(blk, Matrix):
            body += _html_matrix(blk)
        elif isinstance(blk, Image):
            data = base64.b64encode(blk.png).decode("ascii")
            wpx, hpx = _png_size(blk.png)
            shown = round(max(wpx * min(1.0, 10.5 / blk.font_px), min(wpx, 1140)))
            body.append(
                '<div class="scroll figure"><img src="data:image/png;base64,'
                f'{data}" width="{shown}" height="{round(hpx * shown / wpx)}" '
                f'alt="{_e(blk.alt)}"></div>'
            )
            body.append(
                '<p class="note">The figure is drawn at full size (scroll sideways if it is '
                "wider than the window); it is also written as network.png.</p>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _cell_class(v: str) -> str:
    try:
        x = float(Fraction(v))
    except (ValueError, ZeroDivisionError):
        return ""
    return "pos" if x > 0 else "neg" if x < 0 else "zv"


# ---------------------------------------------------------------------------------------
# the figure

MAX_NODES = 40


def _select(n: int, groups: list[tuple[int, int]], must: set[int], cap: int) -> list:
    """Which units of a layer of ``n`` to draw: at most about ``cap``, spread over the
    ``groups`` (ranges), always including ``must``; a tuple ``("gap", k)`` stands for ``k``
    units left out (drawn as an ellipsis)."""
    if n <= cap:
        return list(range(n))
    chosen: set[int] = set()
    total = sum(b - a for a, b in groups)
    for a, b in groups:
        share = max(min(b - a, 3), round(cap * (b - a) / total))
        chosen |= set(range(a, min(b, a + share)))
    musts = set(sorted(must)[: cap // 2])
    chosen |= musts
    while len(chosen) > cap + len(musts):
        chosen.discard(max(i for i in chosen if i not in musts))
    for i in sorted(chosen):  # a gap of one or two units: draw them instead
        for d in (1, 2):
            if i + d + 1 in chosen and i + d < n:
                chosen |= set(range(i + 1, i + d + 1))
    out: list = []
    prev = -1
    for i in sorted(chosen):
        if i != prev + 1:
            out.append(("gap", i - prev - 1))
        out.append(i)
        prev = i
    if prev != n - 1:
        out.append(("gap", n - 1 - prev))
    return out


def draw_network(ctx: Context, path: str | None = None) -> tuple[bytes, float]:
    """The network as a PNG (returned, and written to ``path`` if given), and the height
    of its labels in pixels."""
    # a bare Figure renders with the Agg canvas: no pyplot, no global backend switch
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    net = ctx.problem.network
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    nc = ctx.non_certificate
    clause_layer = {"sat-sign": 1, "sat-real": 3}.get(ctx.red)
    fire: set[int] = set()
    if nc is not None and clause_layer is not None:
        fire = {j for j in range(m) if nc.outs[clause_layer - 1][j] > 0}
    # which units each column draws
    cols: list[list[int | None]] = []
    for k, w in enumerate(net.widths):
        if k == clause_layer and ctx.red == "sat-real":
            groups = [(0, m), (m, m + n), (m + n, m + 2 * n)]
        else:
            groups = [(0, w)]
        cols.append(_select(w, groups, fire if k == clause_layer else set(), MAX_NODES))
    small = max(net.widths) <= 14
    # node text
    texts: list[list[str]] = []
    for k, col in enumerate(cols):
        labs = []
        for i in col:
            if isinstance(i, tuple):
                labs.append(f"\u22ee {i[1]} more")
                continue
            lab = ctx.labels[k][i] if k == clause_layer else ctx.short[k][i]
            if k == len(cols) - 1:
                lab = ctx.labels[k][i]
            if k > 0 and small:
                lab += f"   b={_fmt(net.layers[k - 1].b[i])}"
            labs.append(lab)
        texts.append(labs)
    rows = max(len(c) for c in cols)
    fs = 9.5 if rows <= 14 else 8.5
    pitch = 0.48 if rows <= 14 else 0.29  # inches between nodes
    char = fs * 0.62 / 72  # DejaVu Sans Mono advance
    titles = _column_titles(ctx)
    boxw = [max([len(t) for t in labs] + [3]) * char + 0.25 for labs in texts]
    titlew = [max(len(s) for s in t.split("\n")) * (fs + 1) * 0.6 / 72 for t in titles]
    gaps = []
    for layer in net.layers:  # a one-to-one layer needs little room, a fan of edges more
        Wc = sp.csr_array(layer.W)
        one_to_one = Wc.nnz and max(np.diff(Wc.indptr).max(), np.bincount(Wc.indices).max()) == 1
        gaps.append(1.2 if one_to_one else 1.6 if rows <= 14 else 2.4)
    xs, x = [], 0.3
    for k, w in enumerate(boxw):
        span = max(w + (gaps[k] if k < len(gaps) else 0), titlew[k] + 0.3)
        xs.append(x + max(w, titlew[k]) / 2)
        x += span
    W = max(x + 0.3, 8.0)
    top, bottom = 1.5, 0.9
    H = max(4.5, rows * pitch + top + bottom)
    dpi = 120
    fig = Figure(figsize=(W, H), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.axis("off")
    ypos: list[dict[int, float]] = []
    ell: list[list[float]] = []
    for col in cols:
        h = (len(col) - 1) * pitch
        y0 = bottom + (rows - 1) * pitch / 2 + h / 2
        pos, el = {}, []
        for r, i in enumerate(col):
            y = y0 - r * pitch
            if isinstance(i, tuple):
                el.append((y, i[1]))
            else:
                pos[i] = y
        ypos.append(pos)
        ell.append(el)
    # edges
    for k, layer in enumerate(net.layers):
        Wk = sp.coo_array(layer.W) if layer.sparse else sp.coo_array(np.asarray(layer.W))
        if Wk.nnz == 0:
            continue
        wmax = float(np.abs(Wk.data).max())
        src, dst = ypos[k], ypos[k + 1]
        for r, c, w in zip(Wk.row.tolist(), Wk.col.tolist(), Wk.data.tolist(), strict=True):
            if r in dst and c in src and w:
                ax.plot(
                    [xs[k], xs[k + 1]],
                    [src[c], dst[r]],
                    color="#1f5fbf" if w > 0 else "#c62828",
                    lw=0.5 + 1.3 * abs(w) / wmax,
                    alpha=0.55,
                    zorder=1,
                    solid_capstyle="round",
                )
    # nodes
    for k, col in enumerate(cols):
        for i, lab in zip(col, texts[k], strict=True):
            if isinstance(i, tuple):
                continue
            face = "white"
            if k == clause_layer and i in fire:
                face = "#ffb74d"
            elif k == 0 and nc is not None:
                face = "#c8e6c9" if nc.z[i] > 0 else "#eeeeee"
            ax.text(
                xs[k],
                ypos[k][i],
                lab,
                ha="center",
                va="center",
                fontsize=fs,
                family="DejaVu Sans Mono",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.25", "fc": face, "ec": "#333", "lw": 0.7},
            )
        for y, hidden in ell[k]:
            ax.text(
                xs[k],
                y,
                f"\u22ee {hidden} more \u22ee",
                ha="center",
                va="center",
                fontsize=fs,
                color="#444",
                style="italic",
                zorder=3,
            )
    # titles
    formula = {
        "sat-sign": "G(z) = W2 ReLU(W1 z + b1) + b2",
        "sat-real": "G(z) = W4 ReLU(W3 ReLU(W2 ReLU(W1 z + b1) + b2) + b3) + b4",
    }.get(ctx.red, "")
    ax.text(
        W / 2,
        H - 0.15,
        f"{ctx.name} via {ctx.red}:  {formula}",
        ha="center",
        va="top",
        fontsize=fs + 2.5,
        weight="bold",
    )
    for k, t in enumerate(titles):
        ax.text(
            xs[k], H - 0.62, t, ha="center", va="top", fontsize=fs + 1, weight="bold", color="#333"
        )
    handles = [
        Line2D([], [], color="#1f5fbf", lw=2, label="weight > 0"),
        Line2D([], [], color="#c62828", lw=2, label="weight < 0"),
    ]
    if nc is not None:
        handles.append(Patch(fc="#c8e6c9", ec="#333", label="x_i true in the step-6 assignment"))
        if fire:
            names = ", ".join(f"c{j + 1}" for j in sorted(fire)[:6])
            more = " ..." if len(fire) > 6 else ""
            handles.append(Patch(fc="#ffb74d", ec="#333", label=f"fires there: {names}{more}"))
    ax.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        fontsize=fs,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    png = buf.getvalue()
    if path is not None:
        with open(path, "wb") as f:
            f.write(png)
    return png, fs * dpi / 72


def _column_titles(ctx: Context) -> list[str]:
    net = ctx.problem.network
    t = ["input: latent z\n(x_i: +1 true, -1 false)"]
    target = ", ".join(_fmt(v) for v in ctx.problem.target)
    if ctx.red == "sat-sign":
        t += [
            f"layer 1: ReLU\n{net.widths[1]} clause units",
            f"layer 2: linear\noutput, target ({target})",
        ]
    elif ctx.red == "sat-real":
        t += [
            "layer 1: ReLU\nh = ReLU(z + 1)",
            "layer 2: ReLU\ng = ReLU(2 - h)",
            "layer 3: ReLU\nclause units, |v_i| units",
            f"layer 4: linear\noutputs, target ({target})",
        ]
    else:
        t += [f"layer {k}" for k in range(1, len(net.layers) + 1)]
    return t


# ---------------------------------------------------------------------------------------
# entry points


def explain(
    source: Source,
    problem: InversionProblem,
    cert: list[int] | None = None,
    out_dir: str | os.PathLike | None = None,
    width: int = 100,
    *,
    cert_name: str | None = None,
) -> str:
    """The step-by-step explanation of ``problem`` (built from ``source``) as terminal text.

    ``cert`` is an assignment (DIMACS literals) to use as the worked example; without it a
    certificate is found by an inversion back end. With ``out_dir`` (created if needed) also
    writes ``explain.html`` and ``network.png`` there. ``cert_name`` names where ``cert``
    came from in messages.
    """
    ctx = _analyse(source, problem, cert, cert_name)
    text = render_text(_document(ctx, TEXT, None), width)
    if out_dir is not None:
        out = os.fspath(out_dir)
        try:
            os.makedirs(out, exist_ok=True)
            png_path = os.path.join(out, "network.png")
            figure = draw_network(ctx, png_path)
            page = render_html(
                _document(ctx, HTML, figure), f"reluhard explain: {ctx.name} via {ctx.red}"
            )
            html_path = os.path.join(out, "explain.html")
            with open(html_path, "w", encoding="utf-8") as f:
                f.write(page)
        except OSError as e:
            raise InputError(out, None, f"cannot write explanation: {e.strerror or e}") from None
        text += f"\nwrote {html_path}\nwrote {png_path}\n"
    return text


_INT = re.compile(r"^[+-]?\d+$")


def read_certificate(path: str | os.PathLike, nvars: int | None = None) -> list[int]:
    """An assignment from ``path``: a DIMACS model (whitespace-separated signed integers;
    ``c`` comment lines, an ``s SATISFIABLE`` line, ``v`` prefixes and a final ``0`` allowed,
    so a SAT solver's output works) or a solution JSON (``reluhard solve -o``) with a
    ``certificate`` list. Bad content raises :class:`InputError` with the file and line."""
    from ..problems.textio import read_bytes

    name = os.fspath(path)
    raw = read_bytes(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(name, line, "not a text file (invalid UTF-8)") from None
    if text.lstrip().startswith("{"):
        return _read_json_cert(name, text, nvars)
    lits: list[int] = []
    seen: dict[int, tuple[int, int]] = {}
    ended = None
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("c") or s.startswith("%"):
            continue
        if s.startswith("s"):
            word = s[1:].strip().upper()
            if word in ("UNSATISFIABLE", "UNKNOWN"):
                raise InputError(name, lineno, f"the solver output says {word}: no model in it")
            continue
        toks = s.split()
        if toks[0] == "v":
            toks = toks[1:]
        elif toks[0].startswith("v") and _INT.match(toks[0][1:]):
            toks[0] = toks[0][1:]
        for tok in toks:
            if ended is not None:
                raise InputError(name, lineno, f"'{tok}' after the terminating 0 (on line {ended})")
            if not _INT.match(tok):
                raise InputError(
                    name,
                    lineno,
                    f"'{tok}' is not a literal (expected signed integers, optional 'v' "
                    "prefix, final 0)",
                )
            if tok.lstrip("+") == "-0" or re.fullmatch(r"-0+", tok):
                raise InputError(name, lineno, "'-0' is not a literal")
            v = int(tok)
            if v == 0:
                ended = lineno
                continue
            _add_literal(name, lineno, v, nvars, seen)
            lits.append(v)
    if not lits:
        raise InputError(name, None, "no literals found (expected a DIMACS model like '1 -2 3 0')")
    return lits


def _add_literal(name, lineno, v: int, nvars, seen: dict) -> None:
    if nvars is not None and abs(v) > nvars:
        raise InputError(name, lineno, f"literal {v} exceeds the formula's {nvars} variables")
    prev = seen.get(abs(v))
    if prev is not None and prev[0] != v:
        where = f" (line {prev[1]} has {prev[0]})" if prev[1] else ""
        raise InputError(name, lineno, f"variable {abs(v)} is assigned both true and false{where}")
    seen[abs(v)] = (v, lineno)


def _read_json_cert(name: str, text: str, nvars: int | None) -> list[int]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(name, e.lineno, f"invalid JSON: {e.msg}") from None
    line = None
    for i, s in enumerate(text.splitlines(), 1):
        if '"certificate"' in s:
            line = i
            break
    if not isinstance(data, dict) or "certificate" not in data:
        raise InputError(name, 1, 'JSON without a "certificate" field (expected a solution file)')
    cert = data["certificate"]
    if cert is None:
        answer = data.get("answer", "no model")
        raise InputError(name, line, f"the solution has no certificate (answer: {answer})")
    if not isinstance(cert, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v != 0 for v in cert
    ):
        raise InputError(name, line, '"certificate" must be a list of nonzero integers')
    seen: dict = {}
    for v in cert:
        _add_literal(name, line, v, nvars, seen)
    return list(cert)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``reluhard explain``."""
    parser.add_argument(
        "input", metavar="INPUT", help="instance file (DIMACS CNF; .gz/.bz2/.xz ok)"
    )
    parser.add_argument(
        "--via", metavar="NAME", help="reduction (default for a CNF: sat-sign); see `reluhard list`"
    )
    parser.add_argument(
        "--cert",
        metavar="CERT",
        help="assignment for the worked example: a DIMACS model ('1 -2 3 0', 'v' lines ok) "
        'or a solution JSON with a "certificate" (default: found by a solver)',
    )
    parser.add_argument(
        "--out", metavar="DIR", help="also write DIR/explain.html and DIR/network.png"
    )
    parser.add_argument(
        "--width",
        metavar="COLS",
        type=int,
        default=None,
        help="text width (default: the terminal's, at most 160)",
    )


def run(args: argparse.Namespace) -> int:
    """``reluhard explain``: print the explanation; 0 on success (errors raise
    :class:`InputError`)."""
    from ..pipeline import load_source, reduce_source

    src = load_source(args.input)
    problem = reduce_source(src, getattr(args, "via", None))
    cert = None
    cert_path = getattr(args, "cert", None)
    if cert_path:
        cert = read_certificate(cert_path, src.instance.nvars)
    width = getattr(args, "width", None)
    if not width:
        width = min(160, shutil.get_terminal_size((100, 24)).columns)
    text = explain(src, problem, cert, getattr(args, "out", None), width, cert_name=cert_path)
    print(text, end="")
    return 0
