"""``benchmarks/sat_backend.py --quick`` runs end to end: answers right, UNSAT proofs VALID
(no assertion on speed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.instances import ROOT

SCRIPT = ROOT / "benchmarks" / "sat_backend.py"
SATLIB = ROOT.parent / "shared" / "instances" / "satlib"


@pytest.mark.skipif(not (SATLIB / "uuf50-01.cnf").is_file(), reason=f"no SATLIB in {SATLIB}")
def test_sat_backend_quick(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "sat_backend.json").read_text())
    s = data["summary"]
    assert s["wrong"] == 0 and s["unsat"] == s["proofs_valid"] == 2
    assert (tmp_path / "sat_backend.csv").is_file()
