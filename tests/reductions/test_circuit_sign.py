"""``circuit-sign``: the network equals circuit simulation on every input, exhaustively on
every small circuit and with hypothesis on random ones; a preimage exists iff the network
is invertible (brute force and the MILP agree); encode/decode round-trip; the target
parameters."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard import netfile, pipeline, solvers
from reluhard.errors import InputError
from reluhard.inversion import check_latent
from reluhard.network import Network, exact_forward, forward
from reluhard.problems.circuit import (
    AND,
    MAJ,
    XOR,
    Circuit,
    all_input_vectors,
    literals_of,
    simulate,
    truth_table,
)
from reluhard.problems.circuit_format import read_circuit
from reluhard.problems.circuit_gen import random_circuit
from reluhard.reductions import circuit_query, circuit_sign
from reluhard.reductions.circuit_layers import compile_circuit
from reluhard.status import Status
from tests.helpers.instances import circuit_files
from tests.helpers.tiers import FULL

EXAMPLES = 300 if FULL else 25


def network_matches_simulation(c: Circuit, exact: bool = False) -> None:
    """On all ``2^n`` inputs: every output is exactly +-1 and is the circuit's output."""
    net = Network(tuple(compile_circuit(c).layers))
    X = all_input_vectors(c.ninputs)
    Z = np.where(X, 1.0, -1.0)
    want = np.where(truth_table(c), 1.0, -1.0)
    assert np.array_equal(forward(net, Z).reshape(want.shape), want)
    if exact:
        num, den = exact_forward(net, Z.astype(np.int64))
        assert den == 1 and np.array_equal(np.asarray(num).reshape(want.shape), want)


# ---------------------------------------------------------------- every small circuit


def gate_choices(nvars: int, with_maj: bool) -> Iterator[tuple[int, list[int]]]:
    """Every gate over the variables ``1..nvars``: 2-input ANDs with each of the 4
    negation patterns (AND, NOR and the two a & ~b), XOR (negations move to the output, a
    reader's literal), and MAJ3 with at most one negated fanin (the normal form)."""
    for u, v in itertools.combinations(range(1, nvars + 1), 2):
        for cu, cv in itertools.product((0, 1), repeat=2):
            yield AND, [2 * u + cu, 2 * v + cv]
        yield XOR, [2 * u, 2 * v]
    if with_maj:
        for t in itertools.combinations(range(1, nvars + 1), 3):
            for neg in [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)]:
                yield MAJ, [2 * x + s for x, s in zip(t, neg, strict=True)]


def small_circuits(ngates: int, with_maj: bool) -> Iterator[Circuit]:
    """Every circuit over 3 inputs with exactly ``ngates`` gates from :func:`gate_choices`,
    its first gate reading ``x1, x2`` (``x1, x2, x3`` for a MAJ): any other first gate is
    one of these with the inputs renamed, and the compiler treats inputs alike. Outputs:
    every gate, the last one negated, and ``x3`` (a wire carried through every layer)."""
    first = [g for g in gate_choices(3, with_maj) if [x >> 1 for x in g[1]] in ([1, 2], [1, 2, 3])]
    rest = [list(gate_choices(3 + j, with_maj)) for j in range(1, ngates)]
    for gates in itertools.product(first, *rest):
        ops = [op for op, _ in gates]
        fanins = [x for _, f in gates for x in f]
        offsets = np.cumsum([0] + [len(f) for _, f in gates])
        last = 2 * (3 + ngates)
        outputs = [2 * (4 + g) for g in range(ngates)] + [last + 1, 6]
        yield Circuit(3, ops, fanins, offsets, outputs)


TIERS = [(1, True), (2, True), (3, False)] + ([(3, True), (4, False)] if FULL else [])


@pytest.mark.parametrize(("ngates", "with_maj"), TIERS)
def test_every_small_circuit(ngates, with_maj):
    count = 0
    for count, c in enumerate(small_circuits(ngates, with_maj), 1):
        network_matches_simulation(c, exact=count % 97 == 0)
    expected = {(1, True): 9, (2, True): 9 * 46, (3, False): 5 * 30 * 50}
    expected[(4, False)] = expected[(3, False)] * 75
    if (ngates, with_maj) in expected:
        assert count == expected[(ngates, with_maj)]


# ---------------------------------------------------------------- random circuits


random_circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o, max_fanin=4),
    st.integers(0, 2**32 - 1),
    st.integers(0, 10),
    st.integers(0, 80),
    st.integers(0, 6),
)


