"""CROWN / DeepPoly bounds (reluhard/solvers/symbolic.py): they contain every
pre-activation the network takes on its input box, and only ever tighten the interval
bounds."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.inversion import Atom, Domain, InversionProblem, Query, Spec
from reluhard.network import forward
from reluhard.randomnet import random_network
from reluhard.solvers import symbolic
from reluhard.solvers.bounds import propagate


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.lists(st.integers(1, 9), min_size=2, max_size=5))
def test_bounds_contain_every_reachable_preactivation(seed, widths):
    rng = np.random.default_rng(seed)
    net = random_network(widths, bias=True, rng=rng)
    lo = rng.uniform(-2, 0, widths[0])
    hi = lo + rng.uniform(0, 1, widths[0])
    box = tuple((Fraction(a), Fraction(b)) for a, b in zip(lo, hi, strict=True))
    never = Atom((("Y", 0, Fraction(1)),), Fraction(10**9))  # no constraint in effect
    q = Query("spec", spec=Spec(box, ((never,),)))
    p = InversionProblem(
        net, np.zeros(net.out_dim), Domain("box", float(lo.min()), float(hi.max())), q
    )
    bounds = propagate(p)
    before = [(a.copy(), b.copy()) for a, b in zip(bounds.pre_lo, bounds.pre_hi, strict=True)]
    symbolic.tighten(net.layers, bounds)
    Z = rng.uniform(lo, hi, size=(200, widths[0]))
    Z = np.vstack([Z, lo, hi])
    A = Z
    for k, layer in enumerate(net.layers):
        pre = layer.pre(A)
        assert np.all(pre >= bounds.pre_lo[k]) and np.all(pre <= bounds.pre_hi[k])
        assert np.all(bounds.pre_lo[k] >= before[k][0]) and np.all(bounds.pre_hi[k] <= before[k][1])
        A = layer.act(pre)
    np.testing.assert_allclose(A, forward(net, Z))
