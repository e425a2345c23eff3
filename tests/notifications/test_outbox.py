"""The outbox: a notice written in the event's transaction (both or neither), once per event, recipient
and key, refused for an event without a text, streamed in bounded batches; and the events wired to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from socsec.benefits.decisions import claim_decide
from socsec.benefits.information import claim_request_information
from socsec.benefits.models import Claim
from socsec.benefits.payments import pay_month
from socsec.contributions.own.payments import own_contribution_pay
from socsec.core.errors import ValidationFailed
from socsec.notifications import recipients
from socsec.notifications.models import Notice
from socsec.notifications.services import notify, notify_many
from tests.benefits.pensions import pension_in_payment
from tests.benefits.test_claims import injury, officer
from tests.world import SYSTEM


def notices(event: str | None = None) -> list[tuple[str, str, dict, str]]:
    rows = Notice.objects.order_by("id")
    if event:
        rows = rows.filter(event=event)
    return list(rows.values_list("event", "recipient", "context", "dedupe_key"))


def test_a_notice_is_written_with_its_event_or_not_at_all(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(event="payrun.done", recipient="officers", context={"month": "2026-10"}, dedupe_key="x")
        raise RuntimeError("the event failed")
    assert Notice.objects.count() == 0
    notify(event="payrun.done", recipient="officers", context={"month": "2026-10", "new": 2}, dedupe_key="x")
    notify(event="payrun.done", recipient="officers", context={"month": "2026-10", "new": 3}, dedupe_key="x")
    assert notices() == [("payrun.done", "officers", {"month": "2026-10", "new": 2}, "x")]  # told once


def test_an_event_without_a_text_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValidationFailed) as refused:
        notify(event="claim.exploded", recipient="person:1", context={}, dedupe_key="1")
    assert refused.value.code == "event_unknown"
    assert Notice.objects.count() == 0


def test_many_notices_cost_the_same_statements_per_batch_whatever_the_rows(db):
    def insert(n: int, start: int) -> int:
        rows = ((recipients.person(i), {"amount": "1.00", "month": "2026-10"}, "k") for i in range(start, start + n))
        with CaptureQueriesContext(connection) as queries:
            assert notify_many(event="benefit.paid", rows=rows) == n
        return len(queries)

    if connection.vendor == "postgresql":
        # by COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING, in batches of
        # 10,000: three statements a batch (the table made if absent, the move, the emptying), the
        # COPY itself beside them, none growing with the rows; a few (one notice) by one INSERT
        assert insert(10, 0) == 1
        assert insert(2500, 100) == 3
        assert insert(25000, 5000) == 3 * 3
        assert Notice.objects.count() == 10 + 2500 + 25000
    else:
        # multi-row inserts of as many rows as SQLite's bound variables allow (999: 142 rows of 7)
        per = (connection.features.max_query_params or 65535) // 7
        assert per == 142
        assert insert(10, 0) == 1
        assert insert(per, 100) == 1
        assert insert(2500, 5000) == -(-2500 // per)
        assert Notice.objects.count() == 2510 + per


@pytest.mark.parametrize("n", [10, 1500])  # by statements on either database; by COPY on PostgreSQL
def test_a_notice_told_again_is_kept_as_first_told(db, n):
    def tell(start: int, amount: str) -> None:
        rows = ((recipients.person(i), {"amount": amount}, f"paid:{i}") for i in range(start, start + n))
        assert notify_many(event="benefit.paid", rows=rows) == n

    tell(0, "1.00")
    tell(n // 2, "2.00")  # half of them again, with another amount: the first kept, the rest new
    amounts = {key: context["amount"] for key, context in Notice.objects.values_list("dedupe_key", "context")}
    assert len(amounts) == n + n // 2
    assert [amounts[f"paid:{i}"] for i in (0, n // 2 - 1, n // 2, n - 1, n, n + n // 2 - 1)] == ["1.00"] * 4 + [
        "2.00"
    ] * 2


def test_a_claim_tells_the_claimant_and_the_platform_and_its_decision_the_claimant(world):
    claim = injury(world, today=dt.date(2026, 10, 10), day=dt.date(2026, 10, 1))
    person, platform = recipients.person(world.rider.pk), recipients.organisation(world.platform.pk)
    context = {"claim": claim.pk, "kind": "occupational injury protection (platform work)", "day": "2026-10-01"}
    received = notices("claim.received") + notices("claim.reported")
    assert [(e, r, k) for e, r, _c, k in received] == [
        ("claim.received", person, str(claim.pk)),
        ("claim.reported", platform, str(claim.pk)),
    ]
    assert {k: received[0][2][k] for k in context} == context
    assert claim.status == Claim.Status.GATHERING_EVIDENCE  # no order on the day: routed to an officer
    claim = claim_decide(
        actor=officer(world), claim=claim, expected_version=claim.version, accept=False, reason="No injury."
    )
    assert notices("claim.rejected") == [
        ("claim.rejected", person, {"claim": claim.pk, "reason": "No injury."}, f"{claim.pk}:{claim.version}")
    ]
    assert notices("claim.accepted") == []


def test_more_information_asked_is_a_required_notice(world):
    claim = injury(world, today=dt.date(2026, 10, 10), day=dt.date(2026, 10, 1))
    claim_request_information(
        actor=officer(world), claim=claim, expected_version=claim.version, question="Send the hospital's note."
    )
    row = Notice.objects.get(event="claim.information_requested")
    assert (row.recipient, row.required) == (recipients.person(world.rider.pk), True)
    assert row.context == {"claim": claim.pk, "question": "Send the hospital's note."}


def test_an_own_contribution_received_is_told(world):
    record = own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        declared_base_cents=1000000,
        period_start=dt.date(2026, 3, 1),
        months=3,
        today=dt.date(2026, 3, 2),
    )
    [(event, recipient, context, key)] = notices("contribution.received")
    assert (event, recipient, key) == ("contribution.received", recipients.person(world.rider.pk), str(record.pk))
    assert context["months"] == 3 and context["start"] == "2026-03-01"
    assert context["scheme"] == "employee basic pension (flexible employment)"


def test_a_pay_run_tells_each_person_paid_once_and_the_officer_who_ran_it(world):
    claim = pension_in_payment(world.employee, start_month="2026-09").claim
    actor = officer(world)
    pay_month(actor=actor, month="2026-09", today=dt.date(2026, 10, 5))
    person = recipients.person(world.employee.pk)
    assert notices("benefit.paid") == [
        ("benefit.paid", person, {"amount": "3,123.45", "month": "2026-09", "payments": 1}, "2026-09:1")
    ]
    assert notices("claim.paid") == [("claim.paid", person, {"claim": claim.pk, "month": "2026-09"}, str(claim.pk))]
    assert notices("payrun.done") == [
        (
            "payrun.done",
            recipients.user(actor.user_id),
            {"month": "2026-09", "new": 1, "amount": "3,123.45"},
            "2026-09:1",
        )
    ]
    pay_month(actor=actor, month="2026-09", today=dt.date(2026, 10, 5))  # again: nothing new to pay
    assert len(notices("benefit.paid")) == 1
    assert [n[3] for n in notices("payrun.done")] == ["2026-09:1"]  # a run that paid nothing new tells nobody


def test_a_person_is_told_once_a_day_when_an_organisation_reads_their_data(world):
    from socsec.audit.models import ReadPurpose
    from socsec.audit.reads import log_personal_read
    from socsec.audit.services import Actor

    platform = Actor(label="user:ridego-staff", user_id=world.users["platform"].pk, organisation_id=world.platform.pk)
    officer_actor = officer(world)
    for actor, role in ((platform, "PLATFORM"), (platform, "PLATFORM"), (officer_actor, "OFFICER")):
        log_personal_read(
            actor=actor,
            role=role,
            person_ids=[world.rider.pk],
            purpose=ReadPurpose.PLATFORM_ADMINISTRATION,
            what="person record",
        )
    [(event, recipient, context, key)] = notices("data.read")
    assert (event, recipient) == ("data.read", recipients.person(world.rider.pk))
    assert (context["reader"], context["what"]) == ("RideGo", "personal details, work and coverage")
    assert key == f"{world.platform.pk}:{context['day']}"
