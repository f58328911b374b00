"""LRAT proofs from CaDiCaL, checked lemma by lemma by the verified checker."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard.certs import lrat, proofs
from reluhard.errors import InputError
from reluhard.problems.cnf import CNF, random_kcnf

pytest.importorskip("drup")

XOR2 = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]])


def unsat_3cnf(n: int = 40) -> CNF:
    for seed in range(100):
        f = random_kcnf(n, round(5.5 * n), 3, np.random.default_rng(seed))
        sat, _, _ = proofs.solve_with_proof(f)
        if not sat:
            return f
    raise AssertionError("no unsatisfiable formula found")


@pytest.fixture(scope="module")
def unsat() -> tuple[CNF, list[str]]:
    f = unsat_3cnf()
    sat, _, proof = proofs.solve_with_proof(f)
    assert not sat and proof is not None
    return f, proof


def steps(proof: list[str]) -> list[lrat.Step]:
    return list(lrat.parse_lrat(proof))


def test_cadical_writes_lrat_that_checks_valid(unsat):
    f, proof = unsat
    assert lrat.is_lrat(proof) and proofs.proof_format(proof) == proofs.LRAT
    result = proofs.check_proof(f, proof)
    assert (result.status, result.format) == (proofs.VALID, proofs.LRAT), result.reason
    assert result.lemmas == sum(not s.delete for s in steps(proof)) > 0
    assert result.to_json()["format"] == "lrat"


def test_drup_lines_are_not_lrat():
    assert not lrat.is_lrat(["1 2 0", "d 1 2 0", "0"])
    assert lrat.is_lrat(["c x", "5 1 0 1 2 0"]) and lrat.is_lrat(["5 d 1 2 0"])


def _lemma_index(proof: list[str]) -> int:
    """The index of the first lemma line with at least two hints that the empty clause
    depends on (the others are not checked)."""
    all_steps = steps(proof)
    needed = lrat._needed(all_steps) or set()
    return next(
        i
        for i, s in enumerate(all_steps)
        if not s.delete and len(s.hints) >= 2 and s.id in needed and s.lits
    )


def test_a_lemma_without_hints_is_invalid(unsat):
    f, proof = unsat
    i = _lemma_index(proof)
    s = next(lrat.parse_lrat([proof[i]]))
    cut = f"{s.id} {' '.join(map(str, s.lits))} 0 0"
    result = proofs.check_proof(f, [*proof[:i], cut, *proof[i + 1 :]])
    assert result.status == proofs.INVALID
    assert result.reason.startswith(f"lemma {s.id} (") and "does not follow" in result.reason


def test_hints_must_be_present(unsat):
    f, proof = unsat
    i = _lemma_index(proof)
    s = next(lrat.parse_lrat([proof[i]]))
    later = f"{s.id} {' '.join(map(str, s.lits))} 0 {s.id + 10**6} 0"
    result = proofs.check_proof(f, [*proof[:i], later])
    assert result.status == proofs.INVALID and "not present" in result.reason
    gone = f"{s.id} d {s.hints[0]} 0"
    result = proofs.check_proof(f, [*proof[:i], gone, *proof[i:]])
    assert result.status == proofs.INVALID and f"cites clause {s.hints[0]}" in result.reason


def test_forged_and_rat_proofs_are_invalid():
    for forged in (["5 0 0"], ["5 0 1 2 3 4 0"], ["5 1 0 -1 2 0", "6 0 5 3 4 0"]):
        assert proofs.check_proof(XOR2, forged).status == proofs.INVALID, forged
    assert proofs.check_proof(XOR2, ["5 2 0 1 2 0", "6 0 5 3 4 0"]).status == proofs.VALID
    assert "RAT" in proofs.check_proof(XOR2, ["5 1 0 -1 0"]).reason
    # an id that collides with a clause is judged as the DRUP proof its lemmas make
    assert proofs.check_proof(XOR2, ["4 2 0 1 2 0"]).status == proofs.VALID
    assert "reuses" in proofs.check_proof(XOR2, ["4 1 2 0 1 0"]).reason


def test_ids_interleaved_by_unit_clauses_still_check():
    """CaDiCaL numbers a clause it derives while the formula is being added (the unit 1
    strengthens -1 2 to 2) between the original ones; such a proof checks as DRUP."""
    f = CNF.from_clauses([[1], [-1, 2], [-2, 3], [-3, -1]])
    sat, _, proof = proofs.solve_with_proof(f)
    assert sat is False and proofs.proof_format(proof) == proofs.LRAT
    assert proofs.check_proof(f, proof).status == proofs.VALID
    bogus = CNF.from_clauses([[1], [-1, 2], [-2, 3], [3, -1]])  # satisfiable: never VALID
    assert proofs.check_proof(bogus, proof).status == proofs.INVALID


def test_a_rat_step_of_the_hints_alone_is_not_accepted():
    """The checker accepts a RAT step: ``1`` is RAT with respect to ``{1 2}`` alone (no
    clause holds -1). Asked that way, the lemma ``1`` of a satisfiable formula with ``-1``
    in a model would pass; asked for the empty clause from the hints and ``-1``, it cannot."""
    import drup

    assert drup.check_derivation([[1, 2]], [[1]]).outcome == drup.Outcome.VALID
    sat = CNF.from_clauses([[1, 2], [-1, 2]])  # 1 = False, 2 = True is a model
    forged = ["3 1 0 1 0", "4 -1 0 2 0", "5 0 3 4 0"]
    result = proofs.check_proof(sat, forged)
    assert result.status == proofs.INVALID and result.reason.startswith("lemma 3 (1 0)")


def test_truncated_lrat_is_invalid_and_says_so(unsat):
    f, proof = unsat
    half = proof[: len(proof) // 2]
    result = proofs.check_proof(f, half)
    assert result.status == proofs.INVALID
    assert "unit propagation still does not derive the empty clause" in result.reason


def test_malformed_lrat_names_the_line():
    with pytest.raises(InputError, match=r"<proof>:2: .*two 0s"):
        proofs.check_proof(XOR2, ["5 2 0 1 2 0", "6 0 5 0 3 4 0"])
    with pytest.raises(InputError, match=r"<proof>:2: an LRAT line is"):
        proofs.check_proof(XOR2, ["5 2 0 1 2 0", "6 0 5 3 4"])
    with pytest.raises(InputError, match=r"<proof>:1: not an LRAT line"):
        proofs.check_proof(XOR2, ["5 2 0 x 0"])


def test_sat_backend_logs_a_checked_network_proof():
    from reluhard.certs.refutation import network_cnf
    from reluhard.pipeline import reduce_instance
    from reluhard.solvers import solve

    problem = reduce_instance(XOR2)
    verdict = solve(problem, "sat", options={"proof": True})
    assert verdict.status.answer == "UNSATISFIABLE" and verdict.proof is not None
    cnf = network_cnf(problem)
    assert cnf is not None and lrat.is_lrat(verdict.proof.lines)
    assert proofs.check_proof(cnf, verdict.proof.lines).status == proofs.VALID


def test_public_api_path_agrees(unsat, monkeypatch):
    """Without drup's internal ctypes form the public ``drup.check_proof`` is used."""
    f, proof = unsat
    monkeypatch.setattr(lrat._Checker, "__init__", _public_only)
    assert proofs.check_proof(f, proof).status == proofs.VALID
    i = _lemma_index(proof)
    s = next(lrat.parse_lrat([proof[i]]))
    cut = f"{s.id} {' '.join(map(str, s.lits))} 0 0"
    assert proofs.check_proof(f, [*proof[:i], cut, *proof[i + 1 :]]).status == proofs.INVALID


def _public_only(self) -> None:
    import drup

    self._drup, self._fast, self._units = drup, False, {}
