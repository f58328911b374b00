"""Certified NO answers: a NOT_INVERTIBLE verdict backed by a DRUP proof that the source
instance has no certificate, written by a proof-logging SAT solver and checked by the
verified checker of :mod:`.proofs`.

Which instances can be refuted is the problem kind's to say
(:attr:`~reluhard.problems.kinds.ProblemKind.as_cnf`: the CNF whose unsatisfiability means
the instance has no certificate; for a CNF, itself). The proof is of the source; it says the
network is not invertible by the correctness of the reduction that built it.
"""

from __future__ import annotations

import os
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


def prove_unsat(
    problem: InversionProblem,
    proof_path: str | os.PathLike,
    solution_dir: str | os.PathLike | None = None,
    solver: str | None = None,
) -> dict[str, Any]:
    """Certify a NOT_INVERTIBLE answer: a proof-logging SAT solver refutes the CNF of the
    embedded source, the DRUP proof is written to ``proof_path`` and checked by the
    verified checker. Returns the solution file's ``proof`` entry (``path`` relative to
    ``solution_dir``). Raises :class:`CertificationError` when the proof is not VALID, and
    when the SAT solver finds a model that checks: then the network route's answer was
    wrong."""
    from ..problems.cnf import check

    cnf = refutable_cnf(problem)
    if cnf is None:
        raise CertificationError("UNSAT certificates need a network with an embedded CNF source")
    solver = solver or proofs.DEFAULT_SOLVER
    sat, model, lines = proofs.solve_with_proof(cnf, solver)
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
    result = proofs.check_proof(cnf, lines)
    if not result.valid:
        raise CertificationError(
            f"the proof in {os.fspath(proof_path)} is {result.status}: {result.reason}"
        )
    base = os.fspath(solution_dir) if solution_dir is not None else os.getcwd()
    return {
        "format": "drup",
        "path": os.path.relpath(os.path.abspath(proof_path), os.path.abspath(base)),
        "sha256": file_sha256(proof_path),
        "solver": solver,
        "check": result.to_json(),
    }
