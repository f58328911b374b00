"""benchmarks/nep_recovery.py runs end to end in its quick mode (three panels by default,
every panel with --full): the noiseless contractive compressed-sensing panel recovers and
checks 10/10; the outputs are written (the full run's numbers are in
benchmarks/results/nep_recovery.*)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.instances import ROOT
from tests.helpers.tiers import FULL

PANELS = "exact,H1,H2,H3,H4,phase,spiked,denoise" if FULL else "exact,H4,denoise"


def test_nep_recovery_quick(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "nep_recovery.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            str(script),
            "--quick",
            "--jobs",
            "1",
            "--panels",
            PANELS,
            "--out",
            str(tmp_path),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT / "benchmarks",
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "nep_recovery.json").read_text())
    assert report["parameters"]["quick"] is True
    assert set(report["panels"]) == set(PANELS.split(","))
    exact = report["panels"]["exact"]
    assert exact["passed"] and exact["summary"]["recovered"] == 10
    with open(tmp_path / "nep_recovery.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["panel"] for r in rows} == set(PANELS.split(","))
    # H4: from -x*, Algorithm 1 recovers every run; the stalled plain runs sit at -<x,x*> > 0
    h4 = report["panels"]["H4"]["summary"]
    assert all(s["negation_rate"] == 1.0 for s in h4)
    assert "[PASS]" in proc.stdout or "[FAIL]" in proc.stdout
