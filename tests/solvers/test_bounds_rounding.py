"""Bound propagation stays sound when bounds of very different sizes meet in one layer: a
circuit network whose backward sweep once cut off its only solution (a running sum over
the whole matrix lost a small row's terms to the rounding of large ones), so that the MILP
claimed NO on a factorable number."""

from __future__ import annotations

import numpy as np

from reluhard import pipeline
from reluhard.network import forward
from reluhard.problems.circuit import literals_of
from reluhard.problems.circuit_gen import factoring_circuit, factoring_target
from reluhard.reductions import circuit_query
from reluhard.solvers import bounds
from reluhard.status import Status


def test_the_solution_stays_inside_every_bound():
    circuit = factoring_circuit(12)
    problem = pipeline.reduce_instance(
        circuit, "circuit-sign", "circuit", outputs=factoring_target(2419)
    )
    bits = np.array([(41 >> i) & 1 for i in range(6)] + [(59 >> i) & 1 for i in range(11)])
    z = circuit_query.encode(circuit, literals_of(bits.astype(bool)))
    b = bounds.propagate(problem)
    assert not b.infeasible
    a = z
    for i, layer in enumerate(problem.network.layers):
        pre = layer.pre(a[None])[0]
        a = layer.act(pre)
        assert np.all(b.pre_lo[i] <= pre) and np.all(pre <= b.pre_hi[i]), i
        assert np.all(b.post_lo[i] <= a) and np.all(a <= b.post_hi[i]), i
    assert np.array_equal(a, forward(problem.network, z))
    assert pipeline.decide(problem, "auto", time_limit=60).status is Status.INVERTIBLE
