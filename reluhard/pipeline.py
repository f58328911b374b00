"""The data flow, front to back: load a source, reduce it, decide the inversion problem,
and map the answer back to a checked certificate of the source.

- :func:`load_source` recognises the input by content (the problem kinds of
  :mod:`reluhard.problems.kinds`, not the file name), parses it and hashes the file's bytes;
- :func:`reduce_source` applies a reduction of :mod:`reluhard.reductions`;
- :func:`decide` runs a back end of :mod:`reluhard.solvers`, repairs a float point through
  the reduction where the back end could not, decodes an INVERTIBLE latent into a source
  certificate and checks it, and with ``prove`` backs a NOT_INVERTIBLE with a checked DRUP
  proof. ``reluhard invert``/``solve``, ``crosscheck`` and ``scaling`` all go through it.

>>> from reluhard.problems.cnf import CNF
>>> p = reduce_instance(CNF.from_clauses([[1, -2], [2]]), via="sat-real")
>>> p.reduction.name, p.network.widths
('sat-real', [2, 2, 2, 6, 2])
>>> d = decide(p, "cpsat")
>>> d.verdict.status.answer, d.certificate
('SATISFIABLE', [1, 2])
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from . import exactness, limits, netfile, reductions, streams
from .errors import InputError
from .inversion import InversionProblem, Source, check_latent
from .lazy import lazy_module
from .problems import kinds
from .problems.textio import decompress, read_raw
from .reductions import rebuild
from .status import Status

if TYPE_CHECKING:
    from . import solvers
    from .certs import refutation, solution_file
    from .solvers.verdict import Verdict
else:  # a reduce loads no back end and no proof checker
    solvers = lazy_module("reluhard.solvers")
    refutation = lazy_module("reluhard.certs.refutation")
    solution_file = lazy_module("reluhard.certs.solution_file")


def load_source(path: str | os.PathLike, *, strict_counts: bool = True) -> Source:
    """Parse the instance file at ``path`` (plain, gzip, bzip2 or xz) into a :class:`Source`
    whose ``sha256`` is that of the file's bytes as stored (``-``: standard input). The
    kind is the first in :data:`~reluhard.problems.kinds.KINDS` whose ``sniff`` accepts the
    content; the CNF reader, last, judges anything else and says what is wrong with it."""
    raw = read_raw(path)
    name = streams.shown(os.fspath(path))  # "<stdin>" for "-"
    data = decompress(raw, name)
    kind = kinds.sniff(data, name)
    instance = kind.parse(data, name, strict_counts=strict_counts)
    return Source(kind.name, instance, hashlib.sha256(raw).hexdigest(), os.path.basename(name))


def in_memory_source(kind: str, instance: Any) -> Source:
    """A :class:`Source` for an instance built in Python, hashed by its canonical text."""
    return Source(kind, instance, kinds.get(kind).sha256(instance), "")


def reduce_source(
    source: Source, via: str | None = None, params: dict[str, str] | None = None
) -> InversionProblem:
    """Apply reduction ``via`` (default: the one for the source's kind) with ``params``
    given as strings (typed and checked by the reduction). A construction whose
    :meth:`~reluhard.reductions.base.Construction.estimate` is over the ``max_size`` budget
    (:mod:`reluhard.limits`) is refused before it allocates."""
    red = reductions.for_kind(source.kind, via)
    typed = reductions.parse_params(red, params or {})
    limits.check_size(
        f"the {red.name} network", red.estimate(source.instance, **typed), source.name or None
    )
    return _exact(red.build(source.instance, source=source, **typed))


def reduce_instance(
    instance: Any, via: str | None = None, kind: str = "cnf", **params: Any
) -> InversionProblem:
    """Reduce an in-memory instance (the source is embedded with its canonical hash)."""
    red = reductions.for_kind(kind, via)
    return _exact(red.build(instance, source=in_memory_source(kind, instance), **params))


def _exact(problem: InversionProblem) -> InversionProblem:
    """``problem``, checked to hold its source's numbers exactly
    (:func:`reluhard.exactness.reduction_fault`; else :class:`InputError`)."""
    fault = exactness.reduction_fault(problem)
    if fault is not None:
        name = problem.reduction.name if problem.reduction else "the reduction"
        where = problem.source.name if problem.source and problem.source.name else None
        raise InputError(where, None, f"{name}: {fault}")
    return problem


def reduce_file(
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    via: str | None = None,
    params: dict[str, str] | None = None,
    *,
    strict_counts: bool = True,
) -> InversionProblem:
    """``reduce INPUT -o OUTPUT``: parse, build and write; returns the problem."""
    problem = reduce_source(load_source(input_path, strict_counts=strict_counts), via, params)
    try:
        netfile.write(problem, output_path)
    except OSError as e:
        raise InputError(
            os.fspath(output_path), None, f"cannot write network file: {e.strerror or e}"
        ) from None
    return problem


@dataclass
class Decision:
    """The outcome of :func:`decide`: the back end's ``verdict`` (after any repair), the
    decoded source ``certificate`` (INVERTIBLE with an embedded source), the ``checks``
    that ran (sentences), and for a proved NO the solution file's ``proof`` entry with its
    checker's ``proof_status`` (``VALID``; None when no proof was asked for)."""

    problem: InversionProblem
    verdict: Verdict
    certificate: Any = None
    checks: list[str] = field(default_factory=list)
    proof: dict | None = None
    proof_status: str | None = None

    @property
    def status(self) -> Status:
        return self.verdict.status

    def to_json(self, network_sha256: str | None = None) -> dict:
        """The solution file's object (schema ``reluhard.solution/1``)."""
        return solution_file.to_json(
            self.problem, self.verdict, self.certificate, self.checks, network_sha256, self.proof
        )


def decide(
    problem: InversionProblem,
    solver: str = "auto",
    *,
    time_limit: float | None = None,
    options: dict | None = None,
    prove: bool = False,
    proof_path: str | os.PathLike | None = None,
    solution_dir: str | os.PathLike | None = None,
) -> Decision:
    """Decide ``problem`` with back end ``solver`` and map the answer back to the source.

    An UNKNOWN that ended at a float point gets the ladder's last rung (decode, check,
    re-encode: :func:`repair_through_reduction`). An INVERTIBLE latent is decoded by the
    reduction and the certificate checked by the source's own checker; a decoded
    certificate that fails is a bug in a reduction and raises ``AssertionError``, never a
    YES. With ``prove``, a NOT_INVERTIBLE is backed by a DRUP proof written to
    ``proof_path`` and checked VALID (else
    :class:`~reluhard.certs.refutation.CertificationError`); ``time_limit`` bounds the
    back end and, separately, the proof check."""
    if prove and "proof" in solvers.get(solver).options:
        options = {"proof": True, **(options or {})}  # the back end logs its own proof
    problem = rebuild.stated_bounds(problem)
    verdict = solvers.solve(problem, solver, time_limit=time_limit, options=options)
    if verdict.status is Status.UNKNOWN and verdict.point is not None:
        verdict = repair_through_reduction(problem, verdict)
    decision = Decision(problem, verdict)
    if verdict.status is Status.INVERTIBLE:
        decision.checks.append("latent verified exactly (rational arithmetic)")
        decoded = reductions.certificate_of(problem, verdict.latent or [])
        if decoded is not None:
            kind = problem.source.kind if problem.source else "?"
            if decoded.fault:
                raise AssertionError(f"decoded {kind} certificate fails its check: {decoded.fault}")
            decision.certificate = decoded.certificate
            decision.checks.append(
                f"decoded {kind} certificate checked against the source instance"
            )
    elif prove and verdict.status is Status.NOT_INVERTIBLE:
        if proof_path is None:
            raise ValueError("prove=True needs a proof_path")
        try:
            decision.proof = refutation.certify(
                problem, verdict, proof_path, solution_dir, time_limit=time_limit
            )
        except refutation.CertificationError as e:
            e.solver = verdict.solver
            raise
        decision.proof_status = decision.proof["check"]["status"]
        noun = refutation.SUBJECTS[decision.proof.get("of", "source")].noun
        decision.checks.append(f"DRUP proof of {noun} checked VALID by {refutation.proofs.CHECKER}")
    return decision


def repair_through_reduction(problem: InversionProblem, verdict: Verdict) -> Verdict:
    """The repair ladder's last rung (see :mod:`reluhard.solvers.recovery`): the float
    point of an UNKNOWN ``verdict`` decoded to a source certificate, checked, encoded back
    to a latent and checked exactly; the verdict unchanged when any step fails."""
    decoded = reductions.certificate_of(problem, verdict.point)
    if decoded is None or decoded.fault is not None or problem.source is None:
        return verdict
    params = reductions.params_of(problem)
    z = np.asarray(decoded.reduction.encode(problem.source.instance, decoded.certificate, **params))
    if not check_latent(problem, z):
        return verdict
    how = "decoded, checked and re-encoded"
    verdict.stats["certificate"] = how
    return solvers.Verdict(
        Status.INVERTIBLE,
        verdict.solver,
        [Fraction(v) for v in z.tolist()],
        f"latent {how}, verified exactly",
        verdict.time,
        verdict.stats,
    )
