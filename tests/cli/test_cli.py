"""Tests for the command line (reluhard.cli): ``reduce`` and ``reluhard {reduce,info,list}``.

Run in process (``cli.main`` / ``cli.reduce_main`` with capsys) for speed, plus one
subprocess test each for the installed console scripts."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reluhard import cli, netfile
from reluhard.problems.dimacs_cnf import read_cnf
from tests.helpers.cli import one_error_line
from tests.helpers.corpus import DATA, corpus_rows

CORPUS = DATA / "malformed_cnf"
BIN = Path(sys.executable).parent
VIAS = ["sat-sign", "sat-real"]
SMALL_CNF = b"c a tiny formula\np cnf 3 2\n1 -2 0\n2 3 0\n"


def run(capsys, func, argv) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``func(argv)``; argparse's SystemExit included."""
    capsys.readouterr()
    try:
        rc = func([str(a) for a in argv])
    except SystemExit as e:
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def satlib_file(satlib: list[Path], name: str = "uf20-01.cnf") -> Path:
    by_name = {p.name: p for p in satlib}
    return by_name.get(name, satlib[0])


@pytest.fixture
def small_cnf(tmp_path) -> Path:
    path = tmp_path / "small.cnf"
    path.write_bytes(SMALL_CNF)
    return path


def assert_same_network(a, b) -> None:
    """Same layers, target, domain, query and reduction (the source may differ)."""
    assert len(a.network.layers) == len(b.network.layers)
    for la, lb in zip(a.network.layers, b.network.layers, strict=True):
        assert (la.sparse, la.shape, la.activation, la.slope) == (
            lb.sparse,
            lb.shape,
            lb.activation,
            lb.slope,
        )
        if la.sparse:
            for part in ("data", "indices", "indptr"):
                assert np.array_equal(getattr(la.W, part), getattr(lb.W, part))
        else:
            assert la.W.tobytes() == lb.W.tobytes()
        assert la.b.tobytes() == lb.b.tobytes()
    assert a.target.tobytes() == b.target.tobytes()
    assert (a.domain, a.query, a.reduction) == (b.domain, b.query, b.reduction)


# --------------------------------------------------------------------------- reduce


@pytest.mark.parametrize("via", VIAS)
def test_reduce_every_satlib_file(satlib, tmp_path, capsys, via):
    for path in satlib:
        out_path = tmp_path / (path.stem + ".npz")
        argv = [path, "-o", out_path] + (["--via", via] if via != "sat-sign" else [])
        rc, out, err = run(capsys, cli.reduce_main, argv)
        assert (rc, err) == (0, ""), path.name
        cnf = read_cnf(path)
        assert out.startswith(f"c {path.name} ({cnf.nvars} variables, {cnf.nclauses} clauses)")
        assert f"via {via}" in out
        assert f"c wrote {out_path} ({out_path.stat().st_size} bytes)" in out
        problem = netfile.read(out_path)
        assert problem.reduction.name == via
        src = problem.source
        assert (src.kind, src.name) == ("cnf", path.name)
        assert src.instance == cnf, path.name
        assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        again = tmp_path / "again.npz"
        netfile.write(problem, again)
        assert again.read_bytes() == out_path.read_bytes(), path.name


def test_default_via_is_sat_sign(satlib, tmp_path, capsys):
    path = satlib_file(satlib)
    default, explicit = tmp_path / "default.npz", tmp_path / "explicit.npz"
    assert run(capsys, cli.reduce_main, [path, "-o", default])[0] == 0
    assert run(capsys, cli.reduce_main, [path, "-o", explicit, "--via", "sat-sign"])[0] == 0
    assert default.read_bytes() == explicit.read_bytes()


