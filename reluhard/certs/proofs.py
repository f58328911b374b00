"""DRUP proofs of unsatisfiability: produced by python-sat's proof-logging solvers and
checked by a verified checker.

A SAT solver's "UNSAT" is a claim; a DRUP proof (Heule, Hunt and Wetzler, "Trimming while
checking clausal proofs", FMCAD 2013; format as in the SAT competition) turns it into a
certificate: every added lemma must follow from the formula and the earlier lemmas by unit
propagation (RUP), and at the end unit propagation must derive the empty clause.

The checker is the ``drup`` package (PyPI, ``drup`` 1.2.x, Fredrikson et al.,
https://github.com/cmu-transparency/verified_rup): its core is written and proved correct in
Why3 and extracted to OCaml, so trusting it means trusting the Why3 specification, the
extraction and OCaml, not a hand-written C checker. It was chosen over DRAT-trim (not on
PyPI, unverified) with these properties checked here (``tests/certs/test_proofs.py``):

- it rejects an empty or truncated proof of a formula that unit propagation does not refute,
  and a lemma that is not RUP (or RAT);
- it accepts RAT lemmas too, so DRAT proofs from lingeling pass;
- it ignores deletion lines (``d ...``). That is sound: the checker then works with a superset
  of the clauses, all implied by the formula, and RUP is monotone in the clause set. It makes
  checking a long DRUP proof slow (its propagation visits every clause it holds: about 20 s
  for a 2,700-lemma uuf150 proof), and could only make a RAT check fail, never pass, that
  would otherwise pass. So CaDiCaL's proofs are written as LRAT and checked lemma by lemma
  against their hint clauses (:mod:`.lrat`): the same uuf150 proof in 0.7 s; and a DRUP/DRAT
  proof goes first through a deletion-aware RUP pass that finds the hints, which the checker
  then judges the same way (:mod:`.drat`, with the trade-off named there); the whole proof
  goes to the checker only where that fails;
- it reads text clauses only; binary DRAT is decoded here (:mod:`.drat`).

Its wheel ships a prebuilt Linux x86-64 library; elsewhere it needs OCaml and Why3 to build.
Where it is not installed, :func:`check_proof` answers ``UNCHECKED`` and says why; nothing
here ever reports a proof as checked without running the checker.

Known-broken proof output (found by ``reluhard crosscheck``; see docs/crosscheck.md):
:data:`KNOWN_BROKEN_PROOFS`.

>>> from reluhard.problems.cnf import CNF
>>> f = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]])
>>> sat, model, proof = solve_with_proof(f)
>>> sat, model
(False, None)
>>> check_proof(f, proof).status
'VALID'
>>> check_proof(f, []).status     # unit propagation alone does not refute f
'INVALID'
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from .. import limits
from ..errors import InputError
from ..problems.cnf import CNF

DEFAULT_SOLVER = "cadical195"
CHECKER = "drup (verified DRUP/DRAT checker, Why3 extracted to OCaml)"

_LITERAL = re.compile(r"^-?(0|[1-9][0-9]*)$")  # DIMACS literals: no "+", "_", "--"

DRUP = "drup"
LRAT = "lrat"

VALID = "VALID"
INVALID = "INVALID"
UNCHECKED = "UNCHECKED"

#: python-sat solvers whose proof output is wrong, with the evidence.
KNOWN_BROKEN_PROOFS = {
    "maplesat": "python-sat's MapleSAT writes every proof variable shifted by +1 "
    "(uuf75-01: the proof mentions variable 76 of 75; with every literal moved back by one "
    "the same proof checks VALID)",
}


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of checking a proof: ``status`` is VALID, INVALID or UNCHECKED."""

    status: str
    reason: str = ""
    lemmas: int = 0
    deletions: int = 0
    time: float = 0.0
    checker: str = CHECKER
    format: str = DRUP

    @property
    def valid(self) -> bool:
        return self.status == VALID

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "lemmas": self.lemmas,
            "deletions": self.deletions,
            "time": self.time,
            "checker": self.checker,
            "format": self.format,
        }


def checker_version() -> str | None:
    """The installed ``drup`` version, or None where it is missing or fails to load."""
    try:
        import importlib.metadata

        import drup  # noqa: F401
    except Exception:
        return None
    return importlib.metadata.version("drup")


