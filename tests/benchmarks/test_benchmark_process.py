"""``benchmarks/compile_process.py`` and ``benchmarks/cpsat_route.py`` run end to end in
``--quick`` mode and write what they say (figures are not asserted: timing is for the
scripts, not for tests)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.benchmarks import run_quick


def _run(script: str, tmp_path: Path) -> dict:
    return run_quick(script, tmp_path)[0]


def test_compile_process_quick(tmp_path: Path) -> None:
    report = _run("compile_process.py", tmp_path)
    assert set(report["medians"]) == {"reduce", "pysat"}
    assert report["clauses_repeating_a_variable"] > 0  # the repeated-literal path ran
    assert all(m["cpu"] > 0 and m["peak_rss"] > 0 for m in report["medians"].values())


def test_cpsat_route_quick(tmp_path: Path) -> None:
    report = _run("cpsat_route.py", tmp_path)
    assert report["disagreements"] == 0
    assert {s["family"] for s in report["summary"]} >= {"sat-sign", "cvp"}
    assert all(p["same"] for p in report["pair_search"])
    bool_or = [r for r in report["rows"] if r["config"] == "bool_or" and r["family"] == "sat-sign"]
    assert bool_or and all(r["clause_rows"] > 0 for r in bool_or)
