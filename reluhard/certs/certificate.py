"""The solution file (JSON, schema ``reluhard.solution/1``) that ``invert`` and ``solve``
write with ``-o``, and that ``reluhard verify`` checks (:mod:`.verify`).

One JSON object. Fields (``verify`` needs only ``answer`` or ``status``, and what that
answer is checked by; everything else is optional for a hand-written file):

==================  =========================================================================
field               meaning
==================  =========================================================================
``schema``          ``"reluhard.solution/1"``
``answer``          SAT-competition word: ``SATISFIABLE`` / ``UNSATISFIABLE`` / ``UNKNOWN``
``status``          the same as an inversion verdict: ``INVERTIBLE`` / ``NOT_INVERTIBLE`` /
                    ``UNKNOWN`` (must agree with ``answer``)
``solver``          the inversion back end that answered (``cpsat``, ``scip``, ...)
``reason``          the back end's one-line explanation ("latent rounded, verified exactly")
``time``            seconds spent deciding
``stats``           back-end statistics (bounds, fixed units, binaries, nodes, conflicts)
``latent``          the latent ``z`` as exact rationals in strings (``"1"``, ``"-3/4"``), or
                    ``null``; a JSON integer is accepted, a JSON float is not
``certificate``     the source certificate, for a CNF a model as DIMACS literals
                    (``[1, -2, 3]``; a missing variable has no value), or ``null``
``checks``          what the writer verified (human sentences; never trusted by ``verify``)
``network_sha256``  sha256 of the network file's bytes (``invert``), or ``null`` (``solve``
                    builds the network in memory)
``source_sha256``   sha256 of the source instance file's bytes as stored (compressed or not),
                    as embedded in the network file's ``meta.source.sha256``
``reduction``       the reduction's name (``sat-sign``, ``sat-real``)
``proof``           optional, with ``UNSATISFIABLE`` only: the proof of unsatisfiability of the
                    source CNF, below
==================  =========================================================================

The ``proof`` entry (written by ``solve --certify``)::

    "proof": {"format": "drup", "path": "uuf75-01.drup", "sha256": "<hex>",
              "solver": "cadical195", "check": {"status": "VALID", ...}}

``format``: ``drup`` (text DRUP; DRAT lemmas are accepted by the checker too); ``path``: the
proof file, relative to the solution file's directory unless absolute; ``sha256``: of the
proof file's bytes; ``solver``: the python-sat solver that logged it; ``check``: the
writer's :class:`~reluhard.certs.proofs.ProofCheck` (``status``, ``reason``, ``lemmas``,
``deletions``, ``time``, ``checker``), informative only: ``verify`` re-checks the proof.

What ``verify`` accepts as proof of each answer: ``SATISFIABLE`` needs a ``latent`` that
passes the exact check, or a ``certificate`` that satisfies the embedded source and
encodes to such a latent (both, when both are given); ``UNSATISFIABLE`` needs a ``proof``
that the verified checker finds VALID; ``UNKNOWN`` is never verified.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from ..errors import InputError
from ..inversion import InversionProblem
from ..solvers.verdict import INVERTIBLE, Verdict

SCHEMA = "reluhard.solution/1"


def file_sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def to_json(
    problem: InversionProblem,
    verdict: Verdict,
    certificate: Any = None,
    checks: list[str] | None = None,
    network_sha256: str | None = None,
) -> dict:
    d = verdict.to_json()
    return {
        "schema": SCHEMA,
        "answer": verdict.status.answer,
        **d,
        "certificate": certificate,
        "checks": checks or [],
        "network_sha256": network_sha256,
        "source_sha256": problem.source.sha256 if problem.source else None,
        "reduction": problem.reduction.get("name"),
    }


def write(path: str | os.PathLike, data: dict) -> None:
    try:
        with open(path, "w") as f:
            json.dump(data, f, indent=1, default=str)
            f.write("\n")
    except OSError as e:
        raise InputError(
            os.fspath(path), None, f"cannot write solution: {e.strerror or e}"
        ) from None


def certify(problem: InversionProblem, verdict: Verdict) -> tuple[Any, list[str]]:
    """For an INVERTIBLE verdict with an embedded source: decode the latent, check the
    certificate against the source instance, and return it with the checks run. Raises
    ``AssertionError`` if the decoded certificate fails (a bug in a reduction: never
    reported as a YES)."""
    checks = ["latent verified exactly (rational arithmetic)"]
    if verdict.status != INVERTIBLE or problem.source is None:
        return None, checks if verdict.status == INVERTIBLE else []
    from .. import reductions

    red = reductions.REGISTRY.get(problem.reduction.get("name", ""))
    if red is None:
        return None, checks
    src = problem.source
    params = reductions.params_of(problem)
    cert = red.decode(src.instance, [float(v) for v in verdict.latent], **params)
    bad = reductions.certificate_fault(problem, cert)
    if bad:
        raise AssertionError(f"decoded {src.kind} certificate fails its check: {bad}")
    checks.append(f"decoded {src.kind} certificate checked against the source instance")
    return cert, checks


class CertificationError(Exception):
    """``--certify`` could not turn the answer into a certificate; the message says why."""


def prove_unsat(
    problem: InversionProblem,
    proof_path: str | os.PathLike,
    solution_dir: str | os.PathLike | None = None,
    solver: str | None = None,
) -> dict:
    """Certify a NOT_INVERTIBLE answer for a network built from a CNF: a proof-logging SAT
    solver refutes the embedded CNF, the DRUP proof is written to ``proof_path`` and checked
    by the verified checker. Returns the solution file's ``proof`` entry (``path`` relative to
    ``solution_dir``). Raises :class:`CertificationError` when the proof is not VALID, and
    when the SAT solver finds a model that checks: then the network route's answer was wrong.
    """
    from ..problems.cnf import check
    from . import proofs

    src = problem.source
    if src is None or src.kind != "cnf":
        raise CertificationError("UNSAT certificates need a network with an embedded CNF source")
    solver = solver or proofs.DEFAULT_SOLVER
    sat, model, lines = proofs.solve_with_proof(src.instance, solver)
    if sat:
        if check(src.instance, model):
            raise CertificationError(
                f"{solver} found a model that satisfies the CNF, so the NOT_INVERTIBLE answer "
                "is wrong; please report this with the input file"
            )
        raise CertificationError(f"{solver} says SAT with a model that fails: a solver bug")
    proofs.write_proof(proof_path, lines)
    result = proofs.check_proof(src.instance, lines)
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
