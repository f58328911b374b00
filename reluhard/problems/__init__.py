"""Source problems: one module each, holding the instance type, its file formats, an
independent checker of certificates and a reference solver.

``KINDS`` maps a source kind (as stored in a network file) to its module; each provides
``to_arrays(instance) -> (arrays, meta)`` and ``from_arrays(arrays, meta) -> instance``.
"""

from types import ModuleType

from . import cnf

KINDS: dict[str, ModuleType] = {"cnf": cnf}
