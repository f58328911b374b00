"""The truth table of a tiny problem: every latent of its discrete domain (for a real
latent, every corner of its box, the points the binary construction is about) with the
exact output ``G(z)`` (:func:`reluhard.network.exact_forward`), the distance the query
compares, whether ``z`` solves the problem (:func:`reluhard.inversion.check_latent`), and
the certificate it decodes to with the source checker's verdict.

Shown up to :data:`MAX_LATENTS` latent coordinates (16 rows). The reduction's correctness
shows row by row in one direction: every row that solves the problem decodes to a
certificate; a certificate may also have latents that do not solve it (a smaller vertex
cover than ``q``, say), which is why the theorem is about *some* latent.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..inversion import InversionProblem, LatentCheck, check_latent
from ..network import exact_forward
from .blocks import Block, Limits, Para, Table, fmt

MAX_LATENTS = 4


@dataclass
class Row:
    """One latent of the table."""

    z: tuple[float, ...]
    output: list[Fraction]
    distance: Fraction | None  # ||G(z) - x||_p^p (max |.| for p = inf); None: exact query
    solves: LatentCheck
    certificate: Any
    fault: str | None


def corners(problem: InversionProblem) -> tuple[float, float] | None:
    """The two values each latent coordinate takes in the table: the discrete domain's, or
    the ends of a real latent's box; None when there are none."""
    d = problem.domain
    vals = d.values()
    if vals is not None:
        return float(vals[0]), float(vals[1])
    if d.lo is not None and d.hi is not None:
        return float(d.lo), float(d.hi)
    return None


def distance(problem: InversionProblem, output: list[Fraction]) -> Fraction | None:
    """What the query compares with its bound: ``||G(z) - x||_p^p`` (``max |.|`` for
    ``p = inf``) exactly; None for an exact query."""
    q = problem.query
    if q.kind != "approx":
        return None
    diffs = [abs(o - Fraction(float(t))) for o, t in zip(output, problem.target, strict=True)]
    if q.p == "inf" or q.p is None:
        return max(diffs, default=Fraction(0))
    return sum((d ** int(q.p) for d in diffs), Fraction(0))


def rows(
    problem: InversionProblem, decode: Callable[[Any], Any], fault: Callable[[Any], str | None]
) -> list[Row] | None:
    """Every corner latent of ``problem`` (None beyond :data:`MAX_LATENTS` coordinates or
    without corners), evaluated exactly; ``decode`` maps a latent to a source certificate
    and ``fault`` judges it."""
    vals = corners(problem)
    if vals is None or problem.n > MAX_LATENTS:
        return None
    zs = np.array(list(itertools.product(vals, repeat=problem.n)), dtype=np.float64)
    zs = zs.reshape(-1, problem.n)
    num, den = exact_forward(problem.network, zs)
    num = np.asarray(num).reshape(len(zs), -1)
    out: list[Row] = []
    for z, nums in zip(zs, num, strict=True):
        output = [Fraction(int(v), den) for v in nums.tolist()]
        cert = decode(z)
        out.append(
            Row(
                tuple(z.tolist()),
                output,
                distance(problem, output),
                check_latent(problem, z),
                cert,
                fault(cert),
            )
        )
    return out


def _short(values: list[str], limit: int) -> str:
    if len(values) > limit:
        values = values[:limit] + [f"... ({len(values) - limit} more)"]
    return "(" + ", ".join(values) + ")"


def blocks(
    problem: InversionProblem, table: list[Row] | None, lim: Limits, show: Callable[[Any], str]
) -> list[Block]:
    """The table as blocks (a note when there is none); ``show`` writes a certificate."""
    if table is None:
        return [
            Para(
                f"The latent has {problem.n} coordinates, more than {MAX_LATENTS}: no table "
                f"of all {corners(problem) and 2**problem.n or 'its'} latents here.",
                "note",
            )
        ]
    q = problem.query
    bound = ""
    if q.kind == "approx":
        rel = "<" if q.strict else "<="
        bound = (
            f"||G(z) - x||_inf {rel} {fmt(q.power())}"
            if q.p == "inf"
            else f"||G(z) - x||_{q.p}^{q.p} {rel} {fmt(q.power())}"
        )
    where = "" if problem.domain.is_discrete else " (the corners of the box)"
    text = (
        f"Every latent{where}, evaluated in exact rational arithmetic: G(z), "
        + (f"the distance the query compares ({bound}), " if bound else "")
        + "whether z solves the problem, and the certificate it decodes to with the source "
        "problem's own verdict. Every row that solves the problem decodes to a certificate; "
        "a certificate can also have latents that do not (the theorem is about some latent)."
    )
    header = ["z", "G(z)"] + (["distance"] if bound else []) + ["solves", "decodes to", "source"]
    rows_, marks = [], []
    cut = 30 if lim.head < 20 else 400  # the terminal table fits 80 columns
    for r in table:
        cells = [
            " ".join(fmt(v) for v in r.z),
            _short([fmt(v) for v in r.output], 4 if lim.head < 20 else lim.head),
        ]
        if bound:
            cells.append(fmt(r.distance))
        cells += [
            "yes" if r.solves else "no",
            show(r.certificate),
            "certificate" if r.fault is None else "no: " + _cut(r.fault, cut),
        ]
        rows_.append(cells)
        marks.append("" if r.solves else "fire")
    nsol = sum(1 for r in table if r.solves)
    verdict = (
        f"{nsol} of {len(table)} latents solve the problem: the instance is a YES instance."
        if nsol
        else f"None of the {len(table)} latents solves the problem: a NO instance."
    )
    return [
        Para(text),
        Table(header, rows_, marks, numeric=(2,) if bound else ()),
        Para(verdict, "ok" if nsol else "bad"),
    ]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
