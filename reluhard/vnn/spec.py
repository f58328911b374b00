"""An imported ONNX network and VNN-LIB property as one :class:`InversionProblem` with the
``spec`` query (:class:`reluhard.inversion.Spec`), and a spec query back as VNN-LIB text.

The input box is read from the single-variable bounds on ``X``: in each disjunct (which
holds the top-level asserts too) its box, and over the disjuncts their hull. Every other
constraint stays in its disjunct, the box-bounds too (a disjunct's box may be narrower than
the hull). Every input must be bounded: the MILP searches a box.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..errors import InputError
from ..inversion import (
    Atom,
    Domain,
    InversionProblem,
    Query,
    Spec,
    float_down,
    float_up,
    single_bound,
)
from ..network import Network
from . import vnnlib_write as vw
from .vnnlib_read import Property

BOX_REASON = "the input box of the VNN-LIB property"


def input_box(prop: Property, path: str) -> tuple[tuple[Fraction, Fraction], ...]:
    """The hull over the disjuncts of each disjunct's box on ``X`` (see the module
    docstring); :class:`InputError` naming an unbounded input."""
    n = prop.n_in
    hull: list[list[Fraction | None]] = [[None, None] for _ in range(n)]
    for k, conj in enumerate(prop.disjuncts):
        box: list[list[Fraction | None]] = [[None, None] for _ in range(n)]
        for atom in conj:
            sb = single_bound(atom)
            if sb is None or sb[0] != "X":
                continue
            _, i, side, v = sb
            old = box[i][0 if side == "lo" else 1]
            if old is None:
                box[i][0 if side == "lo" else 1] = v
            else:
                box[i][0 if side == "lo" else 1] = max(old, v) if side == "lo" else min(old, v)
        for i in range(n):
            lo, hi = box[i]
            if lo is None or hi is None:
                raise InputError(
                    path, None, f"X_{i} has no finite {'lower' if lo is None else 'upper'} "
                    f"bound in disjunct {k + 1}; the MILP needs a bounded input box"
                )  # fmt: skip
            if k == 0:
                hull[i] = [lo, hi]
            else:
                hull[i] = [min(hull[i][0], lo), max(hull[i][1], hi)]  # type: ignore[type-var]
    return tuple((lo, hi) for lo, hi in hull)  # type: ignore[misc]


def problem_of(net: Network, prop: Property, onnx_path: str, vnnlib_path: str) -> InversionProblem:
    """The inversion problem "is the property satisfiable": some ``X`` in the box with
    ``(X, G(X))`` meeting some disjunct."""
    if (prop.n_in, prop.n_out) != (net.in_dim, net.out_dim):
        raise InputError(
            vnnlib_path, None, f"declares {prop.n_in} inputs and {prop.n_out} outputs; "
            f"{onnx_path} has {net.in_dim} and {net.out_dim}"
        )  # fmt: skip
    if not prop.disjuncts:
        raise InputError(vnnlib_path, None, "the property has no disjunct")
    box = input_box(prop, vnnlib_path) if prop.n_in else ()
    spec = Spec(box, prop.disjuncts)
    lo = float_down(min((a for a, _ in box), default=Fraction(0)))
    hi = float_up(max((b for _, b in box), default=Fraction(0)))
    if lo > hi:
        lo, hi = hi, lo  # an empty box: the spec check rejects every point anyway
    domain = Domain("box", lo, hi, BOX_REASON)
    return InversionProblem(net, np.zeros(net.out_dim), domain, Query("spec", spec=spec))


def _term(var: str, i: int, c: Fraction) -> str:
    return f"{var}_{i}" if c == 1 else f"(* {vw.decimal(c)} {var}_{i})"


def atom_text(atom: Atom) -> str:
    """``(<= lhs rhs)`` for ``atom``."""
    parts = [_term(v, i, c) for v, i, c in atom.terms]
    lhs = parts[0] if len(parts) == 1 else f"(+ {' '.join(parts)})" if parts else "0"
    return f"(<= {lhs} {vw.decimal(atom.rhs)})"


def spec_text(problem: InversionProblem, comments: tuple[str, ...] = ()) -> str:
    """The VNN-LIB text of a spec query: its box, then its disjunction."""
    spec = problem.query.spec
    assert spec is not None  # called for spec queries only
    box = vw.box_asserts([a for a, _ in spec.box], [b for _, b in spec.box])
    conj = [" ".join(atom_text(a) for a in c) for c in spec.disjuncts]
    if len(conj) == 1:
        outputs = [f"(assert {atom_text(a)})" for a in spec.disjuncts[0]]
    else:
        outputs = ["(assert (or"] + [f"    (and {c})" for c in conj] + ["))"]
    return vw.property_text(comments, problem.n, problem.network.out_dim, box, outputs)


def load(onnx_path: str, vnnlib_path: str) -> InversionProblem:
    """Read both files (see :mod:`.onnx_read`, :mod:`.vnnlib_read`) into one problem."""
    from . import onnx_read, vnnlib_read

    return problem_of(onnx_read.read(onnx_path), vnnlib_read.read(vnnlib_path), onnx_path,
                      vnnlib_path)  # fmt: skip
