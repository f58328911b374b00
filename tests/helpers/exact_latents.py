"""Exact helpers shared by the reduction tests: every binary latent, the exact distance of
the network's output from its target, and real latent coordinates that probe the lift
(0, 1/4, 1/2, 1, just either side of them, outside [0, 1])."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from reluhard.network import exact_forward, rational_vector


def latents(n: int) -> np.ndarray:
    """All of ``{0,1}^n`` in brute force's order."""
    k = np.arange(1 << n, dtype=np.int64)
    return (k[:, None] >> np.arange(n, dtype=np.int64)) & 1


def exact_distances(problem, Z) -> list[Fraction]:
    """For each row of ``Z``: ``||G(z) - x||_p^p`` (``||.||_inf`` for p = inf), exactly."""
    num, den = exact_forward(problem.network, np.asarray(Z))
    tnum, tden = rational_vector(problem.target)
    diff = np.abs(np.asarray(num, dtype=object) * tden - np.asarray(tnum, dtype=object) * den)
    scale = den * tden
    p = problem.query.p
    if p == "inf":
        return [Fraction(int(max(row, default=0)), scale) for row in diff.tolist()]
    return [Fraction(sum(int(x) ** p for x in row), scale**p) for row in diff.tolist()]


def meets(problem, dist: Fraction) -> bool:
    q = problem.query
    return dist < q.power() if q.strict else dist <= q.power()


EPS = [Fraction(1, 2**52), Fraction(1, 2**20), Fraction(1, 1000)]
ADVERSARIAL = sorted(
    {Fraction(0), Fraction(1), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(-1)}
    | {Fraction(2)}
    | {c + s * e for c in (Fraction(1, 4), Fraction(1, 2), Fraction(0), Fraction(1))
       for e in EPS for s in (-1, 1)}
)  # fmt: skip
real_points = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.fractions(min_value=-1, max_value=2, max_denominator=64),
    st.floats(min_value=-1.5, max_value=2.5, allow_nan=False),
)
