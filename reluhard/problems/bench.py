"""ISCAS BENCH netlists (the ISCAS-85 ``c17`` ... ``c7552`` files): reading and writing.

Accepted dialect: one statement per line, ``#`` starts a comment, blank lines are ignored,
and every line is one of

- ``INPUT(name)``, ``OUTPUT(name)``;
- ``name = TYPE(a, b, ...)`` with ``TYPE`` one of ``AND``, ``NAND``, ``OR``, ``NOR``,
  ``XOR``, ``XNOR`` (any fan-in, at least one), ``NOT``, ``BUFF`` or ``BUF`` (exactly one);
  keywords and types in any case.

Gates may come in any order (the reader sorts them and rejects cycles); a name is a run of
characters other than whitespace, ``#``, ``(``, ``)``, ``,`` and ``=``. The inputs are the
circuit's inputs in ``INPUT`` order, the outputs its outputs in ``OUTPUT`` order (the same
signal may be an output twice). A ``DFF`` is refused: only combinational circuits are read.
Errors are :class:`~reluhard.errors.InputError` ``file:line: what``: undefined signals,
duplicate definitions, cycles, unknown gate types, arity errors, malformed lines.

The writer emits the k-ary gates as they are (``AND``, ``NOR``, ``XOR``, ...; a MAJ as
``OR`` of ``AND`` s; a negated gate through a ``NOT``), names the inputs and outputs by
their names (``x1``, ``y1``, ... where the circuit has none) and internal signals ``n<v>``.
BENCH has no constants: a constant output is spelled ``XOR(a, a)`` / ``XNOR(a, a)`` on the
first input, and a circuit with constant outputs and no inputs cannot be written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from . import sniffing
from .circuit import AND, XOR, Circuit
from .circuit_build import Builder, neg, topological
from .textio import show_token

_NAME = sniffing.BENCH_NAME
_IO = re.compile(rf"^\s*(INPUT|OUTPUT)\s*\(\s*({_NAME})\s*\)\s*$", re.IGNORECASE)
_GATE = re.compile(rf"^\s*({_NAME})\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$")
_ARG = re.compile(rf"^\s*({_NAME})\s*$")
TYPES = ("AND", "NAND", "OR", "NOR", "XOR", "XNOR", "NOT", "BUFF", "BUF")
_UNARY = ("NOT", "BUFF", "BUF")
_SEQUENTIAL = ("DFF", "LATCH", "DFFR", "DFFS")

sniff = sniffing.is_bench  # the test lives apart from the reader (see sniffing)


@dataclass
class _Gate:
    type: str
    args: list[str]
    line: int


def parse_bench(data: bytes, path: str = "<input>") -> Circuit:
    """The circuit of a BENCH file's bytes (see the module docstring)."""
    inputs: list[str] = []
    outputs: list[tuple[str, int]] = []
    gates: dict[str, _Gate] = {}
    defined: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), 1):
        text = raw.split(b"#", 1)[0].decode("utf-8", "replace").strip()
        if not text:
            continue
        m = _IO.match(text)
        if m:
            word, name = m.group(1).upper(), m.group(2)
            if word == "INPUT":
                _define(name, number, defined, path)
                inputs.append(name)
            else:
                outputs.append((name, number))
            continue
        m = _GATE.match(text)
        if not m:
            raise InputError(
                path,
                number,
                f"malformed line '{show_token(raw.strip(), 60)}' (expected INPUT(name), "
                "OUTPUT(name) or name = GATE(inputs))",
            )
        name, kind, inner = m.group(1), m.group(2).upper(), m.group(3)
        if kind in _SEQUENTIAL:
            raise InputError(
                path,
                number,
                f"{kind} (a sequential element) is not supported: reluhard reads "
                "combinational circuits only",
            )
        if kind not in TYPES:
            raise InputError(
                path, number, f"unknown gate type '{m.group(2)}' (known: {', '.join(TYPES)})"
            )
        args = [] if not inner.strip() else inner.split(",")
        names = []
        for arg in args:
            a = _ARG.match(arg)
            if not a:
                raise InputError(
                    path, number, f"malformed input '{arg.strip()}' of {kind} (expected a name)"
                )
            names.append(a.group(1))
        if kind in _UNARY and len(names) != 1:
            raise InputError(path, number, f"{kind} takes exactly one input, got {len(names)}")
        if not names:
            raise InputError(path, number, f"{kind} needs at least one input, got none")
        _define(name, number, defined, path)
        gates[name] = _Gate(kind, names, number)
    return _build(path, inputs, outputs, gates, defined)


def _define(name: str, line: int, defined: dict[str, int], path: str) -> None:
    if name in defined:
        raise InputError(
            path, line, f"signal '{name}' is defined twice: here and at line {defined[name]}"
        )
    defined[name] = line


def _build(path, inputs, outputs, gates, defined) -> Circuit:
    for g in gates.values():
        for a in g.args:
            if a not in defined:
                raise InputError(
                    path, g.line, f"undefined signal '{a}' (never an INPUT or a gate's output)"
                )
    for name, line in outputs:
        if name not in defined:
            raise InputError(path, line, f"undefined signal '{name}' named as an OUTPUT")
    b = Builder(len(inputs))
    lit = dict(zip(inputs, b.inputs, strict=True))
    for name in _topological(path, gates):
        g = gates[name]
        ins = [lit[a] for a in g.args]
        t = g.type
        if t in ("BUFF", "BUF"):
            out = ins[0]
        elif t == "NOT":
            out = neg(ins[0])
        elif t in ("AND", "NAND"):
            out = b.and_(*ins)
        elif t in ("OR", "NOR"):
            out = b.or_(*ins)
        else:
            out = b.xor(*ins)
        lit[name] = neg(out) if t in ("NAND", "NOR", "XNOR") else out
    outs = [lit[name] for name, _ in outputs]
    return b.finish(outs, inputs, [name for name, _ in outputs])


