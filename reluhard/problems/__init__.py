"""Source problems: one module each, holding the instance type, an independent checker of
certificates and a reference solver, with its file format in a module of its own.

:mod:`.kinds` is the registry: one :class:`~reluhard.problems.kinds.ProblemKind` record per
kind of source instance (``cnf``, ``cvp``, ``graph``), with everything the pipeline, the CLI
and ``verify`` need to know about it.
"""
