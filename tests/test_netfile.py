"""Tests for reluhard.netfile: bit-exact round trips, byte-for-byte re-writing, the plain-array
layout (no pickles), sparse layers staying sparse and small, and every kind of bad file
reported as one InputError line (also through ``reluhard info``)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from reluhard import cli, netfile, pipeline
from reluhard.errors import InputError
from reluhard.inversion import Domain, InversionProblem, Query, ReductionRecord
from reluhard.network import Layer, Network
from reluhard.problems.cnf import CNF, random_kcnf

CNFS = {
    "small": CNF.from_clauses([[1, -2], [2, 3], [-1]]),
    "no-clauses": CNF.from_clauses([], nvars=3),
    "empty-formula": CNF.from_clauses([]),
    "empty-clause": CNF.from_clauses([[1, 2], []], nvars=2),
    "repeats-and-tautology": CNF.from_clauses([[1, 1, -1], [2, 2], [-3, 4]], nvars=5),
    "random-3cnf": random_kcnf(30, 128, 3, np.random.default_rng(7)),
}
VIAS = ["sat-sign", "sat-real"]


# --------------------------------------------------------------------------- helpers


def assert_same_array(got, want, what: str) -> None:
    """Equal shape and values; floats must be float64 and identical bit for bit."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, what
    if want.dtype.kind == "f" or got.dtype.kind == "f":
        assert got.dtype == want.dtype == np.float64, what
        assert got.tobytes() == want.tobytes(), what
    else:
        assert got.dtype.kind in "iu", what
        assert np.array_equal(got, want), what


def assert_same_problem(got: InversionProblem, want: InversionProblem) -> None:
    assert len(got.network.layers) == len(want.network.layers)
    for i, (g, w) in enumerate(zip(got.network.layers, want.network.layers, strict=True)):
        assert g.sparse == w.sparse, i
        assert g.shape == w.shape, i
        assert (g.activation, g.slope) == (w.activation, w.slope), i
        if w.sparse:
            assert_same_array(g.W.data, w.W.data, f"W{i}.data")
            assert_same_array(g.W.indices, w.W.indices, f"W{i}.indices")
            assert_same_array(g.W.indptr, w.W.indptr, f"W{i}.indptr")
        else:
            assert_same_array(g.W, w.W, f"W{i}")
        assert_same_array(g.b, w.b, f"b{i}")
    assert_same_array(got.target, want.target, "target")
    assert got.domain == want.domain
    assert got.query == want.query
    assert got.reduction == want.reduction
    if want.source is None:
        assert got.source is None
    else:
        s, t = got.source, want.source
        assert (s.kind, s.name, s.sha256) == (t.kind, t.name, t.sha256)
        assert s.instance == t.instance
        assert s.instance.nvars == t.instance.nvars
        assert_same_array(s.instance.literals, t.instance.literals, "source.literals")
        assert_same_array(s.instance.offsets, t.instance.offsets, "source.offsets")


def dense_problem() -> InversionProblem:
    W1 = np.array([[1.0, -2.5, 0.1], [0.3, -0.0, 4.0], [2.0**-1000, 1e29, -7.0], [0.0, 1.0, 2.0]])
    W2 = np.array([[1.0, -1.0, 0.5, 1 / 3]])
    net = Network(
        (
            Layer(W1, np.array([0.5, -0.0, 1.0, -2.0]), "leaky_relu", 0.2),
            Layer(W2, np.array([0.25]), "identity"),
        )
    )
    return InversionProblem(
        net,
        np.array([0.1]),
        Domain("box", -2.0, 3.5),
        Query("approx", 2, 0.5, strict=False),
        ReductionRecord("hand-made", params={"k": 3}),
        None,
    )


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("valid") / "valid.npz"
    netfile.write(pipeline.reduce_instance(CNFS["random-3cnf"], via="sat-sign"), path)
    return path


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("name", list(CNFS))
def test_round_trip_is_bit_exact(tmp_path, name, via):
    problem = pipeline.reduce_instance(CNFS[name], via=via)
    path = tmp_path / "net.npz"
    netfile.write(problem, path)
    back = netfile.read(path)
    assert_same_problem(back, problem)
    assert back.reduction.name == via
    # write(read(f)) reproduces f byte for byte
    again = tmp_path / "again.npz"
    netfile.write(back, again)
    assert again.read_bytes() == path.read_bytes()


