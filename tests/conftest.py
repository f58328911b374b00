"""Shared fixtures: where the public instances live (beside the checkout, may be absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "instances"
SATLIB = SHARED / "satlib"
EXAMPLE = ROOT / "instances" / "example3.cnf"  # shipped, satisfiable
UNSAT = ROOT / "instances" / "unsat3.cnf"  # shipped, unsatisfiable

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


def satlib_files() -> list[Path]:
    return sorted(SATLIB.glob("*.cnf")) if SATLIB.is_dir() else []


@pytest.fixture
def satlib() -> list[Path]:
    files = satlib_files()
    if not files:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    return files


def run_cli(capsys, argv) -> tuple[int, str, str]:
    """``reluhard ARGV...`` in this process: exit code (argparse's usage errors too),
    stdout, stderr."""
    from reluhard import cli

    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The one line a bad input gets on stderr (never a traceback)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def corpus_rows(corpus: Path) -> list[tuple[str, str]]:
    """``(file name, expected message)`` pairs of a malformed-input corpus's EXPECTED.tsv
    (``{path}`` in a message stands for the file's path)."""
    lines = (corpus / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]
