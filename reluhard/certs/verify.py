"""Independent verification of a solution against a network file: ``reluhard verify``.

Nothing a solution file says about itself is trusted: its ``checks`` and a proof's
``check`` entry are ignored and everything is re-done here.

- **Identity.** A ``network_sha256`` must be that of the network file's bytes, a
  ``source_sha256`` that of the embedded source, a ``reduction`` the network's reduction: a
  solution for another network is rejected before any arithmetic.
- **SATISFIABLE / INVERTIBLE.** A ``latent`` (exact rationals as strings, ``"-3/4"``) must
  pass :func:`reluhard.inversion.check_latent` (exact rational arithmetic, no tolerance) and,
  where the network embeds its source, decode to a model that satisfies it. A
  ``certificate`` (a CNF model, DIMACS literals) must satisfy the embedded CNF and, encoded
  by the network's reduction, give a latent that passes the exact check (the round trip).
  When both are given both must pass.
- **UNSATISFIABLE / NOT_INVERTIBLE.** Only with a ``proof`` entry: the DRUP proof file
  (its sha256 compared with the one named) is checked by the verified checker of
  :mod:`.proofs` against the CNF its ``of`` names (:data:`.refutation.SUBJECTS`): the
  embedded source CNF (the network is then not invertible by the correctness of its
  reduction), or the network's own CNF, re-encoded here from the network file (by the
  exactness of that encoding). Only ``VALID`` verifies.
- **UNKNOWN** has nothing to verify, and is rejected.
- **The network is its source's reduction.** Where the network embeds a source, it is
  rebuilt from it with the recorded reduction and parameters and compared bit for bit
  (:mod:`reluhard.reductions.rebuild`); a network whose source or layers were changed is
  rejected before any of the above.

>>> from reluhard.pipeline import reduce_instance
>>> from reluhard.problems.cnf import CNF
>>> p = reduce_instance(CNF.from_clauses([[1, -2], [2]]))
>>> verify(p, {"answer": "SATISFIABLE", "certificate": [1, 2]}).ok
True
>>> verify(p, {"answer": "SATISFIABLE", "certificate": [-1, 2]}).reasons
['clause 1 (1 -2 0) is false under the model']
>>> verify(p, {"answer": "SATISFIABLE", "latent": ["1", "-1"]}).reasons
['the latent does not invert the network: output 0 is 1, target 0 (differs by 1)']
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .. import limits, reductions
from ..errors import InputError
from ..inversion import InversionProblem, check_latent
from ..network import float_only_reason
from ..problems.kinds import KINDS
from ..reductions.rebuild import mismatch
from ..status import Status
from . import refutation
from .solution_file import SAT, UNKNOWN, UNSAT, file_sha256, read_solution

#: ``status`` word -> ``answer`` word.
STATUS_ANSWER = {s.value: s.answer for s in Status}
PROOF_FORMATS = ("drup", "drat", "lrat")
_RATIONAL = re.compile(r"^[+-]?\d+(/\d+|\.\d+)?$")


@dataclass
class Verification:
    """``ok``; ``reasons`` why not (each a sentence a person can act on); ``checks``: what
    was verified and passed."""

    ok: bool
    reasons: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok


def short(sha: str) -> str:
    """The first 8 hex digits of a sha256, for messages."""
    return f"{sha[:8]}…" if len(sha) > 8 else sha


def verify(
    problem: InversionProblem,
    doc: dict,
    network_sha256: str | None = None,
    base_dir: str | os.PathLike | None = None,
    network_name: str = "the network",
    *,
    time_limit: float | None = None,
) -> Verification:
    """Verify the parsed solution ``doc`` against ``problem``. ``network_sha256`` is that of
    the network file (when read from one), ``base_dir`` the directory a relative proof
    path is taken from (the solution file's), ``network_name`` how messages call it,
    ``time_limit`` the seconds a proof check may take (None: no limit)."""
    v = Verification(False)
    if not isinstance(doc, dict):
        return _reject(v, "the solution is not a JSON object")
    if not _identity(problem, doc, network_sha256, network_name, v):
        return _reject(v)
    if not _rebuilds(problem, network_name, v):
        return _reject(v)
    answer = _answer(doc, v)
    if answer is None:
        return _reject(v)
    if answer == UNKNOWN:
        return _reject(v, "nothing to verify: the answer is UNKNOWN")
    if answer == SAT:
        _verify_sat(problem, doc, v)
    else:
        _verify_unsat(problem, doc, base_dir, network_name, v, time_limit)
    v.ok = not v.reasons
    return v


def _reject(v: Verification, reason: str | None = None) -> Verification:
    if reason:
        v.reasons.append(reason)
    v.ok = False
    return v


def _identity(
    problem: InversionProblem, doc: dict, net_sha: str | None, net_name: str, v: Verification
) -> bool:
    """The hash and reduction checks: is this solution about this network at all?"""
    ok = True
    claimed = doc.get("network_sha256")
    if claimed is not None and net_sha is not None:
        if str(claimed).lower() != net_sha:
            v.reasons.append(
                f"the solution is for network sha256 {short(str(claimed))}, "
                f"{net_name} is {short(net_sha)}"
            )
            ok = False
        else:
            v.checks.append(f"the solution names this network file (sha256 {short(net_sha)})")
    claimed = doc.get("source_sha256")
    src = problem.source
    if claimed is not None:
        if src is None:
            v.reasons.append(
                f"the solution is for source sha256 {short(str(claimed))}, "
                f"{net_name} embeds no source instance"
            )
            ok = False
        elif str(claimed).lower() != src.sha256:
            what = f" ({src.name})" if src.name else ""
            v.reasons.append(
                f"the solution is for source sha256 {short(str(claimed))}, "
                f"{net_name} embeds source{what} {short(src.sha256)}"
            )
            ok = False
        else:
            v.checks.append(f"the solution names the embedded source (sha256 {short(src.sha256)})")
    claimed = doc.get("reduction")
    ours = problem.reduction.name if problem.reduction else None
    if claimed is not None and ours is not None and claimed != ours:
        v.reasons.append(f"the solution is for reduction {claimed}, {net_name} was built by {ours}")
        ok = False
    return ok


def _rebuilds(problem: InversionProblem, net_name: str, v: Verification) -> bool:
    """A network with an embedded source must be exactly its reduction
    (:func:`reluhard.reductions.rebuild.mismatch`): else no certificate or proof about the
    source says anything about it."""
    why = mismatch(problem)
    if why is not None:
        v.reasons.append(f"{net_name} is not the reduction of its embedded source: {why}")
        return False
    if problem.source is not None and problem.reduction is not None:
        v.checks.append(
            f"the network is exactly what {problem.reduction.name} builds from the embedded "
            "source (rebuilt and compared bit for bit)"
        )
    return True


def _brief(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters for a one-line reason."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _answer(doc: dict, v: Verification) -> str | None:
    """SATISFIABLE / UNSATISFIABLE / UNKNOWN from ``answer`` and ``status`` (which must agree)."""
    answer, status = doc.get("answer"), doc.get("status")
    if answer is not None and (not isinstance(answer, str) or answer not in (SAT, UNSAT, UNKNOWN)):
        v.reasons.append(f"unknown answer {_brief(answer)} (expected {SAT}, {UNSAT} or {UNKNOWN})")
        return None
    if status is not None and (not isinstance(status, str) or status not in STATUS_ANSWER):
        known = ", ".join(STATUS_ANSWER)
        v.reasons.append(f"unknown status {_brief(status)} (expected {known})")
        return None
    if answer is not None and status is not None and STATUS_ANSWER[status] != answer:
        v.reasons.append(f"the status {status} and the answer {answer} disagree")
        return None
    if answer is None and status is None:
        v.reasons.append('the solution states no "answer" or "status"')
        return None
    if answer is not None:
        return answer
    assert status is not None  # one of the two is given (checked above)
    return STATUS_ANSWER[status]


def _verify_sat(problem: InversionProblem, doc: dict, v: Verification) -> None:
    latent, cert = doc.get("latent"), doc.get("certificate")
    if latent is None and cert is None:
        v.reasons.append(
            "a SATISFIABLE answer without a latent or a certificate: there is nothing to check"
        )
        return
    if latent is not None:
        _check_latent_entry(problem, latent, v)
    if cert is not None:
        _check_certificate(problem, cert, v)


def _parse_latent(latent: Any) -> tuple[list[Fraction] | None, str]:
    """Exact rationals from the JSON ``latent`` (strings like ``"-3/4"``, or integers)."""
    if not isinstance(latent, list):
        return None, f"the latent must be a list of exact rationals, not {type(latent).__name__}"
    out = []
    for i, x in enumerate(latent):
        if isinstance(x, int) and not isinstance(x, bool):
            out.append(Fraction(x))
            continue
        if isinstance(x, float):
            return None, (
                f"latent[{i}] is the JSON number {x!r}; write exact rationals as strings "
                'such as "-3/4"'
            )
        if not isinstance(x, str) or not _RATIONAL.match(x.strip()):
            shown = repr(x) if not isinstance(x, str) else repr(x[:40])
            return None, f'latent[{i}] = {shown} is not an exact rational (like "1" or "-3/4")'
        try:
            out.append(limits.fraction(x))
        except ValueError as e:
            return None, f"latent[{i}] = {e}"
        except ZeroDivisionError:
            return None, f"latent[{i}] = {x!r} divides by zero"
    return out, ""


def _check_latent_entry(problem: InversionProblem, latent: Any, v: Verification) -> None:
    z, why = _parse_latent(latent)
    if z is None:
        v.reasons.append(why)
        return
    lc = check_latent(problem, z)
    if not lc.ok:
        v.reasons.append(f"the latent does not invert the network: {lc.reason}")
        return
    query = problem.query.describe().split(": ", 1)[-1]
    v.checks.append(
        f"the latent ({len(z)} exact rationals) lies in {problem.domain.describe()} and meets "
        f"{query} (exact rational arithmetic)"
    )
    decoded = reductions.certificate_of(problem, z)
    if decoded is None:
        return
    red, src = decoded.reduction, problem.source
    assert src is not None
    noun = KINDS[src.kind].certificate_noun
    if decoded.fault:
        v.reasons.append(
            f"the latent inverts the network, but decodes by {red.name} to a {noun} where "
            f"{decoded.fault} (a bug in {red.name}, or a network that does not match its "
            "embedded source)"
        )
        return
    v.checks.append(
        f"the latent decodes ({red.name}) to {red.certificate}, which the {src.kind} checker "
        "accepts"
    )


def _check_certificate(problem: InversionProblem, cert: Any, v: Verification) -> None:
    """A source certificate: its form, the source problem's own checker, then the round
    trip (encoded by the reduction, the latent must pass the exact check)."""
    src = problem.source
    if src is None:
        v.reasons.append(
            "the network embeds no source instance, so a source certificate cannot be "
            "checked (give a latent instead)"
        )
        return
    kind = KINDS[src.kind]
    bad = kind.shape_fault(cert)
    if bad:
        v.reasons.append(bad)
        return
    red = reductions.of(problem)
    if red is None:
        name = problem.reduction.name if problem.reduction else None
        v.reasons.append(
            f"unknown reduction {name!r}: nothing encodes the {kind.certificate_noun} into a latent"
        )
        return
    params = reductions.params_of(problem)
    bad = red.fault(src.instance, cert, **params)
    if bad:
        v.reasons.append(bad)
        return
    v.checks.append(kind.accepted(src.instance, src.name))
    lc = check_latent(problem, red.encode(src.instance, cert, **params))
    if not lc.ok:
        v.reasons.append(
            f"the {kind.certificate_noun} is valid, but its latent (encoded by {red.name}) "
            f"does not invert the network: {lc.reason}"
        )
        return
    v.checks.append(
        f"the {kind.certificate_noun}, encoded by {red.name}, gives a latent that inverts the "
        "network exactly"
    )


def _verify_unsat(  # noqa: C901
    problem: InversionProblem,
    doc: dict,
    base_dir,
    net_name: str,
    v: Verification,
    time_limit: float | None = None,
) -> None:
    from . import proofs

    for key in ("latent", "certificate"):
        if doc.get(key) is not None:
            v.reasons.append(
                f"an UNSATISFIABLE answer comes with a {key}: the solution is inconsistent"
            )
            return
    proof = doc.get("proof")
    if proof is None:
        v.reasons.append(
            "an UNSATISFIABLE answer without a proof cannot be verified (use solve --certify)"
        )
        return
    if not isinstance(proof, dict) or not isinstance(proof.get("path"), str):
        v.reasons.append('the "proof" entry must be an object with a "path" to the proof file')
        return
    fmt = proof.get("format", "drup")
    if fmt not in PROOF_FORMATS:
        v.reasons.append(
            f"cannot verify: unknown proof format {fmt!r} (reluhard checks drup, drat and lrat)"
        )
        return
    subject = refutation.SUBJECTS.get(proof.get("of", "source"))
    if subject is None:
        known = ", ".join(refutation.SUBJECTS)
        v.reasons.append(f"cannot verify: a proof of {proof.get('of')!r} (known: {known})")
        return
    cnf = subject.cnf(problem)
    if cnf is None:
        v.reasons.append(
            f"{net_name} embeds no CNF, so there is nothing to check the proof of "
            "unsatisfiability against"
            if subject.name == "source"
            else f"{subject.noun} cannot be built: the sat encoding does not take {net_name}"
        )
        return
    if not _same_cnf(cnf, proof, subject.noun, v):
        return
    path = proof["path"]
    if not os.path.isabs(path) and base_dir:
        path = os.path.join(os.fspath(base_dir), path)
    try:
        sha = file_sha256(path)
    except InputError as e:
        why = e.message.removeprefix("cannot read file: ")
        v.reasons.append(f"cannot verify: the proof file {path} cannot be read ({why})")
        return
    claimed = proof.get("sha256")
    if claimed is not None and str(claimed).lower() != sha:
        v.reasons.append(
            f"the proof file {path} has sha256 {short(sha)}, the solution names "
            f"{short(str(claimed))} (the proof was changed or replaced)"
        )
        return
    if claimed is not None:
        v.checks.append(
            f"the proof file {path} is the one the solution names (sha256 {short(sha)})"
        )
    try:
        result = proofs.check_proof_file(cnf, path, time_limit)
    except InputError as e:
        v.reasons.append(f"cannot verify: {e}")
        return
    if result.status == proofs.UNCHECKED:
        v.reasons.append(f"cannot verify: {result.reason}")
        return
    if result.status != proofs.VALID:
        v.reasons.append(f"the proof does not refute {subject.noun}: {result.reason}")
        return
    version = proofs.checker_version()
    v.checks.append(
        f"the {result.format.upper()} proof ({result.lemmas} lemmas) refutes {subject.noun}: "
        f"checked VALID by drup {version} in {result.time:.2f} s"
    )
    v.checks.append(
        f"the CNF is unsatisfiable, so {net_name} is not invertible (by the correctness of "
        f"{subject.because(problem)})"
    )


def _same_cnf(cnf, proof: dict, noun: str, v: Verification) -> bool:
    """A proof entry naming its CNF's sha256 (``cnf_sha256``) must name the one rebuilt."""
    claimed = proof.get("cnf_sha256")
    if claimed is None:
        return True
    from ..solvers.sat.encode import cnf_sha256

    sha = cnf_sha256(cnf)
    if str(claimed).lower() != sha:
        v.reasons.append(
            f"the proof is of a CNF with sha256 {short(str(claimed))}, but {noun} rebuilt from "
            f"the network has sha256 {short(sha)} (another encoding version, or another network)"
        )
        return False
    v.checks.append(f"{noun} rebuilt from the network file is the one the proof names")
    return True


#: the seconds ``reluhard verify`` gives a proof check unless told otherwise
DEFAULT_TIME_LIMIT = 60.0


def verify_files(
    network_path: str | os.PathLike,
    solution_path: str | os.PathLike,
    vnnlib: str | os.PathLike | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> Verification:
    """``reluhard verify NET.npz SOLUTION`` (or ``MODEL.onnx --vnnlib PROP SOLUTION``: the
    spec problem of :func:`reluhard.vnn.spec.load`): read the files and :func:`verify` (a
    proof check stopped after ``time_limit`` seconds). Bad files raise :class:`InputError`
    naming the file (and line)."""
    from .. import netfile

    net = os.fspath(network_path)
    if vnnlib is not None:
        from ..vnn.spec import load

        problem = load(net, os.fspath(vnnlib))
    else:
        problem = netfile.read(net)
    why = float_only_reason(problem.network)
    if why:
        raise InputError(net, None, f"{why}: no exact check is possible")
    doc, read = read_solution(solution_path)
    v = verify(
        problem,
        doc,
        file_sha256(net),
        os.path.dirname(os.fspath(solution_path)),
        net,
        time_limit=time_limit,
    )
    v.checks[:0] = read
    return v
