"""Runs that survive: a bad file is an INPUT-ERROR row, @LIST files, reproducers named
uniquely, PAR-2 and the CSV, and SIGTERM in the middle of a run, then ``--resume``: the
final report equals an uninterrupted run's (minus timings), and no process is left."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reluhard.cli import main
from reluhard.crosscheck import journal, report, scores
from reluhard.crosscheck.run import Failure, Instance, Options, Result, Run, find_cnfs, run_all
from reluhard.errors import InputError
from reluhard.problems import dimacs_cnf
from reluhard.problems.cnf import CNF
from tests.helpers.instances import ROOT, SATLIB

FLIPPED = "tests.helpers.faulty_solvers:flipped_bit"
SLOW = "tests.helpers.slow_solvers:slow"


def _write(path: Path, clauses: list[list[int]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    dimacs_cnf.write_cnf(CNF.from_clauses(clauses), path)
    return path


def test_input_error_is_a_row_and_the_run_goes_on(tmp_path, capsys):
    good = _write(tmp_path / "in" / "good.cnf", [[1, 2], [-1]])
    bad = tmp_path / "in" / "bad.cnf"
    bad.write_text("p cnf 2 1\n1 x 0\n")
    out = tmp_path / "r.json"
    code = main(["crosscheck", str(tmp_path / "in"), "--solvers", "cadical195", "--via", "none",
                 "--report", str(out)])  # fmt: skip
    assert code == 1  # an input error is not clean
    text = capsys.readouterr().out
    assert "INPUT-ERROR" in text and f"{bad}:2:" in text
    data = json.loads(out.read_text())
    assert [i["name"] for i in data["instances"]] == ["good.cnf"]
    assert data["instances"][0]["truth"] == "SAT" and not data["failures"]
    [err] = data["input_errors"]
    assert err["path"] == str(bad) and err["error"].startswith(f"{bad}:2:") and err["sha256"]
    rows = list(csv.DictReader(journal.beside(out, ".csv").open()))
    assert [(r["instance"], r["verdict"]) for r in rows] == [
        ("good.cnf", "SAT"),
        ("bad.cnf", "INPUT-ERROR"),
    ]
    assert rows[0]["path"] == str(good) and rows[0]["model_check"] == "PASS"
    assert float(rows[0]["par2"]) == pytest.approx(float(rows[0]["time"]))
    png = journal.beside(out, ".png")
    if png.exists():  # matplotlib installed
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_list_file_paths_are_relative_to_the_list(tmp_path, monkeypatch):
    a = _write(tmp_path / "set" / "a.cnf", [[1]])
    b = _write(tmp_path / "set" / "sub" / "b.cnf", [[-1]])
    c = _write(tmp_path / "elsewhere" / "c.cnf", [[1, -1]])
    lst = tmp_path / "set" / "files.txt"
    lst.write_text(f"# my set\n\n  a.cnf  \nsub\n# c is absolute:\n{c}\n")
    monkeypatch.chdir(ROOT)  # not the list's folder
    assert find_cnfs([f"@{lst}"]) == [a.parent / "a.cnf", b, c]
    with pytest.raises(InputError, match="none.txt"):
        find_cnfs([f"@{tmp_path / 'none.txt'}"])


def test_same_file_name_in_two_folders_gets_two_reproducers(tmp_path, capsys):
    # flipped_bit flips variable 1 in every model: a shrinks to [[1]], b to [[-1]]
    _write(tmp_path / "a" / "x.cnf", [[1], [2, 3], [-2, 3]])
    _write(tmp_path / "b" / "x.cnf", [[-1], [2, 3], [-2, 3]])
    out = tmp_path / "r.json"
    code = main(["crosscheck", str(tmp_path / "a"), str(tmp_path / "b"), "--via", "none",
                 "--solvers", f"cadical195,{FLIPPED}", "--report", str(out)])  # fmt: skip
    assert code == 1
    failures = json.loads(out.read_text())["failures"]
    assert [f["kind"] for f in failures] == ["model", "model"]
    paths = [f["reproducer"] for f in failures]
    assert len(set(paths)) == 2 and all("x-" in Path(p).name for p in paths)
    assert [dimacs_cnf.read_cnf(p).clauses() for p in paths] == [[[1]], [[-1]]]


def test_par2_counts_timeouts_and_failures_twice_the_limit():
    cnf = CNF.from_clauses([[1]])
    runs = [
        Run("a", "SAT", 3.0, model_check="PASS"),
        Run("b", "TIMEOUT", 12.0),
        Run("c", "SAT", 1.0, model_check="FAIL"),
        Run("d", "UNKNOWN", 0.5),
    ]
    res = Result(Instance("i", cnf), runs, "SAT", [Failure("i", "c", "model", "")])
    res2 = Result(Instance("j", cnf), [Run(n, "UNSAT", 2.0) for n in "abcd"], "UNSAT (claimed)")
    got = {n: scores.par2([res, res2], n, 10.0) for n in "abcd"}
    assert got["a"] == {"solved": 2, "par2": 5.0, "par2_mean": 2.5}
    assert got["b"]["par2"] == 22.0 and got["c"]["par2"] == 22.0 and got["d"]["par2"] == 22.0
    assert scores.par2([res], "a", None)["par2"] is None
    assert scores.solve_times([res, res2], "a", 10.0) == [2.0, 3.0]
    opts = Options(runners=list("abcd"), time_limit=10.0)
    table = report.runner_table([res, res2], opts)
    assert "PAR-2 s" in table.splitlines()[0] and "22.00" in table


def _sessions(sid: int) -> list[str]:
    """Processes still alive in session ``sid`` (the interrupted run and its children)."""
    ps = subprocess.run(["ps", "-e", "-o", "pid=,sid=,stat=,args="], capture_output=True,
                        text=True, check=True).stdout  # fmt: skip
    return [
        line
        for line in ps.splitlines()
        if int(line.split()[1]) == sid and not line.split()[2].startswith("Z")
    ]


def _command(files, out: Path, *extra: str) -> list[str]:
    runners = ["--via", "none", "--solvers", f"cadical195,{SLOW}", "--no-proofs"]
    command = [sys.executable, "-m", "reluhard", "crosscheck", *map(str, files), *runners]
    return [*command, "--report", str(out), *extra]


def _same(a: Path, b: Path) -> dict:
    x, y = (report.comparable(json.loads(p.read_text())) for p in (a, b))
    assert x == y
    return x


def test_sigterm_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path):
    files = sorted(SATLIB.glob("uf20-0[1-8].cnf"))
    if len(files) < 8:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "r.json"
    proc = subprocess.Popen(_command(files, out), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    log = journal.path_for(out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and log.read_text().count('"type":"run"') >= 5:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "--resume" in stdout and "Traceback" not in stderr
    time.sleep(0.5)
    assert _sessions(proc.pid) == []  # no worker, no forkserver left behind
    partial = json.loads(out.read_text())
    assert partial["interrupted"] and len(partial["instances"]) < len(files)
    done_before = log.read_text().count('"type":"run"')

    again = subprocess.run(_command(files, out, "--resume", str(out)), cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{done_before} runs done before" in again.stdout
    # the resumed run did only the rest: every run is in the journal exactly once
    assert log.read_text().count('"type":"run"') == 2 * len(files)

    whole = tmp_path / "whole" / "r.json"
    subprocess.run(_command(files, whole), cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    final = _same(out, whole)
    assert not final["interrupted"] and len(final["instances"]) == len(files)


def test_progress_is_a_line_every_so_often_when_not_on_a_terminal():
    import io

    from reluhard.progress import Progress

    log = io.StringIO()
    bar = Progress(log, every=0.0)
    bar.update(0.25, "1/4 a.cnf cadical195")
    bar.update(0.5, "2/4 b.cnf cadical195")
    bar.finish("done")
    lines = log.getvalue().splitlines()
    assert lines[0].startswith("c progress 25% ") and lines[0].endswith(": 1/4 a.cnf cadical195")
    assert lines[1].startswith("c progress 50% ") and lines[2] == "done"
    quiet = io.StringIO()
    bar = Progress(quiet, every=3600.0)
    bar.update(0.5, "x")
    bar.finish("done")
    assert quiet.getvalue() == "done\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_sigkill_of_the_crosscheck_takes_its_solvers_with_it():
    hangs = "tests.helpers.faulty_solvers:hangs"  # sleeps 60 s: busy when the owner dies
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "reluhard", "crosscheck", "--fuzz", "4", "--via", "none",
               "--solvers", hangs, "--jobs", "2", "--no-shrink"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_sessions(proc.pid)) < 5 and time.monotonic() < deadline:  # owner, tracker,
        time.sleep(0.1)  # forkserver and two workers
    assert len(_sessions(proc.pid)) >= 5
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while _sessions(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _sessions(proc.pid) == []


def test_resume_takes_runs_and_shrunk_failures_from_the_journal(tmp_path):
    inst = [Instance("a", CNF.from_clauses([[1], [2, 3]])), Instance("b", CNF.from_clauses([[-1]]))]
    opts = Options(runners=["cadical195", FLIPPED], out_dir=tmp_path)
    log = journal.Journal(tmp_path / "r.jsonl")
    first = run_all(inst, opts, journal=log)
    log.close()
    again: list = []
    second = run_all(inst, opts, resumed=journal.read(tmp_path / "r.jsonl"), outcomes=again)
    assert again == []  # nothing ran: every run and every shrink came from the journal
    assert [f.to_json() for r in second for f in r.failures] == [
        f.to_json() for r in first for f in r.failures
    ]
    assert [f.kind for r in first for f in r.failures] == ["model", "model"]
    other = Options(runners=["cadical195", FLIPPED], out_dir=tmp_path, time_limit=5.0)
    ran: list = []
    run_all(inst, other, resumed=journal.read(tmp_path / "r.jsonl"), outcomes=ran)
    assert len(ran) == 4  # other settings: the journal's runs do not count
