"""Reading and writing instance files as bytes, transparently (de)compressing gzip, bzip2
and xz, and the small text helpers the readers' one-line error messages share.

On reading, the compression is recognised by the file's magic bytes, not its name, so a
``.cnf`` that is really gzipped (or a ``.gz`` that is not) is read correctly; on writing, by
the name's suffix.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from collections.abc import Callable, Sequence
from typing import IO, cast

from ..errors import InputError

_MAGIC: tuple[tuple[bytes, Callable[[bytes], bytes], str], ...] = (
    (b"\x1f\x8b", gzip.decompress, "gzip"),
    (b"BZh", bz2.decompress, "bzip2"),
    (b"\xfd7zXZ\x00", lzma.decompress, "xz"),
)


def read_raw(path: str | os.PathLike) -> bytes:
    """The file's bytes as stored (compressed or not), standard input for ``-``;
    :class:`InputError` if unreadable."""
    from .. import streams

    name = os.fspath(path)
    if name == streams.STDIO:
        return streams.read_stdin()
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


_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
}


def write_data(data: bytes, fp_or_path: str | os.PathLike | IO[str] | IO[bytes]) -> None:
    """Write ``data`` (UTF-8 text) to an open text or binary file, or to a path (atomically;
    ``-`` is standard output), compressed when the path ends in ``.gz``, ``.bz2`` or
    ``.xz``."""
    if hasattr(fp_or_path, "write"):
        if isinstance(fp_or_path, io.TextIOBase):
            fp_or_path.write(data.decode("utf-8"))
        else:  # any other file object takes bytes
            cast("IO[bytes]", fp_or_path).write(data)
        return
    from .. import atomic

    name = os.fspath(fp_or_path)
    compress = _COMPRESSORS.get(os.path.splitext(name)[1].lower())
    atomic.write_bytes(name, compress(data) if compress else data, "file", allow_stdout=True)


def show_token(token: bytes, limit: int = 40) -> str:
    """A token as it may appear in a one-line message: printable, and not too long."""
    text = token.decode("utf-8", "backslashreplace")
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return text if len(text) <= limit else text[:limit] + "..."


def count(n: int, noun: str) -> str:
    """``1 clause``, ``2 clauses``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def comment_lines(comments: Sequence[str] | str, lead: str = "c") -> str:
    """Each comment as ``c`` lines; a comment with line breaks becomes several lines."""
    if isinstance(comments, str):
        comments = [comments]
    out = []
    for comment in comments:
        for line in str(comment).splitlines() or [""]:
            out.append(f"{lead} {line}".rstrip() + "\n")
    return "".join(out)
