"""`reluhard scaling` (reluhard.teaching.scaling): the fit, the exhaustive count, a quick run."""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math

import numpy as np
import pytest

from reluhard import reductions
from reluhard.blas import single_threaded
from reluhard.errors import InputError
from reluhard.pipeline import reduce_instance
from reluhard.problems.cnf import CNF, check, random_kcnf
from reluhard.progress import Progress
from reluhard.solvers import exhaustive
from reluhard.teaching import scaling
from reluhard.teaching.scaling import command, runners
from reluhard.teaching.scaling.fit import NO_FIT_OVERHEAD, fit, fit_base
from reluhard.teaching.scaling.measure import measure
from reluhard.teaching.scaling.report import caption, table
from reluhard.teaching.scaling.rows import CSV_FIELDS, problems


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    scaling.add_arguments(parser)
    return parser.parse_args(list(argv))


# ---------------------------------------------------------------------------------- fit


def test_fit_base_synthetic_exact():
    ns = list(range(10, 21))
    c, a = fit_base(ns, [3 * 2.0**n for n in ns])
    assert abs(c - 2) < 1e-6
    assert abs(a - math.log2(3)) < 1e-6


def test_fit_base_uses_median_per_n():
    ns = [n for n in range(10, 21) for _ in range(3)]
    times = [3 * 2.0**n * f for n in range(10, 21) for f in (0.5, 1.0, 7.0)]
    c, a = fit_base(ns, times)
    assert abs(c - 2) < 1e-6 and abs(a - math.log2(3)) < 1e-6


def test_fit_recovers_the_base_above_overhead_and_picks_the_range():
    # 1 ms of start-up overhead plus 1.5^n us: the threshold is 10 ms, crossed at n = 23
    ns = list(range(10, 41))
    times = [1e-3 + 1e-6 * 1.5**n for n in ns]
    f = fit(ns, times, overhead=1e-3)
    assert f.ok and f.threshold == pytest.approx(1e-2)
    assert f.ns == list(range(23, 41)) and f.above == 18
    assert abs(f.c - 1.5) < 0.02
    assert f.text().endswith("^n over n = 23..40")
    # what the rule prevents: fitting the flat start pulls the base far down
    assert fit(ns, times).c < 1.45


def test_fit_range_is_the_run_ending_at_the_largest_n():
    # a spike at n = 10 clears the threshold but is not joined to the top run
    ns = list(range(10, 21))
    times = [5.0] + [1e-3] * 4 + [1e-6 * 4.0**n for n in range(15, 21)]
    f = fit(ns, times, overhead=1e-3)
    assert f.ns == [15, 16, 17, 18, 19, 20] and f.above == 7
    assert abs(f.c - 4) < 1e-6


def test_fit_all_overhead_gives_no_fit():
    f = fit([10, 12, 14], [1e-5, 2e-5, 4e-5], overhead=1e-5)
    assert not f.ok and f.ns == [] and f.above == 0
    assert f.text() == NO_FIT_OVERHEAD == "no fit: all points at start-up overhead"
    # two sizes above the threshold are not enough for a fit
    g = fit([10, 12, 14, 16], [1e-5, 1e-5, 1.0, 2.0], overhead=1e-5)
    assert not g.ok and g.ns == [14, 16] and "only 2 size(s)" in g.text()
    assert math.isnan(fit([10], [1.0]).c)


def test_fit_without_overhead_uses_every_n():
    f = fit([10, 12, 14], [1e-5, 2e-5, 4e-5])
    assert f.ok and f.ns == [10, 12, 14] and abs(f.c - math.sqrt(2)) < 1e-6


def _fake_rows(k: int, ns, method: str, times, satisfiable=None) -> list[dict]:
    return [
        {"k": k, "n": n, "instance": 0, "seed": 0, "clauses": 4 * n, "method": method,
         "seconds": t, "cpu_seconds": t, "wall_seconds": t, "verdict": "SAT",
         "brute_count": 1, "satisfiable": satisfiable, "agrees": True, "detail": ""}
        for n, t in zip(ns, times, strict=True)
    ]  # fmt: skip