def test_dense_leaky_relu_box_approx_round_trip(tmp_path):
    problem = dense_problem()
    path = tmp_path / "dense.npz"
    netfile.write(problem, path)
    back = netfile.read(path)
    assert_same_problem(back, problem)
    assert not any(layer.sparse for layer in back.network.layers)
    assert back.network.layers[0].activation == "leaky_relu"
    assert back.network.layers[0].slope == 0.2
    assert back.domain == Domain("box", -2.0, 3.5)
    assert back.query == Query("approx", 2, 0.5, strict=False)
    assert back.source is None
    with np.load(path, allow_pickle=False) as npz:
        assert {"W0", "W1"} <= set(npz.files)
        assert not any(k.startswith(("W0.", "W1.", "source.")) for k in npz.files)
    again = tmp_path / "again.npz"
    netfile.write(back, again)
    assert again.read_bytes() == path.read_bytes()


def test_writer_is_deterministic(tmp_path):
    """Writing the same problem twice, under different names, gives the same bytes."""
    problem = pipeline.reduce_instance(CNFS["random-3cnf"], via="sat-real")
    (tmp_path / "d").mkdir()
    a, b = tmp_path / "a.npz", tmp_path / "d" / "other-name.npz"
    netfile.write(problem, a)
    netfile.write(problem, b)
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "d"]  # no temp files left


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("via", VIAS)
def test_members_are_plain_arrays(tmp_path, via):
    path = tmp_path / "net.npz"
    netfile.write(pipeline.reduce_instance(CNFS["small"], via=via), path)
    with zipfile.ZipFile(path) as zf:
        assert all(n.endswith(".npy") for n in zf.namelist())
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for key, arr in arrays.items():
        assert type(arr) is np.ndarray, key
        assert arr.dtype != object and not arr.dtype.hasobject, key
        assert arr.dtype.kind in "fiuU", key
    meta = arrays["meta"]
    assert meta.shape == () and meta.dtype.kind == "U"
    parsed = json.loads(str(meta[()]))
    assert parsed["schema"] == "reluhard.net/1" == netfile.SCHEMA
    problem = netfile.read(path)
    formats = ["csr" if layer.sparse else "dense" for layer in problem.network.layers]
    assert [entry["format"] for entry in parsed["layers"]] == formats
    assert formats[0] == "csr"
    for i, fmt in enumerate(formats):
        names = {f"W{i}.data", f"W{i}.indices", f"W{i}.indptr", f"W{i}.shape"}
        assert (names <= arrays.keys()) == (fmt == "csr")
        assert (f"W{i}" in arrays) == (fmt == "dense")
    assert parsed["reduction"]["name"] == via
    assert parsed["source"]["kind"] == "cnf"
    assert arrays["source.literals"].dtype == np.int32
    assert arrays["source.offsets"].dtype == np.int64


def test_sparse_stays_sparse_and_small(tmp_path):
    cnf = random_kcnf(5000, 20000, 3, np.random.default_rng(2024))
    problem = pipeline.reduce_instance(cnf, via="sat-sign")
    path = tmp_path / "big.npz"
    netfile.write(problem, path)
    with np.load(path, allow_pickle=False) as npz:
        files = set(npz.files)
        meta = json.loads(str(npz["meta"][()]))
    assert problem.network.layers[0].sparse
    assert {"W0.data", "W0.indices", "W0.indptr", "W0.shape"} <= files
    assert "W0" not in files
    for i, layer in enumerate(problem.network.layers):  # every sparse layer stays CSR
        if layer.sparse:
            assert f"W{i}.data" in files and f"W{i}" not in files
            assert meta["layers"][i]["format"] == "csr"
    nliterals = cnf.literals.size
    assert nliterals == 60000
    assert path.stat().st_size < 40 * nliterals
    back = netfile.read(path)
    assert [layer.sparse for layer in back.network.layers] == [
        layer.sparse for layer in problem.network.layers
    ]
    assert back.network.layers[0].shape == (20000, 5000)
    assert back.source.instance == cnf