def can_log_proofs(solver: str) -> bool:
    """Whether python-sat's ``solver`` logs a DRUP proof (some accept ``with_proof=True``
    and only refuse when the proof is asked for, e.g. MergeSat 3)."""
    import gc
    import sys

    from pysat.solvers import Solver

    hook = sys.unraisablehook
    # a refused Solver(...) is half-built and its __del__ complains; nothing is wrong
    sys.unraisablehook = lambda _: None
    try:
        with Solver(name=solver, with_proof=True, bootstrap_with=[[1, 2], [-1, 2], [-2]]) as s:
            s.solve()
            return s.get_proof() is not None
    except Exception:
        return False
    finally:
        gc.collect()
        sys.unraisablehook = hook


def solve_with_proof(
    cnf: CNF, solver: str = DEFAULT_SOLVER, time_limit: float | None = None
) -> tuple[bool | None, list[int] | None, list[str] | None]:
    """Run python-sat's ``solver`` with proof logging: ``(satisfiable, model, proof)``;
    ``proof`` (text lines: LRAT from CaDiCaL 1.9.5, else DRUP) only when unsatisfiable;
    ``satisfiable`` is None when ``time_limit`` seconds run out first (the search runs in
    conflict-budget slices, :func:`reluhard.problems.cnf.solve_within`)."""
    from ..problems.cnf import solve_within

    with proof_logging(solver, cnf.clauses()) as (s, proof):
        sat = solve_within(s, time_limit)
        if sat is None:
            return None, None, None
        if sat:
            return True, _full_model(s.get_model(), cnf.nvars), None
        return False, None, proof()


@contextmanager
def proof_logging(solver: str, clauses: Iterable[Sequence[int]]) -> Iterator[tuple]:
    """python-sat's ``solver`` loaded with ``clauses`` and logging a proof: yields
    ``(solver, proof)``, ``proof()`` the text lines. CaDiCaL 1.9.5 writes LRAT, whose hints
    make checking linear in the proof (:mod:`.lrat`); the others write DRUP."""
    from .lrat import LRAT_SOLVERS, lrat_solver

    if solver in LRAT_SOLVERS:
        with lrat_solver(solver, clauses) as pair:
            yield pair
        return
    from pysat.solvers import Solver

    with Solver(name=solver, with_proof=True, bootstrap_with=clauses) as s:
        yield s, lambda: list(s.get_proof() or [])


def _full_model(model: Sequence[int] | None, nvars: int) -> list[int]:
    values = {abs(v): v for v in model or ()}
    return [values.get(i, -i) for i in range(1, nvars + 1)]


def parse_proof(
    lines: Iterable[str], name: str = "<proof>", nvars: int | None = None
) -> tuple[list[list[int]], int]:
    """The lemmas added by a text DRUP/DRAT proof, and the number of deletions
    (:func:`proof_steps`, which checks every line)."""
    steps = proof_steps(lines, name, nvars)
    return [lits for d, lits in steps if not d], sum(d for d, _ in steps)


def proof_steps(
    lines: Iterable[str], name: str = "<proof>", nvars: int | None = None
) -> list[tuple[bool, list[int]]]:
    """The steps of a text DRUP/DRAT proof in order: ``(is a deletion, literals)``.

    Each line is ``lit ... 0`` (a lemma) or ``d lit ... 0`` (a deletion); ``c`` lines and
    blank lines are skipped. A malformed line raises :class:`InputError` with its number,
    and so does, with ``nvars``, a literal beyond :func:`max_variable`: the checker keeps
    literals in 32-bit integers, where a literal like ``2^70 + 2`` wraps around onto
    variable 2 (and a refutation then checks VALID), so none reaches it unchecked.
    """
    lines = lines if isinstance(lines, list) else list(lines)
    limit = None if nvars is None else max_variable(nvars, len(lines))
    steps: list[tuple[bool, list[int]]] = []
    for lineno, line in enumerate(lines, 1):
        tokens = line.split()
        if not tokens or tokens[0] == "c":
            continue
        delete = tokens[0] == "d"
        if delete:
            tokens = tokens[1:]
        bad = next((t for t in tokens if not _LITERAL.match(t)), None)
        if bad is not None:
            msg = f"not a DRUP line: unexpected token '{bad[:20]}'"
            raise InputError(name, lineno, msg)
        lits = [int(t) for t in tokens]
        if limit is not None:
            _check_range(lits, limit, name, lineno)
        if not lits or lits[-1] != 0:
            raise InputError(name, lineno, "a proof line must end with 0")
        if 0 in lits[:-1]:
            raise InputError(name, lineno, "0 inside a proof line (one clause per line)")
        lits.pop()
        steps.append((delete, lits))
    return steps


