"""The ``sat`` back end: an integer ReLU network over a two-valued latent compiled to CNF
(:mod:`.encode`, with the pseudo-Boolean rows of :mod:`.pb`) and decided by CaDiCaL
(:mod:`.solve`). Its NO answers can carry a DRUP proof of that CNF, which
:mod:`reluhard.certs.refutation` checks and ``verify`` re-checks by re-encoding the network.
"""

from .encode import ENCODING, Encoding, encode, refusal
from .solve import NAME, OPTIONS, SUMMARY, solve

__all__ = ["ENCODING", "Encoding", "NAME", "OPTIONS", "SUMMARY", "encode", "refusal", "solve"]
