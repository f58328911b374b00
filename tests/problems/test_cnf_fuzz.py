"""The fuzzing corpus: deterministic, valid, covering the corner cases it promises, balanced
between SAT and UNSAT (judged by CaDiCaL), and ``features`` right on hand-made formulas."""

from __future__ import annotations

import doctest
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reluhard.problems import cnf_fuzz
from reluhard.problems.cnf import CNF, check, solve
from reluhard.problems.cnf_fuzz import FEATURES, LONG_WIDTH, features, fuzz_cnf, fuzz_corpus

SEED = 20240611
N = 1000

# Least number of instances (of N) showing each feature. The generator's expected counts
# are about 3x these (e.g. no_vars and no_clauses ~10, empty_clause ~30, unit_clause ~500).
MIN_COUNT = {
    "no_vars": 4,
    "no_clauses": 4,
    "empty_clause": 12,
    "unit_clause": 300,
    "duplicate_literal": 250,
    "tautology": 250,
    "unused_tail": 150,
    "unused_gap": 120,
    "long_clause": 100,
    "all_vars_clause": 20,
    "mixed_widths": 300,
    "sign_complete_block": 40,  # ~30 arise by chance in dense tiny formulas, ~30 are cores
}
# Trivial formulas must stay rare, or the corpus tests little.
MAX_COUNT = {"no_vars": 30, "no_clauses": 30, "empty_clause": 60}


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, CNF]]:
    return fuzz_corpus(N, SEED)


@pytest.fixture(scope="module")
def feature_sets(corpus) -> list[set[str]]:
    return [features(f) for _, f in corpus]


@pytest.fixture(scope="module")
def verdicts(corpus) -> list[bool]:
    out = []
    for _, f in corpus:
        model = solve(f)
        assert model is None or check(f, model)
        out.append(model is not None)
    return out


def test_doctests():
    assert doctest.testmod(cnf_fuzz).failed == 0


def test_corpus_is_deterministic(corpus):
    again = fuzz_corpus(N, SEED)
    assert [name for name, _ in again] == [name for name, _ in corpus]
    assert all(a == b for (_, a), (_, b) in zip(again, corpus, strict=True))
    other = fuzz_corpus(50, SEED + 1)
    assert (
        sum(a == b for (_, a), (_, b) in zip(other, corpus[:50], strict=True)) < 10
    )  # the seed matters


def test_names_and_regeneration_alone(corpus):
    assert [name for name, _ in corpus[:3]] == [f"fuzz-{SEED}-0000{i}" for i in range(3)]
    assert corpus[N - 1][0] == f"fuzz-{SEED}-00999"
    for i in (0, 1, 17, 500, N - 1):
        assert fuzz_cnf(np.random.default_rng([SEED, i])) == corpus[i][1]
    assert fuzz_corpus(10, SEED) == corpus[:10]  # a prefix does not depend on n


def test_corpus_is_valid_and_small(corpus):
    for _, f in corpus:
        CNF(f.nvars, f.literals, f.offsets)  # re-validates
        assert f.literals.dtype == np.int32 and f.offsets.dtype == np.int64
        assert 0 <= f.nvars <= 30
        assert not f.literals.size or np.abs(f.literals).max() <= f.nvars
        assert f.nclauses <= 500


@given(st.integers(0, 2**32), st.integers(0, 10**5), st.integers(1, 40))
def test_any_instance_is_valid(seed, i, max_vars):
    f = fuzz_cnf(np.random.default_rng([seed, i]), max_vars)
    CNF(f.nvars, f.literals, f.offsets)
    assert 0 <= f.nvars <= max_vars
    assert not f.literals.size or (0 < np.abs(f.literals).min() <= np.abs(f.literals).max())
    assert not f.literals.size or np.abs(f.literals).max() <= f.nvars
    assert f.nclauses <= 13 * max_vars + 40
    assert not f.nclauses or f.widths.max() <= max(max_vars, 2 * LONG_WIDTH) + 1


def test_max_vars_must_be_positive():
    with pytest.raises(ValueError):
        fuzz_cnf(np.random.default_rng(0), max_vars=0)


def test_feature_frequencies(feature_sets):
    assert set(MIN_COUNT) == set(FEATURES)
    counts = Counter(x for s in feature_sets for x in s)
    low = {x: counts[x] for x in FEATURES if counts[x] < MIN_COUNT[x]}
    assert not low, f"too rare: {low} (all: {dict(counts)})"
    high = {x: counts[x] for x in MAX_COUNT if counts[x] > MAX_COUNT[x]}
    assert not high, f"too frequent: {high}"


