"""The benchmark scripts run end to end (a smoke test: no assertion on speed or memory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_compile_speed_quick(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "compile_speed.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 0 whatever the numbers
    report = json.loads((tmp_path / "compile_speed.json").read_text())
    assert (tmp_path / "compile_speed.csv").exists()
    results = report["results"]
    for tool in ("reduce sat-sign", "reduce sat-real", "pysat parse"):
        row = results[tool]
        assert row["runs"] == 1
        assert row["median_seconds"] > 0
        assert row["peak_rss_bytes"] > 0
    assert results["reduce sat-sign"]["output_bytes"] > 0
    assert report["parameters"]["quick"] is True
    assert report["parameters"]["clauses"] == 50_000
    assert {"platform", "cpu_count", "python", "numpy", "python-sat", "date"} <= set(
        report["machine"]
    )
    assert set(report["targets"]) == {"speed", "memory", "linearity"}
    assert "ratio reduce/pysat-parse" in proc.stdout


def test_crosscheck_throughput_quick(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "crosscheck_throughput.py"
    satlib = ROOT.parent / "shared" / "instances" / "satlib"
    if not satlib.is_dir():
        import pytest

        pytest.skip(f"public SATLIB instances not found at {satlib}")
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "crosscheck_throughput.json").read_text())
    rows = {(r["config"], r["jobs"]): r for r in report["rows"]}
    assert set(rows) == {("bare", 0), ("no-proofs", 1), ("no-proofs", 2), ("solvers", 1),
                         ("solvers", 2), ("full", 1), ("full", 2)}  # fmt: skip
    for r in rows.values():
        assert r["instances"] == 10 and r["instances_per_s"] > 0
        assert r["failures"] in (None, 0)
    assert rows[("full", 1)]["runners"] == 4
    assert (tmp_path / "crosscheck_throughput.csv").exists()
    assert "inst/s" in proc.stdout


def test_graph_cvp_quick(tmp_path: Path) -> None:
    graphs = ROOT.parent / "shared" / "instances" / "graphs"
    if not graphs.is_dir():
        import pytest

        pytest.skip(f"public graphs not found at {graphs}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "graph_cvp.py"), "--quick", "--out",
         str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 1 would mean a wrong answer
    rows = json.loads((tmp_path / "graph_cvp.json").read_text())["rows"]
    vc = {(r["instance"], r["question"]): r["status"] for r in rows if "vertex" in r["family"]}
    assert vc[("johnson8-2-4.clq", "q=21")] == "INVERTIBLE"
    assert vc[("johnson8-2-4.clq", "q=20")] == "NOT_INVERTIBLE"
    assert vc[("hamming6-4.clq", "q=52")] == "INVERTIBLE"
    assert vc[("hamming6-4.clq", "q=51")] == "NOT_INVERTIBLE"
    assert all(r["agree"] for r in rows) and (tmp_path / "graph_cvp.csv").exists()
