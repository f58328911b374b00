"""`reluhard verify NET.npz SOLUTION`: real solutions verify; tampered ones, solutions for
other networks or sources, UNKNOWN and unproved UNSAT answers are rejected with a reason
that names what is wrong; DRUP proofs are re-checked, never trusted."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from reluhard import cli, netfile
from reluhard.certs import proofs
from reluhard.certs.solution_file import SCHEMA, file_sha256
from reluhard.certs.verify import Verification, verify, verify_files
from reluhard.errors import InputError
from reluhard.pipeline import load_source
from reluhard.problems.cnf import CNF, check, falsified
from reluhard.problems.dimacs_cnf import read_cnf, write_cnf
from reluhard.reductions import sat_sign
from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE, UNSAT

VIAS = ["sat-sign", "sat-real"]
#: unsatisfiable, and unit propagation alone does not refute it (an empty proof is INVALID)
XOR2 = [[1, 2], [-1, 2], [1, -2], [-1, -2]]


run = run_cli


def reduce(cnf_path: Path, net: Path, via: str) -> Path:
    """``reduce`` in-process (its output goes to a throwaway stdout)."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.reduce_main([str(cnf_path), "-o", str(net), "--via", via]) == 0
    return net


def invert(capsys, cnf_path: Path, tmp_path: Path, via: str) -> tuple[Path, Path, dict]:
    """Reduce and invert: the network file, the solution file and its parsed JSON."""
    net = reduce(cnf_path, tmp_path / f"{cnf_path.stem}-{via}.npz", via)
    sol = tmp_path / f"{cnf_path.stem}-{via}.json"
    code, _, err = run(capsys, ["invert", net, "-o", sol])
    assert code == 10, err
    return net, sol, json.loads(sol.read_text())


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=1))
    return path


