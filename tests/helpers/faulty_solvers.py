"""Deliberately faulty SAT solvers, as ``reluhard crosscheck`` plug-ins
(``tests.helpers.faulty_solvers:NAME``), to show that each kind of fault is caught and
minimised.

Each wraps CaDiCaL (python-sat) and breaks one thing on some inputs only.
"""

from __future__ import annotations

import os
import signal
import time

from reluhard.certs.proofs import solve_with_proof
from reluhard.problems.cnf import CNF


def honest(cnf: CNF, proof: bool):
    return solve_with_proof(cnf)


def wrong_verdict(cnf: CNF, proof: bool):
    """Claims UNSAT (without a proof) whenever a clause of width >= 3 mentions variable 5."""
    if any(len(c) >= 3 and 5 in map(abs, c) for c in cnf.clauses()):
        return False, None, None
    return solve_with_proof(cnf)


def flipped_bit(cnf: CNF, proof: bool):
    """Right verdict, but variable 1's value is flipped in every model."""
    sat, model, lines = solve_with_proof(cnf)
    if sat and model:
        model = [-v if abs(v) == 1 else v for v in model]
    return sat, model, lines


def bogus_proof(cnf: CNF, proof: bool):
    """Right verdict, but the UNSAT proof is only the empty clause."""
    sat, model, lines = solve_with_proof(cnf)
    return sat, model, (None if sat else ["0"])


def segfault_on_long(cnf: CNF, proof: bool):
    """Dies with SIGSEGV when a clause has 4 or more literals."""
    if any(len(c) >= 4 for c in cnf.clauses()):
        os.kill(os.getpid(), signal.SIGSEGV)
    return solve_with_proof(cnf)


def hangs(cnf: CNF, proof: bool):
    time.sleep(60)
    return None, None, None
