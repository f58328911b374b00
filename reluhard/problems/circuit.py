"""Boolean circuits as a source problem: the instance type (an and-inverter graph with XOR
and majority nodes), simulation over many input vectors at once, and the exact checker of
a circuit preimage.

Pareek and Risteski (Theorem 2, Sec. 6, App. E) build their hard generator as
``G(z) = C(sgn z)`` from a Boolean circuit ``C``; inverting ``G`` at ``x`` is finding a
*preimage*: an input vector ``b`` with ``C(b) = x``. This module is the ``C`` side.

Literals follow AIGER: variable ``v`` has literals ``2v`` (the value) and ``2v + 1`` (its
negation); variable 0 is the constant, so literal ``0`` is false and ``1`` is true. Inputs
are variables ``1..ninputs`` in file order; gate ``g`` (0-based) is variable
``ninputs + 1 + g``, and its fanins are literals of smaller variables (the gates are in
topological order, as in binary AIGER). A gate is one of

- ``AND`` of any number of literals (OR, NAND and NOR are ANDs with negated fanins or a
  negated output: negation is free, it lives in the literal);
- ``XOR`` of any number of unnegated literals (XNOR is a negated XOR);
- ``MAJ`` of an odd number (at least 3) of literals (the full adder's carry).

AIGER files hold only 2-input ANDs; the BENCH reader and the generators also make k-ary
ANDs, XORs and MAJs, so that each becomes its own gadget of
:mod:`reluhard.reductions.gadgets` (a k-ary AND is one ReLU unit, not k - 1). Circuits are
built through :class:`reluhard.problems.circuit_build.Builder` (structural hashing,
constant folding, the canonical numbering); the file formats are in
:mod:`reluhard.problems.aiger` and :mod:`reluhard.problems.bench`.

The *question* a circuit instance asks is "is there an input vector whose outputs are the
target": ``target`` is the required output vector once a reduction has fixed it, and until
then every output is required to be true (AIGER's reading of a combinational circuit as a
structural SAT problem). A certificate is an input vector written as DIMACS-style
literals, ``i`` (input ``i`` true) or ``-i``, one per input ``1..ninputs``.

>>> from reluhard.problems.circuit_build import Builder
>>> b = Builder(2)
>>> x, y = b.inputs
>>> c = b.finish([b.xor(x, y), b.and_(x, y)], output_names=("s", "c"))
>>> simulate(c, [[False, True], [True, True]]).tolist()
[[True, False], [False, True]]
>>> preimage_fault(c.with_target([1, 0]), [1, -2])
>>> preimage_fault(c.with_target([1, 0]), [1, 2])
'output 1 (s) is false under the input vector, the target says true (2 outputs differ)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .intarrays import int_array, meta_count

AND, XOR, MAJ = 0, 1, 2
OP_NAMES = ("AND", "XOR", "MAJ")


@dataclass(frozen=True, eq=False)
class Circuit:
    """A combinational circuit in the layout of the module docstring: gate ``g`` has op
    ``ops[g]`` and fanin literals ``fanins[offsets[g]:offsets[g+1]]``; ``outputs`` are
    literals; names are ``""`` where the file gives none; ``target`` (bool per output)
    is the required output vector, None for "every output true"."""

    ninputs: int
    ops: np.ndarray
    fanins: np.ndarray
    offsets: np.ndarray
    outputs: np.ndarray
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    target: np.ndarray | None = None

    def __post_init__(self) -> None:
        ops = int_array(self.ops, "ops", np.int8).reshape(-1)
        fan = int_array(self.fanins, "fanins", np.int64).reshape(-1)
        offs = int_array(self.offsets, "offsets", np.int64).reshape(-1)
        outs = int_array(self.outputs, "outputs", np.int64).reshape(-1)
        for name, arr in (("ops", ops), ("fanins", fan), ("offsets", offs), ("outputs", outs)):
            object.__setattr__(self, name, arr)
        i_names = tuple(self.input_names) or ("",) * self.ninputs
        o_names = tuple(self.output_names) or ("",) * outs.size
        object.__setattr__(self, "input_names", i_names)
        object.__setattr__(self, "output_names", o_names)
        if self.target is not None:
            object.__setattr__(
                self, "target", np.ascontiguousarray(self.target, dtype=bool).reshape(-1)
            )
        problem = self._fault()
        if problem:
            raise ValueError(problem)

    def _fault(self) -> str | None:
        ni, G = self.ninputs, self.ops.size
        if ni < 0:
            return "ninputs must be >= 0"
        offs, fan = self.offsets, self.fanins
        if offs.size != G + 1 or offs[0] != 0 or offs[-1] != fan.size or np.any(np.diff(offs) < 0):
            return "offsets must start at 0, end at len(fanins) and not decrease"
        if np.any((self.ops < 0) | (self.ops > MAJ)):
            return "unknown gate op"
        if fan.size:
            gate_var = np.repeat(np.arange(ni + 1, ni + 1 + G), np.diff(offs))
            if np.any(fan < 0) or np.any(fan >> 1 >= gate_var):
                return "every fanin must be a literal of a smaller variable (topological order)"
        arity = np.diff(offs)
        if np.any(arity[self.ops == MAJ] % 2 == 0) or np.any(arity[self.ops == MAJ] < 3):
            return "a MAJ gate needs an odd number (>= 3) of fanins"
        if np.any(self.outputs < 0) or np.any(self.outputs >> 1 > ni + G):
            return "an output literal is not a literal of the circuit"
        if len(self.input_names) != ni or len(self.output_names) != self.outputs.size:
            return "one name per input and per output"
        if self.target is not None and self.target.size != self.outputs.size:
            return f"the target has {self.target.size} bits, the circuit {self.noutputs} outputs"
        return None

    @property
    def ngates(self) -> int:
        return int(self.ops.size)

    @property
    def noutputs(self) -> int:
        return int(self.outputs.size)

    @property
    def maxvar(self) -> int:
        """The largest variable index (AIGER's ``M``)."""
        return self.ninputs + self.ngates

    def gate(self, g: int) -> tuple[int, list[int]]:
        """Gate ``g``'s op and fanin literals."""
        return int(self.ops[g]), self.fanins[self.offsets[g] : self.offsets[g + 1]].tolist()

    def gates(self) -> list[tuple[int, list[int]]]:
        return [self.gate(g) for g in range(self.ngates)]

    def required(self) -> np.ndarray:
        """The required output vector: ``target``, or every output true."""
        return np.ones(self.noutputs, bool) if self.target is None else self.target

    def with_target(self, bits: Sequence[int] | np.ndarray | None) -> Circuit:
        """This circuit asking for the output vector ``bits`` (0/1 or bool, output order)."""
        return replace(self, target=None if bits is None else np.asarray(bits, dtype=bool))

    def levels(self) -> np.ndarray:
        """``level[v]`` per variable: 0 for the constant and the inputs, ``1 + max`` of its
        fanins' levels for a gate."""
        lev = np.zeros(self.maxvar + 1, dtype=np.int64)
        ni, offs, var = self.ninputs, self.offsets, self.fanins >> 1
        for g in range(self.ngates):
            lo, hi = offs[g], offs[g + 1]
            lev[ni + 1 + g] = 1 + (lev[var[lo:hi]].max() if hi > lo else 0)
        return lev

    def depth(self) -> int:
        """The largest level of an output (0 when every output is an input or constant)."""
        lev = self.levels()
        return int(lev[self.outputs >> 1].max()) if self.noutputs else 0

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Circuit)
            and self.ninputs == other.ninputs
            and all(
                np.array_equal(getattr(self, k), getattr(other, k))
                for k in ("ops", "fanins", "offsets", "outputs")
            )
            and (self.target is None) == (other.target is None)
            and (
                self.target is None
                or other.target is None
                or np.array_equal(self.target, other.target)
            )
        )

    def __hash__(self) -> int:
        return hash((self.ninputs, self.fanins.tobytes(), self.outputs.tobytes()))

    def __repr__(self) -> str:
        return f"Circuit({describe(self)})"


