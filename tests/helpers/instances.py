"""Where the instances live: shipped ones in the checkout's instances/, public ones (SATLIB,
DIMACS graphs) in ``shared/instances`` beside the checkout, which may be absent (the tests
that need them skip)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "instances"
SATLIB = SHARED / "satlib"
GRAPHS = SHARED / "graphs"
EXAMPLE = ROOT / "instances" / "example3.cnf"  # shipped, satisfiable
UNSAT = ROOT / "instances" / "unsat3.cnf"  # shipped, unsatisfiable


def satlib_files() -> list[Path]:
    """The public SATLIB CNF files, sorted; none when the folder is absent."""
    return sorted(SATLIB.glob("*.cnf")) if SATLIB.is_dir() else []
