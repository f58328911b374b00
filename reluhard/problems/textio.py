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
import stat
import sys
import zlib
from collections.abc import Callable, Sequence
from typing import IO, Any, cast

from .. import limits
from ..errors import InputError

_MAGIC: tuple[tuple[bytes, Callable[[], Any], str], ...] = (
    (b"\x1f\x8b", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), "gzip"),
    (b"BZh", bz2.BZ2Decompressor, "bzip2"),
    (b"\xfd7zXZ\x00", lzma.LZMADecompressor, "xz"),
)

_CHUNK = 1 << 20


def open_input(path: str | os.PathLike, what: str = "file") -> IO[bytes]:
    """``path`` opened for reading bytes, refused (:class:`InputError`) unless it is a
    regular file: a FIFO would block forever and ``/dev/zero`` or ``/dev/urandom`` never
    end, so they are refused by type before they are opened (the one place every input,
    solution file and proof is opened). ``-`` is standard input."""
    from .. import streams

    name = os.fspath(path)
    if name == streams.STDIO:
        return sys.stdin.buffer
    try:
        mode = os.stat(name).st_mode
        if not stat.S_ISREG(mode):
            kind = _special_kind(mode)
            raise InputError(
                name, None, f"not a regular file ({kind}); reluhard reads only regular files"
            )
        return open(name, "rb")
    except OSError as e:
        raise InputError(name, None, f"cannot read {what}: {e.strerror or e}") from None


def _special_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def read_raw(path: str | os.PathLike, what: str = "file") -> bytes:
    """The file's bytes as stored (compressed or not); :class:`InputError` if it is not a
    regular file, cannot be read, or holds more than the ``max_input`` budget
    (:mod:`reluhard.limits`)."""
    name = os.fspath(path)
    cap = limits.current().max_input
    f = open_input(name, what)
    try:
        data = f.read(cap + 1)
    except OSError as e:
        raise InputError(name, None, f"cannot read {what}: {e.strerror or e}") from None
    finally:
        if f is not sys.stdin.buffer:
            f.close()
    if len(data) > cap:
        raise InputError(name, None, limits.input_fault("holds"))
    return data


def decompress(raw: bytes, name: str) -> bytes:
    """``raw`` decompressed if it starts with a gzip, bzip2 or xz magic number, else as is.

    Streamed a chunk at a time and stopped at the ``max_input`` budget, so a small bomb
    (1 MB of gzip that inflates to 1 GiB) is refused before it fills memory. Concatenated
    streams (``cat a.gz b.gz``) are read whole, as gzip(1) does."""
    for magic, unpacker, kind in _MAGIC:
        if raw.startswith(magic):
            try:
                return _inflate(raw, magic, unpacker, name)
            except InputError:
                raise
            except (OSError, EOFError, lzma.LZMAError, ValueError, zlib.error) as e:
                raise InputError(name, None, f"corrupt or truncated {kind} data ({e})") from None
    return raw


def _inflate(raw: bytes, magic: bytes, unpacker: Callable[[], Any], name: str) -> bytes:
    cap = limits.current().max_input
    out: list[bytes] = []
    total = 0
    rest = raw
    while rest:
        d = unpacker()
        tail = hasattr(d, "unconsumed_tail")  # zlib keeps unread input there
        data = rest
        while not d.eof:
            piece = d.decompress(data, _CHUNK)
            data = d.unconsumed_tail if tail else b""
            total += len(piece)
            if total > cap:
                raise InputError(name, None, limits.input_fault("decompresses to"))
            out.append(piece)
            if not piece and not data and (tail or d.needs_input):
                raise EOFError("the compressed stream ends early")
        rest = d.unused_data
        if not rest.startswith(magic):
            if rest.strip(b"\x00"):
                raise ValueError("trailing data after the compressed stream")
            break
    return b"".join(out)


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
