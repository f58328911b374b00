"""``reluhard explain`` on a graph or CVP reduction (``vertexcover-*``, ``halfclique-*``,
``cvp-*``): the instance, the construction's arithmetic as its module's docstring states it
(:mod:`.docstring`; one source), the parameter and constant values this instance uses, the
layers, weights, target, domain and query, a truth table of every latent for tiny inputs
(:mod:`.truth`), and a worked example: a certificate found by an inversion back end,
encoded, pushed through the network and checked exactly, then a non-certificate.

:func:`analyse` decides the problem once; :func:`document` builds the blocks for either
renderer and :func:`figure` the :class:`~.diagram.Figure` of ``network.png``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import pipeline, reductions
from ..errors import InputError, TimeLimitError
from ..inversion import InversionProblem, LatentCheck, Source, check_latent
from ..reductions.lift import Lifted
from ..status import Status
from . import truth
from .blocks import Block, Heading, Image, Limits, Matrix, Para, Table, Vector, fmt
from .diagram import Figure, layer_values
from .docstring import construction_docs, doc_blocks


@dataclass
class Example:
    """A latent pushed through the network: its values per column, the exact check, and
    the source certificate it decodes to with the source checker's verdict."""

    z: np.ndarray
    values: list[np.ndarray]
    check: LatentCheck
    certificate: Any
    fault: str | None
    how: str


@dataclass
class Analysis:
    source: Source
    problem: InversionProblem
    red: Any  # the registered reduction
    params: dict
    table: list[truth.Row] | None
    cert: Example | None
    noncert: Example | None
    note: str  # how the certificate was found, or why there is none


def _example(an_problem: InversionProblem, red, inst, params, z, how: str) -> Example:
    z = np.asarray(z, dtype=np.float64)
    cert = red.decode(inst, z, **params)
    return Example(z, layer_values(an_problem.network, z), check_latent(an_problem, z), cert,
                   red.fault(inst, cert, **params), how)  # fmt: skip


def analyse(source: Source, problem: InversionProblem, cert, time_limit: float) -> Analysis:
    """Decide ``problem`` (built from ``source``) and pick the worked example's latents."""
    if cert is not None:
        raise InputError(
            None, None, f"--cert is for CNF and circuit inputs; for a {source.kind} the worked "
            "example is found by a back end"
        )  # fmt: skip
    red = reductions.of(problem)
    if red is None:
        raise InputError(None, None, "explain: the problem names no registered reduction")
    inst, params = source.instance, reductions.params_of(problem)
    table = truth.rows(
        problem, lambda z: red.decode(inst, z, **params), lambda c: red.fault(inst, c, **params)
    )
    ex = None
    solving = [r for r in table or () if r.solves and r.fault is None]
    if solving:  # a tiny instance: the table's first solving row, checked exactly
        ex = _example(problem, red, inst, params, solving[0].z,
                      "the first row of step 4 that solves the problem (exhaustive search, "
                      "checked exactly)")  # fmt: skip
        note = ex.how
    else:
        d = pipeline.decide(problem, "auto", time_limit=time_limit)
        if d.status is Status.UNKNOWN:
            raise TimeLimitError(
                f"explain: no answer within {time_limit:g} s ({d.verdict.reason}); "
                "raise --time-limit"
            )
        if d.status is Status.INVERTIBLE and d.certificate is not None:
            z = red.encode(inst, d.certificate, **params)
            ex = _example(problem, red, inst, params, z,
                          f"found by inverting the network (back end {d.verdict.solver}), "
                          f"decoded with {red.name}.decode, encoded back with "
                          f"{red.name}.encode")  # fmt: skip
            note = ex.how
        else:
            note = f"no certificate: the back end {d.verdict.solver} answers {d.status.answer}"
    return Analysis(source, problem, red, params, table, ex,
                    _non_certificate(problem, red, inst, params, ex, table), note)  # fmt: skip


def _non_certificate(problem, red, inst, params, ex, table) -> Example | None:
    """A latent that does not solve the problem: the certificate's latent with one
    coordinate moved to the other corner (the first that breaks it), else the table's
    nearest failing row, else the lowest corner."""
    vals = truth.corners(problem)
    if vals is None:
        return None
    lo, hi = vals
    if ex is not None:
        for i in range(problem.n):
            z = ex.z.copy()
            z[i] = hi if z[i] == lo else lo
            if not check_latent(problem, z):
                return _example(problem, red, inst, params, z,
                                f"the certificate's latent with z{i + 1} moved to "
                                f"{fmt(z[i])}")  # fmt: skip
    if table is not None:
        for r in table:
            if not r.solves:
                return _example(problem, red, inst, params, r.z, "the first failing row of step 4")
    z = np.full(problem.n, lo)
    return _example(problem, red, inst, params, z, f"the latent with every coordinate {fmt(lo)}")


# ---- labels -------------------------------------------------------------------------------


