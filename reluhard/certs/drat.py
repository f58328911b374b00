"""Clausal proofs at scale: binary DRAT, and checking whose time follows the proof.

Formats. A DRAT proof (Wetzler, Heule and Hunt, "DRAT-trim: efficient checking and trimming
using expressive clausal proofs", SAT 2014) is a sequence of added lemmas and deleted
clauses, as text (``1 -2 0``, ``d 1 -2 0``) or binary: each step is the byte ``a`` (0x61) or
``d`` (0x64), then each literal ``l`` as the unsigned number ``2*|l| + (l < 0)`` in 7-bit
groups, least significant first, the high bit set on every byte but the last, then a 0
byte. Binary is told from text as DRAT-trim does (:func:`is_binary`): one of the first 10
bytes outside ``d``, CR, LF, space, ``-``, digits and ``A``-``z``.

Checking. The judge of VALID stays the verified checker (``drup``, :mod:`.proofs`). Run on
a whole DRUP proof it ignores deletions and propagates over every clause it holds, so a
MapleChrono proof of 4,000 lines on uuf75 takes 10 to 30 s. The trade-off chosen here is
the one DRAT-trim and the LRAT toolchains make (a fast, unverified pass that finds the
reasons; a verified check of what it found):

1. :func:`find_hints` runs a forward RUP pass in plain Python with two watched literals that
   honours deletions (except, as DRAT-trim by default, the deletion of a clause that is the
   reason of a top-level assignment, and of a clause not present). For every lemma it
   records the clauses whose unit propagation refutes the lemma's negation: its LRAT hints.
   It stops at the first top-level conflict, which gives the empty clause its hints.
2. The hinted proof goes to :func:`reluhard.certs.lrat.check_lrat_steps`, which trims it to
   the lemmas the empty clause depends on and has the verified checker judge each of them
   against its hint clauses alone (see :mod:`.lrat` for why that is sound whatever the
   hints say). Deletions are not passed on: the table then holds a superset of the clauses,
   all implied by the formula.

The pass in step 1 is not trusted: a mistake there can only make the verified check of
step 2 fail, never make an invalid proof pass. When step 1 or step 2 fails (a RAT lemma,
which the RUP pass does not decide; a lemma that is not RUP once deletions are honoured; an
invalid proof), the verified checker judges the whole proof as before, deletions ignored
(:func:`reluhard.certs.proofs.check_proof_whole`), so VALID and INVALID are always its own
verdicts. The price: an invalid (or RAT) proof costs the old, slow check; a valid RUP proof
costs time proportional to the proof and its hints. Measured in
``benchmarks/proof_check.py`` (docs/crosscheck.md, "Proofs").

>>> encode_binary([(False, [1, -2]), (True, [1, -2]), (False, [])])
b'a\\x02\\x05\\x00d\\x02\\x05\\x00a\\x00'
>>> parse_binary(b'a\\x02\\x05\\x00d\\x02\\x05\\x00a\\x00')
[(False, [1, -2]), (True, [1, -2]), (False, [])]
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..problems.cnf import CNF
from .lrat import Step

#: one proof step: (is a deletion, literals)
ProofStep = tuple[bool, list[int]]

_TEXT_BYTES = frozenset(b"d\r\n -0123456789") | frozenset(range(ord("A"), ord("z") + 1))


def is_binary(data: bytes) -> bool:
    """DRAT-trim's test: binary when one of the first 10 bytes cannot occur in text DRAT."""
    return any(b not in _TEXT_BYTES for b in data[:10])


def encode_binary(steps: Iterable[tuple[bool, Sequence[int]]]) -> bytes:
    """The binary DRAT encoding of ``steps``."""
    out = bytearray()
    for delete, lits in steps:
        out.append(0x64 if delete else 0x61)
        for lit in lits:
            u = 2 * abs(lit) + (lit < 0)
            while u > 0x7F:
                out.append(0x80 | (u & 0x7F))
                u >>= 7
            out.append(u)
        out.append(0)
    return bytes(out)


def parse_binary(data: bytes, name: str = "<proof>", limit: int | None = None) -> list[ProofStep]:
    """The steps of a binary DRAT proof; a malformed one raises :class:`InputError` naming
    the byte offset (as ``name``'s "line": binary has no lines, the message says so)."""
    steps: list[ProofStep] = []
    i, n = 0, len(data)
    while i < n:
        tag = data[i]
        if tag not in (0x61, 0x64):
            raise InputError(name, None, f"binary DRAT: byte {i} is {tag:#04x}, not 'a' or 'd'")
        start, i = i, i + 1
        lits: list[int] = []
        while True:
            u = shift = 0
            while True:
                if i >= n:
                    raise InputError(
                        name, None, f"binary DRAT: the step at byte {start} is cut off"
                    )
                b = data[i]
                i += 1
                u |= (b & 0x7F) << shift
                shift += 7
                if b < 0x80:
                    break
                if shift > 70:
                    raise InputError(name, None, f"binary DRAT: literal at byte {i} too long")
            if u == 0:
                break
            if u == 1:
                raise InputError(name, None, f"binary DRAT: literal '-0' at byte {i - 1}")
            lit = -(u >> 1) if u & 1 else u >> 1
            if limit is not None and abs(lit) > limit:
                raise InputError(
                    name,
                    None,
                    f"binary DRAT: literal {lit} at byte {i - 1} is out of range: a proof may "
                    f"name variables up to {limit} (the formula's and one fresh one per step)",
                )
            lits.append(lit)
        steps.append((tag == 0x64, lits))
    return steps


