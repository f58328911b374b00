"""Linear constraints over Boolean variables, ``sum a_i x_i >= k`` with integer ``a_i``, as
clauses: the CNF builder of the ``sat`` back end.

Rows arrive in batches (a sparse matrix over variables and a right-hand side) and are
normalised together, vectorised: a negative coefficient ``a x`` is rewritten
``a + |a| (not x)``, coefficients are saturated at the bound (``min(a_i, k)``), a row with
``k <= 0`` is dropped (always true), a row whose coefficients sum below ``k`` makes the
formula false, and a row whose every coefficient reaches ``k`` is the clause ``OR l_i``
(on ``sat-sign`` that is every row: the clause units become the source's clauses).

Every other row is a pseudo-Boolean constraint, encoded by its reduced ordered BDD (Eén and
Sörensson, "Translating pseudo-Boolean constraints into SAT", JSAT 2006, section 5), with
the implications in one direction only, which keeps the projection onto the original
variables exact: node ``v = (i, k)`` ("the terms from ``i`` on reach ``k``") gets
``v -> hi`` and ``v -> l_i or lo`` with ``hi = (i + 1, k - a_i)``, ``lo = (i + 1, k)``, and
the root is asserted. Setting each node to its meaning extends every solution to a model;
conversely, by induction from the leaves, a true node's constraint holds. Terms are taken
largest coefficient first, and nodes are numbered in the order they are made, so the CNF is
a pure function of the rows (the NO proofs of :mod:`reluhard.certs.refutation` depend on
that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...errors import InputError
from ...lazy import lazy_module

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

#: BDD nodes allowed in one formula; past this the network is refused as too large.
MAX_NODES = 2_000_000


class NotClausal(InputError):
    """Raised by a ``clauses_only`` builder at the first row that is not a clause."""

    def __init__(self) -> None:
        super().__init__(None, None, "solver 'sat': the network's CNF is not clauses only")


class Clauses:
    """A CNF under construction: ``nvars`` variables so far, the clause-like rows as CSR
    literal arrays (``chunks``) and the BDD clauses as lists, in the order they were made."""

    def __init__(self, nvars: int, clauses_only: bool = False) -> None:
        self.nvars = nvars
        self.clauses_only = clauses_only
        self.chunks: list[tuple[np.ndarray, np.ndarray]] = []  # (literals, widths)
        self.nodes = 0
        self.stats = {"clause_rows": 0, "pb_rows": 0, "bdd_nodes": 0, "trivial_rows": 0}
        self.false = False

    def new_vars(self, count: int) -> np.ndarray:
        """``count`` fresh variables (1-based ids)."""
        first = self.nvars + 1
        self.nvars += count
        return np.arange(first, first + count, dtype=np.int64)

    def add_clauses(self, clauses: list[list[int]]) -> None:
        if clauses:
            widths = np.array([len(c) for c in clauses], dtype=np.int64)
            lits = np.fromiter((x for c in clauses for x in c), dtype=np.int64, count=widths.sum())
            self.chunks.append((lits, widths))

    def make_false(self) -> None:
        """The formula has no model: ``x`` and ``not x`` for a fresh ``x`` (a refutation by
        unit propagation alone, whatever else is in the formula)."""
        if not self.false:
            (x,) = self.new_vars(1).tolist()
            self.add_clauses([[x], [-x]])
            self.false = True

    def add_rows(self, A: sp.csr_array, k: np.ndarray) -> None:
        """Add ``A x >= k`` row by row (``A`` integer, columns are variables ``1..``)."""
        A = sp.csr_array(A)
        A.sum_duplicates()
        A.eliminate_zeros()
        if A.shape[0] == 0:
            return
        k = np.asarray(k, dtype=np.float64).copy()
        rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
        a = A.data
        neg = a < 0
        np.add.at(k, rows[neg], -a[neg])  # a x = a + |a| (not x)
        mag = np.minimum(np.abs(a), k[rows])  # saturation (k <= 0 rows are dropped below)
        lits = np.where(neg, -(A.indices + 1), A.indices + 1).astype(np.int64)
        total = np.bincount(rows, weights=mag, minlength=A.shape[0])
        least = np.full(A.shape[0], np.inf)
        np.minimum.at(least, rows, mag)
        trivial = k <= 0
        impossible = ~trivial & (total < k)
        clause = ~trivial & ~impossible & (least >= k)
        self.stats["trivial_rows"] += int(trivial.sum())
        if impossible.any():
            self.make_false()
        if clause.any():
            keep = clause[rows]
            self.chunks.append((lits[keep], np.diff(A.indptr)[clause]))
            self.stats["clause_rows"] += int(clause.sum())
        rest = np.flatnonzero(~trivial & ~impossible & ~clause)
        if rest.size and self.clauses_only:
            raise NotClausal()
        for r in rest.tolist():
            lo, hi = A.indptr[r], A.indptr[r + 1]
            self._bdd(lits[lo:hi], mag[lo:hi], k[r])

    def _bdd(self, lits: np.ndarray, coefs: np.ndarray, k: float) -> None:  # noqa: C901
        """``sum coefs_i lits_i >= k`` (positive integer coefficients) by its BDD."""
        self.stats["pb_rows"] += 1
        order = np.argsort(-coefs, kind="stable")
        lits, coefs = lits[order].tolist(), [int(c) for c in coefs[order]]
        rest = np.concatenate([np.cumsum(coefs[::-1])[::-1], [0]]).tolist()
        ids: dict[tuple[int, int], int] = {}
        clauses: list[list[int]] = []
        TRUE, FALSE = 0, -1

        def node(i: int, need: int) -> int:
            if need <= 0:
                return TRUE
            if need > rest[i]:
                return FALSE
            key = (i, need)
            if key not in ids:
                ids[key] = -2  # made below, in creation order
            return key  # type: ignore[return-value]

        root = node(0, int(k))
        if root == FALSE:
            self.make_false()
            return
        if root == TRUE:
            return
        stack = [root]
        made: list[tuple[tuple[int, int], object, object]] = []
        while stack:
            key = stack.pop()
            if ids[key] != -2:
                continue
            (var,) = self.new_vars(1).tolist()
            ids[key] = var
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise InputError(
                    None,
                    None,
                    f"solver 'sat': the pseudo-Boolean constraints need over {MAX_NODES} BDD "
                    "nodes (use cpsat)",
                )
            i, need = key
            hi, lo = node(i + 1, need - coefs[i]), node(i + 1, need)
            made.append((key, hi, lo))
            for child in (lo, hi):
                if isinstance(child, tuple) and ids[child] == -2:
                    stack.append(child)
        for key, hi, lo in made:
            v, lit = ids[key], lits[key[0]]
            if hi != TRUE:
                clauses.append([-v, ids[hi]])  # hi is never FALSE below a live node
            if lo == FALSE:
                clauses.append([-v, lit])
            elif lo != TRUE:
                clauses.append([-v, lit, ids[lo]])
        clauses.append([ids[root]])
        self.stats["bdd_nodes"] = self.nodes
        self.add_clauses(clauses)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All clauses so far as (literals, offsets), in the order they were added."""
        if not self.chunks:
            return np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)
        lits = np.concatenate([c[0] for c in self.chunks]).astype(np.int32)
        widths = np.concatenate([c[1] for c in self.chunks])
        offsets = np.zeros(widths.size + 1, dtype=np.int64)
        np.cumsum(widths, out=offsets[1:])
        return lits, offsets
