"""Hostile input, output paths (issue 21): an output that names an input is refused before
any work, so the input survives; outputs are written atomically.

Before the fix each of these overwrote its input and exited 0 or 10 (``reduce F -o F``
replaced the CNF with a network file)."""

from __future__ import annotations

import os

import pytest

from reluhard.errors import InputError
from tests.helpers.cli import one_error_line, run_cli

CNF = "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"


@pytest.fixture
def files(tmp_path, capsys):
    cnf = tmp_path / "f.cnf"
    cnf.write_text(CNF)
    net = tmp_path / "n.npz"
    assert run_cli(capsys, ["reduce", cnf, "-o", net])[0] == 0
    link = tmp_path / "link.cnf"
    os.symlink(cnf, link)
    return {"F": str(cnf), "N": str(net), "L": str(link)}


#: argv with F (the CNF), N (the network), L (a symbolic link to F); the output it names; the
#: input it would destroy
CASES = {
    "reduce F -o F": (["reduce", "F", "-o", "F"], "F", "F"),
    "reduce F -o L (a link to F)": (["reduce", "F", "-o", "L"], "L", "F"),
    "solve F -o F": (["solve", "F", "-o", "F"], "F", "F"),
    "solve F --certify --proof F": (["solve", "F", "--certify", "--proof", "F"], "F", "F"),
    "invert N -o N": (["invert", "N", "-o", "N"], "N", "N"),
    "invert N --certify --proof N": (["invert", "N", "--certify", "--proof", "N"], "N", "N"),
    "solve L -o F (L links to F)": (["solve", "L", "-o", "F"], "F", "L"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_output_naming_an_input_is_refused(files, capsys, name):
    argv, out, victim = CASES[name]
    before = {k: open(p, "rb").read() for k, p in files.items() if k != "L"}
    code, stdout, err = run_cli(capsys, [files.get(a, a) for a in argv])
    assert code == 1 and stdout == ""
    assert one_error_line(err) == (
        f"{files[out]}: the output is the input {files[victim]}: refusing to overwrite it"
    )
    assert {k: open(p, "rb").read() for k, p in files.items() if k != "L"} == before


def test_two_outputs_naming_one_file_are_refused(files, tmp_path, capsys):
    sol = str(tmp_path / "s.json")
    argv = ["solve", files["F"], "--certify", "-o", sol, "--proof", sol]
    code, _, err = run_cli(capsys, argv)
    assert code == 1
    assert one_error_line(err) == f"{sol}: two outputs name the same file"


def test_the_default_proof_path_is_checked_too(tmp_path, capsys):
    """``invert f.drup --certify`` would write its proof to ``f.drup`` (stem + .drup)."""
    cnf = tmp_path / "f.cnf"
    cnf.write_text(CNF)
    net = tmp_path / "f.drup"
    assert run_cli(capsys, ["reduce", cnf, "-o", tmp_path / "x.npz"])[0] == 0
    os.replace(tmp_path / "x.npz", net)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, _, err = run_cli(capsys, ["invert", "f.drup", "--certify"])
    finally:
        os.chdir(cwd)
    assert code == 1
    assert one_error_line(err) == (
        f"{tmp_path / 'f.drup'}: the output is the input f.drup: refusing to overwrite it"
    )


def test_a_failed_write_leaves_the_old_file(tmp_path):
    from reluhard import atomic

    target = tmp_path / "out.json"
    target.write_text("good\n")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), atomic.replacing(target, "solution") as tmp:
        with open(tmp, "w") as f:
            f.write("half")
        raise Boom
    assert target.read_text() == "good\n"
    assert os.listdir(tmp_path) == ["out.json"]  # no temporary file left behind


def test_writes_are_atomic_and_keep_the_umask(tmp_path):
    from reluhard import atomic

    target = tmp_path / "o.txt"
    atomic.write_text(target, "x", "file")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_text() == "x"
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~mask


def test_an_unwritable_folder_is_one_line(tmp_path):
    from reluhard import atomic

    with pytest.raises(InputError, match="cannot write solution: No such file or directory"):
        atomic.write_text(tmp_path / "missing" / "s.json", "{}", "solution")
