"""Tests for reluhard.analysis.conditions and `reluhard conditions`: the k = 1 exact mode
lies between the sampled lower bound and the span estimate, a contractive layer always has
the exact WDC witness, the span estimate falls with the layer's own width (spec A.5), and
the printout states the thresholds and that nothing is certified."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard.analysis import conditions
from reluhard.measurements import signal_network
from reluhard.randomnet import random_problem
from tests.helpers.cli import one_error_line, run_cli


def test_k1_exact_mode_is_between_the_bounds():
    p = random_problem([1, 50, 30, 60], seed=0, measurements=40)
    est = conditions.estimate(p, samples=20, seed=1)
    for e in est.layers:
        assert e.exact_k1 is not None
        assert e.eps_lo <= e.exact_k1 + 1e-6 and e.exact_k1 <= e.eps_span + 1e-9


def test_contractive_layer_has_a_wdc_witness():
    p = random_problem([5, 400, 100], seed=0)
    est = conditions.estimate(p, samples=5)
    assert est.layers[1].wdc_fails and est.layers[1].min_active < 400
    assert est.rric_lo is None  # not a compressed-sensing file


def test_span_estimate_falls_with_the_layer_width():
    """eps_span ~ 2.4 sqrt(k/n_2) (spec A.5): n_2 = 100 against 800."""
    rng = np.random.default_rng(0)
    spans = []
    for n2 in (100, 800):
        G = signal_network(random_problem([5, 400, n2], seed=1, check=False))
        spans.append(conditions.layer_estimate(G, 1, rng, 10).eps_span)
    assert spans[1] < 0.6 * spans[0]
    assert spans[0] == pytest.approx(2.4 * np.sqrt(5 / 100), rel=0.5)


def test_rric_of_compressed_sensing():
    """Per subspace ||U^T (A^T A - I) U|| -> (1 + sqrt(2k/m))^2 - 1 (spec A.5)."""
    p = random_problem([10, 200, 400], seed=2, measurements=200, check=False)
    est = conditions.estimate(p, samples=5)
    assert 0 < est.rric_lo <= est.rric_span
    assert est.rric_span == pytest.approx((1 + np.sqrt(20 / 200)) ** 2 - 1, rel=0.4)


def test_conditions_cli(tmp_path, capsys):
    net = str(tmp_path / "cs.npz")
    assert run_cli(capsys, ["random-net", "--widths", "3,30,10", "--measurements", "8",
                            "-o", net])[0] == 0  # fmt: skip
    code, out, _ = run_cli(capsys, ["conditions", net, "--samples", "3"])
    assert code == 0 and "RRIC" in out and "Lemma 5.3" in out and "certified" in out
    biased = str(tmp_path / "b.npz")
    run_cli(capsys, ["random-net", "--widths", "3,10", "--bias", "-o", biased])
    code, _, err = run_cli(capsys, ["conditions", biased])
    assert code == 1 and "biases" in one_error_line(err)


def test_too_wide_a_network_is_refused():
    p = random_problem([2, 3, conditions.MAX_WIDTH + 1], seed=0, check=False)
    assert "width" in conditions.refusal(p)
