"""AIGER 1.9 files, ASCII (``aag``) and binary (``aig``), combinational only: reading and
writing (Biere, "The AIGER And-Inverter Graph (AIG) Format", FORMAT.txt of the AIGER
distribution).

The header is ``aag M I L O A`` (1.9 may add ``B C J F``); literal ``2v`` is variable ``v``,
``2v + 1`` its negation, ``0`` and ``1`` the constants. The ASCII body lists the ``I`` input
literals, the ``L`` latches, the ``O`` output literals and the ``A`` AND gates
``lhs rhs0 rhs1`` (in any order: the reader sorts them and rejects cycles); then an
optional symbol table (``i<pos> name``, ``o<pos> name``) and comments after a line ``c``.
The binary body omits the inputs (they are ``2, 4, ..., 2I``), and writes AND gate ``k`` as
two deltas ``lhs - rhs0`` and ``rhs0 - rhs1`` in 7-bit little-endian varints, with
``lhs = 2(I + L + k + 1)``, so it needs ``M = I + L + A``.

Only combinational circuits are read: latches, bad-state properties, invariant
constraints, justice and fairness properties are refused with one line naming what the
file has. Everything else that is wrong is an :class:`~reluhard.errors.InputError`
``file:line: what`` (binary errors name the byte offset instead of a line).

The writers write :func:`~reluhard.problems.circuit_build.to_aig` of the circuit (XOR and
MAJ gates lowered to ANDs) in the canonical numbering, with the input and output names as
the symbol table; no comments, so the text is canonical (its sha256 identifies a circuit
built in memory).
"""

from __future__ import annotations

from ..errors import InputError
from . import sniffing
from .circuit import Circuit
from .circuit_build import Builder, to_aig, topological
from .textio import count, show_token

_FIELDS = ("M", "I", "L", "O", "A", "B", "C", "J", "F")
_SEQUENTIAL = {
    "L": "latches",
    "B": "bad-state properties",
    "C": "invariant constraints",
    "J": "justice properties",
    "F": "fairness constraints",
}

sniff = sniffing.is_aiger  # the test lives apart from the reader (see sniffing)


def parse_aiger(data: bytes, path: str = "<input>") -> Circuit:
    """The circuit of an AIGER file's bytes (ASCII or binary, by its header word)."""
    end = data.find(b"\n")
    header_line = data[: end if end >= 0 else len(data)]
    header = _header(header_line, path)
    body = data[end + 1 :] if end >= 0 else b""
    if header_line.startswith(b"aig"):
        return _Binary(path, header, body, end + 1).read()
    return _Ascii(path, header, body.split(b"\n")).read()


def _header(line: bytes, path: str) -> dict[str, int]:
    tokens = line.split()
    shown = show_token(line.rstrip(b"\r"), 60)
    if not 6 <= len(tokens) <= 10 or not all(t.isdigit() for t in tokens[1:]):
        word = tokens[0].decode("ascii", "replace") if tokens else "aag"
        raise InputError(
            path, 1, f"malformed header '{shown}' (expected '{word} M I L O A' with integers)"
        )
    h = {k: 0 for k in _FIELDS}
    h.update({k: int(t) for k, t in zip(_FIELDS, tokens[1:], strict=False)})
    for key, what in _SEQUENTIAL.items():
        if h[key]:
            raise InputError(
                path,
                1,
                f"{what} ({key} = {h[key]}) are not supported: reluhard reads combinational "
                "circuits only (L = B = C = J = F = 0)",
            )
    if h["I"] + h["A"] > h["M"]:
        raise InputError(
            path, 1, f"the header's I + L + A = {h['I'] + h['A']} exceeds M = {h['M']}"
        )
    return h