def to_text(steps: Iterable[ProofStep]) -> list[str]:
    """``steps`` as text DRAT lines."""
    return [("d " if d else "") + " ".join(map(str, [*lits, 0])) for d, lits in steps]


def read_steps(data: bytes, name: str = "<proof>", nvars: int | None = None) -> list[ProofStep]:
    """The steps of a text or binary DRAT proof (told apart by :func:`is_binary`)."""
    from .proofs import max_variable, proof_steps

    if is_binary(data):
        limit = None if nvars is None else max_variable(nvars, data.count(0))
        return parse_binary(data, name, limit)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(name, line, "not a text DRUP proof (non-ASCII byte)") from None
    return proof_steps(text.splitlines(), name, nvars)


# ------------------------------------------------------------------------ the RUP pass


@dataclass
class Hints:
    """What :func:`find_hints` found: ``steps`` (LRAT, ending in the empty lemma) when every
    lemma up to the refutation was RUP, else None and ``reason``."""

    steps: list[Step] | None
    reason: str
    lemmas: int
    deletions: int
    ignored_deletions: int
    time: float


def find_hints(
    clauses: Sequence[Sequence[int]], proof: Sequence[ProofStep], nvars: int = 0
) -> Hints:
    """The forward, deletion-aware RUP pass (step 1 of the module docstring)."""
    start = time.perf_counter()
    top = max(
        [nvars, *(abs(v) for c in clauses for v in c), *(abs(v) for _, c in proof for v in c)]
    )
    f = _Forward(top)
    m = len(clauses)
    out: list[Step] = []
    lemmas = deletions = ignored = 0

    def done(steps: list[Step] | None, reason: str = "") -> Hints:
        return Hints(steps, reason, lemmas, deletions, ignored, time.perf_counter() - start)

    conflict = 0
    for i, c in enumerate(clauses, 1):
        conflict = f.add(i, list(c))
        if conflict:
            return done([Step(m + 1, (), tuple(f.explain(conflict)), False)])
    next_id = m + 1
    for delete, lits in proof:
        if delete:
            deletions += 1
            ignored += not f.delete(lits)
            continue
        lemmas += 1
        hints = f.rup(lits)
        if hints is None:
            shown = " ".join(map(str, lits[:12])) + (" ..." if len(lits) > 12 else "")
            return done(None, f"lemma {lemmas} ({shown} 0) is not RUP once deletions are honoured")
        out.append(Step(next_id, tuple(lits), tuple(hints), False))
        conflict = f.add(next_id, list(lits))
        next_id += 1
        if conflict:
            out.append(Step(next_id, (), tuple(f.explain(conflict)), False))
            return done(out)
    return done(None, f"after all {lemmas} lemmas, unit propagation does not refute the formula")


