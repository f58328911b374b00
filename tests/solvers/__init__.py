"""Tests of reluhard.solvers: the MILP back ends and the tractable ones (LP, layerwise, gradient
descent)."""
