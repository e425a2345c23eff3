"""Monthly OIP assessment speed: N synthetic orders, the whole assessment against a hand-written DuckDB SQL
of the same lines over the same files, and one late day's batch as an increment. Prints one JSON line.
The logic lives in ``socsec.batch.bench`` (also ``socsec bench assess``).

    .venv/bin/python bench/assess.py --orders 1000000
"""

from __future__ import annotations

import sys

from socsec.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "assess", *sys.argv[1:]]))
