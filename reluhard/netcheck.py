"""The checks a network file's contents pass once, at load, before any command uses them.

A ``.npz`` comes from anywhere, so :mod:`reluhard.netfile` runs these on every read (for
``info``, ``invert``, ``verify`` alike):

- :func:`member_fault`, on each archive member *before* it is read: its ``.npy`` header
  must declare a real or integer dtype (no complex, string, datetime, structured or
  object arrays), a shape whose bytes agree with the member's stored size, and all members
  together must fit the ``max_size`` budget of :mod:`reluhard.limits` (a zip bomb inside an
  npz is refused by its declared sizes; ``zipfile`` never reads past them);
- :func:`values_fault`, on each float array of the network (weights, biases, ``target``,
  ``planted``): finite, no subnormals (their exact rationals have ~1074-bit denominators and
  float back ends flush them), magnitudes at most :data:`MAX_MAGNITUDE`; integer arrays
  within 2^53, the range float64 holds exactly;
- :func:`csr_fault`: CSR structure (indptr monotone from 0 to ``len(indices)``, indices
  in range, ``data`` and ``indices`` of one length, a shape of two counts);
- :func:`meta_fault`: the JSON fields' types and sizes (slopes, the domain's box, the
  query's ``p``/``delta``/``delta_pow``, the source's counts), numbers bounded in digits
  before they become rationals.

Each returns the sentence that names the array or field, or None.
"""

from __future__ import annotations

import math
import numbers
import zipfile
from typing import Any

import numpy as np

from . import limits

#: the largest weight, bias or target magnitude accepted: well above any reduction's
#: constants, far enough below 1e308 that sums and products in bounds stay finite
MAX_MAGNITUDE = 2.0**100

#: integers float64 holds exactly
MAX_EXACT_INT = 2**53

_KINDS_OK = "fiu"  # float, signed, unsigned


def member_fault(zf: zipfile.ZipFile) -> str | None:
    """Why an npz archive's members cannot all be read within the budget, or None."""
    total = 0
    for info in zf.infolist():
        name = info.filename.removesuffix(".npy")
        total += info.file_size
        with zf.open(info) as f:
            try:
                version = np.lib.format.read_magic(f)
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read_header(f, max_header_size=10_000)
            except (ValueError, OSError, EOFError) as e:
                return f"array '{name}' has no valid .npy header ({e})"
        if dtype.kind == "O":
            return "holds pickled (object) arrays, which reluhard never writes and refuses to load"
        if name != "meta" and (dtype.kind not in _KINDS_OK or dtype.itemsize > 8):
            return f"array '{name}' has dtype {dtype}, not a real or integer number type"
        nbytes = math.prod(int(s) for s in shape) * dtype.itemsize
        if nbytes > info.file_size:
            return (
                f"array '{name}' declares shape {tuple(shape)} ({limits.shown(nbytes)}) "
                f"but stores {limits.shown(info.file_size)}"
            )
    budget = limits.current().max_size
    if total > budget:
        return (
            f"its arrays hold {limits.shown(total)} uncompressed, over the budget of "
            f"{limits.shown(budget)} (raise it with --max-size or RELUHARD_MAX_SIZE)"
        )
    return None


def values_fault(name: str, a: np.ndarray) -> str | None:
    """Why the numbers of network array ``name`` cannot be used exactly, or None."""
    if a.size == 0:
        return None
    if a.dtype.kind in "iu":
        if int(np.abs(a.astype(np.float64)).max()) > MAX_EXACT_INT:
            return f"array '{name}' holds integers beyond 2^53, which float64 cannot hold exactly"
        return None
    a = a.astype(np.float64, copy=False)
    if not np.isfinite(a).all():
        bad = a[~np.isfinite(a)][0]
        return f"array '{name}' holds {bad} (weights, biases and targets must be finite)"
    mag = np.abs(a)
    if (mag > MAX_MAGNITUDE).any():
        return f"array '{name}' holds {a[mag > MAX_MAGNITUDE][0]:g}, beyond the limit 2^100"
    tiny = (mag > 0) & (mag < np.finfo(np.float64).tiny)
    if tiny.any():
        return f"array '{name}' holds the subnormal number {a[tiny][0]:g}"
    return None


