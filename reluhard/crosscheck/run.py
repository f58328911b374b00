"""Cross-checking SAT solvers and the network routes on the same CNFs.

Every instance goes through every runner (:mod:`.runners`) in worker processes
(:mod:`.sandbox`). Then the parent, which trusts nothing a runner says, judges:

- a SAT answer is believed only if its model satisfies the parent's own copy of the CNF;
- an UNSAT answer is *certified* when its DRUP proof passed the verified checker
  (:mod:`reluhard.certs.proofs`), and otherwise it is a claim;
- the instance's ``truth`` is SAT when some model checked, UNSAT when some proof checked, and
  otherwise the claims if they agree.

A failure is any of: ``crash`` (a runner died or raised), ``model`` (a model that does not
satisfy the CNF), ``proof`` (a proof the checker rejects), ``verdict`` (UNSAT although a
checked model exists; SAT although a checked proof exists), ``disagreement`` (SAT against
UNSAT with no certificate either way), ``checker`` (a checked model and a checked proof for
the same formula: the checker itself would be wrong), ``output`` (an external solver's
output breaks the SAT-competition conventions, :mod:`.external`). Each failure is minimised by delta
debugging (:mod:`.shrink`) while the same runner keeps failing the same way, and the
reproducer is written as a DIMACS file.

A circuit file (AIGER or BENCH) is an instance too: its CNF is the Tseitin CNF with every
output required true (AIGER's reading; :mod:`reluhard.problems.tseitin`), which every SAT
solver and CNF route decides, while the circuit routes reduce the circuit itself. A
failure of a circuit route is not shrunk (the CNF shrinker cannot shrink a circuit).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..certs import proofs
from ..problems import circuit_format, dimacs_cnf, tseitin
from ..problems.circuit import Circuit
from ..problems.cnf import CNF, model_fault
from . import external, runners
from .sandbox import Outcome, Pool, Task
from .shrink import shrink_cnf

HANDLER = "reluhard.crosscheck.runners:execute"
REFERENCE = "cadical195"
CNF_SUFFIXES = (".cnf", ".dimacs", ".cnf.gz", ".cnf.bz2", ".cnf.xz", ".dimacs.gz", ".dimacs.xz")
CIRCUIT_SUFFIXES = tuple(
    s + z for s in (".aag", ".aig", ".bench") for z in ("", ".gz", ".bz2", ".xz")
)
#: time allowed for the proof check after a solver's answer, at the least
PROOF_BUDGET = 120.0


@dataclass
class Instance:
    """A CNF to check; for a circuit file, its Tseitin CNF and the ``circuit`` (with the
    target the CNF fixes)."""

    name: str
    cnf: CNF
    path: str | None = None
    sha256: str | None = None
    circuit: Circuit | None = None


@dataclass
class Run:
    """One runner on one instance, as judged by the parent."""

    runner: str
    verdict: str  # SAT, UNSAT, UNKNOWN, TIMEOUT, CRASH, ERROR, BAD-OUTPUT (a cmd: runner's)
    time: float = 0.0
    model_check: str | None = None  # PASS / FAIL; None when there is no model
    model_reason: str = ""
    proof: dict | None = None  # ProofCheck.to_json()
    proof_note: str = ""  # why there is no proof check
    detail: str = ""

    @property
    def proof_status(self) -> str | None:
        return None if self.proof is None else self.proof["status"]

    def to_json(self) -> dict:
        return {
            "runner": self.runner,
            "verdict": self.verdict,
            "time": self.time,
            "model_check": self.model_check,
            "model_reason": self.model_reason,
            "proof_check": self.proof,
            "proof_note": self.proof_note,
            "detail": self.detail,
        }


@dataclass
class Failure:
    instance: str
    runner: str
    kind: str
    detail: str
    reproducer: str | None = None
    reproducer_size: tuple[int, int, int] | None = None  # vars, clauses, literals
    shrink_tests: int = 0

    def to_json(self) -> dict:
        size = self.reproducer_size
        return {
            "instance": self.instance,
            "runner": self.runner,
            "kind": self.kind,
            "detail": self.detail,
            "reproducer": self.reproducer,
            "reproducer_vars": None if size is None else size[0],
            "reproducer_clauses": None if size is None else size[1],
            "reproducer_literals": None if size is None else size[2],
            "shrink_tests": self.shrink_tests,
        }


@dataclass
class Result:
    instance: Instance
    runs: list[Run]
    truth: str
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Options:
    """What to run and how; see ``reluhard crosscheck --help``."""

    runners: Sequence[str]
    time_limit: float | None = 60.0
    jobs: int = 1
    proofs: bool = True
    shrink: bool = True
    shrink_budget: int = 1000
    out_dir: str | os.PathLike | None = None  # where reproducers go
    out_stem: str = "crosscheck"
    #: the ``cmd:NAME`` runners' commands (``--solver-cmd``, :mod:`.external`)
    commands: Mapping[str, external.Command] = field(default_factory=dict)


# ------------------------------------------------------------------------------- inputs


def find_cnfs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The CNF and circuit files named by ``paths``: files as given, folders searched
    recursively for ``*.cnf`` (and ``.dimacs``), ``*.aag``, ``*.aig`` and ``*.bench``
    (each also compressed with gz/bz2/xz); sorted within each folder."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.name.endswith(CNF_SUFFIXES + CIRCUIT_SUFFIXES)
            )
        else:
            found.append(p)
    return found


def load(paths: Iterable[str | os.PathLike]) -> list[Instance]:
    """Parse every CNF and circuit file (told apart by content); the first bad one raises
    InputError (file, line, problem)."""
    from ..problems.textio import decompress, read_raw

    out = []
    for f in find_cnfs(paths):
        raw = read_raw(os.fspath(f))
        data, sha = decompress(raw, os.fspath(f)), hashlib.sha256(raw).hexdigest()
        if circuit_format.sniff(data):
            circuit = circuit_format.parse_circuit(data, os.fspath(f))
            circuit = circuit.with_target(circuit.required())
            cnf = tseitin.preimage_cnf(circuit)
            out.append(Instance(f.name, cnf, os.fspath(f), sha, circuit))
            continue
        cnf = dimacs_cnf.parse_cnf(data, os.fspath(f))
        out.append(Instance(f.name, cnf, os.fspath(f), sha))
    return out


# ------------------------------------------------------------------------------- running


def proof_plan(
    runner: str, want: bool, command: external.Command | None = None
) -> tuple[bool, str]:
    """Whether to ask ``runner`` for a proof, and if not, why not (for the report);
    ``command``: a ``cmd:`` runner's."""
    if not want:
        return False, "proofs off"
    kind = runners.kind(runner)
    if kind == "cmd":
        if command is None or not command.uses("proof"):
            return False, "the command template has no {proof}"
        return True, ""
    if kind == "net":
        return False, "MILP infeasibility: a solver claim, no proof format"
    if kind == "plugin":
        return True, ""
    if runner in proofs.KNOWN_BROKEN_PROOFS:
        return False, f"not requested: known broken ({proofs.KNOWN_BROKEN_PROOFS[runner]})"
    if not runners.proof_capable(runner):
        return False, "this solver cannot log proofs in python-sat"
    return True, ""


