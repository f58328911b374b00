"""End to end through the command line: `reluhard random-net`, then `reluhard invert` with
the tractable back ends (lp, layerwise, linf-lp, l1-lp, lp-relax, gd), `--solver-option`,
`reluhard verify` of their solutions, refusals, and `reluhard list`."""

from __future__ import annotations

import json

import pytest

from reluhard import solvers
from tests.helpers.cli import one_error_line, run_cli
from tests.helpers.instances import EXAMPLE

TRACTABLE = ["lp", "layerwise", "linf-lp", "l1-lp", "lp-relax", "gd"]


@pytest.fixture(scope="module")
def random_net(tmp_path_factory) -> str:
    """A 5 -> 20 -> 50 random network file (seed 1, no noise) written by the CLI."""
    from reluhard import cli

    path = tmp_path_factory.mktemp("net") / "net.npz"
    assert cli.main(["random-net", "--widths", "5,20,50", "--seed", "1", "-o", str(path)]) == 0
    return str(path)


@pytest.fixture(scope="module")
def sat_sign_net(tmp_path_factory) -> str:
    from reluhard import cli

    path = tmp_path_factory.mktemp("net") / "sat.npz"
    assert cli.main(["reduce", str(EXAMPLE), "-o", str(path)]) == 0
    return str(path)


@pytest.mark.parametrize("solver", TRACTABLE)
def test_invert_random_net(capsys, random_net, solver):
    """Each tractable back end inverts the random network: `s SATISFIABLE`, exit 10, with
    the residual and latent-error comment lines (and per-layer LP lines for the LPs)."""
    code, out, err = run_cli(capsys, ["invert", random_net, "--solver", solver])
    assert (code, err) == (10, "")
    lines = out.splitlines()
    assert "s SATISFIABLE" in lines
    assert any(line.startswith("c ") and "residual" in line for line in lines)
    assert any(line.startswith("c ") and "latent error" in line for line in lines)
    if solver == "gd":
        assert any("iterations, final gradient norm" in line for line in lines)
    else:
        assert any(line.startswith("c layer 2: ") for line in lines)
        assert any(line.startswith("c layer 1: ") for line in lines)


@pytest.mark.parametrize("solver", TRACTABLE)
def test_invert_solution_verifies(capsys, tmp_path, random_net, solver):
    """invert -o sol.json, then `reluhard verify` accepts the solution: VERIFIED, exit 0."""
    sol = tmp_path / "sol.json"
    code, _, err = run_cli(capsys, ["invert", random_net, "--solver", solver, "-o", sol])
    assert (code, err) == (10, "")
    data = json.loads(sol.read_text())
    assert data["status"] == "INVERTIBLE"
    code, out, err = run_cli(capsys, ["verify", random_net, sol])
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "VERIFIED"


def test_invert_print_latent(capsys, random_net):
    """--print-latent prints the 5 exact latent values on v lines."""
    code, out, _ = run_cli(capsys, ["invert", random_net, "--solver", "lp", "--print-latent"])
    values = [t for line in out.splitlines() if line.startswith("v ") for t in line[2:].split()]
    assert code == 10 and len(values) == 5


def test_solver_options_reach_the_back_end(capsys, random_net):
    """Typed options: gd with negation and a small iteration budget, linf-lp with alpha and
    the HiGHS LP solver."""
    argv = ["invert", random_net, "--solver", "gd", "--solver-option", "negation=true"]
    code, out, _ = run_cli(capsys, [*argv, "--solver-option", "iterations=2"])
    assert code == 0 and "s UNKNOWN" in out.splitlines()
    assert "c 2 iterations" in out and "negations" in out
    argv = ["invert", random_net, "--solver", "linf-lp", "--solver-option", "alpha=1.5"]
    code, out, _ = run_cli(capsys, [*argv, "--solver-option", "lp_solver=highs"])
    assert code == 10 and "s SATISFIABLE" in out.splitlines()


def test_unknown_solver_option(capsys, random_net):
    """An unknown option: one stderr line naming the back end's valid options, exit 1."""
    code, out, err = run_cli(
        capsys, ["invert", random_net, "--solver", "lp", "--solver-option", "foo=1"]
    )
    line = one_error_line(err)
    assert code == 1 and "s " not in out
    assert "foo" in line and "lp_solver" in line
    code, _, err = run_cli(
        capsys, ["invert", random_net, "--solver", "gd", "--solver-option", "foo=1"]
    )
    line = one_error_line(err)
    assert code == 1 and all(k in line for k in ("lr", "iterations", "tol", "negation", "seed"))


@pytest.mark.parametrize(
    ("solver", "option"),
    [
        ("gd", "negation=maybe"),
        ("gd", "lr=-1"),
        ("gd", "iterations=many"),
        ("linf-lp", "alpha=0"),
        ("lp", "lp_solver=cplex"),
        ("layerwise", "noisy=l2"),
    ],
)
def test_ill_typed_solver_option(capsys, random_net, solver, option):
    """An ill-typed value: one stderr line naming it, exit 1."""
    code, _, err = run_cli(
        capsys, ["invert", random_net, "--solver", solver, "--solver-option", option]
    )
    assert code == 1 and option.split("=")[0] in one_error_line(err)


def test_solver_option_without_equals_is_a_usage_error(capsys, random_net):
    code, _, err = run_cli(
        capsys, ["invert", random_net, "--solver", "gd", "--solver-option", "lr"]
    )
    assert code == 2 and "KEY=VALUE" in err


@pytest.mark.parametrize("solver", TRACTABLE)
def test_tractable_solvers_refuse_sat_sign_network(capsys, sat_sign_net, solver):
    """A sat-sign network (latent {-1,1}^n): one stderr line pointing at the MILP, exit 1."""
    code, out, err = run_cli(capsys, ["invert", sat_sign_net, "--solver", solver])
    assert code == 1 and "s " not in out
    assert "MILP" in one_error_line(err)
    code, _, err = run_cli(capsys, ["solve", EXAMPLE, "--solver", solver])
    assert code == 1 and "MILP" in one_error_line(err)


def test_list_shows_tractable_solvers_and_options(capsys):
    """`reluhard list` names every new back end with its summary and its options."""
    code, out, err = run_cli(capsys, ["list"])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    for name in TRACTABLE:
        at = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
        assert solvers.BACKENDS[name].summary in lines[at]
        options = ", ".join(solvers.BACKENDS[name].options)
        assert lines[at + 1].split() == ["--solver-option", *options.split()]
    assert "negation" in out and "lp_solver" in out and "noisy" in out


def test_random_net_box_lets_the_milp_decide(capsys, tmp_path):
    """`--box B` states the latent domain [-B, B]^k, so the MILP back ends take the file too
    and report the latent error of what they find; a box that misses the planted latent is
    one error line."""
    path = str(tmp_path / "box.npz")
    code, out, err = run_cli(
        capsys, ["random-net", "--widths", "3,10,30", "--seed", "2", "--box", "4", "-o", path]
    )
    assert (code, err) == (0, "")
    code, out, err = run_cli(capsys, ["invert", path, "--solver", "scip"])
    assert code == 10, out + err
    assert any(line.startswith("c latent error") for line in out.splitlines())
    code, out, err = run_cli(
        capsys, ["random-net", "--widths", "3,10,30", "--seed", "2", "--box", "0.1", "-o", path]
    )
    assert code == 1
    assert "planted latent" in one_error_line(err)
