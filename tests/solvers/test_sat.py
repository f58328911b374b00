"""The ``sat`` back end: answers on SATLIB, NO proofs of the network's CNF (checked, written,
re-checked by ``verify``, a tampered CNF hash rejected), refusals, and ``auto``'s choice."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reluhard import netfile
from reluhard.certs.verify import verify, verify_files
from reluhard.errors import InputError
from reluhard.inversion import Domain, InversionProblem
from reluhard.network import Layer, Network
from reluhard.pipeline import decide, load_source, reduce_source
from reluhard.problems.cnf import CNF
from reluhard.solvers import solve
from reluhard.solvers.sat import encode, refusal
from tests.helpers.instances import satlib_files


def _problem(name: str, via: str = "sat-sign"):
    path = next(p for p in satlib_files() if p.name == name)
    return reduce_source(load_source(path), via)


@pytest.mark.parametrize("via", ["sat-sign", "sat-real"])
def test_sat_sign_is_the_source_cnf(via):
    p = _problem("uf50-01.cnf", via)
    enc = encode(p)
    src = p.source.instance
    assert enc.cnf.nvars == src.nvars and enc.stats["pb_rows"] == 0
    assert sorted(map(sorted, enc.cnf.clauses())) == sorted(map(sorted, src.clauses()))


@pytest.mark.parametrize("name", ["uf50-01.cnf", "uuf50-01.cnf", "uf75-02.cnf", "uuf75-02.cnf"])
def test_answers_and_certified_no(name, tmp_path):
    p = _problem(name, "sat-real")
    d = decide(p, "sat", prove=True, proof_path=tmp_path / "p.drup", solution_dir=tmp_path)
    assert d.status.answer == ("SATISFIABLE" if name.startswith("uf") else "UNSATISFIABLE")
    if d.proof is None:
        assert d.certificate is not None
        return
    assert d.proof["of"] == "network" and d.proof["check"]["status"] == "VALID"
    net = tmp_path / "n.npz"
    netfile.write(p, net)
    sol = tmp_path / "s.json"
    sol.write_text(json.dumps(d.to_json()))
    v = verify_files(net, sol)
    assert v.ok, v.reasons
    assert any("network's CNF" in c for c in v.checks)
    doc = json.loads(sol.read_text())
    doc["proof"]["cnf_sha256"] = "0" * 64
    bad = verify(p, doc, base_dir=tmp_path)
    assert not bad.ok and "rebuilt from the network" in bad.reasons[0]


def test_network_proof_needs_no_source(tmp_path):
    """A network without an embedded source (a NO no source proof could back)."""
    W = np.array([[1.0, 1.0], [1.0, -1.0]])
    net = Network((Layer(W, np.zeros(2), "relu"), Layer(np.ones((1, 2)), np.zeros(1), "identity")))
    p = InversionProblem(net, np.array([1.0]), Domain("sign"))
    assert solve(p, "brute").status.answer == "UNSATISFIABLE"
    d = decide(p, "sat", prove=True, proof_path=tmp_path / "p.drup", solution_dir=tmp_path)
    assert d.proof["of"] == "network"
    assert verify(p, d.to_json(), base_dir=tmp_path).ok


def test_refusals_are_one_line():
    net = Network((Layer(np.array([[0.5]]), np.zeros(1), "relu"),))
    p = InversionProblem(net, np.zeros(1), Domain("sign"))
    assert "integer weights" in refusal(p)
    leaky = Network((Layer(np.array([[1.0]]), np.zeros(1), "leaky_relu", 0.1),))
    assert "leaky_relu" in refusal(InversionProblem(leaky, np.zeros(1), Domain("sign")))
    with pytest.raises(InputError):
        solve(p, "sat")


def test_auto_picks_sat_where_it_applies():
    cnf = CNF.from_clauses([[1, 2], [-1]])
    from reluhard.pipeline import reduce_instance

    assert solve(reduce_instance(cnf), "auto").solver == "sat"
    assert solve(reduce_instance(cnf, via="sat-real"), "auto").solver == "sat"


def test_time_limit_holds_during_the_search(monkeypatch):
    """A random 3-CNF at the threshold with 400 variables takes CaDiCaL far longer than the
    limit: the answer is UNKNOWN with the reason, never a guess. (A verdict assertion: the
    slices are shrunk so that the clock is read often even on a fast machine.)"""
    import importlib

    from reluhard.pipeline import reduce_instance
    from reluhard.problems.cnf import random_kcnf

    sat_solve = importlib.import_module("reluhard.problems.cnf")

    monkeypatch.setattr(sat_solve, "FIRST_SLICE", 50)
    monkeypatch.setattr(sat_solve, "LAST_SLICE", 200)
    hard = reduce_instance(random_kcnf(400, 1704, 3, np.random.default_rng(7)))
    v = solve(hard, "sat", time_limit=0.2)
    assert v.status.answer == "UNKNOWN"
    assert v.reason == "time limit 0.2 s reached during the CaDiCaL search"


def test_sliced_search_answers_and_proves(tmp_path, monkeypatch):
    """Under a time limit the search runs in conflict slices; answers and proofs still hold."""
    import importlib

    sat_solve = importlib.import_module("reluhard.problems.cnf")

    monkeypatch.setattr(sat_solve, "FIRST_SLICE", 5)
    monkeypatch.setattr(sat_solve, "LAST_SLICE", 5)
    for name, answer in (("uf75-02.cnf", "SATISFIABLE"), ("uuf75-02.cnf", "UNSATISFIABLE")):
        p = _problem(name)
        d = decide(p, "sat", time_limit=600, prove=True, proof_path=tmp_path / "p.lrat")
        assert d.verdict.status.answer == answer, d.verdict.reason
        assert d.proof_status == (None if answer == "SATISFIABLE" else "VALID")
