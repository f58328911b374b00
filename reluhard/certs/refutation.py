"""Certified NO answers: a NOT_INVERTIBLE verdict backed by a DRUP proof, written by a
proof-logging SAT solver and checked by the verified checker of :mod:`.proofs`.

A proof refutes one of the CNFs in :data:`SUBJECTS` (the proof entry's ``of``):

- ``source`` (the default): the CNF of the embedded source. Which instances can be refuted
  is the problem kind's to say (:attr:`~reluhard.problems.kinds.ProblemKind.as_cnf`: the CNF
  whose unsatisfiability means the instance has no certificate; for a CNF, itself). The
  network is then not invertible by the correctness of the reduction that built it;
- ``network``: the CNF of the network itself (:mod:`reluhard.solvers.sat.encode`, a pure
  function of the network file, so ``verify`` re-encodes it; no source needed). The network
  is then not invertible by the exactness of that encoding.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..inversion import InversionProblem
from ..problems.cnf import CNF
from ..problems.kinds import KINDS
from . import proofs
from .solution_file import file_sha256


class CertificationError(Exception):
    """``--certify`` could not turn the answer into a certificate; the message says why,
    and ``solver`` names the back end whose NO it was."""

    solver: str = ""


def refutable_cnf(problem: InversionProblem) -> CNF | None:
    """The CNF a proof of ``problem``'s NO answer refutes, or None when the problem embeds
    no source of a kind that can be refuted."""
    src = problem.source
    if src is None or src.kind not in KINDS:
        return None
    as_cnf = KINDS[src.kind].as_cnf
    return None if as_cnf is None else as_cnf(src.instance)


def network_cnf(problem: InversionProblem) -> CNF | None:
    """The CNF of the network itself (encoding ``reluhard-sat/1``), or None when the
    ``sat`` encoding does not take the problem."""
    from ..errors import InputError
    from ..solvers.sat import encode, refusal

    if refusal(problem) is not None:
        return None
    try:
        return encode(problem).cnf
    except InputError:
        return None


def _network_conclusion(problem: InversionProblem) -> str:
    from ..solvers.sat import ENCODING

    return f"the CNF encoding {ENCODING} of reluhard.solvers.sat.encode"


def _source_conclusion(problem: InversionProblem) -> str:
    from .. import reductions

    red, rec = reductions.of(problem), problem.reduction
    return f"{red.name}, {red.theorem}" if red is not None else (rec.name if rec else "?")


@dataclass(frozen=True)
class Subject:
    """What a proof refutes: ``cnf(problem)`` (None when there is nothing to refute), how
    messages call it, and ``because(problem)``, the result that makes its refutation a NO
    for the network."""

    name: str
    noun: str
    cnf: Callable[[InversionProblem], CNF | None]
    because: Callable[[InversionProblem], str]


SUBJECTS = {
    s.name: s
    for s in (
        Subject("source", "the embedded CNF", refutable_cnf, _source_conclusion),
        Subject("network", "the network's CNF", network_cnf, _network_conclusion),
    )
}


def certify(
    problem: InversionProblem,
    verdict,
    proof_path: str | os.PathLike,
    solution_dir: str | os.PathLike | None = None,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """The solution file's ``proof`` entry for a NOT_INVERTIBLE ``verdict``: the proof the
    back end logged (``verdict.proof``), written and checked against its subject's CNF; or,
    when it logged none, a proof of the source (:func:`prove_unsat`). ``time_limit``
    bounds the check (:func:`~reluhard.certs.proofs.check_proof_file`)."""
    log = verdict.proof
    if log is None:
        return prove_unsat(problem, proof_path, solution_dir, time_limit=time_limit)
    cnf = SUBJECTS[log.of].cnf(problem)
    if cnf is None:
        raise CertificationError(f"{SUBJECTS[log.of].noun} cannot be rebuilt for this problem")
    proofs.write_proof(proof_path, log.lines)
    result = proofs.check_proof_file(cnf, proof_path, time_limit)
    if not result.valid:
        raise CertificationError(
            f"the proof in {os.fspath(proof_path)} is {result.status}: {result.reason}"
        )
    return {
        **_entry(proof_path, solution_dir, log.solver, result),
        "of": log.of,
        **log.meta,
    }


def _entry(proof_path, solution_dir, solver: str, result) -> dict[str, Any]:
    base = os.fspath(solution_dir) if solution_dir is not None else os.getcwd()
    return {
        "format": result.format,
        "path": os.path.relpath(os.path.abspath(proof_path), os.path.abspath(base)),
        "sha256": file_sha256(proof_path),
        "solver": solver,
        "check": result.to_json(),
    }


def prove_unsat(
    problem: InversionProblem,
    proof_path: str | os.PathLike,
    solution_dir: str | os.PathLike | None = None,
    solver: str | None = None,
    *,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """Certify a NOT_INVERTIBLE answer: a proof-logging SAT solver refutes the CNF of the
    embedded source, the DRUP proof is written to ``proof_path`` and checked by the
    verified checker. Returns the solution file's ``proof`` entry (``path`` relative to
    ``solution_dir``). Raises :class:`CertificationError` when the proof is not VALID, when
    the SAT solver finds a model that checks (then the network route's answer was wrong),
    and when ``time_limit`` runs out first (for the search and again for the check)."""
    from ..problems.cnf import check

    cnf = refutable_cnf(problem)
    if cnf is None:
        raise CertificationError("UNSAT certificates need a network with an embedded CNF source")
    solver = solver or proofs.DEFAULT_SOLVER
    sat, model, lines = proofs.solve_with_proof(cnf, solver, time_limit)
    if sat is None:
        raise CertificationError(
            f"{solver} did not refute the CNF within the time limit of {time_limit:g} s "
            "(raise it with --time-limit)"
        )
    if sat:
        assert model is not None  # solve_with_proof gives a model with SAT
        if check(cnf, model):
            raise CertificationError(
                f"{solver} found a model that satisfies the CNF, so the NOT_INVERTIBLE answer "
                "is wrong; please report this with the input file"
            )
        raise CertificationError(f"{solver} says SAT with a model that fails: a solver bug")
    assert lines is not None  # and a proof with UNSAT
    proofs.write_proof(proof_path, lines)
    result = proofs.check_proof_file(cnf, proof_path, time_limit)
    if not result.valid:
        raise CertificationError(
            f"the proof in {os.fspath(proof_path)} is {result.status}: {result.reason}"
        )
    return _entry(proof_path, solution_dir, solver, result)
