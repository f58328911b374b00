"""benchmarks/pr_langevin.py runs end to end in its quick mode and shows what is safe to
assert at that size: the 1-D criteria (exact propagation, deterministic), the dichotomy
(the Theorem 1 encoder's orthant-hit rate within a factor 2 of 2^-12 on 2^19 chains, 99%
interval; the inverter-based encoder in every trial, every sample checked) and Lemmas
21-22. The 2-D Monte-Carlo criteria need the full run's N = 50,000 (its numbers are in
benchmarks/results/pr_langevin.*); here only their sanity: every run's TV falls from k = 1
to k = 10 and MALA accepts most proposals."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.helpers.benchmarks import run_quick


def test_pr_langevin_quick(tmp_path: Path) -> None:
    report, stdout = run_quick("pr_langevin.py", tmp_path)
    assert report["parameters"]["quick"] is True
    p1 = report["panels"]["1d"]
    assert p1["passed"], p1["checks"]
    assert 3 <= p1["plateau_ratio"] <= 5.5
    for run in p1["runs"][:2]:
        assert abs(run["plateau"] / run["formula"] - 1) <= 0.25
    dich = report["panels"]["dichotomy"]
    assert dich["passed"], dich["checks"]
    (case,) = dich["cases"]
    assert case["d"] == 12 and case["chains"] == 2**19
    assert case["ideal_hits"] == case["ideal_trials"] and case["samples_checked"] > 0
    assert case["orthant_tv_ula"] > 0.99 and case["orthant_tv_ideal"] < 1e-9
    p2 = report["panels"]["2d"]
    assert p2["checks"]["TV(k=10) < TV(k=1) in every run"]
    mala = [r for r in p2["runs"] if r["sampler"] == "mala"][0]
    assert mala["acceptance"] > 0.9
    assert p2["floor"]["tv"] < p2["floor"]["laplace_tv"]
    with open(tmp_path / "pr_langevin.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["panel"] for r in rows} == {"1d", "2d", "dichotomy"}
    assert (tmp_path / "pr_langevin.png").exists() or "matplotlib" in stdout
    assert "[PASS]" in stdout or "[FAIL]" in stdout
