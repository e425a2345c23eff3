"""Order ingestion speed: a synthetic platform (``--workers`` engaged workers) and a file of N orders
ingested end to end by the real service (``orders_ingest`` with the file's path, as ``socsec ingest``
does), against DuckDB reading the same file and writing the same Parquet layout in the same run. Each
ingestion runs in a child process, so that its peak memory is its own; it runs at N and at N/10, and the
run at N reports its highest resident memory in its first and its second half, to show that the peak does
not grow with the file. Prints one JSON line.

    .venv/bin/python bench/ingest.py --orders 1000000 --format both
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = "benchride"


def build_registry(workers: int, platform: str = PLATFORM) -> list[str]:
    """A platform engaging ``workers`` workers, inserted in bulk (raw statements, the encrypted fields
    and their indexes computed as the models would); returns their resident IDs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from socsec.audit.services import Actor
    from socsec.core.fields import column_context, keyring
    from socsec.registry.models import Engagement, Organisation, Person, Region
    from socsec.registry.services import organisation_create, region_create

    system = Actor.system("bench")
    if not Region.objects.filter(code="440300").exists():
        region_create(actor=system, code="440000", name="Guangdong", name_zh="广东省", parent_code=None)
        region_create(actor=system, code="440300", name="Shenzhen", name_zh="深圳市", parent_code="440000")
    organisation_create(actor=system, code=platform, name="Bench Ride", kind="PLATFORM")
    org = Organisation.objects.get(code=platform)
    region = Region.objects.get(code="440300")
    ring = keyring()
    index_field = Person._meta.get_field("resident_id_index")
    name_index = Person._meta.get_field("name_index")
    rid_context, name_context = column_context(Person, "resident_id"), column_context(Person, "name")
    ids = [f"9{org.pk:03d}{i:014d}" for i in range(workers)]
    now = timezone.now()
    person_table = connection.ops.quote_name(Person._meta.db_table)
    engagement_table = connection.ops.quote_name(Engagement._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, workers, 10_000):
            people = []
            for n, rid in enumerate(ids[start : start + 10_000], start):
                name = f"W{n}"
                people.append(
                    (
                        10**15 + org.pk * 10**9 + n,
                        ring.encrypt(rid, context=rid_context),
                        index_field.index_of(rid),  # type: ignore[attr-defined]
                        ring.encrypt(name, context=name_context),
                        name_index.index_of(name),  # type: ignore[attr-defined]
                        dt.date(1990, 1, 1),
                        "M",
                        "MEN_60",
                        region.pk,
                        now,
                    )
                )
            cursor.executemany(
                f"INSERT INTO {person_table} (id, resident_id, resident_id_index, name, name_index, birth_date, sex,"
                " retirement_group, residence_region_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                people,
            )
            cursor.executemany(
                f"INSERT INTO {engagement_table} (person_id, organisation_id, category, sector, work_region_id,"
                " start_date, end_date, external_ref, declared_region, created_at)"
                " VALUES (%s, %s, 'MANAGED_NON_LABOUR', 'RIDE_HAILING', %s, %s, NULL, '', '', %s)",
                [(p[0], org.pk, region.pk, dt.date(2020, 1, 1), now) for p in people],
            )
    if connection.vendor == "postgresql":  # the planner needs statistics of what was just inserted
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {person_table}, {engagement_table}")
    return ids


def write_orders(path: Path, fmt: str, orders: int, resident_ids: list[str], today: dt.date, prefix: str = "O") -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    chunk = 1_000_000
    rid = pa.array(resident_ids)
    writer = None
    with open(path, "wb") as handle:
        for start in range(0, orders, chunk):
            n = min(chunk, orders - start)
            i = np.arange(start, start + n)
            days = [(today - dt.timedelta(days=int(k) + 2)).isoformat() for k in range(20)]
            table = pa.table(
                {
                    "order_id": pa.array([f"{prefix}{k:012d}" for k in i]),
                    "resident_id": rid.take(pa.array(i % len(resident_ids))),
                    "region": pa.array(["440300"] * n),
                    "sector": pa.array(["RIDE_HAILING"] * n),
                    "order_date": pa.array(days).take(pa.array(i % 20)),
                    "fare_cents": pa.array((500 + i % 9000).astype(str)),
                }
            )
            if fmt == "csv":
                pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=start == 0))
            else:
                writer = writer or pq.ParquetWriter(handle, table.schema)
                writer.write_table(table)
        if writer is not None:
            writer.close()