# --------------------------------------------------------------------------- simulation


def simulate(circuit: Circuit, X: Sequence | np.ndarray, *, all_vars: bool = False) -> np.ndarray:
    """The outputs (bool, shape ``(batch, noutputs)``) for the input vectors ``X`` (bool or
    0/1, shape ``(batch, ninputs)`` or ``(ninputs,)``), all at once in numpy; with
    ``all_vars`` the value of every variable instead (shape ``(batch, maxvar + 1)``)."""
    X = np.asarray(X, dtype=bool)
    single = X.ndim == 1
    X = X.reshape(1, -1) if single else X
    if X.shape[1] != circuit.ninputs:
        raise ValueError(f"input vectors have {X.shape[1]} bits, the circuit {circuit.ninputs}")
    vals = np.zeros((circuit.maxvar + 1, X.shape[0]), dtype=bool)
    vals[1 : circuit.ninputs + 1] = X.T
    ni, offs, fan = circuit.ninputs, circuit.offsets, circuit.fanins
    for g in range(circuit.ngates):
        lits = fan[offs[g] : offs[g + 1]]
        ins = vals[lits >> 1] ^ (lits & 1).astype(bool)[:, None]
        op = circuit.ops[g]
        if op == AND:
            vals[ni + 1 + g] = ins.all(axis=0)
        elif op == XOR:
            vals[ni + 1 + g] = np.logical_xor.reduce(ins, axis=0)
        else:
            vals[ni + 1 + g] = 2 * ins.sum(axis=0) > lits.size
    if all_vars:
        out = vals.T
    else:
        o = circuit.outputs
        out = (vals[o >> 1] ^ (o & 1).astype(bool)[:, None]).T
    return out[0] if single else out


