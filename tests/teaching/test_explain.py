"""Tests for ``reluhard explain`` (reluhard.teaching.explain): the step-by-step text, the
HTML page and network figure, certificates given by file, and bad certificate files."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from reluhard.errors import InputError
from reluhard.pipeline import in_memory_source, load_source, reduce_source
from reluhard.problems.cnf import CNF, falsified
from reluhard.teaching import explain as ex
from tests.helpers.instances import ROOT, SATLIB

EXAMPLE3 = ROOT / "instances" / "example3.cnf"
UNSAT3 = ROOT / "instances" / "unsat3.cnf"
UF20 = SATLIB / "uf20-01.cnf"
VIAS = ["sat-sign", "sat-real"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def flat(text: str) -> str:
    """The text with every run of whitespace (line wraps included) made one space."""
    return " ".join(text.split())


def explained(path: Path, via: str, **kw) -> tuple[str, object]:
    src = load_source(path)
    return ex.explain(src, reduce_source(src, via), **kw), src


def step(text: str, k: int) -> str:
    """The text of step ``k`` (up to the next step's heading)."""
    start = text.index(f"Step {k}.")
    nxt = text.find(f"Step {k + 1}.", start)
    return text[start : nxt if nxt >= 0 else len(text)]


def falsified_named(text: str) -> list[int]:
    """The clauses (0-based) that the 'Not a certificate' sentence names."""
    m = re.search(
        r"Not a certificate: the assignment falsifies (\d+) clause\(s\): (.*?)\. Each", text, re.S
    )
    assert m, text
    return [int(j) - 1 for j in re.findall(r"c(\d+): \(", m.group(2))]


def step6_assignment(text: str) -> list[int]:
    m = re.search(r"\(DIMACS: ([-\d ]+)\)", step(text, 6))
    assert m
    return [int(v) for v in m.group(1).split()]


def check_key_steps(raw: str, via: str, src) -> None:
    cnf = src.instance
    text = flat(raw)
    for k in range(1, 7):
        assert f"Step {k}." in text
    # (1) the instance and (2) the clause units
    assert f"{cnf.nvars} variables x1..x{cnf.nvars} with {cnf.nclauses} clauses" in text
    assert "weight -1 on x_i for a positive literal, +1 for a negative one" in text or (
        "sat-sign weights -1 / +1 and bias 1 - width" in text
    )
    assert "pre-activation = (w - t) - t + (1 - w) = 1 - 2t" in text
    first = cnf.clause(0).tolist()
    label = "c1: (" + " | ".join(f"x{v}" if v > 0 else f"~x{-v}" for v in first) + ")"
    assert label in text
    # (3) matrices, (4) target and domain
    assert "Layer 1: W1 is" in text and "bias" in text
    if via == "sat-sign":
        assert "Target x = (0)" in text and "{-1,1}^n" in text
    else:
        assert f"Target x = (0, {cnf.nvars})" in text
        assert "h = ReLU(z + 1)" in text and "g = ReLU(2 - h)" in text
        assert "|v1|+" in text and "|v1|-" in text
        assert "Why [-1,1]^n is without loss of generality" in text
        assert "G reads z only through clamp(z)" in text
    # (5) the worked example passes the exact check, (6) the non-certificate fails it
    s5, s6 = step(text, 5), step(text, 6)
    assert "the output meets the target" in s5 and "Exact check PASSED" in s5
    assert "the output misses the target" in s6 and "Exact check FAILED" in s6
    named = falsified_named(s6)
    assert named == falsified(cnf, step6_assignment(text)).tolist()[: len(named)]
    assert "<- fires: falsified" in raw  # the firing units are marked in the layer table
    assert named


@pytest.mark.parametrize("via", VIAS)
def test_example3_text_and_files(tmp_path, via):
    text, src = explained(EXAMPLE3, via, out_dir=tmp_path / "out")
    check_key_steps(text, via, src)
    assert "c2: (~x1 | ~x2)" in text
    assert max(len(s) for s in text.splitlines() if not s.startswith("wrote ")) <= 100
    png = (tmp_path / "out" / "network.png").read_bytes()
    page = (tmp_path / "out" / "explain.html").read_text(encoding="utf-8")
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    assert len(page.encode()) > 5_000
    assert "<table" in page and "data:image/png;base64," in page
    for k in range(1, 7):
        assert f"<h2>Step {k}." in page
    assert "Exact check PASSED" in page and "Exact check FAILED" in page
    # self-contained: no scripts, no external resources
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "wrote" in text and "explain.html" in text


@pytest.mark.parametrize("via", VIAS)
def test_uf20_summarised(tmp_path, via):
    if not UF20.is_file():
        pytest.skip(f"public SATLIB instance not found at {UF20}")
    text, src = explained(UF20, via, out_dir=tmp_path)
    check_key_steps(text, via, src)
    # 91 clauses > 60: summarised on the terminal, not flooded
    assert "... 83 more clauses" in text
    assert "more rows" in text
    assert len(text.splitlines()) < 400
    assert max(len(s) for s in text.splitlines() if not s.startswith("wrote ")) <= 100
    png = (tmp_path / "network.png").read_bytes()
    page = (tmp_path / "explain.html").read_text(encoding="utf-8")
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    assert "<table" in page and "data:image/png;base64," in page
    assert "c91: (" in page  # the page shows every clause


def test_text_width_respected():
    text, _ = explained(EXAMPLE3, "sat-real", width=80)
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("via", VIAS)
def test_unsat_explains_without_a_model(tmp_path, via):
    text, src = explained(UNSAT3, via, out_dir=tmp_path)
    text = flat(text)
    s5 = step(text, 5)
    assert "UNSATISFIABLE" in s5 and "no certificate" in s5
    assert "Exact check PASSED" not in text
    assert "the all-false assignment" in step(text, 6)
    assert falsified_named(text) == [0]  # all-false falsifies x1 | x2 | x3
    assert (tmp_path / "explain.html").stat().st_size > 5_000


def test_odd_clauses_are_named():
    cnf = CNF.from_clauses([[1], [2, -2, 3], [3, 3, -4], [], [-1, 4], [4, -1]], nvars=4)
    src = in_memory_source("cnf", cnf)
    text = flat(ex.explain(src, reduce_source(src, "sat-sign")))
    s1 = step(text, 1)
    for tag in ("unit: forces x1", "tautology", "repeated literal x3", "empty", "repeats c5"):
        assert tag in s1
    assert "never (tautology)" in text and "always (empty clause)" in text
    assert "UNSATISFIABLE" in step(text, 5)  # the empty clause


def run_cli(capsys, argv) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    ex.add_arguments(parser)
    args = parser.parse_args([str(a) for a in argv])
    rc = ex.run(args)
    return rc, capsys.readouterr().out


def test_add_arguments():
    parser = argparse.ArgumentParser()
    ex.add_arguments(parser)
    a = parser.parse_args(["f.cnf", "--via", "sat-real", "--cert", "m.txt", "--out", "d"])
    assert (a.input, a.via, a.cert, a.out) == ("f.cnf", "sat-real", "m.txt", "d")
    a = parser.parse_args(["f.cnf"])
    assert a.via is None and a.cert is None and a.out is None


def test_cert_that_is_a_model(tmp_path, capsys):
    cert = tmp_path / "model.txt"
    cert.write_text("c from a SAT solver\ns SATISFIABLE\nv 1 -2\nv -3 0\n")
    rc, out = run_cli(capsys, [EXAMPLE3, "--cert", cert, "--width", "100"])
    out = flat(out)
    assert rc == 0
    s5 = step(out, 5)
    assert "Assignment x1=T x2=F x3=F" in s5 and str(cert) in s5
    assert "Exact check PASSED" in s5


def test_cert_that_is_not_a_model(tmp_path, capsys):
    cert = tmp_path / "bad-model.txt"
    cert.write_text("1 2 3 0\n")
    rc, out = run_cli(capsys, [EXAMPLE3, "--via", "sat-real", "--cert", cert, "--out", tmp_path])
    out = flat(out)
    assert rc == 0
    s5, s6 = step(out, 5), step(out, 6)
    assert f"The assignment from {cert} is not a certificate" in s5
    assert "c2: (~x1 | ~x2)" in s5
    assert "Exact check PASSED" in s5  # a certificate found instead
    assert "Assignment x1=T x2=T x3=T" in s6 and "Exact check FAILED" in s6
    assert falsified_named(out) == [1]
    assert (tmp_path / "explain.html").is_file()


def test_cert_from_solution_json(tmp_path):
    sol = tmp_path / "sol.json"
    sol.write_text(json.dumps({"answer": "SATISFIABLE", "certificate": [1, -2, -3]}, indent=1))
    assert ex.read_certificate(sol, 3) == [1, -2, -3]
    src = load_source(EXAMPLE3)
    text = flat(ex.explain(src, reduce_source(src), [1, -2, -3], cert_name=str(sol)))
    assert "Assignment x1=T x2=F x3=F" in step(text, 5)


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("c comment\n1 -2 x3 0\n", 2, "'x3' is not a literal"),
        ("1 -2\n3 0\n4\n", 3, "after the terminating 0"),
        ("1 2\n-1 0\n", 2, "variable 1 is assigned both true and false"),
        ("1 -2 7 0\n", 1, "literal 7 exceeds the formula's 3 variables"),
        ("1 -0 2 0\n", 1, "'-0' is not a literal"),
        ("c nothing here\n", None, "no literals found"),
        ("s UNSATISFIABLE\n", 1, "says UNSATISFIABLE"),
        ('{\n "certificate": [1,\n', 3, "invalid JSON"),
        ('{\n "answer": "UNSATISFIABLE",\n "certificate": null\n}\n', 3, "no certificate"),
        ('{\n "certificate": [1, "x"]\n}\n', 2, "list of nonzero integers"),
        ('{"status": "INVERTIBLE"}', 1, 'without a "certificate"'),
    ],
)
def test_malformed_cert_file(tmp_path, content, line, words):
    cert = tmp_path / "cert.txt"
    cert.write_text(content)
    with pytest.raises(InputError) as info:
        ex.read_certificate(cert, 3)
    e = info.value
    assert e.path == str(cert) and e.line == line
    where = f"{cert}:{line}:" if line else f"{cert}:"
    assert str(e).startswith(where) and words in str(e)


def test_malformed_cert_via_run(tmp_path, capsys):
    cert = tmp_path / "cert.txt"
    cert.write_text("v 1 2\nv three 0\n")
    with pytest.raises(InputError, match=re.escape(f"{cert}:2: 'three' is not a literal")):
        run_cli(capsys, [EXAMPLE3, "--cert", cert])


def test_cert_in_memory_out_of_range():
    src = load_source(EXAMPLE3)
    with pytest.raises(InputError, match="certificate"):
        ex.explain(src, reduce_source(src), [1, 9])
