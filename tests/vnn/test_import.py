"""``invert MODEL.onnx --vnnlib PROP.vnnlib``: the VNN-LIB reader (exact constants, one-line
errors), the ONNX reader (exact weights, refused operators named), the spec query through
the MILP and the exact check, and VNN-COMP's test category decided correctly."""

from __future__ import annotations

import csv
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import netfile, solvers
from reluhard.errors import InputError
from reluhard.inversion import Atom, check_latent
from reluhard.network import exact_output
from reluhard.randomnet import random_problem
from reluhard.vnn import export as vexport
from reluhard.vnn import results, spec, vnnlib_read
from tests.helpers.cli import one_error_line, run_cli
from tests.helpers.instances import SHARED

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

VNNCOMP = SHARED / "vnncomp-test"
EXPECTED = {"test_sat.onnx": "sat"}  # the README: 1-7 (test_sat) is sat, the rest unsat


def test_constants_are_exact_and_formulas_become_dnf():
    text = """; comment
    (declare-const X_0 Real) (declare-const Y_0 Real) (declare-const Y_1 Real)
    (assert (<= X_0 0.1)) (assert (>= X_0 -1e-3))
    (assert (or (and (<= Y_0 Y_1) (>= (+ Y_0 (* 2 Y_1)) 3)) (<= (- Y_1 Y_0) -0.5)))"""
    prop = vnnlib_read.parse(text)
    assert (prop.n_in, prop.n_out) == (1, 2) and len(prop.disjuncts) == 2
    first = prop.disjuncts[0]
    assert Atom((("X", 0, Fraction(1)),), Fraction(1, 10)) in first
    assert Atom((("X", 0, Fraction(-1)),), Fraction(1, 1000)) in first  # X_0 >= -0.001
    assert Atom((("Y", 0, Fraction(1)), ("Y", 1, Fraction(-1))), Fraction(0)) in first
    assert Atom((("Y", 0, Fraction(-1)), ("Y", 1, Fraction(-2))), Fraction(-3)) in first
    assert (
        Atom((("Y", 0, Fraction(-1)), ("Y", 1, Fraction(1))), Fraction(-1, 2)) in prop.disjuncts[1]
    )


@pytest.mark.parametrize(
    "text, line, what",
    [
        ("(declare-const X_0 Real)\n(assert (<= X_1 1))", 2, "X_1 is not declared"),
        ("(declare-const X_0 Real)\n\n(assert (<= (* X_0 X_0) 1))", 3, "not linear"),
        ("(declare-const X_0 Real)\n(assert (<= X_0 1)", 2, "never closed"),
        ("(declare-const X_0 Int)", 1, "not Real"),
        ("(declare-const X_0 Real)\n(assert (< X_0 1))", 2, "unsupported formula"),
        ("(declare-const X_0 Real)\n(assert (<= X_0 abc))", 2, "neither a number"),
        ("(check-sat)", 1, "unsupported command"),
    ],
)
def test_bad_properties_get_file_and_line(text, line, what):
    with pytest.raises(InputError) as e:
        vnnlib_read.parse(text, "p.vnnlib")
    assert e.value.line == line and what in e.value.message


def test_refused_operator_is_named(tmp_path):
    from onnx import TensorProto, helper

    node = helper.make_node("Conv", ["X", "W"], ["Y"])
    w = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, 1, 1], [1.0])
    g = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 1, 1])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 1, 1, 1])],
        [w],
    )
    onnx.save(helper.make_model(g), tmp_path / "c.onnx")
    (tmp_path / "p.vnnlib").write_text("(declare-const X_0 Real)(declare-const Y_0 Real)")
    with pytest.raises(InputError) as e:
        spec.load(str(tmp_path / "c.onnx"), str(tmp_path / "p.vnnlib"))
    assert "operator Conv is not supported" in str(e.value)


