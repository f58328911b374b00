"""Circuits on the command line: ``reduce`` and ``solve`` on every public circuit
(sequential ones refused in one line), a certified UNSAT through the Tseitin CNF's DRUP
proof re-checked by ``verify``, SAT certificates on ``v`` lines, and ``crosscheck`` on
circuit files."""

from __future__ import annotations

import json

import pytest

from reluhard.problems.circuit_build import Builder
from reluhard.problems.circuit_format import write_circuit
from tests.helpers.cli import one_error_line, run_cli
from tests.helpers.instances import CIRCUITS, circuit_files

SEQUENTIAL = {"cnt1.aag", "toggle.aag"}


def half_adder(path):
    b = Builder(2)
    x, y = b.inputs
    write_circuit(b.finish([b.xor(x, y), b.and_(x, y)], ("x", "y"), ("s", "c")), path)
    return path


@pytest.mark.parametrize("path", circuit_files(), ids=lambda p: p.name)
def test_reduce_and_solve_every_public_circuit(capsys, tmp_path, path):
    net = tmp_path / "net.npz"
    code, out, err = run_cli(capsys, ["reduce", path, "-o", net])
    if path.name in SEQUENTIAL:
        assert code == 1 and "latches (L = 1) are not supported" in one_error_line(err)
        return
    assert code == 0 and "via circuit-sign" in out, err
    code, out, err = run_cli(capsys, ["solve", path, "--time-limit", "60"])
    assert code in (10, 20), err
    if code == 10:
        assert "c certificate: an input vector" in out
        v = " ".join(line[2:] for line in out.splitlines() if line.startswith("v "))
        assert v.endswith(" 0") or v == "0"


def test_public_circuits_present():
    if not circuit_files():
        pytest.skip(f"public circuits not found at {CIRCUITS}")


def test_certified_unsat_and_verify(capsys, tmp_path):
    src = half_adder(tmp_path / "ha.aag")
    for via in ("circuit-sign", "circuit-real"):
        net = tmp_path / f"{via}.npz"
        code, _, err = run_cli(
            capsys, ["reduce", src, "-o", net, "--via", via, "--param", "outputs=11"]
        )
        assert code == 0, err
        sol = tmp_path / f"{via}.json"
        code, out, err = run_cli(capsys, ["invert", net, "--certify", "-o", sol])
        assert code == 20 and "checked VALID" in out, (out, err)
        assert json.loads(sol.read_text())["proof"]["format"] == "lrat"
        code, out, err = run_cli(capsys, ["verify", net, sol])
        assert code == 0 and out.startswith("VERIFIED"), out
        assert "refutes the embedded CNF" in out


def test_sat_certificate_on_v_lines_and_verify(capsys, tmp_path):
    src = half_adder(tmp_path / "ha.bench")
    code, out, _ = run_cli(capsys, ["solve", src, "--param", "outputs=10", "--certify"])
    assert code == 10
    v = [line for line in out.splitlines() if line.startswith("v ")]
    assert v in (["v 1 -2 0"], ["v -1 2 0"])
    certified = "c certified: the input vector drives all 2 outputs of the embedded circuit"
    assert f"{certified} to the target (2 inputs, simulated); the latent was checked exactly" in out
    net = tmp_path / "n.npz"
    run_cli(capsys, ["reduce", src, "-o", net, "--param", "planted=01"])
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("s SATISFIABLE\nv -1 2 0\n")
    bad.write_text("s SATISFIABLE\nv 1 2 0\n")
    code, out, _ = run_cli(capsys, ["verify", net, good])
    assert code == 0 and "drives all 2 outputs" in out
    code, out, _ = run_cli(capsys, ["verify", net, bad])
    assert code == 1 and "output 1 (s) is false under the input vector" in out


def test_parameter_errors_are_one_line(capsys, tmp_path):
    src = half_adder(tmp_path / "ha.aag")
    code, _, err = run_cli(capsys, ["solve", src, "--param", "outputs=1"])
    assert code == 1
    assert one_error_line(err) == "outputs=1 has 1 bits, the circuit has 2 outputs"
    code, _, err = run_cli(capsys, ["solve", src, "--via", "sat-sign"])
    assert code == 1 and "takes a 'cnf' instance, not a 'circuit' one" in one_error_line(err)


def test_crosscheck_takes_circuits(capsys, tmp_path):
    half_adder(tmp_path / "ha.aag")  # every output true: UNSAT
    b = Builder(3)
    x, y, z = b.inputs
    write_circuit(b.finish([b.maj(x, y, z), b.xor(x, y, z)]), tmp_path / "fa.bench.gz")
    report = tmp_path / "r.json"
    code, out, err = run_cli(
        capsys,
        ["crosscheck", tmp_path, "--solvers", "cadical195", "--report", report,
         "--time-limit", "60"],
    )  # fmt: skip
    assert code == 0, out + err
    assert "net:circuit-sign" in out and "net:circuit-real" in out
    data = json.loads(report.read_text())
    truths = {r["name"]: r["truth"] for r in data["instances"]}
    assert truths == {"fa.bench.gz": "SAT", "ha.aag": "UNSAT"}
    assert data["failures"] == [] and data["summary"]["clean"]
