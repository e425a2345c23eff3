"""The pooled funds' monthly totals the postings keep beside the ledger: written with the entries (or not at
all), only for pooled fund accounts, folded without losing a cent, checked against and made again from the
entries; postings to one fund in two transactions at once do not wait on each other (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from socsec.cli import main as socsec
from socsec.core.errors import ValidationFailed
from socsec.ledger import totals
from socsec.ledger.accounts import fund, fund_interest, individual_account
from socsec.ledger.models import FundMonthTotal
from socsec.ledger.services import Posting, post, post_many
from socsec.ledger.totals import Drift, drift, fold, rebuild

D = dt.date
OIP_GD = fund("OIP", "440000")


def _posting(key: str, entries, on: dt.date, params=None) -> Posting:
    return Posting(entries, "test", key, key, on, None, params or {})


def _invoice(n: int, cents: int, on: dt.date, platform: str = "a") -> None:
    """An invoice's posting (a credit note where ``cents`` is negative), through the service."""
    key = f"invoice:{n}"
    post(
        entries=[(f"receivable:platform:{platform}", cents), (OIP_GD, -cents)],
        description="test",
        source=key,
        idempotency_key=key,
        booked_on=on,
    )


def _kept() -> list[tuple[str, dt.date, str, str, int]]:
    rows = FundMonthTotal.objects.values_list("account__code", "month", "source_kind", "item", "cents")
    return sorted(rows)


@pytest.fixture
def book(db):
    post_many(
        [
            _posting("invoice:1", [("receivable:platform:a", 10_000), (OIP_GD, -10_000)], D(2026, 3, 5)),
            _posting("invoice:2", [("receivable:platform:a", 2_500), (OIP_GD, -2_500)], D(2026, 3, 31)),
            _posting(
                "benefit-payment:7",
                [(OIP_GD, 4_000), ("payable:benefits:1", -4_000)],
                D(2026, 3, 20),
                {"item": "oip_medical"},
            ),
            _posting("invoice:3", [("receivable:platform:b", 1_000), (OIP_GD, -1_000)], D(2026, 4, 1)),
            # a worker's individual account and the bank keep no totals; the interest sub-account does
            _posting(
                "interest:2026:1",
                [(fund_interest("EMPLOYEE_PENSION", "110000"), 300), (individual_account(1), -300)],
                D(2026, 4, 30),
            ),
            _posting("payment:1", [("bank:collection", 9_000), ("receivable:platform:a", -9_000)], D(2026, 4, 2)),
        ]
    )


def test_each_posting_keeps_its_pooled_funds_months(book):
    assert _kept() == [
        (fund_interest("EMPLOYEE_PENSION", "110000"), D(2026, 4, 1), "interest", "", 300),
        (OIP_GD, D(2026, 3, 1), "benefit-payment", "oip_medical", 4_000),
        (OIP_GD, D(2026, 3, 1), "invoice", "", -12_500),  # the two March invoices of one batch, one row
        (OIP_GD, D(2026, 4, 1), "invoice", "", -1_000),
    ]
    assert drift() == []


def test_a_retry_adds_nothing_and_a_refused_batch_writes_nothing(book):
    before = _kept()
    _invoice(1, 10_000, D(2026, 3, 5))  # posted before: nothing new
    with pytest.raises(ValidationFailed):
        post_many(
            [
                _posting("invoice:8", [("receivable:platform:a", 50), (OIP_GD, -50)], D(2026, 5, 1)),
                _posting("invoice:9", [("receivable:platform:a", 50), (OIP_GD, -49)], D(2026, 5, 1)),
            ]
        )
    with pytest.raises(RuntimeError), transaction.atomic():
        _invoice(10, 70, D(2026, 5, 2))
        raise RuntimeError("the caller's transaction fails after the posting")
    assert _kept() == before
    assert drift() == []