# --------------------------------------------------------------------------- bad files


def _savez(path: Path, **arrays) -> None:
    with open(path, "wb") as f:  # a file object: np.savez must not append ".npz"
        np.savez(f, **arrays)


def _meta(schema: str) -> np.ndarray:
    return np.array(json.dumps({"schema": schema}))


def bad_text(tmp: Path, valid: Path) -> Path:
    p = tmp / "notes.npz"
    p.write_text("this is a text file\nnot a network\n")
    return p


def bad_random_bytes(tmp: Path, valid: Path) -> Path:
    p = tmp / "random.npz"
    data = bytearray(np.random.default_rng(1).bytes(4096))
    data[0] = 0x00  # neither a zip nor an .npy magic
    p.write_bytes(bytes(data))
    return p


def bad_single_npy(tmp: Path, valid: Path) -> Path:
    p = tmp / "single.npy"
    with open(p, "wb") as f:
        np.save(f, np.arange(10.0))
    return p


def bad_no_meta(tmp: Path, valid: Path) -> Path:
    p = tmp / "nometa.npz"
    _savez(p, W0=np.eye(3), b0=np.zeros(3), target=np.zeros(3))
    return p


def bad_meta_not_json(tmp: Path, valid: Path) -> Path:
    p = tmp / "notjson.npz"
    _savez(p, meta=np.array("{this is not json"), target=np.zeros(1))
    return p


def bad_other_schema(tmp: Path, valid: Path) -> Path:
    p = tmp / "other.npz"
    _savez(p, meta=_meta("other.thing/1"), target=np.zeros(1))
    return p


def bad_newer_schema(tmp: Path, valid: Path) -> Path:
    p = tmp / "newer.npz"
    _savez(p, meta=_meta("reluhard.net/2"), target=np.zeros(1))
    return p


