"""Tests for reluhard.measurements and the recovery options of random-net and gd: the
measurement layers ([NEP] compressed sensing, phase retrieval as |.| = two ReLUs, the spiked
Wigner matrix), sphere noise, He-scaled weights, Algorithm 1 (strict negation check, lr=auto,
restarts, the step-length stop), its verdict statistics, and the LP back ends' UNKNOWN."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reluhard import measurements, netfile
from reluhard.errors import InputError
from reluhard.inversion import check_latent
from reluhard.network import Layer, Network, forward
from reluhard.randomnet import random_network, random_problem
from reluhard.solvers import gd, solve
from tests.helpers.cli import one_error_line, run_cli
from tests.helpers.tiers import FULL

CONTRACTIVE = [10, 500, 100, 500]


def test_cs_file_records_the_signal_layer(tmp_path):
    """A is the appended identity layer; the meta names the signal layer, so G(z) is read
    back; the noise norm is stored; the file round-trips."""
    p = random_problem([5, 40, 10, 60], seed=3, measurements=20, noise="sphere", level=0.05)
    assert p.network.widths == [5, 40, 10, 60, 20]
    assert p.network.layers[-1].activation == "identity"
    rec = measurements.params(p)
    assert rec["signal_layers"] == 3 and rec["measurements"] == 20
    y = forward(measurements.signal_network(p), p.planted)
    A = p.network.layers[-1].W
    assert np.linalg.norm(p.target - A @ y) == pytest.approx(rec["noise_norm"], rel=1e-12)
    # sphere noise: exactly level ||A y*||
    assert rec["noise_norm"] == pytest.approx(0.05 * np.linalg.norm(A @ y), rel=1e-12)
    path = tmp_path / "cs.npz"
    netfile.write(p, path)
    q = netfile.read(path)
    assert measurements.params(q) == rec and check_latent(q, q.planted)


def test_the_seed_keeps_weights_and_latent_when_measuring():
    """A is drawn after z*: the weights and z* of a seed are those of the plain file."""
    plain = random_problem([5, 40, 60], seed=4)
    cs = random_problem([5, 40, 60], seed=4, measurements=30)
    assert np.array_equal(plain.planted, cs.planted)
    assert np.array_equal(plain.network.layers[0].W, cs.network.layers[0].W)


def test_weight_variance_two_is_he_scaling():
    """N(0, 2/n_i): the empirical variance of a wide layer is 2/n_i, and the signal keeps its
    norm (||G(x)|| ~ ||x||, Remark 2) where variance 1 halves the square per layer."""
    net = random_network([50, 2000, 2000], rng=0, weight_variance=2)
    assert np.var(net.layers[0].W) * 2000 == pytest.approx(2.0, rel=0.02)
    x = np.random.default_rng(1).standard_normal(50)
    assert np.linalg.norm(forward(net, x)) / np.linalg.norm(x) == pytest.approx(1.0, abs=0.1)
    one = random_network([50, 2000, 2000], rng=0)
    assert np.linalg.norm(forward(one, x)) / np.linalg.norm(x) == pytest.approx(0.5, abs=0.05)
    with pytest.raises(ValueError, match="1 or 2"):
        random_network([2, 3], weight_variance=3)


def test_phase_layers_compute_the_absolute_value():
    """ReLU([A; -A]) then [I I] is |A y| exactly; the file's target is |A y*| + eta."""
    p = random_problem([4, 30, 50], seed=2, problem="phase", measurements=12)
    rec = measurements.params(p)
    y = forward(measurements.signal_network(p), p.planted)
    A = p.network.layers[-2].W[:12]
    assert np.allclose(forward(p.network, p.planted), np.abs(A @ y), atol=1e-15)
    assert rec["signal_layers"] == 2 and p.network.widths == [4, 30, 50, 24, 12]


