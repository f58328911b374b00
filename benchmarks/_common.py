"""What the benchmark scripts share: the machine they ran on, an aligned table, PASS/FAIL."""

from __future__ import annotations

from reluhard.machine import machine_info  # noqa: F401  (re-exported for the scripts)


def print_table(header: list[str], body: list[list[str]]) -> None:
    """Print rows aligned in columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *body]:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
