"""The payment run is set-based: it makes the same number of queries whatever the number of awards
(within a batch of awards, and of payments written: ``AWARDS_A_BATCH``, ``WRITES_A_BATCH``), with every
path taken at both sizes (pensions indexed over years, monthly allowances, lump sums, unemployment
benefit looked at for new work, a death stopping a person's benefits, claims moved to paid, ledger
accounts opened)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from socsec.benefits import payments
from socsec.benefits.models import Award, BenefitPayment, Claim, DeathNotice, Suspension
from socsec.benefits.payments import pay_month
from socsec.ledger.models import LedgerEntry
from tests.world import SYSTEM

KINDS = [  # claim kind, item, periodic, first month
    (Claim.Kind.PENSION, "pension_monthly", True, "2025-12"),
    (Claim.Kind.OCCUPATIONAL_INJURY, "oip_disability_allowance_monthly", True, "2026-05"),
    (Claim.Kind.OCCUPATIONAL_INJURY, "oip_disability_grant", False, "2026-03"),
    (Claim.Kind.UNEMPLOYMENT, "unemployment_benefit_monthly", True, "2026-05"),
]


def make_awards(world, n: int) -> None:
    people = [world.rider, world.employee, world.freelancer]
    claims = Claim.objects.bulk_create(
        [
            Claim(
                person=people[i % 3],
                kind=KINDS[i % 4][0],
                status=Claim.Status.AWARDED,
                event_date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                reported_by=Claim.Reporter.OFFICER,
                submitted_on=dt.date(2020, 1, 2),
                decision_due=dt.date(2020, 3, 3),
            )
            for i in range(n)
        ]
    )
    Award.objects.bulk_create(
        [
            Award(
                claim=claim,
                item=KINDS[i % 4][1],
                label="test",
                payer=Award.Payer.FUND,
                periodic=KINDS[i % 4][2],
                amount_cents=300000 + i,
                start_month=KINDS[i % 4][3],
                explanation={"note": "query count"},
            )
            for i, claim in enumerate(claims)
        ]
    )
    DeathNotice.objects.create(
        person=world.employee, died_on=dt.date(2026, 3, 10), source="civil registry", received_on=dt.date(2026, 4, 1)
    )


def paid_with(world, n: int) -> tuple[int, int, int, int]:
    """Queries of one run over ``n`` new awards, and what it wrote; all undone after."""
    with transaction.atomic():
        make_awards(world, n)
        with CaptureQueriesContext(connection) as queries:
            result = pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
        written = (result.new_payments, Suspension.objects.count(), LedgerEntry.objects.count())
        assert BenefitPayment.objects.count() == result.new_payments
        transaction.set_rollback(True)
    return (len(queries), *written)


@pytest.mark.django_db(transaction=False)
def test_a_payment_run_makes_as_many_queries_for_50_awards_as_for_5(world, data_dir):
    small, small_payments, small_stops, small_entries = paid_with(world, 5)
    large, large_payments, large_stops, large_entries = paid_with(world, 50)
    assert small_stops > 0 and large_stops > small_stops  # the death stopped some at both sizes
    assert large_payments > 5 * small_payments
    assert (small_entries, large_entries) == (2 * small_payments, 2 * large_payments)
    assert large_payments <= payments.WRITES_A_BATCH  # one statement a table at both sizes
    assert small == large
