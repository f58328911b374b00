"""`reluhard solve / reduce / info / invert` on graphs and CVP instances, end to end and
in-process: the public DIMACS graphs johnson8-2-4 (minimum vertex cover 21) and hamming6-4
(52) at q = min and q = min - 1, the shipped CVP examples with the answers stated in
instances/cvp/README.md, and one-line refusals of bad reduction parameters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reluhard.problems import cvp as cvp_mod
from reluhard.problems import graph as gm
from reluhard.problems import graph_reference
from reluhard.problems.cvp_format import read_cvp
from reluhard.problems.graph_format import read_graph
from tests.helpers.cli import run_cli
from tests.helpers.instances import ROOT, SHARED
from tests.helpers.tiers import FULL

GRAPHS = SHARED / "graphs"
CVP_DIR = ROOT / "instances" / "cvp"
MIN_COVER = {"johnson8-2-4.clq": 21, "hamming6-4.clq": 52}
TIME_LIMIT = "120"  # a regression shows as `s UNKNOWN` (exit 0), not as a hung test run

run = run_cli


def graph_path(name: str) -> Path:
    path = GRAPHS / name
    if not path.exists():
        pytest.skip(f"public graph {name} not found at {GRAPHS}")
    return path


def v_values(out: str, terminated: bool = True) -> list[int]:
    """The values on the `v` lines, without the terminating 0 (a CVP coefficient vector has
    none: its entries may be 0)."""
    vals = [int(t) for line in out.splitlines() if line.startswith("v ") for t in line[2:].split()]
    if not terminated:
        return vals
    assert vals and vals[-1] == 0, out
    return vals[:-1]


def s_line(out: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith("s ")]
    return line


# ------------------------------------------------------------------- Vertex Cover solve


@pytest.mark.parametrize("name", sorted(MIN_COVER))
def test_vertex_cover_at_the_minimum(capsys, tmp_path, name):
    path, q = graph_path(name), MIN_COVER[name]
    G = read_graph(path)
    sol = tmp_path / "sol.json"
    code, out, err = run(
        capsys,
        ["solve", path, "--via", "vertexcover-binary", "--param", f"q={q}",
         "--time-limit", TIME_LIMIT, "-o", sol],
    )  # fmt: skip
    assert code == 10 and s_line(out) == "s SATISFIABLE", (out, err)
    assert "c certificate: the vertices of the cover" in out.splitlines()
    cover = v_values(out)
    assert gm.vertex_cover_fault(G, cover, q) is None and len(cover) == q
    data = json.loads(sol.read_text())
    assert data["certificate"] == cover and data["reduction"] == "vertexcover-binary"
    assert any("checked against the source" in c for c in data["checks"])


@pytest.mark.parametrize("name", sorted(MIN_COVER))
def test_vertex_cover_below_the_minimum(capsys, name):
    path, q = graph_path(name), MIN_COVER[name] - 1
    code, out, err = run(
        capsys,
        ["solve", path, "--via", "vertexcover-binary", "--param", f"q={q}",
         "--time-limit", TIME_LIMIT],
    )  # fmt: skip
    assert code == 20 and s_line(out) == "s UNSATISFIABLE", (out, err)
    assert not any(line.startswith("v ") for line in out.splitlines())


@pytest.mark.parametrize("p", ["1", "3", "inf"] if FULL else ["inf"])
@pytest.mark.parametrize("name", sorted(MIN_COVER))
def test_vertex_cover_other_norms(capsys, name, p):
    path, q = graph_path(name), MIN_COVER[name]
    G = read_graph(path)
    for qq, want in ((q, 10), (q - 1, 20)):
        code, out, err = run(
            capsys,
            ["solve", path, "--via", "vertexcover-binary", "--param", f"q={qq}",
             "--param", f"p={p}", "--time-limit", TIME_LIMIT],
        )  # fmt: skip
        assert code == want, (qq, p, out, err)
        if want == 10:
            assert gm.vertex_cover_fault(G, v_values(out), qq) is None


def test_half_clique_on_hamming6_2(capsys, tmp_path):
    """hamming6-2 has 32-cliques (C(32, 2) = 496 unit-weight edges): M = 497 is a YES, and
    M = 496 a NO, the strict "< M" of the paper; through `solve`, and through `reduce` then
    `invert`, which reads M back from the network file."""
    path = graph_path("hamming6-2.clq")
    G = read_graph(path)
    assert graph_reference.min_half_clique_weight(G)[0] == 496
    code, out, err = run(capsys, ["solve", path, "--via", "halfclique-binary", "--param",
                                  "M=497", "--time-limit", TIME_LIMIT])  # fmt: skip
    assert code == 10, (out, err)
    assert "c certificate: the vertices of the clique" in out.splitlines()
    assert gm.half_clique_fault(G, v_values(out), 497) is None
    net = tmp_path / "net.npz"
    code, _, _ = run(capsys, ["reduce", path, "--via", "halfclique-binary", "--param",
                              "M=496", "-o", net])  # fmt: skip
    assert code == 0
    code, out, err = run(capsys, ["invert", net, "--time-limit", TIME_LIMIT])
    assert code == 20 and s_line(out) == "s UNSATISFIABLE", (out, err)


# ---------------------------------------------------------------------- reduce and info


REDUCTIONS = [
    ("vertexcover-binary", ["q={q}"], "{0,1}^n"),
    ("vertexcover-real", ["q={q}"], "R^n (w.l.o.g. [0,1]^n"),
    ("halfclique-binary", ["M=3"], "{0,1}^n"),
    ("halfclique-real", ["M=3", "p=1"], "R^n (w.l.o.g. [0,1]^n"),
]


@pytest.mark.parametrize(("via", "params", "domain"), REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("name", sorted(MIN_COVER))
def test_reduce_and_info(capsys, tmp_path, name, via, params, domain):
    path = graph_path(name)
    G = read_graph(path)
    n = G.number_of_nodes()
    net = tmp_path / "net.npz"
    args = [a for kv in params for a in ("--param", kv.format(q=MIN_COVER[name]))]
    code, out, err = run(capsys, ["reduce", path, "--via", via, *args, "-o", net])
    assert code == 0 and err == "", err
    assert f"c {name} ({gm.describe(G)}) via {via}:" in out
    assert net.exists()
    code, out, err = run(capsys, ["info", net])
    assert code == 0 and err == "", err
    lines = out.splitlines()
    assert any(line.startswith(f"reduction  {via}: ") for line in lines), out
    assert f"source     graph {name}: {gm.describe(G)}" in lines
    assert any(line.startswith(f"latent     n = {n}, domain {domain}") for line in lines), out
    query = next(line for line in lines if line.startswith("query"))
    assert ("<" in query) and ("<=" in query) == via.startswith("vertexcover")


@pytest.mark.parametrize("name", sorted(MIN_COVER))
def test_reduce_then_invert(capsys, tmp_path, name):
    path, q = graph_path(name), MIN_COVER[name]
    net = tmp_path / "net.npz"
    code, _, _ = run(capsys, ["reduce", path, "--via", "vertexcover-binary",
                              "--param", f"q={q}", "-o", net])  # fmt: skip
    assert code == 0
    code, out, err = run(capsys, ["invert", net, "--time-limit", TIME_LIMIT])
    assert code == 10, (out, err)
    assert gm.vertex_cover_fault(read_graph(path), v_values(out), q) is None


# ------------------------------------------------------------------------ shipped CVPs


def readme_answers() -> dict[str, str]:
    """`file -> YES/NO` from the table in instances/cvp/README.md."""
    text = (CVP_DIR / "README.md").read_text()
    rows = re.findall(r"^\|\s*`([^`]+\.cvp)`\s*\|.*\|\s*(YES|NO)\b", text, re.MULTILINE)
    return dict(rows)


ANSWERS = readme_answers()


def test_readme_lists_every_shipped_instance():
    assert sorted(ANSWERS) == sorted(p.name for p in CVP_DIR.glob("*.cvp"))
    assert set(ANSWERS.values()) == {"YES", "NO"}


@pytest.mark.parametrize("via", [None, "cvp-binary", "cvp-real"])
@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_solve_shipped_cvp(capsys, name, via):
    path = CVP_DIR / name
    cvp = read_cvp(path)
    code, out, err = run(
        capsys, ["solve", path, *(["--via", via] if via else []), "--time-limit", TIME_LIMIT]
    )
    assert f"via {via or 'cvp-binary'}:" in out.splitlines()[0], out
    if ANSWERS[name] == "YES":
        assert code == 10 and s_line(out) == "s SATISFIABLE", (out, err)
        assert "c certificate: the coefficient vector y in {0,1}^n" in out.splitlines()
        y = v_values(out, terminated=False)
        assert len(y) == cvp.n and cvp_mod.fault(cvp, y) is None
    else:
        assert code == 20 and s_line(out) == "s UNSATISFIABLE", (out, err)
        assert not any(line.startswith("v ") for line in out.splitlines())


@pytest.mark.parametrize("via", ["cvp-binary", "cvp-real"])
def test_reduce_and_info_cvp(capsys, tmp_path, via):
    path = CVP_DIR / "p2_yes_sqrt3.cvp"
    net = tmp_path / "net.npz"
    code, out, err = run(capsys, ["reduce", path, "--via", via, "-o", net])
    assert code == 0 and err == "", err
    code, out, err = run(capsys, ["info", net])
    assert code == 0 and err == "", err
    assert "source     cvp p2_yes_sqrt3.cvp" in out
    assert "||G(z) - x||_2^2 <= 3 " in out  # r = sqrt(3) kept exactly as r^2 = 3


# -------------------------------------------------------------- bad reduction parameters


ODD_GRAPH = "p edge 3 2\ne 1 2\ne 2 3\n"
J = "johnson8-2-4.clq"
BAD_PARAMS = [
    (J, ["--via", "vertexcover-binary", "--param", "q=99"],
     "parameter q=99 is out of range: the graph has 28 vertices"),
    (J, ["--via", "vertexcover-binary", "--param", "q=-1"], "q=-1 is out of range"),
    (J, ["--via", "vertexcover-binary", "--param", "q=x"], "parameter q='x' is not a valid int"),
    (J, ["--via", "vertexcover-binary", "--param", "q=2.5"], "is not a valid int"),
    (J, ["--via", "vertexcover-binary", "--param", "q=21", "--param", "p=0"],
     "parameter p='0' is not a valid norm"),
    (J, ["--via", "vertexcover-real", "--param", "q=21", "--param", "p=1.5"],
     "parameter p='1.5' is not a valid norm"),
    (J, ["--via", "vertexcover-binary"], "reduction 'vertexcover-binary' needs --param q=..."),
    (J, ["--param", "q=21", "--param", "r=2"],
     "reduction 'vertexcover-binary' has no parameter 'r' (its parameters: p, q)"),
    (J, ["--via", "halfclique-binary", "--param", "M=3", "--param", "p=inf"], "finite p"),
    (J, ["--via", "halfclique-real", "--param", "M=3", "--param", "p=inf"], "finite p"),
    (J, ["--via", "halfclique-binary"], "reduction 'halfclique-binary' needs --param M=..."),
    (J, ["--via", "halfclique-binary", "--param", "M=abc"], "is not a valid rational number"),
    (J, ["--via", "halfclique-binary", "--param", "M=-1"], "M=-1 must be >= 0"),
    (J, ["--via", "halfclique-binary", "--param", "M=1", "--param", "weights=bogus"],
     "unknown weight mode 'bogus'"),
    ("odd", ["--via", "halfclique-binary", "--param", "M=3"],
     "Half-Clique needs an even number of vertices (n = 3)"),
    ("odd", ["--via", "halfclique-real", "--param", "M=3", "--param", "k=4"],
     "parameter k=4 is out of range"),
    (J, ["--via", "cvp-binary"], "takes a 'cvp' instance, not a 'graph' one"),
    (J, ["--via", "no-such-reduction"], "unknown reduction 'no-such-reduction'"),
    ("p1_yes.cvp", ["--param", "q=3"], "reduction 'cvp-binary' has no parameter 'q'"),
    ("p1_yes.cvp", ["--via", "vertexcover-binary", "--param", "q=3"], "takes a 'graph' instance"),
]  # fmt: skip


def _input(name: str, tmp_path: Path) -> Path:
    if name == "odd":
        path = tmp_path / "odd.clq"
        path.write_text(ODD_GRAPH)
        return path
    if name.endswith(".cvp"):
        return CVP_DIR / name
    return graph_path(name)


@pytest.mark.parametrize("command", ["solve", "reduce"])
@pytest.mark.parametrize(("name", "args", "message"), BAD_PARAMS, ids=range(len(BAD_PARAMS)))
def test_bad_parameters_are_one_line(capsys, tmp_path, command, name, args, message):
    path = _input(name, tmp_path)
    net = tmp_path / "net.npz"
    argv = [command, path, *args] + (["-o", net] if command == "reduce" else [])
    code, out, err = run(capsys, argv)
    assert code == 1 and out == "", (out, err)
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert not net.exists()


@pytest.mark.parametrize("p", ["64", "1000"])
@pytest.mark.parametrize(
    "params", [["--via", "vertexcover-binary", "--param", "q=1"],
               ["--via", "halfclique-binary", "--param", "M=1", "--param", "k=1"]],
    ids=["vertexcover", "halfclique"],
)  # fmt: skip
def test_large_norms_answer_or_refuse_in_one_line(capsys, tmp_path, params, p):
    """A norm the parameter parser accepts must give an answer or one line, no traceback
    (the path 1-2-3 has a cover {2} and a 1-clique of weight 0 < 1)."""
    path = _input("odd", tmp_path)
    code, out, err = run(capsys, ["solve", path, *params, "--param", f"p={p}"])
    assert code in (10, 1), (out, err)
    if code == 1:
        assert len(err.strip().splitlines()) == 1, err


def test_large_cvp_norm_answers_or_refuses_in_one_line(capsys, tmp_path):
    """`norm 64` is within MAX_NORM (1024) of the CVP format; the default back end must
    decide it or refuse in one line."""
    path = tmp_path / "big.cvp"
    path.write_text("p cvp 2 2\nnorm 64\nradius 1\nbasis [[1 0][0 1]]\ntarget 1 1\n")
    code, out, err = run(capsys, ["solve", path])
    assert code in (10, 1), (out, err)
    if code == 1:
        assert len(err.strip().splitlines()) == 1, err
