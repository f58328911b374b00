"""VNN-LIB properties as text: declarations, then ``assert`` lines (VNN-LIB 1.0, the subset
every VNN-COMP tool reads).

Constants are written as exact decimals: a float is a dyadic rational, so its decimal
expansion terminates, and the property states exactly the bound reluhard means (the
shortest round-trip ``repr`` would state a different rational). A rational with no finite
decimal expansion (a denominator with a prime factor other than 2 and 5) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from ..errors import InputError


def decimal(value: float | int | Fraction) -> str:
    """The exact decimal of ``value``: ``3``, ``-0.5``, ``0.1000000000000000055511151231257827
    021181583404541015625`` for the float 0.1. :class:`InputError` if there is none.

    >>> decimal(0.5), decimal(Fraction(-3, 8)), decimal(7)
    ('0.5', '-0.375', '7')
    """
    f = Fraction(value)
    den, twos, fives = f.denominator, 0, 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise InputError(
            None, None, f"the constant {f} has no finite decimal expansion; VNN-LIB cannot state it"
        )
    digits = max(twos, fives)
    text = str(f)
    if digits:
        scaled = f.numerator * 10**digits // f.denominator  # exact: den divides 10**digits
        sign = "-" if scaled < 0 else ""
        mag = str(abs(scaled)).rjust(digits + 1, "0")
        text = f"{sign}{mag[:-digits]}.{mag[-digits:]}".rstrip("0").rstrip(".")
    return text


def declarations(n_in: int, n_out: int) -> list[str]:
    return (
        [f"(declare-const X_{i} Real)" for i in range(n_in)]
        + [""]
        + [f"(declare-const Y_{j} Real)" for j in range(n_out)]
    )


def bound(var: str, op: str, value: float | Fraction) -> str:
    """``(op var value)`` with ``op`` in ``<=``, ``>=``."""
    return f"({op} {var} {decimal(value)})"


def box_asserts(lo: Sequence, hi: Sequence) -> list[str]:
    """The input box ``lo <= X <= hi``, two asserts per coordinate."""
    out = []
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        out += [f"(assert {bound(f'X_{i}', '>=', a)})", f"(assert {bound(f'X_{i}', '<=', b)})"]
    return out


def property_text(
    comments: Iterable[str], n_in: int, n_out: int, box: list[str], outputs: list[str]
) -> str:
    """The whole property: comment lines, declarations, the input box, the output asserts."""
    lines = [f"; {c}" for c in comments] + [""] + declarations(n_in, n_out) + [""]
    lines += ["; input box"] + box + ["", "; output constraints (satisfiable: a preimage exists)"]
    return "\n".join(lines + outputs) + "\n"
