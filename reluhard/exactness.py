"""Which numbers float64 arithmetic carries exactly, and the one check every float back end
consults before it decides a problem.

A float64 holds every integer of magnitude below ``2^53`` exactly, and no longer all of
them above (``2^53 + 1`` rounds to ``2^53``). Two places turn exact numbers into floats:

- a reduction writes the source's integers into float64 weights, biases and targets; a
  network number of magnitude ``>= 2^53`` may be a rounded source integer, so the network
  would not be the reduction of its source (:func:`reduction_fault`);
- a float back end (SCIP, HiGHS, the LP and gradient methods) sums products of weights and
  unit values; once a weight, a bias, the target, the box or a bound on some unit's
  pre-activation passes ``2^53``, those sums round at the unit's scale, and a YES instance
  can come out infeasible (:func:`float_refusal`). The back ends that decide such data
  exactly are CP-SAT (int64, its own overflow checks), ``sat`` (integers) and ``brute``
  (exact check of every candidate, float filter with a relative tolerance far above
  rounding); :attr:`reluhard.solvers.registry.Backend.float_arithmetic` says which is which.

The limit is on magnitudes because a float's relative rounding error is what it is at any
scale: what breaks at ``2^53`` is that one unit (the granularity of integer data) is
below the rounding error. Solver tolerances (SCIP meets rows within ``1e-6``) make the
float MILP's NO a solver claim at any scale, as the solution file says.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .inversion import InversionProblem

#: float64 carries every integer of magnitude below this exactly
FLOAT_EXACT = 2**53

#: inside :func:`one_float_check`: the problems :func:`float_refusal` has checked, by id
_checked: ContextVar[dict[int, tuple[InversionProblem, str | None]] | None] = ContextVar(
    "float_refusals_checked", default=None
)


def float64_array(a: object, what: str) -> np.ndarray:
    """``a`` as a C-contiguous float64 array; ``ValueError`` when ``a`` holds integers that
    float64 would round (magnitude beyond ``2^53``: a network file's int64 weights are read
    exactly or not at all)."""
    arr = np.asarray(a)
    if arr.dtype.kind in "iu" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        far = hi if hi > FLOAT_EXACT else lo if lo < -FLOAT_EXACT else None
        if far is not None:
            raise ValueError(f"{what} hold the integer {far}, beyond 2^53: float64 would round it")
    return np.ascontiguousarray(arr, dtype=np.float64)


def _max_abs(a: np.ndarray) -> float:
    return float(np.abs(a).max()) if a.size else 0.0


def _data(problem: InversionProblem) -> list[tuple[str, np.ndarray]]:
    """Every array of numbers the problem states, named as a message would name it."""
    named: list[tuple[str, np.ndarray]] = [("the target", np.asarray(problem.target))]
    for i, layer in enumerate(problem.network.layers, 1):
        named.append((f"layer {i}'s weights", layer.csr_parts.data if layer.sparse else layer.W))
        named.append((f"layer {i}'s biases", layer.b))
    return named


def reduction_fault(problem: InversionProblem) -> str | None:
    """Why the network a reduction built may not hold its source's numbers exactly (a
    weight, bias or target of magnitude ``>= 2^53``), or None."""
    for what, a in _data(problem):
        if _max_abs(a) >= FLOAT_EXACT:
            return (
                f"{what} reach {_max_abs(a):.6g} >= 2^53: float64 network weights cannot "
                "hold the instance's integers exactly"
            )
    return None


def _forward_magnitudes(problem: InversionProblem, start: float) -> tuple[str, float] | None:
    """The first layer whose pre-activation bound ``|W| m + |b|`` (``m`` the bound on the
    layer's input, ``start`` on the latent) reaches ``2^53``, with that bound; then the
    bound on an approximate query's sum ``sum_j (|G(z)_j| + |x_j|)^p``."""
    m = np.full(problem.n, start)
    for i, layer in enumerate(problem.network.layers, 1):
        W = abs(layer.csr) if layer.sparse else np.abs(layer.W)
        pre = np.asarray(W @ m).ravel() + np.abs(layer.b)
        top = _max_abs(pre)
        if not top < FLOAT_EXACT:
            return f"a pre-activation of layer {i}", top
        m = pre if layer.activation != "leaky_relu" else pre * max(1.0, abs(layer.slope))
    q = problem.query
    if q.kind == "approx" and isinstance(q.p, int):
        with np.errstate(over="ignore"):
            total = float(np.sum((m + np.abs(problem.target)) ** int(q.p)))
        if not total < FLOAT_EXACT:
            return f"the query's sum of {q.p}-th powers", total
    return None


@contextmanager
def one_float_check() -> Iterator[None]:
    """Within the block (one decision of a problem: :func:`reluhard.solvers.solve` and the
    back end it calls), :func:`float_refusal` checks a problem once and answers the same
    problem object again from memory. Nested blocks share the outermost one's memory."""
    if _checked.get() is not None:
        yield
        return
    token = _checked.set({})
    try:
        yield
    finally:
        _checked.reset(token)


def float_refusal(problem: InversionProblem) -> str | None:
    """Why float64 arithmetic cannot decide ``problem`` exactly, or None: some weight,
    bias, target entry, box bound or query radius, or (on a bounded latent domain) the
    interval bound on some unit's pre-activation or on the query's sum of p-th powers,
    reaches ``2^53``. Checked once per problem inside :func:`one_float_check`."""
    memo = _checked.get()
    if memo is None:
        return _float_refusal(problem)
    hit = memo.get(id(problem))
    if hit is None or hit[0] is not problem:
        hit = memo[id(problem)] = (problem, _float_refusal(problem))
    return hit[1]


def _float_refusal(problem: InversionProblem) -> str | None:
    for what, a in _data(problem):
        if not _max_abs(a) < FLOAT_EXACT:
            return f"{what} reach {_max_abs(a):.6g} >= 2^53"
    q = problem.query
    if q.kind == "approx" and not abs(Fraction(q.power())) < FLOAT_EXACT:
        return "the query's radius^p reaches 2^53"
    box = problem.domain.bounds()
    if box is None:
        return None
    start = max(abs(box[0]), abs(box[1]))
    if not start < FLOAT_EXACT:
        return f"the latent box reaches {start:.6g} >= 2^53"
    hit = _forward_magnitudes(problem, start)
    if hit is not None:
        return f"{hit[0]} may reach {hit[1]:.6g} >= 2^53"
    return None


def float_unknown_reason(name: str, why: str) -> str:
    """The UNKNOWN reason of float back end ``name`` refusing data beyond ``2^53``."""
    return (
        f"{why}: solver '{name}' computes in float64, exact only below 2^53 "
        "(use --solver cpsat or brute, which decide such data exactly)"
    )
