"""The benchmark scripts run end to end (a smoke test: no assertion on speed or memory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.instances import ROOT


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
    engines = tmp_path / "crosscheck_engines.json"
    if engines.exists():  # Dask installed: local sandbox against a LocalCluster of 1 and 2
        got = {(r["workload"], r["engine"], r["workers"]): r
               for r in json.loads(engines.read_text())["rows"]}  # fmt: skip
        assert set(got) == {(w, e, n) for w in ("satlib", "trivial")
                            for e in ("sandbox", "dask") for n in (1, 2)}  # fmt: skip
        assert all(r["failures"] == 0 and r["runs_per_s"] > 0 for r in got.values())
        assert got[("trivial", "dask", 2)]["runs"] == 40


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


def _run_quick(script: str, out: Path) -> subprocess.CompletedProcess:
    """``benchmarks/script --quick --out out``, which must exit 0 (whatever its PASS/FAIL
    lines say)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _csv_rows(path: Path) -> list[dict]:
    import csv

    with open(path) as f:
        return list(csv.DictReader(f))


def test_lei_noise_quick(tmp_path: Path) -> None:
    proc = _run_quick("lei_noise.py", tmp_path)
    report = json.loads((tmp_path / "lei_noise.json").read_text())
    params = report["parameters"]
    assert params["quick"] is True and params["widths"] == [20, 100, 500]
    assert params["methods"] == ["linf-lp", "l1-lp", "gd"] and params["runs"] == 5
    levels = params["levels"]
    assert len(levels) == 3
    summary = report["rows"]
    assert {(s["noise"], s["level"], s["method"]) for s in summary} == {
        (n, a, m) for n in ("uniform", "gaussian") for a in levels for m in params["methods"]
    }
    for s in summary:
        assert s["runs"] == 5 and s["no_point"] == 0
        assert 0 < s["p25"] <= s["median"] <= s["p75"] < 10
        assert s["median_error_over_level"] > 0
    assert set(report["slopes"]) == {f"{n}/{m}" for n in ("uniform", "gaussian")
                                     for m in params["methods"]}  # fmt: skip
    assert report["claims"] and all(isinstance(c["pass"], bool) for c in report["claims"])
    assert {"platform", "cpu_count", "python", "date"} <= set(report["machine"])
    rows = _csv_rows(tmp_path / "lei_noise.csv")
    assert len(rows) == 2 * 3 * 5 * 3  # noise x level x run x method
    assert {"noise", "level", "run", "seed", "method", "error", "seconds"} <= set(rows[0])
    assert len({r["seed"] for r in rows}) == 2 * 3 * 5  # a fresh problem per run
    assert (tmp_path / "lei_noise.png").stat().st_size > 0
    assert "PASS" in proc.stdout or "FAIL" in proc.stdout


def test_lei_table1_quick(tmp_path: Path) -> None:
    proc = _run_quick("lei_table1.py", tmp_path)
    report = json.loads((tmp_path / "lei_table1.json").read_text())
    params = report["parameters"]
    assert params["quick"] is True and params["ks"] == [10, 50] and params["networks"] == 3
    methods = ("linf-lp", "linf-lp-nopresolve", "l1-lp", "lp-relax", "gd")
    assert params["methods"] == list(methods) and params["solver_presolve"] is False
    assert set(report["blas_threads"]) == {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                           "MKL_NUM_THREADS"}  # fmt: skip
    rows = {(r["k"], r["method"]): r for r in report["rows"]}
    assert set(rows) == {(k, m) for k in (10, 50) for m in methods}
    for (_, m), r in rows.items():
        assert r["networks"] == 3 and r["mean_seconds"] > 0 and r["median_seconds"] > 0
        assert r["mean_check_seconds"] > 0  # the exact check, timed apart
        assert r["success_rate"] == 1.0  # noiseless, k <= 50: every method recovers z*
        assert r["verified_rate"] == 1.0
        if m in ("linf-lp", "l1-lp"):  # the presolve certifies every layer: no LP
            assert r["certified_rate"] == 1.0 and r["mean_lp_solves"] == 0
        elif m == "gd":
            assert r["certified_rate"] is None and r["mean_lp_solves"] is None
        else:  # linf-lp-nopresolve, lp-relax: an LP every time
            assert r["certified_rate"] == 0.0 and r["mean_lp_solves"] > 0
    for key in ("gd_over_linf", "gd_over_linf_medians", "gd_over_linf_nopresolve",
                "gd_over_linf_nopresolve_medians"):  # fmt: skip
        assert set(report[key]) == {"10", "50"} and all(v > 0 for v in report[key].values())
    assert isinstance(report["target"]["pass"], bool) and report["target"]["ratio"] == 10
    solver = report["lp_solver"]
    assert solver["presolve"] is False
    cmp = solver["rows"]
    assert {(c["k"], c["method"]) for c in cmp} == {(10, "linf-lp"), (50, "linf-lp")}
    assert all(c["glop_mean_seconds"] > 0 and c["highs_mean_seconds"] > 0 for c in cmp)
    assert all(c["glop_mean_lp_solves"] > 0 for c in cmp)  # presolve off: LPs were solved
    assert solver["highs_over_glop"]["linf-lp"] > 0
    assert solver["faster"]["linf-lp"] in ("glop", "highs")
    assert solver["library_default"] == {"linf-lp": "glop"}
    assert isinstance(solver["default_is_faster"]["linf-lp"], bool)
    csv_rows = _csv_rows(tmp_path / "lei_table1.csv")
    assert len(csv_rows) == 2 * 3 * 5 + 2 * 1 * 2  # methods block + GLOP/HiGHS block
    fields = {"block", "k", "seed", "method", "lp_solver", "presolve", "seconds"}
    fields |= {"check_seconds", "status", "latent_error", "success", "lp_solves", "certified"}
    assert fields <= set(csv_rows[0])
    solver_rows = [r for r in csv_rows if r["block"] == "lp-solver"]
    assert {r["lp_solver"] for r in solver_rows} == {"glop", "highs"}
    assert {r["presolve"] for r in solver_rows} == {"False"}
    default_linf = [r for r in csv_rows if r["block"] == "methods" and r["method"] == "linf-lp"]
    assert {r["certified"] for r in default_linf} == {"True"}
    assert {r["certified"] for r in solver_rows} == {"False"}  # presolve off: LPs solved
    assert (tmp_path / "lei_table1.png").stat().st_size > 0
    assert "gd / linf-lp >= 10 at every k" in proc.stdout
    assert "library default for linf-lp (glop) is the faster solver" in proc.stdout


def test_circuits_quick(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "circuits.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 0: every answer checked, no FAIL
    report = json.loads((tmp_path / "circuits.json").read_text())
    assert (tmp_path / "circuits.csv").exists()
    assert report["parameters"]["quick"] is True
    fact = {r["bits"]: r for r in report["factoring"]}
    assert set(fact) == {8, 12}
    for r in fact.values():
        assert r["cadical_answer"] == "SAT" and r["cadical_model_checks"] is True
        assert r["network_answer"] in ("SATISFIABLE", "UNKNOWN")
        if r["network_answer"] == "SATISFIABLE":
            p, q = map(int, r["factors"].split(" x "))
            assert p * q == r["N"] and p > 1
    assert {r["circuit"] for r in report["sizes"]} >= {"multiplier 2x2", "factoring 8 bits"}
    assert "CPU ratio" in proc.stdout and "wall ratio" in proc.stdout
    assert all(r["cadical_cpu"] >= 0 for r in fact.values())
