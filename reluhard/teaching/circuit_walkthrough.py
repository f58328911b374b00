"""``reluhard explain`` on a circuit reduction (``circuit-sign``, ``circuit-real``): the
circuit, the gadget of each gate with its truth table (fanin values, pre-activations, unit
outputs, the gate's value), the levelised layers, the target and latent domain, and a
worked example (a preimage's forward pass, and a non-preimage's differing outputs), the
construction as :mod:`reluhard.reductions.circuit_sign` / ``circuit_real`` state it in their
docstrings, ``network.png`` with both latents' unit values, and for up to
:data:`.truth.MAX_LATENTS` inputs a truth table of every latent.

A document is a list of :mod:`.blocks`, rendered by :mod:`.render_text` and
:mod:`.render_html` like the CNF walkthrough. Circuits beyond the limits are summarised
(the first gates shown, "... N more").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import pipeline, reductions
from ..errors import TimeLimitError
from ..inversion import InversionProblem, Source, check_latent
from ..network import forward
from ..problems.circuit import OP_NAMES, Circuit, literals_of, preimage_fault
from ..reductions.circuit_layers import compile_circuit
from ..reductions.circuit_query import target_of
from ..status import Status
from . import truth
from .blocks import Block, Heading, Image, Limits, Para, Table, Vector, fmt
from .diagram import Figure, layer_values
from .docstring import doc_blocks

MAX_TRUTH_ROWS = 16  # a gate's truth table is shown in full up to 4 fanins


def _signal(c: Circuit, lit: int) -> str:
    """A literal as a person reads it: ``x2``, ``~g7``, ``0``/``1``."""
    if lit < 2:
        return str(lit)
    v = lit >> 1
    name = f"x{v}" if v <= c.ninputs else f"g{v}"
    return ("~" if lit & 1 else "") + name


def _gate_text(c: Circuit, g: int) -> str:
    op, fan = c.gate(g)
    return f"g{c.ninputs + 1 + g} = {OP_NAMES[op]}({', '.join(_signal(c, x) for x in fan)})"


def _step_circuit(c: Circuit, name: str, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 1. The circuit")]
    ins = ", ".join(f"x{i + 1}" + (f" ({n})" if n else "") for i, n in enumerate(c.input_names))
    outs = ", ".join(
        _signal(c, int(o)) + (f" ({n})" if n else "")
        for o, n in zip(c.outputs, c.output_names, strict=True)  # fmt: skip
    )
    out.append(
        Para(
            f"{name}: a Boolean circuit with {c.ninputs} inputs ({ins or 'none'}) and "
            f"{c.noutputs} outputs ({outs or 'none'}), {c.ngates} gates of depth {c.depth()}. "
            "~ is NOT (free: a sign in the next layer's weights); AND, XOR and MAJ take any "
            "number of fanins. A certificate is an input vector whose outputs are the target."
        )
    )
    shown = range(min(c.ngates, lim.max_clauses))
    levels = c.levels()
    rows = [[_gate_text(c, g), str(levels[c.ninputs + 1 + g])] for g in shown]
    more = f"... {c.ngates - len(shown)} more gates" if c.ngates > len(shown) else ""
    out.append(Table(["gate", "level"], rows, more=more, numeric=(1,)))
    return out


def _step_gadgets(c: Circuit, lim: Limits) -> list[Block]:
    out: list[Block] = [Heading("Step 2. Each gate becomes a ReLU gadget")]
    out.append(
        Para(
            "Values are +1 (true) and -1 (false). A gadget's units are R(t) = max(t, 0) of "
            "affine functions of the fanins; the gate's value is affine in its units. Each "
            "truth table below lists every fanin vector, the units' pre-activations, their "
            "outputs, and the value, which is the gate's on every row."
        )
    )
    compiled = compile_circuit(c)
    seen: dict[str, list[str]] = {}
    for g in range(c.ngates):
        op, fan = c.gate(g)
        gadget = compiled.gadgets[c.ninputs + 1 + g]
        if gadget.name in seen:
            seen[gadget.name].append(f"g{c.ninputs + 1 + g}")
            continue
        seen[gadget.name] = []
        terms = []
        for j in range(gadget.units):
            w = " ".join(f"{'+' if x > 0 else '-'}{'' if abs(x) == 1 else fmt(abs(x))}a{i + 1}"
                         for i, x in enumerate(gadget.W[j]) if x)  # fmt: skip
            terms.append(f"u{j + 1} = R({w} {'+' if gadget.bias[j] >= 0 else '-'} "
                         f"{fmt(abs(gadget.bias[j]))})")  # fmt: skip
        value = " ".join(f"{'+' if x > 0 else '-'} {fmt(abs(x))}u{j + 1}"
                         for j, x in enumerate(gadget.out_units))  # fmt: skip
        out.append(
            Para(
                f"{_gate_text(c, g)}: the {gadget.name} gadget, {gadget.units} unit(s), read "
                f"on a_i = the fanin literals' values: {'; '.join(terms)}; value "
                f"{fmt(gadget.const)} {value}."
            )
        )
        k = len(fan)
        rows = []
        for a in itertools.islice(itertools.product((-1, 1), repeat=k), MAX_TRUTH_ROWS):
            A = np.array(a, dtype=np.float64)
            pre = gadget.W @ A + gadget.bias
            units = np.maximum(pre, 0)
            truth = {0: all(x > 0 for x in a), 1: sum(x > 0 for x in a) % 2 == 1}
            want = truth.get(op, 2 * sum(x > 0 for x in a) > k)
            rows.append(
                [" ".join(fmt(x) for x in a), " ".join(fmt(x) for x in pre),
                 " ".join(fmt(x) for x in units), fmt(gadget(A[None])[0]),
                 "true" if want else "false"]
            )  # fmt: skip
        out.append(Table(["a", "pre-activations", "units", "value", OP_NAMES[op]], rows))
    for name, gates in seen.items():
        if gates:
            shown = ", ".join(gates[: lim.head]) + (" ..." if len(gates) > lim.head else "")
            out.append(Para(f"The {name} gadget also computes {shown} ({len(gates)} gates).",
                            "note"))  # fmt: skip
    return out


def _step_layers(problem: InversionProblem, c: Circuit, mode: str) -> list[Block]:
    compiled = compile_circuit(c, mode)
    out: list[Block] = [Heading("Step 3. The layers")]
    out.append(
        Para(
            "Layer l holds the gadgets of the gates of level l and one pass-through unit "
            "R(v) (value 2R(v) - 1) for each wire that a later gate or an output still needs; "
            "the last layer is linear and outputs the circuit's outputs."
            + (
                " circuit-real first clamps z: h = R(z + 1), g = R(2 - h), v = 1 - g, and the "
                "first circuit layer holds R(v_i) and R(-v_i), whose sum sum |v_i| is "
                "carried to the last output."
                if mode == "real"
                else ""
            )
        )
    )
    rows = []
    for i, (layer, roles) in enumerate(zip(problem.network.layers, compiled.roles, strict=True)):
        kinds: dict[str, int] = {}
        for role in roles:
            kinds[role[0]] = kinds.get(role[0], 0) + 1
        what = ", ".join(f"{n} {k}" for k, n in kinds.items())
        rows.append([str(i + 1), layer.activation, str(layer.shape[0]), str(layer.nnz), what])
    out.append(Table(["layer", "activation", "units", "nonzeros", "units are"], rows,
                     numeric=(0, 2, 3)))  # fmt: skip
    return out


@dataclass
class Analysis:
    """A circuit problem decided once: the certificate (None: no preimage), the latents of
    the worked example, and the truth table for tiny circuits."""

    source: Source
    problem: InversionProblem
    circuit: Circuit
    params: dict
    mode: str
    cert: list[int] | None
    z_cert: np.ndarray | None
    z_non: np.ndarray | None
    non_why: str  # why the non-certificate is one
    table: list[truth.Row] | None


def analyse(source: Source, problem: InversionProblem, cert: list[int] | None,
            time_limit: float = 30.0) -> Analysis:  # fmt: skip
    """Decide ``problem`` (unless ``cert`` is given) and pick the worked example."""
    c = source.instance
    params = reductions.params_of(problem)
    mode = "real" if problem.domain.kind == "real" else "sign"
    red = reductions.of(problem)
    assert red is not None
    if cert is None:
        d = pipeline.decide(problem, "auto", time_limit=time_limit)
        if d.status is Status.UNKNOWN:
            raise TimeLimitError(
                f"explain: no answer within {time_limit:g} s ({d.verdict.reason}); give a "
                "certificate with --cert or raise --time-limit"
            )
        cert = d.certificate if d.status is Status.INVERTIBLE else None
    target = target_of(c, **params)
    z_cert = z_non = None
    non_why = ""
    if cert is not None:
        z_cert = red.encode(c, cert, **params)
        bits = np.array([x > 0 for x in cert])
        for i in range(bits.size):  # the first input whose flip breaks the preimage
            other = bits.copy()
            other[i] = not other[i]
            why = preimage_fault(c, literals_of(other), target)
            if why or i == bits.size - 1:
                z_non = red.encode(c, literals_of(other), **params)
                non_why = f"Flipping x{i + 1}: {why or 'still a preimage'}."
                break
    elif c.ninputs:
        z_non = -np.ones(c.ninputs)
        non_why = "No input vector is a preimage; the all-false one, for instance, is not."
    table = truth.rows(problem, lambda z: red.decode(c, z, **params),
                       lambda x: red.fault(c, x, **params))  # fmt: skip
    return Analysis(source, problem, c, params, mode, cert, z_cert, z_non, non_why, table)


def _step_example(an: Analysis) -> list[Block]:
    problem, c = an.problem, an.circuit
    out: list[Block] = [Heading("Step 4. Target, domain, and a worked example")]
    target = target_of(c, **an.params)
    out.append(
        Para(
            f"The target x is the outputs {''.join('1' if t else '0' for t in target)} as +-1"
            + (f", then {c.ninputs} for sum |v_i|" if problem.domain.kind == "real" else "")
            + f"; the latent domain is {problem.domain.describe()}; the query "
            f"{problem.query.describe()}."
        )
    )
    if an.z_cert is None:
        out.append(Para("No preimage: the target is unreachable.", "bad"))
    else:
        z = an.z_cert
        y = forward(problem.network, z)
        ok = check_latent(problem, z)
        out.append(Vector("the certificate's latent z", [f"z{i + 1}" for i in range(c.ninputs)],
                          [fmt(v) for v in z]))  # fmt: skip
        out.append(Vector("G(z)", [f"y{j + 1}" for j in range(len(y))], [fmt(v) for v in y]))
        out.append(Para("G(z) = x, confirmed in exact rational arithmetic." if ok else
                        f"G(z) misses x: {ok.reason}", "ok" if ok else "bad"))  # fmt: skip
    if an.non_why:
        out.append(Para(an.non_why, "note"))
    return out


def _signal_name(c: Circuit, v: int) -> str:
    return f"x{v}" if v <= c.ninputs else f"g{v}"


def _role_label(c: Circuit, role: tuple) -> str:
    kind = role[0]
    if kind == "gate":
        return f"{_signal_name(c, role[1])}.u{role[2] + 1}"
    if kind == "wire":
        return f"wire {_signal_name(c, role[1])}"
    if kind in ("abs+", "abs-"):
        return f"R({'' if kind == 'abs+' else '-'}v{role[1]})"
    if kind == "output":
        return f"out{role[1] + 1}"
    if kind in ("clamp h", "clamp g"):
        return f"{kind[-1]}{role[1] + 1}"
    return {"sigma": "sum|v|", "penalty": "sum|v| (out)"}.get(kind, kind)


def figure(an: Analysis) -> Figure:
    """The levelised network with the worked example's two latents."""
    c, net = an.circuit, an.problem.network
    compiled = compile_circuit(c, an.mode)
    labels = [[f"z{i + 1}" for i in range(c.ninputs)]]
    labels += [[_role_label(c, r) for r in roles] for roles in compiled.roles]
    titles = ["input: latent z\n(+1 true, -1 false)"] + [
        f"layer {k + 1}: {la.activation}" for k, la in enumerate(net.layers)
    ]
    if an.mode == "real":  # the clamp, as step 3 writes it
        titles[1] += "\nh = R(z + 1)"
        titles[2] += "\ng = R(2 - h)"
    name = an.source.name or "the circuit"
    return Figure(
        net,
        f"{name} via {an.problem.reduction.name if an.problem.reduction else '?'}",
        titles,
        labels,
        cert=None if an.z_cert is None else layer_values(net, an.z_cert),
        noncert=None if an.z_non is None else layer_values(net, an.z_non),
        cert_name="the step-4 preimage",
        noncert_name="the non-preimage",
    )


def document(an: Analysis, lim: Limits, figure: tuple[bytes, float] | None = None) -> list[Block]:
    """The explanation of a circuit reduction's problem as a list of blocks."""
    c = an.circuit
    name = an.source.name or "the circuit"
    red = reductions.of(an.problem)
    assert red is not None
    doc = _step_circuit(c, name, lim) + _step_gadgets(c, lim) + _step_layers(an.problem, c, an.mode)
    doc.append(Para(f"{red.name}, as its module's docstring states it:", "note"))
    body, departures = doc_blocks(red.doc)
    doc += body + departures
    if figure is not None:
        doc.append(Heading("The network, drawn"))
        doc.append(Image(figure[0], f"the {red.name} network of {name}", figure[1]))
    doc += _step_example(an)
    doc.append(Heading("Step 5. Every latent"))
    doc += truth.blocks(an.problem, an.table, lim, lambda x: " ".join(map(str, x)))
    return doc
