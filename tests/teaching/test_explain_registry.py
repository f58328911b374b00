"""``reluhard explain`` on one small instance of EVERY registered reduction (issue 20): the
terminal text, ``explain.html`` and ``network.png`` exist and are not trivial, the truth
table's rows agree with exact forward evaluation and the exact check, the figure carries the
certificate's and the non-certificate's values (and the PNG their colours), and the
construction's text is its module's docstring.

A new reduction fails here until :data:`INSTANCES` and :data:`REQUIRED` say how to build a
small instance of its source kind."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from reluhard import reductions
from reluhard.inversion import check_latent
from reluhard.network import exact_output
from reluhard.pipeline import load_source, reduce_source
from reluhard.teaching import diagram, explain, truth
from reluhard.teaching.analysis import analyse
from reluhard.teaching.blocks import HTML, Para, Table, fmt
from reluhard.teaching.docstring import construction_docs, doc_blocks
from reluhard.teaching.walkthrough import document

pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: one small YES instance per source kind: (file name, text)
INSTANCES = {
    "cnf": ("tiny.cnf", "p cnf 3 4\n1 2 3 0\n-1 -2 0\n2 -3 0\n-2 3 1 0\n"),
    # a triangle 1-2-3 and a pendant vertex 4 on 3: covers of size 2 exist, half-cliques too
    "graph": ("tiny.col", "p edge 4 4\ne 1 2\ne 2 3\ne 1 3\ne 3 4\n"),
    "cvp": (
        "tiny.cvp",
        "p cvp 2 2\nnorm 2\nradius 1\ncoefficients binary\nbasis [[1 0] [0 1]]\ntarget 1 1\n",
    ),
    # a half adder (the AIGER ASCII format): inputs x, y; outputs s = x ^ y, c = x & y
    "circuit": (
        "halfadder.aag",
        "aag 7 2 0 2 3\n2\n4\n6\n12\n6 13 15\n12 2 4\n14 3 5\ni0 x\ni1 y\no0 s\no1 c\n",
    ),
}
#: values of the required parameters, and of some optional ones, per parameter name
REQUIRED = {"q": "2", "M": "2"}
OPTIONAL = {"outputs": "01"}  # the half adder's output bits for x = y = 1


def _instance(tmp_path, kind: str):
    name, text = INSTANCES[kind]
    path = tmp_path / name
    path.write_text(text)
    return load_source(path)


def _params(red) -> dict[str, str]:
    out = {}
    for key, spec in red.params.items():
        if spec.required:
            assert key in REQUIRED, f"no test value for {red.name}'s required --param {key}"
            out[key] = REQUIRED[key]
        elif key in OPTIONAL:
            out[key] = OPTIONAL[key]
    return out


def _analysed(src, problem):
    """The HTML document's blocks, the figure, and the problem, for either walkthrough."""
    if src.kind in explain.OTHER_KINDS:
        walk = explain.OTHER_KINDS[src.kind]
        an = walk.analyse(src, problem, None, 60.0)
        return walk.document(an, HTML, None), walk.figure(an)
    ctx = analyse(src, problem, None, None)
    return document(ctx, HTML, None), diagram.network_figure(ctx)


def _pixels_near(png_path, colour: str, tol: float = 0.08) -> int:
    import matplotlib.image as mpimg
    from matplotlib.colors import to_rgb

    img = mpimg.imread(png_path)[..., :3]
    return int((np.abs(img - np.array(to_rgb(colour))).max(axis=-1) < tol).sum())


def _edges_end_at_box_sides(fig) -> None:
    """Every edge starts on the right side of its source unit's box and ends on the left
    side of its target's, and no box (so no label: labels and values are inside their
    boxes, which are as wide as the longest) lies across an edge's horizontal span."""
    lay = diagram.layout(fig)
    assert lay.edges
    boxes = [lay.box(k, i) for k, pos in enumerate(lay.ypos) for i in pos]
    for k, pos in enumerate(lay.ypos):
        for i in pos:  # the label and both values fit the box (monospace advance 0.602 em)
            text = len(fig.labels[k][i]) + 2 * 2
            text += len(diagram._value(fig.cert, k, i)) + len(diagram._value(fig.noncert, k, i))
            assert text * lay.fs * 0.602 / 72 <= lay.boxw[k] - 2 * lay.pad + 1e-9
    for x0, y0, x1, y1, _w in lay.edges:
        assert x0 < x1
        starts = [b for b in boxes if abs(b[2] - x0) < 1e-9 and b[1] <= y0 <= b[3]]
        ends = [b for b in boxes if abs(b[0] - x1) < 1e-9 and b[1] <= y1 <= b[3]]
        assert len(starts) == 1 and len(ends) == 1
        assert not [b for b in boxes if b[0] < x1 - 1e-9 and b[2] > x0 + 1e-9]