def test_caption_states_the_claims_and_the_limits():
    ns = list(range(12, 23, 2))
    rows = _fake_rows(3, ns, "brute", [1e-6 * 2.0**n for n in ns])
    rows += _fake_rows(3, ns, "cadical", [1e-5] * len(ns), satisfiable=True)
    over = {"brute": 1e-4, "cadical": 1e-5}
    params = {"via": "sat-sign", "clock": "cpu", "k": [3], "per_n": 1}
    text = caption({3: rows}, params, 60.0, over)
    assert r"ETH claims: 3-SAT has no $2^{o(n)}$-time algorithm" in text
    assert r"for every $\varepsilon > 0$ there is a k such that k-SAT has no" in text
    assert r"$O(2^{(1-\varepsilon)n})$" in text
    assert "exactly the formula's n coordinates" in text and "would refute SETH" in text
    assert "finite n (up to 22)" in text and "random k-CNFs" in text
    assert "not lower bounds" in text and "nothing here proves or refutes ETH or SETH" in text
    assert "doubles per variable" in text and "fitted base 2.00" in text
    lines = table({3: rows}, 60.0, "cpu", over)
    assert "CaDiCaL 1.9.5 SAT:" in lines and NO_FIT_OVERHEAD in lines
    assert "time ~ 2.00^n over n = 12..22" in lines


# ------------------------------------------------------------------------- enumeration


def _models(cnf: CNF) -> int:
    return sum(
        check(cnf, [v if s else -v for v, s in enumerate(bits, 1)])
        for bits in itertools.product((False, True), repeat=cnf.nvars)
    )


@pytest.mark.parametrize("seed", range(4))
def test_count_inverting_counts_every_model(seed):
    rng = np.random.default_rng(seed)
    cnf = random_kcnf(9, 20 + 5 * seed, 3, rng)
    expected = _models(cnf)
    for via in ("sat-sign", "sat-real"):
        en = runners.count_inverting(reduce_instance(cnf, via=via))
        assert en.count == expected, via
        assert en.tried == 2**9
        if expected:
            assert check(cnf, reductions.REGISTRY[via].decode(cnf, en.first))


def test_count_inverting_small_blocks(monkeypatch):
    # several blocks (L < n), and the unsatisfiable case
    monkeypatch.setattr(exhaustive, "BLOCK_ELEMENTS", 64)
    cnf = random_kcnf(10, 25, 3, np.random.default_rng(7))
    assert runners.count_inverting(reduce_instance(cnf)).count == _models(cnf)
    unsat = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]], nvars=8)
    assert runners.count_inverting(reduce_instance(unsat)).count == 0


def test_count_inverting_sparse_first_layer(monkeypatch):
    # a first layer too large to make dense stays sparse: the same count
    monkeypatch.setattr(exhaustive, "DENSE_FIRST_LAYER", 0)
    monkeypatch.setattr(exhaustive, "BLOCK_ELEMENTS", 256)
    cnf = random_kcnf(10, 30, 3, np.random.default_rng(3))
    problem = reduce_instance(cnf)
    assert problem.network.layers[0].sparse
    assert runners.count_inverting(problem).count == _models(cnf)


def test_single_threaded_blas_restores():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    assert before  # numpy's BLAS is found
    with single_threaded():
        assert all(t == 1 for t in blas_threads())
    assert blas_threads() == before


# ----------------------------------------------------------------------------- the run


