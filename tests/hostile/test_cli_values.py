"""Hostile input, command-line values (issue 21): every numeric option of every subcommand
goes through one validated type (:mod:`reluhard.cli_values`): a bad value is one line on
standard error and exit 2, never a traceback from SCIP or HiGHS.

Before the fix ``--time-limit inf`` and ``1e308`` reached the solvers (a traceback on SCIP
and HiGHS), ``--time-limit -inf`` printed the 7-line usage, and negative seeds, widths and
counts came back as tracebacks."""

from __future__ import annotations

import pytest

from tests.helpers.cli import one_error_line, run_cli

CNF = "p cnf 2 1\n1 2 0\n"
SECONDS = "must be a finite number of seconds in 0..1e+09"


def _msg(command: str, option: str, what: str, value: str) -> str:
    return f"reluhard {command}: argument {option}: {what}, got {value!r} (see reluhard --help)"


#: (command and arguments before the option, option, value, what the message says)
CASES = [
    *(
        (["invert", "NET"], "--time-limit", v, SECONDS)
        for v in ("inf", "1e308", "nan", "-1", "1e10", "abc", "-inf")
    ),
    (["invert", "NET", "--solver", "scip"], "--time-limit", "inf", SECONDS),
    (["invert", "NET", "--solver", "highs"], "--time-limit", "1e308", SECONDS),
    (["solve", "CNF"], "--time-limit", "inf", SECONDS),
    (["solve", "CNF"], "--lp-tighten", "nan", SECONDS),
    (["factor"], "--time-limit", "inf", SECONDS),
    (["crosscheck", "CNF"], "--time-limit", "inf", SECONDS),
    (["crosscheck", "CNF"], "--time-limit", "0", "must be a number of seconds > 0"),
    (["scaling"], "--time-limit", "-1", SECONDS),
    (
        ["random-net", "--widths", "2,3", "-o", "x.npz"],
        "--seed",
        "-1",
        "must be an integer in 0..9223372036854775807",
    ),  # fmt: skip
    (["random-net", "--widths", "2,3", "-o", "x.npz"], "--slope", "nan", "must be a finite number"),
    (
        ["random-net", "--widths", "2,3", "-o", "x.npz"],
        "--noise-level",
        "-1",
        "must be a finite number >= 0",
    ),  # fmt: skip
    (
        ["random-net", "--widths", "2,3", "-o", "x.npz"],
        "--tolerance",
        "inf",
        "must be a finite number >= 0",
    ),  # fmt: skip
    (["random-net", "--widths", "2,3", "-o", "x.npz"], "--box", "0", "must be a finite number > 0"),
    (["crosscheck", "CNF"], "--jobs", "0", "must be an integer >= 1"),
    (["crosscheck", "CNF"], "--fuzz", "1" * 30, "must be an integer of at most 18 digits"),
    (["crosscheck", "CNF"], "--seed", "1.5", "must be an integer of at most 18 digits"),
    (["crosscheck", "CNF"], "--fuzz-vars", "0", "must be an integer >= 1"),
    (["crosscheck", "CNF"], "--shrink-budget", "-3", "must be an integer >= 0"),
    (["circuit-gen", "adder", "2", "-o", "x.aag"], "--gates", "-1", "must be an integer >= 0"),
    (
        ["circuit-gen", "adder", "2", "-o", "x.aag"],
        "--seed",
        "1e3",
        "must be an integer of at most 18 digits",
    ),  # fmt: skip
    (["circuit-gen", "adder", "2", "-o", "x.aag"], "--width2", "0", "must be an integer >= 1"),
    (["explain", "CNF"], "--width", "-5", "must be an integer >= 1"),
    (["scaling"], "--n-min", "0", "must be an integer >= 1"),
    (["scaling"], "--ratio", "inf", "must be a finite number >= 0"),
]


def _ids(case) -> str:
    return f"{case[0][0]} {case[1]} {case[2][:12]}"


@pytest.fixture
def paths(tmp_path, capsys):
    cnf = tmp_path / "f.cnf"
    cnf.write_text(CNF)
    net = tmp_path / "n.npz"
    assert run_cli(capsys, ["reduce", cnf, "-o", net])[0] == 0
    return {"CNF": str(cnf), "NET": str(net)}


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_bad_numbers_are_one_usage_line(paths, capsys, case):
    before, option, value, what = case
    argv = [paths.get(a, a) for a in before] + [f"{option}={value}"]
    code, out, err = run_cli(capsys, argv)
    assert code == 2 and out == ""
    assert one_error_line(err) == _msg(before[0], option, what, value)


def test_a_negative_value_without_equals_is_one_line(paths, capsys):
    code, _, err = run_cli(capsys, ["invert", paths["NET"], "--time-limit", "-inf"])
    assert code == 2
    assert one_error_line(err) == (
        "reluhard invert: argument --time-limit: expected one argument (see reluhard --help)"
    )


def test_factor_n_is_bounded_in_digits(capsys):
    code, _, err = run_cli(capsys, ["factor", "9" * 1001])
    assert code == 2
    assert one_error_line(err).startswith(
        "reluhard factor: argument N: must be an integer of at most 1000 digits, got '9999"
    )


def test_explain_cert_with_a_huge_integer_is_one_line(paths, tmp_path, capsys):
    cert = tmp_path / "c.txt"
    cert.write_text(f"1 -{10**40} 0\n")
    code, _, err = run_cli(capsys, ["explain", paths["CNF"], "--cert", cert])
    assert code == 1
    assert one_error_line(err) == (
        f"{cert}:1: literal -{str(10**40)[:29]}... (42 characters) is beyond the largest "
        "DIMACS variable"
    )


@pytest.mark.parametrize("solver", ["scip", "highs", "cpsat"])
def test_the_largest_time_limit_runs(paths, capsys, solver):
    code, out, _ = run_cli(capsys, ["invert", paths["NET"], "--solver", solver, "--time-limit=1e9"])
    assert code == 10 and "s SATISFIABLE" in out