class _Ascii:
    """The ASCII reader: one method per section, errors at the offending line."""

    def __init__(self, path: str | None, h: dict[str, int], lines: list[bytes]) -> None:
        self.path, self.h, self.lines = path, h, lines
        self.line = 1  # the line being read (1-based; the header is line 1)
        self.defined: dict[int, int] = {}  # variable -> line of its definition

    def error(self, message: str, line: int | None = None) -> InputError:
        return InputError(self.path, self.line if line is None else line, message)

    def at_end(self) -> bool:
        i = self.line - 1  # index of the next line in self.lines
        return i >= len(self.lines) or (i == len(self.lines) - 1 and not self.lines[i])

    def next_line(self) -> bytes:
        self.line += 1
        return self.lines[self.line - 2].rstrip(b"\r")

    def next_tokens(self, section: str, k: int, total: int) -> list[bytes]:
        if self.at_end():
            raise self.error(f"the file ends after {k} of {count(total, section)} (truncated?)")
        return self.next_line().split()

    def literal(self, token: bytes) -> int:
        if not token.isdigit():
            raise self.error(
                f"invalid literal '{show_token(token)}' (expected a non-negative integer)"
            )
        lit, M = int(token), self.h["M"]
        if lit > 2 * M + 1:
            raise self.error(
                f"literal {lit} exceeds the header's maximum variable index M = {M} "
                f"(literals go up to {2 * M + 1})"
            )
        return lit

    def define(self, lit: int, what: str) -> None:
        if lit & 1:
            raise self.error(f"{what} {lit} is odd (it must be an unnegated literal, 2v)")
        if lit < 2:
            raise self.error(f"{what} {lit} is a constant (it must be a variable's literal)")
        v = lit >> 1
        if v in self.defined:
            raise self.error(
                f"variable {v} (literal {lit}) is defined twice: here and at line {self.defined[v]}"
            )
        self.defined[v] = self.line

    def one_literal(self, section: str, k: int, total: int) -> int:
        tokens = self.next_tokens(section, k, total)
        if len(tokens) != 1:
            raise self.error(
                f"malformed {section} (expected one literal, got {len(tokens)} tokens)"
            )
        return self.literal(tokens[0])

    def read(self) -> Circuit:
        h = self.h
        inputs = []
        for k in range(h["I"]):
            inputs.append(self.one_literal("input line", k, h["I"]))
            self.define(inputs[-1], "input literal")
        outputs = []
        for k in range(h["O"]):
            outputs.append((self.one_literal("output line", k, h["O"]), self.line))
        ands: dict[int, tuple[int, int, int]] = {}  # variable -> (rhs0, rhs1, line)
        for k in range(h["A"]):
            tokens = self.next_tokens("AND gate", k, h["A"])
            if len(tokens) != 3:
                shown = show_token(b" ".join(tokens), 60)
                raise self.error(f"malformed AND gate '{shown}' (expected 'LHS RHS0 RHS1')")
            lhs, r0, r1 = (self.literal(t) for t in tokens)
            self.define(lhs, "AND gate left-hand side")
            ands[lhs >> 1] = (r0, r1, self.line)
        for r0, r1, line in ands.values():
            self.check_defined((r0, r1), line)
        for lit, line in outputs:
            self.check_defined((lit,), line)
        names = self.symbols()
        b = Builder(h["I"])
        lits = {0: 0, **{lit >> 1: b.inputs[i] for i, lit in enumerate(inputs)}}
        for v in self.topological(ands):
            r0, r1, _ = ands[v]
            lits[v] = b.and_(lits[r0 >> 1] ^ (r0 & 1), lits[r1 >> 1] ^ (r1 & 1))
        outs = [lits[lit >> 1] ^ (lit & 1) for lit, _ in outputs]
        return b.finish(outs, names["i"], names["o"])

    def check_defined(self, lits: tuple[int, ...], line: int) -> None:
        for lit in lits:
            if lit > 1 and (lit >> 1) not in self.defined:
                raise self.error(
                    f"undefined literal {lit}: variable {lit >> 1} is neither an input nor an "
                    "AND gate",
                    line,
                )

    def topological(self, ands: dict[int, tuple[int, int, int]]) -> list[int]:
        """The AND variables, each after the ANDs it reads; a cycle is an error."""

        def cycle(path: list[int]) -> Exception:
            shown = " -> ".join(str(2 * x) for x in path)
            return self.error(
                f"combinational cycle through the AND gates {shown}", ands[path[-1]][2]
            )

        fanins = {v: [x >> 1 for x in fan[:2]] for v, fan in ands.items()}
        return topological(fanins, cycle)

    def symbols(self) -> dict[str, list[str]]:
        h = self.h
        names = {"i": [""] * h["I"], "o": [""] * h["O"]}
        while not self.at_end():
            raw = self.next_line()
            if raw == b"c":
                break
            kind, _, name = raw.partition(b" ")
            pos = kind[1:]
            if kind[:1] not in (b"i", b"o", b"l", b"b", b"c", b"j", b"f") or not pos.isdigit():
                raise self.error(
                    f"malformed symbol table entry '{show_token(raw, 60)}' (expected i<pos> or "
                    "o<pos> and a name, or a line 'c' before comments)"
                )
            key, p = kind[:1].decode(), int(pos)
            table = names.get(key, [])
            if p >= len(table):
                what = {"i": "inputs", "o": "outputs"}.get(key, "such elements")
                raise self.error(f"symbol for {key}{p}, but the circuit has {len(table)} {what}")
            table[p] = name.decode("utf-8", "replace")
        return names


