"""reluhard: NP-hard instances compiled into ReLU-network inversion problems, and back.

A source instance (a DIMACS CNF, ...) becomes an :class:`~reluhard.inversion.InversionProblem`
by a reduction from :mod:`reluhard.reductions`; a back end from :mod:`reluhard.solvers`
decides it; the reduction's ``decode`` maps a working latent back to a certificate of the
source instance, which the source problem's ``check`` verifies independently.
"""

__version__ = "0.1.0"
