"""The malformed-input corpora in tests/data/malformed_KIND/: one file per way an input can
be wrong, and EXPECTED.tsv with each file's exact error message."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def corpus_rows(corpus: Path) -> list[tuple[str, str]]:
    """``(file name, expected message)`` pairs of a malformed-input corpus's EXPECTED.tsv
    (``{path}`` in a message stands for the file's path)."""
    lines = (corpus / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]
