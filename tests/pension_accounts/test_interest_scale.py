"""Interest credited to many individual accounts on the embedded default (SQLite): no query grows with the
number of persons, and the totals are exact to the cent. SQLite refuses a statement with more variables than
its limit (250,000 in this build); the test lowers the limit to 999 for its connection, so that 5,000
accounts fail as 300,000 would if any query named every person. The accounts are built with a few
INSERT ... SELECT statements, as the ledger would hold them after a year of own contributions."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import OperationalError, connection

from socsec.contributions.models import InterestCredit
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.selectors import balance, trial_balance
from socsec.pension_accounts.services import interest_credit
from tests.world import SYSTEM, World

PERSONS = int(os.environ.get("SOCSEC_INTEREST_PERSONS", "5000"))
VARIABLES = 999  # SQLite's limit on variables a statement, for this test's connection
FIRST = 10_000_000  # ids well above the world's


def build_accounts(template_id: int, region_id: int, n: int) -> None:
    """``n`` persons (copies of one, each with its own id and index), each with one employee-pension own
    contribution booked on 10 March 2023 (2,400 cents x 1 to 500) and its ledger posting."""
    seq = f"WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {n - 1})"
    cents = "(2400 * (1 + n % 500))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{seq} INSERT INTO registry_person (id, resident_id, resident_id_index, name, name_index, birth_date,"
            " sex, retirement_group, residence_region_id, created_at)"
            f" SELECT {FIRST} + n, p.resident_id, 'scale-' || n, p.name, p.name_index, p.birth_date, p.sex,"
            " p.retirement_group, p.residence_region_id, p.created_at FROM seq, registry_person p WHERE p.id = %s",
            [template_id],
        )
        cursor.execute(
            f"{seq} INSERT INTO contributions_owncontribution (id, person_id, scheme, region_id, period_start,"
            " months, declared_base_cents, tier, paid_cents, subsidy_cents, individual_account_cents,"
            " pooled_cents, relief_group, subsidised_months, deferred, explanation, paid_on, created_at)"
            f" SELECT {FIRST} + n, {FIRST} + n, 'EMPLOYEE_PENSION', %s, '2023-03-01', 1, NULL, '',"
            f" {cents}, 0, {cents}, 0, '', 0, 0, '{{}}', '2023-03-10', '2023-03-10 00:00:00' FROM seq",
            [region_id],
        )
        cursor.execute(
            f"{seq} INSERT INTO ledger_account (id, code, kind, name)"
            f" SELECT {FIRST} + n, 'fund:individual-account:' || ({FIRST} + n), 'FUND',"
            f" 'fund:individual-account:' || ({FIRST} + n) FROM seq"
        )
        cursor.execute(
            "INSERT INTO ledger_account (code, kind, name) VALUES ('bank:collection', 'ASSET', 'bank:collection')"
            " ON CONFLICT (code) DO NOTHING"
        )
        cursor.execute(
            f"{seq} INSERT INTO ledger_ledgertransaction (id, at, booked_on, description, kind, params, source,"
            " idempotency_key)"
            f" SELECT {FIRST} + n, '2023-03-10 00:00:00', '2023-03-10', 'own contribution', '', '{{}}',"
            f" 'own-contribution:' || ({FIRST} + n), 'own-contribution:' || ({FIRST} + n) FROM seq"
        )
        cursor.execute(
            f"{seq} INSERT INTO ledger_ledgerentry (transaction_id, account_id, amount_cents)"
            f" SELECT {FIRST} + n, {FIRST} + n, -{cents} FROM seq"
            f" UNION ALL SELECT {FIRST} + n, (SELECT id FROM ledger_account WHERE code = 'bank:collection'),"
            f" {cents} FROM seq"
        )


def expected_cents(k: int) -> int:
    """2023 at 3.97%: opening 0; 2,400 x k booked in March earns 10/12 of the year."""
    exact = Decimal(2400 * k) * 10 / 12 * Decimal("0.0397")
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit on variables a statement")
def test_interest_for_many_accounts_on_sqlite_with_exact_totals(world):
    connection.ensure_connection()
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, VARIABLES)
    try:
        _credit_and_check(world)
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def test_the_lowered_limit_refuses_a_query_naming_every_person(world):
    """The check above can fail: with the limit lowered, a query with a variable per person is refused."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's limit on variables a statement")
    connection.ensure_connection()
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, VARIABLES)
    try:
        with pytest.raises(OperationalError, match="too many SQL variables"):
            list(InterestCredit.objects.filter(person_id__in=range(PERSONS)))
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def _credit_and_check(world: World) -> None:
    build_accounts(world.freelancer.pk, world.freelancer.residence_region_id, PERSONS)
    run = interest_credit(actor=SYSTEM, year=2023, today=dt.date(2024, 7, 1))
    by_k = {k: expected_cents(k) for k in range(1, 501)}
    total = sum(by_k[1 + n % 500] for n in range(PERSONS))
    province = world.freelancer.residence_region.code[:2] + "0000"
    assert (len(run.credited), run.amount_cents, run.already_credited) == (PERSONS, total, 0)
    assert InterestCredit.objects.filter(year=2023).count() == PERSONS
    assert InterestCredit.objects.get(person_id=FIRST + 7).amount_cents == by_k[8]
    assert LedgerTransaction.objects.filter(source__startswith="interest:2023:").count() == PERSONS
    assert LedgerEntry.objects.filter(transaction__source__startswith="interest:2023:").count() == 2 * PERSONS
    assert balance(f"fund:EMPLOYEE_PENSION:{province}:interest") == total
    assert balance(f"fund:individual-account:{FIRST + 499}") == -(2400 * 500 + by_k[500])
    assert sum(trial_balance().values()) == 0
    again = interest_credit(actor=SYSTEM, year=2023, today=dt.date(2024, 7, 1))
    assert (again.credited, again.already_credited) == ([], PERSONS)