def test_fold_keeps_every_cent_in_one_row_a_key_even_one_that_nets_to_nothing(book):
    for n in range(5):
        _invoice(20 + n, 100 + n, D(2026, 3, 9))
    _invoice(30, -1_000, D(2026, 4, 15), "b")  # a credit note
    assert FundMonthTotal.objects.count() == 4 + 5 + 1
    assert fold() == (10, 4)
    assert _kept() == [
        (fund_interest("EMPLOYEE_PENSION", "110000"), D(2026, 4, 1), "interest", "", 300),
        (OIP_GD, D(2026, 3, 1), "benefit-payment", "oip_medical", 4_000),
        (OIP_GD, D(2026, 3, 1), "invoice", "", -12_500 - 510),
        # April's invoice and its credit note net to nothing: the month stays, as the entries have it
        (OIP_GD, D(2026, 4, 1), "invoice", "", 0),
    ]
    assert fold() == (4, 4)
    assert drift() == []


def test_drift_names_what_differs_and_rebuild_makes_the_totals_again(book):
    FundMonthTotal.objects.filter(source_kind="benefit-payment").update(cents=3_999)
    FundMonthTotal.objects.filter(month=D(2026, 4, 1), source_kind="invoice").delete()
    assert drift() == [
        Drift(OIP_GD, D(2026, 3, 1), "benefit-payment", "oip_medical", 3_999, 4_000),
        Drift(OIP_GD, D(2026, 4, 1), "invoice", "", 0, -1_000),
    ]
    assert socsec(["ledger", "check-totals"]) == 1
    assert socsec(["ledger", "check-totals", "--rebuild"]) == 0
    assert drift() == []
    assert rebuild() == 4
    assert socsec(["ledger", "fold-totals"]) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers (SQLite takes one at a time)")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_posting_to_one_fund_do_not_wait_on_each_other():
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                _invoice(2, 700, D(2026, 3, 6), "b")
        except BaseException as exc:  # noqa: BLE001 - reported to the test's thread
            errors.append(exc)
        finally:
            connection.close()

    _invoice(0, 1, D(2026, 3, 1))
    with transaction.atomic():  # the first posting stays uncommitted while the second one posts and commits
        _invoice(1, 500, D(2026, 3, 5))
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(10)
        assert not thread.is_alive() and errors == []
    assert _kept() == [(OIP_GD, D(2026, 3, 1), "invoice", "", c) for c in (-700, -500, -1)]
    assert drift() == []


def _posting_in_a_thread(n: int, cents: int) -> threading.Thread:
    """An invoice posted by another connection, started now; the caller joins it."""

    def run() -> None:
        try:
            _invoice(n, cents, D(2026, 5, 3))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database (shared cache) fails a second writer at once"
)
@pytest.mark.django_db(transaction=True)
def test_a_posting_during_a_rebuild_is_counted_once(monkeypatch):
    """A posting that comes while the totals are made again waits for them (the table's lock), then adds its
    own rows: the entries the rebuild read did not have it."""
    _invoice(1, 100, D(2026, 5, 3))
    real = totals._from_entries
    started: list[threading.Thread] = []

    def post_then_read(model):  # the old totals deleted, the entries not read yet
        started.append(_posting_in_a_thread(2, 7))
        time.sleep(0.5)  # the other posting writes its entries, reaches the totals and waits there
        return real(model)

    monkeypatch.setattr(totals, "_from_entries", post_then_read)
    assert rebuild() == 1
    started[0].join(30)
    monkeypatch.setattr(totals, "_from_entries", real)
    assert not started[0].is_alive()
    assert _kept() == [(OIP_GD, D(2026, 5, 1), "invoice", "", c) for c in (-100, -7)]
    assert drift() == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database (shared cache) fails a second writer at once"
)
@pytest.mark.django_db(transaction=True)
def test_a_posting_between_the_checks_two_reads_is_no_drift(monkeypatch):
    _invoice(1, 100, D(2026, 5, 3))
    real = totals._kept

    def read_then_post(model):
        found = real(model)
        _posting_in_a_thread(2, 9).join(30)  # committed before the entries are read
        return found

    monkeypatch.setattr(totals, "_kept", read_then_post)
    assert drift() == []  # both reads in one snapshot: the new posting on neither side
    monkeypatch.setattr(totals, "_kept", real)
    assert drift() == [] and len(_kept()) == 2
