"""``reluhard explain`` on a circuit reduction (``circuit-sign``, ``circuit-real``): the
circuit, the gadget of each gate with its truth table (fanin values, pre-activations, unit
outputs, the gate's value), the levelised layers, the target and latent domain, and a
worked example (a preimage's forward pass, and a non-preimage's differing outputs).

A document is a list of :mod:`.blocks`, rendered by :mod:`.render_text` and
:mod:`.render_html` like the CNF walkthrough. Circuits beyond the limits are summarised
(the first gates shown, "... N more").
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import pipeline, reductions
from ..errors import TimeLimitError
from ..inversion import InversionProblem, Source, check_latent
from ..network import forward
from ..problems.circuit import OP_NAMES, Circuit, literals_of, preimage_fault
from ..reductions.circuit_layers import compile_circuit
from ..reductions.circuit_query import target_of
from ..status import Status
from .blocks import Block, Heading, Limits, Para, Table, Vector, fmt

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


def _step_example(problem: InversionProblem, c: Circuit, params: dict,
                  cert: list[int] | None, time_limit: float) -> list[Block]:  # fmt: skip
    out: list[Block] = [Heading("Step 4. Target, domain, and a worked example")]
    target = target_of(c, **params)
    out.append(
        Para(
            f"The target x is the outputs {''.join('1' if t else '0' for t in target)} as +-1"
            + (f", then {c.ninputs} for sum |v_i|" if problem.domain.kind == "real" else "")
            + f"; the latent domain is {problem.domain.describe()}; the query "
            f"{problem.query.describe()}."
        )
    )
    if cert is None:
        d = pipeline.decide(problem, "auto", time_limit=time_limit)
        if d.status is Status.UNKNOWN:
            raise TimeLimitError(
                f"explain: no answer within {time_limit:g} s ({d.verdict.reason}); give a "
                "certificate with --cert or raise --time-limit"
            )
        cert = d.certificate if d.status is Status.INVERTIBLE else None
        if cert is None:
            out.append(Para(f"No preimage ({d.status.answer}): the target is unreachable.",
                            "bad"))  # fmt: skip
    if cert is not None:
        red = reductions.of(problem)
        assert red is not None
        z = red.encode(c, cert, **params)
        y = forward(problem.network, z)
        ok = check_latent(problem, z)
        out.append(Vector("the certificate's latent z", [f"z{i + 1}" for i in range(c.ninputs)],
                          [fmt(v) for v in z]))  # fmt: skip
        out.append(Vector("G(z)", [f"y{j + 1}" for j in range(len(y))], [fmt(v) for v in y]))
        out.append(Para("G(z) = x, confirmed in exact rational arithmetic." if ok else
                        f"G(z) misses x: {ok.reason}", "ok" if ok else "bad"))  # fmt: skip
        bits = np.array([x > 0 for x in cert])
        other = bits.copy()
        if other.size:
            other[0] = not other[0]
            why = preimage_fault(c, literals_of(other), target)
            out.append(Para(f"Flipping x1: {why or 'still a preimage'}.", "note"))
    return out


def document(source: Source, problem: InversionProblem, cert: list[int] | None,
             lim: Limits, time_limit: float = 30.0) -> list[Block]:  # fmt: skip
    """The explanation of a circuit reduction's ``problem`` as a list of blocks."""
    c = source.instance
    params = reductions.params_of(problem)
    mode = "real" if problem.domain.kind == "real" else "sign"
    name = source.name or "the circuit"
    return (
        _step_circuit(c, name, lim)
        + _step_gadgets(c, lim)
        + _step_layers(problem, c, mode)
        + _step_example(problem, c, params, cert, time_limit)
    )