@pytest.mark.parametrize("seed", range(3))
def test_exported_problem_imports_to_the_same_function(seed, tmp_path):
    """Export then import: the network read back is the same function exactly."""
    p = random_problem([3, 6, 4], seed=seed, bias=True, box=6.0)
    vexport.export(p, str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    q = spec.load(str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    z = np.random.default_rng(seed).uniform(-6, 6, 3)
    assert exact_output(q.network, z) == exact_output(p.network, z)
    # the same question: the planted latent meets both
    assert check_latent(p, p.planted).ok == check_latent(q, p.planted).ok


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-20, 20)),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_spec_text_parses_back_to_the_same_spec(disjuncts):
    """A spec written as VNN-LIB (box, or of and) reads back atom for atom."""
    p = random_problem([2, 3, 2], seed=0, box=6.0)
    atoms = tuple(
        tuple(
            Atom(tuple(t for t in (("Y", 0, Fraction(a)), ("Y", 1, Fraction(b))) if t[2]),
                 Fraction(c, 4))
            for a, b, c in conj
        )
        for conj in disjuncts
    )  # fmt: skip
    from reluhard.inversion import Domain, InversionProblem, Query, Spec

    box = ((Fraction(-1), Fraction(1)), (Fraction(-1, 2), Fraction(3, 8)))
    sp = InversionProblem(p.network, np.zeros(2), Domain("box", -1, 1),
                          Query("spec", spec=Spec(box, atoms)))  # fmt: skip
    back = spec.problem_of(p.network, vnnlib_read.parse(spec.spec_text(sp)), "n", "p")
    assert back.query.spec.box == box
    got = [
        tuple(a for a in conj if not (a.terms and a.terms[0][0] == "X"))
        for conj in back.query.spec.disjuncts
    ]
    assert got == [tuple(conj) for conj in atoms]


def test_spec_problem_survives_the_network_file(tmp_path):
    """The spec query in the IR: written to the .npz, read back, the same exact check."""
    if not VNNCOMP.is_dir():
        pytest.skip("shared/instances/vnncomp-test is absent")
    p = spec.load(str(VNNCOMP / "test_sat.onnx"), str(VNNCOMP / "test_prop.vnnlib"))
    netfile.write(p, tmp_path / "acas.npz")
    q = netfile.read(tmp_path / "acas.npz")
    assert q.query == p.query
    v = solvers.solve(q, "scip", time_limit=60)
    assert v.status is solvers.INVERTIBLE and check_latent(p, v.latent).ok


def _instances():
    if not VNNCOMP.is_dir():
        return []
    with open(VNNCOMP / "test_instances.csv") as f:
        return [tuple(r[:2]) for r in csv.reader(f) if r]


@pytest.mark.parametrize("onnx_file, vnnlib_file", _instances())
def test_vnncomp_test_category_decided(capsys, tmp_path, onnx_file, vnnlib_file):
    out = tmp_path / "result.txt"
    code, stdout, err = run_cli(
        capsys,
        ["invert", VNNCOMP / onnx_file, "--vnnlib", VNNCOMP / vnnlib_file,
         "--time-limit", "120", "--vnn-result", out],
    )  # fmt: skip
    want = EXPECTED.get(onnx_file, "unsat")
    assert code == {"sat": 10, "unsat": 20}[want], stdout + err
    res = results.read(str(out))
    assert res.word == want
    if want == "sat":
        p = spec.load(str(VNNCOMP / onnx_file), str(VNNCOMP / vnnlib_file))
        x = [res.x[i] for i in range(p.n)]
        check = check_latent(p, x)
        assert check.ok and list(check.output) == [res.y[j] for j in range(len(res.y))]


