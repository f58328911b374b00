"""Conformance: every registered reduction, problem kind and back end keeps its protocol.

These tests loop over the registries, so a new reduction, kind or back end is checked the
moment it is registered: its declared attributes, and on small instances of its source kind
the two directions of its certificate maps (a certificate encodes to a latent that solves
the problem and decodes back to a certificate; every solving latent decodes to a
certificate the source accepts).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from reluhard import pipeline, reductions, solvers
from reluhard.errors import InputError
from reluhard.inversion import InversionProblem, check_latent
from reluhard.network import forward
from reluhard.options import Param
from reluhard.problems import cvp_reference
from reluhard.problems import graph as graph_mod
from reluhard.problems.circuit_build import Builder
from reluhard.problems.circuit_gen import random_circuit
from reluhard.problems.cnf import CNF, random_kcnf
from reluhard.problems.kinds import KINDS, ProblemKind
from reluhard.randomnet import random_problem
from reluhard.reductions.base import Reduction
from reluhard.solvers import exhaustive
from reluhard.status import Status

REDUCTIONS = sorted(reductions.REGISTRY)


def small_instances(kind: str) -> Iterator[Any]:
    """A few small instances of each source kind, edge cases included."""
    if kind == "cnf":
        yield from (
            CNF.from_clauses(c, nvars=3)
            for c in ([[1, -2], [2, 3]], [[1], [-1]], [[1, -1]], [], [[]], [[2, 2, -3], [-2]])
        )
        rng = np.random.default_rng(7)
        yield from (random_kcnf(4, m, 3, rng) for m in (4, 10, 18))
    elif kind == "cvp":
        rng = np.random.default_rng(3)
        for p, planted in itertools.product((1, 2, "inf"), (True, False)):
            yield cvp_reference.random_cvp(rng, 3, 3, p, planted=planted)
    elif kind == "graph":
        graphs = list(graph_mod.all_graphs(4))
        yield from graphs[:: max(1, len(graphs) // 6)]
    elif kind == "circuit":
        yield from small_circuits()
    else:  # a new kind must say here what its small instances are
        raise AssertionError(f"no small instances for kind {kind!r}: add them to this test")


def small_circuits() -> Iterator[Any]:
    """A half adder, a constant and an input as outputs, a circuit without inputs, and
    random circuits with every gate kind."""
    b = Builder(2)
    x, y = b.inputs
    yield b.finish([b.xor(x, y), b.and_(x, y)], ("x", "y"), ("s", "c"))
    yield b.finish([1, y ^ 1, b.or_(x, y)])
    yield Builder(0).finish([1, 0])
    rng = np.random.default_rng(11)
    yield from (random_circuit(rng, n, 3 * n, 3) for n in (3, 4, 5))


def param_sets(red: Reduction, instance: Any) -> list[dict]:
    """Values for a reduction's required parameters (and a norm sweep where it has one)."""
    if red.source_kind == "circuit":  # every target of two outputs, and a planted input
        outputs = ["".join(t) for t in itertools.product("01", repeat=instance.noutputs)][:4]
        planted = "10" * (instance.ninputs // 2) + "1" * (instance.ninputs % 2)
        return [{}] + [{"outputs": t} for t in outputs] + [{"planted": planted}]
    required = [k for k, p in red.params.items() if p.required]
    norms = [{}] if "p" not in red.params else [{"p": p} for p in (1, 2)]
    if not required:
        return norms
    n = instance.number_of_nodes()
    if required == ["q"]:
        return [dict(q=q, **pp) for q in range(0, n + 1, 2) for pp in norms]
    if required == ["M"]:
        return [dict(M=M, **pp) for M in (1, 3, 7) for pp in norms]
    raise AssertionError(f"{red.name}: no values for required parameters {required}")


def problems_of(red: Reduction) -> Iterator[tuple[Any, InversionProblem]]:
    for instance in small_instances(red.source_kind):
        for params in param_sets(red, instance):
            try:
                yield (
                    instance,
                    pipeline.reduce_instance(instance, red.name, red.source_kind, **params),
                )
            except InputError:
                continue  # a parameter this instance does not admit (the reduction says so)


def solving_latents(problem: InversionProblem) -> list[np.ndarray]:
    """Every latent of a discrete domain that solves the problem (float filter, then the
    exact check), or for a real domain the corners of its w.l.o.g. box that do."""
    vals = problem.domain.values()
    if vals is None:
        lo, hi = problem.domain.bounds()
        vals = (lo, hi)
    n = problem.n
    assert n <= 12, "keep the instances small"
    rows = list(itertools.product(vals, repeat=n))
    Z = np.array(rows, dtype=np.float64).reshape(len(rows), n)  # n = 0: one empty latent
    D = forward(problem.network, Z) - problem.target
    near = exhaustive.hits(D, problem.query, exhaustive.tolerance(problem))
    return [z for z in Z[near] if check_latent(problem, z)]


# ---------------------------------------------------------------- reductions


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_declares_its_protocol(name):
    red = reductions.REGISTRY[name]
    assert isinstance(red, Reduction)
    assert red.name == name
    assert red.source_kind in KINDS
    for attr in ("summary", "paper", "theorem", "certificate", "doc"):
        assert isinstance(getattr(red, attr), str) and getattr(red, attr).strip(), attr
    assert name in red.doc or name.split("-")[0] in red.doc.lower()
    assert all(isinstance(p, Param) and p.help for p in red.params.values())
    for fn in ("build", "encode", "decode", "fault"):
        assert callable(getattr(red, fn))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_every_solving_latent_decodes_to_a_certificate(name):
    """Direction 1: a latent that solves the problem decodes (the one path,
    ``reductions.certificate_of``) to a certificate the source checker accepts; that
    certificate encodes back to a latent that solves the problem."""
    red = reductions.REGISTRY[name]
    seen = 0
    for instance, problem in problems_of(red):
        assert problem.reduction is not None and problem.reduction.name == name
        for z in solving_latents(problem):
            decoded = reductions.certificate_of(problem, z)
            assert decoded is not None and decoded.fault is None, (instance, z, decoded)
            params = reductions.params_of(problem)
            again = red.encode(instance, decoded.certificate, **params)
            assert check_latent(problem, again), (instance, decoded.certificate)
            seen += 1
    assert seen > 0, f"{name}: no small instance had a solution; widen small_instances"


@pytest.mark.parametrize("name", REDUCTIONS)
def test_certificates_round_trip(name):
    """Direction 2: every certificate (found by decoding every latent of the discrete
    domain and keeping what the source accepts) encodes to a solving latent, and
    decode(encode(certificate)) is again a certificate with the same encoding."""
    red = reductions.REGISTRY[name]
    for instance, problem in problems_of(red):
        params = reductions.params_of(problem)
        vals = problem.domain.values() or tuple(problem.domain.bounds())
        for z in itertools.product(vals, repeat=min(problem.n, 12)):
            if problem.n > 12:
                break
            cert = red.decode(instance, list(z), **params)
            if red.fault(instance, cert, **params) is not None:
                continue
            latent = red.encode(instance, cert, **params)
            assert check_latent(problem, latent), (instance, cert)
            back = red.decode(instance, list(latent), **params)
            assert red.fault(instance, back, **params) is None
            assert np.array_equal(red.encode(instance, back, **params), latent)


# ---------------------------------------------------------------- problem kinds


@pytest.mark.parametrize("name", list(KINDS))
def test_kind_declares_its_protocol(name, tmp_path):
    """Each kind sniffs its own canonical text, parses it back to the same text, embeds in
    a network file and back, and prints certificates on v lines."""
    kind = KINDS[name]
    assert isinstance(kind, ProblemKind) and kind.name == name
    for instance in itertools.islice(small_instances(name), 3):
        text = kind.format(instance)
        data = text.encode()
        assert pipeline.kinds.sniff(data, f"x.{name}") is kind
        again = kind.parse(data, "<test>")
        assert kind.format(again) == text
        arrays, meta = kind.to_arrays(instance)
        assert kind.format(kind.from_arrays(arrays, meta)) == text
        assert kind.describe(instance)
        assert len(kind.sha256(instance)) == 64
    tokens, terminated = kind.certificate_line([1, 2])
    assert tokens == ["1", "2"] and isinstance(terminated, bool)
    assert kind.shape_fault("not a list")


def test_every_kind_has_a_default_reduction():
    assert set(reductions.DEFAULT_FOR_KIND) == set(KINDS)


# ---------------------------------------------------------------- back ends


@pytest.mark.parametrize("name", list(solvers.BACKENDS))
def test_back_end_declares_its_protocol(name):
    b = solvers.BACKENDS[name]
    assert b.name == name and b.summary.strip()
    assert callable(b.solve) and callable(b.refusal)
    assert all(isinstance(p, Param) and p.help for p in b.options.values())
    assert set(solvers.parse_options(name, {})) <= set(b.options)


SAMPLES = {
    "sign": lambda: pipeline.reduce_instance(CNF.from_clauses([[1, 2], [-1]]), "sat-sign"),
    "real, boxed": lambda: random_problem([2, 6], seed=1, box=4),
    "real, unboxed": lambda: random_problem([2, 6], seed=1),
}


@pytest.mark.parametrize("name", list(solvers.BACKENDS))
def test_back_end_refuses_with_a_reason_or_answers(name):
    """On a discrete and on a real problem, a back end either answers correctly or refuses
    in one line; the refusal is the one ``solvers.solve`` raises."""
    refused = 0
    for sample in SAMPLES.values():
        problem = sample()
        why = solvers.BACKENDS[name].refusal(problem)
        if why:
            refused += 1
            assert "\n" not in why
            with pytest.raises(InputError, match="."):
                solvers.solve(problem, name, time_limit=20)
            continue
        v = solvers.solve(problem, name, time_limit=20)
        assert v.status in Status
        if v.status is Status.INVERTIBLE:
            assert check_latent(problem, v.latent)
        if problem.planted is not None:  # a planted latent exists: never a NO
            assert v.status is not Status.NOT_INVERTIBLE
    assert refused >= 1, f"{name} takes every sample: add one it refuses"


def test_list_names_every_registered_reduction_and_back_end(capsys):
    """`reluhard list` is generated from the registries: every reduction with its kind,
    summary, theorem and parameters; every back end with its summary and options."""
    from reluhard.cli import main

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name, red in reductions.REGISTRY.items():
        at = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
        assert red.source_kind in lines[at] and red.summary in lines[at]
        assert red.theorem in lines[at + 1]
        for key in red.params:
            assert key in lines[at + 1]
    for name, b in solvers.BACKENDS.items():
        at = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
        assert b.summary in lines[at]
        if b.options:
            assert lines[at + 1].split() == ["--solver-option", *", ".join(b.options).split()]
