"""From a binary latent to a real one: the construction of Theorem 4 of "On the computational
complexity of inverting generative models", made general and exact.

Given an approximate-inversion problem ``||N(y) - x||_p <= delta`` (or ``<``) over
``y in {0,1}^n``, :func:`lift` builds a network ``G`` over ``z in R^n`` with 4 more layers and
one more output such that some real ``z`` solves the lifted problem iff some binary ``y``
solves the original one (for a one-layer ``N``, ``G`` has the paper's 5 layers):

1. ``h = ReLU(z)``;
2. ``g = ReLU(1 - h)``, so ``v = 1 - g = clamp(z, 0, 1)`` (folded into the next weights);
3. ``u = ReLU(1/2 - v)`` and ``a = ReLU(v - 1/2)``, ``2n`` units;
4. ``t = ReLU(1 - 4u)`` (``n`` units: ``t_i = 1`` for ``v_i >= 1/2``, ``0`` for ``v_i <= 1/4``)
   and the penalty unit ``P = ReLU(gamma * sum_i (a_i + u_i)) = gamma * sum_i |v_i - 1/2|``;
5. ``N`` applied to ``t``, with ``P`` passed through (``ReLU(P) = P``, as ``P >= 0``).

The target is ``(x, gamma n / 2)``, the query unchanged. Why it is right: for binary ``z = y``,
``t = y`` and ``P = gamma n/2``, so the distance is the original one. Conversely if some
``v_i`` lies in ``(1/4, 1/2)`` (the only place ``t_i`` is fractional), the penalty output
misses its target by ``gamma * sum_j min(v_j, 1 - v_j) > gamma / 4 >= delta``, so ``z`` is
no solution; otherwise ``t`` is binary and the first outputs are ``N(t)``, no closer to ``x``
than the whole output is, so ``t`` solves the original problem. ``gamma = 4 * ceil(delta)``
keeps the weights integral. ``G`` reads ``z`` only through ``clamp(z, 0, 1)``: the box
``[0,1]^n`` loses no solution.

Departures from the printed Theorem 4, each needed for a network of ReLU layers that is right:

- the printed ``u_{n+1} = sum max{v_i, 1/2}`` and ``u_{n+2} = sum -min{v_i, 1/2}`` are sums
  of ReLUs inside one unit; here they are the ``2n`` units ``a`` and ``u`` of layer 3, summed
  by the penalty unit of layer 4;
- the printed penalty is unscaled (``t_{n+1}``, target ``n/2``), which is why the paper needs
  ``delta < 1/4``; scaling it by ``gamma >= 4 delta`` makes it hold for every ``delta``, as
  the paper says "slight changes" would;
- the query is ``<= delta`` like the source problems' ``<= r`` (the theorem's ``< delta``
  would lose the instances at distance exactly ``r``), or ``<`` where the source is strict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..lazy import lazy_module
from ..network import Layer, Network
from ..options import NormP, Param
from .base import Construction

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")

BOX_REASON = "G reads z only through clamp(z, 0, 1)"


def ceil_root(power: Fraction | int, p: NormP) -> int:
    """The least integer ``c >= 0`` with ``c^p >= power`` (``c >= power`` for ``p = inf``),
    in exact integer arithmetic."""
    power = Fraction(power)
    if p == "inf":
        return max(0, math.ceil(power))
    p = int(p)
    if power <= 0:
        return 0
    lo, hi = 0, 1
    while Fraction(hi) ** p < power:
        lo, hi = hi, hi * 2
    while hi - lo > 1:  # invariant: lo^p < power <= hi^p
        mid = (lo + hi) // 2
        if Fraction(mid) ** p < power:
            lo = mid
        else:
            hi = mid
    return hi


def gamma(query: Query) -> int:
    """The penalty scale ``4 * ceil(delta)`` (at least 4)."""
    assert query.p is not None  # an approximate query has its norm
    return 4 * max(1, ceil_root(query.power(), query.p))


def lift(problem: InversionProblem) -> InversionProblem:
    """The real-latent problem of the module docstring for a binary-latent ``problem``."""
    if problem.domain.kind != "binary" or problem.query.kind != "approx":
        raise ValueError("lift takes a binary-latent approximate-inversion problem")
    n = problem.n
    g = gamma(problem.query)
    eye = sp.identity(n, format="csr", dtype=np.float64)
    layers = [
        Layer(eye, np.zeros(n), "relu"),  # h = ReLU(z)
        Layer(-eye, np.ones(n), "relu"),  # g = ReLU(1 - h)
        # v = 1 - g:  u = ReLU(1/2 - v) = ReLU(g - 1/2),  a = ReLU(v - 1/2) = ReLU(1/2 - g)
        Layer(sp.vstack([eye, -eye], format="csr"), np.r_[np.full(n, -0.5), np.full(n, 0.5)]),
        # t = ReLU(1 - 4u);  P = ReLU(gamma * sum(a + u))
        Layer(
            sp.vstack(
                [
                    sp.hstack([-4 * eye, sp.csr_array((n, n))]),
                    sp.csr_array(np.full((1, 2 * n), float(g))),
                ],
                format="csr",
            ),
            np.r_[np.ones(n), 0.0],
        ),
    ]
    for layer in problem.network.layers:
        layers.append(_with_passthrough(layer))
    target = np.r_[problem.target, g * n / 2]
    domain = Domain("real", 0.0, 1.0, BOX_REASON)
    return InversionProblem(
        Network(tuple(layers)), target, domain, problem.query, problem.reduction, problem.source
    )


def _with_passthrough(layer: Layer) -> Layer:
    """``layer`` with one more input and output carrying the penalty through unchanged."""
    W = sp.block_array(
        [[sp.csr_array(layer.W), None], [None, sp.csr_array(np.ones((1, 1)))]], format="csr"
    )
    return Layer(W, np.r_[layer.b, 0.0], layer.activation, layer.slope)


def decode(z: Sequence[float] | np.ndarray) -> np.ndarray:
    """The binary latent a real one stands for: ``1`` where ``clamp(z, 0, 1) >= 1/2``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    return (np.clip(z, 0.0, 1.0) >= 0.5).astype(np.float64)


