"""`reluhard invert` and `reluhard solve`: SAT-competition output, exit codes 10/20/0, the
solution file, time limits and refusals, run in-process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from reluhard import cli
from reluhard.problems.cnf import check, random_kcnf
from reluhard.problems.dimacs_cnf import read_cnf, write_cnf
from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE, UNSAT

run = run_cli


def v_model(out: str) -> list[int]:
    lits = [int(t) for line in out.splitlines() if line.startswith("v ") for t in line[2:].split()]
    assert lits[-1] == 0
    return lits[:-1]


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
@pytest.mark.parametrize("solver", ["auto", "cpsat", "scip", "highs"])
def test_solve_sat_and_unsat(capsys, via, solver):
    code, out, _ = run(capsys, ["solve", EXAMPLE, "--via", via, "--solver", solver])
    assert code == 10 and "s SATISFIABLE" in out.splitlines()
    assert check(read_cnf(EXAMPLE), v_model(out))
    code, out, _ = run(capsys, ["solve", UNSAT, "--via", via, "--solver", solver])
    assert code == 20 and "s UNSATISFIABLE" in out.splitlines()
    assert not any(line.startswith("v ") for line in out.splitlines())


def test_solve_writes_checked_solution(capsys, tmp_path):
    sol = tmp_path / "sol.json"
    code, out, _ = run(capsys, ["solve", EXAMPLE, "-o", sol])
    data = json.loads(sol.read_text())
    assert code == 10 and data["schema"] == "reluhard.solution/1"
    assert data["answer"] == "SATISFIABLE" and data["status"] == "INVERTIBLE"
    assert check(read_cnf(EXAMPLE), data["certificate"])
    assert any("checked against the source" in c for c in data["checks"])


def test_invert_network_file(capsys, tmp_path):
    net = tmp_path / "net.npz"
    assert cli.reduce_main([str(EXAMPLE), "-o", str(net), "--via", "sat-real"]) == 0
    capsys.readouterr()
    sol = tmp_path / "sol.json"
    code, out, _ = run(capsys, ["invert", net, "--print-latent", "-o", sol])
    assert code == 10 and "s SATISFIABLE" in out
    latent = [line for line in out.splitlines() if line.startswith("v ")]
    assert latent and all(t in ("1", "-1") for t in latent[0][2:].split())
    data = json.loads(sol.read_text())
    assert data["network_sha256"] and data["latent"] and data["certificate"]
    code, out, _ = run(capsys, ["invert", net, "--solver", "brute"])
    assert code == 1  # brute needs a discrete latent


def test_solve_unsat_brute(capsys):
    code, out, _ = run(capsys, ["solve", UNSAT, "--solver", "brute"])
    assert code == 20 and "s UNSATISFIABLE" in out


def test_time_limit_gives_unknown_promptly(capsys, tmp_path):
    hard = tmp_path / "hard.cnf"
    write_cnf(random_kcnf(600, 2556, 3, np.random.default_rng(11)), hard)
    t0 = time.perf_counter()
    code, out, _ = run(
        capsys, ["solve", hard, "--via", "sat-real", "--solver", "scip", "--time-limit", "2"]
    )
    assert code == 0 and "s UNKNOWN" in out.splitlines()
    assert time.perf_counter() - t0 < 8


def test_unknown_solver_is_one_line(capsys):
    code, _, err = run(capsys, ["solve", EXAMPLE, "--solver", "gurobi"])
    assert code == 1 and len(err.strip().splitlines()) == 1 and "unknown solver" in err


def test_list_names_backends(capsys):
    code, out, _ = run(capsys, ["list"])
    assert code == 0 and all(name in out for name in ("cpsat", "scip", "highs", "brute", "auto"))


def test_stdout_holds_only_competition_lines():
    """Native solver output (HiGHS prints a banner) never reaches stdout."""
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "reluhard"
    for solver in ("highs", "scip", "cpsat"):
        proc = subprocess.run(
            [str(exe), "solve", str(UNSAT), "--solver", solver],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 20
        assert all(line[:2] in ("c ", "s ", "v ") for line in proc.stdout.splitlines()), (
            solver,
            proc.stdout,
        )
