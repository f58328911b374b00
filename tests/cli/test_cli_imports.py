"""`--help` and a CNF `reduce` load only what they run (issue 18): no networkx, ortools,
matplotlib or scipy's linear algebra; a CNF `reduce` no scipy at all (numpy only); `--help`
not even numpy. Checked in a fresh
interpreter, not timed (start-up is measured in benchmarks/startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("networkx", "ortools", "matplotlib", "scipy.linalg", "pysat", "drup")

PROBE = """
import contextlib, io, json, sys
from reluhard.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(*argv: str, cwd: Path) -> tuple[int, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["code"], set(out["modules"])


def heavy(modules: set[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_loads_nothing_heavy(tmp_path):
    code, modules = loaded("--help", cwd=tmp_path)
    assert code == 0
    assert heavy(modules) == [] and "numpy" not in modules
    assert "reluhard.solvers" not in modules and "reluhard.pipeline" not in modules


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
def test_cnf_reduce_loads_nothing_heavy_and_no_scipy(tmp_path, via):
    cnf = tmp_path / "tiny.cnf"
    cnf.write_text("p cnf 3 3\n1 -2 0\n2 2 3 0\n-1 1 0\n")  # a repeat and a tautology
    out = tmp_path / "x.npz"
    code, modules = loaded("reduce", str(cnf), "-o", str(out), "--via", via, cwd=tmp_path)
    assert code == 0 and out.is_file()
    assert heavy(modules) == []
    assert [m for m in modules if m == "scipy" or m.startswith("scipy.")] == []


def test_every_subcommand_still_parses():
    from reluhard.cli import build_parser

    parser = build_parser()
    for argv in (["info", "n.npz"], ["list"], ["factor", "15"], ["reduce", "a", "-o", "b"]):
        assert callable(parser.parse_args(argv).func)