def rejected(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines and all(line.startswith("REJECTED: ") for line in lines), out
    return [line[len("REJECTED: ") :] for line in lines]


def uf20_01(satlib: list[Path]) -> Path:
    return next(p for p in satlib if p.name == "uf20-01.cnf")


def assert_verified(capsys, net: Path, sol: Path) -> list[str]:
    code, out, err = run(capsys, ["verify", net, sol])
    lines = out.splitlines()
    assert code == 0 and lines[0] == "VERIFIED", out + err
    assert len(lines) > 1 and all(line.startswith("c ") for line in lines[1:])
    return lines[1:]


# ---------------------------------------------------------------- real solutions verify


@pytest.mark.parametrize("via", VIAS)
def test_invert_solution_verifies(capsys, tmp_path, via):
    net, sol, doc = invert(capsys, EXAMPLE, tmp_path, via)
    assert doc["latent"] and doc["certificate"] and doc["network_sha256"]
    checks = " | ".join(assert_verified(capsys, net, sol))
    for words in (
        "names this network file",
        "names the embedded source",
        "(exact rational arithmetic)",
        f"decodes ({via})",
        "satisfies all",
        f"encoded by {via}",
    ):
        assert words in checks


@pytest.mark.parametrize("via", VIAS)
def test_uf20_solution_verifies(capsys, tmp_path, satlib, via):
    net, sol, _ = invert(capsys, uf20_01(satlib), tmp_path, via)
    checks = assert_verified(capsys, net, sol)
    assert any("all 91 clauses" in c and "uf20-01.cnf" in c for c in checks)


@pytest.mark.parametrize("via", VIAS)
def test_solve_solution_verifies_against_reduced_network(capsys, tmp_path, satlib, via):
    """`solve -o` names no network file, only the source: any network of that source and
    reduction checks it."""
    cnf = uf20_01(satlib)
    sol = tmp_path / "sol.json"
    assert run(capsys, ["solve", cnf, "--via", via, "-o", sol])[0] == 10
    assert json.loads(sol.read_text())["network_sha256"] is None
    net = reduce(cnf, tmp_path / "net.npz", via)
    assert_verified(capsys, net, sol)


@pytest.mark.parametrize("via", VIAS)
def test_model_file_and_solver_output_are_source_certificates(capsys, tmp_path, satlib, via):
    cnf_path = uf20_01(satlib)
    net = reduce(cnf_path, tmp_path / "net.npz", via)
    code, out, _ = run(capsys, ["solve", cnf_path])
    assert code == 10
    output = tmp_path / "solver.out"  # c / s / v lines, as a SAT solver prints them
    output.write_text(out)
    checks = assert_verified(capsys, net, output)
    assert "read a model of 20 literals" in checks[0]
    model = [int(t) for line in out.splitlines() if line.startswith("v ") for t in line[2:].split()]
    plain = tmp_path / "model.txt"
    plain.write_text(" ".join(map(str, model)) + "\n")
    assert_verified(capsys, net, plain)
    # the same model with one variable flipped so that a clause fails
    cnf = read_cnf(cnf_path)
    lits = model[:-1]
    i = next(i for i in range(len(lits)) if not check(cnf, flip(lits, i)))
    plain.write_text(" ".join(map(str, flip(lits, i))) + " 0\n")
    code, out, _ = run(capsys, ["verify", net, plain])
    assert code == 1 and "is false under the model" in rejected(out)[0]


def test_solver_output_unsat_is_not_verified(capsys, tmp_path):
    net = reduce(UNSAT, tmp_path / "net.npz", "sat-sign")
    code, out, _ = run(capsys, ["solve", UNSAT])
    assert code == 20
    output = tmp_path / "solver.out"
    output.write_text(out)
    code, out, _ = run(capsys, ["verify", net, output])
    assert code == 1 and "without a proof cannot be verified" in rejected(out)[0]


# ---------------------------------------------------------------- tampered solutions


def flip(lits: list[int], i: int) -> list[int]:
    return [-x if k == i else x for k, x in enumerate(lits)]


@pytest.mark.parametrize("via", VIAS)
def test_tampered_latent_names_the_output(capsys, tmp_path, satlib, via):
    cnf_path = uf20_01(satlib)
    net, sol, doc = invert(capsys, cnf_path, tmp_path, via)
    cnf = read_cnf(cnf_path)
    latent = doc["latent"]
    if via == "sat-sign":  # flip one sign so that some clause fails: output 0 counts them
        model = sat_sign.decode(cnf, [float(x) for x in latent])
        i = next(i for i in range(len(model)) if not check(cnf, flip(model, i)))
        nfalse = falsified(cnf, flip(model, i)).size
        latent[i] = str(-int(latent[i]))
        expect = f"output 0 is {nfalse}, target 0 (differs by {nfalse})"
    else:  # a coordinate moved inside the box: output 1 is sum |clamp(z_i)|
        latent[3] = "1/2" if int(latent[3]) > 0 else "-1/2"
        expect = "output 1 is 19.5, target 20 (differs by -0.5)"
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    (reason,) = rejected(out)  # the certificate beside it still passes
    assert code == 1 and reason == f"the latent does not invert the network: {expect}"


@pytest.mark.parametrize("via", VIAS)
def test_tampered_certificate_names_the_false_clause(capsys, tmp_path, satlib, via):
    cnf_path = uf20_01(satlib)
    net, sol, doc = invert(capsys, cnf_path, tmp_path, via)
    cnf = read_cnf(cnf_path)
    model = doc["certificate"]
    i = next(i for i in range(len(model)) if not check(cnf, flip(model, i)))
    bad = flip(model, i)
    j = int(falsified(cnf, bad)[0])
    clause = " ".join(map(str, cnf.clause(j).tolist()))
    doc["certificate"] = bad
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    reasons = rejected(out)
    assert code == 1 and len(reasons) == 1  # the latent still passes; only the model fails
    assert reasons[0].startswith(f"clause {j + 1} ({clause} 0) is false under the model")


def test_certificate_problems_are_named(tmp_path):
    problem = netfile.read(reduce(EXAMPLE, tmp_path / "net.npz", "sat-sign"))
    n = problem.source.instance.nvars

    def reason(cert) -> str:
        v = verify(problem, {"answer": "SATISFIABLE", "certificate": cert})
        assert not v.ok and len(v.reasons) == 1
        return v.reasons[0]

    assert reason([1, -2, 99]) == f"literal 99 is outside 1..{n} (the CNF has {n} variables)"
    assert reason([1, -99]).startswith(f"literal -99 is outside -{n}..-1")
    assert reason([1, -1, 2]) == "variable 1 is both true and false in the model"
    assert "has no value" in reason([1])
    assert "is not a literal" in reason([1, "x"])
    assert "is not a literal" in reason([1, 0, 2])


@pytest.mark.parametrize("via", VIAS)
def test_solution_for_another_network_is_rejected(capsys, tmp_path, via):
    net, sol, _ = invert(capsys, EXAMPLE, tmp_path, via)
    other = tmp_path / "other.cnf"
    write_cnf(CNF.from_clauses([[1, 2, 3], [-1, -2], [2, -3]]), other)
    other_net = reduce(other, tmp_path / "other.npz", via)
    code, out, _ = run(capsys, ["verify", other_net, sol])
    reasons = rejected(out)
    sha = file_sha256(other_net)[:8]
    assert code == 1 and reasons[0].startswith("the solution is for network sha256 ")
    assert reasons[0].endswith(f"{other_net} is {sha}…")
    assert reasons[1].startswith("the solution is for source sha256 ")


def test_other_source_and_reduction_are_rejected(capsys, tmp_path):
    net, sol, doc = invert(capsys, EXAMPLE, tmp_path, "sat-sign")
    doc["network_sha256"] = None  # as `solve -o` writes it
    doc["source_sha256"] = "ab" * 32
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    src = load_source(EXAMPLE).sha256[:8]
    (reason,) = rejected(out)
    assert code == 1
    assert reason == (
        f"the solution is for source sha256 abababab…, {net} embeds source (example3.cnf) {src}…"
    )
    doc["source_sha256"] = None
    doc["reduction"] = "sat-real"
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    assert rejected(out) == [f"the solution is for reduction sat-real, {net} was built by sat-sign"]


@pytest.mark.parametrize("via", VIAS)
def test_latent_of_wrong_length(tmp_path, capsys, via):
    net, sol, doc = invert(capsys, EXAMPLE, tmp_path, via)
    doc["latent"] = doc["latent"][:-1]
    doc["certificate"] = None
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    assert rejected(out) == [
        "the latent does not invert the network: latent has length 2, network takes 3"
    ]


def test_latent_outside_the_domain(tmp_path, capsys):
    net, sol, doc = invert(capsys, EXAMPLE, tmp_path, "sat-sign")
    doc["latent"][1] = "1/2"
    code, out, _ = run(capsys, ["verify", net, write_json(sol, doc)])
    assert code == 1 and rejected(out) == [
        "the latent does not invert the network: latent z[1] = 1/2 is not in {-1, 1}"
    ]


@pytest.mark.parametrize(
    "entry, words",
    [
        ("abc", "latent[0] = 'abc' is not an exact rational"),
        ("1/0", "divides by zero"),
        ("nan", "is not an exact rational"),
        ("1e400", "is not an exact rational"),
        (0.5, 'JSON number 0.5; write exact rationals as strings such as "-3/4"'),
        (True, "is not an exact rational"),
        (None, "is not an exact rational"),
    ],
)
def test_latent_garbage_is_refused(tmp_path, entry, words):
    problem = netfile.read(reduce(EXAMPLE, tmp_path / "net.npz", "sat-real"))
    v = verify(problem, {"answer": "SATISFIABLE", "latent": [entry, "1", "1"]})
    assert not v.ok and len(v.reasons) == 1 and words in v.reasons[0], v.reasons


def test_real_latent_exact_rationals(tmp_path):
    """sat-real takes any real latent: big and fractional values that clamp to +-1 pass."""
    problem = netfile.read(reduce(EXAMPLE, tmp_path / "net.npz", "sat-real"))
    cnf = load_source(EXAMPLE).instance
    z = sat_sign.encode(cnf, [1, -2, -3]).tolist()
    assert check(cnf, [1, -2, -3])
    latent = [str(10**400) if x > 0 else "-7/3" for x in z]
    v = verify(problem, {"answer": "SATISFIABLE", "latent": latent})
    assert v.ok, v.reasons


def test_unknown_and_inconsistent_answers(tmp_path, capsys):
    net = reduce(EXAMPLE, tmp_path / "net.npz", "sat-sign")
    problem = netfile.read(net)
    v = verify(problem, {"answer": "UNKNOWN", "latent": None})
    assert v.reasons == ["nothing to verify: the answer is UNKNOWN"]
    v = verify(problem, {"status": "INVERTIBLE", "answer": "UNSATISFIABLE"})
    assert v.reasons == ["the status INVERTIBLE and the answer UNSATISFIABLE disagree"]
    v = verify(problem, {"answer": "SATISFIABLE"})
    assert "nothing to check" in v.reasons[0]
    sol = write_json(tmp_path / "u.json", {"schema": SCHEMA, "status": "UNKNOWN"})
    code, out, _ = run(capsys, ["verify", net, sol])
    assert code == 1 and rejected(out) == ["nothing to verify: the answer is UNKNOWN"]


@pytest.mark.parametrize("via", VIAS)
def test_unsat_without_proof_is_rejected(capsys, tmp_path, via):
    sol = tmp_path / "sol.json"
    assert run(capsys, ["solve", UNSAT, "--via", via, "-o", sol])[0] == 20
    net = reduce(UNSAT, tmp_path / "net.npz", via)
    code, out, _ = run(capsys, ["verify", net, sol])
    assert code == 1 and rejected(out) == [
        "an UNSATISFIABLE answer without a proof cannot be verified (use solve --certify)"
    ]


def test_network_without_source(tmp_path, capsys):
    cnf = load_source(EXAMPLE).instance
    net = tmp_path / "nosrc.npz"
    netfile.write(sat_sign.build(cnf), net)
    sol = write_json(tmp_path / "s.json", {"answer": "SATISFIABLE", "certificate": [1, -2, -3]})
    code, out, _ = run(capsys, ["verify", net, sol])
    assert code == 1 and "embeds no source instance" in rejected(out)[0]
    latent = [str(int(x)) for x in sat_sign.encode(cnf, [1, -2, -3])]
    write_json(sol, {"answer": "SATISFIABLE", "latent": latent})
    checks = assert_verified(capsys, net, sol)
    assert not any("decodes" in c for c in checks)  # nothing to decode into


# ---------------------------------------------------------------- bad input files


@pytest.mark.parametrize(
    "content, line, words",
    [
        ('{\n "answer": "SATISFIABLE",\n "latent": [1,, 2]\n}\n', 3, "invalid JSON"),
        ('{\n "schema": "reluhard.solution/9",\n "answer": "UNKNOWN"\n}\n', 2, "schema"),
        ("[1, 2]\n", 1, "'[1,' is not a literal"),  # not a JSON object: read as a model
        ('{"latent": ["1"]}', 1, 'no "answer" or "status"'),
        ("c nothing\n", None, "no literals found"),
        ("1 x 0\n", 1, "'x' is not a literal"),
    ],
)
def test_bad_solution_file_is_one_line(capsys, tmp_path, content, line, words):
    net = reduce(EXAMPLE, tmp_path / "net.npz", "sat-sign")
    sol = tmp_path / "sol.json"
    sol.write_text(content)
    code, out, err = run(capsys, ["verify", net, sol])
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and words in err
    where = f"{sol}:{line}:" if line else f"{sol}:"
    assert err.startswith(where), err


def test_verify_files_raises_input_error(tmp_path):
    net = reduce(EXAMPLE, tmp_path / "net.npz", "sat-sign")
    with pytest.raises(InputError) as info:
        verify_files(net, tmp_path / "missing.json")
    assert str(tmp_path / "missing.json") in str(info.value)
    with pytest.raises(InputError):
        verify_files(tmp_path / "missing.npz", EXAMPLE)


# ---------------------------------------------------------------- UNSAT with a DRUP proof


def unsat_with_proof(tmp_path: Path, cnf_path: Path, via: str, lines: list[str] | None = None):
    """Network, proof file and a solution JSON naming it, as `solve --certify` writes."""
    src = load_source(cnf_path)
    net = reduce(cnf_path, tmp_path / "net.npz", via)
    sat, model, proof = proofs.solve_with_proof(src.instance)
    assert not sat and proof is not None
    proof_path = tmp_path / "proof.drup"
    proofs.write_proof(proof_path, proof if lines is None else lines)
    doc = {
        "schema": SCHEMA,
        "answer": "UNSATISFIABLE",
        "status": "NOT_INVERTIBLE",
        "solver": "cpsat",
        "latent": None,
        "certificate": None,
        "checks": [],
        "network_sha256": file_sha256(net),
        "source_sha256": src.sha256,
        "reduction": via,
        "proof": {
            "format": "drup",
            "path": "proof.drup",
            "sha256": file_sha256(proof_path),
            "solver": proofs.DEFAULT_SOLVER,
            "check": {"status": "VALID"},  # never trusted
        },
    }
    return net, write_json(tmp_path / "sol.json", doc), doc, proof


@pytest.fixture
def xor2(tmp_path) -> Path:
    path = tmp_path / "xor2.cnf"
    write_cnf(CNF.from_clauses(XOR2), path)
    return path


@pytest.mark.parametrize("via", VIAS)
def test_unsat_with_valid_proof_verifies(capsys, tmp_path, xor2, via):
    pytest.importorskip("drup")
    net, sol, _, _ = unsat_with_proof(tmp_path, xor2, via)
    checks = " | ".join(assert_verified(capsys, net, sol))
    assert "checked VALID by drup" in checks and "is the one the solution names" in checks
    assert f"is not invertible (by the correctness of {via}" in checks


def test_uuf50_proof_verifies(capsys, tmp_path, satlib):
    pytest.importorskip("drup")
    uuf = next(p for p in satlib if p.name == "uuf50-01.cnf")
    net, sol, doc, proof = unsat_with_proof(tmp_path, uuf, "sat-real")
    assert_verified(capsys, net, sol)
    # an absolute proof path works from any directory
    doc["proof"]["path"] = str(tmp_path / "proof.drup")
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    assert_verified(capsys, net, write_json(elsewhere / "sol.json", doc))


@pytest.mark.parametrize("via", VIAS)
def test_truncated_proof_is_rejected(capsys, tmp_path, xor2, via):
    """All lemmas dropped (the sha256 updated to match): the checker, not the file's own
    "check": VALID, decides."""
    pytest.importorskip("drup")
    net, sol, doc, proof = unsat_with_proof(tmp_path, xor2, via, lines=[])
    assert proof  # the real proof had lemmas
    code, out, _ = run(capsys, ["verify", net, sol])
    (reason,) = rejected(out)
    assert code == 1 and reason.startswith("the proof does not refute the embedded CNF: ")
    assert "unit propagation" in reason


def test_uuf50_proof_missing_lemmas_is_rejected(capsys, tmp_path, satlib):
    pytest.importorskip("drup")
    uuf = next(p for p in satlib if p.name == "uuf50-01.cnf")
    src = load_source(uuf)
    _, _, full = proofs.solve_with_proof(src.instance)
    lemmas = [line for line in full if not line.startswith("d ")]
    net, sol, _, _ = unsat_with_proof(tmp_path, uuf, "sat-sign", lines=lemmas[len(lemmas) // 2 :])
    code, out, _ = run(capsys, ["verify", net, sol])
    (reason,) = rejected(out)
    assert code == 1 and reason.startswith("the proof does not refute the embedded CNF: ")


def test_proof_sha_mismatch_is_rejected(capsys, tmp_path, xor2):
    net, sol, doc, proof = unsat_with_proof(tmp_path, xor2, "sat-sign")
    (tmp_path / "proof.drup").write_text("c replaced\n" + "\n".join(proof) + "\n")
    code, out, _ = run(capsys, ["verify", net, sol])
    (reason,) = rejected(out)
    sha = file_sha256(tmp_path / "proof.drup")[:8]
    assert code == 1 and reason.startswith(f"the proof file {tmp_path / 'proof.drup'} has sha256")
    assert f"sha256 {sha}…, the solution names {doc['proof']['sha256'][:8]}…" in reason


def test_proof_problems_are_reasons(capsys, tmp_path, xor2, monkeypatch):
    net, sol, doc, _ = unsat_with_proof(tmp_path, xor2, "sat-sign")
    problem = netfile.read(net)

    def reasons(d: dict) -> list[str]:
        v = verify(problem, d, file_sha256(net), tmp_path)
        assert isinstance(v, Verification) and not v.ok
        return v.reasons

    missing = json.loads(json.dumps(doc))
    missing["proof"]["path"] = "gone.drup"
    assert "cannot verify: the proof file" in reasons(missing)[0]
    assert "cannot be read" in reasons(missing)[0]
    other = json.loads(json.dumps(doc))
    other["proof"]["format"] = "frat"
    assert "unknown proof format 'frat'" in reasons(other)[0]
    with_latent = dict(doc, latent=["1", "1"])
    assert "comes with a latent" in reasons(with_latent)[0]
    (tmp_path / "proof.drup").write_text("1 2 x 0\n")
    doc["proof"]["sha256"] = file_sha256(tmp_path / "proof.drup")
    assert reasons(doc) == [
        f"cannot verify: {tmp_path / 'proof.drup'}:1: not a DRUP line: unexpected token 'x'"
    ]


def test_unchecked_proof_is_rejected(capsys, tmp_path, xor2, monkeypatch):
    """Without the verified checker the proof is UNCHECKED: never VERIFIED."""
    net, sol, _, _ = unsat_with_proof(tmp_path, xor2, "sat-sign")
    monkeypatch.setattr(proofs, "checker_version", lambda: None)
    code, out, _ = run(capsys, ["verify", net, sol])
    (reason,) = rejected(out)
    assert code == 1 and reason.startswith("cannot verify: the verified checker is not installed")