def _affine(row: np.ndarray, b: float, cols: list[str]) -> str | None:
    nz = np.flatnonzero(row)
    if nz.size > 3:
        return None
    terms = ""
    for i in nz:
        w = row[i]
        mag = "" if abs(w) == 1 else fmt(abs(w))
        terms += f"{'+' if w > 0 else '-'}{mag}{cols[i]}"
    if b:
        terms += f"{'+' if b > 0 else '-'}{fmt(abs(b))}"
    return terms.lstrip("+") or "0"


def labels(an: Analysis) -> list[list[str]]:
    """Unit names per column: ``z1..``, the lift's ``h g u a t P`` (from :mod:`.lift`), and
    ``R(2z1+2z2-1)``-style affine forms where a unit reads at most three inputs."""
    net = an.problem.network
    n = net.in_dim
    out = [[f"z{i + 1}" for i in range(n)]]
    lifted = isinstance(an.red, Lifted)
    if lifted:
        out += [
            [f"h{i + 1}" for i in range(n)],
            [f"g{i + 1}" for i in range(n)],
            [f"u{i + 1}" for i in range(n)] + [f"a{i + 1}" for i in range(n)],
            [f"t{i + 1}" for i in range(n)] + ["P"],
        ]
    for k in range(len(out) - 1, len(net.layers)):
        layer = net.layers[k]
        W = np.asarray(layer.W.todense() if hasattr(layer.W, "todense") else layer.W)
        cols = out[k]
        labs = []
        for i in range(layer.shape[0]):
            if lifted and k + 1 < len(net.widths) and i == layer.shape[0] - 1:
                labs.append("P")  # the penalty passed through
                continue
            form = _affine(W[i], float(layer.b[i]), cols)
            act = "R" if layer.activation == "relu" else ""
            labs.append(f"{act}({form})" if form is not None and len(form) <= 24 else
                        f"u{k + 1}.{i + 1}")  # fmt: skip
        out.append(labs)
    return out


# ---- the document --------------------------------------------------------------------------


def show_certificate(an: Analysis, cert: Any) -> str:
    if an.source.kind == "cvp":
        return "y = (" + ", ".join(str(int(v)) for v in cert) + ")"
    return "{" + ", ".join(str(v) for v in cert) + "}"


