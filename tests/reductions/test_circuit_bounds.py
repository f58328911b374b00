"""The circuit compiler's gate-level unit bounds (:mod:`reluhard.reductions.circuit_layers`):
every gadget maps ``[-1, 1]^k`` into ``[-1, 1]`` (exactly, at its breakpoints), every unit's
pre-activation lies in its stated interval on every sign latent and on grids of real
latents, and with them a 20-bit factoring network's bounds stay small (interval
arithmetic alone passes ``2^63`` there, which crashed CP-SAT)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.factor import factoring_problem
from reluhard.problems.circuit import AND, MAJ, XOR, all_input_vectors
from reluhard.problems.circuit_gen import random_circuit
from reluhard.reductions import circuit_real, circuit_sign
from reluhard.reductions.gadgets import Gadget, gate_gadget, wire_gadget
from reluhard.solvers import solve
from reluhard.solvers.bounds import propagate
from reluhard.status import Status
from tests.helpers.tiers import FULL

EXAMPLES = 200 if FULL else 20
COMPILED = [wire_gadget()] + [
    gate_gadget(op, k)
    for op, ks in ((AND, range(1, 9)), (XOR, range(2, 9)), (MAJ, (3, 5, 7)))
    for k in ks
]


def exact_range(g: Gadget) -> tuple[Fraction, Fraction]:
    """The exact range of ``g``'s value over ``[-1, 1]^k``. Every compiled gadget's units read
    multiples of one linear form ``s = w . a``, so the value is piecewise linear in ``s`` on
    ``[-|w|_1, |w|_1]``, with its extremes at the ends or where a unit turns on."""
    w = next(row for row in g.W if np.any(row))
    scale = [Fraction(int(r @ w), int(w @ w)) for r in g.W]
    assert all(np.array_equal(r, float(c) * w) for r, c in zip(g.W, scale, strict=True))
    assert not np.any(g.out_inputs)
    reach = int(np.abs(w).sum())
    points = {Fraction(-reach), Fraction(reach)}
    points |= {-Fraction(int(b)) / c for b, c in zip(g.bias, scale, strict=True) if c}
    values = [
        g.const
        + sum(
            Fraction(int(o)) * max(Fraction(int(b)) + c * s, Fraction(0))
            for o, b, c in zip(g.out_units, g.bias, scale, strict=True)
        )  # fmt: skip
        for s in points
        if -reach <= s <= reach
    ]
    return min(values), max(values)


@pytest.mark.parametrize("g", COMPILED, ids=lambda g: g.name)
def test_every_compiled_gadget_maps_the_box_into_itself(g):
    lo, hi = exact_range(g)
    assert -1 <= lo <= hi <= 1


def within(problem, Z) -> None:
    """Every unit's pre-activation at every row of ``Z`` lies in ``problem.unit_bounds``."""
    A = np.atleast_2d(Z)
    for layer, (lo, hi) in zip(problem.network.layers, problem.unit_bounds, strict=True):
        P = layer.pre(A)
        assert np.all(P >= lo - 1e-9) and np.all(P <= hi + 1e-9)
        A = layer.act(P)


