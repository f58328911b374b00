"""Unbounded work (issue 21): every command that solves or checks stops at its
``--time-limit`` with one line (explain and verify have a default, 60 s). Run in child
processes with a deadline, so a regression fails the test instead of hanging it."""

from __future__ import annotations

import json
import random

import pytest

from reluhard.certs import proofs
from tests.helpers.cli import run_bounded
from tests.helpers.tiers import FULL

pytestmark = pytest.mark.skipif(
    proofs.checker_version() is None, reason="the verified checker (drup) is not installed"
)


def hard_3sat(path, n: int = 600, seed: int = 5) -> None:
    """Random 3-SAT at the threshold ratio 4.26: CaDiCaL needs minutes at n = 600."""
    r = random.Random(seed)
    m = int(4.26 * n)
    lines = [f"p cnf {n} {m}"]
    for _ in range(m):
        lines.append(
            " ".join(str(r.choice((-1, 1)) * v) for v in r.sample(range(1, n + 1), 3)) + " 0"
        )
    path.write_text("\n".join(lines) + "\n")


def pigeonhole(path, pigeons: int) -> list[list[int]]:
    """PHP(p, p-1), unsatisfiable; for p = 8 CaDiCaL's proof (about 7,500 lemmas) takes the
    verified checker minutes."""
    holes = pigeons - 1
    var = lambda i, j: i * holes + j + 1  # noqa: E731
    clauses = [[var(i, j) for j in range(holes)] for i in range(pigeons)]
    for j in range(holes):
        for a in range(pigeons):
            clauses += [[-var(a, j), -var(b, j)] for b in range(a + 1, pigeons)]
    text = "".join(" ".join(map(str, c)) + " 0\n" for c in clauses)
    path.write_text(f"p cnf {pigeons * holes} {len(clauses)}\n{text}")
    return clauses


def test_explain_stops_at_its_time_limit(tmp_path):
    hard_3sat(tmp_path / "hard.cnf")
    run = run_bounded(["explain", "hard.cnf", "--time-limit", "2"], tmp_path, timeout=60)
    assert (run.code, run.err.splitlines()) == (
        1,
        ["explain: no certificate found within 2 s; give one with --cert or raise --time-limit"],
    )
    assert run.seconds < 30


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_the_sat_back_end_honours_the_time_limit(tmp_path):
    hard_3sat(tmp_path / "hard.cnf")
    run = run_bounded(
        ["solve", "hard.cnf", "--solver", "sat", "--time-limit", "2"], tmp_path, timeout=60
    )
    assert run.code == 0, run.err
    assert "s UNKNOWN" in run.out.splitlines()
    assert "time limit 2 s reached" in run.out
    assert run.seconds < 30


@pytest.fixture
def long_proof(tmp_path):
    """A sat-sign network of PHP(8, 7) and a solution naming a true DRUP proof of it that
    takes the checker minutes (written here without checking it)."""
    from pysat.solvers import Solver

    from reluhard.certs.solution_file import file_sha256

    clauses = pigeonhole(tmp_path / "php8.cnf", 8)
    assert run_bounded(["reduce", "php8.cnf", "-o", "net.npz"], tmp_path).code == 0
    with Solver(name="cadical195", with_proof=True, bootstrap_with=clauses) as s:
        assert s.solve() is False
        (tmp_path / "php8.drup").write_text("\n".join(s.get_proof()) + "\n")
    doc = {
        "answer": "UNSATISFIABLE",
        "network_sha256": file_sha256(tmp_path / "net.npz"),
        "proof": {"format": "drup", "path": "php8.drup", "of": "source"},
    }
    (tmp_path / "sol.json").write_text(json.dumps(doc))
    return tmp_path


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_verify_stops_a_long_proof_check(long_proof):
    run = run_bounded(
        ["verify", "net.npz", "sol.json", "--time-limit", "3"], long_proof, timeout=60
    )
    assert (run.code, run.out.splitlines(), run.err) == (
        1,
        [
            "REJECTED: cannot verify: the proof check did not finish within the time limit "
            "of 3 s (raise it with --time-limit)"
        ],
        "",
    )
    assert run.seconds < 30


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_invert_certify_stops_a_long_proof_check(long_proof):
    run = run_bounded(
        ["invert", "net.npz", "--certify", "--time-limit", "3", "-o", "out.json"],
        long_proof,
        timeout=90,
    )
    assert run.code == 1
    (line,) = run.err.splitlines()
    assert line.startswith("certify: the proof in ")
    assert line.endswith(
        "is UNCHECKED: the proof check did not finish within the time limit of 3 s "
        "(raise it with --time-limit)"
    )
    assert run.seconds < 60


def test_certify_stops_the_proof_search_at_the_time_limit(tmp_path):
    """The proof-logging search of ``prove_unsat`` runs under the time limit too: a
    pigeonhole formula that CaDiCaL needs seconds for, given 0.05 s, is a one-line refusal,
    never an unchecked NO."""
    from reluhard.certs.refutation import CertificationError, prove_unsat
    from reluhard.pipeline import load_source, reduce_source

    pigeonhole(tmp_path / "php.cnf", 11)
    problem = reduce_source(load_source(tmp_path / "php.cnf"))
    with pytest.raises(CertificationError, match="did not refute the CNF within the time limit"):
        prove_unsat(problem, tmp_path / "p.drup", time_limit=0.05)
