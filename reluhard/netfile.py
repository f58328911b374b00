"""The network file: an ``.npz`` archive of schema ``reluhard.net/1``.

Arrays only (loaded with ``allow_pickle=False``):

- layer ``i``: ``W{i}`` (dense) or ``W{i}.data`` / ``W{i}.indices`` / ``W{i}.indptr`` /
  ``W{i}.shape`` (CSR), and ``b{i}``; ``target``. Weights and biases are float64, or a
  signed integer type when every value is an integer (readers convert to float64); CSR
  indices and indptr are int32 or int64;
- the source instance under ``source.*`` (for a CNF: ``source.literals`` int32, all literals
  flat, and ``source.offsets`` int64, clause ``j`` being ``literals[offsets[j]:offsets[j+1]]``);
- optionally ``planted``: float64, the latent the target was made from (``random-net`` files),
  against which back ends report their latent error;
- optionally data arrays a recovery loss needs, named ``spiked.*`` (``spiked.M``, the
  spiked-Wigner matrix of :mod:`reluhard.measurements`);
- ``meta``: one JSON string (a 0-d unicode array) holding ``schema``, per-layer
  ``activation`` / ``slope`` / ``format`` / ``shape``, the latent ``domain``, the ``query``,
  the ``reduction`` (name, paper, theorem, parameters), the ``source`` (kind, sha256 of the
  source text, file name, kind-specific metadata) and the ``tool`` version.

The writer is deterministic (fixed member order and timestamps, canonical JSON, the choice
of compression a function of the content), so ``write(read(f))`` reproduces ``f`` byte for
byte. Weights and biases that are all integers are stored as int8/int16/int32 (exact; read
back as float64), index arrays as int32 where they fit. A member is deflated (level 1) only
when a sample of it shrinks more than tenfold, and stored otherwise: deflating index arrays
would dominate the time of ``reduce`` for little gain. The file is linear in the number of
literals either way.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__, atomic, netcheck
from .errors import InputError
from .inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from .lazy import lazy_module
from .network import Layer, Network
from .problems.kinds import KINDS
from .problems.textio import open_input

if TYPE_CHECKING:
    import scipy.sparse as sp
else:
    sp = lazy_module("scipy.sparse")  # for reading: writing needs no scipy

SCHEMA = "reluhard.net/1"
SCHEMA_PREFIX = "reluhard.net/"
#: member names of :attr:`InversionProblem.extra` arrays
EXTRA_PREFIXES = ("spiked.",)
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _arrays(problem: InversionProblem) -> tuple[dict[str, np.ndarray], dict]:
    arrays: dict[str, np.ndarray] = {}
    layers = []
    for i, layer in enumerate(problem.network.layers):
        if layer.sparse:
            W = layer.csr_parts
            index = np.int32 if W.nnz < 2**31 else np.int64
            arrays[f"W{i}.data"] = _compact(W.data)
            arrays[f"W{i}.indices"] = W.indices.astype(np.int32)
            arrays[f"W{i}.indptr"] = W.indptr.astype(index)
            arrays[f"W{i}.shape"] = np.array(W.shape, dtype=np.int64)
        else:
            arrays[f"W{i}"] = _compact(layer.W)
        arrays[f"b{i}"] = _compact(layer.b)
        entry: dict[str, Any] = {
            "activation": layer.activation,
            "format": "csr" if layer.sparse else "dense",
            "shape": list(layer.shape),
        }
        if layer.activation in ("leaky_relu", "smooth_leaky_relu"):
            entry["slope"] = layer.slope
        layers.append(entry)
    arrays["target"] = problem.target
    if problem.planted is not None:
        arrays["planted"] = problem.planted
    arrays.update({k: np.asarray(v, dtype=np.float64) for k, v in problem.extra.items()})
    meta = {
        "schema": SCHEMA,
        "layers": layers,
        "domain": problem.domain.to_json(),
        "query": problem.query.to_json(),
        "reduction": {} if problem.reduction is None else problem.reduction.to_json(),
        "tool": f"reluhard {__version__}",
    }
    src = problem.source
    if src is not None:
        src_arrays, src_meta = KINDS[src.kind].to_arrays(src.instance)
        arrays.update({f"source.{k}": v for k, v in src_arrays.items()})
        meta["source"] = {
            "kind": src.kind,
            "sha256": src.sha256,
            "name": src.name,
            "meta": src_meta,
        }
    return arrays, meta


def _compact(a: np.ndarray) -> np.ndarray:
    """A float64 array whose values are all integers in the int8/int16/int32 range is stored
    in that integer type (exactly the same values; readers convert back to float64)."""
    if a.dtype != np.float64 or a.size == 0:
        return a
    lo, hi = a.min(), a.max()
    if not (np.isfinite(lo) and np.isfinite(hi)) or not np.array_equal(a, np.trunc(a)):
        return a
    ints: tuple[type[np.signedinteger], ...] = (np.int8, np.int16, np.int32)
    for t in ints:
        if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max:
            return a.astype(t)
    return a


def _compressible(data: memoryview, sample: int = 1 << 16) -> bool:
    """Deflate a member only if a sample of it shrinks more than tenfold (constant biases,
    all-ones rows): deflating index arrays (1.3-5x) would dominate the time of ``reduce``."""
    head = bytes(data[:sample])
    return len(zlib.compress(head, 1)) < 0.1 * len(head)


def write(problem: InversionProblem, path: str | os.PathLike) -> None:
    """Write ``problem`` to ``path`` (schema ``reluhard.net/1``), deterministically and
    atomically (:func:`reluhard.atomic.replacing`)."""
    arrays, meta = _arrays(problem)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True, separators=(",", ":")))
    with atomic.replacing(path, "network file") as tmp:
        _write_zip(tmp, arrays)


def _write_zip(tmp: str, arrays: dict[str, np.ndarray]) -> None:
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        for name in ["meta", *sorted(k for k in arrays if k != "meta")]:
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arrays[name]), allow_pickle=False)
            data = buf.getbuffer()
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            if _compressible(data):
                zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            else:
                zf.writestr(info, data, compress_type=zipfile.ZIP_STORED)


def read_meta(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """The parsed ``meta`` and all arrays of a network file, with every way a file can be
    wrong reported as :class:`InputError` (one line, naming the file)."""
    name = os.fspath(path)
    arrays = _read_archive(name)
    try:
        meta = json.loads(str(arrays.pop("meta")[()]))
        schema = meta["schema"]
    except (ValueError, KeyError, TypeError, IndexError):
        raise InputError(
            name, None, "not a reluhard network file ('meta' is not reluhard JSON)"
        ) from None
    why = _schema_fault(schema) or _meta_shape_fault(meta) or netcheck.meta_fault(meta)
    if why:
        raise InputError(name, None, why)
    return meta, arrays


def _read_archive(name: str) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` at ``name`` (no pickles), ``meta`` included."""

    def bad(msg: str) -> InputError:
        return InputError(name, None, msg)

    with open_input(name, "network file") as f:
        try:
            head = f.read(4)
        except OSError as e:
            raise bad(f"cannot read file: {e.strerror or e}") from None
    if head != b"PK\x03\x04":
        if head.startswith(b"\x93NUM"):
            raise bad("a single .npy array, not a reluhard network file (.npz)")
        raise bad("not a reluhard network file (not an .npz archive)")
    try:
        with open(name, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
            if "meta" not in npz.files:
                raise bad("not a reluhard network file (no 'meta' entry)")
            why = netcheck.member_fault(npz.zip)
            if why:
                raise bad(why)
            return {k: npz[k] for k in npz.files}
    except InputError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            raise bad(
                "holds pickled (object) arrays, which reluhard never writes and refuses to load"
            ) from None
        raise bad(f"truncated or corrupt archive ({e})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as e:
        raise bad(f"truncated or corrupt archive ({e})") from None


def _schema_fault(schema: object) -> str | None:
    """Why ``schema`` is not the one this reluhard reads, or None."""
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        return f"not a reluhard network file (schema {schema!r})"
    if schema == SCHEMA:
        return None
    try:
        newer = int(schema[len(SCHEMA_PREFIX) :]) > int(SCHEMA[len(SCHEMA_PREFIX) :])
    except ValueError:
        newer = False
    if newer:
        return f"schema {schema} is newer than this reluhard reads ({SCHEMA}); upgrade reluhard"
    return f"schema {schema} is not one this reluhard reads ({SCHEMA})"


def _meta_shape_fault(meta: dict) -> str | None:
    """Why a meta entry has the wrong JSON type, or None."""
    for key, kind in (
        ("layers", list),
        ("domain", dict),
        ("query", dict),
        ("reduction", dict),
        ("source", dict),
    ):
        if key in meta and not isinstance(meta[key], kind):
            return (
                f"inconsistent network file: meta '{key}' is not a JSON "
                f"{'array' if kind is list else 'object'}"
            )
    return None


def _refuse(name: str, why: str | None) -> None:
    if why:
        raise InputError(name, None, why)


def read(path: str | os.PathLike) -> InversionProblem:
    """Read a network file written by :func:`write` (or any valid ``reluhard.net/1``)."""
    return read_with_meta(path)[0]


def read_with_meta(path: str | os.PathLike) -> tuple[InversionProblem, dict]:
    """:func:`read`, also returning the parsed ``meta`` (one pass over the file)."""
    name = os.fspath(path)
    meta, arrays = read_meta(name)
    try:
        layers = []
        for i, entry in enumerate(meta["layers"]):
            if entry["format"] == "csr":
                parts = [arrays[f"W{i}.{k}"] for k in ("data", "indices", "indptr", "shape")]
                _refuse(name, netcheck.csr_fault(str(i), *parts))
                _refuse(name, netcheck.values_fault(f"W{i}.data", parts[0]))
                W = sp.csr_array(tuple(parts[:3]), shape=tuple(int(s) for s in parts[3]))
                W.check_format(full_check=True)
            else:
                W = arrays[f"W{i}"]
                _refuse(name, netcheck.values_fault(f"W{i}", W))
            _refuse(name, netcheck.values_fault(f"b{i}", arrays[f"b{i}"]))
            if list(W.shape) != list(entry["shape"]):
                raise ValueError(f"layer {i}: W has shape {W.shape}, meta says {entry['shape']}")
            layers.append(Layer(W, arrays[f"b{i}"], entry["activation"], entry.get("slope", 0.0)))
        for key in ("target", "planted"):
            if key in arrays:
                _refuse(name, netcheck.values_fault(key, arrays[key]))
        extra = {k: arrays[k] for k in arrays if k.startswith(EXTRA_PREFIXES)}
        for key, value in extra.items():
            _refuse(name, netcheck.values_fault(key, value))
        source = None
        if "source" in meta:
            s = meta["source"]
            src_arrays = {
                k[len("source.") :]: v for k, v in arrays.items() if k.startswith("source.")
            }
            if s["kind"] not in KINDS:
                raise ValueError(f"unknown source kind {s['kind']!r}")
            try:
                instance = KINDS[s["kind"]].from_arrays(src_arrays, s.get("meta", {}))
            except (ValueError, TypeError) as e:  # checked as strictly as a source file
                raise ValueError(f"embedded {s['kind']} source: {e}") from None
            source = Source(s["kind"], instance, s.get("sha256", ""), s.get("name", ""))
        problem = InversionProblem(
            Network(tuple(layers)),
            arrays["target"],
            Domain.from_json(meta["domain"]),
            Query.from_json(meta["query"]),
            ReductionRecord.from_json(meta.get("reduction", {})),
            source,
            arrays.get("planted"),
            extra=extra,
        )
    except InputError:
        raise
    except (KeyError, ValueError, TypeError, IndexError, AttributeError) as e:
        what = f"missing entry {e}" if isinstance(e, KeyError) else str(e)
        raise InputError(name, None, f"inconsistent network file: {what}") from None
    return problem, meta
