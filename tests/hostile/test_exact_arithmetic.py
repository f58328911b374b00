"""Hostile input, exact arithmetic (issue 21): data beyond 2^53 never gets a float verdict.

Each case is a YES instance whose integers pass 2^53, so float64 rounds them; through the
command line, every back end answers YES, UNKNOWN with the reason, or refuses with one
line: never NO. The reduce cases refused a network that float64 cannot hold; before the fix
they were reduced with rounded weights and ``brute`` answered UNSATISFIABLE."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from reluhard import netfile, pipeline, solvers
from reluhard.inversion import Domain, InversionProblem, Query
from reluhard.network import Layer, Network
from tests.helpers.cli import one_error_line, run_cli

BIG = 2**53 + 1
HALF = 2**52 + 1

#: CVP text -> the one line ``reduce`` gives (or None: the network is built)
CVPS = {
    # y = (1, 1): (2^53 + 1) + 1 = 2^53 + 2 = t, distance 0
    "entry-past-2^53": (
        f"p cvp 1 2\nnorm 1\nradius 0\nbasis [[{BIG}] [1]]\ntarget {BIG + 1}\n",
        "{f}: cvp-binary: layer 1's weights reach 9.0072e+15 >= 2^53: float64 network "
        "weights cannot hold the instance's integers exactly",
    ),
    # entries below 2^53 whose sums pass it: y = (1, 1, 1) gives 2^52 + 2 = t
    "sum-past-2^53": (
        f"p cvp 1 3\nnorm 1\nradius 0\nbasis [[{HALF}] [{HALF}] [{-(2**52)}]]\ntarget {HALF + 1}\n",
        None,
    ),
}
SOLVERS = ["auto", "cpsat", "scip", "highs", "brute", "sat"]


@pytest.mark.parametrize("name", sorted(CVPS))
@pytest.mark.parametrize("solver", SOLVERS)
def test_big_cvp_is_never_answered_no(tmp_path, capsys, name, solver):
    text, refusal = CVPS[name]
    f = tmp_path / f"{name}.cvp"
    f.write_text(text)
    code, out, err = run_cli(capsys, ["solve", f, "--solver", solver])
    assert "s UNSATISFIABLE" not in out
    if refusal is not None:
        assert code == 1
        assert one_error_line(err) == refusal.format(f=f.name)
    elif code == 1:  # a back end that cannot state the problem says so in one line
        one_error_line(err)
    else:
        assert code in (0, 10), (out, err)
        assert ("s SATISFIABLE" in out) or ("s UNKNOWN" in out and "2^53" in out)


def test_auto_decides_big_cvp_exactly(tmp_path, capsys):
    f = tmp_path / "sum.cvp"
    f.write_text(CVPS["sum-past-2^53"][0])
    code, out, _ = run_cli(capsys, ["solve", f])
    assert code == 10 and "s SATISFIABLE" in out and "v 1 1 1" in out


def test_half_clique_with_a_huge_bound_is_refused(tmp_path, capsys):
    f = tmp_path / "g.col"
    f.write_text("p edge 4 2\ne 1 2\ne 3 4\n")
    code, _, err = run_cli(
        capsys,
        [
            "reduce",
            f,
            "--via",
            "halfclique-binary",
            "--param",
            f"M={2**120}",
            "-o",
            tmp_path / "x.npz",
        ],
    )
    assert code == 1
    assert one_error_line(err).endswith(
        "float64 network weights cannot hold the instance's integers exactly"
    )


def _big_network() -> InversionProblem:
    """``G(z) = 2^53 z_1 + z_2 - 2^53`` (identity), ``x = 1``: YES at ``z = (1, 1)``, which
    float64 computes as 0."""
    layer = Layer(np.array([[2.0**53, 1.0]]), np.array([-(2.0**53)]), "identity")
    return InversionProblem(Network((layer,)), np.array([1.0]), Domain("binary"), Query())


@pytest.mark.parametrize("solver", ["auto", "scip", "highs", "brute", "cpsat"])
def test_big_network_is_never_answered_no(tmp_path, capsys, solver):
    path = tmp_path / "big.npz"
    netfile.write(_big_network(), path)
    code, out, err = run_cli(capsys, ["invert", path, "--solver", solver, "--print-latent"])
    assert "s UNSATISFIABLE" not in out
    if solver in ("auto", "brute"):
        assert code == 10 and "v 1 1" in out
    elif solver == "cpsat":
        assert code == 1
        assert one_error_line(err) == (
            "solver 'cpsat' needs integer weights, biases and target below 2^40 (use scip or highs)"
        )
    else:
        assert code == 0 and "s UNKNOWN" in out
        assert (
            f"layer 1's weights reach 9.0072e+15 >= 2^53: solver '{solver}' computes in "
            "float64" in out
        )


def test_float_refusal_sees_unit_bounds_and_radius():
    from reluhard import exactness

    ok = _big_network()
    small = Layer(np.array([[2.0**52, 2.0**52]]), np.array([0.0]), "relu")
    p = InversionProblem(Network((small,)), np.array([0.0]), Domain("binary"), Query())
    assert exactness.float_refusal(p) == "a pre-activation of layer 1 may reach 9.0072e+15 >= 2^53"
    q = Query("approx", 2, None, strict=False, delta_pow=Fraction(2**60))
    p = InversionProblem(
        Network((Layer(np.eye(1), np.zeros(1)),)), np.zeros(1), Domain("binary"), q
    )
    assert exactness.float_refusal(p) == "the query's radius^p reaches 2^53"
    assert exactness.float_refusal(ok) is not None
    real = InversionProblem(ok.network, ok.target, Domain("box", 0.0, 1.0), Query())
    verdict = solvers.solve(real, "gd")
    assert verdict.status is solvers.UNKNOWN and "solver 'gd' computes in float64" in verdict.reason


def test_reduction_fault_is_checked_on_every_build():
    from reluhard.problems.cvp_format import parse_cvp

    cvp = parse_cvp(CVPS["entry-past-2^53"][0].encode(), "x.cvp")
    with pytest.raises(pipeline.InputError, match="cannot hold"):
        pipeline.reduce_instance(cvp, kind="cvp")


@pytest.mark.parametrize("solver", ["auto", "scip"])
def test_half_clique_with_a_radius_past_2_53_is_not_decided_in_floats(tmp_path, capsys, solver):
    """M = 2^60: the network holds it (weights ~ sqrt(M)), radius^p does not; the triangle-free
    4-vertex graph with edges 12, 34 has the half-clique {1, 2} of weight 1 < M (YES)."""
    f = tmp_path / "g.col"
    f.write_text("p edge 4 2\ne 1 2\ne 3 4\n")
    argv = ["solve", f, "--via", "halfclique-binary", "--param", f"M={2**60}", "--solver", solver]
    code, out, err = run_cli(capsys, argv)
    assert "s UNSATISFIABLE" not in out
    if solver == "scip":
        assert code == 0 and "the query's radius^p reaches 2^53" in out
    else:  # before: CP-SAT built a table of 3.7e9 powers and was killed
        assert code == 1
        assert one_error_line(err) == (
            "solver 'cpsat': |output - target|^2 may reach 3719550787^2, beyond CP-SAT's "
            "64-bit integers"
        )


@pytest.mark.parametrize("member", ["W0", "b0", "target"])
@pytest.mark.parametrize("command", ["info", "invert"])
def test_int64_network_data_past_2_53_are_refused_not_rounded(tmp_path, capsys, member, command):
    """A network file may store integral weights as integers; int64 ``2^53 + 1`` read as
    float64 would silently become ``2^53``."""
    import json

    problem = _big_network()
    data, meta = netfile._arrays(problem)
    data[member] = np.array(data[member], dtype=np.int64)
    data[member].flat[0] = BIG
    data["meta"] = np.array(json.dumps(meta, sort_keys=True))
    path = str(tmp_path / "int.npz")
    netfile._write_zip(path, data)
    code, _, err = run_cli(capsys, [command, path])
    what = {"W0": "weights", "b0": "biases", "target": "target"}[member]
    assert code == 1
    assert one_error_line(err) == (
        f"{path}: inconsistent network file: {what} hold the integer {BIG}, beyond 2^53: "
        "float64 would round it"
    )
