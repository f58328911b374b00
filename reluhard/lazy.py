"""Modules loaded on first use, so that a command loads only what it runs.

``reluhard --help`` and a CNF ``reduce`` need neither networkx (graphs) nor scipy's linear
algebra (LP presolve), yet the modules that use them are imported on every path (the
registries of problem kinds, reductions and back ends). :func:`lazy_module` gives a module
object whose first attribute access imports it. (Not
:class:`importlib.util.LazyLoader`: finding a submodule's spec loads its parent package,
which is what is to be avoided.) Modules of the package that use one write::

    if TYPE_CHECKING:
        import networkx as nx
    else:
        nx = lazy_module("networkx")
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule:
    """Stands for a module until an attribute is asked for; then imports it."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """``name``, imported on first attribute access (an ImportError surfaces then)."""
    return _LazyModule(name)
