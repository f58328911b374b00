"""``python -m reluhard``: the command line of :mod:`reluhard.cli`."""

import sys

from .cli import main

sys.exit(main())
