"""Tests of reluhard.certs: verify, --certify and the UNSAT proof checker."""
