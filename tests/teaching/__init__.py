"""Tests of reluhard.teaching: the explain walkthrough and the scaling run."""
