"""The benefits payment run at scale: a database of N fund-paid awards (pensions indexed since 2024, monthly
injury allowances, lump sums, unemployment benefit; one person each) built with INSERT ... SELECT, then
two runs: the backlog (every month since each award started) and the next month's (one month each, the
history read and checked). Each run is compared with a baseline measured in the same run on the same
database: one SQL query reading the same rows (the awards with their claim and person, and what was paid
on each award by month). Prints one JSON line.

    PYTHONPATH=$PWD/src .venv/bin/python bench/payrun.py [--awards 100000] [--history sql]

``--history sql`` writes what the backlog run would have paid in SQL (at the same amounts and notes), and each
award's record of it as the runs leave it (``paid_through``, a pension's ``paid_amounts``), and times only
the next month's run: the size of a monthly run at a million awards without the hours of back pay. Each run
says how many payments of earlier runs there were (``history_rows``) and how many it read (``rows_read``).

On the embedded default (SQLite, a fresh var dir) unless DATABASE_URL is set: then on that database,
which must be a throwaway one (it is migrated and filled)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import tempfile
import time
from typing import Any

FIRST = 1_000_000_000  # ids of the copies, above any made through the services


def setup() -> None:
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-bench-payrun-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n: int) -> None:
    """One person, claim and award made through the ORM (their encrypted columns), copied n times."""
    from django.db import connection, transaction

    from socsec.benefits.models import Award, Claim
    from socsec.registry.models import Person, Region

    province = Region.objects.create(code="440000", name="Guangdong", name_zh="广东", level="PROVINCE")
    city = Region.objects.create(code="440300", name="Shenzhen", name_zh="深圳", level="CITY", parent=province)
    person = Person.objects.create(
        resident_id="440305199001011234",
        name="Bench",
        birth_date=dt.date(1960, 1, 1),
        sex="M",
        retirement_group="MEN_60",
        residence_region=city,
    )
    claim = Claim.objects.create(
        person=person,
        kind=Claim.Kind.PENSION,
        status=Claim.Status.AWARDED,
        event_date=dt.date(2023, 12, 1),
        reported_by=Claim.Reporter.OFFICER,
        submitted_on=dt.date(2023, 12, 2),
        decision_due=dt.date(2024, 1, 31),
    )
    award = Award.objects.create(
        claim=claim,
        item="pension_monthly",
        label="bench",
        payer=Award.Payer.FUND,
        periodic=True,
        amount_cents=300000,
        start_month="2024-01",
        explanation={"note": "bench"},
    )
    seq = f"WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {n - 1})"
    # kind, item, periodic, first month by n %% 4
    kind = "CASE n %% 4 WHEN 0 THEN 'PENSION' WHEN 3 THEN 'UNEMPLOYMENT' ELSE 'OCCUPATIONAL_INJURY' END"
    item = (
        "CASE n %% 4 WHEN 0 THEN 'pension_monthly' WHEN 1 THEN 'oip_disability_allowance_monthly'"
        " WHEN 2 THEN 'oip_disability_grant' ELSE 'unemployment_benefit_monthly' END"
    )
    start = "CASE n %% 4 WHEN 0 THEN '2024-01' WHEN 1 THEN '2026-01' WHEN 2 THEN '2026-03' ELSE '2026-02' END"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{seq} INSERT INTO registry_person (id, resident_id, resident_id_index, name, name_index, birth_date,"
            " sex, retirement_group, residence_region_id, created_at)"
            f" SELECT {FIRST} + n, p.resident_id, 'bench-' || n, p.name, p.name_index, p.birth_date, p.sex,"
            " p.retirement_group,"
            " p.residence_region_id, p.created_at FROM seq, registry_person p WHERE p.id = %s",
            [person.pk],
        )
        columns = [f.column for f in Claim._meta.concrete_fields if f.column not in ("id", "person_id", "kind")]
        cursor.execute(
            f"{seq} INSERT INTO benefits_claim (id, person_id, kind, {', '.join(columns)})"
            f" SELECT {FIRST} + n, {FIRST} + n, {kind}, {', '.join('c.' + c for c in columns)}"
            " FROM seq, benefits_claim c WHERE c.id = %s",
            [claim.pk],
        )
        fixed = ("id", "claim_id", "item", "periodic", "amount_cents", "start_month")
        columns = [f.column for f in Award._meta.concrete_fields if f.column not in fixed]
        cursor.execute(
            f"{seq} INSERT INTO benefits_award (id, claim_id, item, periodic, amount_cents, start_month,"
            f" {', '.join(columns)})"
            f" SELECT {FIRST} + n, {FIRST} + n, {item}, n %% 4 <> 2, 300000 + n %% 1000, {start},"
            f" {', '.join('a.' + c for c in columns)} FROM seq, benefits_award a WHERE a.id = %s",
            [award.pk],
        )


def history(through: str) -> None:
    """What the runs up to ``through`` paid, written in SQL instead of by those runs (``--history sql``): each
    award's months since it started (a lump sum once) at the amounts and notes those runs give, pensions
    raised by the published increases (computed by the rules once per distinct amount), one run row for
    them all; claims already moved to paid and persons' payable accounts opened, as the runs leave them."""
    from django.db import connection, transaction

    from socsec.benefits.models import Award, PaymentRun
    from socsec.benefits.pay_due import monthly_amounts_many
    from socsec.core.months import month_index, month_name, month_year

    months = [month_name(i) for i in range(month_index("2024-01"), month_index(through) + 1)]
    years = sorted({int(m[:4]) for m in months})
    bases = list(range(300000, 301000))
    pensions = [Award(item="pension_monthly", start_month="2024-01", amount_cents=b, periodic=True) for b in bases]
    amounts = monthly_amounts_many(pensions, [years[-1]] * len(bases))
    with transaction.atomic(), connection.cursor() as cursor:
        run = PaymentRun.objects.create(month=through)
        cursor.execute("CREATE TEMPORARY TABLE bench_month (month varchar(7), year integer)")
        cursor.executemany("INSERT INTO bench_month VALUES (%s, %s)", [(m, month_year(month_index(m))) for m in months])
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_amount (base bigint, year integer, cents bigint, note varchar(200))"
        )
        cursor.executemany(
            "INSERT INTO bench_amount VALUES (%s, %s, %s, %s)",
            [(b, y, *by_year[y]) for b, by_year in zip(bases, amounts, strict=True) for y in years],
        )
        cursor.execute(
            "INSERT INTO benefits_benefitpayment (run_id, award_id, month, kind, amount_cents, note, instruction)"
            " SELECT %s, a.id, m.month, 'PAYMENT', COALESCE(x.cents, a.amount_cents),"
            " COALESCE(x.note, CASE WHEN a.periodic THEN 'monthly' ELSE 'lump sum' END), 1"
            " FROM benefits_award a JOIN bench_month m ON m.month >= a.start_month"
            " AND (a.periodic OR m.month = a.start_month)"
            " LEFT JOIN bench_amount x ON a.item = 'pension_monthly' AND x.base = a.amount_cents AND x.year = m.year"
            " ORDER BY a.id, m.month",
            [run.pk],
        )
        # each award's record as those runs leave it (``pay_due.bound``): every month through the last one paid,
        # a pension's amounts by year
        cursor.execute("UPDATE benefits_award SET paid_through = %s WHERE periodic", [through])
        json_type = "jsonb" if connection.vendor == "postgresql" else "text"
        cursor.execute(f"CREATE TEMPORARY TABLE bench_paid (base bigint, amounts {json_type})")
        cursor.executemany(
            "INSERT INTO bench_paid VALUES (%s, %s)",
            [(b, json.dumps({str(y): cents[y][0] for y in years})) for b, cents in zip(bases, amounts, strict=True)],
        )
        cursor.execute(
            "UPDATE benefits_award SET paid_amounts = (SELECT x.amounts FROM bench_paid x"
            " WHERE x.base = benefits_award.amount_cents) WHERE item = 'pension_monthly'"
        )
        cursor.execute("UPDATE benefits_claim SET status = 'PAID'")
        cursor.execute(
            "INSERT INTO ledger_account (code, kind, name) SELECT 'payable:benefits:' || id, 'LIABILITY',"
            " 'payable:benefits:' || id FROM registry_person"
        )


