"""Integer arrays and counts taken from outside (a network file's embedded source, a caller's
lists) checked strictly: integers only, every value within the target type, so that nothing
wraps around on conversion (``np.asarray(2**32 + 1).astype(np.int32)`` is ``1``).

>>> int_array([1, -2], "literals", np.int32).tolist()
[1, -2]
>>> int_array(np.array([2**32 + 1]), "literals", np.int32)
Traceback (most recent call last):
ValueError: literals must hold integers within int32 (got 4294967297)
>>> int_array(np.array([1.0]), "literals", np.int32)
Traceback (most recent call last):
ValueError: literals must hold integers, got dtype float64
"""

from __future__ import annotations

import numbers

import numpy as np


def _shown(x: int) -> str:
    text = str(x)
    return text if len(text) <= 24 else f"{text[:20]}..."


def int_array(a: object, name: str, dtype: type[np.integer] = np.int64) -> np.ndarray:
    """``a`` as a C-contiguous array of ``dtype`` (the input itself when it already is one);
    ``ValueError`` unless every entry is an integer (bool, signed or unsigned, or a Python
    int) within ``dtype``'s range. Floats are refused, even integral ones."""
    arr = np.asarray(a)
    info = np.iinfo(dtype)
    if arr.size == 0:  # np.asarray([]) is float64
        return np.zeros(arr.shape, dtype=dtype)
    if arr.dtype.kind == "O":  # Python ints too big for int64, or mixed objects
        flat = arr.ravel().tolist()
        bad = next((x for x in flat if not isinstance(x, numbers.Integral)), None)
        if bad is not None:
            raise ValueError(f"{name} must hold integers, got {type(bad).__name__}")
        far = next((int(x) for x in flat if not info.min <= int(x) <= info.max), None)
        if far is not None:
            raise ValueError(f"{name} must hold integers within {info.dtype} (got {_shown(far)})")
        return np.array([int(x) for x in flat], dtype=dtype).reshape(arr.shape)
    if arr.dtype.kind not in "iub":
        raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.size and arr.dtype.kind != "b" and arr.dtype != info.dtype:
        lo, hi = int(arr.min()), int(arr.max())
        far = lo if lo < info.min else hi if hi > info.max else None
        if far is not None:
            raise ValueError(f"{name} must hold integers within {info.dtype} (got {_shown(far)})")
    return np.ascontiguousarray(arr, dtype=dtype)


def meta_count(value: object, name: str, limit: int = 2**31 - 1) -> int:
    """A count from JSON metadata: an int (not a bool, not a float) in ``0..limit``;
    ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r:.40}")
    if not 0 <= int(value) <= limit:
        raise ValueError(f"{name} = {_shown(int(value))} is out of range 0..{limit}")
    return int(value)
