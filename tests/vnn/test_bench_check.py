"""``vnn-bench`` -> ``vnn-run`` -> ``vnn-check``: a category with its ground truth, decided by
reluhard's own importer with no disagreement, and the faults ``vnn-check`` must catch (a
wrong verdict, a counterexample one ulp off, an unparsable result)."""

from __future__ import annotations

import csv
import math
import shutil
import sys
from fractions import Fraction

import pytest

from reluhard.vnn import bench, check, results, runners
from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE, UNSAT, satlib_files

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


def _small_satlib() -> list[str]:
    files = {p.name: p for p in satlib_files()}
    return [str(files[n]) for n in ("uf20-01.cnf", "uf20-02.cnf", "uuf50-01.cnf") if n in files]


@pytest.fixture(scope="module")
def category(tmp_path_factory):
    out = tmp_path_factory.mktemp("cat") / "sat-real"
    rows = bench.build([str(EXAMPLE), str(UNSAT), *_small_satlib()], "sat-real", str(out),
                       timeout=30)  # fmt: skip
    assert all(r.expected in ("violated", "holds") for r in rows)
    return out


@pytest.fixture(scope="module")
def answers(category, tmp_path_factory):
    out = tmp_path_factory.mktemp("answers")
    runners.run(str(category), "reluhard", str(out), jobs=1)
    return out


def test_category_layout(category):
    rows = list(csv.reader(open(category / "instances.csv")))
    assert rows and all(len(r) == 3 and (category / r[0]).is_file() for r in rows)
    expected = bench.read_expected(str(category))
    assert [e["onnx"] for e in expected] == [r[0] for r in rows]
    for e in expected:
        assert (category / e["backing"]).is_file(), e
        assert e["backing"].endswith(".counterexample" if e["expected"] == "violated" else ".drup")
    assert "vnn-check" in (category / "README.md").read_text()


def test_reluhard_decides_its_own_category(category, answers, capsys):
    judged = check.check(str(category), str(answers))
    assert {j.kind for j in judged} == {"CORRECT"}, judged
    code, out, _ = run_cli(capsys, ["vnn-check", category, answers])
    assert code == 0 and "WRONG" not in out


def _sat_and_unsat(category):
    exp = bench.read_expected(str(category))
    sat = next(e for e in exp if e["expected"] == "violated")
    unsat = next(e for e in exp if e["expected"] == "holds")
    stem = lambda e: e["vnnlib"].split("/")[-1].removesuffix(".vnnlib")  # noqa: E731
    return stem(sat), stem(unsat)


def test_injected_faults_are_caught_and_listed_first(category, answers, tmp_path, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(answers, bad)
    sat, unsat = _sat_and_unsat(category)
    res = results.read(str(bad / f"{sat}.counterexample"))
    x = [res.x[i] for i in range(len(res.x))]
    x[0] = Fraction(math.nextafter(float(x[0]), 0.0))  # one unit in the last place
    (bad / f"{sat}.counterexample").write_text(results.text("sat", x))
    (bad / f"{unsat}.counterexample").write_text("sat\n((X_0 1) (X_1 2)")  # unparsable
    judged = {j.name: j for j in check.check(str(category), str(bad))}
    assert judged[sat].kind == "WRONG" and "fails the exact check" in judged[sat].reason
    assert judged[unsat].kind == "ERROR" and "unparsable" in judged[unsat].reason
    (bad / f"{unsat}.counterexample").write_text(results.text("sat", [Fraction(1)] * len(x)))
    (bad / f"{sat}.counterexample").write_text("unsat\n")  # a wrong verdict
    judged = {j.name: j for j in check.check(str(category), str(bad))}
    assert judged[sat].kind == "WRONG" and "checked counterexample exists" in judged[sat].reason
    assert judged[unsat].kind == "WRONG"
    code, out, _ = run_cli(capsys, ["vnn-check", category, bad])
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("WRONG") and lines[1].startswith("WRONG")
    assert all(not line.startswith("WRONG") for line in lines[2:])


def test_results_csv_layout(category, answers, tmp_path):
    table = tmp_path / "results.csv"
    with open(table, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["benchmark", "onnx", "vnnlib", "prepare", "result", "time", "cex"])
        for e in bench.read_expected(str(category)):
            stem = e["vnnlib"].split("/")[-1].removesuffix(".vnnlib")
            cex = answers / f"{stem}.counterexample"
            word = results.read(str(cex)).word
            w.writerow(["sat-real", e["onnx"], e["vnnlib"], 0.1, word, 1.0,
                        cex if word == "sat" else ""])  # fmt: skip
    assert {j.kind for j in check.check(str(category), str(table))} == {"CORRECT"}


def test_command_template_runner_and_its_hard_time_limit(category, answers, tmp_path):
    """A stand-in tool script answering from reluhard's results (all correct), and one
    that hangs: killed at its time limit and reported as a timeout."""
    tool = tmp_path / "tool.py"
    tool.write_text(
        "import shutil, sys, pathlib\n"
        "stem = pathlib.Path(sys.argv[2]).stem\n"
        f"shutil.copy(pathlib.Path({str(answers)!r}) / (stem + '.counterexample'), sys.argv[3])\n"
    )
    out = tmp_path / "tool"
    runners.run(str(category), f"{sys.executable} {tool} {{onnx}} {{vnnlib}} {{result}}", str(out))
    assert {j.kind for j in check.check(str(category), str(out))} == {"CORRECT"}
    hang = tmp_path / "hang.py"
    hang.write_text("import time\ntime.sleep(600)\n")
    ran = runners.run(str(category), f"{sys.executable} {hang} {{onnx}} {{result}}",
                      str(tmp_path / "hang"), timeout=0.2, jobs=2)  # fmt: skip
    assert {r.word for r in ran} == {"timeout"} and max(r.time for r in ran) < 5


def test_marabou_runner(category, tmp_path):
    pytest.importorskip("maraboupy")
    one = tmp_path / "one"
    shutil.copytree(category, one)
    exp = bench.read_expected(str(one))
    sat = next(e for e in exp if e["expected"] == "violated" and "example3" in e["onnx"])
    (one / "instances.csv").write_text(f"{sat['onnx']},{sat['vnnlib']},20\n")
    ran = runners.run(str(one), "marabou", str(tmp_path / "m"))
    assert ran[0].word == "sat"
    judged = {j.name: j for j in check.check(str(one), str(tmp_path / "m"))}
    assert judged["example3"].kind == "CORRECT"


def test_vnn_bench_refuses_a_discrete_reduction_in_one_line(capsys, tmp_path):
    from tests.helpers.cli import one_error_line

    code, _, err = run_cli(capsys, ["vnn-bench", EXAMPLE, "--via", "sat-sign", "-o", tmp_path])
    line = one_error_line(err)
    assert code == 1 and "example3.cnf" in line and "real-latent reduction instead" in line
