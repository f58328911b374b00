"""Circuit generators (``reluhard circuit-gen``): ripple-carry adders, array multipliers,
the factoring circuit, and random circuits for tests.

Bit vectors are least significant bit first; inputs are the operands in order (``a`` then
``b``; ``p`` then ``q``), outputs the result bits. The adders and multipliers are built from
full adders, ``sum = XOR(a, b, c)`` and ``carry = MAJ(a, b, c)`` (constant inputs fold:
a half adder is ``XOR(a, b)``, ``AND(a, b)``), each one gadget of
:mod:`reluhard.reductions.gadgets`.

:func:`factoring_circuit` is a multiplier whose extra last output says that both factors
are greater than 1; inverting it at ``(N, 1)`` factors ``N`` non-trivially, and no
preimage means ``N`` is prime. For ``N`` of ``n`` bits the factors have ``ceil(n/2)`` and
``n - 1`` bits: the smaller factor of a composite ``N`` is at most ``sqrt(N) < 2^ceil(n/2)``
and the larger at most ``N / 2 < 2^(n-1)``, so every factorisation has a preimage.

:func:`random_circuit` draws gates of every kind the IR has (2- and k-ary ANDs with random
negations, XORs, MAJs) over the inputs and earlier gates, and outputs that may also be
inputs, negated signals or constants, so that the compiler meets every case.
"""

from __future__ import annotations

import numpy as np

from .circuit import Circuit, bits_text
from .circuit_build import Builder

KINDS = ("adder", "multiplier", "factor", "random")


def _full_add(b: Builder, x: int, y: int, carry: int) -> tuple[int, int]:
    return b.xor(x, y, carry), b.maj(x, y, carry)


def adder(n: int) -> Circuit:
    """The ``n``-bit ripple-carry adder: inputs ``a`` then ``b`` (``n`` bits each), outputs
    the ``n + 1`` bits of ``a + b``.

    >>> from reluhard.problems.circuit import simulate
    >>> simulate(adder(3), [1, 1, 0, 1, 1, 1]).astype(int).tolist()  # 3 + 7 = 10
    [0, 1, 0, 1]
    """
    b = Builder(2 * n)
    a, c = b.inputs[:n], b.inputs[n:]
    out, carry = [], 0
    for i in range(n):
        s, carry = _full_add(b, a[i], c[i], carry)
        out.append(s)
    names = [f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)]
    return b.finish(out + [carry], names, [f"s{i}" for i in range(n + 1)])


def _product(b: Builder, p: list[int], q: list[int]) -> list[int]:
    """The bits of ``p * q`` (array multiplier: one ripple-carry row per bit of ``q``)."""
    acc = [0] * (len(p) + len(q))
    for j, qj in enumerate(q):
        carry = 0
        for i, pi in enumerate(p):
            acc[i + j], carry = _full_add(b, acc[i + j], b.and_(pi, qj), carry)
        acc[len(p) + j] = carry
    return acc


def multiplier(n: int, m: int | None = None) -> Circuit:
    """The ``n x m`` array multiplier (``m = n`` by default): inputs ``p`` (``n`` bits) then
    ``q`` (``m`` bits), outputs the ``n + m`` bits of ``p * q``.

    >>> from reluhard.problems.circuit import simulate
    >>> simulate(multiplier(4), [1, 1, 0, 1, 1, 0, 1, 1]).astype(int).tolist()  # 11 * 13
    [1, 1, 1, 1, 0, 0, 0, 1]
    """
    m = n if m is None else m
    b = Builder(n + m)
    names = [f"p{i}" for i in range(n)] + [f"q{i}" for i in range(m)]
    out = _product(b, b.inputs[:n], b.inputs[n:])
    return b.finish(out, names, [f"o{i}" for i in range(n + m)])


def factor_widths(nbits: int) -> tuple[int, int]:
    """The bit widths of the two factors for a number of ``nbits`` bits (module docstring)."""
    return max(1, (nbits + 1) // 2), max(1, nbits - 1)


def factoring_circuit(nbits: int) -> Circuit:
    """The factoring circuit for numbers of ``nbits`` bits: :func:`multiplier` of
    :func:`factor_widths`, and a last output ``p > 1 and q > 1``."""
    n, m = factor_widths(nbits)
    b = Builder(n + m)
    p, q = b.inputs[:n], b.inputs[n:]
    out = _product(b, p, q) + [b.and_(b.or_(*p[1:]), b.or_(*q[1:]))]
    names = [f"p{i}" for i in range(n)] + [f"q{i}" for i in range(m)]
    return b.finish(out, names, [f"o{i}" for i in range(n + m)] + ["nontrivial"])


def factoring_target(N: int) -> str:
    """The ``outputs=`` value asking :func:`factoring_circuit` for a factorisation of ``N``.

    >>> factoring_target(143)
    '111100010001'
    """
    n, m = factor_widths(N.bit_length())
    return bits_text([bool((N >> k) & 1) for k in range(n + m)] + [True])


def random_circuit(
    rng: np.random.Generator,
    ninputs: int,
    ngates: int,
    noutputs: int,
    *,
    max_fanin: int = 3,
    constants: bool = True,
) -> Circuit:
    """A random circuit over ``ninputs`` inputs with up to ``ngates`` gates (fewer when
    structural hashing merges some) and ``noutputs`` outputs; outputs favour the last
    gates, so that the circuit is deep."""
    b = Builder(ninputs)
    signals = [2 * (i + 1) for i in range(ninputs)]
    if constants:
        signals.append(int(rng.integers(0, 2)))
    for _ in range(ngates):
        if not signals:
            break
        kind = rng.choice(3, p=[0.6, 0.25, 0.15])
        k = 3 if kind == 2 else int(rng.integers(1, max_fanin + 1))
        picks = rng.integers(0, len(signals), size=k)
        lits = [signals[i] ^ int(rng.integers(0, 2)) for i in picks]
        out = b.and_(*lits) if kind == 0 else b.xor(*lits) if kind == 1 else b.maj(*lits)
        signals.append(out ^ int(rng.integers(0, 2)))
    recent = signals[-max(1, ngates // 2) :] if signals else [0]
    pool = recent + signals
    picks = rng.integers(0, len(pool), size=noutputs)
    outs = [pool[int(i)] ^ int(rng.integers(0, 2)) for i in picks]
    return b.finish(outs)