def test_cli_errors_are_one_line(capsys, tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    (tmp_path / "p.vnnlib").write_text("(declare-const X_0 Real)")
    code, _, err = run_cli(
        capsys, ["invert", tmp_path / "bad.onnx", "--vnnlib", tmp_path / "p.vnnlib"]
    )
    assert code == 1 and "not an ONNX model" in one_error_line(err)
    code, _, err = run_cli(capsys, ["invert", tmp_path / "bad.onnx"])
    assert code == 1 and "--vnnlib" in one_error_line(err)


def _spec_problem(net, box, disjuncts):
    from reluhard.inversion import Domain, InversionProblem, Query, Spec

    lo = min(a for a, _ in box)
    hi = max(b for _, b in box)
    q = Query("spec", spec=Spec(tuple(box), tuple(tuple(c) for c in disjuncts)))
    return InversionProblem(net, np.zeros(net.out_dim), Domain("box", float(lo), float(hi)), q)


def _y_box(j: int, lo: Fraction, hi: Fraction) -> list[Atom]:
    return [Atom((("Y", j, Fraction(1)),), hi), Atom((("Y", j, Fraction(-1)),), -lo)]


@pytest.mark.parametrize("solver", ["scip", "highs"])
@pytest.mark.parametrize("seed", range(3))
def test_disjunctions_on_the_float_milps(solver, seed):
    """A disjunct around the planted output makes it sat (latent checked exactly); with only
    impossible disjuncts it is unsat."""
    p = random_problem([2, 5, 3], seed=seed, bias=True, box=6.0)
    box = [(Fraction(-6), Fraction(6))] * 2
    y = exact_output(p.network, p.planted)
    near = [
        a for j in range(3) for a in _y_box(j, y[j] - Fraction(1, 100), y[j] + Fraction(1, 100))
    ]
    never = _y_box(0, Fraction(10**6), Fraction(10**6 + 1))
    sat = _spec_problem(p.network, box, [never, near, never])
    v = solvers.solve(sat, solver, time_limit=60)
    assert v.status is solvers.INVERTIBLE and check_latent(sat, v.latent).ok
    unsat = _spec_problem(
        p.network, box, [never, _y_box(1, Fraction(-(10**6) - 1), Fraction(-(10**6)))]
    )
    assert solvers.solve(unsat, solver, time_limit=60).status is solvers.NOT_INVERTIBLE


def test_disjunctions_on_cpsat(tmp_path):
    """sat-real exported and imported: CP-SAT takes the integer spec (the hull of the
    disjuncts' output bounds still pins Y_1, so presolve shows the latent two-valued); an
    impossible disjunct beside it changes nothing; alone it is unsat."""
    from reluhard import pipeline
    from tests.helpers.instances import EXAMPLE

    p = pipeline.reduce_source(pipeline.load_source(str(EXAMPLE)), "sat-real", {})
    vexport.export(p, str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    q = spec.load(str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    (conj,) = q.query.spec.disjuncts
    n = Fraction(int(p.target[1]))
    never = _y_box(0, Fraction(-2), Fraction(-1)) + _y_box(1, n, n)  # Y_0 >= 0 always
    box = list(q.query.spec.box)
    both = _spec_problem(q.network, box, [never, conj])
    v = solvers.solve(both, "cpsat", time_limit=60)
    assert (
        v.solver == "cpsat" and v.status is solvers.INVERTIBLE and check_latent(both, v.latent).ok
    )
    only = _spec_problem(q.network, box, [never, never])
    assert solvers.solve(only, "cpsat", time_limit=60).status is solvers.NOT_INVERTIBLE


def test_certify_is_refused_for_onnx(capsys, tmp_path):
    p = random_problem([2, 3], seed=0, box=6.0)
    vexport.export(p, str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    argv = ["invert", tmp_path / "n.onnx", "--vnnlib", tmp_path / "p.vnnlib", "--certify"]
    code, _, err = run_cli(capsys, argv)
    assert code == 1 and "--certify proves a source CNF" in one_error_line(err)


def test_verify_takes_onnx_and_vnnlib(capsys, tmp_path):
    """A solution file of ``invert MODEL.onnx`` is verified against the ONNX network and
    the property; a tampered latent is rejected."""
    import json

    p = random_problem([2, 4, 3], seed=4, bias=True, box=6.0)
    vexport.export(p, str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    net, prop, sol = tmp_path / "n.onnx", tmp_path / "p.vnnlib", tmp_path / "sol.json"
    code, out, err = run_cli(
        capsys, ["invert", net, "--vnnlib", prop, "--solver", "scip", "-o", sol]
    )
    assert code == 10, out + err
    code, out, _ = run_cli(capsys, ["verify", net, sol, "--vnnlib", prop])
    assert code == 0 and out.startswith("VERIFIED")
    doc = json.loads(sol.read_text())
    doc["latent"] = [str(Fraction(v) + 7) for v in doc["latent"]]
    sol.write_text(json.dumps(doc))
    code, out, _ = run_cli(capsys, ["verify", net, sol, "--vnnlib", prop])
    assert code == 1 and "REJECTED" in out