def test_edge_combinations_occur(corpus):
    kinds = Counter((f.nclauses == 0, f.nvars == 0, bool(np.any(f.widths == 0))) for _, f in corpus)
    assert kinds[(True, True, False)] >= 1  # no clauses, no variables
    assert kinds[(True, False, False)] >= 1  # no clauses, some variables
    assert kinds[(False, True, True)] >= 1  # only empty clauses, no variables
    assert kinds[(False, False, True)] >= 5  # an empty clause among others
    assert sum(f.nvars >= 20 and f.widths.max(initial=0) == f.nvars for _, f in corpus) >= 5


def test_sat_and_unsat_both_common(verdicts):
    sat = sum(verdicts) / len(verdicts)
    assert 0.2 <= sat <= 0.8, f"SAT fraction {sat:.2f}"


def test_features_agree_with_verdicts(feature_sets, verdicts):
    for s, sat in zip(feature_sets, verdicts, strict=True):
        if s & {"empty_clause", "sign_complete_block"}:
            assert not sat
        if "no_clauses" in s:
            assert sat


def test_density_spans_the_threshold(corpus, verdicts):
    """Plain random 3-SAT instances (all widths 3, nothing else added) fall on both sides
    of the threshold (about 4.3 clauses per variable), SAT and UNSAT."""
    plain = [
        (f.nclauses / np.unique(np.abs(f.literals)).size, sat)
        for (_, f), sat in zip(corpus, verdicts, strict=True)
        if f.nvars >= 10 and f.nclauses and np.all(f.widths == 3)
    ]
    assert len(plain) >= 40
    assert sum(sat for _, sat in plain) >= 10 and sum(not sat for _, sat in plain) >= 10
    ratios = np.array([r for r, _ in plain])
    assert np.sum(ratios < 3) >= 10 and np.sum(ratios > 5) >= 10


C = CNF.from_clauses
FULL2 = [[1, 2], [1, -2], [-1, 2], [-1, -2]]


@pytest.mark.parametrize(
    "f, expected",
    [
        (C([], nvars=0), {"no_vars", "no_clauses"}),
        (C([], nvars=3), {"no_clauses", "unused_tail"}),
        (C([[]], nvars=0), {"no_vars", "empty_clause"}),
        (C([[], [1]], nvars=1), {"empty_clause", "unit_clause"}),
        (C([[1, -2], [2, 3], [-1, 3]]), set()),
        (C([[1], [1, 2], [1, 2, 3]]), {"unit_clause", "mixed_widths"}),
        (C([[1, 2, 1], [-2, -1]]), {"duplicate_literal"}),
        (C([[1, -1]]), {"tautology"}),
        (C([[2, 3, -2, 2]]), {"tautology", "duplicate_literal", "unused_gap"}),
        (C([[1, -3]]), {"unused_gap"}),
        (C([[1, -3]], nvars=5), {"unused_gap", "unused_tail"}),
        (C([list(range(1, 21))], nvars=25), {"long_clause", "unused_tail"}),
        (C([list(range(1, 20))]), {"all_vars_clause"}),  # width 19 is not long
        (C([list(range(-20, 0))]), {"long_clause", "all_vars_clause"}),
        (C([list(range(1, 11))]), {"all_vars_clause"}),
        (C([list(range(1, 10))]), set()),  # fewer than 10 variables
        (C([list(range(1, 11)) + [-10]]), {"all_vars_clause", "tautology"}),
        (C([[1, 2, 3]], nvars=10), {"unused_tail"}),
        (C(FULL2), {"sign_complete_block"}),
        (C(FULL2[:3]), set()),
        (C([[2, 1], [-2, 1], [2, -1], [-1, -2]]), {"sign_complete_block"}),  # order free
        (C([[1, 2], [2, 1], [1, -2], [-1, 2]]), set()),  # a repeat is not a 4th pattern
        (C([[1, 2, 2]] + FULL2[1:]), {"sign_complete_block", "duplicate_literal"}),
        (C([[1, 2, -2]] + FULL2[1:]), {"tautology"}),
        (C([[1], [-1]]), {"unit_clause"}),  # blocks need k >= 2
        (
            C([[a, b, c] for a in (4, -4) for b in (2, -2) for c in (7, -7)]),
            {"sign_complete_block", "unused_gap"},
        ),
        (C([[4 * s, 2, 7] for s in (1, -1)] * 4), {"unused_gap"}),
    ],
)
def test_features_on_hand_made_formulas(f, expected):
    assert features(f) == expected
    assert features(f) <= set(FEATURES)


@given(st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_features_ignore_clause_and_literal_order(seed, random):
    f = fuzz_cnf(np.random.default_rng(seed))
    clauses = f.clauses()
    random.shuffle(clauses)
    for c in clauses:
        random.shuffle(c)
    assert features(C(clauses, nvars=f.nvars)) == features(f)
