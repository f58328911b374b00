"""The six steps of ``reluhard explain`` as one document (a list of blocks): the
instance, clauses becoming ReLU units, the weight matrices, the target and latent domain
(steps 1-4, the construction, here), then the certificate's forward pass and the
non-certificate's (steps 5 and 6, :mod:`.passes`), and for up to :data:`.truth.MAX_LATENTS`
variables every latent with its exact output and verdict (step 7, :mod:`.truth`).

Built from an analysed :class:`~.analysis.Context` and a :class:`~.blocks.Limits`, so the
same function produces the short terminal version and the fuller HTML one.
"""

from __future__ import annotations

import numpy as np

from .. import reductions
from ..network import exact_output
from . import truth
from .analysis import Context, clause_label, summarised
from .blocks import Block, Heading, Image, Limits, Matrix, Para, Pre, Table, fmt, lit
from .passes import certificate_step, non_certificate_step


def _step1(ctx: Context, lim: Limits) -> list[Block]:
    cnf = ctx.cnf
    n, m = cnf.nvars, cnf.nclauses
    big = summarised(ctx, lim)
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
            clause_label(j, cnf.clause(j).tolist(), 200)[len(f"c{j + 1}: ") :],
            "; ".join(ctx.special[j]),
        ]
        for j in shown
    ]
    more = f"... {m - len(shown)} more clauses" if len(shown) < m else ""
    out.append(Table(["clause", "literals (as written)", "notes"], rows, more=more))
    kinds: dict[str, list[int]] = {
        "unit": [],
        "empty": [],
        "tautology": [],
        "repeated literal": [],
        "repeats": [],
    }
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
    big = summarised(ctx, lim)
    layer = ctx.problem.network.layers[0 if ctx.red == "sat-sign" else 2]
    W = layer.csr
    shown = range(min(m, lim.head)) if big else range(m)
    rows = []
    for j in shown:
        lo, hi = W.indptr[j], W.indptr[j + 1]
        prefix = "x" if on == "x" else "g"
        terms = " ".join(
            f"{'+' if w > 0 else '-'}{fmt(abs(w)) if abs(w) != 1 else ''}{prefix}{i + 1}"
            for i, w in zip(W.indices[lo:hi], W.data[lo:hi], strict=True)
        )
        d = ctx.clause_w[j]
        taut = any(-x in d for x in d)
        if not d:
            fires = "always (empty clause)"
        elif taut:
            fires = "never (tautology)"
        else:
            fires = " and ".join(f"{lit(x).lstrip('~')}={'F' if x > 0 else 'T'}" for x in d)
        rows.append(
            [
                ctx.labels[1 if ctx.red == "sat-sign" else 3][j],
                terms or "(none)",
                fmt(layer.b[j]),
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
        out.append(Para(f"{ctx.red}: {red_mod.summary}."))
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
    big = summarised(ctx, lim)
    nshow = min(rows_total, lim.head) if big and rows_total > lim.head else rows_total
    W = layer.csr[:nshow].toarray() if layer.sparse else np.asarray(layer.W[:nshow])
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
    target = "(" + ", ".join(fmt(v) for v in p.target) + ")"
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
                f"and the first output is {fmt(g0[0])}"
                + (" (it meets its target)" if g0[0] == 0 else "")
                + f", but out2 = {fmt(g0[1])}, not {n}: the |v_i| units rule out the "
                "fractional points in the middle of the cube."
            )
        )
    return out


def _vec(values, limit: int = 12) -> str:
    vals = [fmt(v) for v in list(values)]
    if len(vals) > limit:
        vals = vals[:limit] + [f"... ({len(vals) - limit} more)"]
    return "(" + ", ".join(vals) + ")"


def document(ctx: Context, lim: Limits, figure: tuple[bytes, float] | None) -> list[Block]:
    p = ctx.problem
    net = p.network
    red_mod = reductions.get(ctx.red) if ctx.red in reductions.REGISTRY else None
    doc: list[Block] = [
        Heading(f"reluhard explain: {ctx.name} via {ctx.red}"),
        Para(
            (f"Reduction {ctx.red}: {red_mod.theorem} ({red_mod.paper}). " if red_mod else "")
            + f"{ctx.cnf.nvars} variables, {ctx.cnf.nclauses} clauses -> "
            f"{len(net.layers)} layers, widths {'-'.join(map(str, net.widths))}, "
            f"{sum(layer.nnz for layer in net.layers)} nonzero weights."
        ),
    ]
    if summarised(ctx, lim):
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
    doc += _step4(ctx, lim) + certificate_step(ctx, lim) + non_certificate_step(ctx, lim)
    if red_mod is not None and p.n <= truth.MAX_LATENTS:
        table = truth.rows(
            p, lambda z: red_mod.decode(ctx.cnf, z), lambda m: red_mod.fault(ctx.cnf, m)
        )
        doc.append(Heading("Step 7. Every latent"))
        doc += truth.blocks(p, table, lim, lambda m: " ".join(map(str, m)))
    return doc
