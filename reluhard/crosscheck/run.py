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

Runs survive: each judged run is appended to a journal as it finishes (:mod:`.journal`),
``resumed`` runs and shrinks are not done again, and ^C/SIGTERM ends :func:`run_all` with
:class:`Interrupted`, carrying the instances finished so far, after every worker is stopped.
A file that does not parse is an :class:`InputProblem` (an INPUT-ERROR row), not the end of
the run. The engine is the local sandbox pool, or a Dask cluster (:mod:`.cluster`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..certs import proofs
from ..errors import InputError
from ..problems import circuit_format, dimacs_cnf, tseitin
from ..problems.circuit import Circuit
from ..problems.cnf import CNF, model_fault
from . import external, runners
from .journal import Journal, settings_key
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

    @property
    def digest(self) -> str:
        """The sha256 of the file's bytes, or of the DIMACS text for an instance built in
        memory: what the journal and the reproducer names key on."""
        if self.sha256 is None:
            text = dimacs_cnf.format_cnf(self.cnf).encode()
            self.sha256 = hashlib.sha256(text).hexdigest()
        return self.sha256


@dataclass
class InputProblem:
    """A file that could not be read as a CNF or circuit: an INPUT-ERROR row."""

    name: str
    path: str
    sha256: str | None
    error: str

    def to_json(self) -> dict:
        return {"name": self.name, "path": self.path, "sha256": self.sha256, "error": self.error}


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

    @classmethod
    def from_json(cls, d: dict) -> Run:
        return cls(
            d["runner"],
            d["verdict"],
            d["time"],
            d["model_check"],
            d["model_reason"],
            d["proof_check"],
            d["proof_note"],
            d["detail"],
        )


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

    def restore(self, d: dict) -> None:
        """Take the shrinking's outcome from a journal line (:meth:`to_json`)."""
        self.detail, self.reproducer, self.shrink_tests = (
            d["detail"],
            d["reproducer"],
            d["shrink_tests"],
        )
        if d["reproducer_vars"] is not None:
            self.reproducer_size = (
                d["reproducer_vars"],
                d["reproducer_clauses"],
                d["reproducer_literals"],
            )


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
    cluster: int | None = None  # workers of a Dask LocalCluster
    scheduler: str | None = None  # address of a running Dask scheduler

    @property
    def settings(self) -> str:
        """What a run's outcome depends on besides the instance and the runner."""
        return settings_key(self.time_limit, self.proofs)

    @property
    def engine(self) -> str:
        if self.scheduler:
            return f"dask {self.scheduler}"
        return f"dask local:{self.cluster}" if self.cluster else f"local, {self.jobs} jobs"


class Interrupted(Exception):
    """^C or SIGTERM: the run stopped (every worker too); ``results`` are the instances
    whose runs were all finished (not shrunk unless that finished too)."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__("interrupted")
        self.results = results


# ------------------------------------------------------------------------------- inputs


def read_list(path: str) -> list[Path]:
    """The paths an ``@LIST`` file names: one per line, blank lines and lines starting with
    ``#`` skipped, surrounding spaces stripped; a relative path is relative to the folder of
    the list file (not the current directory), so a list moves with its instances."""
    from ..problems.textio import read_raw

    base = Path(path).parent
    try:
        text = read_raw(path, "file list").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, None, "a file list must be UTF-8 text") from None
    out = []
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            out.append(base / entry)
    return out


def find_cnfs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The CNF and circuit files named by ``paths``: files as given, folders searched
    recursively for ``*.cnf`` (and ``.dimacs``), ``*.aag``, ``*.aig`` and ``*.bench``
    (each also compressed with gz/bz2/xz); sorted within each folder. ``@LIST`` stands for
    the paths in the file LIST (:func:`read_list`; folders in it are searched too)."""
    found: list[Path] = []
    for given in paths:
        if isinstance(given, str) and given.startswith("@"):
            found += find_cnfs(read_list(given[1:]))
            continue
        p = Path(given)
        if p.is_dir():
            found += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.name.endswith(CNF_SUFFIXES + CIRCUIT_SUFFIXES)
            )
        else:
            found.append(p)
    return found


