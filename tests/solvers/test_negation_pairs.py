"""The vectorised filter before the negation-pair search drops no pair: on networks with
pairs (sat-real, random ones with planted pairs) it finds exactly what the full search
finds, and on a CNF's clause layer it leaves no row to search."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from reluhard.inversion import Source
from reluhard.pipeline import reduce_instance, reduce_source
from reluhard.problems.cnf import random_kcnf
from reluhard.solvers.milp.presolve import _pair_candidates, csr_rows, negation_pairs


def _layers(problem):
    layers = problem.network.layers
    return [(csr_rows(a.W), a.b, layers[i + 1].W) for i, a in enumerate(layers[:-1])]


def test_filter_keeps_every_pair_of_sat_real():
    cnf = random_kcnf(12, 40, 3, np.random.default_rng(1))
    problem = reduce_source(Source("cnf", cnf, "", "r"), "sat-real")
    found = 0
    for W, b, nxt in _layers(problem):
        full = negation_pairs(W, b, nxt, search_all=True)
        assert negation_pairs(W, b, nxt) == full
        found += len(full)
    assert found > 0


def test_filter_keeps_planted_pairs_of_random_layers():
    rng = np.random.default_rng(7)
    for trial in range(30):
        m, n = int(rng.integers(2, 12)), int(rng.integers(1, 6))
        A = rng.integers(-2, 3, size=(m, n)).astype(float)
        b = rng.integers(-2, 3, size=m).astype(float)
        for j, k in rng.integers(0, m, size=(3, 2)):  # plant some negations
            A[k], b[k] = -A[j], -b[j]
        nxt = rng.integers(0, 2, size=(2, m)).astype(float)
        W = sp.csr_array(A)
        assert negation_pairs(W, b, nxt) == negation_pairs(W, b, nxt, search_all=True), trial


def test_no_row_to_search_on_a_clause_layer():
    problem = reduce_instance(random_kcnf(50, 213, 3, np.random.default_rng(2)))
    W, b, nxt = _layers(problem)[0]
    assert _pair_candidates(W, b, sp.csc_array(nxt)).size == 0