def test_spiked_matrix_is_stored_and_read_back(tmp_path):
    """Y = y* y*^T + H (H symmetric) as 'spiked.M'; the target is the spectral estimate."""
    p = random_problem([3, 20, 40], seed=1, problem="spiked-wigner", noise="gaussian", level=0.2)
    Y = p.extra[measurements.SPIKED]
    assert Y.shape == (40, 40) and np.array_equal(Y, Y.T)
    path = tmp_path / "sw.npz"
    netfile.write(p, path)
    q = netfile.read(path)
    assert np.array_equal(q.extra[measurements.SPIKED], Y)
    assert check_latent(q, q.planted)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(problem="phase"), "needs --measurements"),
        (dict(problem="denoise", measurements=5), "takes no measurements"),
        (dict(problem="spiked-wigner", noise="uniform", level=0.1), "not uniform"),
        (dict(problem="nope"), "problem must be one of"),
    ],
)
def test_bad_recovery_options_are_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        random_problem([3, 10, 20], seed=0, **kw)


def test_random_net_cli_and_info(tmp_path, capsys):
    out = str(tmp_path / "cs.npz")
    argv = ["random-net", "--widths", "5,40,10,60", "--measurements", "20", "--weight-variance",
            "2", "--noise", "sphere", "--noise-level", "0.01", "-o", out]  # fmt: skip
    code, text, _ = run_cli(capsys, argv)
    assert code == 0 and "recovery problem cs, m = 20" in text and "N(0, 2/n_out)" in text
    code, text, _ = run_cli(capsys, ["info", out])
    assert code == 0 and "contractive" in text and "m / L_m" in text and "unknown" in text
    code, _, err = run_cli(capsys, ["random-net", "--widths", "3,5", "--problem", "phase",
                                    "-o", str(tmp_path / "x.npz")])  # fmt: skip
    assert code == 1 and "needs --measurements" in one_error_line(err)


# --------------------------------------------------------------------------- Algorithm 1


@pytest.mark.parametrize("seed", range(10) if FULL else range(0, 10, 3))
def test_noiseless_cs_on_a_contractive_network(seed):
    """Spec A.1 test 3: widths 10,500,100,500, m = 200: latent error < 1e-6 and the exact
    check passes (all 10 seeds with --full; the benchmark runs the 10 too)."""
    p = random_problem(CONTRACTIVE, seed=seed, measurements=200)
    v = gd.solve(p, seed=seed)
    assert v.status == "INVERTIBLE" and v.stats["latent_error"] < 1e-6
    assert check_latent(p, v.latent) and v.stats["lr"] == 0.5 * 2**3


def test_lr_auto_and_negation_defaults():
    """lr=auto is 0.5 2^d (variance 1), 0.5 (variance 2), Lei's 1 on plain files; the
    negation check is on by default on recovery files only."""
    cs = random_problem([5, 40, 10, 60], seed=0, measurements=20)
    he = random_problem([5, 40, 10, 60], seed=0, measurements=20, weight_variance=2)
    plain = random_problem([5, 40, 60], seed=0)
    assert measurements.auto_step(cs) == 4.0 and measurements.auto_step(he) == 0.5
    assert measurements.auto_step(plain) == 1.0
    assert "negations" in gd.solve(cs).stats and "negations" not in gd.solve(plain).stats
    v = solve(he, "gd", options={"lr": "auto", "restarts": "2"})
    assert v.stats["lr"] == 0.5 and v.stats["restarts"] == 2


def test_negation_is_strict():
    """A one-layer toy: f(-x) < f(x) negates exactly once; a tie (f(-x) = f(x)) never."""
    net = Network((Layer(np.array([[1.0], [-1.0]]), np.zeros(2), "relu"),))
    fns = gd._loss_for(net, np.array([2.0, 0.0]))
    z, _, _, negations, _ = gd._iterate(fns, np.array([-1.0]), None, 0.5, 50, 1e-12, 1e-14,
                                        True, None)  # fmt: skip
    assert negations == 1 and z[0] == pytest.approx(2.0)
    tie = gd._loss_for(net, np.array([1.0, 1.0]))  # f(z) = f(-z) for every z
    z, _, _, negations, _ = gd._iterate(tie, np.array([0.5]), None, 0.5, 50, 1e-12, 1e-14,
                                        True, None)  # fmt: skip
    assert negations == 0 and z[0] == pytest.approx(1.0)