@settings(max_examples=EXAMPLES)
@given(random_circuits)
def test_random_circuits_compile_exactly(c):
    network_matches_simulation(c, exact=c.ninputs <= 6)


def test_the_public_circuits_compile_exactly():
    files = [p for p in circuit_files() if p.name not in ("cnt1.aag", "toggle.aag")]
    if not files:
        pytest.skip("public circuits not found")
    rng = np.random.default_rng(0)
    for path in files:
        c = read_circuit(path)
        net = Network(tuple(compile_circuit(c).layers))
        X = all_input_vectors(c.ninputs) if c.ninputs <= 10 else rng.random((300, c.ninputs)) < 0.5
        want = np.where(simulate(c, X), 1.0, -1.0)
        assert np.array_equal(forward(net, np.where(X, 1.0, -1.0)).reshape(want.shape), want)


# ---------------------------------------------------------------- invertibility


def targets(c: Circuit) -> list[str]:
    return ["".join(t) for t in itertools.product("01", repeat=c.noutputs)][:8]


@pytest.mark.parametrize("seed", range(12 if FULL else 4))
def test_preimage_exists_iff_invertible(seed):
    """Brute force over the network and the MILP (CP-SAT) agree with the truth table, for
    every target of small random circuits; YES latents decode to checked preimages."""
    rng = np.random.default_rng(seed)
    c = random_circuit(rng, int(rng.integers(2, 6)), int(rng.integers(3, 20)), 2)
    table = {"".join("1" if b else "0" for b in row) for row in truth_table(c)}
    for outputs in targets(c):
        p = pipeline.reduce_instance(c, "circuit-sign", "circuit", outputs=outputs)
        for solver in ("brute", "cpsat"):
            d = pipeline.decide(p, solver, time_limit=60)
            assert (d.status is Status.INVERTIBLE) == (outputs in table), (solver, outputs)
            if d.status is Status.INVERTIBLE:
                assert circuit_query.fault(c, d.certificate, outputs=outputs) is None


@settings(max_examples=EXAMPLES)
@given(random_circuits, st.integers(0, 2**32 - 1))
def test_encode_decode_round_trip(c, seed):
    bits = np.random.default_rng(seed).random(c.ninputs) < 0.5
    planted = "".join("1" if b else "0" for b in bits)
    p = circuit_sign.build(c, planted=planted)
    cert = literals_of(bits)
    z = circuit_query.encode(c, cert)
    assert check_latent(p, z) and np.array_equal(p.planted, z)
    assert circuit_query.decode(c, z) == cert
    assert circuit_query.decode(c, z * 0.3) == cert  # inexact latents decode by sign
    assert circuit_query.fault(c, cert, planted=planted) is None


# ---------------------------------------------------------------- parameters and files


def test_target_parameters_and_their_errors():
    c = random_circuit(np.random.default_rng(3), 3, 6, 2)
    assert circuit_sign.build(c).target.tolist() == [1.0, 1.0]
    assert circuit_sign.build(c, outputs="01").target.tolist() == [-1.0, 1.0]
    with pytest.raises(InputError, match="outputs=011 has 3 bits, the circuit has 2 outputs"):
        circuit_sign.build(c, outputs="011")
    with pytest.raises(InputError, match="planted=1 has 1 bits, the circuit has 3 inputs"):
        circuit_sign.build(c, planted="1")
    with pytest.raises(InputError, match="not both"):
        circuit_sign.build(c, outputs="01", planted="101")
    with pytest.raises(InputError, match="not a valid bit string"):
        pipeline.reduce_source(pipeline.in_memory_source("circuit", c), "circuit-sign",
                               {"outputs": "0x1"})  # fmt: skip


def test_the_network_file_embeds_the_circuit_and_its_target(tmp_path):
    c = random_circuit(np.random.default_rng(4), 4, 10, 3)
    p = pipeline.reduce_instance(c, "circuit-sign", "circuit", planted="1010")
    netfile.write(p, tmp_path / "n.npz")
    q = netfile.read(tmp_path / "n.npz")
    assert q.source.kind == "circuit" and q.source.instance == p.source.instance
    assert q.source.instance.target is not None and q.reduction.params == {"planted": "1010"}
    assert np.array_equal(q.planted, [1, -1, 1, -1])
    v = solvers.solve(q, "auto", time_limit=60)
    assert v.status is Status.INVERTIBLE
