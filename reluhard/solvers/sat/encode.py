"""An integer network over a two-valued latent as CNF: the encoding of the ``sat`` back end
(encoding ``reluhard-sat/1``).

Every quantity is an integer affine form ``A x + c`` of Boolean variables ``x`` (a sparse row
per unit), starting from the latent: coordinate ``i`` is variable ``i + 1`` with
``z_i = v0 + (v1 - v0) x_i`` (``{-1,1}``: ``z = 2 x - 1``, so on ``sat-sign`` variable ``i``
is the source's variable ``i`` with the same polarity). Layer by layer, with the unit
bounds of :func:`reluhard.solvers.milp.presolve.presolve` (sound, and exact on integer
data) rounded inward to integers:

- a stable inactive ReLU unit (``U <= 0``) outputs 0 and contributes the row ``pre <= 0``;
  a stable active one (``L >= 0``) outputs ``pre`` and contributes ``pre >= 0``; a row that
  the form's own range already implies is left out;
- an unstable unit whose form has one variable is affine in it (its two values); any other
  unstable unit gets an order encoding of its output: literals ``g_k <=> pre >= k`` for
  ``k = 1..U`` (two reified rows each, and ``g_{k+1} -> g_k``), output ``sum_k g_k``, with
  ``pre <= U`` stated where the form could exceed ``U``;
- an identity unit is its pre-activation;
- the query on the outputs: ``exact`` gives ``out_i = x_i``; ``approx`` in ``l_inf`` an
  integer interval per output; in ``l_p`` with an integer target, each output's cost
  ``|out_i - x_i|^p`` is linear in its order literals (or in its one variable), and their
  sum is one row ``<= ceil(delta^p) - 1`` (``< delta^p``) or ``<= floor(delta^p)``.

The rows become clauses and BDDs in :mod:`.pb`. Exactness: the projection of the CNF's
models onto ``x_1..x_n`` is exactly the set of inverting latents (every unit's value is its
form on every model, the dropped rows are implied, the bounds hold on every solution); shown
exhaustively in ``tests/solvers/test_sat_exhaustive.py``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from ...errors import InputError
from ...inversion import InversionProblem
from ...lazy import lazy_module
from ...problems.cnf import CNF
from ..milp.presolve import presolve
from .pb import Clauses, NotClausal

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

ENCODING = "reluhard-sat/1"
MAX_ORDER = 100_000  # order literals allowed in one formula


@dataclass
class Encoding:
    """The CNF of a problem, the latent's values per variable ``x_{i+1}`` (``z_i = v0 +
    (v1 - v0) x``, as ``(v0, v1)`` per coordinate), and statistics."""

    cnf: CNF
    values: list[tuple[int, int]]
    stats: dict = field(default_factory=dict)

    def latent(self, model: list[int]) -> list[int]:
        true = {v for v in model if v > 0}
        return [v1 if i + 1 in true else v0 for i, (v0, v1) in enumerate(self.values)]

    def sha256(self) -> str:
        """sha256 of the CNF's DIMACS text: what a proof entry names."""
        return cnf_sha256(self.cnf)


def cnf_sha256(cnf: CNF) -> str:
    h = hashlib.sha256(f"p cnf {cnf.nvars} {cnf.nclauses}\n".encode())
    for c in cnf.clauses():
        h.update((" ".join(map(str, c)) + " 0\n").encode())
    return h.hexdigest()


def _integral(a) -> bool:
    a = np.asarray(a.data if sp.issparse(a) else a, dtype=np.float64)
    return bool(
        np.all(np.isfinite(a)) and np.array_equal(a, np.round(a)) and np.all(np.abs(a) < 2**40)
    )


def refusal(problem: InversionProblem) -> str | None:
    """Why ``sat`` cannot encode ``problem`` exactly (one line), or None. A real or box
    latent is taken here; :func:`encode` refuses it unless presolve proves it two-valued."""
    for layer in problem.network.layers:
        if layer.activation not in ("relu", "identity"):
            return f"solver 'sat' encodes ReLU and identity layers, not {layer.activation}"
        if not (_integral(layer.W) and _integral(layer.b)):
            return "solver 'sat' needs integer weights and biases (use scip or highs)"
    if problem.domain.bounds() is None:
        return "solver 'sat' needs a sign or binary latent, or a box it can prove two-valued"
    q = problem.query
    if q.kind == "approx" and q.p != "inf" and not _integral(problem.target):
        return "solver 'sat' takes an l_p query (finite p) with an integer target only"
    return None


