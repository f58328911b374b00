"""`--certify` on `reluhard solve` and `reluhard invert`: a DRUP proof written beside the
solution, checked VALID, named in the solution file by path and sha256, and re-checked by
`reluhard verify`; every way it can fail exits 1 with one line, never a certified answer."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from reluhard import solvers
from reluhard.certs import proofs
from reluhard.problems.cnf import solve
from reluhard.problems.dimacs_cnf import read_cnf
from reluhard.solvers.verdict import NOT_INVERTIBLE, Verdict
from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE, SATLIB, UNSAT

run = run_cli


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def uuf50() -> Path:
    path = SATLIB / "uuf50-01.cnf"
    if not path.is_file():
        pytest.skip(f"public SATLIB instance not found at {path}")
    return path


def reduce_to(capsys, source: Path, net: Path, via: str | None = None) -> Path:
    code, _, err = run(capsys, ["reduce", source, "-o", net, *(["--via", via] if via else [])])
    assert code == 0, err
    return net


def written_to(proof_line: str) -> Path:
    """The proof file a ``c proof: ... written to PATH; ...`` line names (from the cwd)."""
    m = re.search(r" written to (.+?); checked ", proof_line)
    assert m, proof_line
    return Path(m.group(1)).resolve()


def assert_certified_unsat(out: str, sol: Path, proof: Path) -> dict:
    """The solution file and the proof it names, as `--certify` must leave them."""
    assert "s UNSATISFIABLE" in out.splitlines()
    proof_lines = [line for line in out.splitlines() if line.startswith("c proof: ")]
    assert len(proof_lines) == 1 and "checked VALID" in proof_lines[0], out
    assert written_to(proof_lines[0]) == proof.resolve()
    assert proof.is_file()
    data = json.loads(sol.read_text())
    assert data["answer"] == "UNSATISFIABLE" and data["status"] == "NOT_INVERTIBLE"
    entry = data["proof"]
    assert entry["format"] == "lrat" and entry["solver"] == proofs.DEFAULT_SOLVER
    assert not Path(entry["path"]).is_absolute()
    assert (sol.parent / entry["path"]).resolve() == proof.resolve()
    assert entry["sha256"] == sha256(proof)
    assert entry["check"]["status"] == "VALID" and entry["check"]["lemmas"] > 0
    assert any("checked VALID" in c for c in data["checks"])
    return data


def verify(capsys, net: Path, sol: Path) -> tuple[int, str]:
    code, out, err = run(capsys, ["verify", net, sol])
    return code, out + err


# --- solve --certify ------------------------------------------------------------------


def test_solve_certify_unsat3_then_verify(capsys, tmp_path):
    sol = tmp_path / "sol.json"
    code, out, err = run(capsys, ["solve", UNSAT, "--certify", "-o", sol])
    assert code == 20, err
    data = assert_certified_unsat(out, sol, tmp_path / "sol.drup")
    assert data["proof"]["path"] == "sol.drup"
    assert data["network_sha256"] is None  # solve writes no network
    net = reduce_to(capsys, UNSAT, tmp_path / "net.npz")
    code, text = verify(capsys, net, sol)
    assert code == 0 and text.startswith("VERIFIED"), text
    assert "refutes the embedded CNF: checked VALID" in text


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
def test_solve_certify_uuf50_then_verify(capsys, tmp_path, uuf50, via):
    sol = tmp_path / "out" / "uuf50.json"
    sol.parent.mkdir()
    code, out, err = run(capsys, ["solve", uuf50, "--via", via, "--certify", "-o", sol])
    assert code == 20, err
    data = assert_certified_unsat(out, sol, tmp_path / "out" / "uuf50.drup")
    assert data["reduction"] == via
    assert data["source_sha256"] == sha256(uuf50)
    net = reduce_to(capsys, uuf50, tmp_path / f"{via}.npz", via)
    code, text = verify(capsys, net, sol)
    assert code == 0 and text.startswith("VERIFIED"), text
    assert f"by the correctness of {via}" in text


def test_certify_sat_instance_writes_no_proof(capsys, tmp_path):
    sol = tmp_path / "sol.json"
    code, out, _ = run(capsys, ["solve", EXAMPLE, "--certify", "-o", sol])
    assert code == 10 and "s SATISFIABLE" in out.splitlines()
    certified = "c certified: the model satisfies all 4 clauses of the embedded CNF (3 variables)"
    assert f"{certified}; the latent was checked exactly" in out.splitlines()
    assert "c proof:" not in out
    assert not list(tmp_path.glob("*.drup"))
    data = json.loads(sol.read_text())
    assert "proof" not in data and data["certificate"]


def test_no_certify_no_proof(capsys, tmp_path):
    sol = tmp_path / "sol.json"
    code, out, _ = run(capsys, ["solve", UNSAT, "-o", sol])
    assert code == 20 and "c proof:" not in out
    assert "proof" not in json.loads(sol.read_text())
    assert not list(tmp_path.glob("*.drup"))
    net = reduce_to(capsys, UNSAT, tmp_path / "net.npz")
    code, text = verify(capsys, net, sol)
    assert code == 1 and "without a proof cannot be verified" in text


# --- invert --certify ------------------------------------------------------------------


def test_invert_certify_then_verify(capsys, tmp_path, uuf50):
    net = reduce_to(capsys, uuf50, tmp_path / "net.npz", "sat-real")
    sol = tmp_path / "sol.json"
    code, out, err = run(capsys, ["invert", net, "--certify", "-o", sol])
    assert code == 20, err
    data = assert_certified_unsat(out, sol, tmp_path / "sol.drup")
    assert data["network_sha256"] == sha256(net)
    code, text = verify(capsys, net, sol)
    assert code == 0 and "the solution names this network file" in text, text


def test_invert_certify_custom_proof_path(capsys, tmp_path, monkeypatch):
    """`--proof` is taken from the working directory; the JSON names it relative to the
    JSON's own directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nets").mkdir()
    (tmp_path / "sols").mkdir()
    (tmp_path / "custom").mkdir()
    net = reduce_to(capsys, UNSAT, Path("nets/unsat3.npz"))
    sol = Path("sols/sol.json")
    proof = Path("custom/path.drup")
    code, out, err = run(capsys, ["invert", net, "--certify", "--proof", proof, "-o", sol])
    assert code == 20, err
    data = assert_certified_unsat(out, sol, proof)
    assert data["proof"]["path"] == "../custom/path.drup"
    assert not list(tmp_path.rglob("sol.drup"))
    code, text = verify(capsys, net, sol)
    assert code == 0, text
    # verify resolves the path from the JSON's directory, not the working directory
    monkeypatch.chdir(tmp_path / "custom")
    code, text = verify(capsys, tmp_path / net, tmp_path / sol)
    assert code == 0, text


