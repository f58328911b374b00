"""Tests for reluhard.randomnet: Lei et al.'s random generative networks and planted targets
(seeded determinism, widths/activation/slope/bias, N(0, 1/n_out) weights, the stated query
met exactly by the planted latent, the network file round trip) and `reluhard random-net`."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard import netfile
from reluhard.inversion import InversionProblem, Query, check_latent
from reluhard.network import forward
from reluhard.randomnet import DEFAULT_SLOPE, random_network, random_problem
from tests.helpers.cli import one_error_line, run_cli

NOISES = [("none", 0.0), ("uniform", 0.05), ("gaussian", 0.05)]


def assert_same_problem(a: InversionProblem, b: InversionProblem) -> None:
    """Bit-identical layers, target and planted latent; the same domain and query."""
    assert len(a.network.layers) == len(b.network.layers)
    for la, lb in zip(a.network.layers, b.network.layers, strict=True):
        assert la.W.tobytes() == lb.W.tobytes() and la.b.tobytes() == lb.b.tobytes()
        assert (la.activation, la.slope) == (lb.activation, lb.slope)
    assert a.target.tobytes() == b.target.tobytes()
    assert a.planted.tobytes() == b.planted.tobytes()
    assert (a.domain, a.query) == (b.domain, b.query)


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize(("noise", "level"), NOISES)
def test_same_seed_same_arrays(noise, level):
    """One seed names one instance: weights, biases, planted latent and target."""
    kw = dict(seed=7, noise=noise, level=level, bias=True)
    assert_same_problem(random_problem([4, 9, 17], **kw), random_problem([4, 9, 17], **kw))
    other = random_problem([4, 9, 17], **{**kw, "seed": 8})
    assert other.planted.tobytes() != random_problem([4, 9, 17], **kw).planted.tobytes()


def test_random_network_seed_and_generator():
    """An int seed and a Generator with that seed give the same network."""
    a = random_network([3, 7, 11], rng=5)
    b = random_network([3, 7, 11], rng=np.random.default_rng(5))
    for la, lb in zip(a.layers, b.layers, strict=True):
        assert la.W.tobytes() == lb.W.tobytes()


def test_netfile_write_is_byte_deterministic(tmp_path):
    """Writing the same problem twice (and re-writing the file read back) gives equal bytes."""
    p = random_problem([5, 20, 50], seed=3, noise="uniform", level=0.01)
    a, b, c = tmp_path / "a.npz", tmp_path / "b.npz", tmp_path / "c.npz"
    netfile.write(p, a)
    netfile.write(random_problem([5, 20, 50], seed=3, noise="uniform", level=0.01), b)
    netfile.write(netfile.read(a), c)
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("widths", [[1, 1], [3, 7, 11], [2, 5, 9, 4]])
def test_widths_honoured(widths):
    """Layer shapes follow the widths, latent first, and the planted latent is k long."""
    p = random_problem(widths, seed=1)
    assert p.network.widths == widths
    assert [layer.shape for layer in p.network.layers] == [
        (o, i) for i, o in zip(widths, widths[1:], strict=False)
    ]
    assert p.planted.shape == (widths[0],) and p.target.shape == (widths[-1],)


def test_activation_slope_and_bias_honoured():
    """Every layer gets the activation; LeakyReLU the slope (default 0.12); ReLU slope 0;
    biases zero unless asked for."""
    relu = random_network([3, 6, 9], rng=0)
    assert all(la.activation == "relu" and la.slope == 0.0 for la in relu.layers)
    assert all(not la.b.any() for la in relu.layers)
    leaky = random_network([3, 6, 9], activation="leaky_relu", rng=0)
    assert all(la.activation == "leaky_relu" for la in leaky.layers)
    assert all(la.slope == DEFAULT_SLOPE == 0.12 for la in leaky.layers)
    custom = random_network([3, 6, 9], activation="leaky_relu", slope=0.3, bias=True, rng=0)
    assert all(la.slope == 0.3 and np.all(la.b != 0) for la in custom.layers)
    p = random_problem([3, 6, 9], activation="leaky_relu", slope=0.3, seed=0)
    assert p.reduction.params["slope"] == 0.3
    assert "slope" not in random_problem([3, 6, 9], seed=0).reduction.params


def test_weight_scaling_is_one_over_output_width():
    """W_i entries are N(0, 1/n_i) with n_i the layer's output width (Lei's scaling), biases
    too: the empirical variance of a big layer is within 3% of 1/n_out."""
    net = random_network([100, 2000, 500], bias=True, rng=11)
    for layer in net.layers:
        n_out = layer.shape[0]
        assert abs(layer.W.mean()) < 3 / np.sqrt(layer.W.size * n_out)
        assert layer.W.var() * n_out == pytest.approx(1.0, rel=0.03)
    assert net.layers[0].b.var() * 2000 == pytest.approx(1.0, rel=0.15)


# --------------------------------------------------------------------------- planted latents


@pytest.mark.parametrize(("noise", "level"), NOISES)
@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_planted_latent_meets_the_query_exactly(noise, level, activation):
    """The planted latent passes the exact rational check of the stated query, and the query
    is the one the docstring promises for each noise model."""
    for seed in range(3):
        p = random_problem(
            [6, 30, 90], seed=seed, noise=noise, level=level, activation=activation, bias=True
        )
        assert check_latent(p, p.planted)
        assert p.domain.kind == "real" and p.domain.bounds() is None
        clean = forward(p.network, p.planted)
        if noise == "gaussian":
            assert p.query.p == 2 and not p.query.strict
            assert p.query.delta == pytest.approx(np.linalg.norm(p.target - clean) + 1e-6)
        else:
            assert p.query == Query("approx", "inf", level + 1e-6, strict=False)
            assert np.max(np.abs(p.target - clean)) <= level
        if noise == "none":
            assert np.array_equal(p.target, clean)


def test_tolerance_is_honoured():
    """A larger tolerance is stated in the query."""
    p = random_problem([3, 9], seed=0, tol=1e-3)
    assert p.query.delta == 1e-3 and check_latent(p, p.planted)


@pytest.mark.parametrize(("noise", "level"), NOISES)
def test_netfile_round_trip_keeps_planted_and_query(tmp_path, noise, level):
    """write/read keeps the network, target, planted latent, query and parameters."""
    p = random_problem([4, 12, 30], seed=2, noise=noise, level=level, bias=True)
    path = tmp_path / "net.npz"
    netfile.write(p, path)
    q = netfile.read(path)
    assert_same_problem(p, q)
    assert q.reduction == p.reduction
    assert check_latent(q, q.planted)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs",
    [
        {"widths": [5]},
        {"widths": []},
        {"widths": [3, 0, 4]},
        {"widths": [3, 4], "noise": "uniform"},
        {"widths": [3, 4], "noise": "gaussian", "level": 0.0},
        {"widths": [3, 4], "noise": "uniform", "level": -1.0},
        {"widths": [3, 4], "noise": "laplace", "level": 1.0},
        {"widths": [3, 4], "tol": -1e-6},
        {"widths": [3, 4], "activation": "identity"},
        {"widths": [3, 4], "activation": "leaky_relu", "slope": 0.0},
        {"widths": [3, 4], "activation": "leaky_relu", "slope": 1.0},
        {"widths": [20, 100, 500], "tol": 0.0},
    ],
)
def test_bad_arguments_raise_value_error(kwargs):
    """Bad widths, noise without a level, an unknown noise/activation, a slope outside (0, 1),
    a negative tolerance, and tolerance 0 (below G(z*)'s rounding error) are ValueErrors."""
    widths = kwargs.pop("widths")
    with pytest.raises(ValueError):
        random_problem(widths, seed=0, **kwargs)


# --------------------------------------------------------------------------- command line


def test_cli_random_net_writes_described_file(tmp_path, capsys):
    """`reluhard random-net` writes the same file as the library and `info` mentions the
    planted latent and the query."""
    out = tmp_path / "net.npz"
    argv = ["random-net", "--widths", "5,20,50", "--seed", "4", "-o", out]
    code, stdout, err = run_cli(capsys, [*argv, "--noise", "uniform", "--noise-level", "0.01"])
    assert (code, err) == (0, "")
    assert "planted latent stored" in stdout and f"c wrote {out}" in stdout
    lib = tmp_path / "lib.npz"
    netfile.write(random_problem([5, 20, 50], seed=4, noise="uniform", level=0.01), lib)
    assert out.read_bytes() == lib.read_bytes()
    code, stdout, err = run_cli(capsys, ["info", out])
    assert (code, err) == (0, "")
    assert "planted" in stdout and "random-net" in stdout
    assert "||G(z) - x||_inf <= 0.010001" in stdout


def test_cli_random_net_options(tmp_path, capsys):
    """--activation/--slope/--bias/--tolerance reach the file."""
    out = tmp_path / "net.npz"
    argv = ["random-net", "--widths", "3,8", "--activation", "leaky_relu", "--slope", "0.2"]
    code, _, err = run_cli(capsys, [*argv, "--bias", "--tolerance", "1e-4", "-o", out])
    assert (code, err) == (0, "")
    p = netfile.read(out)
    layer = p.network.layers[0]
    assert (layer.activation, layer.slope, bool(layer.b.any())) == ("leaky_relu", 0.2, True)
    assert p.query.delta == 1e-4


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--widths", "5"], 2),
        (["--widths", "5,x"], 2),
        (["--widths", "5,0,3"], 2),
        (["--widths", "5,7", "--noise", "poisson"], 2),
        (["--widths", "5,7", "--noise", "uniform"], 1),
        (
            ["--widths", "5,7", "--noise", "gaussian", "--noise-level", "-1"],
            2,
        ),  # a usage error: cli_values
        (["--widths", "20,100,500", "--tolerance", "0"], 1),
        (["--widths", "5,7", "--activation", "leaky_relu", "--slope", "2"], 1),
    ],
)
def test_cli_random_net_bad_arguments(tmp_path, capsys, extra, code):
    """Bad arguments: argparse usage errors exit 2, the library's ValueErrors one stderr line
    and exit 1; no file is written either way."""
    out = tmp_path / "net.npz"
    got, stdout, err = run_cli(capsys, ["random-net", *extra, "-o", out])
    assert got == code
    assert "Traceback" not in err and not out.exists()
    if code == 1:
        assert one_error_line(err).startswith("random-net: ") and stdout == ""