def _step_instance(an: Analysis, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 1. The instance")]
    inst, name = an.source.instance, an.source.name or "the instance"
    if an.source.kind == "graph":
        nodes = sorted(inst.nodes)
        edges = sorted(tuple(sorted(e)) for e in inst.edges)
        weighted = any(inst.edges[e].get("weight", 1) != 1 for e in edges)
        out.append(Para(f"{name}: a graph with {len(nodes)} vertices "
                        f"({', '.join(map(str, nodes[: lim.head * 4]))}"
                        f"{', ...' if len(nodes) > lim.head * 4 else ''}) and {len(edges)} edges. "
                        f"A certificate is {an.red.certificate}."))  # fmt: skip
        shown = edges[: lim.max_clauses]
        more = f"... {len(edges) - len(shown)} more edges" if len(shown) < len(edges) else ""
        if weighted:
            rows = [[f"{u} - {v}", fmt(inst.edges[u, v].get("weight", 1))] for u, v in shown]
            out.append(Table(["edge", "weight"], rows, more=more, numeric=(1,)))
        else:
            listed = ", ".join(f"{u}-{v}" for u, v in shown)
            out.append(Para(f"Edges: {listed or 'none'}" + (f" {more}." if more else ".")))
    else:
        B, t = inst.basis, inst.target
        d, n = B.shape
        r = "r" if inst.p == "inf" else f"r^{inst.p}"
        out.append(Para(f"{name}: a CVP_{inst.p} instance, basis B of {n} vectors in Z^{d} "
                        f"(the columns below), target t, {r} = {fmt(inst.bound)}, coefficients "
                        f"{inst.coefficients}. A certificate is y with "
                        f"||B y - t||_{inst.p} <= r."))  # fmt: skip
        if d <= lim.max_clauses and n <= lim.max_vars:
            rows = [[f"coordinate {i + 1}"] + [fmt(v) for v in B[i]] + [fmt(t[i])]
                    for i in range(d)]  # fmt: skip
            out.append(Table([""] + [f"v{j + 1}" for j in range(n)] + ["t"], rows,
                             numeric=tuple(range(1, n + 2))))  # fmt: skip
    return out


def _step_construction(an: Analysis) -> list[Block]:
    out: list[Block] = [Heading("Step 2. The construction, and why it works")]
    out.append(Para(f"{an.red.name}: {an.red.summary}. {an.red.theorem} of \"{an.red.paper}\". "
                    "The text below is the reduction module's own docstring."))  # fmt: skip
    for where, doc in construction_docs(an.red):
        body, departures = doc_blocks(doc)
        out.append(Para(f"From {where}:", "note"))
        out += body + departures
    return out


def _step_values(an: Analysis, lim: Limits) -> list[Block]:
    p, net = an.problem, an.problem.network
    out: list[Block] = [Heading("Step 3. The values used here: constants, layers, target")]
    helps = {k: v.help for k, v in an.red.params.items()}
    helps.update(
        alpha="constant of the construction (step 2)",
        beta="constant of the construction (step 2)",
        gamma="the lift's penalty scale, 4 * ceil(delta) (step 2)",
        delta_pow="delta^p, kept exactly (delta itself for p = inf)",
    )
    rows = [[k, fmt(v) if isinstance(v, (int, float)) else str(v), helps.get(k, "")]
            for k, v in an.params.items()]  # fmt: skip
    out.append(Table(["name", "value", "meaning"], rows))
    out.append(Para(f"Target x = {_vec(p.target, lim.head * 2)}; latent domain "
                    f"{p.domain.describe()}; query {p.query.describe()}."))  # fmt: skip
    rows = [[str(k + 1), layer.activation, str(layer.shape[0]), str(layer.nnz)]
            for k, layer in enumerate(net.layers)]  # fmt: skip
    out.append(Table(["layer", "activation", "units", "nonzeros"], rows, numeric=(0, 2, 3)))
    labs = labels(an)
    for k, layer in enumerate(net.layers):
        m, n = layer.shape
        if m > lim.max_clauses or n > lim.max_vars:
            continue
        W = np.asarray(layer.W.todense() if hasattr(layer.W, "todense") else layer.W)
        out.append(Matrix(f"Layer {k + 1} ({layer.activation}): weights and bias", labs[k + 1],
                          labs[k], W, np.asarray(layer.b)))  # fmt: skip
    return out


def _vec(values, limit: int) -> str:
    vals = [fmt(v) for v in list(values)]
    if len(vals) > limit:
        vals = vals[:limit] + [f"... ({len(vals) - limit} more)"]
    return "(" + ", ".join(vals) + ")"


def _pass(an: Analysis, ex: Example, lim: Limits, good: bool) -> list[Block]:
    labs = labels(an)
    out: list[Block] = [Para(f"The latent: {ex.how}.")]
    for k, vals in enumerate(ex.values):
        cap = "z" if k == 0 else f"layer {k} ({an.problem.network.layers[k - 1].activation})"
        shown = min(len(vals), lim.max_vars)
        more = f"... {len(vals) - shown} more" if shown < len(vals) else ""
        out.append(Vector(cap, labs[k][:shown], [fmt(v) for v in vals[:shown]], more))
    if ex.check:
        out.append(Para("Exact check PASSED: z solves the problem (rational arithmetic).", "ok"))
    else:
        out.append(Para(f"Exact check FAILED: {ex.check.reason}", "bad" if good else "note"))
    verdict = "a certificate" if ex.fault is None else f"not a certificate: {ex.fault}"
    out.append(Para(f"z decodes to {show_certificate(an, ex.certificate)}, which the source "
                    f"problem's checker finds {verdict}."))  # fmt: skip
    return out


def document(an: Analysis, lim: Limits, figure: tuple[bytes, float] | None) -> list[Block]:
    """The explanation as blocks, for the limits ``lim`` of one renderer."""
    net = an.problem.network
    doc: list[Block] = [
        Heading(f"reluhard explain: {an.source.name or an.source.kind} via {an.red.name}"),
        Para(
            f"{an.source.kind} instance -> {len(net.layers)} "
            f"layer{'s' if len(net.layers) != 1 else ''}, widths "
            f"{'-'.join(map(str, net.widths))}, {sum(la.nnz for la in net.layers)} nonzero "
            "weights."
        ),
    ]
    doc += _step_instance(an, lim) + _step_construction(an) + _step_values(an, lim)
    if figure is not None:
        doc.append(Heading("The network, drawn"))
        doc.append(Image(figure[0], f"the {an.red.name} network", figure[1]))
    doc.append(Heading("Step 4. Every latent"))
    doc += truth.blocks(an.problem, an.table, lim, lambda c: show_certificate(an, c))
    doc.append(Heading("Step 5. A certificate, through the network"))
    if an.cert is None:
        doc.append(Para(an.note.capitalize() + ".", "bad"))
    else:
        doc += _pass(an, an.cert, lim, True)
    doc.append(Heading("Step 6. A non-certificate"))
    if an.noncert is None:
        doc.append(Para("No latent fails the query.", "note"))
    else:
        doc += _pass(an, an.noncert, lim, False)
    return doc


def figure(an: Analysis) -> Figure:
    """The network with the step-5 and step-6 latents' values."""
    net = an.problem.network
    titles = ["input: latent z"] + [
        f"layer {k + 1}: {la.activation}" + ("\noutputs" if k == len(net.layers) - 1 else "")
        for k, la in enumerate(net.layers)
    ]
    if isinstance(an.red, Lifted):  # the lift's layers, as its docstring names them
        for k, what in enumerate(("h = R(z)", "g = R(1 - h)", "u, a: |v - 1/2|", "t, penalty P")):
            titles[k + 1] += "\n" + what
    return Figure(
        net,
        f"{an.source.name or an.source.kind} via {an.red.name}",
        titles,
        labels(an),
        cert=None if an.cert is None else an.cert.values,
        noncert=None if an.noncert is None else an.noncert.values,
        cert_name="the step-5 certificate",
        noncert_name="the step-6 non-certificate",
    )
