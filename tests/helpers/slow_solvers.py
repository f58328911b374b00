"""A sound but slow ``reluhard crosscheck`` plug-in (``tests.helpers.slow_solvers:slow``):
CaDiCaL after a fixed sleep, so that a test can interrupt a run, or kill a worker, while
runs are in flight."""

from __future__ import annotations

import time

from reluhard.certs.proofs import solve_with_proof
from reluhard.problems.cnf import CNF

DELAY = 0.25


def slow(cnf: CNF, proof: bool):
    time.sleep(DELAY)
    return solve_with_proof(cnf)
