"""Building circuits: structural hashing, constant folding and the canonical numbering.

Every reader and generator builds its :class:`~reluhard.problems.circuit.Circuit` through a
:class:`Builder`, so that

- a gate is normalised before it is made: constants fold (``a & 0 = 0``, ``a ^ 1 = ~a``),
  repeated fanins merge (``a & a = a``, ``a ^ a = 0``), a literal and its negation cancel
  (``a & ~a = 0``), negations move out of XOR and MAJ (``~a ^ b = ~(a ^ b)``,
  ``MAJ(~a, ~b, c) = ~MAJ(a, b, ~c)``), a one-fanin gate is its fanin;
- structurally equal gates are made once (the hash table of Kuehlmann et al.'s AIGs);
- :meth:`Builder.finish` keeps the gates that the outputs depend on, numbered in the
  canonical order: depth-first from the outputs in order, each gate after its fanins
  (visited in their stored order), fanins stored in increasing literal order. This order
  is a fixed point: finishing a finished circuit again changes nothing, so reading what a
  writer wrote gives back an equal circuit.

:func:`to_aig` lowers XOR and MAJ gates and k-ary ANDs to 2-input ANDs (what AIGER files
hold). :func:`topological` orders a reader's named gates before they are built.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from .circuit import AND, MAJ, XOR, Circuit

FALSE, TRUE = 0, 1

K = TypeVar("K", bound=Hashable)


def neg(lit: int) -> int:
    """The negation of a literal."""
    return lit ^ 1


class Builder:
    """A circuit under construction over ``ninputs`` inputs (literals ``2, 4, ...``);
    gates are variables ``ninputs + 1, ...`` in the order made."""

    def __init__(self, ninputs: int) -> None:
        self.ninputs = ninputs
        self.nodes: list[tuple[int, tuple[int, ...]]] = []
        self._table: dict[tuple[int, tuple[int, ...]], int] = {}

    @property
    def inputs(self) -> list[int]:
        return [2 * (i + 1) for i in range(self.ninputs)]

    def _node(self, op: int, fanins: tuple[int, ...]) -> int:
        key = (op, fanins)
        lit = self._table.get(key)
        if lit is None:
            self.nodes.append(key)
            lit = 2 * (self.ninputs + len(self.nodes))
            self._table[key] = lit
        return lit

    def and_(self, *lits: int) -> int:
        """The AND of ``lits`` (true when there are none)."""
        seen = set()
        for lit in lits:
            if lit == FALSE or neg(lit) in seen:
                return FALSE
            if lit != TRUE:
                seen.add(lit)
        if not seen:
            return TRUE
        if len(seen) == 1:
            return seen.pop()
        return self._node(AND, tuple(sorted(seen)))

    def or_(self, *lits: int) -> int:
        """The OR of ``lits`` (false when there are none), as a negated AND."""
        return neg(self.and_(*(neg(x) for x in lits)))

    def xor(self, *lits: int) -> int:
        """The XOR (parity) of ``lits``."""
        parity = 0
        odd: set[int] = set()
        for lit in lits:
            parity ^= lit & 1
            var_lit = lit & ~1
            if var_lit != FALSE:
                odd ^= {var_lit}
        if not odd:
            return parity
        if len(odd) == 1:
            return odd.pop() ^ parity
        return self._node(XOR, tuple(sorted(odd))) ^ parity

    def maj(self, a: int, b: int, c: int) -> int:
        """The majority of three literals (a full adder's carry)."""
        lits = [a, b, c]
        for i, x in enumerate(lits):
            if x in (FALSE, TRUE):
                rest = lits[:i] + lits[i + 1 :]
                return self.and_(*rest) if x == FALSE else self.or_(*rest)
        for i in range(3):
            for j in range(i + 1, 3):
                if lits[i] == lits[j]:
                    return lits[i]
                if lits[i] == neg(lits[j]):
                    return lits[3 - i - j]
        flip = sum(x & 1 for x in lits) >= 2
        if flip:
            lits = [neg(x) for x in lits]
        return self._node(MAJ, tuple(sorted(lits))) ^ int(flip)

    def ite(self, s: int, t: int, e: int) -> int:
        """``t if s else e``."""
        return self.or_(self.and_(s, t), self.and_(neg(s), e))

    def add(self, op: int, fanins: Sequence[int]) -> int:
        """A gate of ``op`` over ``fanins``, normalised as the named constructors do."""
        if op == AND:
            return self.and_(*fanins)
        if op == XOR:
            return self.xor(*fanins)
        if len(fanins) != 3:
            return self._majority(fanins)
        return self.maj(*fanins)

    def _majority(self, fanins: Sequence[int]) -> int:
        """A k-ary MAJ (odd k > 3) kept as one gate when its fanins are plain, distinct
        variables' literals (what :func:`copy_into` meets); folded otherwise."""
        if len({x >> 1 for x in fanins}) == len(fanins) and min(x >> 1 for x in fanins) > 0:
            flip = 2 * sum(x & 1 for x in fanins) > len(fanins)
            lits = tuple(sorted(neg(x) if flip else x for x in fanins))
            return self._node(MAJ, lits) ^ int(flip)
        raise ValueError("a MAJ gate of more than 3 fanins with constants or repeats")

    def finish(
        self,
        outputs: Sequence[int],
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
    ) -> Circuit:
        """The circuit computing ``outputs`` (literals), in the canonical numbering."""
        ni = self.ninputs
        new = {0: 0, **{v: v for v in range(1, ni + 1)}}
        order: list[int] = []
        for out in outputs:
            root = out >> 1
            if root in new:
                continue
            stack = [(root, 0)]
            while stack:
                v, i = stack.pop()
                fan = self.nodes[v - ni - 1][1]
                while i < len(fan) and (fan[i] >> 1) in new:
                    i += 1
                if i == len(fan):
                    if v not in new:
                        order.append(v)
                        new[v] = ni + len(order)
                    continue
                stack.append((v, i + 1))
                stack.append((fan[i] >> 1, 0))

        def relit(lit: int) -> int:
            return 2 * new[lit >> 1] | (lit & 1)

        ops = np.array([self.nodes[v - ni - 1][0] for v in order], dtype=np.int8)
        fanins = [sorted(relit(x) for x in self.nodes[v - ni - 1][1]) for v in order]
        offsets = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum([len(f) for f in fanins], out=offsets[1:])
        flat = np.fromiter((x for f in fanins for x in f), dtype=np.int64, count=int(offsets[-1]))
        return Circuit(
            ni,
            ops,
            flat,
            offsets,
            np.array([relit(x) for x in outputs], dtype=np.int64),
            tuple(input_names),
            tuple(output_names),
        )


def copy_into(builder: Builder, circuit: Circuit, inputs: Sequence[int]) -> list[int]:
    """Rebuild ``circuit``'s gates in ``builder`` with its inputs bound to the literals
    ``inputs``; returns the literals of its outputs."""
    lit = [0] * (circuit.maxvar + 1)
    lit[1 : circuit.ninputs + 1] = list(inputs)

    def of(x: int) -> int:
        return lit[x >> 1] ^ (x & 1)

    for g, (op, fan) in enumerate(circuit.gates()):
        lit[circuit.ninputs + 1 + g] = builder.add(op, [of(x) for x in fan])
    return [of(x) for x in circuit.outputs.tolist()]


def rebuild(circuit: Circuit) -> Circuit:
    """``circuit`` normalised and renumbered canonically (a no-op on a finished one)."""
    b = Builder(circuit.ninputs)
    outs = copy_into(b, circuit, b.inputs)
    done = b.finish(outs, circuit.input_names, circuit.output_names)
    return done.with_target(circuit.target)


def to_aig(circuit: Circuit) -> Circuit:
    """The same function with 2-input ANDs only: ``AND(a, b, c, ...)`` as a chain,
    ``a ^ b = ~(~(a & ~b) & ~(~a & b))``, ``MAJ(a, b, c) = (a & b) | (c & (a | b))``."""
    b = Builder(circuit.ninputs)
    lit = [0] * (circuit.maxvar + 1)
    lit[1 : circuit.ninputs + 1] = b.inputs

    def of(x: int) -> int:
        return lit[x >> 1] ^ (x & 1)

    def and2(xs: Iterable[int]) -> int:
        acc = TRUE
        for x in xs:
            acc = b.and_(acc, x)
        return acc

    def xor2(x: int, y: int) -> int:
        return b.or_(b.and_(x, neg(y)), b.and_(neg(x), y))

    for g, (op, fan) in enumerate(circuit.gates()):
        ins = [of(x) for x in fan]
        if op == AND:
            out = and2(ins)
        elif op == XOR:
            out = ins[0]
            for x in ins[1:]:
                out = xor2(out, x)
        else:
            out = _majority_aig(b, ins, and2)
        lit[circuit.ninputs + 1 + g] = out
    outs = [of(x) for x in circuit.outputs.tolist()]
    done = b.finish(outs, circuit.input_names, circuit.output_names)
    return done.with_target(circuit.target)


def _majority_aig(b: Builder, ins: list[int], and2) -> int:
    """MAJ of an odd number of literals from 2-input ANDs: for three,
    ``(a & b) | (c & (a | b))``; beyond, the OR over the fanin subsets of size
    ``(k + 1) / 2`` of their ANDs (small k only)."""
    if len(ins) == 3:
        a, c2, c = ins
        return b.or_(b.and_(a, c2), b.and_(c, b.or_(a, c2)))
    from itertools import combinations

    need = (len(ins) + 1) // 2
    terms = [and2(s) for s in combinations(ins, need)]
    out = FALSE
    for t in terms:
        out = b.or_(out, t)
    return out


def topological(fanins: Mapping[K, Sequence[K]], cycle: Callable[[list[K]], Exception]) -> list[K]:
    """The gates of ``fanins`` (gate -> the gates it reads, in order; fanins that are not
    keys are inputs and ignored), each after the gates it reads: depth-first from each gate
    in the mapping's order, without recursion. A combinational cycle raises ``cycle(path)``,
    ``path`` the gates around it from its first gate back to that gate.

    >>> topological({"c": ["a", "b"], "a": ["x"], "b": ["a"]}, ValueError)
    ['a', 'b', 'c']
    >>> topological({"a": ["b"], "b": ["a"]}, lambda p: ValueError(" -> ".join(p)))
    Traceback (most recent call last):
    ValueError: a -> b -> a
    """
    order: list[K] = []
    state: dict[K, int] = {}  # 1 = on the current path, 2 = done
    for root in fanins:
        if root in state:
            continue
        state[root], path = 1, [root]
        stack = [(root, 0)]
        while stack:
            v, i = stack.pop()
            fan = [x for x in fanins[v] if x in fanins]
            if i < len(fan):
                stack.append((v, i + 1))
                w = fan[i]
                if state.get(w) == 1:
                    raise cycle(path[path.index(w) :] + [w])
                if w not in state:
                    state[w] = 1
                    path.append(w)
                    stack.append((w, 0))
                continue
            state[v] = 2
            path.pop()
            order.append(v)
    return order
