"""Writing the scale benchmark's database: the reference rows through the services (regions,
organisations, OIP activations, fund accounts, the earlier payment runs), then the bulk tables drawn by
``scale_rows`` / ``scale_records``: on PostgreSQL with COPY (CSV written by Arrow), keys, unique
constraints, indexes and foreign keys dropped during the load and made again after it; on SQLite with
``executemany`` in one transaction per chunk. Then the sequences, the runs' totals and ANALYZE."""

from __future__ import annotations

import io
import json
import time
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.apps import apps
from django.db import connection, transaction

BULK_TABLES = [
    "registry_person",
    "registry_engagement",
    "benefits_claim",
    "benefits_award",
    "benefits_benefitpayment",
    "ledger_account",
    "ledger_ledgertransaction",
    "ledger_ledgerentry",
    "contributions_owncontribution",
]
BUILT = "scale benchmark: built"
FUND_SCHEMES = ["EMPLOYEE_PENSION", "OIP", "UNEMPLOYMENT", "LONG_TERM_CARE", "RESIDENT_PENSION", "WORK_INJURY"]


def reference_data() -> Any:
    """The small tables, through the services as the demo loads them; returns the ``Reference``."""
    from scale_records import AWARD_KINDS, MONTHS
    from scale_rows import BASES_CENTS, QUARTERS, Reference

    from socsec.benefits.models import PaymentRun
    from socsec.coverage.services import activation_create
    from socsec.demo.pilot import ACTIVATIONS, ACTOR, CITIES, CITY_WEIGHTS, ORGANISATIONS, REGIONS
    from socsec.ledger.accounts import BANK_COLLECTION, fund
    from socsec.ledger.services import account
    from socsec.registry.models import Organisation, Region
    from socsec.registry.services import organisation_create, region_create
    from socsec.rules.engine import calc, get_formula

    with transaction.atomic():
        for code, name, name_zh, parent in REGIONS:
            if not Region.objects.filter(code=code).exists():
                region_create(actor=ACTOR, code=code, name=name, name_zh=name_zh, parent_code=parent)
        for code, name, name_zh, kind, _sector, region in ORGANISATIONS:
            if not Organisation.objects.filter(code=code).exists():
                organisation_create(
                    actor=ACTOR, code=code, name=name, name_zh=name_zh, kind=kind, registered_region_code=region
                )
        from socsec.coverage.models import SchemeActivation

        if not SchemeActivation.objects.exists():
            for province, platform, start, reference in ACTIVATIONS:
                activation_create(
                    actor=ACTOR,
                    scheme="OIP",
                    region_code=province,
                    organisation_code=platform,
                    start_date=start,
                    reference=reference,
                )
        regions = {r.code: r for r in Region.objects.all()}
        provinces = sorted({regions[c].province_code for c in CITIES})
        accounts = {BANK_COLLECTION: account(BANK_COLLECTION).pk}
        for scheme in FUND_SCHEMES:
            for province in provinces:
                accounts[fund(scheme, province)] = account(fund(scheme, province)).pk
        for number, month in enumerate(MONTHS[:-1], start=1):
            PaymentRun.objects.get_or_create(id=number, defaults={"month": month})
    orgs = {o.code: o for o in Organisation.objects.all()}
    sectors = {code: str(sector) for code, _n, _z, _k, sector, _r in ORGANISATIONS}
    explanations: dict[tuple[str, str, int], tuple[int, int, str]] = {}
    for city in CITIES:
        for quarter in QUARTERS:
            for base in BASES_CENTS:
                inputs = {"region": city, "declared_base": base, "months": 3}
                due = calc("flexible_pension_contribution", on=quarter, **inputs)
                to_account = calc("flexible_pension_individual_account", on=quarter, **inputs)
                full = {"contribution": due.as_dict(), "individual_account": to_account.as_dict()}
                text = json.dumps({key: _trimmed(value) for key, value in full.items()})
                explanations[(city, quarter.isoformat(), base)] = (int(due.value), int(to_account.value), text)
    from scale_records import ACCOUNT_BASE

    # the persons' accounts are numbered from ACCOUNT_BASE: the bank's and the funds' must lie below
    if max(accounts.values()) >= ACCOUNT_BASE:
        raise RuntimeError(
            f"reference accounts reach id {max(accounts.values())}; the persons' start at {ACCOUNT_BASE}"
        )
    return Reference(
        cities=[(regions[c].pk, c, float(w)) for c, w in zip(CITIES, CITY_WEIGHTS, strict=True)],
        province_of_city={regions[c].pk: regions[c].province_code for c in CITIES},
        platforms=[(orgs[c].pk, sectors[c]) for c, *_r in ORGANISATIONS if orgs[c].kind == "PLATFORM"],
        employer=(orgs["huaxin-mfg"].pk, sectors["huaxin-mfg"]),
        accounts=accounts,
        labels={row[1]: get_formula(row[1]).label for row in AWARD_KINDS},
        own_explanations=explanations,
    )


