"""Tests for reluhard.problems.dimacs_cnf: the accepted dialect, rejections (the
malformed corpus is in test_malformed.py), the writer, and agreement of the fast and slow
parsers on generated files."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reluhard.errors import InputError
from reluhard.problems.cnf import CNF, random_kcnf
from reluhard.problems.dimacs_cnf import (
    MAX_VARS,
    ClauseCountWarning,
    _parse_fast,
    _parse_slow,
    format_cnf,
    parse_cnf,
    read_cnf,
    sniff_header,
    write_cnf,
)
from tests.helpers.instances import SATLIB


def parse(text: str | bytes, **kwargs) -> CNF:
    data = text.encode() if isinstance(text, str) else text
    return parse_cnf(data, **kwargs)


def error_of(text: str | bytes, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        parse(text, path="f.cnf", **kwargs)
    return str(info.value)


def uses_fast_path(text: str | bytes) -> bool:
    data = text.encode() if isinstance(text, str) else text
    return _parse_fast(data) is not None


# --------------------------------------------------------------------------- accepted quirks


def test_plain_file():
    text = "p cnf 3 2\n1 -2 0\n2 3 0\n"
    f = parse(text)
    assert f.nvars == 3 and f.clauses() == [[1, -2], [2, 3]]
    assert f.literals.dtype == np.int32 and f.offsets.dtype == np.int64
    assert uses_fast_path(text)


def test_comments_anywhere():
    text = (
        "c before the header\n"
        "   c indented comment\n"
        "p cnf 3 2\n"
        "c after the header\n"
        "1 -2\n"
        "\tc between the lines of one clause, 1 2 0 p %\n"
        "0 2 3 0\n"
        "c at the end\n"
    )
    assert parse(text).clauses() == [[1, -2], [2, 3]]
    assert uses_fast_path(text)


def test_comment_lines_only_c_counts():
    # a line whose first non-blank character is "c" is a comment, whatever follows
    assert parse("p cnf 1 1\ncnf is not a literal\n1 0\n").clauses() == [[1]]


def test_blank_and_whitespace_only_lines():
    text = "\n  \n\t\np cnf 2 2\n\n1 0\n   \n\t \n2 0\n\n\n"
    assert parse(text).clauses() == [[1], [2]]
    assert uses_fast_path(text)


def test_crlf_line_endings():
    text = "c dos\r\np cnf 3 2\r\n1 -2 0\r\n\r\n2 3 0\r\n"
    assert parse(text).clauses() == [[1, -2], [2, 3]]
    assert uses_fast_path(text)


def test_tabs_and_other_whitespace():
    text = "p\tcnf\t3\t2\n\t1\t-2\t0\n2 \v3\f0\r\n"
    assert parse(text).clauses() == [[1, -2], [2, 3]]
    assert uses_fast_path(text)


def test_header_with_arbitrary_whitespace():
    assert parse("  p   cnf \t 3    1   \n1 0\n").nvars == 3


def test_clause_spanning_lines():
    text = "p cnf 4 2\n1\n-2\n\n3 0\n4\n0\n"
    assert parse(text).clauses() == [[1, -2, 3], [4]]
    assert uses_fast_path(text)


def test_several_clauses_on_one_line():
    text = "p cnf 3 3\n1 -2 0 2 3 0 -1 0\n"
    assert parse(text).clauses() == [[1, -2], [2, 3], [-1]]
    assert uses_fast_path(text)


def test_satlib_end_marker():
    text = "p cnf 3 2\n 1 -2 3 0\n-1 2 -3 0\n%\n0\n\n"
    assert parse(text).clauses() == [[1, -2, 3], [-1, 2, -3]]
    assert uses_fast_path(text)


def test_everything_after_end_marker_is_ignored():
    text = "p cnf 2 1\n1 2 0\n%\n0\nthis is not DIMACS\np cnf 9 9\n-0 x\n"
    assert parse(text).clauses() == [[1, 2]]
    assert uses_fast_path(text)


def test_end_marker_with_leading_whitespace_and_text():
    assert parse("p cnf 2 1\n1 2 0\n  %% end\n").clauses() == [[1, 2]]


def test_missing_final_zero_at_eof():
    for text in (
        "p cnf 3 2\n1 -2 0\n2 3",
        "p cnf 3 2\n1 -2 0\n2 3\n",
        "p cnf 3 2\n1 -2 0\n2 3\nc\n",
    ):
        assert parse(text).clauses() == [[1, -2], [2, 3]], text
        assert uses_fast_path(text)


def test_missing_final_zero_before_end_marker():
    text = "p cnf 3 2\n1 -2 0\n2 3\n%\n0\n"
    assert parse(text).clauses() == [[1, -2], [2, 3]]
    assert uses_fast_path(text)


def test_empty_clauses_are_kept():
    text = "p cnf 2 4\n0\n1 0 0\n2 0\n"
    f = parse(text)
    assert f.clauses() == [[], [1], [], [2]]
    assert f.widths.tolist() == [0, 1, 0, 1]
    assert uses_fast_path(text)


def test_only_an_empty_clause():
    assert parse("p cnf 0 1\n0\n").clauses() == [[]]


def test_no_clauses_at_all():
    for text in ("p cnf 0 0\n", "p cnf 5 0", "c x\np cnf 5 0\n\n%\n"):
        f = parse(text)
        assert f.nclauses == 0 and f.literals.size == 0, text
        assert uses_fast_path(text)
    assert parse("p cnf 5 0").nvars == 5


def test_unused_variables():
    f = parse("p cnf 10 1\n3 -7 0\n")
    assert f.nvars == 10 and f.clauses() == [[3, -7]]


def test_repeated_literals_and_tautologies_are_kept():
    assert parse("p cnf 2 1\n1 1 -1 2 0\n").clauses() == [[1, 1, -1, 2]]


def test_leading_zeros_are_accepted():
    f = parse("p cnf 0012 3\n007 -05 0\n000 12 0\n")
    assert f.nvars == 12 and f.clauses() == [[7, -5], [], [12]]


def test_large_variable_numbers():
    f = parse(f"p cnf {MAX_VARS} 1\n{MAX_VARS} -{MAX_VARS} 1 0\n")
    assert f.clauses() == [[MAX_VARS, -MAX_VARS, 1]]


def test_utf8_byte_order_mark_is_ignored():
    assert parse(b"\xef\xbb\xbfp cnf 1 1\n1 0\n").clauses() == [[1]]
    assert parse(b"\xef\xbb\xbfc hi\np cnf 1 1\n1 0\n").clauses() == [[1]]
    assert error_of(b"\xef\xbb\xbfp cnf 1 1\nx\n") == (
        "f.cnf:2: invalid token 'x' (expected an integer literal)"
    )


def test_comment_bytes_are_not_decoded():
    text = b"c caf\xe9 \x00 \xff\np cnf 1 1\nc \xc3\xa9\n1 0\n"
    assert parse(text).clauses() == [[1]]
    assert uses_fast_path(text)


@pytest.mark.parametrize(
    ("module", "suffix"), [(gzip, ".gz"), (bz2, ".bz2"), (lzma, ".xz")], ids=["gz", "bz2", "xz"]
)
def test_compressed_files(tmp_path, module, suffix):
    text = b"c compressed\np cnf 3 2\n1 -2 0\n2 3 0\n%\n0\n"
    path = tmp_path / ("f.cnf" + suffix)
    path.write_bytes(module.compress(text))
    assert read_cnf(path).clauses() == [[1, -2], [2, 3]]
    # the magic bytes decide, not the name
    renamed = tmp_path / "plain_name.cnf"
    renamed.write_bytes(module.compress(text))
    assert read_cnf(renamed).clauses() == [[1, -2], [2, 3]]


def test_corrupt_gzip_is_an_input_error(tmp_path):
    path = tmp_path / "broken.cnf.gz"
    path.write_bytes(gzip.compress(b"p cnf 3 1\n1 2 3 0\n" * 50)[:30])
    with pytest.raises(InputError) as info:
        read_cnf(path)
    assert str(info.value).startswith(f"{path}: corrupt or truncated gzip data")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        read_cnf(tmp_path / "nope.cnf")
    assert str(info.value).startswith(f"{tmp_path / 'nope.cnf'}: cannot read file")


def test_read_cnf_labels_errors_with_the_path(tmp_path):
    path = tmp_path / "bad.cnf"
    path.write_text("p cnf 2 1\n1 3 0\n")
    with pytest.raises(InputError) as info:
        read_cnf(path)
    assert (info.value.path, info.value.line) == (str(path), 2)
    assert str(info.value) == f"{path}:2: literal 3 exceeds the declared 2 variables"


# --------------------------------------------------------------------------- SATLIB files


def satlib_files() -> list[Path]:
    if not SATLIB.is_dir():
        pytest.skip(f"SATLIB instances not found at {SATLIB}")
    files = sorted(SATLIB.glob("*.cnf"))
    if not files:
        pytest.skip(f"no .cnf files in {SATLIB}")
    return files


def test_satlib_instances():
    from pysat.formula import CNF as PysatCNF

    for path in satlib_files():
        data = path.read_bytes()
        f = read_cnf(path)
        assert uses_fast_path(data), path.name
        if path.name.startswith(("uf", "uuf")):
            header = next(ln for ln in data.decode().splitlines() if ln.startswith("p"))
            _, _, nvars, nclauses = header.split()
            assert (f.nvars, f.nclauses) == (int(nvars), int(nclauses)), path.name
            assert np.all(f.widths == 3), path.name
        reference = PysatCNF(from_string=data.decode().split("\n%")[0])
        assert f.clauses() == reference.clauses, path.name
        assert f.nvars == reference.nv, path.name


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p cnf 3 1\n1 2 x1 0\n", "2: invalid token 'x1' (expected an integer literal)"),
        ("p cnf 3 1\n1 2 3 0 \x07\n", "2: invalid token '\\x07' (expected an integer literal)"),
        ("p cnf 3 1\n1 - 2 0\n", "2: invalid token '-' (expected an integer literal)"),
        ("p cnf 3 1\n1 2-3 0\n", "2: invalid token '2-3' (expected an integer literal)"),
        ("p cnf 3 1\n1 2 3 0 %\n", "2: invalid token '%' (expected an integer literal)"),
        ("p cnf 3 1\n1 2 1e3 0\n", "2: invalid token '1e3' (expected an integer literal)"),
        ("p cnf 3 1\n1 2 -00 0\n", "2: invalid literal '-00' (negative zero)"),
        (
            "p cnf 3 1\n1 " + "9" * 60 + " 0\n",
            "2: literal " + "9" * 60 + " exceeds the declared 3 variables",
        ),
        (
            "p cnf 3 1\n1 " + "x" * 60 + " 0\n",
            "2: invalid token '" + "x" * 40 + "...' (expected an integer literal)",
        ),
        ("p cnf 1 1\n-2 0\n", "2: literal -2 exceeds the declared 1 variable"),
        ("p cnf 0 1\n1 0\n", "2: literal 1 exceeds the declared 0 variables"),
        (
            "p cnf 2 1\n1 0\n2 0\n",
            "3: header declares 1 clause but found more (clause 2 starts here)",
        ),
        ("p cnf 2 1\n1 0 0\n", "2: header declares 1 clause but found more (clause 2 starts here)"),
        ("p cnf 2 0\n1\n", "2: header declares 0 clauses but found more (clause 1 starts here)"),
        ("p cnf 2 2\n1 0\n", "2: header declares 2 clauses but 1 was found (truncated file?)"),
        ("p cnf 2 2\n1 0\n\n\n", "4: header declares 2 clauses but 1 was found (truncated file?)"),
        (
            "p cnf 2 2\n1 0\n%\n0\n",
            "3: header declares 2 clauses but 1 was found (truncated file?)",
        ),
        ("c\n1 0\np cnf 1 1\n", "2: missing 'p cnf' header before first clause"),
        ("x\np cnf 1 1\n", "1: missing 'p cnf' header before first clause"),
        ("c\n%\np cnf 1 1\n1 0\n", "2: missing 'p cnf' header"),
        ("\n\n\n", "3: missing 'p cnf' header"),
        ("c no newline", "1: missing 'p cnf' header"),
        ("pcnf 1 1\n", "1: malformed header 'pcnf 1 1' (expected 'p cnf VARIABLES CLAUSES')"),
        ("p CNF 1 1\n", "1: malformed header 'p CNF 1 1' (expected 'p cnf VARIABLES CLAUSES')"),
        (
            "p\tcnf  1\t\t1.0\n",
            "1: malformed header 'p cnf 1 1.0' (expected 'p cnf VARIABLES CLAUSES')",
        ),
        ("p\n", "1: malformed header 'p' (expected 'p cnf VARIABLES CLAUSES')"),
        ("p cnf 1 1\n1 0\np edge 3 1\n", "3: second header 'p edge 3 1' (the first is at line 1)"),
        ("p cnf 1 -0\n", "1: negative clause count -0 in header"),
        ("p cnf -1 -1\n", "1: negative variable count -1 in header"),
        ("c dos\r\np cnf 1 1\r\n\r\n1 2 0\r\n", "4: literal 2 exceeds the declared 1 variable"),
    ],
)
def test_rejections(text, message):
    assert error_of(text) == "f.cnf:" + message
    assert _parse_fast(text.encode()) is None


def test_first_problem_in_file_order_is_reported():
    # the invalid token on line 2 comes before the out-of-range literal on line 3
    assert error_of("p cnf 2 3\n1 y 0\n5 0\n").startswith("f.cnf:2: invalid token 'y'")
    assert error_of("p cnf 2 1\n1 0\n5 0\n") == (
        "f.cnf:3: header declares 1 clause but found more (clause 2 starts here)"
    )


def test_default_path_label():
    with pytest.raises(InputError) as info:
        parse_cnf(b"p cnf 1 1\n2 0\n")
    assert str(info.value) == "<input>:2: literal 2 exceeds the declared 1 variable"


# --------------------------------------------------------------------------- strict_counts


def test_lenient_counts_warn_on_too_few():
    with pytest.warns(ClauseCountWarning) as record:
        f = parse_cnf(b"p cnf 2 3\n1 0\n2 0\n", path="f.cnf", strict_counts=False)
    assert f.clauses() == [[1], [2]]
    assert [str(w.message) for w in record] == [
        "f.cnf:3: header declares 3 clauses but 2 were found"
    ]


def test_lenient_counts_warn_on_too_many():
    with pytest.warns(ClauseCountWarning) as record:
        f = parse_cnf(b"p cnf 2 1\n1 0\n2 0\n-1\n", path="f.cnf", strict_counts=False)
    assert f.clauses() == [[1], [2], [-1]]
    assert [str(w.message) for w in record] == [
        "f.cnf:3: header declares 1 clause but 3 were found"
    ]


def test_lenient_counts_still_reject_other_errors():
    with pytest.raises(InputError, match="literal 3 exceeds"):
        parse_cnf(b"p cnf 2 1\n1 0\n3 0\n", path="f.cnf", strict_counts=False)


def test_lenient_counts_do_not_warn_when_counts_agree():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_cnf(b"p cnf 2 1\n1 0\n", strict_counts=False).clauses() == [[1]]


def test_read_cnf_passes_strict_counts(tmp_path):
    path = tmp_path / "f.cnf"
    path.write_text("p cnf 2 2\n1 0\n")
    with pytest.raises(InputError):
        read_cnf(path)
    with pytest.warns(ClauseCountWarning):
        assert read_cnf(path, strict_counts=False).clauses() == [[1]]


# --------------------------------------------------------------------------- sniff_header


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"p cnf 3 2\n1 0\n", ("cnf", 1)),
        (b"c p cnf 1 1\nc hi\n  p\tedge 4 5\ne 1 2\n", ("edge", 3)),
        (b"c x\r\np col 3 3\r\n", ("col", 2)),
        (b"\xef\xbb\xbfp cnf 1 1\n", ("cnf", 1)),
        (b"c only comments\n", None),
        (b"", None),
        (b"pcnf 1 1\n", None),
        (b"c\np\n", ("", 2)),
        (b"c\np", ("", 2)),
    ],
)
def test_sniff_header(data, expected):
    assert sniff_header(data) == expected


# --------------------------------------------------------------------------- writing


def test_format_cnf_layout():
    f = CNF.from_clauses([[1, -2], [], [3]], nvars=5)
    assert format_cnf(f) == "p cnf 5 3\n1 -2 0\n0\n3 0\n"
    assert format_cnf(f, comments=["made by a test", "", "two\nlines"]) == (
        "c made by a test\nc\nc two\nc lines\np cnf 5 3\n1 -2 0\n0\n3 0\n"
    )


def test_format_empty_formula():
    f = CNF(0, np.zeros(0, np.int32), np.zeros(1, np.int64))
    assert format_cnf(f) == "p cnf 0 0\n"
    assert parse(format_cnf(f)) == f


def test_format_large_numbers():
    f = CNF.from_clauses([[MAX_VARS, -MAX_VARS, 10, -10, 9, -1000000]])
    assert format_cnf(f).splitlines()[1] == f"{MAX_VARS} -{MAX_VARS} 10 -10 9 -1000000 0"


def test_write_cnf_targets(tmp_path):
    f = CNF.from_clauses([[1, -2], [2, 3]])
    expected = format_cnf(f, ["x"])
    write_cnf(f, tmp_path / "a.cnf", ["x"])
    assert (tmp_path / "a.cnf").read_text() == expected
    write_cnf(f, str(tmp_path / "b.cnf.gz"), ["x"])
    assert gzip.decompress((tmp_path / "b.cnf.gz").read_bytes()).decode() == expected
    assert read_cnf(tmp_path / "b.cnf.gz") == f
    text, binary = io.StringIO(), io.BytesIO()
    write_cnf(f, text, ["x"])
    write_cnf(f, binary, ["x"])
    assert text.getvalue() == expected and binary.getvalue() == expected.encode()
    with open(tmp_path / "c.cnf", "w") as fp:
        write_cnf(f, fp)
    assert read_cnf(tmp_path / "c.cnf") == f


def test_big_round_trip_uses_fast_path():
    f = random_kcnf(2000, 20000, 3, np.random.default_rng(1))
    data = format_cnf(f, ["random 3-CNF"]).encode()
    assert data.count(b"\n") == 20002
    fast = _parse_fast(data)
    assert fast is not None and fast == f
    assert _parse_slow(data, "f", True) == f


@st.composite
def cnfs(draw) -> CNF:
    nvars = draw(st.one_of(st.integers(0, 40), st.integers(MAX_VARS - 5, MAX_VARS)))
    nvars = draw(st.integers(nvars, nvars + 10)) if nvars < 40 else nvars
    used = st.integers(1, max(nvars, 1)).filter(lambda v: v <= nvars)
    lit = st.builds(lambda v, neg: -v if neg else v, used, st.booleans())
    clauses = draw(st.lists(st.lists(lit, max_size=6) if nvars else st.just([]), max_size=10))
    return CNF.from_clauses(clauses, nvars=nvars)


@settings(max_examples=200, deadline=None)
@given(cnfs(), st.lists(st.text(max_size=12), max_size=3))
def test_round_trip(f, comments):
    text = format_cnf(f, comments)
    assert parse(text) == f
    assert uses_fast_path(text.encode())
    assert _parse_slow(text.encode(), "f", True) == f


# --------------------------------------------------------------------------- fast == slow

COMMENT_CHARS = "abc p%-0123456789\t.xyz"
WS = st.sampled_from([" ", "\t", "  ", " \t ", "\v", "\f"])


@st.composite
def dimacs_files(draw) -> tuple[bytes, CNF]:
    """A well-formed file using the accepted quirks, and the formula it holds."""
    f = draw(cnfs().filter(lambda c: c.nvars < 100))
    eol = draw(st.sampled_from(["\n", "\r\n"]))

    def filler() -> list[str]:
        kinds = st.sampled_from(["comment", "blank", "spaces"])
        out = []
        for kind in draw(st.lists(kinds, max_size=2)):
            if kind == "comment":
                indent = draw(st.sampled_from(["", " ", "\t"]))
                out.append(indent + "c" + draw(st.text(COMMENT_CHARS, max_size=8)))
            else:
                out.append("" if kind == "blank" else draw(WS))
        return out

    lines = filler()
    lines.append(
        draw(st.sampled_from(["", " "]))
        + draw(WS).join(["p", "cnf", str(f.nvars), str(f.nclauses)])
        + draw(st.sampled_from(["", " ", "\t"]))
    )
    tokens = [str(x) for c in f.clauses() for x in [*c, 0]]
    if tokens and f.clauses()[-1] and draw(st.booleans()):
        tokens.pop()  # missing final 0
    cuts = sorted(draw(st.sets(st.integers(0, len(tokens)), max_size=len(tokens) + 1)))
    for lo, hi in zip([0, *cuts], [*cuts, len(tokens)], strict=True):
        lines.extend(filler())
        if lo < hi:
            lead = draw(st.sampled_from(["", " ", "\t"]))
            lines.append(lead + draw(WS).join(tokens[lo:hi]) + draw(st.sampled_from(["", " "])))
    lines.extend(filler())
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["%", " %", "%%"])))
        lines.extend(draw(st.lists(st.sampled_from(["0", "", "junk", "p cnf 1 1"]), max_size=3)))
    text = eol.join(lines) + draw(st.sampled_from(["", eol]))
    return text.encode(), f


CORRUPTIONS = [
    b"0",
    b"1",
    b"9",
    b"-",
    b"--",
    b" ",
    b"\t",
    b"\n",
    b"\r\n",
    b"c",
    b"p",
    b"%",
    b".",
    b"+",
    b"x",
    b"\x00",
    b"\xc3\xa9",
    b"99",
    b"-0",
    b"0 ",
    b" 0",
    b"p cnf 3 2\n",
]


def corrupt(rng: random.Random, data: bytes) -> bytes:
    """One to three random edits, mostly after the header (positions drawn uniformly:
    hypothesis' own integers favour the start of the file)."""
    body = data.find(b"p cnf")
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["insert", "replace", "delete"])
        lo = body if body >= 0 and rng.random() < 0.8 else 0
        pos = rng.randint(min(lo, len(data)), len(data))
        if op == "delete":
            data = data[:pos] + data[pos + rng.randint(1, 3) :]
        else:
            end = pos + (rng.randint(1, 2) if op == "replace" else 0)
            data = data[:pos] + rng.choice(CORRUPTIONS) + data[end:]
    return data


