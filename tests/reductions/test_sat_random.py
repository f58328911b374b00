"""Hypothesis: sat-sign and sat-real on random CNFs up to 12 variables, against python-sat
(CaDiCaL 1.9.5). Clauses of width 0..5 with repeated literals and tautologies, unused
variables, densities on both sides of the phase transition."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reluhard.inversion import check_latent
from reluhard.problems.cnf import CNF, check, solve
from reluhard.reductions import sat_real, sat_sign
from reluhard.solvers import brute


@st.composite
def cnfs(draw, max_vars: int = 12, max_clauses: int = 60) -> CNF:
    n = draw(st.integers(1, max_vars))
    literal = st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v]))
    widths = st.integers(0, 5) if draw(st.booleans()) else st.just(3)
    clause = widths.flatmap(lambda w: st.lists(literal, min_size=w, max_size=w))
    clauses = draw(st.lists(clause, max_size=draw(st.integers(0, max_clauses))))
    return CNF.from_clauses(clauses, nvars=n)


@given(cnfs())
def test_sat_sign_agrees_with_pysat(f):
    problem = sat_sign.build(f)
    verdict = brute.solve(problem)
    model = solve(f)
    assert (verdict.status == "INVERTIBLE") == (model is not None)
    if model is not None:
        z = sat_sign.encode(f, model)
        assert check_latent(problem, z).ok  # exact rational check
        assert check(f, sat_sign.decode(f, [float(v) for v in verdict.latent]))


@given(cnfs(), st.floats(-0.4, 0.4))
def test_sat_sign_decodes_inexact_latents(f, noise):
    model = solve(f)
    if model is None:
        return
    z = sat_sign.encode(f, model) * (1 + noise)  # what an inexact solver might return
    assert check(f, sat_sign.decode(f, z))


@given(cnfs(), st.data())
def test_sat_real_agrees_with_pysat(f, data):
    problem = sat_real.build(f)
    model = solve(f)
    if model is not None:
        z = sat_real.encode(f, model)
        assert check_latent(problem, z).ok
        stretch = np.array(data.draw(st.lists(st.floats(1, 8), min_size=f.nvars, max_size=f.nvars)))
        assert check_latent(problem, z * stretch).ok  # beyond the box: same output
        assert check(f, sat_real.decode(f, z * 0.999))  # inexact latent still decodes
    else:
        # the argument: a solution's clamp is a corner of [-1,1]^n that is a model; so an
        # unsatisfiable formula leaves every corner (and every other point) off the target
        n = f.nvars
        k = np.arange(1 << n)
        corners = np.where((k[:, None] >> np.arange(n)) & 1, 1.0, -1.0)
        assert not np.any(np.all(problem.network(corners) == problem.target, axis=1))


@given(cnfs(max_vars=6, max_clauses=12), st.data())
def test_sat_real_inverting_points_are_exactly_the_argued_ones(f, data):
    """check_latent(z) <=> every |z_i| >= 1 and sign(z) is a model, for arbitrary real z."""
    problem = sat_real.build(f)
    z = np.array(
        data.draw(
            st.lists(
                st.one_of(st.floats(-3, 3), st.sampled_from([-1.0, 1.0, -2.0, 2.0])),
                min_size=f.nvars,
                max_size=f.nvars,
            )
        )
    )
    argued = bool(np.all(np.abs(z) >= 1)) and check(f, sat_real.decode(f, z))
    assert check_latent(problem, z).ok == argued