def child(args: argparse.Namespace) -> None:
    """Ingest one file (in a child process) and print the seconds it took."""
    from socsec.cli.common import django_setup

    django_setup()
    from socsec.rules.parameters import load_parameters

    load_parameters()  # parsed once per process: a server has them already
    from socsec.audit.services import Actor
    from socsec.contributions.orders.ingest import orders_ingest
    from socsec.registry.models import Organisation

    platform = Organisation.objects.get(code=PLATFORM)
    sampler = RssSampler()
    started, cpu = time.perf_counter(), time.process_time()
    batch, _ = orders_ingest(
        actor=Actor.system("bench"),
        platform=platform,
        path=Path(args.child),
        fmt=args.child_format,
        idempotency_key=Path(args.child).name,
        source="bench",
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    first_half, second_half = sampler.halves()
    peak = _peak_mb()
    answer = {
        "seconds": seconds,
        "cpu_s": cpu,
        "valid": batch.rows_valid,
        "invalid": batch.rows_invalid,
        "peak_mb": peak,
        "first_half_mb": first_half,
        "second_half_mb": second_half,
    }
    print(json.dumps(answer))


class RssSampler:
    """This process's resident memory every 50 ms from now on (a thread of its own), to compare the
    highest of the first half of the run with the highest of the second: memory that grew with the rows
    read would be about twice as high at the end; memory independent of the file's size is as high."""

    def __init__(self, every: float = 0.05) -> None:
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / (1 << 20)
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        statm = Path("/proc/self/statm")
        while not self._stop.is_set():
            try:
                resident = int(statm.read_text().split()[1]) * self._page_mb
            except OSError:  # not Linux: no samples
                return
            self.samples.append((time.perf_counter(), resident))
            self._stop.wait(every)

    def halves(self) -> tuple[float | None, float | None]:
        """The highest resident memory (MB) of each half of the time since the start."""
        self._stop.set()
        self._thread.join()
        if len(self.samples) < 2:
            return None, None
        middle = (self.samples[0][0] + self.samples[-1][0]) / 2
        first = [mb for at, mb in self.samples if at <= middle]
        second = [mb for at, mb in self.samples if at > middle]
        return round(max(first)), round(max(second))


def _peak_mb() -> float:
    """This process's peak resident memory (Linux: VmHWM, which starts afresh at exec; a child's
    ru_maxrss would also count the parent's pages it was forked with)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(path: Path, fmt: str, env: dict[str, str]) -> tuple[dict[str, float], float]:
    """(the child's answer, its peak resident memory in MB)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), "--child-format", fmt], env=env, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"the ingestion of {path} failed ({proc.returncode})")
    answer = json.loads(out.decode().strip().splitlines()[-1])
    return answer, float(answer.get("peak_mb") or usage.ru_maxrss / 1024)


def duckdb_copy(path: Path, fmt: str, out: Path) -> tuple[float, float]:
    """DuckDB reading the file and writing the same layout (one Parquet file per month) in this run: its
    seconds and CPU seconds (all its threads)."""
    import duckdb

    read = f"read_csv('{path}', all_varchar = true)" if fmt == "csv" else f"read_parquet('{path}')"
    con = duckdb.connect()
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(
        f"COPY (SELECT order_id, resident_id, region, sector, CAST(order_date AS DATE) AS order_date,"
        f" CAST(fare_cents AS BIGINT) AS fare_cents, strftime(CAST(order_date AS DATE), '%Y-%m') AS month"
        f" FROM {read}) TO '{out}' (FORMAT parquet, PARTITION_BY (month), OVERWRITE)"
    )
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=300_000)
    parser.add_argument("--format", choices=["csv", "parquet", "both"], default="both")
    parser.add_argument("--child")
    parser.add_argument("--child-format")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="socsec-bench-ingest-") as tmp:
        var = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
            "SOCSEC_VAR_DIR": str(var),
            "SOCSEC_ORDERS_MAX_ROWS": str(10 * args.orders + 10),
            "SOCSEC_ORDERS_MAX_BYTES": str(1 << 40),
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        os.environ.update(env)
        from socsec.cli.common import django_setup, migrate_database

        django_setup()
        migrate_database()
        started = time.perf_counter()
        workers = build_registry(args.workers)
        registry_s = time.perf_counter() - started
        today = dt.date.today()
        result: dict[str, object] = {
            "bench": "ingest",
            "orders": args.orders,
            "workers": args.workers,
            "registry_build_s": round(registry_s, 1),
        }
        formats = ["csv", "parquet"] if args.format == "both" else [args.format]
        for fmt in formats:
            small, large = var / f"small.{fmt}", var / f"orders.{fmt}"
            write_orders(small, fmt, max(args.orders // 10, 1), workers, today, prefix=f"S{fmt[0]}")
            write_orders(large, fmt, args.orders, workers, today, prefix=f"L{fmt[0]}")
            floor, floor_cpu = duckdb_copy(large, fmt, var / f"duckdb-{fmt}")
            answer_small, peak_small = run_child(small, fmt, env)
            answer, peak = run_child(large, fmt, env)
            result[f"{fmt}_rows_valid"] = answer["valid"]
            key = "" if len(formats) == 1 else f"{fmt}_"
            result |= {
                f"{key}orders_per_s": round(args.orders / answer["seconds"]),
                f"{key}seconds": round(answer["seconds"], 2),
                f"{key}duckdb_copy_s": round(floor, 2),
                f"{key}ratio_vs_duckdb_copy": round(answer["seconds"] / floor, 2),
                # CPU seconds (all threads) against DuckDB's: steadier than time on a machine shared by others
                f"{key}cpu_s": round(answer["cpu_s"], 2),
                f"{key}cpu_ratio_vs_duckdb_copy": round(answer["cpu_s"] / floor_cpu, 2),
                f"{key}peak_rss_mb": round(peak),
                f"{key}peak_rss_mb_small": round(peak_small),
                # the same run's highest in its first and its second half: about equal when memory does not
                # grow with the rows read (N/10 may end before the pipeline's buffers have filled)
                f"{key}rss_mb_first_half": answer["first_half_mb"],
                f"{key}rss_mb_second_half": answer["second_half_mb"],
                f"{key}file_mb": round(large.stat().st_size / 1e6),
            }
        result["cores"] = os.cpu_count()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
