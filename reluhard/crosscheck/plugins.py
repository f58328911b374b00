"""Plug-in solvers: ``module:function`` (importable) or ``PATH.py:function`` (a file).

``--plugin FILE.py[:FUNCTION]`` names a plug-in by its file, so no PYTHONPATH is needed;
``FUNCTION`` defaults to ``solve``. Its runner is called ``FILE.py:FUNCTION`` as given, and
the file is loaded by path (as its own module, once per process). Either form is tried
once before any run (:func:`check`): a file that is missing, a module that does not import,
a function that is not there or not callable is a :class:`~reluhard.errors.ConfigError`
(one line, exit 2), never a crash of every run with a reproducer that shows nothing.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from functools import cache

from ..errors import ConfigError

DEFAULT_FUNCTION = "solve"


def runner_name(spec: str) -> str:
    """The runner a ``--plugin`` names: ``FILE.py:FUNCTION`` (``solve`` by default)."""
    path, sep, func = spec.rpartition(":")
    if not sep or not path.endswith(".py"):
        path, func = spec, DEFAULT_FUNCTION
    if not path.endswith(".py"):
        raise ConfigError(f"--plugin {spec}: give FILE.py or FILE.py:FUNCTION")
    return f"{path}:{func or DEFAULT_FUNCTION}"


def is_path(module: str) -> bool:
    return module.endswith(".py")


@cache
def _module_from_path(path: str):
    name = "reluhard_plugin_" + hashlib.sha256(path.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load(runner: str) -> Callable:
    """The plug-in function ``runner`` names (raises what importing raises)."""
    module, _, name = runner.rpartition(":")
    if is_path(module):
        mod = _module_from_path(os.path.abspath(module))
    else:
        mod = importlib.import_module(module)
    return getattr(mod, name)


def check(runner: str) -> None:
    """Load ``runner`` here, once; :class:`ConfigError` (one line) if it cannot start."""
    module, sep, name = runner.rpartition(":")
    if not sep or not module or not name:
        raise ConfigError(f"plug-in '{runner}': give module:function or FILE.py:function")
    if is_path(module) and not os.path.isfile(module):
        raise ConfigError(f"plug-in {runner}: {module}: no such file")
    try:
        func = load(runner)
    except AttributeError:
        raise ConfigError(f"plug-in {runner}: {module} has no function '{name}'") from None
    except (Exception, SystemExit) as e:
        what = f"{type(e).__name__}: {e}".splitlines()[0][:200]
        raise ConfigError(f"plug-in {runner}: {module} does not import ({what})") from None
    if not callable(func):
        raise ConfigError(f"plug-in {runner}: '{name}' in {module} is not callable")
