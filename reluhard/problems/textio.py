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


def read_bytes(path: str | os.PathLike) -> bytes:
    """Return the (decompressed) contents of ``path``; ``-`` is not special.

    Raises :class:`InputError` when the file cannot be read or its compressed stream is
    corrupt or truncated.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(name, None, f"cannot read file: {e.strerror or e}") from None
    for magic, decompress, kind in _MAGIC:
        if raw.startswith(magic):
            try:
                return decompress(raw)
            except (OSError, EOFError, lzma.LZMAError, ValueError) as e:
                raise InputError(name, None, f"corrupt or truncated {kind} data ({e})") from None
    return raw
