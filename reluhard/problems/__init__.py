"""Source problems. For each, one module holds the instance type and an independent checker
of certificates (:mod:`.cnf`, :mod:`.cvp`, :mod:`.graph`), one its file formats
(:mod:`.dimacs_cnf`, :mod:`.cvp_format` with its parser :mod:`.cvp_parser`,
:mod:`.graph_format`), and the reference solvers are in :mod:`.cnf`, :mod:`.cvp_reference`
and :mod:`.graph_reference`.

``KINDS`` maps a source kind (as stored in a network file) to its module; each provides
``to_arrays(instance) -> (arrays, meta)`` and ``from_arrays(arrays, meta) -> instance`` (the
network file embeds the instance) and ``describe(instance)`` (its size, in words).
"""

from types import ModuleType

from . import cnf, cvp, graph

KINDS: dict[str, ModuleType] = {"cnf": cnf, "cvp": cvp, "graph": graph}
