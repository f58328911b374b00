"""k-SAT -> a 4-layer ReLU network with a real latent, exact inversion (``sat-real``).

Theorem 2 of "On the computational complexity of inverting generative models" (SETH lower
bound for ``z in R^n``); Theorem 2 of Lei et al. 2019 (Appendix B.1) is its 3-SAT case.

The papers clamp ``z`` to ``v = min(max(z, -1), 1)``, evaluate the clause units of
Theorem 1 on ``v``, and add ``u_{m+1} = sum_i max(v_i, 0)``, ``u_{m+2} = sum_i -min(v_i, 0)``;
outputs ``(sum of clause units, u_{m+1} + u_{m+2})`` with target ``(0, n)``. As printed this
is not a network of ``ReLU(W a + b)`` layers: ``u_{m+1}`` and ``u_{m+2}`` are sums of ReLUs
inside one layer, and in Lei et al. the clause units (and ``u_{m+1}``) read ``z`` instead of
the clamped ``v`` (which is wrong: with ``z = (-3, 1)`` the clause ``x1 | x2`` is satisfied
but its unit reads ``3 - 1 - 1 = 1`` and fires; Lei et al. also write ``u_{m+1}`` twice).
The faithful layered version built here:

1. ``h = ReLU(z + 1)`` (``n`` units; ``h = max(z, -1) + 1``);
2. ``g = ReLU(2 - h)`` (``n`` units; ``g = 1 - v`` with ``v = clamp(z, -1, 1)``);
3. ReLU, ``m + 2n`` units reading ``v = 1 - g`` (folded into the weights): the clause units
   of :mod:`sat_sign <reluhard.reductions.sat_sign>` (weights ``-C``, biases ``C 1 + c``),
   then ``ReLU(v_i) = ReLU(1 - g_i)`` and ``ReLU(-v_i) = ReLU(g_i - 1)``;
4. linear, 2 outputs: the sum of the clause units, and the sum of the ``2n`` others,
   ``sum_i |v_i|``. Target ``x = (0, n)``.

Why it is right: the second output equals ``n`` iff every ``|v_i| = 1``, i.e. ``v`` is a sign
vector, and then the first output counts the clauses that assignment falsifies (Theorem 1).
So ``G(z) = x`` iff ``|z_i| >= 1`` for all ``i`` and ``sign(z)`` satisfies the formula.

Domain: ``z in R^n``; the box ``[-1, 1]^n`` is without loss of generality because ``G``
reads ``z`` only through ``clamp(z, -1, 1)``, so ``clamp(z)`` is a solution whenever ``z`` is.
The same clause-unit fixes as ``sat-sign`` apply (bias ``1 - width``, repeated literals
counted once, tautologies as constant-0 units, an empty clause as a constant-1 unit).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..csr import CSR
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..network import Layer, Network
from ..problems.cnf import CNF, model_fault
from . import sat_sign
from .base import Construction, network_bytes
from .sat_sign import _sum_layer

NAME = "sat-real"
SOURCE_KIND = "cnf"
SUMMARY = "k-SAT -> 4-layer ReLU net, latent R^n (w.l.o.g. [-1,1]^n), exact G(z) = (0, n)"
PAPER = "On the computational complexity of inverting generative models; Lei et al. 2019"
THEOREM = "Theorem 2 (complexity paper); Lei et al. Theorem 2 (3-SAT case)"
CERTIFICATE = "a model of the CNF (DIMACS literals)"
PARAMS: dict = {}
WLOG_REASON = "G reads z only through clamp(z, -1, 1), so clamp(z) solves whenever z does"


def build(cnf: CNF, *, source: Source | None = None) -> InversionProblem:
    """The ``sat-real`` inversion problem of ``cnf`` (see the module docstring).

    >>> from reluhard.problems.cnf import CNF
    >>> p = build(CNF.from_clauses([[1, 2], [-1]]))
    >>> p.network.widths, p.target.tolist()
    ([2, 2, 2, 6, 2], [0.0, 2.0])
    """
    n, m = cnf.nvars, cnf.nclauses
    C, c = sat_sign.clause_layer(cnf)
    ones, rng = np.ones(n), np.arange(n, dtype=np.int32)
    steps = np.arange(n + 1, dtype=np.int64)
    eye = CSR(ones, rng, steps, (n, n))
    # layer 3 reads v = 1 - g: clause rows -C with bias C 1 + c, then -I (bias 1), I (bias -1)
    cumulative = np.concatenate([[0.0], np.cumsum(C.data)])  # small integers: exact
    row_sums = cumulative[C.indptr[1:]] - cumulative[C.indptr[:-1]]
    W3 = CSR(
        np.concatenate([-C.data, -ones, ones]),
        np.concatenate([C.indices, rng, rng]),
        np.concatenate([C.indptr, C.nnz + 1 + steps[:-1], C.nnz + n + 1 + steps[:-1]]),
        (m + 2 * n, n),
    )
    b3 = np.concatenate([row_sums + c, np.ones(n), -np.ones(n)])
    W4 = _sum_layer(m + 2 * n, [(0, m), (m, m + 2 * n)])
    net = Network(
        (
            Layer(eye, np.ones(n), "relu"),
            Layer(CSR(-ones, rng, steps, (n, n)), np.full(n, 2.0), "relu"),
            Layer(W3, b3, "relu"),
            Layer(W4, np.zeros(2), "identity"),
        )
    )
    domain = Domain("real", -1.0, 1.0, WLOG_REASON)
    record = ReductionRecord(NAME, PAPER, THEOREM, {})
    return InversionProblem(net, np.array([0.0, float(n)]), domain, Query(), record, source)


def encode(cnf: CNF, model: Sequence[int] | np.ndarray, **params) -> np.ndarray:
    """A model becomes the corner ``z in {-1,1}^n`` of the w.l.o.g. box."""
    return sat_sign.encode(cnf, model)


def decode(cnf: CNF, z: Sequence[float] | np.ndarray, **params) -> list[int]:
    """Variable ``i`` is true iff ``z_i > 0`` (every solution has ``|z_i| >= 1``)."""
    return sat_sign.decode(cnf, z)


def fault(cnf: CNF, model, **params) -> str | None:
    """Why ``model`` is not a model of ``cnf`` (the source check), or None."""
    return model_fault(cnf, model)


def size(cnf: CNF) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`): the clause
    rows and the clamp layers' six nonzeros and five units per variable."""
    n, m = cnf.nvars, cnf.nclauses
    return network_bytes(len(cnf.literals) + 2 * m + 6 * n, 5 * n + 2 * m + 2)


REDUCTION = Construction.of_module(globals())