def task(
    runner: str,
    cnf: CNF,
    opts: Options,
    circuit: Circuit | None = None,
    source: str | None = None,
) -> Task:
    """The task of ``runner`` on ``cnf``; ``source``: the CNF's file (a ``cmd:`` runner reads
    its original bytes), None for a circuit's CNF, a fuzz or a shrunk one."""
    command = opts.commands.get(runner)
    want, _ = proof_plan(runner, opts.proofs, command)
    p = runners.payload(
        runner,
        cnf,
        proof=want,
        time_limit=opts.time_limit,
        circuit=circuit,
        command=command,
        source=source if circuit is None else None,
    )
    solve_budget = None if opts.time_limit is None else opts.time_limit * 1.2 + 1.0
    check_budget = None if opts.time_limit is None else max(PROOF_BUDGET, 4 * opts.time_limit)
    return Task(HANDLER, p, (solve_budget, check_budget))


def judge_run(runner: str, cnf: CNF, out: Outcome, opts: Options) -> Run:
    """Turn what came back from a worker into a :class:`Run`, checking the model here."""
    _, note = proof_plan(runner, opts.proofs, opts.commands.get(runner))
    first = out.messages[0] if out.messages else None
    if first is None:
        verdict = {"timeout": "TIMEOUT", "crash": "CRASH"}.get(out.ended, "ERROR")
        return Run(runner, verdict, out.time, detail=out.detail, proof_note=note)
    run = Run(runner, first["verdict"], first["time"], detail=first.get("detail", ""))
    if run.verdict == runners.SAT:
        fault = model_fault(cnf, first["model"] or [])
        run.model_check = "FAIL" if fault else "PASS"
        run.model_reason = fault or ""
    if run.verdict == runners.UNSAT:
        if len(out.messages) > 1:
            run.proof = out.messages[1]["proof"]
        elif note:
            run.proof_note = note
        elif first["lemmas"] is None:
            run.proof_note = "the solver gave no proof"
        elif out.ended == "timeout":
            run.proof_note = "proof check ran out of time"
        else:
            run.proof_note = f"proof check {out.ended}: {out.detail}"
    if out.ended in ("crash", "error") and run.verdict != runners.UNSAT:
        run.detail = f"{out.ended}: {out.detail}"
    return run


