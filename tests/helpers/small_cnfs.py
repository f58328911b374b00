"""Every CNF over <= 3 variables with <= 3 clauses of width <= 3, up to order.

Clauses are multisets of literals (so repeated literals, tautologies, unit and empty clauses
all occur) and formulas are multisets of clauses (so repeated clauses occur too). For each
``n`` in 0..3 the variables are ``1..n`` (some may be unused).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations_with_replacement

import numpy as np

from reluhard.problems.cnf import CNF

MAX_VARS = 3
MAX_CLAUSES = 3
MAX_WIDTH = 3


def all_small_cnfs(shard: int = 0, shards: int = 1) -> Iterator[CNF]:
    """All of them, or every ``shards``-th one starting at index ``shard``."""
    index = 0
    for n in range(MAX_VARS + 1):
        lits = [s * v for v in range(1, n + 1) for s in (1, -1)]
        clauses = [c for w in range(MAX_WIDTH + 1) for c in combinations_with_replacement(lits, w)]
        for m in range(MAX_CLAUSES + 1):
            for formula in combinations_with_replacement(range(len(clauses)), m):
                if index % shards == shard:
                    yield CNF.from_clauses([clauses[i] for i in formula], nvars=n)
                index += 1


def sign_vectors(n: int) -> np.ndarray:
    """All of {-1,1}^n as rows, in the order brute force uses (bit i of k sets z_i)."""
    k = np.arange(1 << n)
    return np.where((k[:, None] >> np.arange(n)) & 1, 1.0, -1.0).reshape(1 << n, n)


def falsified_counts(cnf: CNF, Z: np.ndarray) -> np.ndarray:
    """Number of clauses each row of ``Z`` (sign vectors) falsifies, computed directly from
    the clause list, independently of any network."""
    counts = np.zeros(Z.shape[0], dtype=np.int64)
    for clause in cnf.clauses():
        sat = np.zeros(Z.shape[0], dtype=bool)
        for lit in clause:
            sat |= Z[:, abs(lit) - 1] * np.sign(lit) > 0
        counts += ~sat
    return counts