def _trimmed(explanation: dict[str, Any], keep: tuple[str, ...] = ("contribution_base",)) -> dict[str, Any]:
    """An explanation kept to its formula, value and inputs, with only the steps named in ``keep`` (what the
    reads look up with ``step_value``). The whole one (labels, references, the parameters at every step) is
    about 9.5 KB a row: a year of records at 10M persons (8M rows) would be some 23 GB and hours of COPY on
    a shared 2-core machine."""
    return {
        "formula": explanation.get("formula"),
        "value": explanation.get("value"),
        "inputs": explanation.get("inputs", {}),
        "steps": [_trimmed(s, keep) for s in explanation.get("steps", ()) if s.get("formula") in keep],
    }


def check_columns(table: str, data: pa.Table) -> None:
    """The drawn columns are exactly the table's (a column added to a model must be drawn here too)."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    wanted = {f.column for f in model._meta.concrete_fields}
    drawn = set(data.column_names)
    if wanted != drawn:
        raise SystemExit(
            f"{table}: drawn columns differ from the model's: missing {wanted - drawn}, extra {drawn - wanted}"
        )


class Loader:
    """Writes drawn tables, timing each table's rows (seconds by table)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.rows: dict[str, int] = defaultdict(int)
        self.checked: set[str] = set()
        self.postgres = connection.vendor == "postgresql"
        self._saved: list[tuple[str, str, str]] = []  # (table, kind, definition) dropped for the load

    def begin(self) -> None:
        if self.postgres:
            self._drop_keys()
        else:
            with connection.cursor() as cur:
                cur.execute("PRAGMA synchronous = OFF")

    def open_load(self) -> None:
        """In the writing thread, before its first chunk: one transaction for the whole load, which first
        empties the tables (they are empty), so that PostgreSQL at ``wal_level = minimal`` writes the
        rows without logging them to the WAL. A load that fails leaves nothing."""
        from scale_records import ACCOUNT_BASE

        connection.set_autocommit(False)
        if self.postgres:
            with connection.cursor() as cur:
                # not the accounts: the bank's and the funds' (``reference_data``) are there already
                cur.execute(f"TRUNCATE {', '.join(t for t in BULK_TABLES if t != 'ledger_account')}")
                cur.execute(f"DELETE FROM ledger_account WHERE id >= {ACCOUNT_BASE}")

    def close_load(self) -> None:
        connection.commit()
        connection.set_autocommit(True)
        connection.close()

    def write(self, tables: dict[str, pa.Table]) -> None:
        with transaction.atomic():
            for name, data in tables.items():
                if name not in self.checked:
                    check_columns(name, data)
                    self.checked.add(name)
                start = time.perf_counter()
                self._copy(name, data) if self.postgres else self._insert(name, data)
                self.seconds[name] += time.perf_counter() - start
                self.rows[name] += data.num_rows

    def _copy(self, name: str, data: pa.Table) -> None:
        buf = io.BytesIO()
        pacsv.write_csv(data, buf, pacsv.WriteOptions(include_header=False, batch_size=65536))
        columns = ", ".join(data.column_names)
        with connection.cursor() as cur, cur.cursor.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            view = buf.getbuffer()
            for at in range(0, len(view), 1 << 22):
                copy.write(view[at : at + (1 << 22)])

    def _insert(self, name: str, data: pa.Table) -> None:
        columns = data.column_names
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        values = [data.column(c).to_pylist() for c in columns]
        with connection.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), list(zip(*values, strict=True)))

    def _drop_keys(self) -> None:
        """Save and drop the keys, unique constraints, indexes and foreign keys of the bulk tables (and the
        foreign keys pointing at them): rows load faster without them and they are built once after."""
        tables = ", ".join(f"'{t}'::regclass" for t in BULK_TABLES)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
                f" WHERE contype IN ('p', 'u', 'f') AND (conrelid IN ({tables}) OR confrelid IN ({tables}))"
            )
            constraints = cur.fetchall()
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                f" WHERE i.indrelid IN ({tables})"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                " WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))"
            )
            indexes = cur.fetchall()
            for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] != "f"):  # foreign keys first
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                # foreign keys come back NOT VALID, then are validated one by one (``finish``): a check
                # that reads each table once, not a lookup per row as a key added to a full table would
                valid = " NOT VALID" if kind == "f" else ""
                self._saved.append((table, kind, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{valid}'))
            for name, definition in indexes:
                cur.execute(f'DROP INDEX "{name}"' if not name.startswith('"') else f"DROP INDEX {name}")
                self._saved.append(("", "i", definition))

    def finish(self) -> dict[str, float]:
        """Keys and indexes made again, sequences past the ids written, runs' totals, statistics: seconds
        of each such phase."""
        phases: dict[str, float] = {}
        start = time.perf_counter()
        with connection.cursor() as cur:
            order = {"p": 0, "u": 1, "i": 2, "f": 3}
            for _table, _kind, statement in sorted(self._saved, key=lambda s: order[s[1]]):
                cur.execute(statement)
        phases["keys_and_indexes"] = time.perf_counter() - start
        start = time.perf_counter()
        with connection.cursor() as cur:  # the drawn rows' references checked, every one (a build that
            # left one dangling fails here, naming the key, instead of timing steps over broken data)
            for table, kind, statement in self._saved:
                if kind == "f":
                    name = statement.split('ADD CONSTRAINT "', 1)[1].split('"', 1)[0]
                    cur.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
        phases["foreign_keys_validated"] = time.perf_counter() - start
        self._saved = []
        start = time.perf_counter()
        from socsec.ledger.totals import rebuild

        rebuild()  # the funds' monthly totals of the entries written around the ledger's services
        phases["fund_month_totals"] = time.perf_counter() - start
        start = time.perf_counter()
        with connection.cursor() as cur:
            if self.postgres:
                for table in [*BULK_TABLES, "benefits_paymentrun"]:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT coalesce(max(id), 1) FROM {table}))"
                    )
            cur.execute(
                "UPDATE benefits_paymentrun SET payment_count = (SELECT count(*) FROM benefits_benefitpayment p"
                " WHERE p.run_id = benefits_paymentrun.id), amount_cents = (SELECT coalesce(sum(amount_cents), 0)"
                " FROM benefits_benefitpayment p WHERE p.run_id = benefits_paymentrun.id)"
            )
            cur.execute("ANALYZE")
            if self.postgres:  # what --reuse looks for: the keys and indexes are back
                cur.execute(f"COMMENT ON TABLE registry_person IS '{BUILT}'")
        phases["sequences_totals_analyze"] = time.perf_counter() - start
        return phases
