"""Inputs that are not regular files (issue 21): a FIFO would block forever, ``/dev/zero``
and ``/dev/urandom`` never end, a directory is no input. Every path reluhard reads (an
instance, a network file, a solution file, a certificate, a proof named by a solution) is
refused by its type before it is opened, in one line."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers.cli import run_bounded, run_cli
from tests.helpers.instances import UNSAT

REFUSAL = "not a regular file ({}); reluhard reads only regular files"
SPECIAL = [("/dev/zero", "a character device"), ("/dev/urandom", "a character device")]


@pytest.fixture
def unsat_files(tmp_path, capsys):
    """``net.npz``, ``sol.json`` (UNSATISFIABLE with a checked proof ``sol.drup``)."""
    shutil.copy(UNSAT, tmp_path / "unsat3.cnf")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert run_cli(capsys, ["reduce", "unsat3.cnf", "-o", "net.npz"])[0] == 0
        assert run_cli(capsys, ["invert", "net.npz", "--certify", "-o", "sol.json"])[0] == 20
    finally:
        os.chdir(cwd)
    return tmp_path


def commands(special: str, net: str, sol: str) -> list[list[str]]:
    """Every command with ``special`` in each place a file is read."""
    return [
        ["reduce", special, "-o", "out.npz"],
        ["solve", special],
        ["explain", special],
        ["explain", str(UNSAT), "--cert", special],
        ["info", special],
        ["invert", special],
        ["verify", special, sol],
        ["verify", net, special],
    ]


@pytest.mark.parametrize(("special", "kind"), SPECIAL)
def test_devices_are_refused_everywhere(capsys, unsat_files, special, kind):
    net, sol = unsat_files / "net.npz", unsat_files / "sol.json"
    for argv in commands(special, str(net), str(sol)):
        code, _, err = run_cli(capsys, argv)
        assert "Traceback" not in err, argv
        assert (code, err.splitlines()) == (1, [f"{special}: {REFUSAL.format(kind)}"]), argv


def test_a_directory_is_refused(capsys, tmp_path):
    code, _, err = run_cli(capsys, ["solve", tmp_path])
    assert (code, err.splitlines()) == (1, [f"{tmp_path}: {REFUSAL.format('a directory')}"])


def test_a_fifo_is_refused_without_blocking(unsat_files):
    """In a child process with a deadline: were the FIFO opened, the run would block."""
    os.mkfifo(unsat_files / "pipe")
    for argv in (["solve", "pipe"], ["info", "pipe"], ["verify", "net.npz", "pipe"]):
        run = run_bounded(argv, unsat_files, timeout=30)
        assert (run.code, run.err.splitlines()) == (
            1,
            [f"pipe: {REFUSAL.format('a FIFO')}"],
        ), argv


def test_a_proof_path_that_is_a_fifo_is_refused(unsat_files):
    """The solution names its proof file; replaced by a FIFO, verify rejects it at once."""
    os.remove(unsat_files / "sol.drup")
    os.mkfifo(unsat_files / "sol.drup")
    run = run_bounded(["verify", "net.npz", "sol.json"], unsat_files, timeout=30)
    assert (run.code, run.out.splitlines(), run.err) == (
        1,
        [
            "REJECTED: cannot verify: the proof file sol.drup cannot be read "
            f"({REFUSAL.format('a FIFO')})"
        ],
        "",
    )


def test_a_proof_path_that_is_a_device_is_refused(capsys, unsat_files):
    doc = (unsat_files / "sol.json").read_text().replace('"sol.drup"', '"/dev/zero"')
    (unsat_files / "sol.json").write_text(doc)
    code, out, err = run_cli(capsys, ["verify", unsat_files / "net.npz", unsat_files / "sol.json"])
    assert (code, out.splitlines(), err) == (
        1,
        [
            "REJECTED: cannot verify: the proof file /dev/zero cannot be read "
            f"({REFUSAL.format('a character device')})"
        ],
        "",
    )
