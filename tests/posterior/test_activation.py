"""The smooth leaky ReLU (spec B.2): its properties, the file format, and the refusals of
everything that needs an exact or piecewise-linear network."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard import netfile, solvers
from reluhard.errors import InputError
from reluhard.inversion import Domain
from reluhard.network import (
    Layer,
    Network,
    exact_forward,
    float_only_reason,
    smooth_leaky_relu,
    smooth_leaky_relu_derivative,
)
from reluhard.randomnet import random_problem
from tests.helpers.cli import one_error_line, run_cli

GRID = np.concatenate([np.linspace(-30, 30, 6001), [-800.0, -1e300, 800.0, 1e300]])


@pytest.mark.parametrize("alpha", [0.0, 0.05, 0.2, 0.5, 0.9])
def test_zero_at_zero_and_derivative_between_alpha_and_one(alpha):
    assert smooth_leaky_relu(np.array([0.0]), alpha)[0] == 0.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        d = smooth_leaky_relu_derivative(GRID, alpha)
        assert np.all(np.isfinite(smooth_leaky_relu(GRID[:-1], alpha)))
    inner = np.abs(GRID) <= 30
    assert np.all((d[inner] > alpha) & (d[inner] < 1))
    assert np.all((d >= alpha) & (d <= 1))
    assert d[GRID == 0.0][0] == pytest.approx(alpha + (1 - alpha) / 2)


@pytest.mark.parametrize("alpha", [0.1, 0.2, 0.7])
def test_derivative_is_the_derivative_and_the_stated_curvature_bounds(alpha):
    a = np.linspace(-12, 12, 2401)
    h = 1e-5
    fd = (smooth_leaky_relu(a + h, alpha) - smooth_leaky_relu(a - h, alpha)) / (2 * h)
    assert np.max(np.abs(fd - smooth_leaky_relu_derivative(a, alpha))) < 1e-8
    d2 = np.gradient(smooth_leaky_relu_derivative(a, alpha), a)
    assert np.max(np.abs(d2)) <= (1 - alpha) / 4 * (1 + 1e-3)
    assert np.max(np.abs(d2)) >= (1 - alpha) / 4 * 0.99  # the bound is attained at 0
    d3 = np.gradient(d2, a)
    assert np.max(np.abs(d3)) <= (1 - alpha) / (6 * np.sqrt(3)) * (1 + 1e-2)
    # asymptotes: slope alpha on the left, 1 on the right
    assert smooth_leaky_relu(np.array([-40.0]), alpha)[0] == pytest.approx(
        -40 * alpha - (1 - alpha) * np.log(2)
    )
    assert smooth_leaky_relu(np.array([40.0]), alpha)[0] == pytest.approx(
        40 - (1 - alpha) * np.log(2)
    )


def _smooth_problem(tmp_path, box=None):
    args = ["--widths", "3,3,3", "--bijective", "--activation", "smooth-leaky-relu"]
    args += ["--slope", "0.3", "--seed", "4"] + (["--box", str(box)] if box else [])
    path = tmp_path / "s.npz"
    from reluhard import cli

    assert cli.main(["random-net", *args, "-o", str(path)]) == 0
    return path


def test_file_round_trip_keeps_activation_slope_and_values(tmp_path, capsys):
    path = _smooth_problem(tmp_path)
    p = netfile.read(path)
    assert [layer.activation for layer in p.network.layers] == ["smooth_leaky_relu", "identity"]
    assert p.network.layers[0].slope == 0.3
    netfile.write(p, tmp_path / "again.npz")
    q = netfile.read(tmp_path / "again.npz")
    z = np.random.default_rng(0).standard_normal((5, 3))
    assert np.array_equal(p.network(z), q.network(z))
    assert q.network.layers[0].slope == 0.3
    code, out, _ = run_cli(capsys, ["info", path])
    assert code == 0
    assert "smooth_leaky_relu(0.3)" in out and "float-only" in out
    assert "rad(D)" in out and "beta_0" in out and "S " in out
    assert "2000 points uniform in [-3, 3]^d" in out and "beta = 0.1, epsilon = 0.1" in out
    plain = tmp_path / "relu.npz"
    assert run_cli(capsys, ["random-net", "--widths", "3,3,3", "-o", plain])[0] == 0
    code, out, _ = run_cli(capsys, ["info", plain])
    assert code == 0 and "theorem 1" not in out and "float-only" not in out


def test_exact_forward_refuses_a_float_only_network():
    net = Network((Layer(np.eye(2), np.zeros(2), "smooth_leaky_relu", 0.2),))
    assert "float-only" in float_only_reason(net)
    with pytest.raises(InputError, match="float-only"):
        exact_forward(net, np.zeros(2))
    assert float_only_reason(Network((Layer(np.eye(2), np.zeros(2), "leaky_relu", 0.2),))) is None


def test_layer_refuses_a_non_finite_slope():
    with pytest.raises(ValueError, match="finite"):
        Layer(np.eye(1), np.zeros(1), "smooth_leaky_relu", float("nan"))


def test_verify_refuses_in_one_line_and_never_verifies(tmp_path, capsys):
    path = _smooth_problem(tmp_path)
    p = netfile.read(path)
    sol = tmp_path / "sol.json"
    latent = ", ".join(repr(float(v)) for v in p.planted)
    sol.write_text('{"status": "INVERTIBLE", "latent": [' + latent + "]}")
    code, out, err = run_cli(capsys, ["verify", path, sol])
    assert code != 0 and "VERIFIED" not in out
    line = one_error_line(err)
    assert "float-only" in line and "no exact check" in line


def test_every_back_end_refuses_in_one_line(tmp_path):
    p = netfile.read(_smooth_problem(tmp_path, box=6))
    for name in solvers.NAMES:
        with pytest.raises(InputError, match="float-only") as e:
            solvers.solve(p, name)
        assert "\n" not in str(e.value)
    discrete = random_problem([2, 2], seed=0)  # a sign-domain variant: brute, sat, cpsat
    sign = type(discrete)(p.network, p.target, Domain("sign"), p.query)
    for name in ("brute", "sat", "cpsat"):
        with pytest.raises(InputError, match="float-only"):
            solvers.solve(sign, name)


def test_invert_cli_refuses_in_one_line(tmp_path, capsys):
    path = _smooth_problem(tmp_path, box=6)
    for solver in ("auto", "scip", "lp", "gd", "brute"):
        code, out, err = run_cli(capsys, ["invert", path, "--solver", solver])
        assert code == 1, (solver, out, err)
        assert "float-only" in one_error_line(err)
