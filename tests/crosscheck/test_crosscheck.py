"""``reluhard crosscheck``: faults injected into a solver are caught and shrunk to small
reproducers; the public SATLIB set runs clean with every default solver and both routes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reluhard.cli import main
from reluhard.crosscheck import runners
from reluhard.crosscheck.run import Instance, Options, judge, load, run_all
from reluhard.crosscheck.sandbox import Pool, Task
from reluhard.problems import dimacs_cnf
from reluhard.problems.cnf import CNF, random_kcnf, solve
from tests.helpers.instances import SATLIB

FAULTY = "tests.helpers.faulty_solvers"  # the plug-ins' module


def _unsat_3cnf(seed: int = 3) -> CNF:
    rng = np.random.default_rng(seed)
    while True:
        f = random_kcnf(8, 60, 3, rng)
        if solve(f) is None:
            return f


def _satlib(name: str) -> Instance:
    path = SATLIB / name
    if not path.exists():
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    return load([path])[0]


def _check(instances, faulty: str, tmp_path, **kw):
    opts = Options(runners=["cadical195", f"{FAULTY}:{faulty}"], jobs=2, out_dir=tmp_path, **kw)
    results = run_all(instances, opts)
    failures = [f for r in results for f in r.failures]
    assert all(f.runner == f"{FAULTY}:{faulty}" for f in failures), failures
    return results, failures


def _reproducer(failure) -> CNF:
    assert failure.reproducer is not None
    return dimacs_cnf.read_cnf(failure.reproducer)


def test_wrong_verdict_is_caught_and_minimised(tmp_path):
    results, failures = _check([_satlib("uf20-01.cnf")], "wrong_verdict", tmp_path)
    assert [f.kind for f in failures] == ["verdict"]
    assert results[0].truth == "SAT"
    cnf = _reproducer(failures[0])
    # the fault needs one clause of width >= 3 with variable 5: nothing else survives
    assert cnf.nclauses == 1 and len(cnf.clauses()[0]) == 3
    assert 5 in map(abs, cnf.clauses()[0])
    assert solve(cnf) is not None  # the reproducer is SAT, the faulty solver says UNSAT


def test_flipped_model_bit_is_caught_and_minimised(tmp_path):
    _, failures = _check([_satlib("uf20-01.cnf")], "flipped_bit", tmp_path)
    assert [f.kind for f in failures] == ["model"]
    assert "is false under the model" in failures[0].detail
    cnf = _reproducer(failures[0])
    assert cnf.clauses() in ([[1]], [[-1]])


def test_bogus_proof_is_caught_and_minimised(tmp_path):
    _, failures = _check([Instance("unsat8", _unsat_3cnf())], "bogus_proof", tmp_path)
    assert [f.kind for f in failures] == ["proof"]
    cnf = _reproducer(failures[0])
    assert solve(cnf) is None
    # the smallest formula that unit propagation does not refute has 4 clauses
    assert 4 <= cnf.nclauses <= 6, cnf.clauses()


def test_crash_is_caught_minimised_and_the_run_goes_on(tmp_path):
    inst = [
        Instance("long", CNF.from_clauses([[1, 2, 3, 4, 5], [-1], [2, -3]])),
        Instance("short", CNF.from_clauses([[1, 2], [-1]])),
    ]
    results, failures = _check(inst, "segfault_on_long", tmp_path)
    assert [(f.instance, f.kind) for f in failures] == [("long", "crash")]
    assert "SIGSEGV" in failures[0].detail
    cnf = _reproducer(failures[0])
    assert cnf.nclauses == 1 and len(cnf.clauses()[0]) == 4 and cnf.nvars == 4
    assert [r.verdict for r in results[1].runs] == ["SAT", "SAT"]


def test_honest_plugin_and_timeouts_are_not_failures(tmp_path):
    inst = [Instance("u", _unsat_3cnf()), Instance("s", CNF.from_clauses([[1, -2], [2]]))]
    opts = Options(runners=[f"{FAULTY}:honest", f"{FAULTY}:hangs"], jobs=2,
                   time_limit=0.5, out_dir=tmp_path)  # fmt: skip
    results = run_all(inst, opts)
    assert [f for r in results for f in r.failures] == []
    assert [r.runs[0].verdict for r in results] == ["UNSAT", "SAT"]
    assert results[0].runs[0].proof_status == "VALID"
    assert {r.runs[1].verdict for r in results} == {"TIMEOUT"}
    assert results[0].truth == "UNSAT" and results[1].truth == "SAT"


def test_judge_disagreement_without_certificates():
    from reluhard.crosscheck.run import Run

    cnf = CNF.from_clauses([[1]])
    runs = [Run("a", "SAT", model_check="FAIL", model_reason="x"), Run("b", "UNSAT")]
    truth, failures = judge(cnf, runs)
    assert truth == "disputed"
    assert ("a", "model", "x") in failures
    assert [f[:2] for f in failures if f[0] == "b"] == [("b", "disagreement")]


def test_pool_reports_crash_timeout_error_and_keeps_order_of_keys():
    from reluhard.crosscheck import runners as r

    cnf = CNF.from_clauses([[1, 2, 3, 4]])
    # only the hanging one gets a short limit: on a loaded machine a worker can take over a
    # second to start, and a crash must not be seen as a timeout
    tasks = [
        (k, Task("reluhard.crosscheck.runners:execute",
                 r.payload(name, cnf, proof=False, time_limit=None), limit))
        for k, (name, limit) in enumerate([(f"{FAULTY}:segfault_on_long", (30.0, 30.0)),
                                           (f"{FAULTY}:hangs", (1.0, 1.0)),
                                           (f"{FAULTY}:no_such_function", (30.0, 30.0)),
                                           ("cadical195", (30.0, 30.0))])
    ]  # fmt: skip
    with Pool(2) as pool:
        got = dict(pool.map(tasks))
    assert got[0].ended == "crash" and "SIGSEGV" in got[0].detail
    assert got[1].ended == "timeout"
    assert got[2].ended == "error" and "no_such_function" in got[2].detail
    assert got[3].ended == "ok" and got[3].messages[0]["verdict"] == "SAT"


def test_default_runners_are_every_working_pysat_solver():
    names = runners.available_solvers()
    assert "cadical195" in names and "glucose4" in names
    assert "cryptosat" not in names  # in SolverNames, but not built into this wheel


def test_fuzz_cli_finds_nothing_with_sound_solvers(tmp_path, capsys):
    report = tmp_path / "fuzz.json"
    code = main(["crosscheck", "--fuzz", "40", "--seed", "7", "--solvers",
                 "cadical195,glucose4,lingeling,minisat22", "--via", "sat-sign",
                 "--jobs", "2", "--report", str(report)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(report.read_text())
    assert data["summary"]["instances"] == 40 and data["summary"]["clean"]


def test_satlib_runs_clean_with_every_default_solver_and_both_routes(satlib, tmp_path, capsys):
    report = tmp_path / "satlib.json"
    code = main(["crosscheck", str(SATLIB), "--jobs", "2", "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "c clean" in out
    data = json.loads(report.read_text())
    names = list(runners.available_solvers()) + ["net:sat-sign", "net:sat-real"]
    assert [r["runner"] for r in data["runners"]] == names
    assert sorted(i["name"] for i in data["instances"]) == sorted(f.name for f in satlib)
    for inst in data["instances"]:
        expect = "UNSAT" if inst["name"].startswith("uuf") else "SAT"
        assert inst["truth"] == expect
        assert [r["runner"] for r in inst["runs"]] == names
        for r in inst["runs"]:
            assert r["verdict"] == expect and r["time"] >= 0
            if expect == "SAT":
                assert r["model_check"] == "PASS"
            elif runners.kind(r["runner"]) == "pysat" and runners.proof_capable(r["runner"]):
                if r["runner"] != "maplesat":  # known broken proofs: not requested
                    assert r["proof_check"]["status"] == "VALID", r
    assert data["failures"] == [] and data["summary"]["clean"]


def test_bad_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.cnf"
    bad.write_text("p cnf 2 1\n1 x 0\n")
    assert main(["crosscheck", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}:2:")
    assert main(["crosscheck", str(bad.with_name("none.cnf")), "--solvers", "nosuch"]) == 1
