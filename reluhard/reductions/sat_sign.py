"""k-SAT -> a 2-layer ReLU network with a sign latent, exact inversion (``sat-sign``).

Theorem 1 of "On the computational complexity of inverting generative models" (SETH lower
bound); its 3-SAT case is Theorem 1 of Lei, Jalal, Dhillon and Dimakis, "Inverting deep
generative models, one layer at a time" (NeurIPS 2019), Appendix B.1.

Construction, for a CNF with ``n`` variables and ``m`` clauses, latent ``z in {-1,1}^n``
(``z_i = 1`` means variable ``i`` is true):

- layer 1, ReLU, ``m`` units: unit ``j`` reads clause ``j`` with weight ``-1`` on each
  positive literal's variable and ``+1`` on each negative one, bias ``1 - w_j`` where ``w_j``
  is the number of *distinct* literals of the clause. With ``t`` of them true the
  pre-activation is ``(w_j - t) - t + 1 - w_j = 1 - 2t``: the unit outputs 1 exactly when the
  clause is falsified, else 0;
- layer 2, linear, 1 unit: the sum of the clause units, i.e. the number of falsified
  clauses. Target ``x = 0``.

So ``G(z) = 0`` iff the assignment ``z`` satisfies every clause.

Fixes to the printed construction (each confirmed by the exhaustive tests):

- The paper's bias ``-(k-1)`` assumes every clause has exactly ``k`` distinct literals. A
  shorter clause (a unit clause in a 3-CNF, say) with bias ``-(k-1)`` never fires, so an
  unsatisfiable formula such as ``x1 & ~x1`` would map to an invertible network. We use
  ``1 - w_j`` per clause. An empty clause (``w_j = 0``) gets bias 1 and a zero row: a unit
  that always outputs 1, as it must (the formula is unsatisfiable).
- A repeated literal is counted once (the printed rule sets an entry, it does not add).
- A tautology (``v`` and ``-v`` in one clause) is always satisfied; its unit gets a zero row
  and bias ``-1`` so it always outputs 0. Keeping the unit (instead of dropping the clause)
  keeps unit ``j`` = clause ``j`` for explanation and certificates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..csr import CSR, sort_rows
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..network import Layer, Network
from ..problems.cnf import CNF, assignment_values, model_fault
from .base import Construction, network_bytes

NAME = "sat-sign"
SOURCE_KIND = "cnf"
SUMMARY = "k-SAT -> 2-layer ReLU net, latent {-1,1}^n, exact inversion G(z) = 0"
PAPER = "On the computational complexity of inverting generative models; Lei et al. 2019"
THEOREM = "Theorem 1 (complexity paper); Lei et al. Theorem 1 (3-SAT case)"
CERTIFICATE = "a model of the CNF (DIMACS literals)"
PARAMS: dict = {}


def clause_layer(cnf: CNF) -> tuple[CSR, np.ndarray]:
    """The clause units' weights (canonical CSR, ``m x n``) and biases, as in the module
    docstring: on ``z in {-1,1}^n`` unit ``j`` has pre-activation ``1 - 2 * (true literals
    of clause j)``, or ``-1`` for a tautology."""
    n, m = cnf.nvars, cnf.nclauses
    ptr = cnf.offsets
    idx, data = _signed_incidence(cnf.literals, ptr, n)
    b = 1.0 - cnf.widths.astype(np.float64)
    repeat = idx[1:] == idx[:-1]
    repeat[ptr[1:-1][(ptr[1:-1] > 0) & (ptr[1:-1] < idx.size)] - 1] = False  # across rows
    if not np.any(repeat):
        return CSR(data, idx, ptr, (m, n)), b
    # some clause names a variable twice: in the rows (sorted by variable) a repeated
    # literal is an entry equal to the one before, a tautology one of the other sign.
    # Dropping entries keeps the rows sorted, so only the affected clauses cost anything.
    at = np.flatnonzero(repeat)  # entry at + 1 repeats the variable of entry at
    rows = np.searchsorted(ptr, at, side="right") - 1
    taut = np.zeros(m, dtype=bool)
    taut[rows[data[at] != data[at + 1]]] = True
    bad = np.flatnonzero(taut)
    keep = np.ones(idx.size, dtype=bool)  # a mask, not np.union1d, which loads numpy.ma
    keep[at[data[at] == data[at + 1]] + 1] = False
    keep[_ranges(ptr[bad], ptr[bad + 1])] = False
    drop = np.flatnonzero(~keep)
    widths = cnf.widths - np.bincount(np.searchsorted(ptr, drop, side="right") - 1, minlength=m)
    b = np.where(taut, -1.0, 1.0 - widths)
    new_ptr = np.concatenate([[0], np.cumsum(widths)]).astype(ptr.dtype)
    return CSR(data[keep], idx[keep], new_ptr, (m, n)), b


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The concatenated ``arange(start, stop)`` for each pair."""
    lengths = stops - starts
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.arange(ends[-1]) - np.repeat(ends - lengths - starts, lengths)


