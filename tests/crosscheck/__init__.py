"""Tests of reluhard.crosscheck: fault injection, shrinking, the crosscheck command."""
