"""Tests of the command line (reluhard.cli) end to end, in-process and as console scripts."""
