"""The things a cross-check runs on a CNF, as one interface: python-sat solvers, the network
routes (reduce, then invert with a MILP back end, then decode), and user plug-ins.

A runner is named by a string:

- a python-sat solver name (``cadical195``, ``glucose4``, ...; :func:`available_solvers`);
- ``net:REDUCTION`` or ``net:REDUCTION@BACKEND`` (``net:sat-sign``, ``net:sat-real@scip``):
  the CNF goes through the network route of this tool; a circuit instance's route of a
  circuit reduction (``net:circuit-sign``) reduces the circuit itself, and its input
  vector is extended to a model of the Tseitin CNF (:func:`~reluhard.problems.tseitin.
  model_of`) for the parent to check; a circuit route on a CNF instance answers UNKNOWN;
- ``module:function`` for a plug-in, ``function(cnf, proof) -> (sat, model, proof_lines)``
  with ``sat`` True, False or None (unknown), ``model`` a list of DIMACS literals or None and
  ``proof_lines`` text DRUP lines or None. This is how a solver outside python-sat (or a
  deliberately faulty one, in the tests) is cross-checked; ``FILE.py:function`` loads the
  plug-in from a file (:mod:`.plugins`);
- ``cmd:NAME`` for an external solver binary (``--solver-cmd NAME=TEMPLATE``,
  :mod:`.external`), run on the instance's original file bytes.

:func:`execute` runs in a worker process (:mod:`.sandbox`): it yields the solver's answer
first and then, for an UNSAT answer with a proof, the verified checker's verdict on it. The
model is *not* checked here: the parent checks it against its own copy of the CNF.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cache

import numpy as np

from ..certs import proofs
from ..problems import circuit as circuit_mod
from ..problems.circuit import Circuit
from ..problems.cnf import CNF
from ..problems.kinds import KINDS
from . import external, plugins

SAT, UNSAT, UNKNOWN = "SAT", "UNSAT", "UNKNOWN"
NET_PREFIX = "net:"
DEFAULT_ROUTES = ("sat-sign", "sat-real")
#: the routes added by default when circuits are among the instances
CIRCUIT_ROUTES = ("circuit-sign", "circuit-real")

#: python-sat solvers that this tool never runs by default, and why.
NOT_BY_DEFAULT: dict[str, str] = {}


@cache
def available_solvers() -> tuple[str, ...]:
    """Every solver python-sat ships that can be created here (some names in
    ``SolverNames`` are build options that a wheel may lack, e.g. CryptoMiniSat)."""
    from pysat.solvers import Solver, SolverNames

    names = []
    for name in sorted(k for k in vars(SolverNames) if not k.startswith("_")):
        try:
            Solver(name=name).delete()
        except Exception:
            continue
        names.append(name)
    return tuple(names)


@cache
def proof_capable(solver: str) -> bool:
    """Whether python-sat's ``solver`` can log a DRUP proof."""
    return proofs.can_log_proofs(solver)


def kind(runner: str) -> str:
    """``net``, ``cmd``, ``plugin`` or ``pysat``."""
    if runner.startswith(NET_PREFIX):
        return "net"
    if runner.startswith(external.PREFIX):
        return "cmd"
    return "plugin" if ":" in runner else "pysat"


def payload(
    runner: str,
    cnf: CNF,
    *,
    proof: bool,
    time_limit: float | None,
    circuit: Circuit | None = None,
    command: external.Command | None = None,
    original: bytes | None = None,
) -> dict:
    """What a worker needs to run ``runner`` on ``cnf`` (plain arrays: cheap to pickle),
    and the circuit (with its target) whose Tseitin CNF ``cnf`` is, if any; for a ``cmd:``
    runner its ``command`` and the instance file's bytes ``original`` (None: none, or not a
    CNF)."""
    return {
        "command": command,
        "original": original,
        "runner": runner,
        "nvars": cnf.nvars,
        "literals": cnf.literals,
        "offsets": cnf.offsets,
        "proof": proof,
        "time_limit": time_limit,
        "circuit": None if circuit is None else circuit_mod.to_arrays(circuit),
    }


