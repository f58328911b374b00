"""Writing output files safely: atomically, and never over an input.

Every file the tool writes goes through :func:`write_bytes` (or :func:`write_text`): the
data go to a temporary file in the same folder, which then replaces the target in one
``os.replace``, so a run that fails (or is killed) part way never leaves a half-written
file where a good one was. :func:`refuse_inputs` is the check every command makes before
it starts: an output path that names one of its inputs (the same file, after resolving
links and relative paths) is refused with one line, since writing it would destroy the
input (``reduce F -o F``).

The name ``-`` (:data:`reluhard.streams.STDIO`) is standard output where a writer allows
it (``allow_stdout``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .errors import InputError
from .streams import STDIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: str | os.PathLike, what: str) -> Iterator[str]:
    """A temporary path beside ``path`` to write to; on leaving the block without an
    error it replaces ``path`` (one ``os.replace``), else it is removed. An ``OSError`` is
    the one-line :class:`InputError` naming ``path`` and ``what`` it is."""
    name = os.fspath(path)
    if name == STDIO:
        raise InputError(
            None, None, f"a {what} cannot be written to standard output (-o -); name a file"
        )
    folder = os.path.dirname(os.path.abspath(name))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(name)}.", suffix=".tmp")
        os.close(fd)
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, name)
        tmp = None
    except OSError as e:
        raise InputError(name, None, f"cannot write {what}: {e.strerror or e}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)


def write_bytes(
    path: str | os.PathLike, data: bytes, what: str, *, allow_stdout: bool = False
) -> None:
    """Write ``data`` to ``path`` atomically (:func:`replacing`); ``what`` names the file in
    the one-line :class:`InputError` when that fails. With ``allow_stdout``, ``-`` is
    standard output."""
    if os.fspath(path) == STDIO and allow_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with replacing(path, what) as tmp, open(tmp, "wb") as f:
        f.write(data)


def write_text(
    path: str | os.PathLike, text: str, what: str, *, allow_stdout: bool = False
) -> None:
    """:func:`write_bytes` of ``text`` in UTF-8."""
    write_bytes(path, text.encode("utf-8"), what, allow_stdout=allow_stdout)


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether ``a`` and ``b`` name the same file (both existing: the same inode; else the
    same resolved path). ``-`` is never a file."""
    a, b = os.fspath(a), os.fspath(b)
    if STDIO in (a, b):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_inputs(
    outputs: Iterable[str | os.PathLike | None], inputs: Iterable[str | os.PathLike | None]
) -> None:
    """:class:`InputError` (one line, naming the output) if an output names an input or
    another output."""
    ins = [os.fspath(p) for p in inputs if p is not None]
    outs = [os.fspath(p) for p in outputs if p is not None]
    for i, out in enumerate(outs):
        hit = next((p for p in ins if same_file(out, p)), None)
        if hit is not None:
            raise InputError(out, None, f"the output is the input {hit}: refusing to overwrite it")
        twice = next((p for p in outs[:i] if same_file(out, p)), None)
        if twice is not None:
            raise InputError(out, None, "two outputs name the same file")
