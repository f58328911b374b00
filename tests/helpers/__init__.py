"""Helpers the test modules import explicitly (``from tests.helpers.cli import run_cli``):
instance locations, the in-process command line, the malformed-input corpora, exhaustive
small CNFs, exact latents, faulty crosscheck plug-ins and the ``--full`` switch."""
