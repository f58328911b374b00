"""``benchmarks/milp_vs_sat.py --quick`` runs end to end (no assertion on speed)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.instances import ROOT

SCRIPT = ROOT / "benchmarks" / "milp_vs_sat.py"
SATLIB = ROOT.parent / "shared" / "instances" / "satlib"
QUICK = ("uf20-01", "uuf50-01", "uf50-01")
REDUCTIONS = ("sat-sign", "sat-real")
BACKENDS = ("cpsat", "scip", "highs")


@pytest.mark.skipif(
    not all((SATLIB / f"{n}.cnf").is_file() for n in QUICK),
    reason=f"SATLIB instances not found in {SATLIB}",
)
def test_milp_vs_sat_quick(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    # 0 whatever the numbers; 1 would mean a wrong answer (or a crash)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "milp_vs_sat.json").read_text())
    rows = report["rows"]
    seen = {(r["instance"], r["reduction"], r["backend"]) for r in rows}
    assert seen == {(i, v, b) for i in QUICK for v in REDUCTIONS for b in BACKENDS}
    assert len(rows) == len(seen)
    for r in rows:
        assert r["status"] in ("INVERTIBLE", "NOT_INVERTIBLE", "UNKNOWN", "n/a"), r
        assert r["build_seconds"] >= 0
        if r["status"] in ("INVERTIBLE", "NOT_INVERTIBLE"):
            assert r["agrees"] is True, r
            assert r["solve_seconds"] > 0
        if r["status"] == "INVERTIBLE":
            assert r["model_checks"] is True, r
        assert r["cadical_answer"] == ("UNSAT" if r["instance"].startswith("uuf") else "SAT")
    assert report["wrong_answers"] == []
    summary = report["summary"]
    assert set(summary["targets"]) == {
        "sat-sign best/CaDiCaL",
        "sat-real best/CaDiCaL",
        "best sat-real/best sat-sign",
    }
    assert set(summary["per_backend"]) == set(BACKENDS)
    assert report["parameters"]["quick"] is True
    assert report["parameters"]["time_limit"] == 20
    assert {"platform", "cpu_count", "python", "ortools", "python-sat", "date"} <= set(
        report["machine"]
    )
    assert "noisy" in report["note"]
    with open(tmp_path / "milp_vs_sat.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(rows)
    assert (tmp_path / "milp_vs_sat.png").stat().st_size > 0
    assert "median best sat-real/best sat-sign" in proc.stdout
