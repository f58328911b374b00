"""Binary DRAT and the deletion-aware RUP pass whose hints the verified checker judges."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.certs import drat, proofs
from reluhard.errors import InputError
from reluhard.problems.cnf import CNF, random_kcnf

pytest.importorskip("drup")

literal = st.integers(1, 300).flatmap(lambda v: st.sampled_from([v, -v]))
step = st.tuples(st.booleans(), st.lists(literal, max_size=8))


@settings(max_examples=200, deadline=None)
@given(st.lists(step, max_size=30))
def test_binary_round_trip_through_text(steps):
    steps = [(d, list(lits)) for d, lits in steps]
    text = drat.to_text(steps)
    assert proofs.proof_steps(text) == steps
    assert not drat.is_binary("\n".join(text).encode())  # text is never taken for binary
    data = drat.encode_binary(proofs.proof_steps(text))
    assert drat.parse_binary(data) == steps
    if drat.is_binary(data):
        assert drat.read_steps(data) == steps


def test_binary_with_large_literals_and_bad_bytes():
    steps = [(False, [2**20, -(2**28) - 3, 1]), (True, [-1])]
    data = drat.encode_binary(steps)
    assert drat.parse_binary(data) == steps
    with pytest.raises(InputError, match="cut off"):
        drat.parse_binary(data[:-1], "p.drat")
    with pytest.raises(InputError, match="not 'a' or 'd'"):
        drat.parse_binary(b"x\x02\x00", "p.drat")
    with pytest.raises(InputError, match="'-0'"):
        drat.parse_binary(b"a\x01\x00", "p.drat")
    with pytest.raises(InputError, match="out of range"):
        drat.read_steps(drat.encode_binary([(False, [9])]), "p.drat", nvars=3)


def _signed(v: int):
    return st.sampled_from([v, -v])


def _brute_unsat(cnf: CNF) -> bool:
    clauses = cnf.clauses()
    for bits in itertools.product([False, True], repeat=cnf.nvars):
        if all(any(bits[abs(x) - 1] == (x > 0) for x in c) for c in clauses):
            return False
    return True


def _unsat(n: int, seed: int) -> tuple[CNF, list[str]]:
    rng = np.random.default_rng(seed)
    while True:
        f = random_kcnf(n, round(6 * n), 3, rng)
        sat, _, proof = proofs.solve_with_proof(f, "glucose4")
        if not sat:
            assert proof is not None
            return f, proof


@pytest.mark.parametrize("solver", ["glucose4", "cadical153", "lingeling"])
def test_real_proofs_check_valid_through_hints_text_and_binary(solver):
    f = random_kcnf(80, 400, 3, np.random.default_rng(1))  # unsatisfiable, proofs delete
    sat, _, proof = proofs.solve_with_proof(f, solver)
    assert sat is False and proof
    steps = proofs.proof_steps(proof)
    assert any(d for d, _ in steps)  # deletions are there and honoured
    text = proofs.check_proof(f, proof)
    assert text.status == proofs.VALID and "hints" in text.checker, text
    binary = drat.check_proof_bytes(f, drat.encode_binary(steps))
    assert (binary.status, binary.format) == (proofs.VALID, "drat-binary")
    assert binary.lemmas == text.lemmas and binary.deletions == text.deletions


def test_truncated_proof_is_invalid_by_the_verified_checker():
    f, proof = _unsat(60, 2)
    cut = proof[: len(proof) // 3]
    r = proofs.check_proof(f, cut)
    assert r.status == proofs.INVALID and "whole proof" in r.checker


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.data())
def test_hints_path_agrees_with_truth_and_whole_check(seed, data):
    """Soundness: VALID only for unsatisfiable formulas (brute force). Completeness against
    the old check: whatever the verified checker accepts whole, deletions ignored, passes."""
    f, proof = _unsat(7, seed)
    steps = proofs.proof_steps(proof)
    clauses = f.clauses() + [lits for d, lits in steps if not d]
    # mutate: drop steps, add random lemmas, delete random clauses (units and reasons too)
    for _ in range(data.draw(st.integers(0, 4))):
        k = data.draw(st.integers(0, len(steps)))
        what = data.draw(st.sampled_from(["drop", "lemma", "delete"]))
        if what == "drop" and steps:
            del steps[min(k, len(steps) - 1)]
        elif what == "lemma":
            lits = data.draw(st.lists(st.integers(1, 7).flatmap(_signed), max_size=3))
            steps.insert(k, (False, lits))
        elif clauses:
            steps.insert(k, (True, list(data.draw(st.sampled_from(clauses)))))
    got = drat.check_steps(f, steps)
    whole = proofs.check_proof_whole(f, [lits for d, lits in steps if not d])
    if got.status == proofs.VALID:
        assert _brute_unsat(f)
    if whole.status == proofs.VALID:
        assert got.status == proofs.VALID
    if got.status == proofs.INVALID:
        assert whole.status == proofs.INVALID


def test_formula_refuted_by_units_needs_no_lemma():
    f = CNF.from_clauses([[1], [-1, 2], [-2]])
    assert drat.check_steps(f, []).status == proofs.VALID
    assert drat.check_steps(CNF.from_clauses([[1, 2], []]), []).status == proofs.VALID


def test_deleting_a_reason_is_ignored_as_drat_trim_does():
    # 1 is a unit; its deletion is ignored, so -1 2 and -1 -2 still refute
    f = CNF.from_clauses([[1], [-1, 2, 3], [-1, -2, 3], [-1, 2, -3], [-1, -2, -3]])
    steps = [(True, [1]), (False, [-1, 2]), (False, [-1, -2]), (False, [])]
    found = drat.find_hints(f.clauses(), steps)
    assert found.steps is not None and found.ignored_deletions == 1
    assert drat.check_steps(f, steps).status == proofs.VALID


def test_rat_lemma_goes_to_the_whole_proof_check():
    # [3] is RAT on 3 (no clause has -3), not RUP: the RUP pass gives way, drup judges
    f = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]])
    steps = [(False, [3]), (False, [2]), (False, [])]
    assert drat.find_hints(f.clauses(), steps).steps is None
    r = drat.check_steps(f, steps)
    assert r.status == proofs.VALID and "whole proof" in r.checker and "RUP pass" in r.checker
