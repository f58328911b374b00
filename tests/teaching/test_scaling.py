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
from reluhard.teaching.scaling import runners
from reluhard.teaching.scaling.fit import fit, fit_base
from reluhard.teaching.scaling.measure import measure
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


def test_fit_base_ignores_points_below_the_floor():
    # overhead flattens everything under 1 ms; from 2^13 us = 8 ms on it is pure 2^n
    ns = list(range(5, 21))
    times = [max(1e-3, 1e-6 * 2.0**n) for n in ns]
    f = fit(ns, times)
    assert f.above_floor and f.ns == list(range(13, 21))
    assert abs(f.c - 2) < 1e-6
    assert fit(ns, times, floor=0.0).c < 1.9  # what the floor prevents


def test_fit_all_below_floor_is_flagged():
    f = fit([10, 12, 14], [1e-5, 2e-5, 4e-5])
    assert not f.above_floor and f.ns == [10, 12, 14]
    assert abs(f.c - math.sqrt(2)) < 1e-6
    assert math.isnan(fit([10], [1.0]).c)


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
        "--solvers", "auto", "--out", str(out),
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
    assert set(report["fits"]) == methods
    assert math.isfinite(report["fits"]["brute"]["base"])
    assert report["parameters"]["n"] == [10, 12, 14, 16]
    assert report["machine"]["cpu_count"] >= 1
    assert len(report["rows"]) == len(rows)
    assert "SETH" in report["caption"]


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
    assert (a.via, a.n_min, a.n_max, a.step, a.k, a.per_n) == ("sat-sign", 12, 24, 2, 3, 3)
    assert (a.ratio, a.solvers, a.time_limit, a.seed, a.out, a.clock) == (
        4.26, "auto", 60.0, 0, "scaling-out", "cpu",
    )  # fmt: skip


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
