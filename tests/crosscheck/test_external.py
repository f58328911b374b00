"""External solver binaries (``--solver-cmd``) and plug-ins from a path (``--plugin``):
system CaDiCaL and MiniSat checked on SATLIB, lying wrappers caught and shrunk, and a
runner that cannot start reported once, exit 2, before any run."""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from reluhard.certs import proofs
from reluhard.cli import main
from reluhard.crosscheck import external
from reluhard.crosscheck.run import Instance, Options, load, run_all
from reluhard.errors import ConfigError
from reluhard.problems import dimacs_cnf
from reluhard.problems.cnf import CNF, model_fault, solve
from tests.helpers.instances import SATLIB

CADICAL = shutil.which("cadical")
MINISAT = shutil.which("minisat")
needs_cadical = pytest.mark.skipif(CADICAL is None, reason="no cadical binary (apt cadical)")
needs_minisat = pytest.mark.skipif(MINISAT is None, reason="no minisat binary (apt minisat)")
pytest.importorskip("drup")


def _satlib(*names: str) -> list[Instance]:
    paths = [SATLIB / n for n in names]
    if not all(p.exists() for p in paths):
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    return load(paths)


def _cmd(spec: str) -> external.Command:
    cmd = external.parse_spec(spec)
    external.check_startable(cmd)
    return cmd


def _opts(tmp_path, specs, **kw) -> Options:
    commands = {c.runner: c for c in map(_cmd, specs)}
    runners = kw.pop("runners", ["cadical195"])
    return Options(
        runners=runners + list(commands), jobs=2, out_dir=tmp_path, commands=commands, **kw
    )


def _script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# ------------------------------------------------------------------- honest binaries


@needs_cadical
@needs_minisat
def test_cadical_and_minisat_on_satlib_models_and_proofs_checked(tmp_path):
    instances = _satlib("uf20-01.cnf", "uf50-01.cnf", "uuf50-01.cnf", "uuf50-02.cnf")
    opts = _opts(
        tmp_path,
        [
            "cadical=cadical -q {dimacs} {proof}",  # binary DRAT, CaDiCaL's default
            "cadical-text=cadical -q --no-binary {dimacs} {proof}",
            "minisat=minisat -verb=0 {dimacs} {out}",  # MiniSat's result file, no proof
        ],
        shrink=False,
    )
    results = run_all(instances, opts)
    assert [f for r in results for f in r.failures] == []
    for res in results:
        runs = {r.runner: r for r in res.runs}
        assert res.truth in ("SAT", "UNSAT")
        for name in ("cmd:cadical", "cmd:cadical-text", "cmd:minisat"):
            assert runs[name].verdict == res.truth, runs[name]
        if res.truth == "SAT":
            assert all(runs[n].model_check == "PASS" for n in runs)
        else:
            assert runs["cmd:cadical"].proof["format"] == "drat-binary"
            assert runs["cmd:cadical-text"].proof["format"] == "drup"
            for n in ("cmd:cadical", "cmd:cadical-text"):
                assert runs[n].proof_status == proofs.VALID
                assert runs[n].proof["deletions"] > 0  # honoured, not skipped
            assert runs["cmd:minisat"].proof is None
            assert "no {proof}" in runs["cmd:minisat"].proof_note


@needs_cadical
def test_original_bytes_go_to_the_solver(tmp_path):
    """{cnf} is the file's bytes (SATLIB's '%' trailer: CaDiCaL refuses it, a finding the
    report shows) or a compressed file's decompressed bytes; no {cnf}: stdin."""
    (inst,) = _satlib("uuf50-01.cnf")
    clean = tmp_path / "clean.cnf.gz"
    clean.write_bytes(gzip.compress(dimacs_cnf.format_cnf(inst.cnf).encode()))
    specs = ["orig=cadical -q {cnf} {proof}", "stdin=cadical -q"]
    opts = _opts(tmp_path, specs, shrink=False, runners=[])
    refused, gz = run_all([inst, *load([clean])], opts)
    orig = {r.runner: r for r in refused.runs}["cmd:orig"]
    assert orig.verdict == "ERROR" and "exit code 1" in orig.detail and "parse error" in orig.detail
    assert [f.kind for f in refused.failures] == ["crash", "crash"]
    runs = {r.runner: r for r in gz.runs}
    assert runs["cmd:orig"].verdict == "UNSAT" and runs["cmd:orig"].proof_status == proofs.VALID
    assert runs["cmd:stdin"].verdict == "UNSAT"  # stdin: the decompressed bytes too
    assert "no {proof}" in runs["cmd:stdin"].proof_note


