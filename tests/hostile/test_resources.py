"""Declared sizes that would allocate GiBs (issue 21, "Resources"): each is refused from
its size estimate before anything is built, in one line naming the size, within a bounded
peak RSS (measured: the child runs under RLIMIT_AS 1.5 GiB and reports ``ru_maxrss``)."""

from __future__ import annotations

import pytest

from reluhard.reductions import REGISTRY
from tests.helpers.cli import BOUNDED_AS, REFUSAL_RSS, run_bounded
from tests.helpers.instances import EXAMPLE
from tests.helpers.tiers import FULL

HINT = "(raise it with --max-size or RELUHARD_MAX_SIZE)"

#: (file name, content, extra arguments, the one stderr line)
CASES = [
    (
        "huge.cnf",
        b"p cnf 2147483647 1\n1 0\n",
        ["reduce", "--via", "sat-real", "-o", "out.npz"],
        "huge.cnf: the sat-real network would take about 1.19 TiB of memory, over the "
        f"budget of 2 GiB {HINT}",
    ),
    (
        "huge.cnf",
        b"p cnf 2147483647 1\n1 0\n",
        ["solve", "--via", "sat-sign"],
        "huge.cnf: the sat-sign network would take about 128 GiB of memory, over the "
        f"budget of 2 GiB {HINT}",
    ),
    (
        "huge.col",
        b"p edge 16777216 1\ne 1 2\n",
        ["reduce", "-o", "out.npz"],
        "huge.col: the graph (16777216 vertices, 1 edge) would take about 6.25 GiB of "
        f"memory, over the budget of 2 GiB {HINT}",
    ),
    (
        "far.edges",
        b"1 16777216\n",
        ["reduce", "-o", "out.npz"],
        "far.edges: the graph (16777216 vertices, 1 edge) would take about 6.25 GiB of "
        f"memory, over the budget of 2 GiB {HINT}",
    ),
    (
        "heavy.col",
        b"p edge 4 1\ne 1 2 1000000000\n",
        ["reduce", "--via", "halfclique-binary", "--param", "M=1", "-o", "out.npz"],
        "heavy.col: the halfclique-binary network would take about 531 GiB of memory, over "
        f"the budget of 2 GiB {HINT}",
    ),
    (
        "heavy.col",
        b"p edge 4 1\ne 1 2 1000000000\n",
        ["solve", "--via", "halfclique-real", "--param", "M=1"],
        "heavy.col: the halfclique-real network would take about 1.56 TiB of memory, over "
        f"the budget of 2 GiB {HINT}",
    ),
    (
        "small.cnf",
        EXAMPLE.read_bytes(),
        ["reduce", "-o", "out.npz", "--max-size", "1K"],
        "small.cnf: the sat-sign network would take about 1.59 KiB of memory, over the "
        f"budget of 1 KiB {HINT}",
    ),
]


#: the default tier runs one case of each class (a child process each, about 2 s)
DEFAULT = (0, 2, 4)


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    CASES if FULL else [CASES[i] for i in DEFAULT],
    ids=[f"{c[0]}-{c[2][0]}" for c in (CASES if FULL else [CASES[i] for i in DEFAULT])],
)
def test_declared_size_is_refused_before_it_allocates(tmp_path, name, content, args, message):
    (tmp_path / name).write_bytes(content)
    run = run_bounded([args[0], name, *args[1:]], tmp_path, timeout=60)
    assert "Traceback" not in run.err
    assert (run.code, run.err.splitlines()) == (1, [message])
    assert run.peak_rss < REFUSAL_RSS, f"peak RSS {run.peak_rss >> 20} MiB"
    assert run.seconds < 30
    assert not (tmp_path / "out.npz").exists()


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_environment_variable_sets_the_budget(tmp_path):
    (tmp_path / "small.cnf").write_bytes(EXAMPLE.read_bytes())
    run = run_bounded(
        ["reduce", "small.cnf", "-o", "out.npz"], tmp_path, env={"RELUHARD_MAX_SIZE": "1K"}
    )
    assert (run.code, run.err.splitlines()) == (
        1,
        [
            "small.cnf: the sat-sign network would take about 1.59 KiB of memory, over the "
            f"budget of 1 KiB {HINT}"
        ],
    )


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_a_raised_budget_lets_a_refused_instance_through(tmp_path):
    """The refusal is the budget's, not the instance's: raising it builds the network."""
    (tmp_path / "w.col").write_bytes(b"p edge 4 1\ne 1 2 20000\n")
    argv = ["reduce", "w.col", "--via", "halfclique-binary", "--param", "M=1", "-o", "out.npz"]
    refused = run_bounded([*argv, "--max-size", "1M"], tmp_path)
    assert refused.code == 1 and "over the budget of 1 MiB" in refused.err
    built = run_bounded([*argv, "--max-size", "1G"], tmp_path)
    assert built.code == 0, built.err
    assert (tmp_path / "out.npz").exists()


@pytest.mark.skipif(not FULL, reason="--full tier")
def test_bounded_address_space_is_enough_for_ordinary_work(tmp_path):
    """The RSS bound is not what makes the refusals pass: a normal run fits it easily."""
    run = run_bounded(["solve", EXAMPLE], tmp_path)
    assert run.code == 10, run.err
    assert run.peak_rss < BOUNDED_AS


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_reduction_estimates_its_size(name):
    """Every registered construction has a size estimate, and it is not below what the
    built network stores (weights, indices, biases)."""
    from reluhard import pipeline

    red = REGISTRY[name]
    source = _sample_source(red.source_kind)
    params = {"cvp": {}, "cnf": {}, "circuit": {}}.get(red.source_kind, {"M": "1", "q": "2"})
    typed = {k: v for k, v in params.items() if k in red.params}
    problem = pipeline.reduce_source(source, name, typed)
    stored = sum(
        layer.W.nbytes if not layer.sparse else layer.W.data.nbytes + layer.W.indices.nbytes
        for layer in problem.network.layers
    )
    from reluhard import reductions

    estimate = red.estimate(source.instance, **reductions.parse_params(red, typed))
    assert estimate >= stored > 0


def _sample_source(kind: str):
    from reluhard import pipeline
    from tests.helpers.instances import ROOT

    path = {
        "cnf": EXAMPLE,
        "cvp": ROOT / "instances" / "cvp" / "p1_yes.cvp",
        "graph": ROOT / "tests" / "hostile" / "data" / "square.col",
        "circuit": ROOT / "tests" / "hostile" / "data" / "and2.bench",
    }[kind]
    return pipeline.load_source(path)
