"""The generators: adders and multipliers compute sums and products on every input, and
their ``circuit-sign`` networks are exactly the circuits (multipliers 2x2 to 6x6 on all
``2^(2n)`` inputs, float and exact); the factoring circuit's preimages are the
non-trivial factorisations; ``reluhard factor`` and ``circuit-gen`` on the command line;
``explain`` on a circuit."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard.factor import factor
from reluhard.network import exact_forward, forward
from reluhard.problems.circuit import all_input_vectors, truth_table
from reluhard.problems.circuit_format import read_circuit
from reluhard.problems.circuit_gen import (
    adder,
    factor_widths,
    factoring_circuit,
    factoring_target,
    multiplier,
)
from reluhard.reductions import circuit_sign
from reluhard.status import Status
from tests.helpers.cli import run_cli
from tests.helpers.tiers import FULL


def value(bits: np.ndarray) -> np.ndarray:
    """Rows of bits (least significant first) as integers."""
    return (bits.astype(np.int64) << np.arange(bits.shape[1])).sum(axis=1)


@pytest.mark.parametrize("n", range(1, 7))
def test_adders_add(n):
    X = all_input_vectors(2 * n)
    assert np.array_equal(value(truth_table(adder(n))), value(X[:, :n]) + value(X[:, n:]))


@pytest.mark.parametrize("n", range(2, 7))
def test_multipliers_are_exact_networks(n):
    c = multiplier(n)
    X = all_input_vectors(2 * n)
    table = truth_table(c)
    assert np.array_equal(value(table), value(X[:, :n]) * value(X[:, n:]))
    net = circuit_sign.build(c).network
    Z = np.where(X, 1.0, -1.0)
    want = np.where(table, 1.0, -1.0)
    assert np.array_equal(forward(net, Z), want)
    if n <= (6 if FULL else 4):
        num, den = exact_forward(net, Z.astype(np.int64))
        assert den == 1 and np.array_equal(num, want.astype(np.int64))


def test_rectangular_multiplier():
    c = multiplier(3, 5)
    X = all_input_vectors(8)
    assert np.array_equal(value(truth_table(c)), value(X[:, :3]) * value(X[:, 3:]))


@pytest.mark.parametrize("nbits", range(2, 8))
def test_factoring_preimages_are_the_nontrivial_factorisations(nbits):
    c = factoring_circuit(nbits)
    n, m = factor_widths(nbits)
    X = all_input_vectors(n + m)
    p, q = value(X[:, :n]), value(X[:, n:])
    table = truth_table(c)
    assert np.array_equal(value(table[:, :-1]), p * q)
    assert np.array_equal(table[:, -1], (p > 1) & (q > 1))
    for N in range(1 << (nbits - 1), 1 << nbits):
        target = np.array([ch == "1" for ch in factoring_target(N)])
        hits = np.all(table == target, axis=1)
        composite = any(N % d == 0 for d in range(2, int(N**0.5) + 1))
        assert hits.any() == composite, N
        assert np.all(p[hits] * q[hits] == N)


def test_factor_143_and_131():
    f = factor(143)
    assert f.status is Status.INVERTIBLE and f.factors == (11, 13)
    g = factor(131)
    assert g.status is Status.NOT_INVERTIBLE and g.decision.proof_status == "VALID"


def test_the_factor_command(capsys):
    code, out, _ = run_cli(capsys, ["factor", "143"])
    assert code == 10 and out.splitlines()[-1] == "143 = 11 x 13"
    code, out, _ = run_cli(capsys, ["factor", "131"])
    assert code == 20 and out.splitlines()[-1] == "131 is prime"
    assert "checked VALID" in out
    for N, last in ((15, "15 = 3 x 5"), (13, "13 is prime")) + (
        ((131, "131 is prime"),) if FULL else ()
    ):
        code, out, _ = run_cli(capsys, ["factor", str(N), "--via", "circuit-real"])
        assert out.splitlines()[-1] == last
    code, _, err = run_cli(capsys, ["factor", "1"])
    assert code == 1 and "give N >= 2" in err


def test_circuit_gen_writes_every_kind(capsys, tmp_path):
    for argv, check in (
        (["adder", "3"], lambda c: c.ninputs == 6 and c.noutputs == 4),
        (["multiplier", "3", "--width2", "2"], lambda c: c.ninputs == 5 and c.noutputs == 5),
        (["factor", "143"], lambda c: c.ninputs == 11 and c.noutputs == 12),
        (["random", "5", "--gates", "20", "--outputs", "3"], lambda c: c.noutputs == 3),
    ):
        for suffix in (".aag", ".aig", ".bench.gz"):
            path = tmp_path / f"{argv[0]}{suffix}"
            code, out, err = run_cli(capsys, ["circuit-gen", *argv, "-o", path])
            assert code == 0, err
            assert check(read_circuit(path)), (argv, suffix)
            if argv[0] == "factor":
                assert "c to factor 143: --param outputs=111100010001" in out
    code, _, err = run_cli(capsys, ["circuit-gen", "adder", "3", "-o", tmp_path / "x.txt"])
    assert code == 1 and "cannot tell the circuit format" in err


def test_explain_shows_each_gadget_with_its_truth_table(capsys, tmp_path):
    path = tmp_path / "fa.bench"
    run_cli(capsys, ["circuit-gen", "adder", "1", "-o", path])
    code, out, err = run_cli(
        capsys, ["explain", path, "--via", "circuit-real", "--param", "outputs=01", "--out",
                 tmp_path / "ex"],
    )  # fmt: skip
    assert code == 0, err
    assert "the XOR2 gadget, 2 unit(s)" in out and "the AND2 gadget, 1 unit(s)" in out
    assert "G(z) = x, confirmed in exact rational arithmetic." in out
    assert (tmp_path / "ex" / "explain.html").is_file()
