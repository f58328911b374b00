"""``reluhard export``: onnxruntime runs the exported network to reluhard's forward pass on
every reduction VNN-LIB can state and on random networks; what it cannot state is refused
in one line."""

from __future__ import annotations

import numpy as np
import pytest

from reluhard import netfile, reductions
from reluhard.errors import InputError
from reluhard.network import forward
from reluhard.randomnet import random_problem
from reluhard.vnn import export as vexport
from tests.helpers.cli import one_error_line, run_cli
from tests.helpers.instances import EXAMPLE
from tests.test_conformance import problems_of

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

REAL = sorted(name for name in reductions.REGISTRY if name.endswith("-real"))


def run_onnx(path, Z: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    dtype = np.float32 if sess.get_inputs()[0].type == "tensor(float)" else np.float64
    return np.vstack([sess.run(None, {"X": z[None].astype(dtype)})[0][0] for z in Z])


def assert_round_trip(problem, tmp_path, rng, points: int = 20) -> None:
    done = vexport.export(problem, str(tmp_path / "n.onnx"), str(tmp_path / "p.vnnlib"))
    box = problem.domain.bounds()
    Z = rng.uniform(box[0], box[1], size=(points, problem.n))
    want = forward(done.network, Z)
    got = run_onnx(tmp_path / "n.onnx", Z)
    # float32 arithmetic on float32-exact weights: equal up to float32 rounding of the sums
    tol = 1e-5 if done.dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * (1 + np.abs(want).max()))
    text = (tmp_path / "p.vnnlib").read_text()
    assert text.count("(declare-const X_") == problem.n
    assert text.count("(declare-const Y_") == done.network.out_dim


@pytest.mark.parametrize("name", REAL)
def test_every_real_reduction_round_trips_or_is_refused(name, tmp_path):
    rng = np.random.default_rng(0)
    exported = refused = 0
    for _, problem in problems_of(reductions.REGISTRY[name]):
        why = vexport.refusal(problem)
        if why:
            refused += 1
            assert "\n" not in why
            with pytest.raises(InputError):
                vexport.export(problem, str(tmp_path / "n.onnx"), None)
            continue
        exported += 1
        assert_round_trip(problem, tmp_path, rng)
    assert exported + refused > 0
    if name != "halfclique-real":  # its query is strict: never stated in VNN-LIB
        assert exported > 0, f"{name}: nothing exported"


@pytest.mark.parametrize("seed", range(4))
def test_random_nets_round_trip(seed, tmp_path):
    problem = random_problem([3, 7, 11], seed=seed, bias=True, box=6.0)
    assert_round_trip(problem, tmp_path, np.random.default_rng(seed))


def test_l1_head_is_the_norm(tmp_path):
    p = random_problem([3, 5, 4], seed=1, box=6.0)
    from reluhard.inversion import Query

    p1 = type(p)(p.network, p.target, p.domain, Query("approx", 1, 0.5, strict=False))
    head = vexport.exported_network(p1)
    Z = np.random.default_rng(2).uniform(-6, 6, size=(10, 3))
    np.testing.assert_allclose(
        forward(head, Z)[:, 0], np.abs(forward(p.network, Z) - p.target).sum(axis=1)
    )
    assert "(assert (<= Y_0 0.5))" in vexport.property_for(p1)
    assert_round_trip(p1, tmp_path, np.random.default_rng(3))


def test_cli_export_and_refusals(capsys, tmp_path):
    net = tmp_path / "a.npz"
    assert run_cli(capsys, ["reduce", EXAMPLE, "--via", "sat-real", "-o", net])[0] == 0
    code, out, _ = run_cli(
        capsys, ["export", net, "--onnx", tmp_path / "a.onnx", "--vnnlib", tmp_path / "a.vnnlib"]
    )
    assert code == 0 and "float32 weights" in out
    text = (tmp_path / "a.vnnlib").read_text()
    assert "(assert (<= Y_1 3))" in text and "(assert (>= X_0 -1))" in text
    sign = tmp_path / "s.npz"
    assert run_cli(capsys, ["reduce", EXAMPLE, "-o", sign])[0] == 0
    code, _, err = run_cli(capsys, ["export", sign, "--onnx", tmp_path / "s.onnx"])
    assert code == 1 and "export the real-latent reduction instead" in one_error_line(err)
    p2 = random_problem([2, 3], seed=0, box=5.0, noise="gaussian", level=0.1)
    netfile.write(p2, tmp_path / "g.npz")
    code, _, err = run_cli(capsys, ["export", tmp_path / "g.npz", "--vnnlib", tmp_path / "g.v"])
    assert code == 1 and "l_2 query is not linear" in one_error_line(err)
    assert not (tmp_path / "g.v").exists()