#: the checker's literals are C ints
CHECKER_MAX_VARIABLE = 2**31 - 1


def max_variable(nvars: int, nlines: int) -> int:
    """The largest variable a proof of ``nlines`` lines may name: the formula's ``nvars``
    and one fresh variable per line (extended resolution defines one per RAT lemma), within
    the checker's :data:`CHECKER_MAX_VARIABLE`."""
    return min(CHECKER_MAX_VARIABLE, nvars + nlines)


def _check_range(lits: list[int], limit: int, name: str, lineno: int) -> None:
    far = next((v for v in lits if abs(v) > limit), None)
    if far is not None:
        shown = str(far) if len(str(far)) <= 24 else f"{str(far)[:20]}..."
        raise InputError(
            name,
            lineno,
            f"literal {shown} is out of range: a proof may name variables up to {limit} "
            "(the formula's and one fresh one per line)",
        )


def read_proof(path: str | os.PathLike) -> list[str]:
    """The lines of a text proof file; a binary DRAT file (:mod:`.drat`) as text lines."""
    from ..problems.textio import decompress, read_raw

    name = os.fspath(path)
    data = decompress(read_raw(name), name)
    from . import drat

    if drat.is_binary(data):
        return drat.to_text(drat.parse_binary(data, name))
    try:
        return data.decode("ascii").splitlines()
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(name, line, "not a text DRUP proof (non-ASCII byte)") from None


def write_proof(path: str | os.PathLike, lines: Iterable[str]) -> None:
    """Write proof lines, one per line, as a text DRUP file (atomically)."""
    from .. import atomic

    with atomic.replacing(path, "proof") as tmp, open(tmp, "w") as f:
        for line in lines:
            f.write(line)
            f.write("\n")


def check_proof(cnf: CNF, proof: Iterable[str], name: str = "<proof>") -> ProofCheck:
    """Check a text DRUP/DRAT or LRAT proof (lines) of the unsatisfiability of ``cnf`` with
    the verified checker (LRAT: lemma by lemma, :mod:`.lrat`). Never VALID unless the
    checker said so."""
    lines = proof if isinstance(proof, list) else list(proof)
    fmt = proof_format(lines)
    if checker_version() is None:
        reason = "the verified checker is not installed (pip install drup; Linux x86-64 wheels)"
        lemmas, deletions = _count(lines, fmt, name)
        return ProofCheck(UNCHECKED, reason, lemmas, deletions, format=fmt)
    if fmt == LRAT:
        from .lrat import check_lrat, parse_lrat

        r = check_lrat(cnf.clauses(), lines, name, max_variable(cnf.nvars, len(lines)))
        if r.valid:
            return ProofCheck(VALID, "", r.lemmas, r.deletions, r.time, format=fmt)
        if "reuses the id" in r.reason:
            # CaDiCaL numbers a clause it derives while the formula is still being added
            # (a unit makes it strengthen the next clause) between the original ones, so the
            # ids no longer follow the file's order; the lemmas alone are a proof that the
            # verified checker judges against the whole formula, without the hints
            steps = parse_lrat(lines, name)
            plain = [" ".join(map(str, t.lits)) + " 0" for t in steps if not t.delete]
            again = _check_drup(cnf, plain, name)
            if again.valid:
                return ProofCheck(VALID, "", r.lemmas, r.deletions, r.time + again.time, format=fmt)
        return ProofCheck(INVALID, r.reason, r.lemmas, r.deletions, r.time, format=fmt)
    return check_steps_or_unchecked(cnf, proof_steps(lines, name, cnf.nvars), name, fmt)


def check_steps_or_unchecked(
    cnf: CNF, steps: list[tuple[bool, list[int]]], name: str, fmt: str
) -> ProofCheck:
    """:func:`reluhard.certs.drat.check_steps` where the verified checker is installed,
    else UNCHECKED saying why."""
    from . import drat

    if checker_version() is None:
        reason = "the verified checker is not installed (pip install drup; Linux x86-64 wheels)"
        lemmas = sum(not d for d, _ in steps)
        return ProofCheck(UNCHECKED, reason, lemmas, len(steps) - lemmas, format=fmt)
    return drat.check_steps(cnf, steps, name, fmt)