class _Forward:
    """Clauses under the top-level assignment, two watched literals each. Literal ``l``
    indexes ``val`` and ``watches`` directly: a list of ``2n + 1`` entries puts ``-l`` at
    ``2n + 1 - l``, past every positive literal."""

    def __init__(self, n: int) -> None:
        size = 2 * n + 1
        self.val = bytearray(size)  # val[l] == 1: l is true
        self.watches: list[list[int]] = [[] for _ in range(size)]
        self.reason = [0] * (n + 1)
        self.pos = [0] * (n + 1)
        self.trail: list[int] = []
        self.qhead = 0
        self.cls: dict[int, list[int]] = {}
        self.alive: set[int] = set()
        self.index: dict[tuple[int, ...], list[int]] = {}

    def _assign(self, lit: int, cid: int) -> None:
        self.val[lit] = 1
        v = abs(lit)
        self.reason[v] = cid
        self.pos[v] = len(self.trail)
        self.trail.append(lit)

    def add(self, cid: int, lits: list[int]) -> int:
        """Add clause ``cid`` at the top level; a conflict's clause id, else 0."""
        c = list(dict.fromkeys(lits))
        self.index.setdefault(tuple(sorted(c)), []).append(cid)
        self.cls[cid] = c
        self.alive.add(cid)
        if len(set(map(abs, c))) < len(c):
            return 0  # a tautology: never unit, never watched
        val = self.val
        free = [lit for lit in c if not val[-lit]]
        if not free:
            return cid
        c[:] = free + [lit for lit in c if val[-lit]]
        if len(c) >= 2:
            self.watches[c[0]].append(cid)
            self.watches[c[1]].append(cid)
        if len(free) == 1 and not val[c[0]]:
            self._assign(c[0], cid)
            return self.propagate()
        return 0

    def delete(self, lits: Sequence[int]) -> bool:
        """Delete a clause equal to ``lits``; False when it is ignored (not present, or the
        reason of a top-level assignment)."""
        ids = self.index.get(tuple(sorted(set(lits))))
        if not ids:
            return False
        cid = ids[-1]
        first = self.cls[cid][0] if self.cls[cid] else 0
        if first and self.val[first] and self.reason[abs(first)] == cid:
            return False
        ids.pop()
        self.alive.discard(cid)
        return True

    def propagate(self) -> int:
        val, watches, cls, alive, trail = self.val, self.watches, self.cls, self.alive, self.trail
        while self.qhead < len(trail):
            false_lit = -trail[self.qhead]
            self.qhead += 1
            ws = watches[false_lit]
            i = j = 0
            n = len(ws)
            while i < n:
                cid = ws[i]
                i += 1
                if cid not in alive:
                    continue
                c = cls[cid]
                if c[0] == false_lit:
                    c[0], c[1] = c[1], false_lit
                first = c[0]
                if val[first]:
                    ws[j] = cid
                    j += 1
                    continue
                for k in range(2, len(c)):
                    lit = c[k]
                    if not val[-lit]:
                        c[1], c[k] = lit, false_lit
                        watches[lit].append(cid)
                        break
                else:
                    ws[j] = cid
                    j += 1
                    if val[-first]:
                        ws[j:] = ws[i:n]
                        return cid
                    self._assign(first, cid)
            del ws[j:]
        return 0

    def rup(self, lits: Sequence[int]) -> list[int] | None:
        """The hints that make ``lits`` RUP now, or None; the top level is left as it was."""
        mark = len(self.trail)
        val = self.val
        hints: list[int] | None = None
        for lit in lits:
            if val[lit]:  # its negation is refuted at once
                hints = self.explain(0, abs(lit))
                break
            if not val[-lit]:
                self._assign(-lit, 0)
        else:
            conflict = self.propagate()
            if conflict:
                hints = self.explain(conflict)
        for lit in self.trail[mark:]:
            val[lit] = 0
        del self.trail[mark:]
        self.qhead = mark
        return hints

    def explain(self, conflict: int, var: int = 0) -> list[int]:
        """The reason clauses behind a conflict (clause ``conflict``, or the assigned ``var``),
        in trail order, the conflict clause last."""
        stack = [abs(v) for v in self.cls[conflict]] if conflict else [var]
        seen: set[int] = set()
        found = []
        reason, pos = self.reason, self.pos
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            r = reason[v]
            if r:
                found.append((pos[v], r))
                stack.extend(abs(u) for u in self.cls[r] if abs(u) != v)
        hints = [r for _, r in sorted(found)]
        return hints + [conflict] if conflict else hints


# ------------------------------------------------------------------------ the check


def check_steps(cnf: CNF, proof: Sequence[ProofStep], name: str = "<proof>", fmt: str = "drup"):
    """Check a DRUP/DRAT proof (steps) of the unsatisfiability of ``cnf``: hints from the
    RUP pass, judged lemma by lemma by the verified checker; where that fails, the verified
    checker on the whole proof. Returns a :class:`~reluhard.certs.proofs.ProofCheck`."""
    from . import proofs
    from .lrat import check_lrat_steps

    clauses = cnf.clauses()
    found = find_hints(clauses, proof, cnf.nvars)
    lemmas = sum(not d for d, _ in proof)
    deletions = len(proof) - lemmas
    note = ""
    if found.steps is not None:
        r = check_lrat_steps(clauses, found.steps)
        elapsed = found.time + r.time
        if r.valid:
            return proofs.ProofCheck(
                proofs.VALID,
                "",
                lemmas,
                deletions,
                elapsed,
                proofs.CHECKER + "; lemma by lemma on hints from the deletion-aware RUP pass",
                fmt,
            )
        note = f"hinted check: {r.reason}"
    else:
        note = f"RUP pass: {found.reason}"
    whole = proofs.check_proof_whole(cnf, [lits for d, lits in proof if not d], name)
    return proofs.ProofCheck(
        whole.status,
        whole.reason,
        lemmas,
        deletions,
        found.time + whole.time,
        proofs.CHECKER + f"; whole proof, deletions ignored ({note})",
        fmt,
    )


def check_proof_bytes(cnf: CNF, data: bytes, name: str = "<proof>"):
    """Check a proof file's bytes: binary DRAT, text DRUP/DRAT or text LRAT."""
    from . import proofs

    if is_binary(data):
        steps = parse_binary(data, name, proofs.max_variable(cnf.nvars, data.count(0)))
        return proofs.check_steps_or_unchecked(cnf, steps, name, "drat-binary")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(name, line, "not a text DRUP proof (non-ASCII byte)") from None
    return proofs.check_proof(cnf, text.splitlines(), name)
