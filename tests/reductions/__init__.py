"""Tests of reluhard.reductions: the SAT, CVP and graph reductions, exhaustively on small
instances and with hypothesis on larger ones."""