def test_certify_without_output_writes_beside_input_stem(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, ["solve", UNSAT, "--certify"])
    assert code == 20, err
    assert (tmp_path / "unsat3.drup").is_file()
    line = next(text for text in out.splitlines() if text.startswith("c proof: "))
    assert written_to(line) == (tmp_path / "unsat3.drup").resolve()


# --- failure paths -----------------------------------------------------------------------


def one_certify_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("certify: "), err
    return lines[0]


def test_invalid_proof_exits_1(capsys, tmp_path, monkeypatch):
    bad = proofs.ProofCheck(proofs.INVALID, "lemma 2 (1 0) is neither RUP nor RAT", 2)
    monkeypatch.setattr(proofs, "check_proof", lambda *a, **k: bad)
    sol = tmp_path / "sol.json"
    code, out, err = run(capsys, ["solve", UNSAT, "--certify", "-o", sol])
    assert code == 1
    line = one_certify_line(err)
    assert "INVALID" in line and "lemma 2 (1 0) is neither RUP nor RAT" in line
    assert "s UNSATISFIABLE" not in out and "--certify failed" in out
    assert not sol.exists()  # never a solution file for an uncertified answer


def test_unchecked_proof_exits_1(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(proofs, "checker_version", lambda: None)
    sol = tmp_path / "sol.json"
    code, out, err = run(capsys, ["solve", UNSAT, "--certify", "-o", sol])
    assert code == 1 and "UNCHECKED" in one_certify_line(err)
    assert "s UNSATISFIABLE" not in out and not sol.exists()


def fake_not_invertible(monkeypatch):
    def solve_(problem, name, **kw):
        return Verdict(NOT_INVERTIBLE, "fake", reason="a wrong answer, on purpose")

    monkeypatch.setattr(solvers, "solve", solve_)


def test_wrong_not_invertible_is_caught(capsys, tmp_path, monkeypatch):
    """The network route says NOT_INVERTIBLE on a satisfiable CNF: the proof-logging SAT
    solver finds a model, and --certify refuses."""
    fake_not_invertible(monkeypatch)
    model = solve(read_cnf(EXAMPLE))
    monkeypatch.setattr(
        proofs, "solve_with_proof", lambda cnf, solver, limit=None: (True, model, None)
    )
    sol = tmp_path / "sol.json"
    code, out, err = run(capsys, ["solve", EXAMPLE, "--certify", "-o", sol])
    assert code == 1
    line = one_certify_line(err)
    assert "the NOT_INVERTIBLE answer is wrong" in line
    assert "s UNSATISFIABLE" not in out and not sol.exists()


def test_wrong_not_invertible_is_caught_by_real_solver(capsys, tmp_path, monkeypatch):
    fake_not_invertible(monkeypatch)
    code, out, err = run(capsys, ["solve", EXAMPLE, "--certify"])
    assert code == 1 and "the NOT_INVERTIBLE answer is wrong" in one_certify_line(err)


def test_sat_solver_model_that_fails_is_a_solver_bug(capsys, tmp_path, monkeypatch):
    nvars = read_cnf(UNSAT).nvars
    bogus = [-(v + 1) for v in range(nvars)]
    monkeypatch.setattr(
        proofs, "solve_with_proof", lambda cnf, solver, limit=None: (True, bogus, None)
    )
    code, out, err = run(capsys, ["solve", UNSAT, "--certify", "-o", tmp_path / "s.json"])
    assert code == 1 and "a solver bug" in one_certify_line(err)
    assert not (tmp_path / "s.json").exists()


def test_unwritable_proof_path_is_one_line(capsys, tmp_path):
    proof = tmp_path / "missing" / "p.drup"
    code, out, err = run(capsys, ["solve", UNSAT, "--certify", "--proof", proof])
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "cannot write proof" in err


# --- tampering after certify ---------------------------------------------------------------


def test_tampered_proof_is_rejected(capsys, tmp_path, uuf50):
    sol = tmp_path / "sol.json"
    code, _, err = run(capsys, ["solve", uuf50, "--certify", "-o", sol])
    assert code == 20, err
    net = reduce_to(capsys, uuf50, tmp_path / "net.npz")
    proof = tmp_path / "sol.drup"
    assert verify(capsys, net, sol)[0] == 0

    lines = proof.read_text().splitlines()
    lemmas = [i for i, text in enumerate(lines) if text.split()[1] != "d"]  # LRAT
    dropped = set(lemmas[len(lemmas) // 2 :])  # the second half of the lemmas, "0" included
    proof.write_text("".join(text + "\n" for i, text in enumerate(lines) if i not in dropped))
    code, text = verify(capsys, net, sol)
    assert code == 1 and text.startswith("REJECTED: ")
    assert "the proof was changed or replaced" in text

    data = json.loads(sol.read_text())
    data["proof"]["sha256"] = sha256(proof)
    sol.write_text(json.dumps(data))
    code, text = verify(capsys, net, sol)
    assert code == 1 and text.startswith("REJECTED: ")
    assert "the proof does not refute the embedded CNF" in text
    kept = len(lemmas) - len(dropped)
    assert (
        f"after all {kept} lemmas, unit propagation still does not derive the empty clause" in text
    )


def test_bare_empty_clause_proof_is_rejected(capsys, tmp_path):
    """A proof file that only claims the empty clause, with a matching sha256."""
    sol = tmp_path / "sol.json"
    assert run(capsys, ["solve", UNSAT, "--certify", "-o", sol])[0] == 20
    net = reduce_to(capsys, UNSAT, tmp_path / "net.npz")
    proof = tmp_path / "sol.drup"
    proof.write_text("0\n")
    data = json.loads(sol.read_text())
    data["proof"]["sha256"] = sha256(proof)
    sol.write_text(json.dumps(data))
    code, text = verify(capsys, net, sol)
    assert code == 1 and "the proof does not refute the embedded CNF" in text, text


def test_verify_without_checker_is_rejected(capsys, tmp_path, monkeypatch):
    sol = tmp_path / "sol.json"
    assert run(capsys, ["solve", UNSAT, "--certify", "-o", sol])[0] == 20
    net = reduce_to(capsys, UNSAT, tmp_path / "net.npz")
    monkeypatch.setattr(proofs, "checker_version", lambda: None)
    code, text = verify(capsys, net, sol)
    assert code == 1 and "cannot verify" in text and "not installed" in text


def test_verify_malformed_double_minus_proof_is_one_line(capsys, tmp_path):
    sol = tmp_path / "sol.json"
    assert run(capsys, ["solve", UNSAT, "--certify", "-o", sol])[0] == 20
    net = reduce_to(capsys, UNSAT, tmp_path / "net.npz")
    proof = tmp_path / "sol.drup"
    proof.write_text("--1 0\n0\n")
    data = json.loads(sol.read_text())
    data["proof"]["sha256"] = sha256(proof)
    sol.write_text(json.dumps(data))
    code, text = verify(capsys, net, sol)
    assert code == 1 and "sol.drup:1:" in text