def _signed_incidence(
    lits: np.ndarray, offsets: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """CSR column indices and values (``-1`` for a positive literal's variable, ``+1`` for a
    negative one's) of the clauses, the columns sorted within rows (by variable, a negative
    literal after a positive one), repeated entries not merged."""
    var = np.abs(lits).astype(np.int32 if 2 * n < 2**31 else np.int64)  # keys up to 2 n - 1
    keys = sort_rows((var - 1) * 2 + (lits < 0), offsets)
    return (keys >> 1).astype(np.int32, copy=False), np.where(keys & 1, 1.0, -1.0)


def _sum_layer(m: int, parts: Sequence[tuple[int, int]]) -> np.ndarray:
    """A dense 0/1 matrix whose row ``r`` sums the units ``parts[r] = (start, stop)`` (an
    output layer of one or two rows: dense is both smaller and faster than CSR)."""
    W = np.zeros((len(parts), m))
    for r, (start, stop) in enumerate(parts):
        W[r, start:stop] = 1.0
    return W


def build(cnf: CNF, *, source: Source | None = None) -> InversionProblem:
    """The ``sat-sign`` inversion problem of ``cnf`` (see the module docstring).

    >>> from reluhard.problems.cnf import CNF
    >>> p = build(CNF.from_clauses([[1, 2], [-1]]))
    >>> p.network.widths, p.target.tolist(), p.domain.kind
    ([2, 2, 1], [0.0], 'sign')
    """
    W1, b1 = clause_layer(cnf)
    W2 = _sum_layer(cnf.nclauses, [(0, cnf.nclauses)])
    net = Network((Layer(W1, b1, "relu"), Layer(W2, np.zeros(1), "identity")))
    record = ReductionRecord(NAME, PAPER, THEOREM, {})
    return InversionProblem(net, np.zeros(1), Domain("sign"), Query(), record, source)


def encode(cnf: CNF, model: Sequence[int] | np.ndarray, **params) -> np.ndarray:
    """A model (DIMACS literals or a bool array) becomes the latent ``z in {-1,1}^n``;
    unassigned variables become -1."""
    return np.where(assignment_values(cnf, model) > 0, 1.0, -1.0)


def decode(cnf: CNF, z: Sequence[float] | np.ndarray, **params) -> list[int]:
    """Any latent (also an inexact one from a solver) becomes the DIMACS model that sets
    variable ``i`` true iff ``z_i > 0``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    v = np.arange(1, cnf.nvars + 1)
    return np.where(z[: cnf.nvars] > 0, v, -v).tolist()


def fault(cnf: CNF, model, **params) -> str | None:
    """Why ``model`` is not a model of ``cnf`` (the source check), or None."""
    return model_fault(cnf, model)


def size(cnf: CNF) -> int:
    """The memory estimate of :func:`build` (see :meth:`Construction.estimate`): one
    nonzero per literal, a unit per clause."""
    return network_bytes(len(cnf.literals) + 2 * cnf.nclauses, cnf.nvars + 2 * cnf.nclauses + 1)


REDUCTION = Construction.of_module(globals())
