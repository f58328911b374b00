"""Command-line values: the validated number types every numeric option of every
subcommand is parsed with, and the argument parser whose usage errors are one line.

Each type raises :class:`argparse.ArgumentTypeError` with the reason, so a bad value is the
one line ``reluhard COMMAND: argument --time-limit: must be a finite number of seconds in
0..1e+09, got 'inf'`` and exit status 2. Bounds: seconds are finite, ``>= 0`` and at most
:data:`MAX_SECONDS` (SCIP and HiGHS take a time limit in integer milliseconds); integers
are written in at most :data:`MAX_DIGITS` digits (``factor`` N: :data:`MAX_N_DIGITS`) and
seeds lie in ``0..2^63 - 1``.

>>> seconds("2.5"), count("0"), seed("7")
(2.5, 0, 7)
>>> seconds("inf")
Traceback (most recent call last):
argparse.ArgumentTypeError: must be a finite number of seconds in 0..1e+09, got 'inf'
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import NoReturn

MAX_SECONDS = 1e9
MAX_DIGITS = 18
MAX_N_DIGITS = 1000
MAX_SEED = 2**63 - 1
_INT = re.compile(r"^[+-]?[0-9]+$")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _integer(text: str, lo: int, hi: int | None, digits: int = MAX_DIGITS) -> int:
    t = text.strip()
    if not _INT.match(t) or len(t.lstrip("+-")) > digits:
        raise argparse.ArgumentTypeError(
            f"must be an integer of at most {digits} digits, got {_shown(text)}"
        )
    v = int(t)
    if v < lo or (hi is not None and v > hi):
        rng = f">= {lo}" if hi is None else f"in {lo}..{hi}"
        raise argparse.ArgumentTypeError(f"must be an integer {rng}, got {_shown(text)}")
    return v


def _real(text: str, what: str, lo: float | None = None, hi: float | None = None) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and (lo is None or v >= lo) and (hi is None or v <= hi)):
        raise argparse.ArgumentTypeError(f"must be {what}, got {_shown(text)}")
    return v


def seconds(text: str) -> float:
    """A time in seconds: finite, in ``0..MAX_SECONDS``."""
    return _real(text, f"a finite number of seconds in 0..{MAX_SECONDS:g}", 0.0, MAX_SECONDS)


def positive_seconds(text: str) -> float:
    """A time in seconds ``> 0`` and at most ``MAX_SECONDS``."""
    v = seconds(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {_shown(text)}")
    return v


def real(text: str) -> float:
    """A finite number."""
    return _real(text, "a finite number")


def nonnegative(text: str) -> float:
    """A finite number ``>= 0``."""
    return _real(text, "a finite number >= 0", 0.0)


def positive(text: str) -> float:
    """A finite number ``> 0``."""
    v = nonnegative(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {_shown(text)}")
    return v


def open_unit(text: str) -> float:
    """A number in ``(0, 1)`` (an accuracy epsilon)."""
    v = positive(text)
    if v >= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {_shown(text)}")
    return v


def count(text: str) -> int:
    """An integer ``>= 0``."""
    return _integer(text, 0, None)


def positive_count(text: str) -> int:
    """An integer ``>= 1``."""
    return _integer(text, 1, None)


def seed(text: str) -> int:
    """A random seed: an integer in ``0..2^63 - 1``."""
    return _integer(text, 0, MAX_SEED)


def big_integer(text: str) -> int:
    """An integer ``>= 0`` of at most :data:`MAX_N_DIGITS` digits (``factor`` N)."""
    return _integer(text, 0, None, MAX_N_DIGITS)


def key_value(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` (``--param``, ``--solver-option``) as the pair ``(KEY, VALUE)``, both
    stripped; the reduction or back end types the value."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error (the command
    and the problem; ``--help`` shows the usage) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        first = message.splitlines()[0] if message else "bad usage"
        print(f"{self.prog}: {first} (see {self.prog.split()[0]} --help)", file=sys.stderr)
        raise SystemExit(2)
