"""The (0,1)-CVP reductions (cvp-binary, Theorem 3; cvp-real, Theorem 4) against
cvp_reference.solve and an independent enumeration.

- Exhaustive, binary latent: every instance with n, d <= 2 and entries (basis and target)
  in {-1, 0, 1}, for r^p in {0, 1, 2, 3} (r for p = inf) and p in {1, 2, 3, inf}: brute force
  agrees with cvp_reference.solve; on *every* latent in {0,1}^(2n) the exact forward pass gives
  ``||G(z)||_p^p = ||B y - t||_p^p + alpha^p * #broken pairs`` (the module docstring's
  identity; the max of the two for p = inf), so exactly the encodings of certificates
  invert, and each decodes to a certificate; encode(cvp_reference.solve(...)) passes check_latent.
- A seeded random sample of instances with n, d <= 3 and entries in {-2..2} (radii at,
  just below and away from the optimum, fractional and irrational ones).
- Real latent, MILP back end (SCIP): a sample of small instances, p in {1, 2, inf};
  hypothesis tests of the lift at adversarial real points.
- Larger random instances (n, d in 3..6) with the MILP ``auto`` back end (hypothesis).

``--full`` enlarges the samples.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import reductions
from reluhard.errors import InputError
from reluhard.inversion import Source, check_latent
from reluhard.network import exact_output
from reluhard.pipeline import decide, reduce_instance
from reluhard.problems import cvp as cvp_mod
from reluhard.problems import cvp_reference
from reluhard.problems.cvp import CVP
from reluhard.reductions import cvp_binary as cvb
from reluhard.reductions import lift
from reluhard.reductions.cvp_real import REDUCTION as cvr
from reluhard.solvers import brute, milp
from tests.helpers.exact_latents import exact_distances, latents, meets, real_points
from tests.helpers.tiers import FULL

SHARDS = 4
NORMS = (1, 2, 3, "inf")
YES, NO = "INVERTIBLE", "NOT_INVERTIBLE"


# ----------------------------------------------------------------------------- helpers


def residual_norms(cvp: CVP, Y: np.ndarray) -> list[int]:
    """``||B y - t||_p^p`` (``||.||_inf`` for p = inf) for each row ``y`` of ``Y``, in Python
    integers (independent of cvp.distance_pow and of the network)."""
    B, t = cvp.basis.tolist(), cvp.target.tolist()
    out = []
    for y in Y.tolist():
        r = [
            sum(b * c for b, c in zip(row, y, strict=True)) - ti
            for row, ti in zip(B, t, strict=True)
        ]
        out.append(max(map(abs, r)) if cvp.p == "inf" else sum(abs(x) ** cvp.p for x in r))
    return out


def check_decoded(problem, red, cvp, latent) -> list[int]:
    params = reductions.params_of(problem)
    y = red.decode(cvp, [float(v) for v in latent], **params)
    fault = reductions.certificate_fault(problem, y)
    assert fault is None, (red.name, cvp, list(latent), y, fault)
    return y


def check_cvp_binary(cvp: CVP) -> str:
    """Every claim about cvp-binary on one instance; returns the verdict's status."""
    problem = cvb.build(cvp, source=Source("cvp", cvp, ""))
    params = reductions.params_of(problem)
    n = cvp.n
    Z = latents(2 * n)
    Y = Z[:, 0::2]
    broken = (Z[:, 0::2] + Z[:, 1::2] != 1).sum(axis=1)
    alpha = cvb.alpha(cvp)
    assert alpha > cvp.radius() and params["alpha"] == alpha
    res = residual_norms(cvp, Y)
    got = exact_distances(problem, Z)
    if cvp.p == "inf":
        want = [max(r, alpha if b else 0) for r, b in zip(res, broken, strict=True)]
    else:
        want = [r + alpha**cvp.p * int(b) for r, b in zip(res, broken, strict=True)]
    assert got == want, cvp
    hits = np.array([meets(problem, d) for d in got])
    certificate = np.array([b == 0 and r <= cvp.bound for r, b in zip(res, broken, strict=True)])
    assert np.array_equal(hits, certificate), cvp
    for i in np.flatnonzero(hits):
        y = cvb.decode(cvp, Z[i], **params)
        assert reductions.certificate_fault(problem, y) is None
        assert np.array_equal(cvb.encode(cvp, y, **params), Z[i])
    ref = cvp_reference.solve(cvp)
    verdict = brute.solve(problem)
    assert verdict.status == (YES if ref is not None else NO), (cvp, verdict.reason)
    assert hits.any() == (ref is not None)
    if ref is not None:
        check_decoded(problem, cvb, cvp, verdict.latent)
        assert check_latent(problem, cvb.encode(cvp, ref, **params)).ok
    return verdict.status


