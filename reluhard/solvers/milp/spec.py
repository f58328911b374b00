"""A VNN-LIB specification (query ``spec``) on the model: a disjunction of conjunctions of
linear constraints over the latent ``X`` and the outputs ``Y``.

One disjunct is stated as plain rows. Several get a selector binary each, at least one
selected, and every constraint of a disjunct is enforced by its selector: on CP-SAT by an
enforcement literal (no M), on SCIP/HiGHS by a big-M row whose M is the constraint's own
bound from the interval bounds of ``X`` and ``Y`` (a constraint that cannot fail gets no
row; a disjunct with a constraint that cannot hold gets no selector). Every solution of the
network meeting the spec meets the model, so infeasibility is a sound NO (a solver claim on
the float back ends). ``slack`` (the second pass on SCIP/HiGHS) asks each selected
constraint to hold with room ``t``, maximised, so that the point found lies inside the
region rather than on its boundary, where the exact check would reject a rounding of it.
"""

from __future__ import annotations

import math

from ...inversion import Atom, InversionProblem
from ..bounds import Bounds
from .encode import Encoding

INF = math.inf
SLACK_CAP = 1.0  # the room t a selected constraint is asked for is at most this


def atom_expr(enc: Encoding, atom: Atom) -> tuple[list, list, float]:
    """``sum coef * var`` of ``atom`` as an expression in the model's variables."""
    terms: dict = {}
    const = 0.0
    for var, i, coef in atom.terms:
        c = float(coef)
        if var == "X":
            v, scale, shift = enc.latent[i]
            vs, cs, k = [v], [scale], shift
        else:
            vs, cs, k = enc.outputs[i]
        for v, w in zip(vs, cs, strict=True):
            terms[v] = terms.get(v, 0.0) + c * w
        const += c * k
    vs = [v for v, w in terms.items() if w != 0]
    return vs, [terms[v] for v in vs], const


def atom_range(atom: Atom, bounds: Bounds) -> tuple[float, float]:
    """Interval of ``sum coef * var`` over the bounds of ``X`` and ``Y``, widened by a
    relative 1e-9 against the rounding of the sum."""
    lo = hi = 0.0
    for var, i, coef in atom.terms:
        a, b = (
            (bounds.latent_lo[i], bounds.latent_hi[i])
            if var == "X"
            else (bounds.post_lo[-1][i], bounds.post_hi[-1][i])
        )
        c = float(coef)
        lo += min(c * a, c * b)
        hi += max(c * a, c * b)
    pad = 1e-9 * (1.0 + abs(lo) + abs(hi))
    return lo - pad, hi + pad


def add_spec(problem: InversionProblem, enc: Encoding, bounds: Bounds, slack: bool) -> None:
    """State ``problem.query.spec`` on ``enc`` (see the module docstring)."""
    spec = problem.query.spec
    assert spec is not None  # add_query sends spec queries here
    b = enc.backend
    t = None
    if slack:
        t = b.var(0.0, SLACK_CAP)
        b.maximize(t)
        enc.slack = t
    live = []
    for conj in spec.disjuncts:
        rows = []
        possible = True
        for atom in conj:
            lo, hi = atom_range(atom, bounds)
            rhs = float(atom.rhs)
            if lo > rhs:
                possible = False  # this constraint cannot hold: the disjunct is out
                break
            if hi + (SLACK_CAP if slack else 0.0) > rhs:
                rows.append((atom, rhs, hi))
        if possible:
            live.append(rows)
    if not live:  # no disjunct can hold: 0 >= 1 on a variable fixed at 0 (an empty row
        zero = b.var(0.0, 0.0)  # with contradictory bounds makes HiGHS abort on its stats)
        b.row([zero], [1.0], 1.0, INF)
        return
    extra = ([t], [1.0]) if t is not None else ([], [])
    if len(live) == 1:
        for atom, rhs, _ in live[0]:
            vs, cs, const = atom_expr(enc, atom)
            b.row(vs + extra[0], cs + extra[1], -INF, rhs - const)
        return
    selectors = []
    for rows in live:
        s = b.boolean()
        selectors.append(s)
        for atom, rhs, hi in rows:
            vs, cs, const = atom_expr(enc, atom)
            big = hi + (SLACK_CAP if slack else 0.0) - rhs
            b.implied_row(vs + extra[0], cs + extra[1], rhs - const, s, big)
    b.row(selectors, [1.0] * len(selectors), 1.0, INF)
