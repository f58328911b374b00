"""Interval bounds on every unit of a network: forward from the latent domain, backward from
the target, and optionally tightened by LPs. The MILP back ends take their per-unit big-M
values from here (never one global M) and fix every stable unit.

Forward: ``pre = W a + b`` with ``a in [l, u]`` gives ``pre in [W+ l + W- u + b,
W+ u + W- l + b]``; the activation maps the pre-activation interval to the output interval.

Backward: the query pins the outputs (``G(z) = x`` gives ``out in [x, x]``; an approximate
query gives ``out in [x - delta, x + delta]``, since every coordinate of a vector of
``p``-norm below ``delta`` is below ``delta``). An output interval of a ReLU unit bounds its
pre-activation (``post <= u`` forces ``pre <= u``, ``post = 0`` forces ``pre <= 0``,
``post >= l > 0`` forces ``pre >= l``), and an interval on ``pre = W a + b`` bounds each
``a_j`` through its row: ``w_j a_j = pre - b - sum_{k != j} w_k a_k``. A few forward and
backward sweeps reach a fixpoint quickly on the reductions' networks; on ``sat-sign`` the
backward sweep alone fixes every clause unit inactive, leaving clause constraints only.

A construction may state bounds of its own (``problem.unit_bounds``: the circuit
compiler's gate-level intervals, which interval arithmetic cannot see); every forward sweep
intersects the pre-activation intervals with them.

Soundness: a bound computed in floating point is widened outward by ``SLACK`` (relative and
absolute), so rounding can only loosen bounds, never cut off a solution; where every number
involved is a small integer (the SAT reductions) the arithmetic is exact and nothing is
widened, so units pinned at 0 are recognised as stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..inversion import InversionProblem, float_down, float_up
from ..lazy import lazy_module
from ..network import Layer

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

SLACK = 1e-9


@dataclass
class Bounds:
    """Per layer ``i``: bounds on the pre-activations and on the outputs; ``latent`` bounds
    the input. ``infeasible`` is set when some interval became empty (the query cannot be
    met: a claim as good as the floating-point bound arithmetic, reported as such)."""

    latent_lo: np.ndarray
    latent_hi: np.ndarray
    pre_lo: list[np.ndarray]
    pre_hi: list[np.ndarray]
    post_lo: list[np.ndarray]
    post_hi: list[np.ndarray]
    infeasible: str = ""

    def check_empty(self) -> None:
        """Set ``infeasible`` when some interval is empty, naming the first."""
        for name, lo, hi in (
            [("latent", self.latent_lo, self.latent_hi)]
            + [
                (f"layer {i + 1}", a, c)
                for i, (a, c) in enumerate(zip(self.pre_lo, self.pre_hi, strict=True))
            ]
            + [
                (f"layer {i + 1} output", a, c)
                for i, (a, c) in enumerate(zip(self.post_lo, self.post_hi, strict=True))
            ]
        ):
            bad = np.flatnonzero(lo > hi)
            if bad.size:
                j = int(bad[0])
                self.infeasible = (
                    f"bound propagation: {name} unit {j} has empty interval "
                    f"[{lo[j]:.6g}, {hi[j]:.6g}]"
                )
                return

    def inputs(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Bounds on the input of layer ``i``."""
        if i == 0:
            return self.latent_lo, self.latent_hi
        return self.post_lo[i - 1], self.post_hi[i - 1]

    def stable_counts(self, layers: tuple[Layer, ...]) -> tuple[int, int, int]:
        """(inactive, active, unstable) ReLU/leaky units."""
        inactive = active = unstable = 0
        for i, layer in enumerate(layers):
            if layer.activation == "identity":
                continue
            lo, hi = self.pre_lo[i], self.pre_hi[i]
            inactive += int(np.count_nonzero(hi <= 0))
            active += int(np.count_nonzero(lo >= 0))
            unstable += int(np.count_nonzero((lo < 0) & (hi > 0)))
        return inactive, active, unstable


def _widen(lo: np.ndarray, hi: np.ndarray, exact: bool = False):
    """Outward rounding margin, skipped when the float computation was exact."""
    if exact:
        return lo, hi
    return lo - SLACK * (1 + np.abs(lo)), hi + SLACK * (1 + np.abs(hi))


def _integral(*arrays) -> bool:
    """True when every finite entry is an integer of magnitude < 2^50: sums and products of
    a few such numbers are then computed exactly in float64."""
    for a in arrays:
        a = a.data if sp.issparse(a) else np.asarray(a)
        f = a[np.isfinite(a)]
        if f.size and (np.abs(f).max() >= 2.0**50 or not np.array_equal(f, np.round(f))):
            return False
    return True