# ------------------------------------------------------------------- lying binaries


LIARS = {
    # (a) flips the first literal of the model
    "flip": 'out=$(cadical -q "$1"); code=$?\n'
    "printf '%s\\n' \"$out\" | awk '/^v / && !done "
    '{ if ($2 ~ /^-/) $2 = substr($2, 2); else $2 = "-" $2; done = 1 } { print }\'\n'
    "exit $code\n",
    # (b) says UNSAT when CaDiCaL finds a model
    "unsat": 'cadical -q "$1" >/dev/null\n'
    'if [ $? -eq 10 ]; then echo "s UNSATISFIABLE"; exit 20; fi\n',
    # (c) keeps the first third of CaDiCaL's (text) proof
    "truncate": 'cadical -q --no-binary "$1" "$2.full" > out.txt; code=$?\n'
    'n=$(wc -l < "$2.full"); head -n $((n / 3)) "$2.full" > "$2"; cat out.txt; exit $code\n',
}


@needs_cadical
@pytest.mark.parametrize(
    "liar, instance, kind",
    [
        ("flip", "uf20-01.cnf", "model"),
        ("unsat", "uf20-01.cnf", "verdict"),
        ("truncate", "uuf50-01.cnf", "proof"),
    ],
)
def test_a_lying_binary_is_caught_and_shrunk(tmp_path, liar, instance, kind):
    script = _script(tmp_path, f"{liar}.sh", LIARS[liar])
    opts = _opts(tmp_path, [f"{liar}={script} {{dimacs}} {{proof}}"], shrink_budget=60)
    (res,) = run_all(_satlib(instance), opts)
    assert [(f.runner, f.kind) for f in res.failures] == [(f"cmd:{liar}", kind)], res.failures
    (failure,) = res.failures
    assert failure.reproducer is not None and failure.shrink_tests > 0
    small = dimacs_cnf.read_cnf(failure.reproducer)
    assert f"c command: {script} {{dimacs}} {{proof}}" in Path(failure.reproducer).read_text()
    assert small.nclauses < res.instance.cnf.nclauses
    if kind == "model":
        assert solve(small) is not None  # SAT, and the liar's model of it is wrong
    if kind == "verdict":
        model = solve(small)
        assert model is not None and model_fault(small, model) is None
    if kind == "proof":
        assert solve(small) is None  # still UNSAT, and the cut proof no longer refutes it


@needs_cadical
def test_signal_crash_timeout_and_bad_output_are_told_apart(tmp_path):
    (inst,) = _satlib("uf20-01.cnf")
    specs = [
        "segv=" + _script(tmp_path, "segv.sh", "kill -SEGV $$\n") + " {dimacs}",
        "slow=" + _script(tmp_path, "slow.sh", "exec sleep 30\n") + " {dimacs}",
        "mute=" + _script(tmp_path, "mute.sh", "exit 10\n") + " {dimacs}",
        "twice=" + _script(tmp_path, "twice.sh", "cadical -q $1; cadical -q $1\n") + " {dimacs}",
    ]
    opts = _opts(tmp_path, specs, runners=[], time_limit=1.0, shrink=False)
    (res,) = run_all([inst], opts)
    runs = {r.runner: r for r in res.runs}
    assert (runs["cmd:segv"].verdict, runs["cmd:segv"].detail) == ("CRASH", "killed by SIGSEGV")
    assert runs["cmd:slow"].verdict == "TIMEOUT"
    assert runs["cmd:mute"].verdict == external.BAD_OUTPUT
    assert "no 's' line" in runs["cmd:mute"].detail
    assert "2 's' lines" in runs["cmd:twice"].detail
    kinds = sorted((f.runner, f.kind) for f in res.failures)
    assert kinds == [("cmd:mute", "output"), ("cmd:segv", "crash"), ("cmd:twice", "output")]


