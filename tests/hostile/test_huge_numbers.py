"""Huge numbers in text inputs and solution files (issue 21): CVP entries and radii with
thousands of digits, latents with 5000-digit denominators, model literals past int64,
statuses that are lists or dicts, JSON nested very deep, parameters like ``M=1e999999999``.
Each is one line (stderr, or verify's REJECTED line on stdout), never a traceback or a
hang: numbers are bounded in digits (``--max-digits``) before they become ints or
Fractions."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE, ROOT

DIGITS = "(more than the budget of 1000; raise it with --max-digits or RELUHARD_MAX_DIGITS)"
CVP = (ROOT / "instances" / "cvp" / "p1_yes.cvp").read_text()
NINES = "9" * 40 + "..."


@pytest.fixture
def sat_files(tmp_path, capsys):
    """``net.npz`` (sat-sign of the shipped example) and its solution ``sol.json``."""
    shutil.copy(EXAMPLE, tmp_path / "example3.cnf")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert run_cli(capsys, ["reduce", "example3.cnf", "-o", "net.npz"])[0] == 0
        assert run_cli(capsys, ["invert", "net.npz", "-o", "sol.json"])[0] == 10
    finally:
        os.chdir(cwd)
    return tmp_path


#: (file name, text, the one stderr line after "PATH")
TEXT_CASES = [
    (
        "entry.cvp",
        CVP.replace("basis [[2 -3", "basis [[" + "9" * 5000 + " -3"),
        f":7: entry '{NINES}' does not fit in 64 bits",
    ),
    (
        "radius.cvp",
        CVP.replace("radius 2", "radius 1/" + "1" * 1000),
        f":5: radius '1/{'1' * 38}...' has 1001 digits {DIGITS}",
    ),
    (
        "power.cvp",
        CVP.replace("radius 2", "radius^p " + "7" * 1500),
        f":5: radius^p '{'7' * 40}...' has 1500 digits {DIGITS}",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_huge_numbers_in_text_inputs(capsys, tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    for argv in (["solve", path], ["reduce", path, "-o", tmp_path / "o.npz"]):
        code, _, err = run_cli(capsys, argv)
        assert "Traceback" not in err
        assert (code, err.splitlines()) == (1, [f"{path}{message}"])


def test_a_long_but_exact_radius_is_decided_exactly(capsys, tmp_path):
    """``1/7777777777`` is within the budget: decided (NO: the closest vector is at 2)."""
    path = tmp_path / "r.cvp"
    path.write_text(CVP.replace("radius 2", "radius 1/7777777777"))
    code, out, err = run_cli(capsys, ["solve", path])
    assert (code, err) == (20, "")
    assert "s UNSATISFIABLE" in out.splitlines()


def test_a_raised_digits_budget_reads_a_long_radius(capsys, tmp_path):
    path = tmp_path / "r.cvp"
    path.write_text(CVP.replace("radius 2", "radius 1/" + "1" * 1000))
    code, _, err = run_cli(capsys, ["solve", path, "--max-digits", "2000"])
    assert (code, err) == (20, "")


def _edit(key, value):
    def change(doc):
        doc[key] = value

    return change


def _status(doc):
    doc.pop("answer")
    doc["status"] = ["SAT"]


#: (id, change to the solution JSON, stream, the one line)
SOLUTION_CASES = [
    (
        "latent-5000-digit-denominator",
        _edit("latent", ["1/" + "9" * 5000, "-1", "-1"]),
        "out",
        f"REJECTED: latent[0] = '1/{'9' * 38}...' has 5001 digits {DIGITS}",
    ),
    (
        "latent-exponent",
        _edit("latent", ["1e999999999", "-1", "-1"]),
        "out",
        'REJECTED: latent[0] = \'1e999999999\' is not an exact rational (like "1" or "-3/4")',
    ),
    (
        "certificate-past-int64",
        _edit("certificate", [1, -2, 2**70]),
        "out",
        "REJECTED: literal 1180591620717411303424 is outside 1..3 (the CNF has 3 variables)",
    ),
    (
        "status-list",
        _status,
        "out",
        "REJECTED: unknown status ['SAT'] (expected INVERTIBLE, NOT_INVERTIBLE, UNKNOWN)",
    ),
    (
        "answer-dict",
        _edit("answer", {"a": 1}),
        "out",
        "REJECTED: unknown answer {'a': 1} (expected SATISFIABLE, UNSATISFIABLE or UNKNOWN)",
    ),
]


@pytest.mark.parametrize(
    ("change", "stream", "line"),
    [c[1:] for c in SOLUTION_CASES],
    ids=[c[0] for c in SOLUTION_CASES],
)
def test_hostile_solution_files(capsys, sat_files, change, stream, line):
    doc = json.loads((sat_files / "sol.json").read_text())
    change(doc)
    (sat_files / "bad.json").write_text(json.dumps(doc))
    code, out, err = run_cli(capsys, ["verify", sat_files / "net.npz", sat_files / "bad.json"])
    assert "Traceback" not in err
    assert (code, (out if stream == "out" else err).splitlines()) == (1, [line])


#: (id, the raw text of a solution or model file, the one stderr line after "PATH")
RAW_CASES = [
    (
        "json-int-5000-digits",
        '{"answer": "SATISFIABLE", "latent": [' + "1" * 5000 + "]}",
        f": JSON number '{'1' * 40}...' has 5000 digits {DIGITS}",
    ),
    (
        "json-nested-100001",
        '{"answer": ' + "[" * 100000 + "]" * 100000 + "}",
        ": JSON nested 100001 deep (at most 64)",
    ),
    (
        "model-past-int64",
        "v 1 -2 36893488147419103232 0\n",
        ":1: literal 36893488147419103232 is beyond the largest DIMACS variable",
    ),
    (
        "model-5000-digits",
        "v 1 -2 " + "3" * 5000 + " 0\n",
        f":1: literal {'3' * 30}... (5000 characters) is beyond the largest DIMACS variable",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES]
)
def test_hostile_raw_solution_files(capsys, sat_files, text, message):
    path = sat_files / "raw.txt"
    path.write_text(text)
    code, _, err = run_cli(capsys, ["verify", sat_files / "net.npz", path])
    assert "Traceback" not in err
    assert (code, err.splitlines()) == (1, [f"{path}{message}"])


def test_explain_cert_with_a_huge_literal(capsys, tmp_path):
    path = tmp_path / "model.txt"
    path.write_text("v 1 -2 36893488147419103232 0\n")
    code, _, err = run_cli(capsys, ["explain", EXAMPLE, "--cert", path])
    assert (code, err.splitlines()) == (
        1,
        [f"{path}:1: literal 36893488147419103232 is beyond the largest DIMACS variable"],
    )


@pytest.mark.parametrize("value", ["1e999999999", "1/" + "3" * 2000])
def test_huge_parameters_are_refused_before_they_become_fractions(capsys, tmp_path, value):
    (tmp_path / "g.col").write_text("p edge 4 2\ne 1 2\ne 2 3\n")
    argv = ["solve", tmp_path / "g.col", "--via", "halfclique-binary", "--param", f"M={value}"]
    code, _, err = run_cli(capsys, argv)
    digits = 1000000000 if "e" in value else 2001
    shown = value if len(value) <= 40 else value[:40] + "..."
    assert (code, err.splitlines()) == (
        1,
        [f"parameter M: '{shown}' has {digits} digits {DIGITS}"],
    )
