"""Inversion by mixed-integer programming on OR-Tools: CP-SAT, SCIP and HiGHS.

One encoding for all three, up to what each solver can state:

- :mod:`.presolve`: bounds on every unit from :mod:`reluhard.solvers.bounds` (forward from
  the latent domain, backward from the target), never from a global constant M; optional LP
  tightening; negation pairs ``ReLU(a), ReLU(-a)`` and the latent coordinates they force to
  two values;
- :mod:`.encode`: each unit classified from its bounds (stable active, stable inactive,
  unstable, affine in one or two binaries, ...) and stated by one small function per kind,
  after MIPVerify.jl: a stable unit gets no binary, an unstable one a binary and, for
  SCIP/HiGHS, the big-M rows with that unit's own bounds ``[L, U]``; CP-SAT states the same
  disjunction with enforcement literals and needs no M at all;
- :mod:`.norms`: the query, ``exact`` or ``approx`` in an l_p norm, with the
  outer-approximation cuts that let the linear solvers take ``p >= 2``;
- :mod:`.adapters`: the back ends behind one small modelling interface, where their
  differences live;
- :mod:`.solve`: the solve loop and the judging of the point found.

CP-SAT needs integers throughout, so it takes networks with integer weights and biases and
a discrete latent, or a real one that :func:`.presolve.two_valued_latents` shows to take two
integer values per coordinate (``sat-real``: bound propagation proves ``z in {-1, 1}^n``); on
other real latents it refuses. Every point a solver returns is checked by
:func:`reluhard.inversion.check_latent` in exact rational arithmetic before it is called
INVERTIBLE; a point that fails is repaired (rounded for a discrete domain; rounded to nearby
rationals for a real one) or the verdict is UNKNOWN with the reason and the float point
(``Verdict.point``), which :func:`reluhard.pipeline.decide` may still repair through the
reduction (decode -> check -> encode) when the source instance is embedded. Never a wrong
YES.
"""

from .solve import BACKENDS, DEFAULT, OPTIONS, WORKERS, solve

__all__ = ["BACKENDS", "DEFAULT", "OPTIONS", "WORKERS", "solve"]
