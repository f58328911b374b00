"""Exactness of the ``sat`` encoding, shown exhaustively: on small networks of every
discrete reduction, the latents that extend to a model of the CNF are exactly the inverting
latents (every latent is tried, as assumptions on CaDiCaL), and ``sat`` agrees with brute
force. The default tier samples the small-CNF set; ``--full`` takes all of it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pysat.solvers import Solver

from reluhard.inversion import check_latent
from reluhard.pipeline import reduce_instance
from reluhard.problems import cvp_reference
from reluhard.problems.cvp import CVP
from reluhard.problems.graph import all_graphs
from reluhard.solvers import solve
from reluhard.solvers.sat import encode, refusal
from tests.helpers.small_cnfs import all_small_cnfs
from tests.helpers.tiers import FULL

SHARDS = 1 if FULL else 97
MAX_GRAPH = 4 if FULL else 3


def assert_exact(problem) -> int:
    """Every latent of the two-valued domain: a model extends it iff it inverts."""
    enc = encode(problem)
    n = problem.n
    with Solver(name="cadical195", bootstrap_with=enc.cnf.clauses()) as s:
        for bits in itertools.product((0, 1), repeat=n):
            assumptions = [i + 1 if b else -(i + 1) for i, b in enumerate(bits)]
            z = enc.latent(assumptions)
            assert s.solve(assumptions=assumptions) == bool(check_latent(problem, z)), (bits, z)
    return 1


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
def test_small_cnfs_models_are_the_inverting_latents(via):
    done = sum(assert_exact(reduce_instance(c, via=via)) for c in all_small_cnfs(0, SHARDS))
    assert done > 0


def _graph_problems():
    for n in range(1, MAX_GRAPH + 1):
        for G in all_graphs(n):
            for q in range(n + 1):
                yield reduce_instance(G, via="vertexcover-binary", kind="graph", q=q)
            if n % 2 == 0 and G.number_of_edges():
                for M in (1, 2, 3):
                    yield reduce_instance(G, via="halfclique-binary", kind="graph", M=M)


def _cvp_problems():
    rng = np.random.default_rng(7)
    for p in (1, 2, 3, "inf"):
        for _ in range(6):
            d, n = int(rng.integers(1, 4)), int(rng.integers(1, 5))
            B = rng.integers(-2, 3, size=(d, n))
            t = rng.integers(-2, 3, size=d)
            best = cvp_reference.closest(CVP(B, t, p, 0))[1]
            for bound in (best, best + 1):
                yield reduce_instance(CVP(B, t, p, bound), via="cvp-binary", kind="cvp")


@pytest.mark.parametrize("family", ["graph", "cvp"])
def test_graph_and_cvp_models_are_the_inverting_latents(family):
    problems = list(_graph_problems() if family == "graph" else _cvp_problems())
    encoded = 0
    for problem in problems:
        why = refusal(problem)
        if why is not None:
            assert "\n" not in why
            continue
        encoded += assert_exact(problem)
        ours = solve(problem, "sat").status
        assert ours == solve(problem, "brute").status
    assert encoded >= len(problems) // 2
