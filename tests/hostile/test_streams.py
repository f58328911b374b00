"""Hostile input, pipes and streams (issue 21): ``-`` is standard input for text sources and
standard output for solution files; a closed pipe ends quietly with exit 141.

Before the fix ``-`` was a file name (``-o -`` wrote a file called ``-``) and
``reluhard list | head -1`` ended in a ``BrokenPipeError`` traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import one_error_line, run_cli

ROOT = Path(__file__).resolve().parents[2]
SAT = b"p cnf 2 1\n1 2 0\n"


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_solve_reads_standard_input(monkeypatch, capsys):
    _stdin(monkeypatch, SAT)
    code, out, _ = run_cli(capsys, ["solve", "-"])
    assert code == 10
    assert out.splitlines()[0].startswith("c <stdin> (2 variables, 1 clauses) via sat-sign")
    assert "v 1 2 0" in out


def test_bad_standard_input_is_named_stdin(monkeypatch, capsys, tmp_path):
    _stdin(monkeypatch, b"p cnf 2 x\n")
    code, _, err = run_cli(capsys, ["reduce", "-", "-o", str(tmp_path / "x.npz")])
    assert code == 1
    assert one_error_line(err) == (
        "<stdin>:1: malformed header 'p cnf 2 x' (expected 'p cnf VARIABLES CLAUSES')"
    )


def test_verify_reads_a_model_from_standard_input(monkeypatch, capsys, tmp_path):
    net = tmp_path / "n.npz"
    (tmp_path / "f.cnf").write_bytes(SAT)
    assert run_cli(capsys, ["reduce", tmp_path / "f.cnf", "-o", net])[0] == 0
    _stdin(monkeypatch, b"s SATISFIABLE\nv 1 -2 0\n")
    code, out, _ = run_cli(capsys, ["verify", net, "-"])
    assert code == 0 and out.startswith("VERIFIED")


def test_solution_to_standard_output_is_all_of_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.cnf").write_bytes(SAT)
    code, out, err = run_cli(capsys, ["solve", "f.cnf", "-o", "-"])
    assert code == 10
    doc = json.loads(out)  # nothing else on standard output
    assert doc["answer"] == "SATISFIABLE" and doc["certificate"] == [1, 2]
    assert "s SATISFIABLE" in err  # the answer lines moved to standard error
    assert not (tmp_path / "-").exists()


def test_a_network_file_is_not_written_to_standard_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.cnf").write_bytes(SAT)
    code, _, err = run_cli(capsys, ["reduce", "f.cnf", "-o", "-"])
    assert code == 1
    assert one_error_line(err) == (
        "a network file cannot be written to standard output (-o -); name a file"
    )
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("argv", [["list"], ["--version"], ["solve", "-"]])
def test_a_closed_pipe_is_exit_141_without_a_traceback(argv):
    """The reader has gone before the first byte (``| head -0``)."""
    code = "import sys; from reluhard.cli import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r, w = os.pipe()
    os.close(r)  # nobody will read standard output
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv],
        stdout=w,
        stderr=subprocess.PIPE,
        input=SAT,
        env=env,
        timeout=120,
    )
    os.close(w)
    # argparse itself drops a failed write of --version and exits 0
    assert proc.returncode == (0 if argv == ["--version"] else 141), proc.stderr
    assert proc.stderr == b""
