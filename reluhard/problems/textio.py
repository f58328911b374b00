"""Reading instance files as bytes, transparently decompressing gzip, bzip2 and xz.

The compression is recognised by the file's magic bytes, not its name, so a ``.cnf`` that is
really gzipped (or a ``.gz`` that is not) is read correctly.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os

from ..errors import InputError

_MAGIC = (
    (b"\x1f\x8b", gzip.decompress, "gzip"),
    (b"BZh", bz2.decompress, "bzip2"),
    (b"\xfd7zXZ\x00", lzma.decompress, "xz"),
)


def read_raw(path: str | os.PathLike) -> bytes:
    """The file's bytes as stored (compressed or not); :class:`InputError` if unreadable."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            return f.read()
    except OSError as e:
        raise InputError(name, None, f"cannot read file: {e.strerror or e}") from None


def decompress(raw: bytes, name: str) -> bytes:
    """``raw`` decompressed if it starts with a gzip, bzip2 or xz magic number, else as is."""
    for magic, unpack, kind in _MAGIC:
        if raw.startswith(magic):
            try:
                return unpack(raw)
            except (OSError, EOFError, lzma.LZMAError, ValueError) as e:
                raise InputError(name, None, f"corrupt or truncated {kind} data ({e})") from None
    return raw


def read_bytes(path: str | os.PathLike) -> bytes:
    """Return the (decompressed) contents of ``path``.

    Raises :class:`InputError` when the file cannot be read or its compressed stream is
    corrupt or truncated.
    """
    return decompress(read_raw(path), os.fspath(path))
