"""Is a network the reduction of the source it embeds? Rebuild it and compare exactly.

A certificate or a proof about the embedded source says something about the network only
if the network is what the recorded reduction, with the recorded parameters, builds from
that source. A network file is data anyone can edit: its source can be swapped for another
instance (whose proof then checks VALID) while the layers stay. So ``reluhard verify`` and
``invert --certify`` rebuild the network from the embedded source and compare layer by
layer, bit for bit (:func:`mismatch`). A network without a source (``random-net``) has
nothing to compare.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..exactness import reduction_fault
from ..inversion import InversionProblem
from ..lazy import lazy_module
from ..network import Layer
from . import REGISTRY, parse_params

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")


def rebuilt(problem: InversionProblem) -> InversionProblem | str | None:
    """The problem the recorded reduction builds from the embedded source with the recorded
    parameters; the reason when it cannot be built; None without a source."""
    src, rec = problem.source, problem.reduction
    if src is None:
        return None
    if rec is None:
        return "the network embeds a source but names no reduction to rebuild it with"
    red = REGISTRY.get(rec.name)
    if red is None or red.source_kind != src.kind:
        return f"no known reduction {rec.name!r} takes the embedded {src.kind} source"
    raw = {k: str(rec.params[k]) for k in red.params if k in rec.params}
    try:
        again = red.build(src.instance, source=src, **parse_params(red, raw))
    except (InputError, ValueError) as e:
        return f"{rec.name} cannot rebuild the network from the embedded source: {e}"
    return reduction_fault(again) or again


def require_rebuilt(problem: InversionProblem, name: str) -> InversionProblem:
    """:class:`InputError` naming ``name`` unless :func:`mismatch` finds nothing; else
    ``problem`` with the ``unit_bounds`` its reduction states (as :func:`stated_bounds`
    gives, from the one build the check made: ``invert --certify`` checks, then decides)."""
    again = rebuilt(problem)
    why = mismatch(problem, again)
    if why is not None:
        raise InputError(name, None, f"not the reduction of its embedded source: {why}")
    if (
        problem.unit_bounds is None
        and isinstance(again, InversionProblem)
        and again.unit_bounds is not None
        and _states_bounds(problem)
    ):
        return replace(problem, unit_bounds=again.unit_bounds)
    return problem


def _same_layer(a: Layer, b: Layer) -> bool:
    if a.shape != b.shape or (a.activation, a.slope) != (b.activation, b.slope):
        return False
    if not np.array_equal(a.b, b.b):
        return False
    if a.sparse or b.sparse:
        return bool((sp.csr_array(a.csr) != sp.csr_array(b.csr)).nnz == 0)
    return bool(np.array_equal(a.W, b.W))


def _states_bounds(problem: InversionProblem) -> bool:
    """Whether ``problem``'s recorded reduction states ``unit_bounds`` (``states_bounds``)."""
    rec = problem.reduction
    red = REGISTRY.get(rec.name) if rec is not None else None
    return red is not None and red.states_bounds


def stated_bounds(problem: InversionProblem) -> InversionProblem:
    """``problem`` with the ``unit_bounds`` its reduction states, when the reduction states
    them (``states_bounds``: the circuit reductions) and the network is exactly what it
    builds from the embedded source; else ``problem`` unchanged. Network files do not store
    the bounds, so a loaded circuit network gets them here."""
    if problem.unit_bounds is not None or not _states_bounds(problem):
        return problem
    again = rebuilt(problem)
    if not isinstance(again, InversionProblem) or mismatch(problem, again) is not None:
        return problem
    return replace(problem, unit_bounds=again.unit_bounds)


def mismatch(problem: InversionProblem, again: InversionProblem | str | None = None) -> str | None:
    """Why ``problem``'s network, target, domain or query is not exactly what its recorded
    reduction builds from its embedded source (one sentence), or None (also without a
    source). ``again``: the :func:`rebuilt` problem, when already built."""
    if again is None:
        again = rebuilt(problem)
    if again is None:
        return None
    if isinstance(again, str):
        return again
    name = problem.reduction.name if problem.reduction else "?"
    ours, theirs = problem.network.layers, again.network.layers
    if len(ours) != len(theirs):
        return (
            f"the network has {len(ours)} layers; {name} builds {len(theirs)} from the "
            "embedded source (the source or the layers were changed)"
        )
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True), 1):
        if not _same_layer(a, b):
            return (
                f"layer {i} differs from what {name} builds from the embedded source "
                "(the source or the layers were changed)"
            )
    for what, same in (
        ("target", np.array_equal(problem.target, again.target)),
        ("latent domain", problem.domain == again.domain),
        ("query", problem.query.to_json() == again.query.to_json()),
    ):
        if not same:
            return (
                f"the {what} differs from what {name} builds from the embedded source "
                "(the source or the network was changed)"
            )
    return None