@pytest.mark.parametrize("via", VIAS)
def test_reluhard_reduce_equals_reduce(satlib, tmp_path, capsys, via):
    for path in satlib[:: max(1, len(satlib) // 5)]:
        a, b = tmp_path / "a.npz", tmp_path / "b.npz"
        rc_a, out_a, _ = run(capsys, cli.reduce_main, [path, "-o", a, "--via", via])
        rc_b, out_b, _ = run(capsys, cli.main, ["reduce", path, "-o", b, "--via", via])
        assert rc_a == rc_b == 0
        assert a.read_bytes() == b.read_bytes(), path.name
        assert out_a.replace(str(a), "OUT") == out_b.replace(str(b), "OUT")


@pytest.mark.parametrize(
    ("module", "suffix"), [(gzip, ".gz"), (bz2, ".bz2"), (lzma, ".xz")], ids=["gz", "bz2", "xz"]
)
def test_compressed_input_gives_same_network(satlib, tmp_path, capsys, module, suffix):
    plain = satlib_file(satlib)
    packed = tmp_path / (plain.name + suffix)
    packed.write_bytes(module.compress(plain.read_bytes()))
    for via in VIAS:
        a, b = tmp_path / "plain.npz", tmp_path / "packed.npz"
        assert run(capsys, cli.reduce_main, [plain, "-o", a, "--via", via])[0] == 0
        assert run(capsys, cli.reduce_main, [packed, "-o", b, "--via", via])[0] == 0
        pa, pb = netfile.read(a), netfile.read(b)
        assert_same_network(pa, pb)
        assert pa.source.instance == pb.source.instance == read_cnf(plain)
        # the hash is of the bytes as stored, so it differs
        assert pb.source.sha256 == hashlib.sha256(packed.read_bytes()).hexdigest()
        assert pa.source.sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()
        assert pa.source.sha256 != pb.source.sha256


# --------------------------------------------------------------------------- malformed input


def corpus_params() -> list:
    return [
        pytest.param(
            name,
            expected,
            id=name,
        )
        for name, expected in corpus_rows(CORPUS)
    ]


@pytest.mark.parametrize(("name", "expected"), corpus_params())
def test_malformed_corpus(tmp_path, capsys, monkeypatch, name, expected):
    # a relative path, to check that the message uses the path exactly as passed
    monkeypatch.chdir(DATA)
    given = f"malformed_cnf/{name}"
    out_path = tmp_path / "out.npz"
    rc, out, err = run(capsys, cli.reduce_main, [given, "-o", out_path])
    assert rc == 1
    assert out == ""
    assert one_error_line(err) == expected.replace("{path}", given)
    assert not out_path.exists()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize("entry", ["reduce", "reluhard"])
def test_missing_output_is_a_usage_error(small_cnf, capsys, entry):
    func, prefix = (cli.reduce_main, []) if entry == "reduce" else (cli.main, ["reduce"])
    rc, out, err = run(capsys, func, [*prefix, small_cnf])
    assert rc == 2
    assert "-o" in err and "required" in err


@pytest.mark.parametrize("entry", ["reduce", "reluhard"])
def test_param_without_equals_is_a_usage_error(small_cnf, tmp_path, capsys, entry):
    func, prefix = (cli.reduce_main, []) if entry == "reduce" else (cli.main, ["reduce"])
    out_path = tmp_path / "out.npz"
    rc, _, err = run(capsys, func, [*prefix, small_cnf, "-o", out_path, "--param", "foo"])
    assert rc == 2
    assert "KEY=VALUE" in err and "'foo'" in err
    assert not out_path.exists()


def test_reluhard_without_command_is_a_usage_error(capsys):
    assert run(capsys, cli.main, [])[0] == 2
    assert run(capsys, cli.main, ["frobnicate"])[0] == 2


def test_unknown_reduction(small_cnf, tmp_path, capsys):
    out_path = tmp_path / "out.npz"
    rc, out, err = run(capsys, cli.reduce_main, [small_cnf, "-o", out_path, "--via", "nope"])
    assert rc == 1
    line = one_error_line(err)
    assert "unknown reduction 'nope'" in line
    assert "sat-sign" in line and "sat-real" in line
    assert not out_path.exists()


def test_parameter_the_reduction_does_not_take(small_cnf, tmp_path, capsys):
    out_path = tmp_path / "out.npz"
    argv = [small_cnf, "-o", out_path, "--param", "k=v"]
    rc, _, err = run(capsys, cli.reduce_main, argv)
    assert rc == 1
    line = one_error_line(err)
    assert "'k'" in line and "sat-sign" in line
    assert not out_path.exists()


def test_graph_file_needs_its_parameter_and_other_formats_are_refused(tmp_path, capsys):
    graph = tmp_path / "triangle.col"
    graph.write_text("c a triangle\np edge 3 3\ne 1 2\ne 2 3\ne 1 3\n")
    out_path = tmp_path / "out.npz"
    rc, _, err = run(capsys, cli.reduce_main, [graph, "-o", out_path])
    assert rc == 1
    assert "needs --param q=" in one_error_line(err)
    assert not out_path.exists()
    rc, _, err = run(capsys, cli.reduce_main, [graph, "-o", out_path, "--param", "q=2"])
    assert rc == 0 and out_path.exists()
    wcnf = tmp_path / "x.wcnf"
    wcnf.write_text("c weighted\np wcnf 2 1 5\n5 1 2 0\n")
    rc, _, err = run(capsys, cli.reduce_main, [wcnf, "-o", tmp_path / "w.npz"])
    line = one_error_line(err)
    assert rc == 1 and line.startswith(f"{wcnf}:2: ") and "not supported" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("p\n1 0\n", "malformed header 'p'", id="bare-p"),
        pytest.param("p cnf\n", "malformed header 'p cnf'", id="no-counts"),
    ],
)
def test_malformed_cnf_header_reads_as_the_parser_says(tmp_path, capsys, text, expected):
    cnf = tmp_path / "h.cnf"
    cnf.write_text(text)
    rc, _, err = run(capsys, cli.reduce_main, [cnf, "-o", tmp_path / "out.npz"])
    assert rc == 1
    assert one_error_line(err) == (f"{cnf}:1: {expected} (expected 'p cnf VARIABLES CLAUSES')")


