"""benchmarks/lei_fig2.py runs end to end in its quick mode (a smoke test of the script, its
checks and its outputs; the full run's numbers are in benchmarks/results/lei_fig2.*)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.instances import ROOT


def test_lei_fig2_quick(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "lei_fig2.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--jobs", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT / "benchmarks",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "lei_fig2.json").read_text())
    assert report["parameters"]["quick"] is True
    assert report["parameters"]["ks"] == [20, 110, 125]
    summary = report["summary"]
    assert len(summary) == 3 * 2 * 2  # k x activation x method
    for s in summary:
        assert s["networks"] == 6
        assert 0.0 <= s["success_rate"] <= 1.0
    by = {(s["k"], s["activation"], s["method"]): s for s in summary}
    # k = 20 is far below the transition: the exact LP recovers every network, both
    # activations; the LeakyReLU LP recovers every network at every k (a bijection)
    assert by[20, "relu", "lp"]["success_rate"] == 1.0
    assert all(by[k, "leaky_relu", "lp"]["success_rate"] == 1.0 for k in (20, 110, 125))
    # LP success is "at least k active hidden units", network by network (a network one
    # unit short may still land within the success radius: at most one of six here)
    assert report["checks"]["relu_lp_min_agreement_with_active_count"] >= 5 / 6
    assert "binomial_tail" in by[125, "relu", "lp"]
    runs = list(csv.DictReader(open(tmp_path / "lei_fig2_runs.csv")))
    assert len(runs) == 3 * 2 * 6
    assert (tmp_path / "lei_fig2.png").stat().st_size > 10_000
    assert "gradient descent (relu)" in proc.stdout