def encode(problem: InversionProblem, pre=None, clauses_only: bool = False) -> Encoding:
    """The CNF of ``problem`` (see the module docstring); ``pre`` a
    :func:`~reluhard.solvers.milp.presolve.presolve` of it, computed when not given.
    :class:`InputError` when it cannot be encoded exactly; with ``clauses_only``,
    :class:`.pb.NotClausal` as soon as a row is not a clause (``auto``'s test)."""
    why = refusal(problem)
    if why:
        raise InputError(None, None, why)
    pre = presolve(problem) if pre is None else pre
    n = problem.n
    out = Clauses(n, clauses_only)
    if pre.infeasible:  # no solution: any values will do
        out.make_false()
        return _finish(out, [problem.domain.values() or (0, 1)] * n, {"bounds": pre.infeasible})
    values = _latent_values(problem, pre)
    v0 = np.array([a for a, _ in values], dtype=np.float64)
    step = np.array([b - a for a, b in values], dtype=np.float64)
    A = sp.csr_array((step, (np.arange(n), np.arange(n))), shape=(n, n))
    A.eliminate_zeros()
    c = v0
    layers = problem.network.layers
    stats = {"order_literals": 0, "unstable": 0}
    for li, layer in enumerate(layers):
        W = sp.csr_array(layer.W)
        A = _widen(sp.csr_array(W @ A), out.nvars)
        c = np.asarray(W @ c).ravel() + layer.b
        flo, fhi = _range(A, c)
        lo = np.maximum(flo, np.ceil(pre.bounds.pre_lo[li] - 1e-9))
        hi = np.minimum(fhi, np.floor(pre.bounds.pre_hi[li] + 1e-9))
        if np.any(lo > hi):
            out.make_false()
            return _finish(out, values, stats)
        if layer.activation == "identity":
            if li == len(layers) - 1:
                _query(problem, out, A, c, flo, fhi, lo, hi, stats)
            continue
        A, c = _relu(out, A, c, flo, fhi, lo, hi, stats)
        if li == len(layers) - 1:
            flo, fhi = _range(A, c)
            _query(problem, out, A, c, flo, fhi, flo, fhi, stats)
    return _finish(out, values, stats)


def _latent_values(problem: InversionProblem, pre) -> list[tuple[int, int]]:
    vals = problem.domain.values()
    if vals is not None:
        return [vals] * problem.n
    two = pre.two
    if len(two) < problem.n or not all(float(v).is_integer() for vs in two.values() for v in vs):
        raise InputError(
            None,
            None,
            f"solver 'sat' needs a two-valued latent: bound propagation does not show this "
            f"'{problem.domain.kind}' one to take two integer values per coordinate (use cpsat "
            "or scip)",
        )
    return [(int(two[i][0]), int(two[i][1])) for i in range(problem.n)]


def _finish(out: Clauses, values, stats: dict) -> Encoding:
    lits, offsets = out.arrays()
    cnf = CNF(out.nvars, lits, offsets)
    stats = {**stats, **out.stats, "cnf_vars": cnf.nvars, "cnf_clauses": cnf.nclauses}
    return Encoding(cnf, values, stats)


def _widen(A: sp.csr_array, ncols: int) -> sp.csr_array:
    return sp.csr_array((A.data, A.indices, A.indptr), shape=(A.shape[0], ncols))


