"""Fixtures and hooks only (helpers are in tests/helpers/): the hypothesis profile, the
``--full`` option for the exhaustive tiers, and the public SATLIB instances (beside the
checkout, may be absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from reluhard.certs.proofs import checker_version
from tests.helpers import tiers
from tests.helpers.instances import SATLIB, satlib_files

# drup's OCaml runtime cannot start (no signal stack) once onnxruntime is loaded in the same
# process; the ONNX tests load onnxruntime, so drup is loaded first, here
checker_version()

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        default=False,
        help="also run the exhaustive tiers (every small formula through every MILP back "
        "end, larger reduction samples; see tests/README.md)",
    )


def pytest_configure(config: pytest.Config) -> None:
    tiers.FULL = config.getoption("full")


@pytest.fixture
def satlib() -> list[Path]:
    files = satlib_files()
    if not files:
        pytest.skip(f"public SATLIB instances not found at {SATLIB}")
    return files