def judge(cnf: CNF, runs: Sequence[Run]) -> tuple[str, list[tuple[str, str, str]]]:
    """The instance's truth and its failures as ``(runner, kind, detail)``."""
    models = [r for r in runs if r.model_check == "PASS"]
    proved = [r for r in runs if r.proof_status == proofs.VALID]
    failures = []
    for r in runs:
        if r.verdict in ("CRASH", "ERROR"):
            failures.append((r.runner, "crash", r.detail))
        if r.verdict == external.BAD_OUTPUT:
            failures.append((r.runner, "output", r.detail))
        if r.model_check == "FAIL":
            failures.append((r.runner, "model", r.model_reason))
        if r.proof_status == proofs.INVALID:
            assert r.proof is not None  # the status is the proof check's
            failures.append((r.runner, "proof", r.proof["reason"]))
    if models and proved:
        failures.append(
            (proved[0].runner, "checker", f"{models[0].runner}'s model checks, yet the proof too")
        )
    if models:
        truth = "SAT"
        for r in runs:
            if r.verdict == runners.UNSAT:
                failures.append(
                    (r.runner, "verdict", f"says UNSAT, but {models[0].runner}'s model checks")
                )
    elif proved:
        truth = "UNSAT"
    else:
        claims = {r.verdict for r in runs} & {runners.SAT, runners.UNSAT}
        if claims == {runners.UNSAT}:
            truth = "UNSAT (claimed)"
        elif len(claims) == 2:
            truth = "disputed"
            sat = [r.runner for r in runs if r.verdict == runners.SAT]
            for r in runs:
                if r.verdict == runners.UNSAT:
                    failures.append(
                        (r.runner, "disagreement", f"says UNSAT; {', '.join(sat)} say SAT")
                    )
        else:
            truth = "unknown"
    return truth, failures


