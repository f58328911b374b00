"""The lazy reduction registry: its table of names matches the modules, and asking for
one reduction loads only its module."""

import subprocess
import sys

from reluhard import reductions


def test_every_name_is_its_modules_reduction() -> None:
    for name, module in reductions.MODULES.items():
        red = reductions.REGISTRY[name]
        assert red.name == name
        assert sys.modules[f"reluhard.reductions.{module}"].REDUCTION is red


def test_membership_and_listing_load_nothing() -> None:
    code = (
        "import sys; from reluhard import reductions as r; "
        "assert 'sat-sign' in r.REGISTRY and 'nope' not in r.REGISTRY; "
        "assert sorted(r.REGISTRY) == sorted(r.MODULES) and len(r.REGISTRY) == len(r.MODULES); "
        "r.get('sat-sign'); "
        "print(sorted(m for m in sys.modules if m.startswith('reluhard.reductions.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    assert "reluhard.reductions.sat_sign" in loaded
    assert not any("circuit" in m or "cvp" in m for m in loaded), loaded
