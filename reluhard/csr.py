"""Sparse matrices in compressed sparse row form as plain numpy arrays.

Importing ``scipy.sparse`` costs more CPU time than reducing a 1M-clause CNF does (it pulls
in ``numpy.testing`` and f2py, issue 18), and a ``reduce`` only builds a network and writes
its arrays: it needs no sparse matrix arithmetic. So the reductions that run on CNFs build a
:class:`CSR` of numpy arrays, :class:`~reluhard.network.Layer` keeps it, the network file
writes its arrays, and only a consumer that asks for ``Layer.W`` gets a
``scipy.sparse.csr_array`` (made once, from the same arrays).

A :class:`CSR` is canonical when every row's column indices are strictly increasing (sorted,
no duplicates), the form scipy calls ``has_canonical_format``; :func:`canonical` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .lazy import lazy_module

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")


@dataclass(frozen=True, eq=False)
class CSR:
    """Row ``j`` holds ``data[indptr[j]:indptr[j+1]]`` at columns ``indices[...]`` (same
    slice); ``shape`` is (rows, columns). Checked by :func:`structure_fault`."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return int(self.indices.size)


def structure_fault(W: CSR) -> str | None:
    """Why ``W`` is not a well-formed CSR matrix (what scipy's ``check_format`` rejects),
    or None."""
    m, n = W.shape
    ptr, idx = W.indptr, W.indices
    if m < 0 or n < 0:
        return f"negative shape {W.shape}"
    if ptr.ndim != 1 or idx.ndim != 1 or W.data.ndim != 1:
        return "data, indices and indptr must be 1-dimensional"
    if ptr.dtype.kind not in "iu" or idx.dtype.kind not in "iu":
        return "indices and indptr must be integer arrays"
    if ptr.size != m + 1 or ptr[0] != 0 or ptr[-1] != idx.size or idx.size != W.data.size:
        return "indptr must run from 0 to len(indices) = len(data) over rows + 1 entries"
    if np.any(ptr[1:] < ptr[:-1]):
        return "indptr must be non-decreasing"
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        return f"column indices must lie in 0..{n - 1}"
    return None


def canonical(W: CSR) -> bool:
    """Whether every row of the well-formed ``W`` has strictly increasing column indices."""
    idx, ptr = W.indices, W.indptr
    step = idx[1:].astype(np.int64) - idx[:-1]
    inner = np.ones(step.size, dtype=bool)
    starts = ptr[1:-1]
    inner[starts[(starts > 0) & (starts <= step.size)] - 1] = False  # a row's first entry
    return not np.any(inner & (step <= 0))


def to_scipy(W: CSR) -> sp.csr_array:
    """``W`` as a ``scipy.sparse.csr_array`` on the same arrays (scipy chooses the index
    dtype as it does for any matrix)."""
    return sp.csr_array((W.data, W.indices, W.indptr), shape=W.shape)


def sort_rows(keys: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """``keys`` with each row's slice sorted, vectorised over the rows of each width (a
    3-CNF has one width: a single ``np.sort`` along the rows of an ``(m, 3)`` view)."""
    widths = np.diff(indptr)
    counts = np.bincount(widths) if widths.size else np.zeros(1, dtype=np.int64)
    present = np.flatnonzero(counts)
    if present.size == 1:
        w = int(present[0])
        return _sorted_rows(keys.reshape(-1, w)).ravel() if w > 1 else keys.copy()
    out = keys.copy()
    by_width = np.argsort(widths, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for w in present[present > 1].tolist():
        rows = by_width[bounds[w] : bounds[w + 1]]
        at = indptr[rows][:, None] + np.arange(w)
        out[at] = _sorted_rows(keys[at])
    return out


def _sorted_rows(block: np.ndarray) -> np.ndarray:
    """Each row of the ``(m, w)`` ``block`` sorted; rows of two or three by a sorting
    network (min/max over columns), several times faster than ``np.sort`` along short rows."""
    w = block.shape[1]
    if w == 1:
        return block.copy()
    if w == 2:
        a, b = block[:, 0], block[:, 1]
        return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
    if w == 3:
        a, b, c = block[:, 0], block[:, 1], block[:, 2]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        first, rest = np.minimum(lo, c), np.maximum(lo, c)
        return np.stack([first, np.minimum(rest, hi), np.maximum(rest, hi)], axis=1)
    return np.sort(block, axis=1)
