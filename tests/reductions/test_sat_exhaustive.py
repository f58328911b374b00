"""Exhaustive correctness of ``sat-sign`` and ``sat-real`` on every CNF with <= 3 variables,
<= 3 clauses of width <= 3 (114,721 formulas, see small_cnfs.py).

sat-sign: on every latent in {-1,1}^n the network outputs exactly the number of falsified
clauses (so satisfiable <=> invertible); every model, encoded, inverts in exact rational
arithmetic; every inverting latent decodes to a model.

sat-real (every second formula, all with --full): on every point of the grid
{-1.5, -1.25, ..., 1.5}^n the network behaves as the
module docstring argues: G(z) = G(clamp(z, -1, 1)), the second output is sum |clamp(z_i)|,
and G(z) = (0, n) exactly when every |z_i| >= 1 and sign(z) is a model. All grid values are
multiples of 1/4 and all weights small integers, so the float forward pass is exact on the
grid; the exact rational check is run on every encoded model and every inverting grid point.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reluhard.inversion import check_latent
from reluhard.network import exact_forward
from reluhard.problems.cnf import check
from reluhard.reductions import sat_real, sat_sign
from reluhard.solvers import brute
from tests.helpers.small_cnfs import all_small_cnfs, falsified_counts, sign_vectors
from tests.helpers.tiers import FULL

SIGNS = {n: sign_vectors(n) for n in range(4)}
STEPS = np.arange(-6, 7) / 4.0  # -1.5 .. 1.5 in steps of 1/4
GRIDS = {
    n: np.array(list(itertools.product(STEPS, repeat=n)), dtype=float).reshape(13**n, n)
    for n in range(4)
}


SHARDS = 8


def shard(k: int):
    """Every SHARDS-th formula from the k-th on (so pytest-xdist can spread the work)."""
    return all_small_cnfs(k, SHARDS)


def exact_rows_equal_target(problem, Z: np.ndarray) -> np.ndarray:
    """For each row of ``Z``: does the exact rational forward pass hit the target?"""
    num, den = exact_forward(problem.network, Z)
    return np.all(num == problem.target.astype(np.int64) * den, axis=1)


@pytest.mark.parametrize("k", range(SHARDS) if FULL else range(1, SHARDS, 2))
def test_sat_sign_exhaustive(k):
    """Every formula with --full; by default the odd shards, so that with
    :func:`test_sat_real_exhaustive`'s even ones every formula is checked by one of the two
    reductions (the two are about 12 minutes of CPU together on the 2-core box)."""
    checked = 0
    for f in shard(k):
        Z = SIGNS[f.nvars]
        problem = sat_sign.build(f)
        expected = falsified_counts(f, Z)
        assert np.array_equal(problem.network(Z)[:, 0], expected), f.clauses()
        # exact rational arithmetic on every latent: exactly the models invert
        assert np.array_equal(exact_rows_equal_target(problem, Z), expected == 0), f.clauses()
        models = np.flatnonzero(expected == 0)
        for i in models:
            model = sat_sign.decode(f, Z[i])  # inverting latent -> model
            assert check(f, model), (f.clauses(), Z[i])
            assert np.array_equal(sat_sign.encode(f, model), Z[i])  # model -> that latent
        if models.size:  # the full exact check, as verdicts use it
            assert check_latent(problem, sat_sign.encode(f, sat_sign.decode(f, Z[models[0]])))
        # the brute back end (the tests' ground truth elsewhere) agrees
        verdict = brute.solve(problem)
        assert (verdict.status == "INVERTIBLE") == bool(models.size), f.clauses()
        checked += 1
    assert checked >= 114721 // SHARDS


def test_enumeration_is_complete():
    assert sum(1 for _ in all_small_cnfs()) == 114721


@pytest.mark.parametrize("k", range(SHARDS) if FULL else range(0, SHARDS, 2))
def test_sat_real_exhaustive(k):
    """Every formula with --full; every second one by default (the grid check costs about
    7 ms a formula, the costliest part of the default tier)."""
    for f in shard(k):
        n = f.nvars
        problem = sat_real.build(f)
        target = problem.target
        G = GRIDS[n]
        out = problem.network(G)
        clamped = np.clip(G, -1, 1)
        assert np.array_equal(out, problem.network(clamped)), f.clauses()
        assert np.array_equal(out[:, 1], np.abs(clamped).sum(axis=1))
        corner = np.all(np.abs(G) >= 1, axis=1)
        model_ok = falsified_counts(f, np.where(G > 0, 1.0, -1.0)) == 0
        inverting = np.all(out == target, axis=1)
        assert np.array_equal(inverting, corner & model_ok), f.clauses()
        corners = SIGNS[n]
        assert np.array_equal(problem.network(corners)[:, 0], falsified_counts(f, corners))
        # decode reads only sign(z): one inverting grid point per sign pattern stands for all
        _, first = np.unique(G[inverting] > 0, axis=0, return_index=True)
        decoded = {tuple(sat_real.decode(f, z)) for z in G[inverting][first]}
        assert all(check(f, list(model)) for model in decoded)
        # encode(every model) inverts exactly, and so does every inverting grid point
        encoded = np.array([sat_real.encode(f, list(m)) for m in decoded]).reshape(len(decoded), n)
        assert exact_rows_equal_target(problem, encoded).all()
        assert exact_rows_equal_target(problem, G[inverting]).all()
        if decoded:
            assert check_latent(problem, encoded[0])


@pytest.mark.parametrize("reduction", [sat_sign, sat_real])
def test_non_models_are_rejected_by_check_latent(reduction):
    """check_latent (not only the float pass) rejects non-models' latents, with a reason."""
    for f in all_small_cnfs(0, 50):
        if f.nvars != 3:
            continue
        problem = reduction.build(f)
        Z = SIGNS[3]
        for i in np.flatnonzero(falsified_counts(f, Z) > 0)[:2]:
            result = check_latent(problem, Z[i])
            assert not result.ok and "output 0" in result.reason
