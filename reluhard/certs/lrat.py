"""LRAT proofs: CaDiCaL's hinted clausal proofs, checked one lemma at a time by the verified
checker.

A text LRAT line (Cruz-Filipe, Heule, Hunt, Kaufmann and Schneider-Kamp, "Efficient
certified RAT verification", CADE 2017) is ``id lit ... 0 hint ... 0`` (a lemma, with the
ids of the clauses that make it RUP, in propagation order) or ``id d id ... 0`` (deletions).
The formula's clauses have ids 1 to m in their order.

Why: the verified checker (:mod:`.proofs`, the ``drup`` package) ignores deletions and
propagates naively over every clause it holds, so a DRUP proof of a few thousand lemmas
takes tens of seconds and one of 10^5 lemmas (uuf250) is out of reach. Here each lemma ``C`` is
handed to the checker with its hint clauses only, as the question whether unit propagation
refutes ``hints + {-l : l in C}`` (``drup.check_proof(..., [[]])``: the empty clause, which
no RAT step can stand in for; asking for ``C`` itself would let the checker accept ``C`` as
a RAT step of the few hint clauses, which says nothing about the formula). That is sound
whatever the hints say, because every hint is looked up in a table that holds only formula
clauses and lemmas the checker has already accepted: a clause that is RUP with respect to
clauses implied by the formula is implied by the formula. The table, the id bookkeeping
and the deletions are not verified code, and need not be: a mistake there can only make a
valid proof fail (a hint not found, or not enough to propagate), never make an invalid one
pass. The proof is VALID only when the checker accepts an empty lemma, or (a proof without
one, as DRUP allows) when it refutes the clauses the proof kept by unit propagation.
RAT steps (negative hints) are refused; CaDiCaL writes RUP steps only.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import InputError

#: python-sat solvers that can write LRAT (text) through CaDiCaL's proof tracer.
LRAT_SOLVERS = ("cadical195",)


@dataclass(frozen=True)
class Step:
    """One LRAT line: a lemma ``lits`` with ``hints`` (``delete`` False), or the deletion
    of the clauses ``hints`` (``delete`` True)."""

    id: int
    lits: tuple[int, ...]
    hints: tuple[int, ...]
    delete: bool


def is_lrat(lines: Sequence[str]) -> bool:
    """Whether a text proof is LRAT: its first proof line has an id before a ``d``, or a 0
    before its end (a DRUP line has one 0, at the end)."""
    for line in lines:
        tokens = line.split()
        if not tokens or tokens[0] == "c":
            continue
        return (len(tokens) > 1 and tokens[1] == "d") or "0" in tokens[:-1]
    return False


def parse_lrat(lines: Iterable[str], name: str = "<proof>") -> Iterator[Step]:
    """The steps of a text LRAT proof; a malformed line raises :class:`InputError` with
    its number."""
    for lineno, line in enumerate(lines, 1):
        tokens = line.split()
        if not tokens or tokens[0] == "c":
            continue
        try:
            delete = len(tokens) > 1 and tokens[1] == "d"
            ints = [int(t) for t in tokens[2 if delete else 1 :]]
            cid = int(tokens[0])
        except ValueError:
            raise InputError(name, lineno, "not an LRAT line: a token is not an integer") from None
        if cid < 1 or not ints or ints[-1] != 0:
            raise InputError(name, lineno, "an LRAT line is 'id lits 0 hints 0' or 'id d ids 0'")
        if delete:
            yield Step(cid, (), tuple(ints[:-1]), True)
            continue
        if ints.count(0) != 2:
            raise InputError(name, lineno, "an LRAT lemma line needs two 0s (lits 0 hints 0)")
        k = ints.index(0)
        yield Step(cid, tuple(ints[:k]), tuple(ints[k + 1 : -1]), False)


@dataclass(frozen=True)
class LratCheck:
    """``valid``; ``reason`` when not; the counts and the checking time."""

    valid: bool
    reason: str
    lemmas: int
    deletions: int
    time: float


def check_lrat(
    clauses: Sequence[Sequence[int]],
    lines: Iterable[str],
    name: str = "<proof>",
    max_variable: int | None = None,
) -> LratCheck:
    """Check an LRAT refutation of ``clauses`` lemma by lemma with the verified checker (see
    the module docstring for why that is sound). Only the lemmas the empty clause depends on
    (through the hints) are checked: a lemma left out is not in the table, so a proof that
    cites it fails. A literal past ``max_variable`` is a rejection before the checker sees
    it (its C int would wrap around)."""
    return check_lrat_steps(clauses, list(parse_lrat(lines, name)), max_variable)


def check_lrat_steps(
    clauses: Sequence[Sequence[int]], steps: list[Step], max_variable: int | None = None
) -> LratCheck:
    """:func:`check_lrat` of parsed steps (also the judge of the hints that
    :mod:`.drat` finds for a DRUP/DRAT proof)."""
    needed = _needed(steps)
    checker = _Checker()
    table: dict[int, object] = {i: checker.clause(c) for i, c in enumerate(clauses, 1)}
    lemmas = sum(not s.delete for s in steps)
    deletions = sum(len(s.hints) for s in steps if s.delete)
    start = time.perf_counter()

    def fail(reason: str) -> LratCheck:
        return LratCheck(False, reason, lemmas, deletions, time.perf_counter() - start)

    for step in steps:
        if step.delete:
            for h in step.hints:
                table.pop(h, None)
            continue
        if step.id in table:
            return fail(f"lemma {step.id} reuses the id of a clause that is still present")
        far = next((x for x in step.lits if max_variable is not None and abs(x) > max_variable), 0)
        if far:
            return fail(
                f"lemma {step.id} names literal {far}, out of range: a proof may name "
                f"variables up to {max_variable}"
            )
        if needed is not None and step.id not in needed:
            continue
        if any(h <= 0 for h in step.hints):
            return fail(f"lemma {step.id} is a RAT step (negative hints): not supported")
        missing = next((h for h in step.hints if h not in table), None)
        if missing is not None:
            return fail(f"lemma {step.id} cites clause {missing}, which is not present")
        units = [checker.unit(-lit) for lit in step.lits]
        if not checker.refutes([table[h] for h in step.hints] + units):
            shown = " ".join(map(str, step.lits[:12])) + (" ..." if len(step.lits) > 12 else "")
            return fail(f"lemma {step.id} ({shown} 0) does not follow from its hints by RUP")
        if not step.lits:
            return LratCheck(True, "", lemmas, deletions, time.perf_counter() - start)
        table[step.id] = checker.clause(step.lits)
    # no empty lemma: as for DRUP, the proof stands if propagation on what it kept refutes
    if checker.refutes(list(table.values())):
        return LratCheck(True, "", lemmas, deletions, time.perf_counter() - start)
    return fail(
        f"after all {lemmas} lemmas, unit propagation still does not derive the empty clause"
    )


def _needed(steps: list[Step]) -> set[int] | None:
    """The ids of the lemmas that the first empty lemma depends on through the hints (None
    when the proof has no empty lemma: then every lemma is checked). Not trusted: leaving
    out a lemma that is needed makes the check fail, never pass."""
    end = next((i for i, s in enumerate(steps) if not s.delete and not s.lits), None)
    if end is None:
        return None
    needed = {steps[end].id}
    for s in reversed(steps[: end + 1]):
        if not s.delete and s.id in needed:
            needed.update(s.hints)
    return needed


class _Checker:
    """The verified checker asked whether unit propagation refutes a set of clauses
    (``drup.check_proof(clauses, [[]])``: the empty clause has no pivot, so no RAT step can
    stand in for it). Clauses are converted to the checker's ctypes form once each, as
    ``drup`` 1.2's own ``check_proof`` does on every call (most of its time on short
    calls); where that internal form is missing, the public API is used."""

    def __init__(self) -> None:
        import drup

        self._drup = drup
        w = drup.wrappers
        self._fast = all(
            hasattr(w, n)
            for n in ("_clause_to_struct", "_cnf_to_struct", "_check_proof_from_structs")
        ) and all(hasattr(drup, n) for n in ("_Cnf_struct", "_Clause_struct"))
        self._units: dict[int, object] = {}
        if self._fast:
            self._empty = w._cnf_to_struct([[]])

    def clause(self, lits: Sequence[int]) -> object:
        return self._drup.wrappers._clause_to_struct(list(lits)) if self._fast else list(lits)

    def unit(self, lit: int) -> object:
        u = self._units.get(lit)
        if u is None:
            u = self._units[lit] = self.clause([lit])
        return u

    def refutes(self, clauses: list) -> bool:
        drup = self._drup
        if not self._fast:
            return drup.check_proof(clauses, [[]], verbose=False).outcome == drup.Outcome.VALID
        formula = drup._Cnf_struct()
        formula.len = len(clauses)
        formula.clauses = (drup._Clause_struct * len(clauses))(*clauses)
        result = drup.wrappers._check_proof_from_structs(formula, self._empty, False)
        return result.outcome == drup.Outcome.VALID


@contextmanager
def lrat_solver(solver: str, clauses: Iterable[Sequence[int]]) -> Iterator[tuple]:
    """python-sat's ``solver`` (one of :data:`LRAT_SOLVERS`) loaded with ``clauses`` and
    writing a text LRAT proof: yields ``(solver, proof)``, ``proof()`` giving the lines.

    python-sat's ``with_proof`` makes CaDiCaL write DRUP; LRAT needs the ``lrat`` option
    set before the tracer is attached, which python-sat's constructor does not allow, so the
    tracer is attached here through python-sat's own extension module."""
    import pysolvers
    from pysat.solvers import Solver

    if solver not in LRAT_SOLVERS:
        raise ValueError(f"{solver} cannot write LRAT (only {', '.join(LRAT_SOLVERS)})")
    with Solver(name=solver) as s:
        handle = s.solver.cadical
        pysolvers.cadical195_set(handle, "lrat", 1)
        pysolvers.cadical195_set(handle, "binary", 0)
        f = tempfile.TemporaryFile()
        s.solver.prfile = f  # python-sat's delete() then closes the tracer and the file
        tracer = pysolvers.cadical195_tracepr(handle, f)
        s.append_formula(clauses)

        def proof() -> list[str]:
            pysolvers.flushpr(tracer)
            f.seek(0)
            return f.read().decode("ascii").splitlines()

        yield s, proof
