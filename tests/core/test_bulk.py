"""Bulk inserts: ``copy_rows`` (COPY on PostgreSQL) writes what ``insert_rows`` writes, values prepared by
their fields (dates and times, JSON, encrypted text), and returns the new ids in the order given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from socsec.benefits.models import Award
from socsec.core import bulk
from socsec.core.bulk import copy_rows, insert_rows
from socsec.ledger.models import LedgerTransaction

COLUMNS = ["at", "booked_on", "description", "kind", "params", "source", "idempotency_key"]


AT = timezone.now()


def rows(prefix: str, n: int, at: dt.datetime = AT) -> list[tuple]:
    return [
        (
            at,
            dt.date(2026, 5, 1 + i % 28),
            f"tab\there\nnew line \\ {i}",
            "",
            {"n": i, "s": "é\t"},
            "s",
            f"{prefix}:{i}",
        )
        for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 250])
def test_copy_rows_writes_what_insert_rows_writes(n):
    inserted = insert_rows(LedgerTransaction, COLUMNS, rows("insert", n))
    copied = copy_rows(LedgerTransaction, COLUMNS, rows("copy", n))
    assert len(copied) == n and copied == sorted(copied) and min(copied) > max(inserted)
    fields = ["booked_on", "description", "kind", "params", "source"]
    by_id = {t.pk: t for t in LedgerTransaction.objects.all()}
    for i, (a, b) in enumerate(zip(inserted, copied, strict=True)):
        assert [getattr(by_id[a], f) for f in fields] == [getattr(by_id[b], f) for f in fields]
        assert by_id[b].idempotency_key == f"copy:{i}" and by_id[b].at == by_id[a].at == AT


@pytest.mark.django_db
def test_copy_rows_encrypts_as_the_field_does(world):
    claim_award = Award.objects.create(
        claim=world_claim(world),
        item="x",
        label="x",
        payer="FUND",
        periodic=True,
        amount_cents=1,
        start_month="2026-01",
        explanation={"note": "bulk"},
    )
    columns = ["claim_id", "item", "label", "payer", "periodic", "amount_cents", "start_month", "end_month"]
    columns += ["beneficiary", "explanation", "suspended_from", "suspended_reason", "status"]
    values = (claim_award.claim_id, "y", "y", "FUND", False, 5, "2026-02", "", "王芳", {"a": 1}, "", "", "ACTIVE")
    pks = copy_rows(Award, columns, [values, values])
    for award in Award.objects.filter(pk__in=pks):
        assert (award.beneficiary, award.explanation, award.periodic) == ("王芳", {"a": 1}, False)
        assert award.amount_cents == 5
    # the same name given twice is sealed twice: no two rows' ciphertexts alike (nor their nonces)
    with connection.cursor() as cursor:
        cursor.execute("SELECT beneficiary FROM benefits_award WHERE id IN (%s, %s)", pks)
        sealed = [row[0] for row in cursor.fetchall()]
    assert len(sealed) == 2 and sealed[0] != sealed[1] and "王芳" not in sealed[0] + sealed[1]


@pytest.mark.django_db
@pytest.mark.parametrize("copy_from", [1, bulk.COPY_IGNORING_FROM])  # by COPY, and by statements (so few rows)
def test_copy_rows_ignoring_conflicts_skips_what_a_unique_constraint_holds_as_insert_rows_does(monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_IGNORING_FROM", copy_from)
    insert_rows(LedgerTransaction, COLUMNS, rows("k", 3))  # k:0 .. k:2 held already
    first = rows("k", 6)  # k:0 .. k:5: three new
    # k:4 .. k:7 told otherwise, twice k:6 and k:7 in one batch: two new, and the first of each kept
    again = [(*row[:2], f"again {row[-1]}", *row[3:]) for row in rows("k", 8)[4:]]
    again += [(*row[:2], f"twice {row[-1]}", *row[3:]) for row in rows("k", 8)[6:]]
    # twice in one transaction: the second call finds the temporary table made and emptied by the first
    assert copy_rows(LedgerTransaction, COLUMNS, first, returning=False, ignore_conflicts=True) == []
    assert copy_rows(LedgerTransaction, COLUMNS, again, returning=False, ignore_conflicts=True) == []
    kept = LedgerTransaction.objects.order_by("id")
    assert [t.idempotency_key for t in kept] == [f"k:{i}" for i in range(8)]
    fields = ["booked_on", "description", "kind", "params", "source"]
    expected = {row[-1]: row for row in rows("k", 6) + again[2:4]}
    for t in kept:
        row = expected[t.idempotency_key]
        assert [getattr(t, f) for f in fields] == [row[1], row[2], row[3], row[4], row[5]]
        assert t.at == AT
    assert [t.description for t in kept][4:] == ["tab\there\nnew line \\ 4", "tab\there\nnew line \\ 5"] + [
        "again k:6",
        "again k:7",
    ]


@pytest.mark.django_db
def test_nothing_to_copy_writes_nothing():
    assert copy_rows(LedgerTransaction, COLUMNS, []) == []
    assert not LedgerTransaction.objects.exists()


def world_claim(world):
    from socsec.benefits.models import Claim

    return Claim.objects.create(
        person=world.rider,
        kind="PENSION",
        status="AWARDED",
        event_date=dt.date(2026, 1, 1),
        reported_by="OFFICER",
        submitted_on=dt.date(2026, 1, 2),
        decision_due=dt.date(2026, 3, 3),
    )
