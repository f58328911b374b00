"""Circuit generators: random circuits (for tests).

:func:`random_circuit` draws gates of every kind the IR has (2- and k-ary ANDs with random
negations, XORs, MAJs) over the inputs and earlier gates, and outputs that may also be
inputs, negated signals or constants, so that the compiler meets every case.
"""

from __future__ import annotations

import numpy as np

from .circuit import Circuit
from .circuit_build import Builder


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
