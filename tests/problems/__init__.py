"""Tests of reluhard.problems: the readers, writers, checkers and reference solvers, and the
malformed-input corpora."""
