"""The reduction protocol: what every construction declares, cf. CVXPY's ``reductions/``
(``apply`` and ``invert``).

A :class:`Reduction` has a name, the source kind it takes, its paper and theorem, a
one-line summary, what its certificate is, its parameters (``--param KEY=VALUE``), and four
maps:

- ``build(instance, *, source=None, **params) -> InversionProblem``, the forward map; the
  problem's :class:`~reluhard.inversion.ReductionRecord` names the reduction and the
  parameters the other maps need;
- ``encode(instance, certificate, **params) -> z``: a source certificate becomes a latent
  that solves the problem;
- ``decode(instance, z, **params) -> certificate``: any latent, even an inexact one from a
  float solver, becomes a source certificate;
- ``fault(instance, certificate, **params) -> str | None``: the source problem's own
  judgement of a certificate (why it is not one, in words).

Correctness, as the conformance tests check for every registered reduction: an instance is
a YES instance iff the problem has a solution; ``encode`` maps certificates to solutions;
``decode`` maps every solution to a certificate that ``fault`` accepts.

:class:`Construction` is a reduction written as a module of plain functions (one per
paper construction); :class:`reluhard.reductions.lift.Lifted` is the real-latent version
of a binary one (Theorem 4's lift).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..inversion import InversionProblem, Source
from ..options import Param

#: estimated bytes of one stored nonzero weight and one unit while a network is built (the
#: CSR arrays, their COO and concatenated intermediates, the bias and the unit's rows)
BYTES_PER_NONZERO = 48
BYTES_PER_UNIT = 64
#: a row held in Python lists while it is built
ROW_BYTES = 250


def network_bytes(nonzeros: int, units: int) -> int:
    """The memory estimate of building a network with that many nonzero weights and units
    (a helper of the reductions' ``size`` functions)."""
    return BYTES_PER_NONZERO * int(nonzeros) + BYTES_PER_UNIT * int(units)


@runtime_checkable
class Reduction(Protocol):
    """The protocol of the module docstring."""

    name: str
    source_kind: str
    summary: str
    paper: str
    theorem: str
    certificate: str
    params: Mapping[str, Param]
    doc: str
    states_bounds: bool

    def build(
        self, instance: Any, *, source: Source | None = None, **params: Any
    ) -> InversionProblem: ...

    def encode(self, instance: Any, certificate: Any, **params: Any) -> np.ndarray: ...

    def decode(self, instance: Any, z: Any, **params: Any) -> Any: ...

    def fault(self, instance: Any, certificate: Any, **params: Any) -> str | None: ...

    def estimate(self, instance: Any, **params: Any) -> int: ...


@dataclass(frozen=True)
class Construction:
    """A reduction whose maps are a module's functions (see :class:`Reduction`); ``doc``
    is the module's docstring: the construction, why it is right, and its fixes to the
    printed paper."""

    name: str
    source_kind: str
    summary: str
    paper: str
    theorem: str
    certificate: str
    build: Callable[..., InversionProblem]
    encode: Callable[..., np.ndarray]
    decode: Callable[..., Any]
    fault: Callable[..., str | None]
    params: Mapping[str, Param] = field(default_factory=dict)
    doc: str = ""
    #: ``build`` gives ``unit_bounds`` (see :class:`~reluhard.inversion.InversionProblem`)
    states_bounds: bool = False
    size: Callable[..., int] | None = None

    def estimate(self, instance: Any, **params: Any) -> int:
        """An upper estimate, in bytes, of the memory :meth:`build` takes on ``instance``,
        computed without building anything (the module's ``size`` function), so that
        :func:`reluhard.pipeline.reduce_source` can refuse a construction over the budget
        of :mod:`reluhard.limits` before it allocates."""
        return 0 if self.size is None else int(self.size(instance, **params))

    @classmethod
    def of_module(cls, ns: Mapping[str, Any], **maps: Any) -> Construction:
        """The reduction a module defines with its constants (``NAME``, ``SOURCE_KIND``,
        ``SUMMARY``, ``PAPER``, ``THEOREM``, ``CERTIFICATE``, ``PARAMS``), its functions
        ``build``/``encode``/``decode``/``fault`` and its docstring; call it with the module's
        ``globals()`` at its end. ``maps`` gives functions (or ``params``) it takes from
        elsewhere."""

        def pick(key: str) -> Any:
            return maps[key] if key in maps else ns[key]

        return cls(
            name=ns["NAME"],
            source_kind=ns["SOURCE_KIND"],
            summary=ns["SUMMARY"],
            paper=ns["PAPER"],
            theorem=ns["THEOREM"],
            certificate=ns["CERTIFICATE"],
            build=pick("build"),
            encode=pick("encode"),
            decode=pick("decode"),
            fault=pick("fault"),
            params=maps.get("params", ns.get("PARAMS", {})),
            doc=ns.get("__doc__") or "",
            states_bounds=maps.get("states_bounds", False),
            size=maps.get("size", ns.get("size")),
        )
