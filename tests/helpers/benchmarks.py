"""Run a ``benchmarks/`` script end to end in its ``--quick`` mode, as the benchmark tests do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.instances import ROOT


def run_quick(script: str, out: Path, *args: str) -> tuple[dict, str]:
    """``python benchmarks/SCRIPT --quick ARGS --out OUT`` (this checkout's reluhard first on
    the path): the JSON report it wrote, with its CSV checked to exist, and its stdout."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT / "benchmarks",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    name = script.removesuffix(".py")
    assert (out / f"{name}.csv").is_file()
    return json.loads((out / f"{name}.json").read_text()), proc.stdout