def run_all(
    instances: Sequence[Instance],
    opts: Options,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Result]:
    """Run every runner on every instance, judge, and shrink each failure."""
    total = len(instances) * len(opts.runners)
    pending: dict[int, dict[str, Run]] = {i: {} for i in range(len(instances))}
    results: list[Result | None] = [None] * len(instances)
    tasks = (
        ((i, r), task(r, inst.cnf, opts, inst.circuit, inst.path))
        for i, inst in enumerate(instances)
        for r in opts.runners
    )
    done = 0
    with Pool(opts.jobs) as pool:
        for (i, r), out in pool.map(tasks):
            pending[i][r] = judge_run(r, instances[i].cnf, out, opts)
            done += 1
            if progress:
                progress(done, total, f"{instances[i].name} {r}")
            if len(pending[i]) == len(opts.runners):
                got = pending.pop(i)
                runs = [got[name] for name in opts.runners]
                truth, found = judge(instances[i].cnf, runs)
                results[i] = Result(instances[i], runs, truth)
                for runner, kind, detail in found:
                    results[i].failures.append(Failure(instances[i].name, runner, kind, detail))
        finished = [res for res in results if res is not None]
        assert len(finished) == len(instances)  # pool.map ran every task
        if opts.shrink:
            written: dict[tuple[str, str, str], str] = {}
            for res in finished:
                for failure in res.failures:
                    minimise(pool, res, failure, opts, written)
    return finished


# ------------------------------------------------------------------------------ shrinking


def still_fails(pool: Pool, failure: Failure, witness: str | None, opts: Options):
    """The predicate for delta debugging: does ``failure.runner`` fail the same way?"""

    def run(runner: str, cnf: CNF) -> Run:
        return judge_run(runner, cnf, pool.run(task(runner, cnf, opts)), opts)

    def fails(cnf: CNF) -> bool:
        r = run(failure.runner, cnf)
        if failure.kind == "crash":
            return r.verdict in ("CRASH", "ERROR")
        if failure.kind == "output":
            return r.verdict == external.BAD_OUTPUT
        if failure.kind == "model":
            return r.model_check == "FAIL"
        if failure.kind == "proof":
            return r.proof_status == proofs.INVALID
        if failure.kind in ("verdict", "disagreement") and r.verdict == runners.UNSAT:
            assert witness is not None  # minimise() shrinks these only with a witness
            w = run(witness, cnf)
            return w.model_check == "PASS"
        return False

    return fails


def minimise(
    pool: Pool,
    res: Result,
    failure: Failure,
    opts: Options,
    written: dict[tuple[str, str, str], str] | None = None,
) -> None:
    """Shrink ``failure`` to a small reproducer and write it as a .cnf file, unless the
    same runner already failed the same way on the same reproducer (``written``)."""
    witness = next(
        (r.runner for r in res.runs if r.model_check == "PASS" and r.runner != failure.runner),
        None,
    )
    if failure.kind == "checker" or (failure.kind in ("verdict", "disagreement") and not witness):
        return
    if res.instance.circuit is not None and runners.kind(failure.runner) == "net":
        failure.detail += " (a circuit instance's network route: not shrunk)"
        return
    fails = still_fails(pool, failure, witness, opts)
    if not fails(res.instance.cnf):
        failure.detail += " (not reproducible on a second run: flaky)"
        return
    shrunk = shrink_cnf(res.instance.cnf, fails, budget=opts.shrink_budget)
    cnf = shrunk.cnf
    failure.shrink_tests = shrunk.tests
    failure.reproducer_size = (cnf.nvars, cnf.nclauses, int(cnf.literals.size))
    key = (failure.runner, failure.kind, dimacs_cnf.format_cnf(cnf))
    if written is not None and key in written:
        failure.reproducer = written[key]
        return
    out_dir = Path(opts.out_dir or ".")
    stem = Path(res.instance.name).name.split(".")[0]
    safe_runner = failure.runner.replace(":", "_").replace("/", "_").replace("@", "_")
    path = out_dir / f"{opts.out_stem}.{stem}.{safe_runner}.{failure.kind}.cnf"
    comments = [
        "reluhard crosscheck reproducer",
        f"runner {failure.runner}: {failure.kind}: {failure.detail}",
        f"minimised from {res.instance.name} ({res.instance.cnf.nclauses} clauses) by delta "
        f"debugging in {shrunk.tests} tests",
    ]
    if failure.runner in opts.commands:
        comments.append(f"command: {opts.commands[failure.runner].template}")
    out_dir.mkdir(parents=True, exist_ok=True)
    dimacs_cnf.write_cnf(cnf, path, comments=comments)
    failure.reproducer = os.fspath(path)
    if written is not None:
        written[key] = failure.reproducer
