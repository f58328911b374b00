"""What both benchmark scripts record about the machine they ran on."""

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