def load_file(f: Path, sha: list[str] | None = None) -> Instance:
    """Parse one CNF or circuit file (told apart by content); InputError if it is bad.
    ``sha`` receives the file's sha256 as soon as the bytes are read."""
    from ..problems.textio import decompress, read_raw

    raw = read_raw(os.fspath(f))
    digest = hashlib.sha256(raw).hexdigest()
    if sha is not None:
        sha.append(digest)
    data = decompress(raw, os.fspath(f))
    if circuit_format.sniff(data):
        circuit = circuit_format.parse_circuit(data, os.fspath(f))
        circuit = circuit.with_target(circuit.required())
        cnf = tseitin.preimage_cnf(circuit)
        return Instance(f.name, cnf, os.fspath(f), digest, circuit)
    cnf = dimacs_cnf.parse_cnf(data, os.fspath(f))
    return Instance(f.name, cnf, os.fspath(f), digest)


def load(paths: Iterable[str | os.PathLike]) -> list[Instance]:
    """Parse every CNF and circuit file; the first bad one raises InputError (file, line,
    problem)."""
    return [load_file(f) for f in find_cnfs(paths)]


def load_all(paths: Iterable[str | os.PathLike]) -> tuple[list[Instance], list[InputProblem]]:
    """Parse every CNF and circuit file; a bad one becomes an :class:`InputProblem` (its
    ``file:line: problem``) and the others are still read. A bad ``@LIST`` raises."""
    instances, problems = [], []
    for f in find_cnfs(paths):
        sha: list[str] = []
        try:
            instances.append(load_file(f, sha))
        except InputError as e:
            problems.append(InputProblem(f.name, os.fspath(f), sha[0] if sha else None, str(e)))
    return instances, problems


