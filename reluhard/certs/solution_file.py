"""The solution file (JSON, schema ``reluhard.solution/1``): its writer (``invert`` and
``solve`` with ``-o``) and its reader (``reluhard verify``, :mod:`.verify`), side by side.

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

A proof of the network's own CNF (``solve``/``invert --solver sat --certify``) also says
``"of": "network"``, the ``encoding`` (``reluhard-sat/1``) and the CNF's ``cnf_sha256`` (of
its DIMACS text); ``verify`` rebuilds that CNF from the network file and checks the proof
against it, so no source is needed. Without ``of`` the proof is of the source CNF.

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

from .. import atomic
from ..errors import InputError
from ..inversion import InversionProblem
from ..solvers.verdict import Verdict
from ..status import ANSWERS
from . import modelfile

SCHEMA = "reluhard.solution/1"
SAT, UNSAT, UNKNOWN = ANSWERS


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of a (regular) file's bytes, read a chunk at a time."""
    from ..problems.textio import open_input

    digest = hashlib.sha256()
    with open_input(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def to_json(
    problem: InversionProblem,
    verdict: Verdict,
    certificate: Any = None,
    checks: list[str] | None = None,
    network_sha256: str | None = None,
    proof: dict | None = None,
) -> dict:
    """The solution file's object for ``verdict`` on ``problem``."""
    d = {
        "schema": SCHEMA,
        "answer": verdict.status.answer,
        **verdict.to_json(),
        "certificate": certificate,
        "checks": checks or [],
        "network_sha256": network_sha256,
        "source_sha256": problem.source.sha256 if problem.source else None,
        "reduction": problem.reduction.name if problem.reduction else None,
    }
    if proof is not None:
        d["proof"] = proof
    return d


def write(path: str | os.PathLike, data: dict) -> None:
    """Write the solution object ``data`` to ``path`` atomically, ``-`` for standard output
    (one clear error if it cannot)."""
    text = json.dumps(data, indent=1, default=str) + "\n"
    atomic.write_text(path, text, "solution", allow_stdout=True)


def read_solution(path: str | os.PathLike) -> tuple[dict, list[str]]:
    """The solution at ``path`` as a dict, and what was read: a solution JSON, or a DIMACS
    model / SAT solver output taken as a source certificate claiming SATISFIABLE (an
    ``s UNSATISFIABLE`` / ``s UNKNOWN`` output claims that instead)."""
    name = os.fspath(path)
    text = modelfile.read_text(name)
    if modelfile.is_json(text):
        return _read_json(name, text), []
    status = modelfile.solver_status(text)
    if status in (UNSAT, UNKNOWN):
        return {"answer": status}, []
    model = modelfile.parse_model(name, text)
    return {"answer": SAT, "certificate": model}, [
        f"read a model of {len(model)} literals from {name}"
    ]


def _read_json(name: str, text: str) -> dict:
    doc = modelfile.load_json(name, text)
    if not isinstance(doc, dict):
        raise InputError(name, 1, "not a solution file: the JSON is not an object")
    schema = doc.get("schema")
    if schema is not None and schema != SCHEMA:
        raise InputError(
            name,
            _line_of(text, "schema"),
            f"schema {schema!r} is not one this reluhard reads ({SCHEMA})",
        )
    if "answer" not in doc and "status" not in doc:
        raise InputError(name, 1, 'not a solution file: no "answer" or "status"')
    return doc


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if f'"{key}"' in line:
            return i
    return None
