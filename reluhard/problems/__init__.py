"""Source problems. For each, one module holds the instance type and an independent checker
of certificates (:mod:`.cnf`, :mod:`.cvp`, :mod:`.graph`), one its file formats
(:mod:`.dimacs_cnf`, :mod:`.cvp_format` with its parser :mod:`.cvp_parser`,
:mod:`.graph_format`), and the reference solvers are in :mod:`.cnf`, :mod:`.cvp_reference`
and :mod:`.graph_reference`.

:mod:`.kinds` is the registry: one :class:`~reluhard.problems.kinds.ProblemKind` record per
kind of source instance (``cnf``, ``cvp``, ``graph``), with everything the pipeline, the CLI
and ``verify`` need to know about it.
"""
