"""Tests for reluhard.problems.cvp: the .cvp format (accepted syntax, rejections (the malformed
corpus is in test_malformed.py), the writer), exact distances and certificate faults,
the reference solver against brute force, random instances and network-file arrays."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import lzma
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reluhard.errors import InputError
from reluhard.problems.cvp import CVP, check, distance_pow, fault, from_arrays, to_arrays
from reluhard.problems.cvp_format import format_cvp, parse_cvp, read_cvp, sniff, write_cvp
from reluhard.problems.cvp_parser import parse_fplll_matrix
from reluhard.problems.cvp_reference import MAX_ENUMERATION, closest, random_cvp, solve
from tests.helpers.instances import ROOT

SHIPPED = ROOT / "instances" / "cvp"

EXAMPLE = """\
c a (0,1)-CVP_3 instance
p cvp 3 2
norm 3
radius 5/2
coefficients binary
basis [[1 2 0]
       [0 1 1]]
target 1 2 3
"""


def parse(text: str | bytes) -> CVP:
    return parse_cvp(text.encode() if isinstance(text, str) else text, "f.cvp")


def error_of(text: str | bytes) -> str:
    with pytest.raises(InputError) as info:
        parse(text)
    return str(info.value)


# --------------------------------------------------------------------------- references


def ref_distance(cvp: CVP, y) -> Fraction:
    """||B y - t||_p^p (max-norm for inf) from the vectors, one Fraction at a time."""
    residual = []
    for i in range(cvp.d):
        s = Fraction(0)
        for j in range(cvp.n):
            s += Fraction(int(cvp.basis[i, j])) * Fraction(int(y[j]))
        residual.append(abs(s - int(cvp.target[i])))
    if cvp.p == "inf":
        return max(residual)
    return sum((r**cvp.p for r in residual), Fraction(0))


def brute_min(cvp: CVP, values) -> Fraction:
    return min(ref_distance(cvp, y) for y in itertools.product(values, repeat=cvp.n))


# --------------------------------------------------------------------------- accepted syntax


def test_example_file():
    cvp = parse(EXAMPLE)
    assert (cvp.d, cvp.n, cvp.p, cvp.coefficients) == (3, 2, 3, "binary")
    assert cvp.bound == Fraction(125, 8)
    assert cvp.basis.tolist() == [[1, 0], [2, 1], [0, 1]]  # columns are the vectors
    assert cvp.vectors() == [[1, 2, 0], [0, 1, 1]]
    assert cvp.target.tolist() == [1, 2, 3]
    assert cvp.basis.dtype == np.int64 and cvp.target.dtype == np.int64
    assert cvp.radius() == 2.5


def test_matrix_section_is_the_papers_B():
    text = (
        "p cvp 3 2\nnorm 3\nradius^p 125/8\nmatrix\n1 0\n2 1\n\nc comment\n0 1\ntarget [1, 2, 3]\n"
    )
    assert parse(text) == parse(EXAMPLE)


def test_keywords_in_any_order_and_default_coefficients():
    text = "c x\n\np cvp 3 2\ntarget 1 2 3\nbasis [[1 2 0][0 1 1]]\nradius 5/2\nnorm 3\n"
    assert parse(text) == parse(EXAMPLE)


@pytest.mark.parametrize(
    "basis",
    [
        "basis [[1 2 0][0 1 1]]",
        "basis [[1, 2, 0], [0, 1, 1]]",
        "basis [[1,2,0],[0,1,1]]",
        "basis[[1 2 0] [0 1 1]]",
        "basis\n[[1 2 0]\n[0 1 1]\n]",  # fplll's own output
        "basis\n\nc comment\n  [ [ 1 2 0 ]\n\n c comment inside\n [ 0 1 1 ] ]",
        "basis [[1\n2\n0]\n[0\t1\t1]]",
        "basis [[1 2 0]\r\n       [0 1 1]]\r",
        "basis [[01 0002 -0][0 1 1]]",
    ],
)
def test_fplll_syntax_variants(basis):
    text = f"p cvp 3 2\nnorm 3\nradius 5/2\n{basis}\ntarget 1 2 3\n"
    assert parse(text) == parse(EXAMPLE)


def test_parse_fplll_matrix_direct():
    assert parse_fplll_matrix("[[1 2][3 4]]") == [[1, 2], [3, 4]]
    assert parse_fplll_matrix("[[1,2],[3,4]]") == [[1, 2], [3, 4]]
    assert parse_fplll_matrix("[[-9223372036854775808 5]\n[0 9223372036854775807]\n]") == [
        [-(2**63), 5],
        [0, 2**63 - 1],
    ]
    assert parse_fplll_matrix("[]") == []
    assert parse_fplll_matrix("[[][]]") == [[], []]
    with pytest.raises(InputError) as info:
        parse_fplll_matrix("[[1 2]\n[3 4]\n[5]]", "m.txt", 10)
    assert str(info.value) == "m.txt:12: ragged matrix: row 3 has 1 entry, row 1 has 2"
    with pytest.raises(InputError) as info:
        parse_fplll_matrix("[[1 2]\n\n[3 4]", "m.txt", 3)
    assert str(info.value) == "m.txt:3: unbalanced brackets: the matrix is never closed"


def test_crlf_tabs_bom_and_comments():
    text = "\ufeffc hi\r\n\tp\tcvp 3\t2\r\nnorm\t3\r\n  radius 5/2 \r\nc\r\n" + (
        "basis [[1 2 0][0 1 1]]\r\ntarget\t1 2 3\r\n"
    )
    assert parse(text) == parse(EXAMPLE)


def test_radius_syntax_is_exact():
    base = "p cvp 1 1\nbasis [[0]]\ntarget 0\n"
    assert parse(base + "norm 2\nradius 2.5\n").bound == Fraction(25, 4)
    assert parse(base + "norm 2\nradius 10/4\n").bound == Fraction(25, 4)
    assert parse(base + "norm 2\nradius^p 5\n").bound == 5
    assert parse(base + "norm 1\nradius^p 5\n").bound == 5
    assert parse(base + "norm inf\nradius 7/3\n").bound == Fraction(7, 3)
    assert parse(base + "norm 4\nradius 0\n").bound == 0
    assert parse(base + "norm 2\nradius^p 5\n").radius() == pytest.approx(5**0.5)


def test_integer_coefficients_and_inf_norm():
    cvp = parse("p cvp 2 1\nnorm inf\nradius 1\ncoefficients integer\nbasis [[3 3]]\ntarget 7 5\n")
    assert cvp.p == "inf" and cvp.coefficients == "integer"
    assert solve(cvp) == [2]  # (6, 6) - (7, 5) = (-1, 1)
    assert fault(cvp, [1]) == "||B y - t||_inf = 4 > r = 1"


def test_comment_needs_the_c_token_alone():
    # a misspelt "coefficients" must not pass for a comment
    assert "unknown keyword 'cofficients'" in error_of(
        EXAMPLE.replace("coefficients binary", "cofficients integer")
    )
    assert "unknown keyword 'c--'" in error_of("c-- banner\n" + EXAMPLE)


# --------------------------------------------------------------------------- writing


def cvp_instances():
    """Small instances with any int64 entries, all norms and exact bounds."""

    @st.composite
    def build(draw):
        d = draw(st.integers(1, 5))
        n = draw(st.integers(1, 5))
        entry = st.one_of(
            st.integers(-3, 3), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, -1])
        )
        basis = draw(st.lists(st.lists(entry, min_size=n, max_size=n), min_size=d, max_size=d))
        target = draw(st.lists(entry, min_size=d, max_size=d))
        p = draw(st.one_of(st.sampled_from([1, 2, 3, 4, "inf"]), st.integers(1, 40)))
        r = Fraction(draw(st.integers(0, 10**6)), draw(st.integers(1, 10**3)))
        exact_r = draw(st.booleans())
        bound = r if p == "inf" or not exact_r else r**p
        coefficients = draw(st.sampled_from(["binary", "integer"]))
        return CVP(np.array(basis, dtype=np.int64), np.array(target), p, bound, coefficients)

    return build()


@given(
    cvp_instances(),
    st.lists(st.text(max_size=12), max_size=3),
    st.sampled_from(["basis", "matrix"]),
    st.booleans(),
)
def test_format_parse_round_trip(cvp, comments, layout, crlf):
    text = format_cvp(cvp, comments, layout=layout)
    if crlf:
        text = text.replace("\n", "\r\n")
    back = parse(text)
    assert back == cvp
    assert back.p == cvp.p and back.bound == cvp.bound
    assert sniff(text.encode())


def test_writer_uses_radius_when_rational():
    cvp = CVP([[1]], [0], 3, Fraction(27, 8))
    assert "radius 3/2\n" in format_cvp(cvp)
    assert "radius^p 13/4\n" in format_cvp(CVP([[1]], [0], 3, Fraction(13, 4)))
    assert "radius 5/7\n" in format_cvp(CVP([[1]], [0], "inf", Fraction(5, 7)))


def test_write_to_files_and_compressed(tmp_path):
    cvp = parse(EXAMPLE)
    for name in ("x.cvp", "x.cvp.gz", "x.cvp.bz2", "x.cvp.xz"):
        write_cvp(cvp, tmp_path / name, ["hello"])
        assert read_cvp(tmp_path / name) == cvp
    raw = (tmp_path / "x.cvp.gz").read_bytes()
    assert raw.startswith(b"\x1f\x8b")
    text_io, bytes_io = io.StringIO(), io.BytesIO()
    write_cvp(cvp, text_io)
    write_cvp(cvp, bytes_io, layout="matrix")
    assert parse(text_io.getvalue()) == cvp == parse(bytes_io.getvalue())


def test_compressed_input_recognised_by_content(tmp_path):
    data = EXAMPLE.encode()
    for name, packed in (
        ("a.cvp", gzip.compress(data)),  # gzip under a plain name
        ("b.gz", bz2.compress(data)),
        ("c.cvp", lzma.compress(data)),
    ):
        (tmp_path / name).write_bytes(packed)
        assert read_cvp(tmp_path / name) == parse(EXAMPLE)
    (tmp_path / "bad.cvp.gz").write_bytes(gzip.compress(data)[:20])
    with pytest.raises(InputError, match="corrupt or truncated gzip"):
        read_cvp(tmp_path / "bad.cvp.gz")
    (tmp_path / "err.cvp.gz").write_bytes(gzip.compress(b"p cvp 3 2\nnorm 0\n"))
    with pytest.raises(InputError) as info:
        read_cvp(tmp_path / "err.cvp.gz")
    assert (
        str(info.value)
        == f"{tmp_path / 'err.cvp.gz'}:2: norm must be a positive integer or 'inf', got '0'"
    )


def test_sniff():
    assert sniff(EXAMPLE.encode())
    assert sniff(b"\xef\xbb\xbf\n  c x\np\tcvp 1 1\n")
    assert not sniff(b"p cnf 3 2\n1 2 0\n")
    assert not sniff(b"c only comments\n")
    assert not sniff(b"")
    assert not sniff(b"norm 2\np cvp 1 1\n")


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p cvp 3 -1\n", "1: number of basis vectors -1 in header must be at least 1"),
        ("p cvp 3 2 1\n", "1: malformed header 'p cvp 3 2 1' (expected 'p cvp DIMENSION VECTORS')"),
        ("p cvp 1 1\nnorm\n", "2: 'norm' takes one value, got 0"),
        ("p cvp 1 1\nnorm -2\n", "2: norm must be a positive integer or 'inf', got '-2'"),
        (
            "p cvp 1 1\nnorm infinity\n",
            "2: norm must be a positive integer or 'inf', got 'infinity'",
        ),
        ("p cvp 1 1\nradius^p -1/2\n", "2: negative radius^p '-1/2'"),
        (
            "p cvp 1 1\nradius 1/\n",
            "2: radius must be a non-negative integer, fraction a/b or decimal, got '1/'",
        ),
        ("p cvp 1 1\ncoefficients\n", "2: 'coefficients' takes one value, got 0"),
        (
            "p cvp 1 1\nbasis\n",
            "2: 'basis' is not followed by a matrix (fplll syntax: [[1 2][3 4]])",
        ),
        ("p cvp 1 1\nbasis [[1]] [[2]]\n", "2: unexpected '[' after the matrix"),
        ("p cvp 1 1\nbasis [[1] 2]\n", "2: expected '[' to open row 2, got '2'"),
        ("p cvp 1 1\nbasis [,[1]]\n", "2: misplaced ','"),
        ("p cvp 1 1\nbasis [[1,]]\n", "2: misplaced ','"),
        ("p cvp 1 1\nbasis [[1 [2]]]\n", "2: unexpected '[' inside row 1"),
        ("p cvp 1 1\nbasis [[1\n\ntarget 1\n", "2: unbalanced brackets: row 1 is never closed"),
        ("p cvp 1 1\nbasis []\n", "2: basis has 0 vectors, the header says 1"),
        ("p cvp 2 1\nbasis [[1 2]]\nbasis [[1 2]]\n", "3: 'basis' given twice (first at line 2)"),
        ("p cvp 1 1\nmatrix\n1\n2\n", "4: unexpected data line '2' (expected a keyword line)"),
        ("p cvp 2 1\nmatrix\n1\n", "3: matrix has 1 row, the header says dimension 2"),
        ("p cvp 1 2\nmatrix\n1 x\n", "3: entry 'x' is not an integer"),
        ("p cvp 2 1\ntarget 1\n", "2: target has 1 entry, the header says dimension 2"),
        (
            "p cvp 2 1\ntarget 1 2]\n",
            "2: expected '[' to open the target, got '1' "
            "(commas and brackets go together: [1, 2, 3])",
        ),
        ("p cvp 2 1\ntarget [1 2]]\n", "2: unbalanced brackets: ']' without a matching '['"),
        ("p cvp 2 1\ntarget [1 2] 3\n", "2: unexpected '3' after the target"),
        ("p cvp 2 1\ntarget 1 -0x1\n", "2: entry '-0x1' is not an integer"),
        ("p cvp 1 1\ntarget 1\x002\n", "2: entry '1\\x002' is not an integer"),
        (
            "p cvp 1 1\ntarget -9223372036854775809\n",
            "2: entry '-9223372036854775809' does not fit in 64 bits",
        ),
        ("p cvp 1 1\nnorm 2\nradius 1\nbasis [[1]]\n", "4: missing 'target'"),
        ("p cvp 1 1\nnorm 2\nbasis [[1]]\ntarget 1\n", "4: missing 'radius' (or 'radius^p')"),
        ("1 2 3\n", "1: unexpected data line '1 2 3' (expected a keyword line)"),
        ("[[1 2]]\n", "1: unexpected data line '[[1 2]]' (expected a keyword line)"),
    ],
)
def test_inline_rejections(text, message):
    assert error_of(text) == f"f.cvp:{message}"


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        read_cvp(tmp_path / "absent.cvp")


# --------------------------------------------------------------------------- distances, faults


@given(cvp_instances(), st.data())
def test_distance_matches_fraction_reference(cvp, data):
    for p in (1, 2, 3, 4, "inf"):
        inst = CVP(cvp.basis, cvp.target, p, cvp.bound, cvp.coefficients)
        y = data.draw(
            st.lists(
                st.integers(-(2**70), 2**70) | st.integers(-2, 2), min_size=cvp.n, max_size=cvp.n
            )
        )
        expected = ref_distance(inst, y)
        assert distance_pow(inst, y) == expected
        assert distance_pow(inst, np.array([int(v) % 2 for v in y])) == ref_distance(
            inst, [int(v) % 2 for v in y]
        )
        if inst.coefficients == "integer":
            assert check(inst, y) == (expected <= inst.bound)


def test_distance_has_no_int64_overflow():
    big = 2**62
    cvp = CVP([[big, big], [-big, big]], [-big, 3], 3, 0)
    y = [1, 1]
    assert distance_pow(cvp, y) == (3 * big) ** 3 + 3**3  # residual (3 big, -3)
    assert distance_pow(CVP(cvp.basis, cvp.target, "inf", 0), y) == 3 * big


def test_boundary_is_inclusive():
    cvp = CVP([[1, 0], [0, 1]], [2, 2], 2, 2)  # y = (1, 1): residual (-1, -1), distance^2 2
    assert check(cvp, [1, 1])
    assert not check(CVP(cvp.basis, cvp.target, 2, Fraction(199, 100)), [1, 1])


def test_fault_messages():
    cvp = CVP([[1, 0, 2], [0, 1, 1]], [3, 5], 3, 125)
    assert fault(cvp, [1, 0]) == "y has length 2, the basis has 3 vectors"
    assert fault(CVP([[1]], [0], 2, 0), [0, 1]) == "y has length 2, the basis has 1 vector"
    assert fault(cvp, [0, 0, 3]) == "y[2] = 3 is not in {0, 1}"
    assert fault(cvp, [0, -1, 0]) == "y[1] = -1 is not in {0, 1}"
    assert fault(cvp, [0, 0.5, 0]) == "y[1] = 0.5 is not an integer"
    assert fault(cvp, [0, float("nan"), 0]) == "y[1] = nan is not an integer"
    assert (
        fault(cvp, np.zeros((3, 1))) == "y must be a flat vector of coefficients, got shape (3, 1)"
    )
    assert fault(cvp, "101") == "y must be a sequence of coefficients, got str"
    # residual (3, 5) - (0, 0) -> 27 + 125 = 152 > 125
    assert fault(cvp, [0, 0, 0]) == "||B y - t||_3^3 = 152 > r^3 = 125"
    assert fault(cvp, [1, 1, 1]) is None  # B y = (3, 2): 0 + 27
    assert fault(cvp, np.array([True, True, True])) is None
    assert fault(cvp, [1.0, 1.0, 1.0]) is None
    assert fault(CVP(cvp.basis, cvp.target, 1, 7), [0, 0, 0]) == "||B y - t||_1 = 8 > r = 7"
    assert fault(CVP(cvp.basis, cvp.target, "inf", 4), [0, 0, 0]) == "||B y - t||_inf = 5 > r = 4"
    assert fault(CVP(cvp.basis, cvp.target, 2, Fraction(9, 4)), [1, 1, 1]) == (
        "||B y - t||_2^2 = 9 > r^2 = 9/4"
    )
    integer = CVP(cvp.basis, cvp.target, 3, 0, "integer")
    assert fault(integer, [3, 5, 0]) is None
    assert fault(integer, [3, 5, 0.5]) == "y[2] = 0.5 is not an integer"
    with pytest.raises(ValueError, match="length 1"):
        distance_pow(cvp, [1])


# --------------------------------------------------------------------------- reference solver


def small_instances():
    @st.composite
    def build(draw):
        d = draw(st.integers(1, 4))
        n = draw(st.integers(1, 5))
        scale = draw(st.sampled_from([1, 3, 2**40]))
        entry = st.integers(-3, 3).map(lambda x: x * scale)
        basis = draw(st.lists(st.lists(entry, min_size=n, max_size=n), min_size=d, max_size=d))
        target = draw(st.lists(st.integers(-6, 6).map(lambda x: x * scale), min_size=d, max_size=d))
        p = draw(st.sampled_from([1, 2, 3, 4, 7, "inf"]))
        bound = draw(st.integers(0, 60)) * (scale if p in (1, "inf") else 1)
        coefficients = draw(st.sampled_from(["binary", "integer"]))
        return CVP(np.array(basis, dtype=np.int64), np.array(target), p, bound, coefficients)

    return build()


@given(small_instances())
def test_solve_matches_brute_force(cvp):
    values = [0, 1] if cvp.coefficients == "binary" else [-1, 0, 1]
    y, dist = closest(cvp, max_coefficient=1)
    assert dist == brute_min(cvp, values) == ref_distance(cvp, y)
    assert all(v in values for v in y)
    found = solve(cvp, max_coefficient=1)
    assert (found is not None) == (dist <= cvp.bound)
    if found is not None:
        assert check(cvp, found)


def test_closest_breaks_ties_by_enumeration_order():
    cvp = CVP([[1, 1]], [1], 2, 0)
    assert closest(cvp) == ([1, 0], Fraction(0))
    cvp = CVP([[1, 1]], [0], 2, 0, "integer")
    assert closest(cvp, 1) == ([1, -1], Fraction(0))  # y_0 varies fastest


def test_solve_integer_box():
    cvp = CVP([[1], [1]], [5, 5], 2, 0, "integer")
    assert solve(cvp) is None  # only |y| <= 2 is searched
    assert solve(cvp, max_coefficient=5) == [5]
    assert solve(cvp, max_coefficient=0) is None
    with pytest.raises(ValueError, match=">= 0"):
        solve(cvp, max_coefficient=-1)


def test_solve_limits():
    with pytest.raises(ValueError, match="too large"):
        solve(CVP(np.ones((1, 23), dtype=np.int64), [0], 2, 0))
    with pytest.raises(ValueError, match="too large"):
        solve(CVP(np.ones((1, 10), dtype=np.int64), [0], 2, 0, "integer"), max_coefficient=2)
    assert 2**22 <= MAX_ENUMERATION


def test_solve_largest_binary_size_is_correct():
    rng = np.random.default_rng(5)
    n = 22
    basis = rng.integers(-3, 4, size=(3, n))
    ystar = rng.integers(0, 2, size=n)
    cvp = CVP(basis, basis @ ystar, 1, 0)
    y = solve(cvp)
    assert y is not None and check(cvp, y)
    assert solve(CVP(basis, basis @ ystar + np.array([100 * n, 0, 0]), 1, 0)) is None


# --------------------------------------------------------------------------- random instances


@pytest.mark.parametrize("p", [1, 2, 3, 5, "inf"])
def test_random_planted_yes_and_no(p):
    rng = np.random.default_rng(11)
    for _ in range(15):
        n, d = int(rng.integers(1, 9)), int(rng.integers(1, 6))
        yes = random_cvp(rng, n, d, p, entries=3, planted=True)
        assert (yes.n, yes.d, yes.coefficients) == (n, d, "binary")
        assert np.abs(yes.basis).max() <= 3
        y = solve(yes)
        assert y is not None and check(yes, y)
        no = random_cvp(rng, n, d, p, planted=False)
        best = brute_min(no, [0, 1])
        assert solve(no) is None and no.bound < best
        if p != "inf":  # the radius is the largest integer below the true distance
            r = round(no.radius())
            assert Fraction(r) ** p == no.bound and Fraction(r + 1) ** p >= best


def test_random_unplanted_mixes_answers():
    rng = np.random.default_rng(3)
    answers = {solve(random_cvp(rng, 5, 3, 2)) is None for _ in range(40)}
    assert answers == {True, False}


def test_random_no_when_lattice_hits_every_target():
    # a single vector e_1 and d = 1: noise rarely escapes, the fallback must still give NO
    rng = np.random.default_rng(0)
    for _ in range(20):
        cvp = random_cvp(rng, 1, 1, 2, entries=0, planted=False)
        assert solve(cvp) is None


# --------------------------------------------------------------------------- instances, arrays


def test_construction_validates():
    with pytest.raises(ValueError, match="integers"):
        CVP(np.array([[1.0]]), [0], 2, 0)
    with pytest.raises(ValueError, match="target has shape"):
        CVP([[1], [2]], [0], 2, 0)
    with pytest.raises(ValueError, match="d, n >= 1"):
        CVP(np.zeros((2, 0), dtype=int), [0, 0], 2, 0)
    with pytest.raises(ValueError, match="int64"):
        CVP([[2**63]], [0], 2, 0)
    with pytest.raises(ValueError, match="p must"):
        CVP([[1]], [0], 0, 0)
    with pytest.raises(ValueError, match="p must"):
        CVP([[1]], [0], "Inf", 0)
    with pytest.raises(ValueError, match=">= 0"):
        CVP([[1]], [0], 2, -1)
    with pytest.raises(ValueError, match="exact"):
        CVP([[1]], [0], 2, 0.5)
    with pytest.raises(ValueError, match="coefficients"):
        CVP([[1]], [0], 2, 0, "real")
    assert CVP([[1]], [0], float("inf"), "3/2").p == "inf"
    cvp = CVP([[1]], [0], 2, "9/4")
    assert cvp.bound == Fraction(9, 4)
    with pytest.raises(ValueError):
        cvp.basis[0, 0] = 5  # stored read-only


def test_instance_copies_its_input():
    basis = np.array([[1, 2]])
    cvp = CVP(basis, [0], 2, 0)
    basis[0, 0] = 7
    assert cvp.basis[0, 0] == 1
    assert hash(cvp) == hash(CVP([[1, 2]], [0], 2, 0))
    assert cvp != CVP([[1, 2]], [0], 2, 0, "integer")


@given(cvp_instances())
def test_arrays_round_trip(cvp):
    arrays, meta = to_arrays(cvp)
    import json

    meta = json.loads(json.dumps(meta))
    assert isinstance(meta["bound"], str) and "/" in meta["bound"]
    assert from_arrays(arrays, meta) == cvp


def test_from_arrays_rejects_bad_meta():
    arrays, meta = to_arrays(CVP([[1, 2]], [0], 2, Fraction(1, 3)))
    for bad in ({"bound": 0.5}, {"bound": "1/0"}, {"bound": "-1/2"}, {"p": 0}, {"n": 3}):
        with pytest.raises(ValueError):
            from_arrays(arrays, {**meta, **bad})


SHIPPED_ANSWERS = {
    "p1_yes.cvp": [0, 1, 1, 0, 0, 1],
    "p2_yes_sqrt3.cvp": [1, 1, 1, 1, 1, 0],
    "p2_no_sqrt2.cvp": None,
    "p3_no.cvp": None,
}


@pytest.mark.parametrize(("name", "answer"), SHIPPED_ANSWERS.items())
def test_shipped_instances(name, answer):
    cvp = read_cvp(SHIPPED / name)
    assert solve(cvp) == answer
    assert cvp.coefficients == "binary"
    assert f"`{name}`" in (SHIPPED / "README.md").read_text()
