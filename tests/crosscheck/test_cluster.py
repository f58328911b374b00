"""The Dask engine: a scheduler and two workers on loopback, started here as a user would
(``dask scheduler``, ``dask worker``); one worker is killed with SIGKILL in the middle of a
run. The report is complete and equals a local run's (minus timings), and a solver's
SIGSEGV is still a ``crash`` of that solver, caught by the sandbox inside the Dask task."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reluhard.cli import main
from reluhard.crosscheck import external, report
from reluhard.crosscheck.run import Instance, Options, load, original_bytes, run_all, task
from reluhard.errors import InputError
from reluhard.problems.cnf import CNF
from tests.helpers.instances import ROOT, SATLIB

distributed = pytest.importorskip("distributed")

SLOW = "tests.helpers.slow_solvers:slow"
CRASH = "tests.helpers.faulty_solvers:segfault_on_long"
MACHINE = {"host": "test"}


def _dask() -> str:
    exe = Path(sys.executable).with_name("dask")
    found = str(exe) if exe.exists() else shutil.which("dask")
    if not found:
        pytest.skip("the dask command is not installed")
    return found


@pytest.fixture
def loopback_cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes (nannies, one thread each) on
    127.0.0.1; yields (address, client)."""
    dask, info = _dask(), tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [
                dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(info),
            ],
            env=env,
            start_new_session=True,
            **quiet,
        )  # fmt: skip
    ]
    client = None
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        for k in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--name",
                        f"w{k}",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                    ],
                    env=env,
                    start_new_session=True,
                    **quiet,
                )  # fmt: skip
            )
        client = distributed.Client(address, timeout=30)
        client.wait_for_workers(2, timeout=60)
        yield address, client
    finally:
        if client is not None:
            client.close()
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def _instances() -> list[Instance]:
    files = sorted(SATLIB.glob("uf20-0[1-5].cnf"))
    if len(files) < 5:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    crash = Instance("long", CNF.from_clauses([[1, 2, 3, 4, 5], [-1], [2, -3]]))
    return [*load(files), crash]


def _report(results, opts) -> dict:
    return report.comparable(report.to_json(results, opts, MACHINE, 0.0))


def test_killing_a_dask_worker_mid_run_loses_nothing(loopback_cluster, tmp_path):
    address, client = loopback_cluster
    instances = _instances()
    common = {"runners": ["cadical195", SLOW, CRASH], "out_dir": tmp_path, "shrink_budget": 50}
    killed: list[int] = []

    def kill_one(done: int, total: int, label: str) -> None:
        if done == 4 and not killed:
            busy = [w for w, keys in client.processing().items() if keys]
            pids = client.run(os.getpid, workers=(busy or list(client.nthreads()))[:1])
            [pid] = pids.values()
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    on_dask = run_all(instances, Options(scheduler=address, **common), kill_one)
    assert killed, "no worker was killed"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    here = run_all(instances, Options(jobs=2, **common))
    assert _report(on_dask, Options(**common)) == _report(here, Options(**common))
    assert [r.truth for r in on_dask] == ["SAT"] * 5 + ["SAT"]
    [crash] = [f for res in on_dask for f in res.failures]
    assert (crash.instance, crash.runner, crash.kind) == ("long", CRASH, "crash")
    assert "SIGSEGV" in crash.detail and crash.reproducer  # not a lost worker: shrunk
    assert all(len(res.runs) == 3 for res in on_dask)


def test_local_cluster_cli_report_equals_the_local_one(tmp_path, capsys):
    files = sorted(SATLIB.glob("uf20-0[1-3].cnf"))
    if len(files) < 3:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    args = ["crosscheck", *map(str, files), "--solvers", "cadical195,minisat22", "--via", "none"]
    reports = []
    for engine in (["--jobs", "2"], ["--cluster", "local:2"]):
        out = tmp_path / engine[-1].replace(":", "") / "r.json"
        assert main([*args, *engine, "--report", str(out)]) == 0
        reports.append(report.comparable(json.loads(out.read_text())))
    assert "dask local:2" in capsys.readouterr().out
    assert reports[0] == reports[1]


def test_without_dask_the_engine_options_are_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match=r"reluhard\[dask\]"):
        run_all(_instances()[:1], Options(runners=["cadical195"], cluster=1))
    assert main(["crosscheck", "--fuzz", "1", "--cluster", "remote:3"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "expected local or local:N" in line


@pytest.mark.skipif(shutil.which("cadical") is None, reason="no system cadical")
def test_a_solver_command_runs_the_same_on_dask(tmp_path):
    """A ``cmd:`` task carries the instance file's bytes (no path: a remote worker needs no
    shared file system), and its report on a LocalCluster equals the local one."""
    files = sorted(SATLIB.glob("uf20-0[1-2].cnf"))
    if len(files) < 2:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    gz = tmp_path / "u.cnf.gz"
    gz.write_bytes(gzip.compress(files[0].read_bytes()))
    instances = load([*files, gz])
    cmd = external.parse_spec("cad=cadical -q {dimacs} {proof}")
    commands = {cmd.runner: cmd}
    common = {"runners": ["cmd:cad"], "commands": commands, "shrink": False}
    original = original_bytes(instances[-1], Options(**common))
    t = task("cmd:cad", instances[-1].cnf, Options(**common), None, original)
    assert t.payload["original"] == files[0].read_bytes() and "source" not in t.payload
    on_dask = run_all(instances, Options(cluster=1, **common))
    here = run_all(instances, Options(jobs=1, **common))
    assert _report(on_dask, Options(**common)) == _report(here, Options(**common))
    assert [r.runs[0].verdict for r in on_dask] == ["SAT", "SAT", "SAT"]