def bad_pickled(tmp: Path, valid: Path) -> Path:
    p = tmp / "pickled.npz"
    with np.load(valid, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["extra"] = np.array([{"a": 1}, None, "x"], dtype=object)
    _savez(p, **arrays)  # allow_pickle is on by default when saving
    return p


def bad_truncated(tmp: Path, valid: Path) -> Path:
    p = tmp / "truncated.npz"
    data = valid.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def bad_layer_missing(tmp: Path, valid: Path) -> Path:
    p = tmp / "missing_layer.npz"
    with zipfile.ZipFile(valid) as zin, zipfile.ZipFile(p, "w") as zout:
        assert "W0.data.npy" in zin.namelist()
        for name in zin.namelist():
            if name != "W0.data.npy":
                zout.writestr(name, zin.read(name))
    return p


def bad_nonexistent(tmp: Path, valid: Path) -> Path:
    return tmp / "no" / "such.npz"


BAD_FILES = {
    "text-file": (bad_text, ["not a reluhard network file"]),
    "random-bytes": (bad_random_bytes, ["not a reluhard network file"]),
    "single-npy": (bad_single_npy, [".npy", "not a reluhard network file"]),
    "npz-without-meta": (bad_no_meta, ["not a reluhard network file", "meta"]),
    "meta-not-json": (bad_meta_not_json, ["not a reluhard network file", "JSON"]),
    "other-schema": (bad_other_schema, ["not a reluhard network file", "other.thing/1"]),
    "newer-schema": (bad_newer_schema, ["reluhard.net/2", "newer", "upgrade"]),
    "pickled-object-array": (bad_pickled, ["pickle"]),
    "truncated": (bad_truncated, ["truncated"]),
    "layer-missing": (bad_layer_missing, ["inconsistent", "W0.data"]),
    "nonexistent": (bad_nonexistent, ["cannot read"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_one_input_error(tmp_path, valid_file, case):
    make, words = BAD_FILES[case]
    path = make(tmp_path, valid_file)
    with pytest.raises(InputError) as info:
        netfile.read(path)
    message = str(info.value)
    assert (info.value.path, info.value.line) == (str(path), None)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)
    if case != "layer-missing":  # its meta is fine: only read() notices (tested below)
        with pytest.raises(InputError) as info_meta:
            netfile.read_meta(path)
        assert str(info_meta.value) == message


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_through_info_is_one_stderr_line(tmp_path, valid_file, capsys, case):
    make, words = BAD_FILES[case]
    path = make(tmp_path, valid_file)
    capsys.readouterr()
    assert cli.main(["info", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: ")
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_layer_missing_meta_alone_still_reads(tmp_path, valid_file):
    """read_meta only checks the container and schema; read() finds the missing layer."""
    path = bad_layer_missing(tmp_path, valid_file)
    meta, arrays = netfile.read_meta(path)
    assert meta["schema"] == netfile.SCHEMA
    assert "W0.data" not in arrays and "W0.indices" in arrays


def test_object_meta_is_refused_as_pickle(tmp_path):
    p = tmp_path / "objmeta.npz"
    _savez(p, meta=np.array([json.dumps({"schema": "reluhard.net/1"})], dtype=object))
    with pytest.raises(InputError, match="pickle"):
        netfile.read(p)


def _member_data_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where a member's (possibly compressed) bytes start: after its local header."""
    fnlen = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extralen = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    return info.header_offset + 30 + fnlen + extralen


def _flip(src: Path, dst: Path, member: str, where) -> None:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(member)
    data[_member_data_offset(bytes(data), info) + where(info.compress_size)] ^= 0xFF
    dst.write_bytes(bytes(data))


def test_corrupt_stored_member_is_an_input_error(tmp_path, valid_file):
    """A flipped byte inside a member fails the zip CRC check: still one InputError."""
    stored = tmp_path / "stored.npz"
    with zipfile.ZipFile(valid_file) as zin, zipfile.ZipFile(stored, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_STORED)
    assert netfile.read(stored).source.instance == CNFS["random-3cnf"]
    bad = tmp_path / "crc.npz"
    _flip(stored, bad, "source.literals.npy", lambda size: size // 2)
    with pytest.raises(InputError) as err:
        netfile.read(bad)
    assert str(err.value).startswith(f"{bad}: ")
    assert "corrupt" in str(err.value)


def test_corrupt_deflated_member_is_an_input_error(tmp_path):
    plain = tmp_path / "plain.npz"
    netfile.write(dense_problem(), plain)
    deflated = tmp_path / "deflated.npz"
    big = np.zeros((64, 256))
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(deflated, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info), compress_type=zipfile.ZIP_DEFLATED)
        buf = io.BytesIO()
        np.lib.format.write_array(buf, big, allow_pickle=False)
        zout.writestr("padding.npy", buf.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
    bad = tmp_path / "bad_deflate.npz"
    _flip(deflated, bad, "padding.npy", lambda size: 5)
    with pytest.raises(InputError) as err:
        netfile.read(bad)
    assert str(err.value).startswith(f"{bad}: ")


# Reading a file whose meta has the right schema but a field of the wrong JSON type must
# still end in an InputError (read_meta's docstring: "every way a file can be wrong").


def _with_meta(tmp: Path, valid: Path, edit) -> Path:
    with np.load(valid, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays["meta"][()]))
    edit(meta)
    arrays["meta"] = np.array(json.dumps(meta))
    p = tmp / "edited.npz"
    _savez(p, **arrays)
    return p


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("layers", 5),
        ("query", "exact"),
        ("source", "cnf"),
        ("domain", "sign"),
    ],
)
def test_meta_field_of_wrong_type_is_an_input_error(tmp_path, valid_file, field, value):
    path = _with_meta(tmp_path, valid_file, lambda m: m.__setitem__(field, value))
    with pytest.raises(InputError) as info:
        netfile.read(path)
    assert str(info.value).startswith(f"{path}: inconsistent network file")


def test_info_on_non_object_reduction_is_one_line(tmp_path, valid_file, capsys):
    path = _with_meta(tmp_path, valid_file, lambda m: m.__setitem__("reduction", "sat-sign"))
    assert cli.main(["info", str(path)]) in (0, 1)
    _, err = capsys.readouterr()
    assert len(err.splitlines()) <= 1