def test_nonexistent_input(tmp_path, capsys):
    missing = tmp_path / "no_such.cnf"
    out_path = tmp_path / "out.npz"
    rc, _, err = run(capsys, cli.reduce_main, [missing, "-o", out_path])
    assert rc == 1
    line = one_error_line(err)
    assert line.startswith(f"{missing}: ") and "cannot read" in line
    assert list(tmp_path.iterdir()) == []


def test_output_in_nonexistent_directory(small_cnf, tmp_path, capsys):
    out_path = tmp_path / "no" / "such" / "dir" / "out.npz"
    rc, out, err = run(capsys, cli.reduce_main, [small_cnf, "-o", out_path])
    assert rc == 1
    line = one_error_line(err)
    assert line.startswith(f"{out_path}: ") and "cannot write" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.cnf"]


def test_output_that_is_a_directory_leaves_no_temp_file(small_cnf, tmp_path, capsys):
    out_dir = tmp_path / "out.npz"
    out_dir.mkdir()
    rc, _, err = run(capsys, cli.reduce_main, [small_cnf, "-o", out_dir])
    assert rc == 1
    assert one_error_line(err).startswith(f"{out_dir}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.npz", "small.cnf"]


def test_clause_count_mismatch(tmp_path, capsys):
    cnf = tmp_path / "short.cnf"
    cnf.write_text("p cnf 3 3\n1 -2 0\n2 3 0\n")
    out_path = tmp_path / "out.npz"
    rc, out, err = run(capsys, cli.reduce_main, [cnf, "-o", out_path])
    assert rc == 1
    line = one_error_line(err)
    assert line == f"{cnf}:3: header declares 3 clauses but 2 were found (truncated file?)"
    assert not out_path.exists()

    argv = [cnf, "-o", out_path, "--allow-count-mismatch"]
    for func, prefix in ((cli.reduce_main, []), (cli.main, ["reduce"])):
        rc, out, err = run(capsys, func, [*prefix, *argv])
        assert rc == 0
        line = one_error_line(err)
        assert line.startswith("warning: ") and "header declares 3 clauses" in line
        assert f"c wrote {out_path}" in out
        assert netfile.read(out_path).source.instance.clauses() == [[1, -2], [2, 3]]