# ----------------------------------------------------------------------- exhaustive


def small_instances():
    """(basis, target) for every n, d <= 2 with entries in {-1, 0, 1}: 846 of them."""
    vals = (-1, 0, 1)
    for d, n in itertools.product((1, 2), repeat=2):
        for entries in itertools.product(vals, repeat=d * n + d):
            yield np.array(entries[: d * n]).reshape(d, n), np.array(entries[d * n :])


SMALL = list(small_instances())


def test_small_instances_are_all_there():
    assert len(SMALL) == 3**2 + 3**3 + 3**4 + 3**6


@pytest.mark.parametrize("shard", range(SHARDS))
def test_cvp_binary_exhaustive(shard):
    statuses = []
    for B, t in SMALL[shard::SHARDS]:
        for p in NORMS:
            for bound in (0, 1, 2, 3):
                statuses.append(check_cvp_binary(CVP(B, t, p, bound)))
    assert YES in statuses and NO in statuses


def random_instances(seed: int, count: int):
    """Instances with n, d <= 3, entries in {-2..2}; radii at, just below and away from the
    optimum, fractional (7/2) and irrational (r^p = 5 for p >= 2)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n, d = (int(x) for x in rng.integers(1, 4, 2))
        p = NORMS[int(rng.integers(len(NORMS)))]
        B = rng.integers(-2, 3, (d, n))
        t = rng.integers(-2, 3, d)
        best = cvp_reference.closest(CVP(B, t, p, 0))[1]
        for bound in {best, max(best - 1, Fraction(0)), best + 1, Fraction(7, 2)} | (
            {Fraction(5)} if p not in (1, "inf") else set()
        ):
            yield CVP(B, t, p, bound)


@pytest.mark.parametrize("shard", range(2))
def test_cvp_binary_random_sample(shard):
    statuses = [check_cvp_binary(c) for c in random_instances(shard, 600 if FULL else 150)]
    assert YES in statuses and NO in statuses


def test_cvp_binary_refuses_integer_coefficients():
    c = CVP(np.eye(2, dtype=int), np.array([1, 1]), 2, 1, "integer")
    for red in (cvb.REDUCTION, cvr):
        with pytest.raises(InputError, match="coefficients"):
            red.build(c)


# ------------------------------------------------------------------ real latent, MILP


def real_sample(count: int):
    rng = np.random.default_rng(1234)
    for i in range(count):
        n, d = (int(x) for x in rng.integers(1, 4, 2))
        p = (1, 2, "inf")[i % 3]
        B = rng.integers(-2, 3, (d, n))
        t = rng.integers(-2, 3, d)
        best = cvp_reference.closest(CVP(B, t, p, 0))[1]
        # at the optimum (YES with equality) or just below it (NO)
        yield CVP(B, t, p, best if i % 2 else max(best - 1, Fraction(0)))


def test_cvp_real_milp():
    """SCIP through pipeline.decide (whose last repair rung, decode -> check -> re-encode,
    turns a float point that misses the exact check into a checked YES)."""
    statuses = []
    for cvp in real_sample(150 if FULL else 45):
        problem = cvr.build(cvp, source=Source("cvp", cvp, ""))
        verdict = decide(problem, "scip").verdict
        ref = cvp_reference.solve(cvp)
        assert verdict.status == (YES if ref is not None else NO), (cvp, verdict.reason)
        if verdict.latent is not None:
            assert check_latent(problem, verdict.latent).ok
            y = check_decoded(problem, cvr, cvp, verdict.latent)
            assert cvp_mod.check(cvp, y)
            binary = cvb.build(cvp)
            assert check_latent(binary, lift.decode([float(v) for v in verdict.latent])).ok
        statuses.append(verdict.status)
    assert YES in statuses and NO in statuses


@st.composite
def cvp_instances(draw, lo=1, hi=3, entries=2):
    n = draw(st.integers(lo, hi))
    d = draw(st.integers(lo, hi))
    B = np.array(draw(st.lists(st.integers(-entries, entries), min_size=d * n, max_size=d * n)))
    t = np.array(draw(st.lists(st.integers(-entries, entries), min_size=d, max_size=d)))
    p = draw(st.sampled_from(NORMS))
    best = cvp_reference.closest(CVP(B.reshape(d, n), t, p, 0))[1]
    bound = draw(
        st.one_of(
            st.sampled_from([best, max(best - 1, Fraction(0))]),
            st.fractions(min_value=0, max_value=12, max_denominator=4),
        )
    )
    return CVP(B.reshape(d, n), t, p, bound)


@settings(max_examples=400 if FULL else 60)
@given(cvp=cvp_instances(), data=st.data())
def test_cvp_lift_at_real_points(cvp, data):
    """At real points: G reads z only through clamp(z, 0, 1); the penalty output is
    gamma * sum min(v, 1 - v); with some v_i in (1/4, 1/2) the penalty alone misses by
    more than delta, otherwise the other outputs are the binary network's at decode(z), so a
    real z passes only if its decoded binary latent does."""
    real, binary = cvr.build(cvp), cvb.build(cvp)
    q, p = binary.query, binary.query.p
    gamma = real.reduction.params["gamma"]
    assert Fraction(gamma, 4) ** (1 if p == "inf" else p) >= q.power()
    target = [Fraction(t) for t in real.target.tolist()]
    assert target[-1] == Fraction(gamma * binary.n, 2)
    for _ in range(3):
        z = data.draw(st.lists(real_points, min_size=real.n, max_size=real.n), label="z")
        zf = [Fraction(v) for v in z]
        v = [min(max(x, Fraction(0)), Fraction(1)) for x in zf]
        out = exact_output(real.network, zf)
        assert out == exact_output(real.network, v)
        pen = abs(out[-1] - target[-1])
        assert pen == gamma * sum(min(x, 1 - x) for x in v)
        y = lift.decode([float(x) for x in zf])
        assert cvr.decode(cvp, zf) == cvb.decode(cvp, y)
        passes = check_latent(real, zf).ok
        if any(Fraction(1, 4) < x < Fraction(1, 2) for x in v):
            assert (pen > q.power()) if p == "inf" else (pen**p > q.power())
            assert not passes
            continue
        bin_out = exact_output(binary.network, y.astype(np.int64))
        assert out[:-1] == bin_out  # target x = 0 in both
        if passes:
            assert check_latent(binary, y).ok
            assert cvp_mod.check(cvp, cvr.decode(cvp, zf))
        if all(x in (0, 1) for x in v):
            assert pen == 0 and passes == check_latent(binary, y).ok


# ----------------------------------------------------- larger random instances, MILP auto


@settings(max_examples=300 if FULL else 40)
@given(cvp=cvp_instances(3, 6))
def test_cvp_binary_larger_instances(cvp):
    problem = reduce_instance(cvp, via="cvp-binary", kind="cvp")
    verdict = milp.solve(problem, solver="auto")
    ref = cvp_reference.solve(cvp)
    assert verdict.status == (YES if ref is not None else NO), (cvp, verdict.reason)
    if ref is not None:
        y = check_decoded(problem, cvb, cvp, verdict.latent)
        assert cvp_mod.distance_pow(cvp, y) <= cvp.bound
        assert check_latent(problem, cvb.encode(cvp, ref)).ok


@settings(max_examples=100 if FULL else 15)
@given(cvp=cvp_instances(3, 4))
def test_cvp_real_larger_instances(cvp):
    problem = reduce_instance(cvp, via="cvp-real", kind="cvp")
    verdict = decide(problem, "auto").verdict  # the repair through the reduction is decide's
    ref = cvp_reference.solve(cvp)
    assert verdict.status == (YES if ref is not None else NO), (cvp, verdict.reason)
    if ref is not None:
        check_decoded(problem, cvr, cvp, verdict.latent)
