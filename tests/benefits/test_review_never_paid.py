"""A review replaces the awards in force: one the fund never paid simply goes, unless something refers to
it (a stop's suspension, a work report); then it stays on record as replaced, and its stop carries over to
the award that replaces it."""

from __future__ import annotations

import datetime as dt

from socsec.benefits.models import Award, Suspension
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.benefits.review import put_in_force
from tests.benefits.pensions import pension_in_payment
from tests.world import SYSTEM


def test_a_review_of_an_award_stopped_before_it_was_ever_paid_keeps_it_as_replaced(world, data_dir):
    award = pension_in_payment(world.freelancer, start_month="2026-03", amount_cents=300000)
    death_notice_record(
        actor=SYSTEM, person_id=world.freelancer.pk, died_on=dt.date(2026, 1, 20), source="civil registry",
        today=dt.date(2026, 3, 1),
    )  # fmt: skip
    march = pay_month(actor=SYSTEM, month="2026-03", today=dt.date(2026, 4, 2))
    assert march.new_payments == 0  # stopped from February: nothing is ever paid
    assert list(Suspension.objects.filter(award=award).values_list("from_month", flat=True)) == ["2026-02"]
    fields = {"item": "pension_monthly", "label": "pension", "payer": "FUND", "periodic": True, "explanation": {}}
    Award.objects.create(claim=award.claim, amount_cents=310000, start_month="2026-03", status="PROPOSED", **fields)
    assert put_in_force(award.claim) == []
    award.refresh_from_db()
    replacing = Award.objects.get(claim=award.claim, status="ACTIVE")
    assert (award.status, replacing.suspended_from) == ("SUPERSEDED", "2026-02")
    assert pay_month(actor=SYSTEM, month="2026-04", today=dt.date(2026, 5, 2)).new_payments == 0