def all_input_vectors(n: int) -> np.ndarray:
    """Every input vector of ``n`` bits (``2^n`` rows): row ``k`` sets input ``i`` (0-based)
    to bit ``i`` of ``k``."""
    k = np.arange(1 << n, dtype=np.int64)
    return ((k[:, None] >> np.arange(n)) & 1).astype(bool)


def truth_table(circuit: Circuit) -> np.ndarray:
    """The outputs on every input vector, in the row order of :func:`all_input_vectors`."""
    return simulate(circuit, all_input_vectors(circuit.ninputs))


# --------------------------------------------------------------------------- certificates


def bits_text(bits: Sequence[bool] | np.ndarray) -> str:
    """A bit vector as a 0/1 string in order (``outputs=``/``planted=`` values)."""
    return "".join("1" if b else "0" for b in np.asarray(bits, dtype=bool))


def literals_of(bits: Sequence[bool] | np.ndarray) -> list[int]:
    """An input vector as the certificate's literals ``i`` / ``-i``, inputs ``1..n``."""
    return [i if b else -i for i, b in enumerate(np.asarray(bits, dtype=bool).tolist(), 1)]


def input_fault(circuit: Circuit, certificate) -> tuple[np.ndarray | None, str | None]:
    """The input vector a certificate (literals ``i`` / ``-i``) names, or why it names none:
    a literal out of range, an input given both values, an input given none."""
    n = circuit.ninputs
    if not isinstance(certificate, (list, tuple, np.ndarray)):
        return None, "the certificate must be a list of input literals (i or -i)"
    lits = np.asarray(certificate, dtype=np.int64).ravel()
    lits = lits[lits != 0]
    out = lits[np.abs(lits) > n]
    if out.size:
        lit = int(out[0])
        span = f"1..{n}" if lit > 0 else f"-{n}..-1"
        return None, f"literal {lit} is outside {span} (the circuit has {n} inputs)"
    values = np.zeros(n + 1, dtype=np.int8)
    np.put(values, np.abs(lits), np.sign(lits))
    clash = lits[values[np.abs(lits)] != np.sign(lits)]
    if clash.size:
        return None, f"input {abs(int(clash[0]))} is both true and false in the input vector"
    unset = np.flatnonzero(values[1:] == 0)
    if unset.size:
        i = int(unset[0])
        return None, f"input {i + 1}{_named(circuit.input_names, i)} has no value"
    return values[1:] > 0, None


