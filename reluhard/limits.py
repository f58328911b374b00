"""Resource budgets: how much hostile input may cost before reluhard refuses it.

Declared sizes, compressed streams and number tokens are all chosen by whoever wrote the
input, so each is checked against a budget *before* anything proportional to it is
allocated or computed (see docs/safety.md, "Resource budgets"):

- ``max_size``: the estimated memory, in bytes, of an instance or network about to be built
  (a reduction's :func:`~reluhard.reductions.base.Construction.estimate`, a graph's vertices
  and edges);
- ``max_input``: the bytes one input file may hold after decompression (gzip, bzip2, xz);
- ``max_digits``: the digits of one number (mantissa and exponent together) before it
  becomes a :class:`~fractions.Fraction` or an ``int``.

Each has a default, an environment variable (``RELUHARD_MAX_SIZE``, ``RELUHARD_MAX_INPUT``,
``RELUHARD_MAX_DIGITS``), a command-line option (``--max-size``, ``--max-input``,
``--max-digits``) and, in the library, :func:`using`.

>>> with using(max_digits=5):
...     fraction("12345"), digits_fault("1e9")[:40]
(Fraction(12345, 1), 'has 10 digits (more than the budget of 5')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from fractions import Fraction

from .errors import InputError

#: defaults: 2 GiB of estimated memory, 256 MiB of decompressed input, 1000 digits
DEFAULT_MAX_SIZE = 2 << 30
DEFAULT_MAX_INPUT = 256 << 20
DEFAULT_MAX_DIGITS = 1000

#: budget name -> (environment variable, command-line option)
SETTINGS = {
    "max_size": ("RELUHARD_MAX_SIZE", "--max-size"),
    "max_input": ("RELUHARD_MAX_INPUT", "--max-input"),
    "max_digits": ("RELUHARD_MAX_DIGITS", "--max-digits"),
}


@dataclass(frozen=True)
class Budgets:
    """The three budgets of the module docstring (bytes, bytes, digits)."""

    max_size: int = DEFAULT_MAX_SIZE
    max_input: int = DEFAULT_MAX_INPUT
    max_digits: int = DEFAULT_MAX_DIGITS


_CURRENT: ContextVar[Budgets | None] = ContextVar("reluhard_budgets", default=None)

_AMOUNT = re.compile(r"\s*([0-9]+)\s*([kmgt]?)i?b?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def amount(text: str) -> int:
    """A positive size: ``1000``, ``64K``, ``256M``, ``2G`` (binary units; ``MiB``, ``GB``
    ok). ``ValueError`` otherwise."""
    m = _AMOUNT.fullmatch(str(text))
    if m is None or len(m[1]) > 15 or int(m[1]) == 0:
        raise ValueError(f"expected a positive size like 1000, 64K, 256M or 2G, got {text!r}")
    return int(m[1]) * _UNITS[m[2].lower()]


amount.__name__ = "size (like 1000, 64K, 256M, 2G)"


def _from_environment() -> Budgets:
    values = {}
    for key, (var, _) in SETTINGS.items():
        text = os.environ.get(var)
        if text:
            try:
                values[key] = amount(text)
            except ValueError as e:
                raise InputError(None, None, f"environment variable {var}: {e}") from None
    return Budgets(**values)


def current() -> Budgets:
    """The budgets in force: those set by :func:`using`, else the environment's, else the
    defaults."""
    return _CURRENT.get() or _from_environment()


@contextmanager
def using(**budgets: int | None) -> Iterator[Budgets]:
    """Run a block with some budgets changed (``None`` keeps the one in force)."""
    changed = replace(current(), **{k: v for k, v in budgets.items() if v is not None})
    token = _CURRENT.set(changed)
    try:
        yield changed
    finally:
        _CURRENT.reset(token)


def shown(nbytes: int) -> str:
    """``1.5 GiB``, ``300 MiB``, ``12 KiB``, ``100 bytes``."""
    units = (("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30))
    for unit, size in (*units, ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= size:
            value = nbytes / size
            return f"{value:.3g} {unit}" if value < 1e4 else f"{value:.3e} {unit}"
    return f"{nbytes} bytes"


def _raise_hint(key: str) -> str:
    var, option = SETTINGS[key]
    return f"raise it with {option} or {var}"


def check_size(what: str, nbytes: int, path: str | None = None) -> None:
    """Refuse (:class:`InputError` naming ``path``) to build ``what`` when its estimated
    memory ``nbytes`` is over the ``max_size`` budget."""
    budget = current().max_size
    if nbytes > budget:
        raise InputError(
            path,
            None,
            f"{what} would take about {shown(nbytes)} of memory, over the budget of "
            f"{shown(budget)} ({_raise_hint('max_size')})",
        )


def input_fault(what: str) -> str:
    """The sentence for an input whose ``what`` (``holds``, ``decompresses to``) is over the
    ``max_input`` budget."""
    return (
        f"{what} more than {shown(current().max_input)}, over the input budget "
        f"({_raise_hint('max_input')})"
    )


_DECIMAL = re.compile(r"[+-]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")


def digits_fault(text: str) -> str | None:
    """Why the number ``text`` (an integer, ``a/b`` or a decimal with exponent) has too many
    digits for the ``max_digits`` budget, or None. The exponent counts: ``1e999999999`` has
    a billion digits, however short its text."""
    budget = current().max_digits
    total = 0
    for part in str(text).strip().split("/"):
        m = _DECIMAL.fullmatch(part.strip().replace("_", ""))
        if m is None:
            total += len(part)
            continue
        exp = m[3] or "0"
        # an exponent too long to read is over any budget
        scale = abs(int(exp)) if len(exp) <= 18 else 10**18
        total += len(m[1].lstrip("0")) + len(m[2] or "") + scale
    if total > budget:
        return f"has {total} digits (more than the budget of {budget}; {_raise_hint('max_digits')})"
    return None


class DigitsError(ValueError):
    """A number over the ``max_digits`` budget (its message says so, for the user)."""


def fraction(text: str) -> Fraction:
    """``Fraction(text)``, refused (``ValueError``) when ``text`` is over the digits budget
    (:func:`digits_fault`), so that a short hostile token never becomes a huge rational."""
    why = digits_fault(text)
    if why:
        raise DigitsError(f"{_shown_token(text)} {why}")
    return Fraction(str(text).strip())


def integer(text: str) -> int:
    """``int(text)`` for a decimal integer, refused (``ValueError``) over the digits budget."""
    why = digits_fault(text)
    if why:
        raise DigitsError(f"{_shown_token(text)} {why}")
    return int(text)


def _shown_token(text: str, limit: int = 40) -> str:
    text = str(text).strip()
    return repr(text if len(text) <= limit else text[:limit] + "...")