random_circuits = st.builds(
    lambda seed, n, g, o: random_circuit(np.random.default_rng(seed), n, g, o, max_fanin=4),
    st.integers(0, 2**32 - 1),
    st.integers(1, 8),
    st.integers(0, 60),
    st.integers(1, 5),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(random_circuits)
def test_the_sign_bounds_hold_on_every_input(c):
    p = circuit_sign.build(c)
    within(p, np.where(all_input_vectors(c.ninputs), 1.0, -1.0))


GRID = (-3.0, -1.0, -0.5, 0.0, 0.25, 0.875, 1.0, 2.5)


@settings(max_examples=EXAMPLES, deadline=None)
@given(random_circuits, st.integers(0, 2**32 - 1))
def test_the_real_bounds_hold_on_real_latents(c, seed):
    p = circuit_real.build(c)
    n = c.ninputs
    rng = np.random.default_rng(seed)
    grid = (
        np.array(list(itertools.product(GRID, repeat=n))) if n <= 3 else rng.choice(GRID, (500, n))
    )
    within(p, np.r_[grid, rng.uniform(-2, 2, (200, n))])


def test_a_20_bit_product_keeps_small_bounds():
    p = factoring_problem(1019 * 1021)
    b = propagate(p)
    assert max(float(np.abs(a).max()) for a in (*b.pre_lo, *b.pre_hi)) <= 64
    loose = propagate(replace(p, unit_bounds=None))  # interval arithmetic alone
    assert max(float(np.abs(a).max()) for a in (*loose.pre_lo, *loose.pre_hi)) > 2.0**63


@pytest.mark.parametrize(("solver", "limit"), [("cpsat", "2^62"), ("highs", "2^53")])
def test_bounds_beyond_the_solver_are_unknown_not_a_crash(solver, limit):
    p = replace(factoring_problem(1019 * 1021), unit_bounds=None)
    v = solve(p, solver, time_limit=5)
    assert v.status is Status.UNKNOWN and limit in v.reason, v.reason


def test_a_loaded_circuit_network_gets_its_bounds_back(tmp_path):
    from reluhard import netfile
    from reluhard.network import Layer, Network
    from reluhard.reductions.rebuild import stated_bounds

    p = factoring_problem(1019 * 1021)
    netfile.write(p, tmp_path / "f.npz")
    loaded = netfile.read(tmp_path / "f.npz")
    assert loaded.unit_bounds is None
    back = stated_bounds(loaded).unit_bounds
    assert back is not None and len(back) == len(p.unit_bounds)
    for (a, b), (c, d) in zip(back, p.unit_bounds, strict=True):
        assert np.array_equal(a, c) and np.array_equal(b, d)
    first = loaded.network.layers[0]
    changed = Layer(first.W, first.b + 1.0, first.activation)
    tampered = replace(loaded, network=Network((changed, *loaded.network.layers[1:])))
    assert stated_bounds(tampered).unit_bounds is None  # not the reduction of its source


#: x & y & (x ^ y) as 2-input ANDs: no input vector makes it true
UNSAT_AAG = "aag 7 2 0 1 5\n2\n4\n14\n6 2 4\n8 2 5\n10 3 4\n12 9 11\n14 6 13\n"


def _counting_compiles(monkeypatch) -> list[str]:
    """Record the form of every circuit network compiled from now on."""
    from reluhard.reductions import circuit_query

    calls: list[str] = []
    real = circuit_query.compile_circuit

    def counted(circuit, form):
        calls.append(form)
        return real(circuit, form)

    monkeypatch.setattr(circuit_query, "compile_circuit", counted)
    return calls


@pytest.mark.parametrize("via", ["circuit-sign", "circuit-real"])
def test_a_checked_network_is_rebuilt_once_for_its_bounds(tmp_path, monkeypatch, via):
    from reluhard import netfile, pipeline
    from reluhard.reductions.rebuild import require_rebuilt, stated_bounds

    (tmp_path / "u.aag").write_text(UNSAT_AAG)
    pipeline.reduce_file(tmp_path / "u.aag", tmp_path / "u.npz", via)
    twice = stated_bounds(netfile.read(tmp_path / "u.npz")).unit_bounds  # the unchecked path
    loaded = netfile.read(tmp_path / "u.npz")
    calls = _counting_compiles(monkeypatch)
    checked = require_rebuilt(loaded, "u.npz")
    back = stated_bounds(checked).unit_bounds
    assert len(calls) == 1
    assert back is not None and twice is not None and len(back) == len(twice)
    for (a, b), (c, d) in zip(back, twice, strict=True):
        assert np.array_equal(a, c) and np.array_equal(b, d)
    assert stated_bounds(loaded).unit_bounds is not None and len(calls) == 2  # unchecked: builds


def test_invert_certify_builds_a_circuit_network_once(tmp_path, monkeypatch, capsys):
    import json

    from reluhard import cli

    (tmp_path / "u.aag").write_text(UNSAT_AAG)
    net, out = tmp_path / "u.npz", tmp_path / "u.json"
    assert (
        cli.main(["reduce", str(tmp_path / "u.aag"), "--via", "circuit-sign", "-o", str(net)]) == 0
    )
    calls = _counting_compiles(monkeypatch)
    code = cli.main(["invert", str(net), "--certify", "-o", str(out)])
    assert calls == ["sign"]
    assert "s UNSATISFIABLE" in capsys.readouterr().out, code
    assert json.loads(out.read_text())["proof"]["check"]["status"] == "VALID"