def execute(p: dict) -> Iterator[dict]:
    """Worker side: run, yield ``{"verdict", "time", "model", "lemmas", "detail"}``, then
    ``{"proof": ProofCheck.to_json()}`` when an UNSAT answer came with a proof."""
    cnf = CNF(int(p["nvars"]), np.asarray(p["literals"]), np.asarray(p["offsets"]))
    runner = p["runner"]
    start = time.perf_counter()
    detail = ""
    if kind(runner) == "net":
        circuit = p.get("circuit")
        circuit = None if circuit is None else circuit_mod.from_arrays(*circuit)
        verdict, model, proof, detail = _net(runner, cnf, circuit, p["time_limit"])
    elif kind(runner) == "cmd":
        answer = external.run(p["command"], cnf, p.get("original"), p["time_limit"])
        verdict, model, detail = answer.verdict, answer.model, answer.detail
        yield {
            "verdict": verdict,
            "time": time.perf_counter() - start,
            "model": model,
            # binary DRAT has a 0 byte at the end of each step only; text, a newline
            "lemmas": None if answer.proof is None else _steps(answer.proof),
            "detail": detail,
        }
        if verdict == UNSAT and p["proof"] and answer.proof is not None:
            yield {"proof": _check_bytes(cnf, answer.proof).to_json()}
        return
    elif kind(runner) == "plugin":
        sat, model, proof = plugins.load(runner)(cnf, p["proof"])
        verdict = UNKNOWN if sat is None else (SAT if sat else UNSAT)
    else:
        verdict, model, proof = _pysat(runner, cnf, p["proof"])
    elapsed = time.perf_counter() - start
    yield {
        "verdict": verdict,
        "time": elapsed,
        "model": None if model is None else [int(v) for v in model],
        "lemmas": None if proof is None else len(proof),
        "detail": detail,
    }
    if verdict == UNSAT and p["proof"] and proof is not None:
        yield {"proof": proofs.check_proof(cnf, proof).to_json()}


def _steps(proof: bytes) -> int:
    from ..certs.drat import is_binary

    return proof.count(0) if is_binary(proof) else proof.count(b"\n")


def _check_bytes(cnf: CNF, proof: bytes) -> proofs.ProofCheck:
    """A solver's proof file checked; a malformed one is INVALID, saying why."""
    from ..certs.drat import check_proof_bytes
    from ..errors import InputError

    try:
        return check_proof_bytes(cnf, proof, "proof")
    except InputError as e:
        return proofs.ProofCheck(proofs.INVALID, f"malformed proof: {e}")


def _pysat(name: str, cnf: CNF, want_proof: bool):
    from pysat.solvers import Solver

    with Solver(name=name, with_proof=want_proof, bootstrap_with=cnf.clauses()) as s:
        if s.solve():
            return SAT, s.get_model() or [], None
        return UNSAT, None, (list(s.get_proof() or []) if want_proof else None)


def _net(runner: str, cnf: CNF, circuit: Circuit | None, time_limit: float | None):
    from .. import reductions, solvers
    from ..pipeline import reduce_instance, repair_through_reduction

    via, _, backend = runner[len(NET_PREFIX) :].partition("@")
    kind = reductions.get(via).source_kind
    instance = {"cnf": cnf, "circuit": circuit}.get(kind)
    if instance is None:
        return UNKNOWN, None, None, f"{via} takes {kind} sources; this instance is a CNF"
    problem = reduce_instance(instance, via, kind)
    verdict = solvers.solve(problem, backend or solvers.DEFAULT, time_limit=time_limit)
    if verdict.status == solvers.UNKNOWN and verdict.point is not None:
        verdict = repair_through_reduction(problem, verdict)
    detail = f"{verdict.solver}" + (f": {verdict.reason}" if verdict.reason else "")
    if verdict.status == solvers.INVERTIBLE:
        # decoded, not judged: the parent checks every model against its own CNF (for a
        # circuit, the input vector extended to a model of the Tseitin CNF)
        decoded = reductions.certificate_of(problem, verdict.latent or [])
        assert decoded is not None
        to_model = KINDS[kind].cnf_model
        assert to_model is not None
        return SAT, to_model(instance, decoded.certificate), None, detail
    if verdict.status == solvers.NOT_INVERTIBLE:
        return UNSAT, None, None, detail
    return UNKNOWN, None, None, detail
