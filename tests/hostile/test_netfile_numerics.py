# ruff: noqa: E501  (the case table keeps one case a line)
"""Odd numerics and ill-typed meta in network files (issue 21): NaN, infinities, 1e308,
subnormals, integers past 2^53, complex, string, datetime, structured and object dtypes,
broken CSR structure, and meta fields of the wrong type or size. The reader validates them
once, at load, so every command (info, invert, verify) gives the same one line."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from tests.helpers.cli import run_cli
from tests.helpers.instances import EXAMPLE

FINITE = "(weights, biases and targets must be finite)"
DIGITS = "(more than the budget of 1000; raise it with --max-digits or RELUHARD_MAX_DIGITS)"


def _set(key, index, value, dtype=None):
    def change(arrays, meta):
        a = arrays[key].astype(dtype or np.float64)
        a.flat[index] = value
        arrays[key] = a

    return change


def _retype(key, dtype):
    def change(arrays, meta):
        arrays[key] = np.zeros(arrays[key].shape, dtype=dtype)

    return change


def _array(key, value):
    def change(arrays, meta):
        arrays[key] = value

    return change


def _meta(path, value):
    def change(arrays, meta):
        node = meta
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value

    return change


STRUCT = np.dtype([("a", "<f8"), ("b", "<f8")])

#: (base file, id, change, the message after "PATH: ")
CASES = [
    ("dense", "nan", _set("W0", 0, np.nan), f"array 'W0' holds nan {FINITE}"),
    ("dense", "inf", _set("W0", 1, np.inf), f"array 'W0' holds inf {FINITE}"),
    ("dense", "bias-inf", _set("b0", 0, -np.inf), f"array 'b0' holds -inf {FINITE}"),
    ("dense", "target-nan", _set("target", 0, np.nan), f"array 'target' holds nan {FINITE}"),
    ("dense", "planted-inf", _set("planted", 0, np.inf), f"array 'planted' holds inf {FINITE}"),
    ("dense", "1e308", _set("W0", 0, 1e308), "array 'W0' holds 1e+308, beyond the limit 2^100"),
    ("dense", "subnormal", _set("W0", 0, 5e-324), "array 'W0' holds the subnormal number 4.94066e-324"),
    ("dense", "int-2^60", _set("W0", 0, 2**60, np.int64), "array 'W0' holds integers beyond 2^53, which float64 cannot hold exactly"),
    ("dense", "complex", _retype("W0", np.complex128), "array 'W0' has dtype complex128, not a real or integer number type"),
    ("dense", "string", _retype("W0", "<U3"), "array 'W0' has dtype <U3, not a real or integer number type"),
    ("dense", "datetime", _retype("W0", "datetime64[s]"), "array 'W0' has dtype datetime64[s], not a real or integer number type"),
    ("dense", "structured", _retype("W0", STRUCT), "array 'W0' has dtype [('a', '<f8'), ('b', '<f8')], not a real or integer number type"),
    ("dense", "float128", _retype("W0", np.longdouble), "array 'W0' has dtype float128, not a real or integer number type"),
    ("dense", "object", _retype("W0", object), "holds pickled (object) arrays, which reluhard never writes and refuses to load"),
    ("dense", "slope-string", _meta(("layers", 0, "slope"), "x"), "meta 'layers[0].slope' is 'x', not a number"),
    ("dense", "slope-nan", _meta(("layers", 0, "slope"), float("nan")), "meta 'layers[0].slope' is nan, not a finite number"),
    ("dense", "box-strings", _meta(("domain", "box"), ["a", "b"]), "meta 'domain.box lo' is 'a', not a number"),
    ("dense", "box-lists", _meta(("domain", "box"), [[1], [2]]), "meta 'domain.box lo' is [1], not a number"),
    ("dense", "box-string", _meta(("domain", "box"), "[-2, 2]"), "meta 'domain.box' is '[-2, 2]', not a pair [lo, hi]"),
    ("dense", "box-inf", _meta(("domain", "box"), [float("-inf"), 2]), "meta 'domain.box lo' is -inf, not a finite number"),
    ("dense", "delta-inf", _meta(("query", "delta"), float("inf")), "meta 'query.delta' is inf, not a finite number"),
    ("dense", "delta-string", _meta(("query", "delta"), "1e999999999"), "meta 'query.delta' is '1e999999999', not a number"),
    ("dense", "delta_pow-1/0", _meta(("query", "delta_pow"), "1/0"), "meta 'query.delta_pow' is '1/0', which divides by zero"),
    ("dense", "delta_pow-1e999999999", _meta(("query", "delta_pow"), "1e999999999"), f"meta 'query.delta_pow' '1e999999999' has 1000000000 digits {DIGITS}"),
    ("dense", "delta_pow-list", _meta(("query", "delta_pow"), [1]), "meta 'query.delta_pow' is [1], not an exact rational string"),
    ("dense", "p-zero", _meta(("query", "p"), 0), "meta 'query.p' is 0, not a norm (an integer 1..1024 or \"inf\")"),
    ("csr", "nvars-1e15", _meta(("source", "meta", "nvars"), 10**15), "meta 'source.meta.nvars' = 1000000000000000 would take about 7.11 PiB, over the budget (raise it with --max-size or RELUHARD_MAX_SIZE)"),
    ("csr", "nvars-string", _meta(("source", "meta", "nvars"), "3"), "meta 'source.meta.nvars' is '3', not a count"),
    ("csr", "indptr-descending", _array("W0.indptr", np.array([0, 5, 3, 8, 10], np.int32)), "layer 0: 'indptr' is not monotone from 0 to 10"),
    ("csr", "indptr-short", _array("W0.indptr", np.array([0, 10], np.int32)), "layer 0: 'indptr' has 2 entries for 4 rows (needs rows + 1)"),
    ("csr", "index-out-of-range", _set("W0.indices", 0, 99, np.int32), "layer 0: a column index is outside 0..2"),
    ("csr", "data-short", _array("W0.data", np.ones(9)), "layer 0: 'data' and 'indices' differ in length (9 vs 10)"),
    ("csr", "shape-huge", _array("W0.shape", np.array([10**12, 3])), "layer 0: 'indptr' has 5 entries for 1000000000000 rows (needs rows + 1)"),
    ("csr", "shape-negative", _array("W0.shape", np.array([-4, 3])), "layer 0: 'shape' must be two non-negative integers, got [-4, 3]"),
    ("csr", "shape-3", _array("W0.shape", np.array([4, 3, 1])), "layer 0: 'shape' must be two non-negative integers, got [4, 3, 1]"),
    ("csr", "csr-nan", _set("W0.data", 2, np.nan), f"array 'W0.data' holds nan {FINITE}"),
    ("csr", "dense-layer-inf", _set("W1", 0, np.inf), f"array 'W1' holds inf {FINITE}"),
]  # fmt: skip


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    """``dense``: a random LeakyReLU net with a box, biases and a planted latent;
    ``csr``: the sat-sign network of the shipped example (a CSR layer, a source)."""
    from reluhard import cli

    d = tmp_path_factory.mktemp("bases")
    assert cli.main(["random-net", "--widths", "3,5", "--box", "2", "--bias",
                     "--activation", "leaky_relu", "-o", str(d / "dense.npz")]) == 0  # fmt: skip
    assert cli.main(["reduce", str(EXAMPLE), "-o", str(d / "csr.npz")]) == 0
    return {"dense": d / "dense.npz", "csr": d / "csr.npz"}


def tamper(src, dst, change) -> None:
    """Copy network file ``src`` to ``dst`` with ``change(arrays, meta)`` applied."""
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")[()]))
    change(arrays, meta)
    arrays["meta"] = np.array(json.dumps(meta))
    with zipfile.ZipFile(dst, "w") as zf:
        for name, a in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(a), allow_pickle=True)
            zf.writestr(f"{name}.npy", buf.getvalue())


@pytest.mark.parametrize(("base", "change", "message"), [(c[0], c[2], c[3]) for c in CASES],
                         ids=[c[1] for c in CASES])  # fmt: skip
def test_every_command_refuses_the_file_in_one_line(capsys, tmp_path, bases, base, change, message):
    bad = tmp_path / "bad.npz"
    tamper(bases[base], bad, change)
    (tmp_path / "sol.json").write_text('{"answer": "UNKNOWN"}\n')
    for argv in (["info", bad], ["invert", bad], ["verify", bad, tmp_path / "sol.json"]):
        code, _, err = run_cli(capsys, argv)
        assert "Traceback" not in err
        assert (code, err.splitlines()) == (1, [f"{bad}: {message}"]), argv[0]


def test_the_untampered_bases_load(capsys, bases):
    for path in bases.values():
        code, _, err = run_cli(capsys, ["info", path])
        assert (code, err) == (0, "")
