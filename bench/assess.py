"""Monthly OIP assessment speed: N synthetic orders, the whole assessment against a hand-written DuckDB SQL
of the same lines over the same files, and one late day's batch as an increment; or (``--shape province``)
a large province's month against DuckDB and Polars, each engine's peak memory measured apart, and a
worker's statement at two sizes of the month. Prints one JSON line.
The logic lives in ``socsec.batch.bench`` (also ``socsec bench assess``).

    .venv/bin/python bench/assess.py --orders 1000000
    .venv/bin/python bench/assess.py --shape province   # 5M workers, 200 platforms, 40M orders: ~10M lines
    .venv/bin/python bench/assess.py --shape province --orders 1000000 --workers 100000   # a smoke run
"""

from __future__ import annotations

import sys

from socsec.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "assess", *sys.argv[1:]]))
