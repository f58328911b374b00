"""What the benchmark scripts share: the machine they ran on, an aligned table, PASS/FAIL."""

from __future__ import annotations

import datetime as _dt
import os
import platform


def machine_info() -> dict:
    """Platform, CPU model and count, Python and package versions, and the date (UTC)."""
    import numpy
    import ortools
    import pysat
    import scipy

    import reluhard

    cpu_model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "ortools": ortools.__version__,
        "python-sat": getattr(pysat, "__version__", "unknown"),
        "reluhard": reluhard.__version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


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
