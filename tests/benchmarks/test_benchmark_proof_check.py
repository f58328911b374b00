"""``benchmarks/proof_check.py --quick`` runs end to end: every proof VALID before and after,
and the before/after rows written (no assertion on speed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.instances import ROOT, SATLIB

SCRIPT = ROOT / "benchmarks" / "proof_check.py"


@pytest.mark.skipif(not (SATLIB / "uuf50-01.cnf").is_file(), reason=f"no SATLIB in {SATLIB}")
def test_proof_check_quick(tmp_path: Path) -> None:
    pytest.importorskip("drup")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "proof_check.json").read_text())
    assert data["wrong"] == 0 and len(data["rows"]) == 2
    for row in data["rows"]:
        assert row["before_status"] == row["after_status"] == row["binary_status"] == "VALID"
        assert row["after_path"] == "hints" and 0 < row["core"] <= row["lemmas"]
        assert row["deletions"] > 0 and row["before_cpu"] > 0 and row["after_cpu"] > 0
    assert (tmp_path / "proof_check.csv").is_file()
