"""Deciding the CNF of :mod:`.encode` with CaDiCaL 1.9.5 (python-sat ``cadical195``).

A model's first ``n`` variables are the latent; the latent must pass
:func:`reluhard.inversion.check_latent` before the verdict is INVERTIBLE. With ``proof``,
CaDiCaL logs a proof (LRAT, :mod:`reluhard.certs.lrat`), and a NOT_INVERTIBLE carries it
(``Verdict.proof``, a :class:`~reluhard.solvers.verdict.ProofLog` of the network's CNF) for
:func:`reluhard.pipeline.decide` to write and check.

``time_limit`` holds during the search too. python-sat's CaDiCaL has no ``interrupt`` (it
raises NotImplementedError) and no propagation budget, but it has a conflict budget
(``conf_budget`` with ``solve_limited``): the search runs in slices of a growing number of
conflicts, the clock is read between slices, and UNKNOWN is answered once it passes the
limit. A slice keeps what CaDiCaL learnt, so slicing costs little; without a limit the
search is one ``solve()``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

from ...inversion import InversionProblem, check_latent
from ...options import Param, boolean
from ...problems.cnf import solve_within
from ..milp.presolve import presolve
from ..verdict import INVERTIBLE, NOT_INVERTIBLE, UNKNOWN, ProofLog, Verdict
from .encode import ENCODING, encode

NAME = "sat"
SOLVER = "cadical195"
SUMMARY = (
    "CaDiCaL 1.9.5 on the network's CNF (integer network, two-valued latent); "
    "NO answers with a DRUP proof of that CNF"
)
OPTIONS: dict[str, Param] = {
    "proof": Param(boolean, "log a DRUP proof of a NO (solve --certify sets it)", False),
}


def solve(
    problem: InversionProblem,
    *,
    time_limit: float | None = None,
    proof: bool = False,
    clauses_only: bool = False,
) -> Verdict:
    """Encode ``problem`` to CNF and decide it with CaDiCaL (see the module docstring);
    ``clauses_only``: refuse (:class:`.pb.NotClausal`) a network whose CNF needs
    pseudo-Boolean rows or order literals (``auto``: CP-SAT is faster there)."""
    t0 = time.perf_counter()
    pre = presolve(problem)
    enc = encode(problem, pre, clauses_only)
    stats = {**pre.stats, **enc.stats, "encode_time": time.perf_counter() - t0}
    if time_limit is not None and time.perf_counter() - t0 >= time_limit:
        reason = f"time limit {time_limit:g} s reached while encoding"
        return Verdict(UNKNOWN, NAME, reason=reason, time=time.perf_counter() - t0, stats=stats)
    cnf = enc.cnf
    with _solver(cnf.clauses(), proof) as (s, read_proof):
        t1 = time.perf_counter()
        left = None if time_limit is None else time_limit - (t1 - t0)
        answer = solve_within(s, left)
        stats["sat_time"] = time.perf_counter() - t1
        if answer is None:
            reason = f"time limit {time_limit:g} s reached during the CaDiCaL search"
            stats.update({k: int(v) for k, v in (s.accum_stats() or {}).items()})
            return Verdict(UNKNOWN, NAME, reason=reason, time=time.perf_counter() - t0, stats=stats)
        sat = answer
        stats.update({k: int(v) for k, v in (s.accum_stats() or {}).items()})
        if sat:
            z = enc.latent(s.get_model() or [])
        else:
            lines = read_proof() if proof else None
    elapsed = time.perf_counter() - t0
    if not sat:
        log = None
        if lines is not None:
            meta = {"encoding": ENCODING, "cnf_sha256": enc.sha256()}
            log = ProofLog("network", lines, SOLVER, meta)
        return Verdict(
            NOT_INVERTIBLE,
            NAME,
            reason="the network's CNF is unsatisfiable" + (" (LRAT proof logged)" if proof else ""),
            time=elapsed,
            stats=stats,
            proof=log,
        )
    check = check_latent(problem, z)
    if not check.ok:  # an encoding bug: never a YES without the exact check
        reason = f"a model of the CNF failed the exact check ({check.reason}): an encoding bug"
        return Verdict(UNKNOWN, NAME, reason=reason, time=elapsed, stats=stats)
    return Verdict(
        INVERTIBLE,
        NAME,
        latent=[Fraction(v) for v in z],
        reason="a model of the network's CNF, verified exactly",
        time=elapsed,
        stats=stats,
    )


@contextmanager
def _solver(clauses: list[list[int]], proof: bool) -> Iterator[tuple]:
    """CaDiCaL loaded with ``clauses``: ``(solver, proof lines)``, logging LRAT with ``proof``."""
    if proof:
        from ...certs.proofs import proof_logging

        with proof_logging(SOLVER, clauses) as pair:
            yield pair
        return
    from pysat.solvers import Solver

    with Solver(name=SOLVER, bootstrap_with=clauses) as s:
        yield s, list
