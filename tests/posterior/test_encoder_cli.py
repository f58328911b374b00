"""The Theorem 1 encoder (GD phase, then ULA/MALA chains) and ``reluhard posterior``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reluhard import cli, netfile
from reluhard.errors import InputError
from reluhard.network import Layer, Network
from reluhard.posterior import encoder
from tests.helpers.cli import one_error_line, run_cli


def test_linear_generator_posterior_is_the_exact_gaussian():
    """G(z) = W z: p(z | x) = N(Sigma W^T x / beta^2, Sigma), Sigma = (I + W^T W/beta^2)^-1.
    MALA's N chains are independent, so the mean is within 5 standard errors."""
    W = np.array([[1.2, 0.3], [-0.2, 0.9]])
    net = Network((Layer(W, np.zeros(2), "identity"),))
    x, beta = np.array([0.8, -0.5]), 0.3
    sigma = np.linalg.inv(np.eye(2) + W.T @ W / beta**2)
    mean = sigma @ W.T @ x / beta**2
    n = 8000
    h = 0.5 * np.linalg.eigvalsh(sigma).min()
    enc = encoder.encode(
        net, x, beta, rng=np.random.default_rng(5), sampler="mala", step=h, steps=200, chains=n
    )
    se = np.sqrt(np.diag(sigma) / n)
    assert np.all(np.abs(enc.samples.mean(axis=0) - mean) <= 5 * se)
    assert np.allclose(np.cov(enc.samples.T), sigma, rtol=0.08, atol=0.08 * sigma.max())
    assert np.allclose(net(enc.zhat), x, atol=1e-9) and enc.descent.converged
    assert 0.5 < enc.acceptance < 1 and enc.exit_fraction == 0.0


def test_encoder_refuses_bad_parameters_in_one_line():
    net = Network((Layer(np.eye(2), np.zeros(2), "identity"),))
    for kw in ({"beta": 0.0}, {"beta": -1.0}, {"steps": 0}, {"chains": 0}, {"step": 0.0},
               {"sampler": "hmc"}):  # fmt: skip
        args = {"beta": 0.1, **kw}
        beta = args.pop("beta")
        with pytest.raises(InputError) as e:
            encoder.encode(net, np.zeros(2), beta, rng=np.random.default_rng(0), **args)
        assert "\n" not in str(e.value)
    relu = Network(
        (Layer(np.eye(2), np.zeros(2), "relu"), Layer(np.eye(2), np.zeros(2), "identity"))
    )
    with pytest.raises(InputError, match="not C\\^3"):
        encoder.encode(relu, np.zeros(2), 0.1, rng=np.random.default_rng(0))
    wide = Network((Layer(np.ones((3, 2)), np.zeros(3), "identity"),))
    with pytest.raises(InputError, match="widths"):
        encoder.encode(wide, np.zeros(3), 0.1, rng=np.random.default_rng(0))


@pytest.fixture
def smooth_net(tmp_path):
    path = tmp_path / "net.npz"
    assert cli.main(["random-net", "--widths", "2,2,2,2", "--bijective", "--activation",
                     "smooth-leaky-relu", "--noise", "gaussian", "--noise-level", "0.15",
                     "--seed", "1", "-o", str(path)]) == 0  # fmt: skip
    return path


@pytest.mark.parametrize("sampler", ["ula", "mala"])
def test_posterior_cli_writes_samples(tmp_path, capsys, smooth_net, sampler):
    out = tmp_path / "s.npz"
    argv = ["posterior", smooth_net, "--beta", "0.15", "--sampler", sampler, "--steps", "200",
            "--chains", "300", "--seed", "2", "-o", out]  # fmt: skip
    code, text, _ = run_cli(capsys, argv)
    assert code == 0, text
    with np.load(out) as f:
        samples, zhat, x = f["samples"], f["zhat"], f["x"]
        meta = json.loads(str(f["meta"]))
    assert samples.shape == (300, 2) and zhat.shape == (2,)
    assert np.array_equal(x, netfile.read(smooth_net).target)
    assert meta["sampler"] == sampler and meta["steps"] == 200 and meta["chains"] == 300
    assert (meta["acceptance"] is None) == (sampler == "ula")
    assert ("acceptance rate" in text) == (sampler == "mala")
    assert "left D" in text and "the theorem's S (eq. 20)" in text and "GD phase" in text
    assert "encoder size" in text
    assert meta["gd_steps"] <= meta["constants"]["S"] or not meta["gd_converged"]
    # the posterior at beta = 0.15 is concentrated near zhat: samples are not the prior
    assert np.linalg.norm(samples.mean(axis=0) - zhat) < 0.5
    # same seed, same samples
    code, _, _ = run_cli(capsys, [*argv[:-1], tmp_path / "t.npz"])
    with np.load(tmp_path / "t.npz") as f:
        assert np.array_equal(f["samples"], samples)


def test_posterior_cli_bad_parameters_get_one_line(tmp_path, capsys, smooth_net):
    out = tmp_path / "s.npz"
    for bad in (["--beta", "0"], ["--beta", "-1"], ["--beta", "0.1", "--steps", "0"],
                ["--beta", "0.1", "--chains", "0"], ["--beta", "0.1", "--step", "0"],
                ["--beta", "0.1", "--sampler", "hmc"]):  # fmt: skip
        code, _, err = run_cli(capsys, ["posterior", smooth_net, *bad, "-o", out])
        assert code == 2, bad
        one_error_line(err)
    for eps in ("1", "0", "1.5"):  # the same parser as info's --epsilon
        for cmd in (["posterior", smooth_net, "--beta", "0.1", "-o", out], ["info", smooth_net]):
            code, _, err = run_cli(capsys, [*cmd, "--epsilon", eps])
            assert code == 2 and "--epsilon" in one_error_line(err), (cmd, eps)
    assert not out.exists()
    relu, wide = tmp_path / "relu.npz", tmp_path / "wide.npz"
    assert cli.main(["random-net", "--widths", "2,2,2", "-o", str(relu)]) == 0
    assert cli.main(["random-net", "--widths", "2,3", "-o", str(wide)]) == 0
    for net, what in ((relu, "not C^3"), (wide, "widths 2-3")):
        code, _, err = run_cli(capsys, ["posterior", net, "--beta", "0.1", "-o", out])
        assert code == 1 and what in one_error_line(err)
    code, _, err = run_cli(capsys, ["posterior", smooth_net, "--beta", "0.1", "-o", smooth_net])
    assert code == 1 and "refusing to overwrite" in one_error_line(err)
    assert netfile.read(smooth_net).network.in_dim == 2