def save_fuzz(corpus: Sequence[tuple[str, CNF]], folder: str | os.PathLike) -> list[Instance]:
    """Write the fuzz instances as ``folder/NAME.cnf`` and return them as instances of
    those files (path and sha256 of the bytes written), so each can be rerun alone."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    instances = []
    for name, cnf in corpus:
        text = dimacs_cnf.format_cnf(cnf, comments=[f"reluhard crosscheck --fuzz: {name}"])
        path = out / f"{name}.cnf"
        path.write_text(text, encoding="utf-8")
        sha = hashlib.sha256(text.encode()).hexdigest()
        instances.append(Instance(name, cnf, os.fspath(path), sha))
    return instances


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
    original: bytes | None = None,
) -> Task:
    """The task of ``runner`` on ``cnf``; ``original``: the instance file's bytes, which a
    ``cmd:`` runner hands its binary (:func:`original_bytes`; None for a circuit's CNF, a
    fuzz or a shrunk one)."""
    command = opts.commands.get(runner)
    want, _ = proof_plan(runner, opts.proofs, command)
    p = runners.payload(
        runner,
        cnf,
        proof=want,
        time_limit=opts.time_limit,
        circuit=circuit,
        command=command,
        original=original if command is not None else None,
    )
    solve_budget = None if opts.time_limit is None else opts.time_limit * 1.2 + 1.0
    check_budget = None if opts.time_limit is None else max(PROOF_BUDGET, 4 * opts.time_limit)
    return Task(HANDLER, p, (solve_budget, check_budget))


def original_bytes(inst: Instance, opts: Options) -> bytes | None:
    """The bytes of ``inst``'s file, decompressed, when a ``cmd:`` runner will need them
    (a CNF read from a file, and some ``--solver-cmd``); else None."""
    if not opts.commands or inst.circuit is not None or inst.path is None:
        return None
    return external.original_bytes(inst.path)


def _tasks(instances: Sequence[Instance], todo: Iterable[tuple[int, str]], opts: Options):
    """The tasks of ``todo`` (pairs of an instance's index and a runner, by instance), each
    file read once for all the runners that need it."""
    read: tuple[int, bytes | None] = (-1, None)
    for i, r in todo:
        inst = instances[i]
        if read[0] != i:
            read = (i, original_bytes(inst, opts))
        yield (i, r), task(r, inst.cnf, opts, inst.circuit, read[1])


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


def open_pool(opts: Options):
    """The engine that runs the tasks: the local sandbox :class:`~.sandbox.Pool`, or a
    :class:`~.cluster.DaskPool` (same interface)."""
    if opts.cluster or opts.scheduler:
        from .cluster import DaskPool

        return DaskPool(workers=opts.cluster, address=opts.scheduler)
    return Pool(opts.jobs)


def run_all(
    instances: Sequence[Instance],
    opts: Options,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    journal: Journal | None = None,
    resumed: tuple[dict, dict] | None = None,
    pool: Pool | None = None,
    outcomes: list[Outcome] | None = None,
) -> list[Result]:
    """Run every runner on every instance, judge, and shrink each failure.

    Each judged run goes to ``journal`` as it finishes; runs and shrinks in ``resumed``
    (:func:`.journal.read`) are taken as done. ^C or SIGTERM (raised as KeyboardInterrupt)
    stops every worker and raises :class:`Interrupted` with the finished instances.
    ``pool``: an open engine to use (and leave open) instead of one from :func:`open_pool`;
    ``outcomes`` receives every raw outcome (for the benchmarks' CPU accounting)."""
    journal = journal or Journal(None)
    done_runs, done_shrinks = resumed or ({}, {})
    settings = opts.settings
    total = len(instances) * len(opts.runners)
    pending: dict[int, dict[str, Run]] = {i: {} for i in range(len(instances))}
    results: list[Result | None] = [None] * len(instances)
    done = 0

    def finish_run(i: int, r: str, run: Run) -> None:
        nonlocal done
        pending[i][r] = run
        done += 1
        if progress:
            progress(done, total, f"{instances[i].name} {r}")
        if len(pending[i]) == len(opts.runners):
            got = pending.pop(i)
            runs = [got[name] for name in opts.runners]
            truth, found = judge(instances[i].cnf, runs)
            res = results[i] = Result(instances[i], runs, truth)
            for runner, kind, detail in found:
                res.failures.append(Failure(instances[i].name, runner, kind, detail))

    todo = []
    for i, inst in enumerate(instances):
        for r in opts.runners:
            old = done_runs.get((inst.digest, r, settings))
            if old is not None:
                finish_run(i, r, Run.from_json(old))
            else:
                todo.append((i, r))
    tasks = _tasks(instances, todo, opts)
    try:
        with contextlib.nullcontext(pool) if pool else open_pool(opts) as pool:
            for (i, r), out in pool.map(tasks):
                if outcomes is not None:
                    outcomes.append(out)
                run = judge_run(r, instances[i].cnf, out, opts)
                journal.run((instances[i].digest, r, settings), instances[i].name, run.to_json())
                finish_run(i, r, run)
            finished = [res for res in results if res is not None]
            assert len(finished) == len(instances)  # pool.map ran every task
            if opts.shrink:
                written: dict[tuple[str, str, str], str] = {}
                for res in finished:
                    for failure in res.failures:
                        key = (res.instance.digest, failure.runner, failure.kind, settings)
                        if key in done_shrinks:
                            failure.restore(done_shrinks[key])
                            continue
                        minimise(pool, res, failure, opts, written)
                        journal.shrink(key, failure.to_json())
    except KeyboardInterrupt:
        raise Interrupted([res for res in results if res is not None]) from None
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
    path = out_dir / reproducer_name(res.instance, failure, opts.out_stem)
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


def reproducer_name(instance: Instance, failure: Failure, stem: str = "crosscheck") -> str:
    """``STEM.NAME-SHA8.RUNNER.KIND.cnf``: the first 8 hex digits of the instance's sha256
    keep apart two inputs of the same file name in different folders (and differ only when
    the bytes do: the same file given twice shares its reproducer)."""
    name = Path(instance.name).name.split(".")[0]
    safe_runner = failure.runner.replace(":", "_").replace("/", "_").replace("@", "_")
    return f"{stem}.{name}-{instance.digest[:8]}.{safe_runner}.{failure.kind}.cnf"