def test_zero_start_and_divergence_are_unknown():
    p = random_problem([5, 40, 10, 60], seed=0, measurements=20)
    v = gd.solve(p, init="zero")
    assert v.status == "UNKNOWN" and "x0 = 0" in v.reason and v.latent is None
    v = gd.solve(p, lr=1e6)
    assert v.status == "UNKNOWN" and "diverged" in v.reason


def test_restarts_keep_the_lowest_loss():
    """R starts: the kept run has the smallest loss of the R single-start runs."""
    p = random_problem([10, 100, 100, 100, 200], seed=2, measurements=60, check=False)
    losses = [gd.descend(p, seed=s).stats["loss"] for s in range(4)]
    best = gd.descend(p, seed=0, restarts=4)
    assert best.stats["loss"] == min(losses) and best.stats["seed"] == int(np.argmin(losses))


def test_noisy_verdict_reports_the_ratios():
    p = random_problem(CONTRACTIVE, seed=1, measurements=200, noise="sphere", level=0.01)
    v = gd.solve(p, seed=1)
    s = v.stats
    assert v.status == "INVERTIBLE"
    assert s["error_over_noise"] == pytest.approx(s["signal_error"] / s["noise_norm"])
    assert s["ls_prediction"] == pytest.approx(np.sqrt(10 / 189))
    assert 0.3 < s["error_over_prediction"] < 3


def test_lp_back_ends_say_unknown_on_a_measurement_layer():
    p = random_problem([5, 40, 60], seed=0, measurements=20)
    for method in ("lp", "layerwise"):
        v = solve(p, method)
        assert v.status == "UNKNOWN" and "underdetermined linear layer" in v.reason


def test_phase_and_spiked_recover():
    """Phase retrieval with m = 8k and the spiked model: Algorithm 1 (3 restarts)."""
    p = random_problem([5, 200, 300], seed=1, problem="phase", measurements=40)
    v = gd.solve(p, restarts=3)
    assert v.status == "INVERTIBLE" and v.stats["latent_error"] < 1e-6
    p = random_problem([5, 100, 200], seed=1, problem="spiked-wigner", noise="gaussian", level=0.1)
    v = gd.solve(p, restarts=3)
    assert v.stats["spiked_error"] < 2 * v.stats["spiked_prediction"]


# --------------------------------------------------------------------------- gradients


def _toy(seed: int, widths: list[int]) -> tuple[Network, np.ndarray]:
    rng = np.random.default_rng(seed)
    net = random_network(widths, rng=rng)
    return net, rng.standard_normal(widths[0])


def _central(value, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    eye = np.eye(z.size) * h
    return np.array([(value(z + e) - value(z - e)) / (2 * h) for e in eye])


def _smooth_here(net: Network, z: np.ndarray, h: float = 1e-6) -> bool:
    """Every pre-activation at least 1e3 h from its kink: f is smooth on the stencil."""
    _, pres = gd.forward_keeping(net, z)
    return all(np.min(np.abs(p)) > 1e3 * h * (1 + np.abs(p).max()) for p in pres)


@settings(max_examples=30 if FULL else 12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), problem=st.sampled_from(["cs", "phase", "spiked"]))
def test_every_loss_gradient_matches_finite_differences(seed, problem):
    """f_cs (A appended, m < n), f_pr (the |.| layers) and f_sw (quartic): the subgradient
    equals central differences wherever no unit sits near its kink."""
    net, z = _toy(seed, [3, 12, 9])
    rng = np.random.default_rng(seed + 1)
    if problem == "spiked":
        B = rng.standard_normal((9, 9))
        M = (B + B.T) / 2
        f, g = measurements.spiked_objective_and_gradient(net, z, M)
        value = lambda u: measurements.spiked_value(net, u, M)  # noqa: E731
        full = net
    else:
        A = rng.normal(0.0, 1 / np.sqrt(5), size=(5, 9))
        full = Network(net.layers + tuple(measurements.measurement_layers(A, problem)))
        b = rng.standard_normal(5)
        f, g = gd.objective_and_gradient(full, z, b)
        value = lambda u: gd._value(full, u, b)  # noqa: E731
    assume(_smooth_here(full, z))
    assert f == pytest.approx(value(z))
    np.testing.assert_allclose(g, _central(value, z), rtol=1e-4, atol=1e-7)


