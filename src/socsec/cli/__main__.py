"""``python -m socsec.cli``: the ``socsec`` command."""

import sys

from socsec.cli import main

sys.exit(main())
