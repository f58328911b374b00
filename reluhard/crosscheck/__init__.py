"""``reluhard crosscheck``: every CNF through every SAT solver and network route, every
answer checked (models against the formula, UNSAT proofs by a verified checker), and every
failure shrunk to a small reproducer. Modules: :mod:`.runners` (what runs),
:mod:`.sandbox` (worker processes), :mod:`.run` (judging), :mod:`.shrink` (delta
debugging), :mod:`.report` (table and JSON)."""
