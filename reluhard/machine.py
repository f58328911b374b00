"""What machine a measurement ran on, recorded beside every timing this project saves."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import platform


def machine_info() -> dict:
    """Platform, CPU, Python and package versions, and the date (UTC)."""
    from importlib import metadata

    from . import __version__

    cpu = platform.processor()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    versions: dict[str, str | None] = {}
    for pkg in ("numpy", "scipy", "ortools", "python-sat", "drup"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        **versions,
        "reluhard": __version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
