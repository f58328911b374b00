"""The solution file (JSON, schema ``reluhard.solution/1``) that ``invert`` and ``solve``
write with ``-o``.

Fields: ``schema``; ``status`` (``INVERTIBLE`` / ``NOT_INVERTIBLE`` / ``UNKNOWN``) and the
SAT-competition ``answer`` (``SATISFIABLE`` / ``UNSATISFIABLE`` / ``UNKNOWN``); ``solver``,
``reason``, ``time`` (seconds), ``stats`` (solver statistics); ``latent``: the exact latent as
strings (``"1"``, ``"-3/4"``) or null; ``certificate``: the source certificate decoded from
it and checked (a CNF model as DIMACS literals) or null; ``checks``: what was verified;
``network_sha256`` (of the network file's bytes, when read from a file), ``source_sha256``,
``reduction``.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from ..errors import InputError
from ..inversion import InversionProblem
from ..solvers.verdict import INVERTIBLE, SAT_STYLE, Verdict

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
        "answer": SAT_STYLE[verdict.status][0][2:],
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
    from ..problems import KINDS

    red = reductions.REGISTRY.get(problem.reduction.get("name", ""))
    if red is None:
        return None, checks
    src = problem.source
    cert = red.decode(src.instance, [float(v) for v in verdict.latent])
    if not KINDS[src.kind].check(src.instance, cert):
        raise AssertionError(f"decoded {src.kind} certificate fails its check")
    checks.append(f"decoded {src.kind} certificate checked against the source instance")
    return cert, checks
