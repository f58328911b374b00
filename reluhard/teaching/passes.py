"""Steps 5 and 6 of ``reluhard explain`` (:mod:`.walkthrough` has steps 1-4): an assignment
pushed through the network layer by layer, as blocks. Step 5 shows a certificate meeting the
target and passing the exact check :func:`reluhard.inversion.check_latent`; step 6 a
non-certificate missing it, with the clause units that fire for its falsified clauses.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .. import reductions
from .analysis import Context, Pass, clause_name, summarised
from .blocks import Block, Heading, Limits, Para, Table, Vector, fmt


def _assignment_text(model: Sequence[int], limit: int = 40) -> str:
    parts = [f"x{abs(v)}={'T' if v > 0 else 'F'}" for v in model[:limit]]
    if len(model) > limit:
        parts.append(f"... ({len(model) - limit} more)")
    return " ".join(parts)


def _true_lits(ctx: Context, model: Sequence[int], j: int) -> int:
    s = set(model)
    return sum(1 for x in ctx.clause_w[j] if x in s)


def _pass_blocks(ctx: Context, ps: Pass, lim: Limits) -> list[Block]:
    """One assignment: its latent, every layer's values (the clause units as a table, the
    firing ones marked), the output against the target, the exact check, and the decoding."""
    p = ctx.problem
    n, m = ctx.cnf.nvars, ctx.cnf.nclauses
    big = summarised(ctx, lim)
    out: list[Block] = []
    dimacs = " ".join(map(str, ps.model[:60])) + (" ..." if len(ps.model) > 60 else "")
    out.append(Para(f"Assignment {_assignment_text(ps.model)} (DIMACS: {dimacs}): {ps.how}."))
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
                        fmt(pre[j]),
                        fmt(val[j]),
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
    target = "(" + ", ".join(fmt(v) for v in p.target) + ")"
    got = "(" + ", ".join(fmt(v) for v in ps.exact) + ")"
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
    decoded = reductions.certificate_of(ctx.problem, ps.z)
    back = decoded.certificate if decoded is not None else None
    if ps.falsified:
        names = [clause_name(ctx, j) for j in ps.falsified]
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        out.append(
            Para(
                f"Not a certificate: the assignment falsifies {len(names)} clause(s): {listed}. "
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
    vals = [fmt(v) for v in values]
    names = list(names)
    limit = lim.head * 3 if big else len(vals)
    more = f"... {len(vals) - limit} more" if len(vals) > limit else ""
    return Vector(caption, names[:limit], vals[:limit], more)


def certificate_step(ctx: Context, lim: Limits) -> list[Block]:
    """Step 5: the certificate (or why there is none) pushed through the network."""
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


def non_certificate_step(ctx: Context, lim: Limits) -> list[Block]:
    """Step 6: an assignment that is not a certificate pushed through the network."""
    out: list[Block] = [Heading("Step 6. A non-certificate")]
    if ctx.non_certificate is None:
        out.append(Para("Every assignment tried satisfies the formula: nothing to show."))
        return out
    out.extend(_pass_blocks(ctx, ctx.non_certificate, lim))
    return out