def _count(lines: Sequence[str], fmt: str, name: str) -> tuple[int, int]:
    """The numbers of lemmas and of deleted clauses of a proof."""
    if fmt == LRAT:
        from .lrat import parse_lrat

        steps = list(parse_lrat(lines, name))
        return sum(not s.delete for s in steps), sum(len(s.hints) for s in steps if s.delete)
    lemmas, deletions = parse_proof(lines, name)
    return len(lemmas), deletions


def proof_format(lines: Sequence[str]) -> str:
    """``lrat`` or ``drup`` (DRUP and DRAT text, which the checker reads alike)."""
    from .lrat import is_lrat

    return LRAT if is_lrat(lines) else DRUP


def _check_drup(cnf: CNF, lines: Sequence[str], name: str) -> ProofCheck:
    lemmas, deletions = parse_proof(lines, name, cnf.nvars)
    r = check_proof_whole(cnf, lemmas, name)
    return dataclasses.replace(r, deletions=deletions)


def check_proof_whole(cnf: CNF, lemmas: list[list[int]], name: str = "<proof>") -> ProofCheck:
    """The verified checker on a whole DRUP/DRAT proof's lemmas, deletions ignored (sound:
    RUP is monotone in the clause set; slow: it propagates over every clause it holds)."""
    import drup

    start = time.perf_counter()
    result = drup.check_proof(cnf.clauses(), lemmas, verbose=False)
    elapsed = time.perf_counter() - start
    if result.outcome == drup.Outcome.VALID:
        return ProofCheck(VALID, "", len(lemmas), 0, elapsed)
    detail = drup.check_proof(cnf.clauses(), lemmas, verbose=True) if len(lemmas) < 5000 else None
    return ProofCheck(INVALID, _failure(detail, len(lemmas)), len(lemmas), 0, elapsed)


def check_proof_file(
    cnf: CNF, path: str | os.PathLike, time_limit: float | None = None
) -> ProofCheck:
    """:func:`read_proof` and :func:`check_proof` of the proof at ``path``; with
    ``time_limit``, both run in a worker process that is killed when the time is up
    (UNCHECKED, saying so). A worker because the checker is native code that a signal
    cannot stop, and a proof of 20,000 lemmas can keep it busy for minutes."""
    name = os.fspath(path)
    if time_limit is None or checker_version() is None:  # no checker: UNCHECKED, quickly
        return check_proof(cnf, read_proof(name), name)
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    recv, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_check_file_worker, args=(cnf, name, send, limits.current()), daemon=True
    )
    start = time.perf_counter()
    worker.start()
    send.close()
    kind: str
    value: Any
    try:
        kind, value = recv.recv() if recv.poll(time_limit) else ("timeout", None)
    except EOFError:
        kind, value = "crash", None
    finally:
        worker.kill()
        worker.join()
        recv.close()
    if kind == "ok":
        return cast(ProofCheck, value)
    if kind == "error":
        where, line, message = value
        raise InputError(where, line, message)
    elapsed = time.perf_counter() - start
    if kind == "timeout":
        why = (
            f"the proof check did not finish within the time limit of {time_limit:g} s "
            "(raise it with --time-limit)"
        )
    else:
        why = f"the proof checker's worker died (exit code {worker.exitcode})"
    return ProofCheck(UNCHECKED, why, time=elapsed)


def _check_file_worker(cnf: CNF, name: str, send, budgets: limits.Budgets) -> None:
    with limits.using(**dataclasses.asdict(budgets)):
        try:
            send.send(("ok", check_proof(cnf, read_proof(name), name)))
        except InputError as e:
            send.send(("error", (e.path, e.line, e.message)))


def _failure(result, nlemmas: int) -> str:
    """A sentence a person can act on from the checker's failure report."""
    if result is None or result.rup_info is None:
        return "unit propagation does not derive the empty clause from the formula and the proof"
    clause = list(result.rup_info.clause)
    done = len(result.steps or [])
    if not clause:
        return (
            f"after all {nlemmas} lemmas, unit propagation still does not derive the empty clause"
        )
    shown = " ".join(map(str, clause[:12])) + (" ..." if len(clause) > 12 else "")
    return f"lemma {done + 1} ({shown} 0) is neither RUP nor RAT"
