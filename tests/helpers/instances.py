"""Where the instances live: shipped ones in the checkout's instances/, public ones (SATLIB,
DIMACS graphs, circuits) in ``shared/instances`` beside the checkout, which may be absent (the tests
that need them skip)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "instances"
SATLIB = SHARED / "satlib"
GRAPHS = SHARED / "graphs"
CIRCUITS = SHARED / "circuits"
EXAMPLE = ROOT / "instances" / "example3.cnf"  # shipped, satisfiable
UNSAT = ROOT / "instances" / "unsat3.cnf"  # shipped, unsatisfiable


def satlib_files() -> list[Path]:
    """The public SATLIB CNF files, sorted; none when the folder is absent."""
    return sorted(SATLIB.glob("*.cnf")) if SATLIB.is_dir() else []


def circuit_files() -> list[Path]:
    """The public circuit files (ISCAS-85 .bench, the AIGER examples' .aag), sorted; none
    when the folder is absent."""
    if not CIRCUITS.is_dir():
        return []
    return sorted(p for p in CIRCUITS.rglob("*") if p.suffix in (".aag", ".aig", ".bench"))