def test_quick_run(tmp_path, capsys):
    out = tmp_path / "out"
    args = _args(
        "--n-min", "10", "--n-max", "16", "--step", "2", "--per-n", "2",
        "--solvers", "auto", "--solver-n-max", "16", "--out", str(out),
    )  # fmt: skip
    assert scaling.run(args) == 0
    printed = capsys.readouterr()
    assert "brute force" in printed.out and "fitted bases" in printed.out
    assert "WRONG" not in printed.out + printed.err

    with open(out / "scaling.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    methods = {"brute", "milp:auto", "cadical"}
    assert {(int(r["n"]), r["method"]) for r in rows} == {
        (n, m) for n in (10, 12, 14, 16) for m in methods
    }
    assert len(rows) == 4 * 2 * 3
    assert set(CSV_FIELDS) <= set(rows[0])
    for n, i in itertools.product((10, 12, 14, 16), range(2)):
        inst = [r for r in rows if int(r["n"]) == n and int(r["instance"]) == i]
        count = {int(r["brute_count"]) for r in inst}
        assert len(count) == 1
        want = "SAT" if count.pop() > 0 else "UNSAT"
        assert {r["verdict"] for r in inst} == {want}, inst
        assert {r["agrees"] for r in inst} == {"True"}
        assert all(float(r["seconds"]) >= 0 for r in inst)
        assert {int(r["clauses"]) for r in inst} == {round(4.26 * n)}
        # the seed column rebuilds the instance
        seed = int(inst[0]["seed"])
        cnf = random_kcnf(n, round(4.26 * n), 3, np.random.default_rng(seed))
        assert (_models(cnf) > 0) == (want == "SAT")

    png = (out / "scaling.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000

    report = json.loads((out / "scaling.json").read_text())
    assert report["wrong_answers"] == []
    assert set(report["fits"]) == {"3"}
    assert {m.split(" ")[0] for m in report["fits"]["3"]} == methods
    brute = report["fits"]["3"]["brute"]
    assert brute["base"] is None or math.isfinite(brute["base"])
    assert brute["threshold_seconds"] == pytest.approx(10 * report["overheads"]["brute"])
    assert report["total_cpu_seconds"] > 0
    assert report["parameters"]["n"] == [10, 12, 14, 16]
    assert report["machine"]["cpu_count"] >= 1
    assert len(report["rows"]) == len(rows)
    assert "SETH" in report["caption"]
    assert "start-up overhead" in printed.out and "CPU" in printed.out


def _lying_cadical(monkeypatch):
    """Make the CaDiCaL step answer the opposite of the truth."""
    honest = runners.cadical
    flip = {"SAT": "UNSAT", "UNSAT": "SAT"}

    def lie(cnf):
        verdict, *rest = honest(cnf)
        return (flip.get(verdict, verdict), *rest)

    monkeypatch.setattr(runners, "cadical", lie)


def test_measure_flags_disagreement(monkeypatch):
    # a method that lies must be caught: problems() lists it (run() then exits 1)
    _lying_cadical(monkeypatch)
    rows = measure([8], per_n=2, ratio=3.0, solvers=["auto"], seed=1)
    wrong = problems(rows)
    assert len(wrong) == 4  # per instance: CaDiCaL's row and brute force's (against CaDiCaL)
    assert all("says" in w for w in wrong)
    assert {r["method"] for r in rows if r["agrees"] is False} == {"brute", "cadical"}


def test_run_reports_disagreement(monkeypatch, tmp_path, capsys):
    _lying_cadical(monkeypatch)
    args = _args("--n-min", "8", "--n-max", "8", "--per-n", "1", "--ratio", "2",
                 "--out", str(tmp_path))  # fmt: skip
    assert scaling.run(args) == 1
    assert "WRONG ANSWER" in capsys.readouterr().err
    assert (tmp_path / "scaling.json").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("--n-min", "12", "--n-max", "10"),
        ("--solvers", "cpsat,gurobi"),
        ("--k", "4", "--n-min", "3", "--n-max", "3"),
        ("--via", "no-such-reduction"),
        ("--n-max", "60"),
    ],
)
def test_run_rejects_bad_parameters(argv, tmp_path):
    with pytest.raises(InputError):
        scaling.run(_args(*argv, "--out", str(tmp_path)))


@pytest.mark.parametrize("argv", [("--per-n", "0"), ("--ratio", "-1"), ("--step", "x")])
def test_argparse_rejects_bad_values(argv):
    with pytest.raises(SystemExit) as e:
        _args(*argv)
    assert e.value.code == 2


def test_defaults():
    a = _args()
    st = command.settings(a)
    assert (a.via, st["n_min"], st["n_max"], st["step"], st["k"], a.per_n) == (
        "sat-sign", 12, 22, 2, (3,), 3,
    )  # fmt: skip
    assert (st["solver_n_max"], st["solver_step"], st["budget"]) == (150, 10, 1.5)
    assert (st["ratios"], st["solvers"], a.time_limit, a.seed, a.out, a.clock) == (
        {3: 4.26}, "highs", 60.0, 0, "scaling-out", "cpu",
    )  # fmt: skip