class _Binary:
    """The binary reader (inputs implicit, AND gates as delta-encoded varints)."""

    def __init__(self, path: str, h: dict[str, int], body: bytes, base: int) -> None:
        self.path, self.h, self.body, self.base = path, h, body, base

    def error(self, message: str) -> InputError:
        return InputError(self.path, None, message)

    def read(self) -> Circuit:
        h = self.h
        ni, A, M, no = h["I"], h["A"], h["M"], h["O"]
        if M != ni + A:
            raise InputError(
                self.path, 1, f"binary AIGER needs M = I + L + A (M = {M}, I + L + A = {ni + A})"
            )
        reader = _Ascii(self.path, h, self.body.split(b"\n", no))
        outputs = [reader.one_literal("output line", k, no) for k in range(no)]
        pos = sum(len(x) + 1 for x in reader.lines[:no])
        b = Builder(ni)
        lits = [0] + b.inputs + [0] * A
        for k in range(A):
            lhs, at = 2 * (ni + k + 1), self.base + pos
            d0, pos = self.varint(k, pos, "delta0")
            d1, pos = self.varint(k, pos, "delta1")
            if d0 == 0 or d0 > lhs:
                raise self.error(
                    f"AND gate {k + 1} (left-hand side {lhs}, at byte {at}): delta0 = {d0} is "
                    f"not in 1..{lhs}"
                )
            r0 = lhs - d0
            if d1 > r0:
                raise self.error(
                    f"AND gate {k + 1} (left-hand side {lhs}, at byte {at}): delta1 = {d1} "
                    f"exceeds rhs0 = {r0}"
                )
            r1 = r0 - d1
            lits[ni + k + 1] = b.and_(lits[r0 >> 1] ^ (r0 & 1), lits[r1 >> 1] ^ (r1 & 1))
        tail = _Ascii(None, h, self.body[pos:].split(b"\n"))
        try:
            names = tail.symbols()
        except InputError as e:
            raise self.error(f"{e.message} (symbol table line {(e.line or 1) - 1})") from None
        outs = [lits[lit >> 1] ^ (lit & 1) for lit in outputs]
        return b.finish(outs, names["i"], names["o"])

    def varint(self, k: int, pos: int, which: str) -> tuple[int, int]:
        x = shift = 0
        while True:
            if pos >= len(self.body):
                raise self.error(
                    f"truncated binary delta: the file ends at byte {self.base + pos}, inside "
                    f"{which} of AND gate {k + 1} of {self.h['A']}"
                )
            ch = self.body[pos]
            pos += 1
            x |= (ch & 0x7F) << shift
            if not ch & 0x80:
                return x, pos
            shift += 7


# --------------------------------------------------------------------------- writing


def _symbol_lines(c: Circuit) -> list[str]:
    lines = [f"i{i} {name}" for i, name in enumerate(c.input_names) if name]
    return lines + [f"o{i} {name}" for i, name in enumerate(c.output_names) if name]


def format_aag(circuit: Circuit) -> str:
    """The ASCII AIGER text of ``circuit`` (XOR/MAJ lowered to ANDs, canonical numbering).

    >>> from reluhard.problems.circuit_build import Builder
    >>> b = Builder(2); x, y = b.inputs
    >>> print(format_aag(b.finish([b.and_(x, y)], ("x", "y"), ("z",))), end="")
    aag 3 2 0 1 1
    2
    4
    6
    6 4 2
    i0 x
    i1 y
    o0 z
    """
    c = to_aig(circuit)
    lines = [f"aag {c.maxvar} {c.ninputs} 0 {c.noutputs} {c.ngates}"]
    lines += [str(2 * (i + 1)) for i in range(c.ninputs)]
    lines += [str(o) for o in c.outputs.tolist()]
    for g, (_, fan) in enumerate(c.gates()):
        lines.append(f"{2 * (c.ninputs + 1 + g)} {fan[1]} {fan[0]}")
    return "\n".join(lines + _symbol_lines(c)) + "\n"


def _varint(x: int) -> bytes:
    out = bytearray()
    while x & ~0x7F:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def format_aig(circuit: Circuit) -> bytes:
    """The binary AIGER bytes of ``circuit`` (the same AIG as :func:`format_aag`)."""
    c = to_aig(circuit)
    head = [f"aig {c.maxvar} {c.ninputs} 0 {c.noutputs} {c.ngates}"]
    head += [str(o) for o in c.outputs.tolist()]
    body = bytearray("\n".join(head).encode() + b"\n")
    for g, (_, fan) in enumerate(c.gates()):
        lhs = 2 * (c.ninputs + 1 + g)
        body += _varint(lhs - fan[1]) + _varint(fan[1] - fan[0])
    symbols = _symbol_lines(c)
    if symbols:
        body += ("\n".join(symbols) + "\n").encode()
    return bytes(body)
