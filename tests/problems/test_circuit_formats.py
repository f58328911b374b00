"""Circuit files: AIGER ASCII and binary, ISCAS BENCH; reading the public files, writing
and reading back, the binary reader against the ASCII one, compression, and recognising a
circuit by content (and nothing else as one)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import pipeline
from reluhard.errors import InputError
from reluhard.problems import kinds
from reluhard.problems.aiger import format_aag, format_aig, parse_aiger
from reluhard.problems.bench import format_bench, parse_bench
from reluhard.problems.circuit import AND, XOR, simulate, truth_table
from reluhard.problems.circuit_format import circuit_bytes, parse_circuit, write_circuit
from reluhard.problems.circuit_gen import random_circuit
from tests.helpers.instances import CIRCUITS, EXAMPLE, circuit_files
from tests.helpers.tiers import FULL

EXAMPLES = 200 if FULL else 40
SEQUENTIAL = {"cnt1.aag", "toggle.aag"}

circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o),
    st.integers(0, 2**32 - 1),
    st.integers(1, 8),
    st.integers(0, 40),
    st.integers(1, 5),
)


def same_function(a, b) -> bool:
    if a.ninputs != b.ninputs or a.noutputs != b.noutputs:
        return False
    if a.ninputs <= 14:
        return np.array_equal(truth_table(a), truth_table(b))
    X = np.random.default_rng(0).random((2000, a.ninputs)) < 0.5
    return np.array_equal(simulate(a, X), simulate(b, X))


# ---------------------------------------------------------------- reading by hand


def test_the_format_descriptions_examples():
    half = parse_aiger(
        b"aag 7 2 0 2 3\n2\n4\n6\n12\n6 13 15\n12 2 4\n14 3 5\n"
        b"i0 x\ni1 y\no0 s\no1 c\nc\nhalf adder\n"
    )
    assert half.input_names == ("x", "y") and half.output_names == ("s", "c")
    assert truth_table(half).tolist() == [[0, 0], [1, 0], [1, 0], [0, 1]]
    orr = parse_aiger(b"aag 3 2 0 1 1\n2\n4\n7\n6 3 5\n")
    assert truth_table(orr)[:, 0].tolist() == [0, 1, 1, 1]
    assert truth_table(parse_aiger(b"aag 0 0 0 1 0\n1\n")).tolist() == [[1]]
    inv = parse_aiger(b"aag 1 1 0 1 0\n2\n3\n")
    assert truth_table(inv)[:, 0].tolist() == [1, 0]


def test_a_binary_file_written_by_hand():
    """The half adder of FORMAT.txt in binary AIGER, encoded by hand from its rules: AND 3
    (lhs 6) = !x & !y: deltas 6-5=1, 5-3=2; AND 4 (lhs 8) = x & y: 8-4=4, 4-2=2; AND 5
    (lhs 10) = !AND3 & !AND4: 10-9=1, 9-7=2; outputs: sum = AND5 = 10, carry = AND4 = 8."""
    data = b"aig 5 2 0 2 3\n10\n8\n" + bytes([1, 2, 4, 2, 1, 2]) + b"i0 x\no1 c\n"
    c = parse_aiger(data)
    assert truth_table(c).tolist() == [[0, 0], [1, 0], [1, 0], [0, 1]]
    assert c.input_names == ("x", "") and c.output_names == ("", "c")
    # a two-byte varint: delta0 = 130 = 0x82 0x01, so rhs0 = 400 - 130 = 270 = rhs1, and
    # the gate 270 & 270 is the literal 270 itself
    big = parse_aiger(b"aig 200 199 0 1 1\n400\n" + bytes([0x82, 0x01, 0x00]))
    assert big.ngates == 0 and big.outputs.tolist() == [270]


def test_bench_in_any_order_with_comments_and_any_fanin():
    text = (
        b"# example\nINPUT(a)\ninput(b)\nINPUT(c)\nOUTPUT(z)\nOUTPUT(w)\n"
        b"z = nand(t, c)   # last gate first\nt = XOR(a, b, c)\nw = NOR(a, b, c)\n"
        b"u = BUF(a)\n"
    )
    c = parse_bench(text, "x.bench")
    assert c.input_names == ("a", "b", "c") and c.output_names == ("z", "w")
    for k, (z, w) in enumerate(truth_table(c).tolist()):
        a, b_, cc = k & 1, k >> 1 & 1, k >> 2 & 1
        assert z == (not ((a ^ b_ ^ cc) and cc)) and w == (not (a or b_ or cc))
    assert [op for op, _ in c.gates()] == [XOR, AND, AND]


def test_c17_is_the_nand_network(tmp_path):
    path = CIRCUITS / "iscas85" / "c17.bench"
    if not path.exists():
        pytest.skip(f"public circuits not found at {CIRCUITS}")
    c = parse_circuit(path.read_bytes(), str(path))
    assert c.input_names == ("N1", "N2", "N3", "N6", "N7")

    def nand(p, q):
        return not (p and q)

    for k, (y22, y23) in enumerate(truth_table(c).tolist()):
        n1, n2, n3, n6, n7 = (bool(k >> i & 1) for i in range(5))
        n10, n11 = nand(n1, n3), nand(n3, n6)
        n16, n19 = nand(n2, n11), nand(n11, n7)
        assert (y22, y23) == (nand(n10, n16), nand(n16, n19))


# ---------------------------------------------------------------- the public files


@pytest.mark.parametrize("path", circuit_files(), ids=lambda p: p.name)
def test_public_circuits_read_and_write_back(path):
    data = path.read_bytes()
    if path.name in SEQUENTIAL:
        with pytest.raises(InputError, match="latches .* not supported") as info:
            parse_circuit(data, str(path))
        assert "\n" not in str(info.value)
        return
    c = parse_circuit(data, str(path))
    for fmt in ("aag", "aig", "bench"):
        if fmt == "bench" and c.ninputs == 0:
            continue  # BENCH has no constants to spell
        assert same_function(parse_circuit(circuit_bytes(c, fmt), "again"), c), fmt
    ascii_, binary = (parse_circuit(circuit_bytes(c, f), "x") for f in ("aag", "aig"))
    assert ascii_ == binary  # the two readers agree on the circuit converted both ways
    assert format_aag(parse_aiger(format_aig(ascii_))) == format_aag(ascii_)


def test_public_files_are_all_there():
    files = circuit_files()
    if not files:
        pytest.skip(f"public circuits not found at {CIRCUITS}")
    names = {p.name for p in files}
    assert {"c17.bench", "c432.bench", "c1908.bench", "halfadder.aag", "cnt1.aag"} <= names


# ---------------------------------------------------------------- writing


@settings(max_examples=EXAMPLES)
@given(circuits)
def test_every_format_round_trips(c):
    text = format_aag(c)
    assert format_aag(parse_aiger(text.encode())) == text  # canonical text: a fixed point
    assert parse_aiger(format_aig(c)) == parse_aiger(text.encode())
    if all(x > 1 for x in c.outputs.tolist()) or c.ninputs:
        back = parse_bench(format_bench(c).encode())
        assert same_function(back, c)
        assert format_bench(back) == format_bench(parse_bench(format_bench(back).encode()))


@pytest.mark.parametrize("suffix", [".aag", ".aig.gz", ".bench.bz2", ".aag.xz"])
def test_compressed_files_load_by_content(tmp_path, suffix):
    c = random_circuit(np.random.default_rng(5), 4, 12, 3)
    path = tmp_path / f"c{suffix}"
    write_circuit(c, path)
    src = pipeline.load_source(path)
    assert src.kind == "circuit" and same_function(src.instance, c)
    renamed = tmp_path / "no_suffix.cnf"
    renamed.write_bytes(path.read_bytes())
    assert pipeline.load_source(renamed).kind == "circuit"


def test_write_refuses_an_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match="format"):
        write_circuit(random_circuit(np.random.default_rng(1), 2, 3, 1), tmp_path / "c.txt")


# ---------------------------------------------------------------- sniffing


def test_circuits_are_recognised_and_other_kinds_are_not(tmp_path):
    for data in (
        b"aag 0 0 0 0 0\n",
        b"aig 1 1 0 1 0\n2\n",
        b"# c\n\nINPUT(a)\nOUTPUT(a)\n",
        b"g = AND(a, b)\n",
        gzip.decompress(gzip.compress(b"OUTPUT(x)\n")),
    ):
        assert kinds.sniff(data) is kinds.CIRCUIT_KIND, data
    for data in (
        EXAMPLE.read_bytes(),
        b"c INPUT(a)\np cnf 1 1\n1 0\n",
        b"p edge 3 1\ne 1 2\n",
        b"p cvp 2 2\n",
        b"1 2\n2 3\n",
        b"",
        b"aagh 1\n",
    ):
        assert kinds.sniff(data, "x.edges") is not kinds.CIRCUIT_KIND, data