def test_k_option_and_threshold_ratios():
    st = command.settings(_args("--k", "3,4,5"))
    assert st["k"] == (3, 4, 5)
    assert st["ratios"] == {3: 4.26, 4: 9.93, 5: 21.12}
    assert command.settings(_args("--k", "4,4", "--ratio", "3"))["ratios"] == {4: 3.0}
    with pytest.raises(InputError, match="give --ratio"):
        command.settings(_args("--k", "9"))


@pytest.mark.parametrize("bad", ["3,x", "", "1", "3,,40"])
def test_k_option_rejects(bad):
    with pytest.raises(SystemExit) as e:
        _args("--k", bad)
    assert e.value.code == 2


def test_lecture_preset_and_overrides():
    st = command.settings(_args("--lecture"))
    assert {key: st[key] for key in command.LECTURE} == command.LECTURE
    assert st["k"] == (3, 4, 5) and st["solvers"] == "highs,cpsat"
    assert st["ratios"] == {3: 4.26, 4: 9.93, 5: 21.12}
    mine = command.settings(_args("--lecture", "--n-max", "16", "--k", "3", "--budget", "1"))
    assert (mine["n_max"], mine["k"], mine["budget"]) == (16, (3,), 1.0)
    assert mine["solver_n_max"] == command.LECTURE["solver_n_max"]


def test_run_with_several_k_and_solvers_past_brute_force(tmp_path, capsys):
    # brute force at n = 5..7, solvers on to n = 19; one panel per k
    args = _args(
        "--k", "3,4", "--n-min", "5", "--n-max", "7", "--step", "1", "--per-n", "2",
        "--solver-n-max", "19", "--solver-step", "6", "--solvers", "highs",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert scaling.run(args) == 0
    printed = capsys.readouterr().out
    assert "k = 3:" in printed and "k = 4:" in printed and "CPU" in printed
    report = json.loads((tmp_path / "scaling.json").read_text())
    assert report["parameters"]["solver_n"] == [13, 19]
    assert set(report["fits"]) == {"3", "4"}
    rows = report["rows"]
    for k, ratio in ((3, 4.26), (4, 9.93)):
        mine = [r for r in rows if r["k"] == k]
        assert {r["n"] for r in mine if r["method"] == "brute"} == {5, 6, 7}
        assert {r["n"] for r in mine if r["method"] == "cadical"} == {5, 6, 7, 13, 19}
        assert all(r["clauses"] == round(ratio * r["n"]) for r in mine)
        past = [r for r in mine if r["n"] > 7]
        assert all(r["brute_count"] is None for r in past)
        assert all(r["satisfiable"] in (True, False) for r in past)
        assert all(r["agrees"] is True for r in past if r["method"] == "milp:highs")
    assert (tmp_path / "scaling.png").read_bytes().startswith(b"\x89PNG")


def test_budget_stops_a_solver():
    rows = measure([6, 8], per_n=1, ratio=3.0, solvers=["highs"], solver_ns=[12], budget=1e-9)
    assert {r["n"] for r in rows if r["method"] == "brute"} == {6, 8}
    assert {r["n"] for r in rows if r["method"] != "brute"} == {6}


def test_overheads_are_measured_per_method():
    over = runners.overheads("sat-sign", ["highs"], "cpu")
    assert set(over) == {"brute", "milp:highs", "cadical"}
    assert all(t >= 0 for t in over.values())


# ---------------------------------------------------------------------------- progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_tty_and_not():
    tty = _Tty()
    bar = Progress(tty)
    bar.update(0.5, "n=20 #1 brute")
    bar.finish("done")
    text = tty.getvalue()
    assert text.startswith("\r[") and "50%" in text and text.endswith("done\n")

    plain = io.StringIO()
    bar = Progress(plain)
    bar.update(0.5, "n=20 #1 brute")
    bar.finish("done")
    assert plain.getvalue() == "done\n"