def _split(W) -> tuple:
    if sp.issparse(W):
        return W.maximum(0), W.minimum(0)
    return np.maximum(W, 0), np.minimum(W, 0)


def _interval_matvec(W, b, lo, hi, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``[W+ lo + W- hi + b, W+ hi + W- lo + b]``, widened (unless ``exact``) by a bound on
    the rounding error of the sums, ``(terms + 2) u`` times the magnitudes summed."""
    Wp, Wn = _split(W)
    plo = np.asarray(Wp @ lo + Wn @ hi).ravel() + b
    phi = np.asarray(Wp @ hi + Wn @ lo).ravel() + b
    if exact:
        return plo, phi
    absW = abs(W)
    mag = np.maximum(np.abs(lo), np.abs(hi))
    terms = np.diff(W.indptr) if sp.issparse(W) else np.full(W.shape[0], W.shape[1])
    with np.errstate(invalid="ignore"):
        err = (terms + 2) * np.finfo(np.float64).eps * (np.asarray(absW @ mag).ravel() + np.abs(b))
    err = np.where(np.isnan(err), np.inf, err)
    return plo - err, phi + err


def _act(layer: Layer, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if layer.activation == "relu":
        return np.maximum(lo, 0), np.maximum(hi, 0)
    if layer.activation == "leaky_relu":
        c = layer.slope
        f_lo, f_hi = np.maximum(lo, c * lo), np.maximum(hi, c * hi)
        return np.minimum(f_lo, f_hi), np.maximum(f_lo, f_hi)  # monotone for c >= 0
    return lo, hi


def _act_inverse(layer: Layer, plo, phi, olo, ohi):
    """Tighten the pre-activation interval ``[plo, phi]`` from the output's ``[olo, ohi]``."""
    if layer.activation == "identity":
        return np.maximum(plo, olo), np.minimum(phi, ohi)
    if layer.activation == "relu":
        phi = np.minimum(phi, np.where(ohi <= 0, 0.0, ohi))
        plo = np.where(olo > 0, np.maximum(plo, olo), plo)
        return plo, phi
    c = layer.slope
    if c > 0:  # leaky: invertible, out = pre (pre >= 0) or c * pre (pre < 0)
        inv_lo = np.where(olo >= 0, olo, olo / c)
        inv_hi = np.where(ohi >= 0, ohi, ohi / c)
        return np.maximum(plo, inv_lo), np.minimum(phi, inv_hi)
    return plo, phi


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """The sum of each CSR row's ``values`` (0 for an empty row)."""
    out = np.zeros(indptr.size - 1)
    nonempty = np.flatnonzero(np.diff(indptr))
    if nonempty.size:
        with np.errstate(invalid="ignore"):
            out[nonempty] = np.add.reduceat(values, indptr[nonempty])
    return out


def _backward_rows(W, b, plo, phi, alo, ahi):
    """Tighten input bounds ``[alo, ahi]`` of ``pre = W a + b`` from ``pre in [plo, phi]``."""
    Wc = sp.csr_array(W) if not sp.issparse(W) else W
    rows = np.repeat(np.arange(Wc.shape[0]), np.diff(Wc.indptr))
    cols, w = Wc.indices, Wc.data
    emin = np.where(w > 0, w * alo[cols], w * ahi[cols])
    emax = np.where(w > 0, w * ahi[cols], w * alo[cols])
    # per-row sums (a running sum over the whole matrix would lose small rows to the
    # rounding of large ones), and a bound on their rounding error: n terms summed and
    # subtracted in float64 err by at most (n + 3) u times the magnitudes involved
    exact = _integral(w, b, plo, phi, alo, ahi) and bool(np.all(np.abs(w) == 1))
    rmin, rmax = (_row_sums(e, Wc.indptr) for e in (emin, emax))
    err = np.zeros(Wc.shape[0])
    if not exact:
        mags = _row_sums(np.maximum(np.abs(emin), np.abs(emax)), Wc.indptr)
        scale = mags + np.abs(b) + np.where(np.isfinite(plo), np.abs(plo), 0.0)
        scale += np.where(np.isfinite(phi), np.abs(phi), 0.0)
        err = (np.diff(Wc.indptr) + 3) * np.finfo(np.float64).eps * scale
    # w_j a_j in [plo - b - (rmax - emax_j), phi - b - (rmin - emin_j)]
    with np.errstate(invalid="ignore"):
        t_lo = plo[rows] - b[rows] - (rmax[rows] - emax) - err[rows]
        t_hi = phi[rows] - b[rows] - (rmin[rows] - emin) + err[rows]
        nz = w != 0
        a_lo = np.where(w > 0, t_lo / np.where(nz, w, 1), t_hi / np.where(nz, w, 1))
        a_hi = np.where(w > 0, t_hi / np.where(nz, w, 1), t_lo / np.where(nz, w, 1))
    a_lo = np.where(np.isnan(a_lo) | ~nz, -np.inf, a_lo)
    a_hi = np.where(np.isnan(a_hi) | ~nz, np.inf, a_hi)
    new_lo, new_hi = alo.copy(), ahi.copy()
    np.maximum.at(new_lo, cols, a_lo)
    np.minimum.at(new_hi, cols, a_hi)
    new_lo, new_hi = _widen(new_lo, new_hi, exact)
    return np.maximum(alo, new_lo), np.minimum(ahi, new_hi)


def output_box(problem: InversionProblem) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on the outputs that the query implies (infinite where it implies none): the
    target for ``exact``, the target +- delta for ``approx`` (every coordinate of a vector
    of norm <= delta is <= delta), a spec's single-output bounds (rounded outward)."""
    q, x = problem.query, problem.target
    if q.spec is not None:
        lo, hi = q.spec.output_box(problem.network.out_dim)
        return (
            np.array([-np.inf if v is None else float_down(v) for v in lo]),
            np.array([np.inf if v is None else float_up(v) for v in hi]),
        )
    slack = 0.0 if q.kind == "exact" else q.radius_hi()
    return x - slack, x + slack


def latent_box(problem: InversionProblem, box: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """The domain's ``box`` per coordinate, narrowed to a spec's input box (outward)."""
    n = problem.n
    lo, hi = np.full(n, box[0]), np.full(n, box[1])
    spec = problem.query.spec
    if spec is not None:
        lo = np.maximum(lo, [float_down(a) for a, _ in spec.box])
        hi = np.minimum(hi, [float_up(b) for _, b in spec.box])
    return lo, hi


def propagate(problem: InversionProblem, sweeps: int = 4) -> Bounds:
    """Interval bounds for ``problem`` (see the module docstring). Raises
    :class:`InputError` for a ``real`` domain without a stated box."""
    box = problem.domain.bounds()
    if box is None:
        raise InputError(
            None,
            None,
            "the latent domain is R^n with no stated box; the MILP "
            "needs finite bounds (state a w.l.o.g. box in the network file)",
        )
    layers = problem.network.layers
    L = len(layers)
    latent_lo, latent_hi = latent_box(problem, box)
    out_lo, out_hi = output_box(problem)
    pre_lo: list = [None] * L
    pre_hi: list = [None] * L
    post_lo: list = [None] * L
    post_hi: list = [None] * L
    before = None
    for sweep in range(max(1, sweeps)):
        lo, hi = latent_lo, latent_hi
        for i, layer in enumerate(layers):
            exact = _integral(layer.W, layer.b, lo, hi)
            plo, phi = _widen(*_interval_matvec(layer.W, layer.b, lo, hi, exact), exact)
            if problem.unit_bounds is not None:
                plo = np.maximum(plo, problem.unit_bounds[i][0])
                phi = np.minimum(phi, problem.unit_bounds[i][1])
            if sweep:
                plo, phi = np.maximum(plo, pre_lo[i]), np.minimum(phi, pre_hi[i])
            pre_lo[i], pre_hi[i] = plo, phi
            lo, hi = _act(layer, plo, phi)
            if sweep:
                lo, hi = np.maximum(lo, post_lo[i]), np.minimum(hi, post_hi[i])
            post_lo[i], post_hi[i] = lo, hi
        post_lo[-1] = np.maximum(post_lo[-1], out_lo)
        post_hi[-1] = np.minimum(post_hi[-1], out_hi)
        for i in range(L - 1, -1, -1):
            layer = layers[i]
            pre_lo[i], pre_hi[i] = _act_inverse(layer, pre_lo[i], pre_hi[i], post_lo[i], post_hi[i])
            alo, ahi = (latent_lo, latent_hi) if i == 0 else (post_lo[i - 1], post_hi[i - 1])
            alo, ahi = _backward_rows(layer.W, layer.b, pre_lo[i], pre_hi[i], alo, ahi)
            if i == 0:
                latent_lo, latent_hi = alo, ahi
            else:
                post_lo[i - 1], post_hi[i - 1] = alo, ahi
        state = np.concatenate([latent_lo, latent_hi, *pre_lo, *pre_hi, *post_lo, *post_hi])
        if before is not None and np.array_equal(state, before):
            break  # a fixpoint: another sweep would change nothing
        before = state
    bounds = Bounds(latent_lo, latent_hi, pre_lo, pre_hi, post_lo, post_hi)
    bounds.check_empty()
    return bounds


def _constrain_outputs(lp, ys: list, problem: InversionProblem) -> None:
    """The query's bounds on the outputs (:func:`output_box`) as LP rows."""
    out_lo, out_hi = output_box(problem)
    for y, lo, hi in zip(ys, out_lo.tolist(), out_hi.tolist(), strict=True):
        if lo > -np.inf:
            lp.Add(y >= lo)
        if hi < np.inf:
            lp.Add(y <= hi)


LP_SLACK = 1e-6  # LP optima are approximate: widen each LP bound by this (relative)


def lp_tighten(problem: InversionProblem, bounds: Bounds, time_budget: float) -> int:
    """Optimisation-based tightening: min and max every unstable unit's pre-activation over
    the LP relaxation of the whole network (stable units exact, unstable ReLUs by their
    triangle ``y >= 0, y >= pre, y <= U (pre - L) / (U - L)``, outputs constrained by the
    query), with GLOP, until ``time_budget`` seconds are spent. Bounds only ever get
    tighter; each LP bound is widened by ``LP_SLACK`` (relative) to absorb LP tolerances.
    Returns the number of bounds tightened."""
    import time

    # pywraplp has stubs but no py.typed: some mypy versions find no such submodule
    from ortools.linear_solver import pywraplp  # type: ignore[attr-defined, unused-ignore]

    t0 = time.perf_counter()
    layers = problem.network.layers
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = [
        lp.NumVar(float(lo), float(hi), "")
        for lo, hi in zip(bounds.latent_lo, bounds.latent_hi, strict=True)
    ]
    pre_exprs: list[list] = []
    for li, layer in enumerate(layers):
        W = layer.csr
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        ys, exprs = [], []
        for j in range(W.shape[0]):
            pre = lp.NumVar(float(plo[j]), float(phi[j]), "")
            ct = lp.RowConstraint(float(layer.b[j]), float(layer.b[j]), "")
            ct.SetCoefficient(pre, 1.0)
            for k in range(W.indptr[j], W.indptr[j + 1]):
                ct.SetCoefficient(
                    xs[W.indices[k]], ct.GetCoefficient(xs[W.indices[k]]) - float(W.data[k])
                )
            exprs.append(pre)
            L, U = float(plo[j]), float(phi[j])
            if layer.activation == "identity" or (layer.activation == "relu" and L >= 0):
                ys.append(pre)
            elif layer.activation == "relu" and U <= 0:
                ys.append(lp.NumVar(0.0, 0.0, ""))
            elif layer.activation == "relu":
                y = lp.NumVar(0.0, max(U, 0.0), "")
                lp.Add(y >= pre)
                lp.Add(y * (U - L) <= U * (pre - L))
                ys.append(y)
            else:
                return 0  # leaky layers: not relaxed here
        pre_exprs.append(exprs)
        xs = ys
    _constrain_outputs(lp, xs, problem)
    tightened = 0
    for li, exprs in enumerate(pre_exprs):
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        for j in np.flatnonzero((plo < 0) & (phi > 0)).tolist():
            for sense in (1, -1):
                left = time_budget - (time.perf_counter() - t0)
                if left <= 0:
                    return tightened
                lp.SetTimeLimit(int(left * 1000) + 1)
                lp.Minimize(sense * exprs[j])
                if lp.Solve() != pywraplp.Solver.OPTIMAL:
                    continue
                value = exprs[j].solution_value()
                if sense == 1 and value - LP_SLACK * (1 + abs(value)) > plo[j]:
                    plo[j] = value - LP_SLACK * (1 + abs(value))
                    exprs[j].SetLb(float(plo[j]))
                    tightened += 1
                elif sense == -1 and value + LP_SLACK * (1 + abs(value)) < phi[j]:
                    phi[j] = value + LP_SLACK * (1 + abs(value))
                    exprs[j].SetUb(float(phi[j]))
                    tightened += 1
    return tightened
