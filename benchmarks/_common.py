"""What the benchmark scripts share: the machine they ran on, an aligned table, PASS/FAIL."""

from __future__ import annotations

from reluhard.machine import machine_info  # noqa: F401  (re-exported for the scripts)
from reluhard.tables import format_table


def print_table(header: list[str], body: list[list[str]]) -> None:
    """Print rows aligned in columns: the first left-aligned, the others right-aligned."""
    print(format_table(header, body))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