BASELINE = """
SELECT a.id, a.item, a.amount_cents, a.start_month, c.kind, c.person_id, r.code, p.month, p.kind, p.amount_cents
FROM benefits_award a
JOIN benefits_claim c ON c.id = a.claim_id
JOIN registry_person pe ON pe.id = c.person_id
JOIN registry_region r ON r.id = pe.residence_region_id
LEFT JOIN benefits_benefitpayment p ON p.award_id = a.id
ORDER BY a.id, p.month
"""


def baseline() -> float:
    """One query reading what a run read before the awards' records bounded it: the awards with claim, person
    and region, and every payment made on them."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BASELINE)
        while cursor.fetchmany(10000):
            pass
    return time.perf_counter() - started


def pay(month: str, today: dt.date) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socsec.audit.services import Actor
    from socsec.benefits.models import BenefitPayment
    from socsec.benefits.payments import pay_month

    history_rows = BenefitPayment.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        result = pay_month(actor=Actor.system("bench"), month=month, today=today)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    floor = baseline()
    return {
        "month": month,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "payments": result.new_payments,
        "queries": len(queries),
        "history_rows": history_rows,  # payments of earlier runs
        "rows_read": result.rows_read,  # of which the run read (the months its awards' records leave)
        "baseline_one_query_s": round(floor, 3),
        "ratio_vs_baseline": round(seconds / floor, 1) if floor else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--awards", type=int, default=100_000)
    parser.add_argument(
        "--history",
        choices=["run", "sql"],
        default="run",
        help="the months before the timed one: paid by a timed backlog run (run), or written in SQL (sql)",
    )
    args = parser.parse_args()
    setup()
    from django.db import connection

    started = time.perf_counter()
    build(args.awards)
    if args.history == "sql":
        history("2026-04")
    built = time.perf_counter() - started
    # every month since each award started (none left when the history was written in SQL)
    backlog = pay("2026-04", dt.date(2026, 5, 2)) if args.history == "run" else None
    monthly = pay("2026-05", dt.date(2026, 6, 2))  # the next month: one each, the history checked
    print(
        json.dumps(
            {
                "bench": "payrun",
                "database": connection.vendor,
                "awards": args.awards,
                "history": args.history,
                "build_s": round(built, 3),
                "backlog": backlog,
                "monthly": monthly,
                "seconds": monthly["seconds"],
                "awards_per_s": round(args.awards / monthly["seconds"]),
                "queries": monthly["queries"],
                "ratio_vs_baseline": monthly["ratio_vs_baseline"],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
