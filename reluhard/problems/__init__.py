"""Source problems: one module each, holding the instance type, its file formats, an
independent checker of certificates and a reference solver.

``KINDS`` maps a source kind (as stored in a network file) to its module; each provides
``to_arrays(instance) -> (arrays, meta)`` and ``from_arrays(arrays, meta) -> instance`` (the
network file embeds the instance) and ``describe(instance)`` (its size, in words).
"""

from types import ModuleType

from . import cnf, cvp, graph

KINDS: dict[str, ModuleType] = {"cnf": cnf, "cvp": cvp, "graph": graph}
