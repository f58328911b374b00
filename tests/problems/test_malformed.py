"""The malformed-input corpora (tests/data/malformed_{cnf,cvp,graph,circuit}/, each file with its
exact message in EXPECTED.tsv): every file is listed, and its reader rejects each one with
exactly the listed message (``{path}`` standing for the path as given)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reluhard.errors import InputError
from reluhard.problems.circuit_format import read_circuit
from reluhard.problems.cvp_format import read_cvp
from reluhard.problems.dimacs_cnf import _parse_fast, read_cnf
from reluhard.problems.graph_format import read_graph
from tests.helpers.corpus import DATA, corpus_rows


@dataclass(frozen=True)
class Corpus:
    """One corpus: its folder, which of its files are inputs, its reader, how many files it
    has at least, and what else a rejection must satisfy."""

    name: str
    read: Callable[[Path], object]
    is_input: Callable[[Path], bool]
    min_files: int
    also: Callable[[Path, InputError], None]

    @property
    def folder(self) -> Path:
        return DATA / f"malformed_{self.name}"


def _cnf_also(path: Path, error: InputError) -> None:
    assert _parse_fast(path.read_bytes()) is None  # the fast parser declines it too


def _cvp_also(path: Path, error: InputError) -> None:
    assert error.line is not None


def _nothing(path: Path, error: InputError) -> None:
    pass


CORPORA = [
    Corpus("cnf", read_cnf, lambda p: p.suffix == ".cnf", 10, _cnf_also),
    Corpus("cvp", read_cvp, lambda p: p.suffix == ".cvp", 15, _cvp_also),
    Corpus("graph", read_graph, lambda p: p.name != "EXPECTED.tsv", 15, _nothing),
    Corpus("circuit", read_circuit, lambda p: p.name != "EXPECTED.tsv", 30, _nothing),
]
CASES = [(c, name, expected) for c in CORPORA for name, expected in corpus_rows(c.folder)]


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_corpus_lists_every_file(corpus):
    listed = [name for name, _ in corpus_rows(corpus.folder)]
    present = sorted(p.name for p in corpus.folder.iterdir() if corpus.is_input(p))
    assert sorted(listed) == present
    assert len(set(listed)) == len(listed) >= corpus.min_files


@pytest.mark.parametrize(
    ("corpus", "name", "expected"), CASES, ids=[f"{c.name}-{name}" for c, name, _ in CASES]
)
def test_malformed_corpus(corpus, name, expected):
    path = corpus.folder / name
    with pytest.raises(InputError) as info:
        corpus.read(path)
    assert str(info.value) == expected.replace("{path}", str(path))
    corpus.also(path, info.value)