def preimage_fault(circuit: Circuit, certificate, target=None) -> str | None:
    """Why ``certificate`` (an input vector as literals) is not a preimage of ``target``
    (default: the circuit's required outputs), naming the first output that differs; None
    when it is one. Simulation is Boolean, hence exact."""
    bits, why = input_fault(circuit, certificate)
    if why:
        return why
    want = circuit.required() if target is None else np.asarray(target, dtype=bool)
    assert bits is not None
    got = simulate(circuit, bits)
    bad = np.flatnonzero(got != want)
    if bad.size == 0:
        return None
    j = int(bad[0])
    word = ("false", "true")
    more = f" ({bad.size} outputs differ)" if bad.size > 1 else ""
    return (
        f"output {j + 1}{_named(circuit.output_names, j)} is {word[int(got[j])]} under the input "
        f"vector, the target says {word[int(want[j])]}{more}"
    )


def _named(names: Sequence[str], i: int) -> str:
    return f" ({names[i]})" if names[i] else ""


# --------------------------------------------------------------------------- embedding


def describe(circuit: Circuit) -> str:
    """A few words on the circuit's size, for messages.

    >>> from reluhard.problems.circuit_build import Builder
    >>> b = Builder(3); x, y, z = b.inputs
    >>> describe(b.finish([b.maj(x, y, z), b.xor(x, y, z)]))
    '3 inputs, 2 outputs, 2 gates (1 XOR, 1 MAJ), depth 1'
    """
    counts = np.bincount(circuit.ops, minlength=3) if circuit.ngates else np.zeros(3, int)
    kinds = ", ".join(f"{int(c)} {OP_NAMES[k]}" for k, c in enumerate(counts) if c)
    gates = f"{circuit.ngates} gate{'s' if circuit.ngates != 1 else ''}"
    words = [
        f"{circuit.ninputs} input{'s' if circuit.ninputs != 1 else ''}",
        f"{circuit.noutputs} output{'s' if circuit.noutputs != 1 else ''}",
        gates + (f" ({kinds})" if kinds else ""),
        f"depth {circuit.depth()}",
    ]
    if circuit.target is not None and circuit.noutputs:
        words.append(f"target {bits_text(circuit.target)}")
    return ", ".join(words)


def to_arrays(circuit: Circuit) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and JSON metadata that embed ``circuit`` (and its target) in a network
    file."""
    arrays = {
        "ops": circuit.ops,
        "fanins": circuit.fanins,
        "offsets": circuit.offsets,
        "outputs": circuit.outputs,
    }
    if circuit.target is not None:
        arrays["target"] = circuit.target.astype(np.int8)
    meta = {
        "ninputs": circuit.ninputs,
        "ngates": circuit.ngates,
        "input_names": list(circuit.input_names),
        "output_names": list(circuit.output_names),
    }
    return arrays, meta


def from_arrays(arrays, meta: dict) -> Circuit:
    """Inverse of :func:`to_arrays`; ``ValueError`` if the arrays do not form a circuit."""
    target = arrays.get("target")
    if target is not None:
        target = int_array(target, "target", np.int8)
        if np.any((target != 0) & (target != 1)):
            raise ValueError("target must hold 0s and 1s")
    names = [meta.get("input_names", []), meta.get("output_names", [])]
    if not all(isinstance(ns, list) and all(isinstance(x, str) for x in ns) for ns in names):
        raise ValueError("input_names and output_names must be lists of strings")
    return Circuit(
        meta_count(meta["ninputs"], "ninputs"),
        arrays["ops"],
        arrays["fanins"],
        arrays["offsets"],
        arrays["outputs"],
        tuple(meta.get("input_names", ())),
        tuple(meta.get("output_names", ())),
        None if target is None else np.asarray(target) != 0,
    )
