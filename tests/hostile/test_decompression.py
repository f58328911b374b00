"""Decompression bombs (issue 21): a small compressed input that inflates past the
``max_input`` budget is refused while it streams, before it is parsed, within a bounded
peak RSS; an npz whose members declare more than the ``max_size`` budget is refused from
the declared sizes, before a member is read. Bombs are made here, in chunks, small on disk."""

from __future__ import annotations

import bz2
import io
import lzma
import zipfile
import zlib

import numpy as np
import pytest

from tests.helpers.cli import REFUSAL_RSS, run_bounded
from tests.helpers.instances import EXAMPLE
from tests.helpers.tiers import FULL

full_tier = pytest.mark.skipif(not FULL, reason="--full tier")

INPUT_HINT = "(raise it with --max-input or RELUHARD_MAX_INPUT)"
SIZE_HINT = "(raise it with --max-size or RELUHARD_MAX_SIZE)"
CHUNK = b"\0" * (1 << 20)


def gzip_bomb(path, mib: int) -> None:
    """A gzip member of ``mib`` MiB of zeros (a DIMACS comment line would not help: the
    zeros are refused by size before any parsing), written a chunk at a time."""
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(c.compress(CHUNK))
        f.write(c.flush())


def stream_bomb(path, compressor, mib: int) -> None:
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(compressor.compress(CHUNK))
        f.write(compressor.flush())


def test_a_1_gib_gzip_bomb_is_refused_at_the_default_budget(tmp_path):
    """1 GiB of zeros as 16 gzip members of 64 MiB (quicker to make than one member)."""
    gzip_bomb(tmp_path / "part.gz", 64)
    (tmp_path / "bomb.cnf.gz").write_bytes((tmp_path / "part.gz").read_bytes() * 16)
    assert (tmp_path / "bomb.cnf.gz").stat().st_size < 2 << 20
    run = run_bounded(["reduce", "bomb.cnf.gz", "-o", "out.npz"], tmp_path)
    assert (run.code, run.err.splitlines()) == (
        1,
        [f"bomb.cnf.gz: decompresses to more than 256 MiB, over the input budget {INPUT_HINT}"],
    )
    assert run.peak_rss < REFUSAL_RSS + (256 << 20), f"{run.peak_rss >> 20} MiB"
    assert run.seconds < 30


@full_tier
@pytest.mark.parametrize(
    ("name", "compressor"),
    [("bomb.cnf.bz2", bz2.BZ2Compressor), ("bomb.cnf.xz", lzma.LZMACompressor)],
)
def test_bzip2_and_xz_bombs_are_refused_at_a_lowered_budget(tmp_path, name, compressor):
    stream_bomb(tmp_path / name, compressor(), 24)
    run = run_bounded(["solve", name, "--max-input", "8M"], tmp_path)
    assert (run.code, run.err.splitlines()) == (
        1,
        [f"{name}: decompresses to more than 8 MiB, over the input budget {INPUT_HINT}"],
    )
    assert run.peak_rss < REFUSAL_RSS


@full_tier
def test_concatenated_members_count_together(tmp_path):
    """Two members each under the budget, together over it: refused (the budget is on the
    whole input, as gzip(1) reads all members)."""
    one = tmp_path / "one.gz"
    gzip_bomb(one, 6)
    (tmp_path / "two.cnf.gz").write_bytes(one.read_bytes() * 2)
    run = run_bounded(["reduce", "two.cnf.gz", "-o", "o.npz", "--max-input", "10M"], tmp_path)
    assert run.err.splitlines() == [
        f"two.cnf.gz: decompresses to more than 10 MiB, over the input budget {INPUT_HINT}"
    ]


@full_tier
def test_a_plain_input_over_the_budget_is_refused_unread(tmp_path):
    with open(tmp_path / "big.cnf", "wb") as f:
        f.write(b"c " + b"x" * (3 << 20) + b"\n")
    run = run_bounded(["reduce", "big.cnf", "-o", "o.npz", "--max-input", "1M"], tmp_path)
    assert run.err.splitlines() == [
        f"big.cnf: holds more than 1 MiB, over the input budget {INPUT_HINT}"
    ]


def test_a_compressed_input_under_the_budget_still_reads(tmp_path, capsys):
    from reluhard.problems.textio import decompress

    data = EXAMPLE.read_bytes()
    for pack in (zlib.compress, bz2.compress, lzma.compress):
        if pack is zlib.compress:
            c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            packed = c.compress(data) + c.flush()
        else:
            packed = pack(data)
        assert decompress(packed, "x") == data
        assert decompress(packed + packed, "x") == data + data


def test_a_truncated_stream_is_still_reported_as_truncated(tmp_path):
    from reluhard.errors import InputError
    from reluhard.problems.textio import decompress

    packed = lzma.compress(EXAMPLE.read_bytes() * 50)
    with pytest.raises(InputError, match="corrupt or truncated xz data"):
        decompress(packed[:-20], "x.xz")


def npz_bomb(path, member_mib: int) -> None:
    """A network file whose one member ``W0.npy`` declares and holds ``member_mib`` MiB of
    zeros, deflated to about a thousandth of that."""
    header = io.BytesIO()
    count = (member_mib << 20) // 8
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (count,)}
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        meta = io.BytesIO()
        np.lib.format.write_array(meta, np.array('{"schema": "reluhard.net/1"}'))
        zf.writestr("meta.npy", meta.getvalue())
        with zf.open("W0.npy", "w", force_zip64=True) as f:
            f.write(header.getvalue())
            for _ in range(member_mib):
                f.write(CHUNK)


@pytest.mark.parametrize(
    "command", [["info"], ["invert"], ["verify", "SOL"]] if FULL else [["verify", "SOL"]]
)
def test_a_zip_bomb_inside_an_npz_is_refused_by_its_declared_size(tmp_path, command):
    npz_bomb(tmp_path / "bomb.npz", 96)
    assert (tmp_path / "bomb.npz").stat().st_size < 2 << 20
    (tmp_path / "SOL").write_text('{"answer": "UNKNOWN"}\n')
    argv = [command[0], "bomb.npz", *command[1:], "--max-size", "64M"]
    run = run_bounded(argv, tmp_path)
    assert (run.code, run.err.splitlines()) == (
        1,
        [f"bomb.npz: its arrays hold 96 MiB uncompressed, over the budget of 64 MiB {SIZE_HINT}"],
    )
    assert run.peak_rss < REFUSAL_RSS


def test_an_npz_member_declaring_more_than_it_stores_is_refused(tmp_path, capsys):
    """A ``.npy`` header may declare any shape; numpy would allocate it before finding the
    data short."""
    from tests.helpers.cli import run_cli

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (1 << 40,)}
    )
    with zipfile.ZipFile(tmp_path / "liar.npz", "w") as zf:
        meta = io.BytesIO()
        np.lib.format.write_array(meta, np.array('{"schema": "reluhard.net/1"}'))
        zf.writestr("meta.npy", meta.getvalue())
        zf.writestr("W0.npy", header.getvalue() + b"\0" * 64)
    code, _, err = run_cli(capsys, ["info", tmp_path / "liar.npz"])
    assert (code, err.splitlines()) == (
        1,
        [
            f"{tmp_path / 'liar.npz'}: array 'W0' declares shape (1099511627776,) (8 TiB) "
            "but stores 192 bytes"
        ],
    )
