"""The Tseitin CNF of a circuit, with its target fixed by unit clauses: the formula a SAT
solver decides, and a DRUP proof refutes, for the preimage question (``--certify``,
``crosscheck``).

Variables are the circuit's: input ``i`` is DIMACS variable ``i`` (so a model's first
``n`` literals are the input vector) and gate ``g`` is ``n + 1 + g``. Each gate ``y`` gets
the clauses of ``y <-> gate(fanins)``:

- ``y = AND(l_1..l_k)``: ``(~y | l_i)`` for each ``i`` and ``(y | ~l_1 | ... | ~l_k)``;
- ``y = XOR(l_1..l_k)``: one clause per assignment of the fanins forbidding the wrong
  ``y`` (``2^k`` clauses) up to 4 fanins; longer XORs are chained through auxiliary
  variables numbered after the gates;
- ``y = MAJ(l_1..l_k)``, ``m = (k + 1) / 2``: ``(~y | OR of any m fanins)`` and
  ``(y | OR of the negations of any m fanins)``.

A constant in the circuit (a constant output, or a constant fanin in a circuit not built
through :class:`~reluhard.problems.circuit_build.Builder`) is one more variable ``t``
fixed by the unit clause ``(t)``. The target adds one unit clause per output:
``(o_j)`` when output ``j`` must be true, ``(~o_j)`` when false. So the CNF is satisfiable
iff the circuit has a preimage of the target, and :func:`model_of` extends an input vector
to the whole model.

>>> from reluhard.problems.circuit_build import Builder
>>> b = Builder(2); x, y = b.inputs
>>> preimage_cnf(b.finish([b.and_(x, y)])).clauses()
[[-3, 1], [-3, 2], [3, -1, -2], [3]]
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np

from .circuit import AND, XOR, Circuit, simulate
from .cnf import CNF

XOR_DIRECT = 4  # longest XOR written as its 2^k clauses


class _Writer:
    """The clauses made so far, the next free variable, the constant's variable (made
    when first needed) and the chained XORs' auxiliary definitions ``aux = x ^ y``."""

    def __init__(self, circuit: Circuit) -> None:
        self.clauses: list[list[int]] = []
        self.next_var = circuit.maxvar + 1
        self.true_var = 0
        self.chains: list[tuple[int, int, int]] = []

    def lit(self, lit: int) -> int:
        v = lit >> 1
        if v == 0:
            if not self.true_var:
                self.true_var = self.new_var()
                self.clauses.append([self.true_var])
            base = -self.true_var  # variable 0 is the constant false
        else:
            base = v
        return -base if lit & 1 else base

    def new_var(self) -> int:
        self.next_var += 1
        return self.next_var - 1

    def xor(self, y: int, ins: list[int]) -> None:
        while len(ins) > XOR_DIRECT:
            aux = self.new_var()
            self.chains.append((aux, ins[0], ins[1]))
            self.xor(aux, ins[:2])
            ins = [aux] + ins[2:]
        for values in product((False, True), repeat=len(ins)):
            parity = sum(values) % 2 == 1
            self.clauses.append(
                [-x if v else x for x, v in zip(ins, values, strict=True)] + [y if parity else -y]
            )


def _encode(circuit: Circuit, target) -> _Writer:
    w = _Writer(circuit)
    n = circuit.ninputs
    for g, (op, fan) in enumerate(circuit.gates()):
        y = n + 1 + g
        ins = [w.lit(x) for x in fan]
        if op == AND:
            w.clauses += [[-y, x] for x in ins]
            w.clauses.append([y] + [-x for x in ins])
        elif op == XOR:
            w.xor(y, ins)
        else:
            m = (len(ins) + 1) // 2
            w.clauses += [[-y, *s] for s in combinations(ins, m)]
            w.clauses += [[y, *(-x for x in s)] for s in combinations(ins, m)]
    want = circuit.required() if target is None else np.asarray(target, dtype=bool)
    for lit, value in zip(circuit.outputs.tolist(), want.tolist(), strict=True):
        x = w.lit(lit)
        w.clauses.append([x if value else -x])
    return w


def preimage_cnf(circuit: Circuit, target=None) -> CNF:
    """The Tseitin CNF with the target (default: the circuit's required outputs) fixed."""
    w = _encode(circuit, target)
    return CNF.from_clauses(w.clauses, nvars=w.next_var - 1)


def model_of(circuit: Circuit, bits) -> list[int]:
    """The assignment of :func:`preimage_cnf`'s variables that an input vector ``bits``
    extends to (every gate at its simulated value): a model iff ``bits`` is a preimage."""
    w = _encode(circuit, None)
    value = simulate(circuit, np.asarray(bits, dtype=bool), all_vars=True).tolist()
    value += [False] * (w.next_var - len(value))
    if w.true_var:
        value[w.true_var] = True

    def of(x: int) -> bool:
        return value[abs(x)] == (x > 0)

    for aux, x, y in w.chains:
        value[aux] = of(x) != of(y)
    return [v if value[v] else -v for v in range(1, w.next_var)]
