"""``benchmarks/proof_check.py --quick`` runs end to end: every proof VALID before and after,
and the before/after rows written (no assertion on speed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.benchmarks import run_quick
from tests.helpers.instances import SATLIB


@pytest.mark.skipif(not (SATLIB / "uuf50-01.cnf").is_file(), reason=f"no SATLIB in {SATLIB}")
def test_proof_check_quick(tmp_path: Path) -> None:
    pytest.importorskip("drup")
    data, _ = run_quick("proof_check.py", tmp_path)
    assert data["wrong"] == 0 and len(data["rows"]) == 2
    for row in data["rows"]:
        assert row["before_status"] == row["after_status"] == row["binary_status"] == "VALID"
        assert row["after_path"] == "hints" and 0 < row["core"] <= row["lemmas"]
        assert row["deletions"] > 0 and row["before_cpu"] > 0 and row["after_cpu"] > 0