@pytest.mark.parametrize(
    "stdout, code, out, want",
    [
        ("s SATISFIABLE\nv 1 -2\nv 3 0\n", 10, None, ("SAT", [1, -2, 3], "")),
        ("s UNSATISFIABLE\n", 20, None, ("UNSAT", None, "")),
        ("s UNKNOWN\n", 0, None, ("UNKNOWN", None, "")),
        ("", 0, None, ("UNKNOWN", None, "")),
        ("", 10, "SAT\n1 -2 0\n", ("SAT", [1, -2], "")),
        ("", 20, "UNSAT\n", ("UNSAT", None, "")),
        ("", 0, "INDET\n", ("UNKNOWN", None, "")),
    ],
)
def test_competition_output_is_read(stdout, code, out, want):
    assert external.read_answer(stdout, code, out) == want


@pytest.mark.parametrize(
    "stdout, code, out, why",
    [
        ("s SATISFIABLE\nv 1 2\n", 10, None, "do not end with 0"),
        ("s SATISFIABLE\nv 1 0 2 0\n", 10, None, "0 before the end"),
        ("s SATISFIABLE\nv 1 x 0\n", 10, None, "not a literal"),
        ("s SATISFIABLE\n", 10, None, "no 'v' lines"),
        ("s SATISFIABLE\nv 1 0\n", 20, None, "contradicts"),
        ("s SATISFIABLE\nv 1 0\n", 0, None, "contradicts"),
        ("s UNSATISFIABLE\nv 1 0\n", 20, None, "'v' lines with"),
        ("s UNSATISFIABLE\ns SATISFIABLE\n", 20, None, "2 's' lines"),
        ("", 20, None, "no 's' line"),
        ("s MAYBE\n", 10, None, "not an answer"),
        ("", 20, "UNSAT\n1 0\n", "literals after"),
        ("", 10, "", "no 's' line in the {out} file"),
    ],
)
def test_broken_output_is_a_failure_with_a_reason(stdout, code, out, why):
    verdict, model, problem = external.read_answer(stdout, code, out)
    assert (verdict, model) == (external.BAD_OUTPUT, None) and why in problem


def test_other_exit_codes_are_errors():
    assert external.read_answer("", 1)[0] == "ERROR"
    assert external.read_answer("s SATISFIABLE\n", 3)[2] == "exit code 3 ('s SATISFIABLE')"


# ----------------------------------------------------------------- configuration errors


def _cli(args, capsys) -> tuple[int, str, list[str]]:
    code = main(["crosscheck", *args])
    got = capsys.readouterr()
    return code, got.out, got.err.strip().splitlines()


def test_a_runner_that_cannot_start_is_one_line_exit_2_and_no_runs(tmp_path, capsys):
    cnf = tmp_path / "f.cnf"
    cnf.write_text("p cnf 2 2\n1 2 0\n-1 0\n")
    noexec = tmp_path / "noexec.sh"
    noexec.write_text("#!/bin/sh\n")
    broken = tmp_path / "broken.py"
    broken.write_text("import no_such_module_here\n")
    nofunc = tmp_path / "nofunc.py"
    nofunc.write_text("x = 1\n")
    cases = [
        (["--solver-cmd", "ghost=no-such-solver-xyz {cnf}"], "command not found"),
        (["--solver-cmd", f"n={noexec} {{cnf}}"], "not executable"),
        (["--solver-cmd", f"m={tmp_path / 'missing'} {{cnf}}"], "no such file"),
        (["--solver-cmd", "bad=cadical {cnf} {prof}"], "unknown placeholder {prof}"),
        (["--solver-cmd", "noname"], "NAME=TEMPLATE"),
        (["--plugin", str(tmp_path / "absent.py")], "no such file"),
        (["--plugin", str(broken)], "does not import (ModuleNotFoundError"),
        (["--plugin", f"{nofunc}:solve"], "has no function 'solve'"),
        (["--solvers", "no_such_module_xyz:solve"], "does not import"),
    ]
    for args, why in cases:
        code, out, err = _cli([str(cnf), *args, "--via", "none"], capsys)
        assert code == 2, (args, err)
        assert len(err) == 1 and why in err[0], (args, err)
        assert out == "", (args, out)  # nothing ran: no header, no report


