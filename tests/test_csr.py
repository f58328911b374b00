"""CSR matrices as numpy arrays (reluhard/csr.py) agree with scipy's: the row sort, the
canonical-form test and the structure check; a Layer made from one behaves exactly like a
Layer made from the scipy matrix (W, nnz, forward pass, the file's arrays), merges a
non-canonical one, and cannot be changed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.csr import CSR, canonical, sort_rows, structure_fault
from reluhard.network import Layer, forward
from reluhard.problems.cnf import CNF
from reluhard.reductions import sat_real, sat_sign

rows_st = st.lists(st.lists(st.integers(0, 6), max_size=5), min_size=0, max_size=12)


def csr_of(rows: list[list[int]], ncols: int = 7) -> CSR:
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    indices = np.array([c for r in rows for c in r], dtype=np.int32)
    data = np.arange(1, indices.size + 1, dtype=np.float64)
    return CSR(data, indices, indptr, (len(rows), ncols))


@settings(max_examples=200, deadline=None)
@given(rows_st)
def test_sort_rows_sorts_each_row(rows):
    W = csr_of(rows)
    out = sort_rows(W.indices.astype(np.int64), W.indptr)
    assert out.tolist() == [c for r in rows for c in sorted(r)]


@settings(max_examples=200, deadline=None)
@given(rows_st)
def test_canonical_is_scipys_canonical_format(rows):
    W = csr_of(rows)
    ref = sp.csr_array((W.data, W.indices, W.indptr), shape=W.shape)
    assert canonical(W) == bool(ref.has_canonical_format)


@settings(max_examples=100, deadline=None)
@given(rows_st)
def test_layer_from_csr_equals_layer_from_scipy(rows):
    W = csr_of(rows)
    b = np.linspace(-1.0, 1.0, W.shape[0])
    ours = Layer(W, b)
    ref = Layer(sp.csr_array((W.data, W.indices, W.indptr), shape=W.shape), b)
    assert ours.sparse and ours.shape == ref.shape and ours.nnz == ref.nnz
    assert ours.W.has_canonical_format
    assert np.array_equal(ours.W.toarray(), ref.W.toarray())
    got, want = ours.csr_parts, ref.csr_parts
    for a, c in ((got.data, want.data), (got.indices, want.indices), (got.indptr, want.indptr)):
        assert a.tolist() == c.tolist()
    z = np.linspace(-2.0, 3.0, W.shape[1])
    assert np.array_equal(ours.pre(z[None, :]), ref.pre(z[None, :]))


@pytest.mark.parametrize(
    "parts, why",
    [
        ((np.ones(2), np.array([0, 1]), np.array([0, 1]), (1, 2)), "indptr must run"),
        ((np.ones(2), np.array([0, 1]), np.array([0, 2, 1, 2]), (3, 2)), "non-decreasing"),
        ((np.ones(1), np.array([2]), np.array([0, 1]), (1, 2)), "column indices"),
        ((np.ones(1), np.array([-1]), np.array([0, 1]), (1, 2)), "column indices"),
        ((np.ones(1), np.array([0.0]), np.array([0, 1]), (1, 2)), "integer arrays"),
    ],
)
def test_malformed_csr_is_refused(parts, why):
    W = CSR(*parts)
    assert why in structure_fault(W)
    with pytest.raises(ValueError, match=why):
        Layer(W, np.zeros(W.shape[0]))


def test_layer_is_immutable():
    layer = Layer(csr_of([[1, 0]]), np.zeros(1))
    with pytest.raises(AttributeError):
        layer.b = np.ones(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        layer.W = np.ones((1, 7))  # type: ignore[misc]


def test_a_cnf_network_holds_numpy_arrays_until_w_is_asked_for():
    cnf = CNF.from_clauses([[3, -1, 3], [2, -2], [-3, 1, 2], []])
    for build in (sat_sign.build, sat_real.build):
        net = build(cnf).network
        sparse = [layer for layer in net.layers if layer.sparse]
        assert sparse and all(layer._W is None for layer in sparse)
        z = np.array([1.0, -1.0, 1.0])
        before = forward(net, z)  # builds the scipy matrices
        assert all(sp.issparse(layer._W) for layer in sparse)
        assert np.array_equal(before, forward(net, z))


def test_clause_layer_matches_scipys_construction():
    rng = np.random.default_rng(3)
    widths = rng.integers(0, 6, 400)
    signed = [rng.integers(1, 6, w) * rng.choice([-1, 1], w) for w in widths]
    clauses = [c.tolist() for c in signed]
    cnf = CNF.from_clauses(clauses, nvars=6)
    W, b = sat_sign.clause_layer(cnf)
    dense = np.zeros((cnf.nclauses, cnf.nvars))
    want_b = np.zeros(cnf.nclauses)
    for j, c in enumerate(clauses):
        lits = set(c)
        if any(-x in lits for x in lits):
            want_b[j] = -1.0
            continue
        for x in lits:
            dense[j, abs(x) - 1] = -1.0 if x > 0 else 1.0
        want_b[j] = 1.0 - len(lits)
    assert canonical(W) and structure_fault(W) is None
    got = sp.csr_array((W.data, W.indices, W.indptr), shape=W.shape).toarray()
    assert np.array_equal(got, dense) and np.array_equal(b, want_b)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_sort_rows_of_one_width_every_small_row(width):
    """The sorting networks for rows of two and three (and np.sort beyond) on every row of
    values 0..3, ties included, in one block."""
    rows = np.array(list(itertools.product(range(4), repeat=width)), dtype=np.int32)
    ptr = np.arange(0, rows.size + 1, width)
    assert np.array_equal(sort_rows(rows.ravel(), ptr), np.sort(rows, axis=1).ravel())