def _topological(path: str, gates: dict[str, _Gate]) -> list[str]:
    """The gate names, each after the gates it reads; a cycle is an error."""

    def cycle(names: list[str]) -> Exception:
        return InputError(path, gates[names[-1]].line, f"combinational cycle: {' -> '.join(names)}")

    return topological({name: gate.args for name, gate in gates.items()}, cycle)


# --------------------------------------------------------------------------- writing


def _unique_names(c: Circuit) -> tuple[list[str], list[str]]:
    """Input and output names, generated where missing; inputs must be distinct."""
    ins = [n or f"x{i + 1}" for i, n in enumerate(c.input_names)]
    outs = [n or f"y{j + 1}" for j, n in enumerate(c.output_names)]
    if len(set(ins)) != len(ins):
        ins = [f"x{i + 1}" for i in range(c.ninputs)]
    return ins, outs


def format_bench(circuit: Circuit) -> str:  # noqa: C901
    """The BENCH text of ``circuit``.

    >>> from reluhard.problems.circuit_build import Builder
    >>> b = Builder(2); x, y = b.inputs
    >>> print(format_bench(b.finish([b.or_(x, y), neg(b.xor(x, y))])), end="")
    INPUT(x1)
    INPUT(x2)
    OUTPUT(y1)
    OUTPUT(y2)
    n3 = NOR(x1, x2)
    n4 = XOR(x1, x2)
    y1 = NOT(n3)
    y2 = NOT(n4)
    """
    c = circuit
    if not c.ninputs and not c.noutputs:
        raise ValueError("BENCH cannot spell a circuit without inputs and outputs")
    ins, outs = _unique_names(c)
    taken = set(ins) | set(outs)
    name = {0: "", **{i + 1: ins[i] for i in range(c.ninputs)}}
    body: list[str] = []

    def fresh(base: str) -> str:
        while base in taken:
            base = "_" + base
        taken.add(base)
        return base

    nots: dict[int, str] = {}

    def signal(lit: int) -> str:
        if lit < 2:
            raise ValueError("BENCH has no constants: this signal is a constant")
        if not lit & 1:
            return name[lit >> 1]
        if lit not in nots:
            nots[lit] = fresh(f"n{lit >> 1}_not")
            body.append(f"{nots[lit]} = NOT({name[lit >> 1]})")
        return nots[lit]

    claimed = {n: 2 * (i + 1) for i, n in enumerate(ins)}  # signal name -> its literal
    for j, lit in enumerate(c.outputs.tolist()):
        if claimed.get(outs[j], lit) != lit:
            outs[j] = fresh(outs[j])
        claimed[outs[j]] = lit
        if lit > 2 * c.ninputs + 1 and not lit & 1 and (lit >> 1) not in name:
            name[lit >> 1] = outs[j]  # a gate that is an output takes the output's name
    lines = [f"INPUT({n})" for n in ins] + [f"OUTPUT({n})" for n in outs]
    for g, (op, fan) in enumerate(c.gates()):
        v = c.ninputs + 1 + g
        if v not in name:
            name[v] = fresh(f"n{v}")
        if op == AND:
            if all(x & 1 for x in fan):  # AND of negations = NOR
                body.append(f"{name[v]} = NOR({', '.join(signal(neg(x)) for x in fan)})")
            else:
                body.append(f"{name[v]} = AND({', '.join(signal(x) for x in fan)})")
        elif op == XOR:
            body.append(f"{name[v]} = XOR({', '.join(signal(x) for x in fan)})")
        else:
            body += _majority_lines(name[v], [signal(x) for x in fan], fresh)
    written = set(ins) | {name[v] for v in name if v}
    for j, lit in enumerate(c.outputs.tolist()):
        if outs[j] in written:
            continue
        written.add(outs[j])
        if lit < 2:
            if not c.ninputs:
                raise ValueError("BENCH has no constants, and the circuit no input to spell one")
            kind = "XNOR" if lit else "XOR"
            body.append(f"{outs[j]} = {kind}({ins[0]}, {ins[0]})")
        elif lit & 1:
            body.append(f"{outs[j]} = NOT({name[lit >> 1]})")
        else:
            body.append(f"{outs[j]} = BUFF({name[lit >> 1]})")
    return "\n".join(lines + body) + "\n"


def _majority_lines(out: str, ins: list[str], fresh) -> list[str]:
    """``out = MAJ(ins)`` as an OR over the ANDs of the fanin subsets of the majority size."""
    from itertools import combinations

    need = (len(ins) + 1) // 2
    lines: list[str] = []
    terms: list[str] = []
    for subset in combinations(ins, need):
        t = fresh(f"{out}_t{len(terms)}")
        lines.append(f"{t} = AND({', '.join(subset)})")
        terms.append(t)
    return lines + [f"{out} = OR({', '.join(terms)})"]