def test_config_error_is_an_input_error_with_exit_2():
    e = ConfigError("x")
    assert e.exit_code == 2 and str(e) == "x"


PLUGIN = """
from pysat.solvers import Solver

def solve(cnf, proof):
    with Solver(name="glucose4", with_proof=proof, bootstrap_with=cnf.clauses()) as s:
        if s.solve():
            return True, s.get_model(), None
        return False, None, list(s.get_proof()) if proof else None
"""


def test_plugin_loads_from_a_path_without_pythonpath(tmp_path, capsys, monkeypatch):
    (tmp_path / "mine").mkdir()
    plugin = tmp_path / "mine" / "glue.py"
    plugin.write_text(PLUGIN)
    monkeypatch.chdir(tmp_path)
    assert "mine" not in sys.modules and str(tmp_path / "mine") not in sys.path
    cnfs = [SATLIB / "uf20-01.cnf", SATLIB / "uuf50-01.cnf"]
    if not all(p.exists() for p in cnfs):
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    report = tmp_path / "r.json"
    args = [*map(str, cnfs), "--plugin", "mine/glue.py", "--solvers", "cadical195"]
    code, out, err = _cli([*args, "--via", "none", "--jobs", "2", "--report", str(report)], capsys)
    assert code == 0, (out, err)
    assert "mine/glue.py:solve" in out and "clean" in out


def test_command_runner_names_and_placeholders():
    cmd = external.parse_spec("k=kissat --no-binary '{cnf}' --proof={proof}")
    assert cmd.runner == "cmd:k" and cmd.argv == (
        "kissat",
        "--no-binary",
        "{cnf}",
        "--proof={proof}",
    )
    assert cmd.uses("cnf") and cmd.uses("proof") and not cmd.uses("out")
    assert external.parse_spec("b=echo {{cnf}}").uses("cnf") is False
    with pytest.raises(ConfigError, match="program name"):
        external.parse_spec("p={cnf} x")
    assert os.path.isabs(external.check_startable(external.parse_spec("s=sh -c true")))


def test_cnf_instance_without_a_file_goes_as_dimacs(tmp_path):
    if CADICAL is None:
        pytest.skip("no cadical binary")
    f = CNF.from_clauses([[1, 2], [-1], [-2, 3]])
    opts = _opts(tmp_path, ["c=cadical -q {cnf}"], runners=[], shrink=False)
    (res,) = run_all([Instance("fuzz-0", f)], opts)
    assert (res.runs[0].verdict, res.runs[0].model_check) == ("SAT", "PASS")


def test_each_file_is_read_once_for_all_its_solver_commands(tmp_path, monkeypatch):
    """Two ``--solver-cmd`` runners on two files: two reads (not four), and only the
    ``cmd:`` tasks carry the bytes."""
    from reluhard.crosscheck import run

    files = []
    for n in (1, 2):
        files.append(tmp_path / f"f{n}.cnf")
        files[-1].write_text(f"p cnf {n} 1\n1 0\n")
    reads: list[str] = []
    real = external.original_bytes
    monkeypatch.setattr(external, "original_bytes", lambda p: reads.append(p) or real(p))
    opts = _opts(tmp_path, ["a=true {cnf}", "b=true {cnf}"])
    instances = load(files)
    todo = [(i, r) for i in range(2) for r in opts.runners]
    tasks = dict(run._tasks(instances, todo, opts))
    assert reads == [str(f) for f in files]
    for (i, r), t in tasks.items():
        expected = files[i].read_bytes() if r.startswith("cmd:") else None
        assert t.payload["original"] == expected, (i, r)
