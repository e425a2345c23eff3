"""Risk screening: each rule's recall and precision on the synthetic population with planted cases
(``socsec.risk.synthetic``), and the screening's time per million rows, on DuckDB over Arrow tables.

    python bench/risk.py --persons 100000

prints one JSON line: ``{"rules": {name: {"recall", "precision", "planted", "hits"}}, "seconds_per_million_rows",
"rows", "persons", "generate_seconds", "screen_seconds", "rule_seconds": {...}, "baseline": ...}``. The
baseline is a plain scan of the same tables in the same run (``count(*)`` over each, and a ``GROUP BY``
person over the orders): ``ratio_to_scan`` says how many such passes the whole screening costs. The
database read (claims, payments... from SQLite or PostgreSQL into Arrow) is not in this figure: the
whole screening through the database, with the platforms' orders in the order store's files, is the step
``risk_screen`` of ``bench/scale.py`` (for example 1M persons on PostgreSQL: ``DATABASE_URL=...
bench/scale.py --persons 1000000 --steps risk_screen``), which prints its rows and seconds per million."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socsec.risk.definitions import all_rules  # noqa: E402
from socsec.risk.engine import connect, screen  # noqa: E402
from socsec.risk.synthetic import ON, generate, measure  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: DuckDB's default)")
    args = parser.parse_args()
    started = time.perf_counter()
    data = generate(args.persons, seed=args.seed)
    generated = time.perf_counter() - started
    con = connect(data.tables)
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    started = time.perf_counter()
    for name in data.tables:
        con.execute(f"SELECT count(*) FROM {name}").fetchall()
    con.execute("SELECT person_id, count(*) FROM orders GROUP BY person_id").fetchall()
    scan = time.perf_counter() - started
    started = time.perf_counter()
    result = screen(con, all_rules(), ON, count_rows=False)
    screened = time.perf_counter() - started
    hits: dict[str, set[str]] = {}
    for hit in result.hits:
        hits.setdefault(hit.rule, set()).add(hit.case_key)
    rows = data.rows
    print(
        json.dumps(
            {
                "rules": measure(data.planted, hits),
                "seconds_per_million_rows": round(screened / (rows / 1e6), 4),
                "rows": rows,
                "orders": data.tables["orders"].num_rows,
                "persons": data.persons,
                "generate_seconds": round(generated, 2),
                "screen_seconds": round(screened, 3),
                "rule_seconds": {k: round(v, 3) for k, v in result.seconds.items()},
                "baseline": "count(*) of each table + GROUP BY person over the orders, same tables, same run",
                "scan_seconds": round(scan, 3),
                "ratio_to_scan": round(screened / scan, 2) if scan else None,
                "near_misses": data.near_misses,
                "engine": "DuckDB over Arrow tables (in memory)",
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
