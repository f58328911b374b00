"""What ``reluhard scaling`` measures: uniform random k-CNFs, each rebuilt from its own
seed, reduced to inversion problems; and the two values a latent coordinate takes in the
exhaustive count."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ...inversion import InversionProblem
from ...pipeline import reduce_instance
from ...problems.cnf import CNF, random_kcnf

DEFAULT_VIA = "sat-sign"
DEFAULT_RATIO = 4.26
DEFAULT_K = 3
#: the satisfiability threshold ``m/n`` of random k-SAT (k >= 3: the cavity-method values of
#: S. Mertens, M. Mezard, R. Zecchina, "Threshold values of random K-SAT from the cavity
#: method", Random Structures & Algorithms 28(3), 2006, Table 1: 4.267, 9.931, 21.117,
#: 43.37, 87.79; k = 2: exactly 1, Chvatal-Reed 1992). 3-SAT keeps the customary 4.26.
THRESHOLD_RATIOS = {2: 1.0, 3: DEFAULT_RATIO, 4: 9.93, 5: 21.12, 6: 43.37, 7: 87.79}
DEFAULT_PER_N = 3
DEFAULT_SEED = 0
#: reductions with a real latent whose solutions inside the stated box are exactly the
#: box's vertices, so enumerating ``{lo, hi}^n`` is complete (see ``sat_real``'s docstring:
#: ``G(z) = x`` forces ``|clamp(z_i)| = 1`` for every ``i``)
VERTEX_COMPLETE = ("sat-real",)
#: the formula every method solves once, untimed, before the measurements
WARM_UP_CLAUSES = ([1, 2, -3], [-1, 2], [1, -2, 3], [-2, -3])


def threshold_ratio(k: int, ratio: float | None = None) -> float:
    """``ratio`` if given, else the threshold ratio of random ``k``-SAT
    (:data:`THRESHOLD_RATIOS`); a ``k`` without a tabulated threshold needs ``ratio``."""
    if ratio is not None:
        return ratio
    if k not in THRESHOLD_RATIOS:
        raise InputError(
            None,
            None,
            f"no tabulated satisfiability threshold for k = {k} "
            f"(known: {', '.join(map(str, THRESHOLD_RATIOS))}); give --ratio",
        )
    return THRESHOLD_RATIOS[k]


@dataclass(frozen=True)
class Instance:
    """Instance ``index`` at size ``n``: ``clauses`` random ``k``-clauses from ``seed``, and
    the inversion problem the reduction built from it."""

    n: int
    index: int
    seed: int
    clauses: int
    cnf: CNF
    problem: InversionProblem


def instance_seed(seed: int, n: int, index: int) -> int:
    """The seed of instance ``index`` at size ``n``: ``random_kcnf(n, m, k,
    numpy.random.default_rng(instance_seed(...)))`` rebuilds it."""
    return int(np.random.SeedSequence([seed, n, index]).generate_state(1)[0])


def instances(
    n: int, *, via: str, ratio: float, k: int, per_n: int, seed: int
) -> Iterator[Instance]:
    """The ``per_n`` random k-CNFs with ``round(ratio n)`` clauses at size ``n``, reduced
    ``via`` a reduction (built one at a time, as they are measured)."""
    m = round(ratio * n)
    for i in range(per_n):
        s = instance_seed(seed, n, i)
        cnf = random_kcnf(n, m, k, np.random.default_rng(s))
        yield Instance(n, i, s, m, cnf, reduce_instance(cnf, via=via))


def warm_up_instance(via: str) -> tuple[CNF, InversionProblem]:
    """The tiny formula of :data:`WARM_UP_CLAUSES` and its network."""
    cnf = CNF.from_clauses([list(c) for c in WARM_UP_CLAUSES])
    return cnf, reduce_instance(cnf, via=via)


def latent_values(problem: InversionProblem) -> tuple[int, int]:
    """The two values each latent coordinate takes in the enumeration: those of a sign or
    binary domain, or the vertices of the stated box for :data:`VERTEX_COMPLETE`."""
    vals = problem.domain.values()
    if vals is not None:
        return vals
    name = problem.reduction.name if problem.reduction else ""
    box = problem.domain.bounds()
    if name in VERTEX_COMPLETE and box is not None and all(float(v).is_integer() for v in box):
        return int(box[0]), int(box[1])
    raise InputError(
        None,
        None,
        f"brute force enumerates a two-valued latent; the '{name or '?'}' network has a "
        f"'{problem.domain.kind}' latent (enumerable: sign, binary, or "
        f"{', '.join(VERTEX_COMPLETE)})",
    )