@pytest.mark.parametrize("name", list(reductions.MODULES))
def test_explain_every_reduction(tmp_path, name):
    red = reductions.REGISTRY[name]
    src = _instance(tmp_path, red.source_kind)
    problem = reduce_source(src, name, _params(red))
    out = tmp_path / "out"
    text = explain.explain(src, problem, None, out, 100)
    # text, HTML and PNG, none trivial
    assert "Step 1." in text and ("Exact check PASSED" in text or "confirmed in exact" in text)
    assert len(text) > 2_000
    page = (out / "explain.html").read_text(encoding="utf-8")
    png = (out / "network.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    assert len(page.encode()) > 10_000 and "data:image/png;base64," in page
    assert "<script" not in page.lower()
    # the figure is shown at full size: the img's size is the PNG's
    wpx, hpx = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert f'width="{wpx}" height="{hpx}"' in page

    doc, fig = _analysed(src, problem)
    # the truth table: every corner latent, its exact output and the exact check
    (table,) = [b for b in doc if isinstance(b, Table) and b.header[:2] == ["z", "G(z)"]]
    assert len(table.rows) == 2**problem.n
    params = reductions.params_of(problem)
    for row, mark in zip(table.rows, table.marks, strict=True):
        z = [float(Fraction(v)) for v in row[0].split()]
        exact = exact_output(problem.network, z)
        assert row[1] == "(" + ", ".join(fmt(v) for v in exact) + ")"
        solves = bool(check_latent(problem, z))
        assert row[-3] == ("yes" if solves else "no") and (mark == "fire") is not solves
        if "distance" in table.header:
            assert Fraction(row[2]) == truth.distance(problem, exact)
        if solves:  # a solution decodes to a certificate the source checker accepts
            cert = red.decode(src.instance, np.array(z), **params)
            assert red.fault(src.instance, cert, **params) is None and row[-1] == "certificate"
    assert any(r[-3] == "yes" for r in table.rows), "the test instances are YES instances"
    # the figure marks both latents' unit values, and the two differ somewhere
    assert fig.cert is not None and fig.noncert is not None
    assert check_latent(problem, fig.cert[0]) and not check_latent(problem, fig.noncert[0])
    for vals, z in ((fig.cert, fig.cert[0]), (fig.noncert, fig.noncert[0])):
        expected = diagram.layer_values(problem.network, z)
        assert [list(v) for v in vals] == [list(v) for v in expected]
    assert any((a != b).any() for a, b in zip(fig.cert, fig.noncert, strict=True))
    _edges_end_at_box_sides(fig)
    assert _pixels_near(out / "network.png", diagram.CERT_COLOUR) > 50
    assert _pixels_near(out / "network.png", diagram.NONCERT_COLOUR) > 50
    # graph, CVP and circuit pages state the construction from the module's docstring
    if src.kind != "cnf":
        paras = {b.text for b in doc if isinstance(b, Para)}
        for _where, docstring in construction_docs(red):
            body, _ = doc_blocks(docstring)
            first = next(b for b in body if isinstance(b, Para))
            assert first.text in paras


@pytest.mark.parametrize("name", ["vertexcover-binary", "cvp-real", "halfclique-binary"])
def test_constants_are_the_built_ones(tmp_path, name):
    """The step-3 table shows the constants the construction recorded (alpha, beta, gamma,
    delta^p), with the parameter values given."""
    red = reductions.REGISTRY[name]
    src = _instance(tmp_path, red.source_kind)
    problem = reduce_source(src, name, _params(red))
    doc, _ = _analysed(src, problem)
    (table,) = [b for b in doc if isinstance(b, Table) and b.header == ["name", "value", "meaning"]]
    shown = {r[0]: r[1] for r in table.rows}
    recorded = reductions.params_of(problem)
    assert shown.keys() == recorded.keys() and "alpha" in shown and "delta_pow" in shown
    assert all(shown[k] == str(v) for k, v in recorded.items())


def test_graph_via_cli_with_param(tmp_path, capsys):
    """``explain FILE.col --via ... --param KEY=VALUE`` works from the command line, and a
    missing required parameter is one line naming it."""
    from tests.helpers.cli import one_error_line, run_cli

    src = tmp_path / "g.col"
    src.write_text(INSTANCES["graph"][1])
    code, out, err = run_cli(capsys, ["explain", src, "--param", "q=2"])
    assert (code, err) == (0, "") and "Step 6. A non-certificate" in out
    code, out, err = run_cli(capsys, ["explain", src, "--via", "halfclique-real"])
    assert code == 1 and "--param M=" in one_error_line(err)
    code, out, err = run_cli(capsys, ["explain", src, "--param", "q"])
    assert code == 2 and "KEY=VALUE" in one_error_line(err)
    cert = tmp_path / "cert.txt"
    cert.write_text("1 -2 3 0\n")
    code, out, err = run_cli(capsys, ["explain", src, "--param", "q=2", "--cert", cert])
    assert code == 1 and "--cert is for CNF and circuit inputs" in one_error_line(err)