def _range(A: sp.csr_array, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exact range of ``A x + c`` over independent Booleans (a sound interval)."""
    lo = c + np.asarray(A.minimum(0).sum(axis=1)).ravel()
    hi = c + np.asarray(A.maximum(0).sum(axis=1)).ravel()
    return lo, hi


def _rows(out: Clauses, A: sp.csr_array, k: np.ndarray) -> None:
    out.add_rows(_widen(A, out.nvars), k)


def _relu(out: Clauses, A, c, flo, fhi, lo, hi, stats: dict):
    """The outputs of a ReLU layer as forms, with its rows added to ``out``."""
    inactive, active = hi <= 0, (lo >= 0) & (hi > 0)
    need = np.flatnonzero(inactive & (fhi > 0))  # pre <= 0: -A x >= c
    _rows(out, -A[need], c[need])
    need = np.flatnonzero(active & (flo < 0))  # pre >= 0: A x >= -c
    _rows(out, A[need], -c[need])
    keep = active.astype(np.float64)
    outA = sp.csr_array(sp.diags_array(keep) @ A)
    outc = keep * c
    unstable = np.flatnonzero(~inactive & ~active)
    if unstable.size == 0:
        return outA, outc
    stats["unstable"] += int(unstable.size)
    terms: list[tuple[int, int, float]] = []  # (unit, variable, coefficient)
    for j in unstable.tolist():
        if hi[j] < fhi[j]:  # pre <= U
            _rows(out, -A[[j]], np.array([c[j] - hi[j]]))
        lo_, hi_ = A.indptr[j], A.indptr[j + 1]
        if hi_ - lo_ == 1:  # pre = c + a x: ReLU(pre) = ReLU(c) + (ReLU(c + a) - ReLU(c)) x
            a, v = float(A.data[lo_]), int(A.indices[lo_]) + 1
            outc[j] = max(c[j], 0.0)
            terms.append((j, v, max(c[j] + a, 0.0) - outc[j]))
            continue
        for v in _order(out, A[[j]], c[j], 1, int(hi[j]), flo[j], fhi[j], stats):
            terms.append((j, v, 1.0))
    rows, cols, coefs = (np.array(x) for x in zip(*terms, strict=True))
    add = sp.csr_array((coefs, (rows, cols - 1)), shape=(A.shape[0], out.nvars))
    return sp.csr_array(_widen(outA, out.nvars) + add), outc


def _order(out: Clauses, row, c, first: int, last: int, flo, fhi, stats: dict) -> list[int]:
    """Literals ``g_k <=> row x + c >= k`` for ``k = first..last`` (variables, 1-based)."""
    count = last - first + 1
    if count <= 0:
        return []
    if out.clauses_only:
        raise NotClausal()
    stats["order_literals"] += count
    if stats["order_literals"] > MAX_ORDER:
        raise InputError(
            None, None, f"solver 'sat': over {MAX_ORDER} order literals needed (use cpsat)"
        )
    g = out.new_vars(count)
    ks = np.arange(first, last + 1, dtype=np.float64)
    base = _widen(sp.csr_array(row), out.nvars)
    rep = sp.vstack([base] * count, format="csr")
    eye = sp.csr_array((np.ones(count), (np.arange(count), g - 1)), shape=(count, out.nvars))
    m1 = ks - flo  # g -> e >= k:  row x - m1 g >= k - c - m1
    m2 = fhi - (ks - 1)  # not g -> e <= k - 1:  -row x + m2 g >= c - (k - 1)
    big = sp.vstack(
        [rep + sp.diags_array(-m1) @ eye, -rep + sp.diags_array(m2) @ eye], format="csr"
    )
    out.add_rows(big, np.concatenate([ks - c - m1, c - (ks - 1)]))
    out.add_clauses([[-int(g[i + 1]), int(g[i])] for i in range(count - 1)])
    return g.tolist()


def _query(problem, out: Clauses, A, c, flo, fhi, lo, hi, stats: dict) -> None:
    """Rows of the query on the output forms ``A x + c`` (range ``[lo, hi]`` on solutions,
    ``[flo, fhi]`` as forms)."""
    q = problem.query
    t = problem.target
    if q.kind == "exact":
        if not np.array_equal(t, np.round(t)):
            out.make_false()
            return
        _bounds(out, A, c, t, t, flo, fhi)
        return
    if q.p == "inf":
        d = q.power()
        tl = [Fraction(float(x)) - d for x in t.tolist()]
        th = [Fraction(float(x)) + d for x in t.tolist()]
        if q.strict:
            want_lo = np.array([math.floor(x) + 1 for x in tl], dtype=np.float64)
            want_hi = np.array([math.ceil(x) - 1 for x in th], dtype=np.float64)
        else:
            want_lo = np.array([math.ceil(x) for x in tl], dtype=np.float64)
            want_hi = np.array([math.floor(x) for x in th], dtype=np.float64)
        _bounds(out, A, c, want_lo, want_hi, flo, fhi)
        return
    _lp_cost(problem, out, A, c, flo, fhi, lo, hi, stats)


def _bounds(out: Clauses, A, c, want_lo, want_hi, flo, fhi) -> None:
    """``want_lo <= A x + c <= want_hi``, rows only where the form's range needs them."""
    if np.any(want_lo > want_hi):
        out.make_false()
        return
    r = np.flatnonzero(flo < want_lo)
    _rows(out, A[r], want_lo[r] - c[r])
    r = np.flatnonzero(fhi > want_hi)
    _rows(out, -A[r], c[r] - want_hi[r])


def _lp_cost(problem, out: Clauses, A, c, flo, fhi, lo, hi, stats: dict) -> None:
    """``sum_i |out_i - t_i|^p < delta^p`` (or ``<=``) as one row over order literals."""
    q, p = problem.query, int(problem.query.p)
    t = [int(x) for x in problem.target.tolist()]
    _bounds(out, A, c, lo, hi, flo, fhi)
    const = 0
    terms: dict[int, int] = {}
    for i, ti in enumerate(t):
        row = A[[i]]
        li, ui = int(lo[i]), int(hi[i])

        def f(v: int, ti: int = ti) -> int:
            return abs(v - ti) ** p

        if li == ui:
            const += f(li)
        elif row.nnz == 1 and int(c[i]) + int(row.data[0]) in (li, ui) and int(c[i]) in (li, ui):
            v, a = int(row.indices[0]) + 1, int(row.data[0])
            const += f(int(c[i]))
            terms[v] = terms.get(v, 0) + f(int(c[i]) + a) - f(int(c[i]))
        else:
            const += f(li)
            g = _order(out, row, c[i], li + 1, ui, flo[i], fhi[i], stats)
            for k, v in zip(range(li + 1, ui + 1), g, strict=True):
                terms[v] = terms.get(v, 0) + f(k) - f(k - 1)
    D = q.power()
    cap = (math.ceil(D) - 1 if q.strict else math.floor(D)) - const
    cols = np.array(list(terms), dtype=np.int64) - 1
    coefs = np.array([-terms[v] for v in terms], dtype=np.float64)
    row = sp.csr_array((coefs, (np.zeros(cols.size, dtype=np.int64), cols)), shape=(1, out.nvars))
    out.add_rows(row, np.array([-float(cap)]))