def csr_fault(
    name: str, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: Any
) -> str | None:
    """Why the CSR arrays of layer ``name`` do not form a matrix, or None."""
    shape = np.asarray(shape)
    if shape.dtype.kind not in "iu" or shape.shape != (2,) or (shape < 0).any():
        return f"layer {name}: 'shape' must be two non-negative integers, got {shape.tolist()}"
    rows, cols = (int(s) for s in shape)
    for what, arr in (("indices", indices), ("indptr", indptr)):
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            return f"layer {name}: '{what}' must be a 1-d integer array"
    if data.ndim != 1 or data.shape != indices.shape:
        return (
            f"layer {name}: 'data' and 'indices' differ in length ({data.size} vs {indices.size})"
        )
    if indptr.size != rows + 1:
        return f"layer {name}: 'indptr' has {indptr.size} entries for {rows} rows (needs rows + 1)"
    if indptr[0] != 0 or indptr[-1] != indices.size or (np.diff(indptr) < 0).any():
        return f"layer {name}: 'indptr' is not monotone from 0 to {indices.size}"
    if indices.size and (indices.min() < 0 or indices.max() >= cols):
        return f"layer {name}: a column index is outside 0..{cols - 1}"
    return None


def _number_fault(value: Any, what: str, *, allow_none: bool = False) -> str | None:
    """Why the JSON value ``value`` of field ``what`` is not a finite number, or None."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return f"meta '{what}' is {_shown(value)}, not a number"
    if isinstance(value, int):
        why = limits.digits_fault(str(abs(value))) if value.bit_length() > 64 else None
        return f"meta '{what}' {why}" if why else None
    if not math.isfinite(value):
        return f"meta '{what}' is {value}, not a finite number"
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def meta_fault(meta: dict) -> str | None:
    """Why a meta field has the wrong type or size (see the module docstring), or None."""
    for i, entry in enumerate(meta.get("layers", [])):
        if not isinstance(entry, dict):
            return f"meta 'layers[{i}]' is not a JSON object"
        why = _number_fault(entry.get("slope", 0.0), f"layers[{i}].slope")
        if why:
            return why
    return (
        _domain_fault(meta.get("domain", {}))
        or _query_fault(meta.get("query", {}))
        or (_source_fault(meta.get("source", {})))
    )


def _domain_fault(domain: Any) -> str | None:
    if "box" not in domain:
        return None
    box = domain["box"]
    if not isinstance(box, list) or len(box) != 2:
        return f"meta 'domain.box' is {_shown(box)}, not a pair [lo, hi]"
    for k, v in zip(("lo", "hi"), box, strict=True):
        why = _number_fault(v, f"domain.box {k}", allow_none=True)
        if why:
            return why
    return None


def _query_fault(query: Any) -> str | None:
    if query.get("kind") != "approx":
        return None
    p = query.get("p")
    if p != "inf" and (isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= 1024):
        return f"meta 'query.p' is {_shown(p)}, not a norm (an integer 1..1024 or \"inf\")"
    why = _number_fault(query.get("delta"), "query.delta", allow_none="delta_pow" in query)
    if why:
        return why
    dp = query.get("delta_pow")
    if dp is None:
        return None
    if not isinstance(dp, (str, int)) or isinstance(dp, bool):
        return f"meta 'query.delta_pow' is {_shown(dp)}, not an exact rational string"
    try:
        value = limits.fraction(str(dp))
    except ValueError as e:
        return f"meta 'query.delta_pow' {e}"
    except ZeroDivisionError:
        return f"meta 'query.delta_pow' is {_shown(dp)}, which divides by zero"
    if value < 0:
        return f"meta 'query.delta_pow' is {_shown(dp)}, negative"
    return None


#: the count fields of the embedded sources' meta, and the bytes each unit costs in memory
_COUNTS = {"nvars": 8, "nnodes": 300, "nedges": 300, "ninputs": 8, "d": 8, "n": 8}


def _source_fault(source: Any) -> str | None:
    meta = source.get("meta", {}) if isinstance(source, dict) else {}
    if not isinstance(meta, dict):
        return "meta 'source.meta' is not a JSON object"
    for key, cost in _COUNTS.items():
        if key not in meta:
            continue
        v = meta[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            return f"meta 'source.meta.{key}' is {_shown(v)}, not a count"
        if v * cost > limits.current().max_size:
            return (
                f"meta 'source.meta.{key}' = {v} would take about {limits.shown(v * cost)}, "
                "over the budget (raise it with --max-size or RELUHARD_MAX_SIZE)"
            )
    return None
