"""Whether the exhaustive tiers run (pytest's ``--full``, see tests/README.md).

tests/conftest.py sets ``FULL`` when pytest is configured, before any test module is
collected, so modules read it at import (``from tests.helpers.tiers import FULL``) to size
their parameter lists, samples and hypothesis budgets.
"""

FULL = False