@dataclass(frozen=True)
class Lifted:
    """The real-latent reduction that lifts the binary reduction ``base`` (see the module
    docstring): ``build`` is :func:`lift` of ``base.build``, recorded under ``name`` with
    the penalty scale ``gamma`` among its parameters; a binary certificate latent is a real
    one that works (``encode`` is ``base``'s); a real latent decodes through
    :func:`decode` and then ``base.decode``; the source check is ``base``'s. ``doc`` is the
    lifted module's docstring."""

    base: Construction
    name: str
    summary: str
    theorem: str
    doc: str = ""
    states_bounds: bool = False

    @property
    def source_kind(self) -> str:
        return self.base.source_kind

    @property
    def paper(self) -> str:
        return self.base.paper

    @property
    def certificate(self) -> str:
        return self.base.certificate

    @property
    def params(self) -> Mapping[str, Param]:
        return self.base.params

    def build(self, instance: Any, *, source: Source | None = None, **params: Any
              ) -> InversionProblem:  # fmt: skip
        binary = self.base.build(instance, source=source, **params)
        lifted = lift(binary)
        assert binary.reduction is not None
        record = ReductionRecord(
            self.name,
            binary.reduction.paper,
            self.theorem,
            {**binary.reduction.params, "gamma": gamma(binary.query)},
        )
        return InversionProblem(
            lifted.network, lifted.target, lifted.domain, lifted.query, record, source
        )

    def encode(self, instance: Any, certificate: Any, **params: Any) -> np.ndarray:
        return self.base.encode(instance, certificate, **params)

    def decode(self, instance: Any, z: Any, **params: Any) -> Any:
        return self.base.decode(instance, decode(z), **params)

    def fault(self, instance: Any, certificate: Any, **params: Any) -> str | None:
        return self.base.fault(instance, certificate, **params)

    def estimate(self, instance: Any, **params: Any) -> int:
        """The binary construction's estimate, tripled: the lift adds O(n) layers on its
        latent and copies its network once."""
        return 3 * self.base.estimate(instance, **params)