def slow_outcome(data: bytes, strict: bool = True) -> CNF | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ClauseCountWarning)
            return _parse_slow(data, "f.cnf", strict)
    except InputError as e:
        return str(e)


def public_outcome(data: bytes, strict: bool = True) -> CNF | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ClauseCountWarning)
            return parse_cnf(data, "f.cnf", strict)
    except InputError as e:
        return str(e)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dimacs_files())
def test_generated_files_parse_on_both_paths(file):
    data, f = file
    assert _parse_slow(data, "f.cnf", True) == f
    fast = _parse_fast(data)
    assert fast is not None, data
    assert fast == f


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_and_slow_paths_agree_on_corrupted_files(data):
    raw, _ = data.draw(dimacs_files())
    bad = corrupt(random.Random(data.draw(st.integers(0, 2**32))), raw)
    expected = slow_outcome(bad)
    fast = _parse_fast(bad)
    if fast is not None:
        assert isinstance(expected, CNF), (bad, expected)
        assert fast == expected
    assert public_outcome(bad) == expected
    assert public_outcome(bad, strict=False) == slow_outcome(bad, strict=False)


def test_numbers_beyond_pythons_int_limit_are_one_clear_line():
    """int() refuses strings of over 4300 digits: such a literal or count is an InputError."""
    huge = "9" * 5000
    for text, where in (
        (f"p cnf 2 1\n1 {huge} 0\n", ":2: literal"),
        (f"p cnf {huge} 1\n1 0\n", ":1: count"),
    ):
        with pytest.raises(InputError, match="too large") as e:
            parse_cnf(text.encode(), "big.cnf")
        assert str(e.value).startswith("big.cnf" + where)