# --------------------------------------------------------------------------- info and list


def test_info_sat_sign(satlib, tmp_path, capsys):
    path = satlib_file(satlib)
    assert path.name == "uf20-01.cnf"
    net = tmp_path / "uf20-01.npz"
    assert run(capsys, cli.reduce_main, [path, "-o", net])[0] == 0
    rc, out, err = run(capsys, cli.main, ["info", net])
    assert (rc, err) == (0, "")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    lines = out.splitlines()
    assert lines[0].startswith(f"file       {net}") and "reluhard.net/1" in lines[0]
    assert "sat-sign" in out and "Theorem 1" in out
    assert "uf20-01.cnf" in out and "20 variables, 91 clauses" in out
    assert sha in out
    assert "n = 20" in out and "{-1,1}^n" in out
    assert "exact: G(z) = x" in out
    table = lines[lines.index("layers") + 1 :]
    assert len(table) == 3  # a heading and two layers
    assert table[0].split() == ["#", "in", "out", "activation", "format", "nonzeros"]
    first, second = table[1].split(), table[2].split()
    assert first == ["1", "20", "91", "relu", "csr", "273"]
    assert second[:4] == ["2", "91", "1", "identity"] and second[-1] == "91"


def test_info_sat_real(satlib, tmp_path, capsys):
    path = satlib_file(satlib)
    net = tmp_path / "real.npz"
    assert run(capsys, cli.reduce_main, [path, "-o", net, "--via", "sat-real"])[0] == 0
    rc, out, err = run(capsys, cli.main, ["info", net])
    assert (rc, err) == (0, "")
    assert "sat-real" in out and "Theorem 2" in out
    assert "R^n" in out and "[-1,1]^n" in out
    assert "target x = [0 20]" in out
    table = out.splitlines()[out.splitlines().index("layers") + 2 :]
    assert [row.split()[3] for row in table] == ["relu", "relu", "relu", "identity"]
    assert [row.split()[1:3] for row in table] == [
        ["20", "20"],
        ["20", "20"],
        ["20", "131"],
        ["131", "2"],
    ]


def test_list(capsys):
    rc, out, err = run(capsys, cli.main, ["list"])
    assert (rc, err) == (0, "")
    assert "reductions" in out and "solvers" in out
    for name in ("sat-sign", "sat-real", "brute"):
        assert name in out
    sign_line = next(line for line in out.splitlines() if "sat-sign" in line)
    assert "(default)" in sign_line


def test_version(capsys):
    rc, out, _ = run(capsys, cli.main, ["--version"])
    assert rc == 0 and out.startswith("reluhard ")


# --------------------------------------------------------------------------- console scripts


def test_console_script_reduce(satlib, tmp_path):
    exe = BIN / "reduce"
    assert exe.exists(), exe
    path = satlib_file(satlib)
    out_path = tmp_path / "script.npz"
    done = subprocess.run([exe, path, "-o", out_path], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert f"c wrote {out_path}" in done.stdout
    ref = tmp_path / "inproc.npz"
    assert cli.reduce_main([str(path), "-o", str(ref)]) == 0
    assert out_path.read_bytes() == ref.read_bytes()
    bad = CORPUS / "literal_above_nvars.cnf"
    done = subprocess.run([exe, bad, "-o", tmp_path / "x.npz"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == f"{bad}:3: literal 7 exceeds the declared 5 variables\n"
    assert not (tmp_path / "x.npz").exists()


def test_console_script_reluhard(satlib, tmp_path):
    exe = BIN / "reluhard"
    assert exe.exists(), exe
    path = satlib_file(satlib)
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    done = subprocess.run(
        [exe, "reduce", path, "-o", a, "--via", "sat-real"], capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert cli.reduce_main([str(path), "-o", str(b), "--via", "sat-real"]) == 0
    assert a.read_bytes() == b.read_bytes()
    done = subprocess.run([exe, "info", a], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert "sat-real" in done.stdout and path.name in done.stdout
    missing = tmp_path / "missing.npz"
    done = subprocess.run([exe, "info", missing], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{missing}: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
