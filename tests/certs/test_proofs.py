"""DRUP proofs and the verified checker (:mod:`reluhard.certs.proofs`): the soundness
properties its docstring claims, each a test that fails if the claim stops holding."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from reluhard.certs import proofs
from reluhard.certs.proofs import (
    INVALID,
    KNOWN_BROKEN_PROOFS,
    UNCHECKED,
    VALID,
    can_log_proofs,
    check_proof,
    parse_proof,
    read_proof,
    solve_with_proof,
    write_proof,
)
from reluhard.errors import InputError
from reluhard.problems.cnf import CNF, check, random_kcnf, solve
from reluhard.problems.dimacs_cnf import read_cnf
from tests.helpers.instances import SATLIB

#: proof-capable python-sat solvers whose proofs must check VALID
PROOF_SOLVERS = ["cadical195", "glucose4", "lingeling", "maplecm"]
#: unsatisfiable, but with no unit clause: unit propagation alone does not refute it
XOR2 = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]])


def satlib_cnf(name: str) -> CNF:
    path = SATLIB / name
    if not path.is_file():
        pytest.skip(f"public SATLIB instance not found at {path}")
    return read_cnf(path)


@pytest.fixture(scope="module")
def uuf50() -> CNF:
    return satlib_cnf("uuf50-01.cnf")


@pytest.fixture(scope="module")
def uf20() -> CNF:
    return satlib_cnf("uf20-01.cnf")


@pytest.fixture(scope="module")
def random_unsat() -> list[CNF]:
    """Four random 3-CNFs (20 variables, ratio 5) that the reference solver refutes."""
    rng = np.random.default_rng(20240611)
    found = []
    while len(found) < 4:
        f = random_kcnf(20, 100, 3, rng)
        if solve(f) is None:
            found.append(f)
    return found


def lemma_lines(proof: list[str]) -> list[str]:
    """The lemma lines of a DRUP or LRAT proof (LRAT deletions are ``id d ...``)."""
    return [line for line in proof if line.split() and "d" not in line.split()[:2]]


def drup_proof(cnf) -> list[str]:
    """CaDiCaL's DRUP proof (python-sat's ``with_proof``), deletions included."""
    from pysat.solvers import Solver

    with Solver(name="cadical195", with_proof=True, bootstrap_with=cnf.clauses()) as s:
        assert not s.solve()
        return list(s.get_proof())


def line(clause) -> str:
    return " ".join(map(str, [*clause, 0]))


def shift_toward_zero(proof: list[str]) -> list[str]:
    """Every literal moved one toward zero (v > 0: v - 1, v < 0: v + 1)."""
    out = []
    for text in proof:
        toks = []
        for t in text.split():
            if t == "d":
                toks.append(t)
                continue
            v = int(t)
            toks.append(str(v - 1 if v > 0 else v + 1 if v < 0 else 0))
        out.append(" ".join(toks))
    return out


def test_checker_installed():
    """Everything below needs the verified checker; without it they would be UNCHECKED."""
    assert proofs.checker_version() is not None, "pip install drup (Linux x86-64 wheels)"


# --- real proofs are VALID ------------------------------------------------------------


@pytest.mark.parametrize("solver", PROOF_SOLVERS)
def test_real_proof_of_uuf50_is_valid(uuf50, solver):
    sat, model, proof = solve_with_proof(uuf50, solver)
    assert (sat, model) == (False, None)
    assert proof, f"{solver} logged no proof"
    result = check_proof(uuf50, proof)
    assert result.status == VALID, (solver, result.reason)
    assert result.valid and result.reason == ""
    assert result.lemmas == len(lemma_lines(proof)) and result.lemmas > 0


@pytest.mark.parametrize("solver", PROOF_SOLVERS)
def test_real_proofs_of_random_unsat_3cnfs_are_valid(random_unsat, solver):
    for f in random_unsat:
        sat, model, proof = solve_with_proof(f, solver)
        assert not sat and model is None
        result = check_proof(f, proof)
        assert result.status == VALID, (solver, f, result.reason)


def test_sat_formula_gives_full_checked_model_and_no_proof(uf20):
    sat, model, proof = solve_with_proof(uf20)
    assert sat and proof is None
    assert sorted(map(abs, model)) == list(range(1, uf20.nvars + 1))
    assert check(uf20, model)


def test_docstring_example():
    sat, model, proof = solve_with_proof(XOR2)
    assert (sat, model) == (False, None)
    assert check_proof(XOR2, proof).status == VALID


# --- bad proofs are INVALID ------------------------------------------------------------


def test_empty_proof_of_formula_unit_propagation_does_not_refute():
    result = check_proof(XOR2, [])
    assert result.status == INVALID and not result.valid
    assert result.lemmas == 0
    assert "does not derive the empty clause" in result.reason


def test_empty_clause_alone_is_not_a_proof():
    result = check_proof(XOR2, ["0"])
    assert result.status == INVALID
    assert "does not derive the empty clause" in result.reason or "lemma 1" in result.reason


def test_forged_proof_of_satisfiable_formula_is_invalid():
    sat_formula = CNF.from_clauses([[1, 2]])
    for forged in (["-1 0", "0"], ["-1 0", "-2 0", "0"], ["0"], []):
        result = check_proof(sat_formula, forged)
        assert result.status == INVALID, forged


def test_real_proof_with_a_clause_removed_from_the_formula_is_invalid(uuf50):
    """Drop a clause that makes uuf50-01 satisfiable: no proof can then be VALID, so the
    proof of the whole formula must be rejected against the rest."""
    _, _, proof = solve_with_proof(uuf50)
    clauses = uuf50.clauses()
    for j in range(len(clauses)):
        rest = CNF.from_clauses(clauses[:j] + clauses[j + 1 :], nvars=uuf50.nvars)
        if solve(rest) is not None:
            break
    else:
        pytest.fail("uuf50-01 has no clause whose removal makes it satisfiable")
    assert check_proof(rest, proof).status == INVALID


def test_proof_of_another_formula_is_invalid(uuf50):
    other = satlib_cnf("uuf50-02.cnf")
    _, _, proof = solve_with_proof(other)
    assert check_proof(other, proof).status == VALID
    assert check_proof(uuf50, proof).status == INVALID


def test_truncated_real_proof_is_invalid(uuf50):
    _, _, proof = solve_with_proof(uuf50)
    lemmas = lemma_lines(proof)
    half = lemmas[: len(lemmas) // 2]
    assert half and half[-1] != "0"
    result = check_proof(uuf50, half)
    assert result.status == INVALID
    assert result.lemmas == len(half)
    assert result.reason == (
        f"after all {len(half)} lemmas, unit propagation still does not derive the empty clause"
    )


def test_non_rup_non_rat_lemma_is_named():
    f = CNF.from_clauses([[1, 2], [-1, 2]])  # satisfiable: x2 true
    proof = ["2 0", "1 2 0", "-2 0", "0"]  # lemma 3 is neither RUP nor RAT
    result = check_proof(f, proof)
    assert result.status == INVALID
    assert result.reason == "lemma 3 (-2 0) is neither RUP nor RAT"


def test_non_rup_non_rat_lemma_on_satlib_instance_is_named(uf20):
    """The lemma "not this model" is falsified by a model of the formula, so it is not RUP;
    with a pivot whose literal alone satisfies some clause it is not RAT either."""
    model = solve(uf20)
    true = set(model)
    critical = next(c for c in uf20.clauses() if sum(lit in true for lit in c) == 1)
    pivot = next(lit for lit in critical if lit in true)
    bad = [-pivot] + [-lit for lit in model if lit != pivot]
    proof = [line(c) for c in uf20.clauses()[:5]] + [line(bad), "0"]
    result = check_proof(uf20, proof)
    assert result.status == INVALID
    shown = " ".join(map(str, bad[:12])) + " ..."
    assert result.reason == f"lemma 6 ({shown} 0) is neither RUP nor RAT"


def test_rat_lemmas_are_accepted():
    """Extended resolution (x3 <-> x1 & x2): RAT on the fresh variable, not RUP."""
    definitions = ["-3 1 0", "-3 2 0", "3 -1 -2 0"]
    result = check_proof(XOR2, [*definitions, "-1 0", "0"])
    assert result.status == VALID, result.reason
    assert check_proof(XOR2, definitions).status == INVALID  # and no refutation alone


# --- deletions ------------------------------------------------------------------------


def test_deletion_lines_are_parsed_and_counted():
    lines = ["c a comment", "", "1 2 0", "d 1 2 0", "d -3 0", "  d 4 -5 6 0  ", "0"]
    assert parse_proof(lines) == ([[1, 2], []], 3)
    result = check_proof(XOR2, ["d 1 2 0", "-1 0", "d -1 2 0", "0"])
    assert (result.status, result.lemmas, result.deletions) == (VALID, 2, 2)


def test_deletions_do_not_change_validity(uuf50):
    proof = drup_proof(uuf50)  # CaDiCaL deletes clauses as it goes
    deletions = [text for text in proof if text.split()[0] == "d"]
    assert deletions, "expected a proof with deletion lines"
    with_d = check_proof(uuf50, proof)
    assert (with_d.status, with_d.deletions) == (VALID, len(deletions))
    without = check_proof(uuf50, lemma_lines(proof))
    assert (without.status, without.lemmas, without.deletions) == (VALID, with_d.lemmas, 0)
    # deleting every original clause up front changes nothing either (deletions are ignored)
    delete_all = [f"d {line(c)}" for c in uuf50.clauses()]
    assert check_proof(uuf50, delete_all + proof).status == VALID
    # and deletions never turn an invalid proof valid
    half = lemma_lines(proof)[: with_d.lemmas // 2]
    assert check_proof(uuf50, half + deletions).status == INVALID


# --- parse errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, lineno, words",
    [
        ("1 x 0", 3, "unexpected token 'x'"),
        ("1 2.5 0", 3, "unexpected token '2.5'"),
        ("d 1 a 0", 3, "unexpected token 'a'"),
        ("1 2", 3, "must end with 0"),
        ("d", 3, "must end with 0"),
        ("1 0 2 0", 3, "0 inside a proof line"),
    ],
)
def test_parse_errors_name_the_line(bad, lineno, words):
    lines = ["c header", "1 2 0", bad, "0"]
    with pytest.raises(InputError) as e:
        parse_proof(lines, "p.drup")
    assert e.value.line == lineno
    assert str(e.value).startswith(f"p.drup:{lineno}:")
    assert words in str(e.value)


def test_parse_error_double_minus_is_input_error():
    with pytest.raises(InputError) as e:
        parse_proof(["1 2 0", "--1 0"], "p.drup")
    assert e.value.line == 2


def test_check_proof_reports_parse_errors_with_the_name():
    with pytest.raises(InputError, match=r"^x\.drup:2:"):
        check_proof(XOR2, ["-1 0", "-2 zero"], "x.drup")


# --- reading and writing proof files ---------------------------------------------------


def test_write_then_read_round_trip(tmp_path, uuf50):
    _, _, proof = solve_with_proof(uuf50)
    path = tmp_path / "p.drup"
    write_proof(path, proof)
    assert read_proof(path) == proof
    assert check_proof(uuf50, read_proof(path), str(path)).status == VALID


def test_read_proof_reads_binary_drat(tmp_path):
    path = tmp_path / "p.drat"
    path.write_bytes(b"a\x02\x04\x00a\x03\x00d\x02\x04\x00a\x00")
    assert read_proof(path) == ["1 2 0", "-1 0", "d 1 2 0", "0"]


def test_read_proof_refuses_cut_binary_drat(tmp_path):
    path = tmp_path / "p.drat"
    path.write_bytes(b"a\x02\x04\x00a\x03")
    with pytest.raises(InputError) as e:
        read_proof(path)
    assert str(e.value).startswith(str(path)) and "cut off" in str(e.value)


def test_read_proof_refuses_non_ascii_with_line(tmp_path):
    path = tmp_path / "p.drup"
    path.write_bytes("1 2 0\n-1 0\n\u00b2 0\n".encode())
    with pytest.raises(InputError) as e:
        read_proof(path)
    assert e.value.line == 3 and "non-ASCII" in str(e.value)


def test_read_proof_decompresses_gzip(tmp_path, uuf50):
    _, _, proof = solve_with_proof(uuf50)
    path = tmp_path / "p.drup.gz"
    path.write_bytes(gzip.compress(("\n".join(proof) + "\n").encode("ascii")))
    assert read_proof(path) == proof
    assert check_proof(uuf50, read_proof(path)).status == VALID


def test_write_proof_to_missing_directory_is_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write proof"):
        write_proof(tmp_path / "no" / "such" / "p.drup", ["0"])


# --- no checker, no VALID ------------------------------------------------------------


def test_unchecked_without_checker(monkeypatch, uuf50):
    _, _, proof = solve_with_proof(uuf50)
    monkeypatch.setattr(proofs, "checker_version", lambda: None)
    for candidate in (proof, [], ["0"]):
        result = check_proof(uuf50, candidate)
        assert result.status == UNCHECKED and not result.valid
        assert "not installed" in result.reason
    assert check_proof(uuf50, proof).lemmas == len(lemma_lines(proof))


# --- python-sat's broken MapleSAT proofs --------------------------------------------


def test_known_broken_maplesat_proofs_are_shifted_by_one(uuf50):
    assert "maplesat" in KNOWN_BROKEN_PROOFS
    sat, _, proof = solve_with_proof(uuf50, "maplesat")
    assert not sat and proof
    as_logged = check_proof(uuf50, proof)
    assert as_logged.status == INVALID, (
        "python-sat's maplesat proof now checks VALID: the bug is fixed; remove "
        "KNOWN_BROKEN_PROOFS['maplesat'] (reluhard/certs/proofs.py), its note in "
        "docs/crosscheck.md and this test"
    )
    shifted = check_proof(uuf50, shift_toward_zero(proof))
    assert shifted.status == VALID, (
        "maplesat's proof is broken in a new way (shifting it back no longer repairs it): "
        f"{shifted.reason}; update KNOWN_BROKEN_PROOFS['maplesat']"
    )
    biggest = max(abs(int(t)) for text in proof for t in text.split() if t != "d")
    assert biggest == uuf50.nvars + 1


# --- which solvers log proofs -----------------------------------------------------------


@pytest.mark.parametrize(
    "solver, logs",
    [("cadical195", True), ("glucose4", True), ("minisat22", False), ("mergesat3", False)],
)
def test_can_log_proofs(solver, logs):
    assert can_log_proofs(solver) is logs


def test_mergesat3_accepts_with_proof_but_refuses_get_proof():
    """Why can_log_proofs must ask for the proof, not just construct the solver."""
    from pysat.solvers import Solver

    with Solver(name="mergesat3", with_proof=True, bootstrap_with=[[1], [-1]]) as s:
        assert not s.solve()
        with pytest.raises(NotImplementedError):
            s.get_proof()