def test_milp_takes_a_small_measurement_problem_as_it_is():
    """The MILP inverts A o G exactly (a box makes it bounded): CS and phase retrieval."""
    p = random_problem([2, 6, 8], seed=0, measurements=4, box=5)
    assert solve(p, "auto", time_limit=30).status == "INVERTIBLE"
    p = random_problem([2, 6, 8], seed=0, problem="phase", measurements=4, box=5,
                       noise="sphere", level=0.05)  # fmt: skip
    assert solve(p, "auto", time_limit=30).status == "INVERTIBLE"


def test_spiked_start_is_scaled_to_the_spectrum():
    """The quartic loss diverged at the auto step from this seed's N(0, I) start (3 of 3
    restarts, before the start was scaled to ||G(x0)||^2 = lambda_1(Y)); now it converges."""
    p = random_problem([5, 100, 200], seed=1, problem="spiked-wigner", noise="gaussian",
                       level=0.1, check=False)  # fmt: skip
    a = gd.descend(p, seed=1)
    assert a.z is not None and not a.failure
    stats = measurements.recovery_stats(p, a.z)
    assert stats["spiked_error"] < stats["spiked_prediction"]


def test_a_non_finite_spiked_matrix_is_refused(tmp_path):
    """The stored matrix passes the same value checks as the weights: one clear line."""
    p = random_problem([3, 10, 12], seed=0, problem="spiked-wigner", noise="gaussian", level=0.1)
    p.extra[measurements.SPIKED][0, 0] = np.nan
    path = tmp_path / "bad.npz"
    netfile.write(p, path)
    with pytest.raises(InputError, match="spiked.M"):
        netfile.read(path)


@pytest.mark.parametrize(
    ("key", "value"),
    [("signal_layers", 9), ("signal_layers", None), ("weight_variance", 3), ("noise_norm", -1.0)],
)
def test_inconsistent_recovery_meta_is_one_line(tmp_path, capsys, key, value):
    """A hand-edited recovery meta (signal layer out of range, ...) is one clear error line
    from info and invert, never a traceback."""
    p = random_problem([3, 10, 12], seed=0, measurements=5)
    p.reduction.params[key] = value
    path = str(tmp_path / "bad.npz")
    netfile.write(p, path)
    for argv in (["info", path], ["invert", path, "--solver", "gd"]):
        code, _, err = run_cli(capsys, argv)
        assert code == 1 and "inconsistent recovery file" in one_error_line(err)


def test_a_spiked_file_without_its_matrix_is_one_line(tmp_path, capsys):
    p = random_problem([3, 10, 12], seed=0, problem="spiked-wigner", noise="gaussian", level=0.1)
    p.extra.clear()
    path = str(tmp_path / "bare.npz")
    netfile.write(p, path)
    code, _, err = run_cli(capsys, ["invert", path, "--solver", "gd"])
    assert code == 1 and "spiked.M" in one_error_line(err)


def test_random_net_over_the_memory_budget_is_one_line(tmp_path, capsys):
    """Widths whose weights (or spiked matrix) would not fit the --max-size budget are
    refused before anything is drawn."""
    for extra in ([], ["--problem", "spiked-wigner"]):
        out = str(tmp_path / "x.npz")
        argv = ["random-net", "--widths", "2,10,40000", *extra, "--max-size", "1M", "-o", out]
        code, _, err = run_cli(capsys, argv)
        assert code == 1 and "over the budget" in one_error_line(err)
