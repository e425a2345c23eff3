"""Feeds from partners: checked row by row (row, field, code, reason), applied through the agency's own
services in one transaction, idempotent by the partner's key; refused whole, and kept, when a column is
outside the agreement or the key was used for other rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socsec.benefits.models import Claim, ClaimEvent, DeathNotice
from socsec.core.errors import DomainError
from socsec.partners.access import PartnerCall
from socsec.partners.feeds import feed_receive, read_feed_csv
from socsec.partners.models import Feed, HospitalRecord, PartnerRefusal
from tests.partners.conftest import bearer
from tests.world import SYSTEM, resident_id

TODAY = timezone.localdate()
UNKNOWN = resident_id("110105", "19400101", 11)


def send(client, headers, kind, key, rows):
    body = {"idempotency_key": key, "rows": rows}
    return client.post(f"/api/partner/feeds/{kind}", body, content_type="application/json", **headers)


def test_a_death_feed_applies_the_good_rows_and_reports_the_others(client, civil, world):
    rows = [
        {"resident_id": world.rider.resident_id, "died_on": "2026-01-05", "certificate_no": "D-1"},
        {"resident_id": UNKNOWN, "died_on": "2026-01-06"},
        {"resident_id": world.employee.resident_id, "died_on": "5 Jan 2026"},
        {"resident_id": world.freelancer.resident_id, "died_on": (TODAY + dt.timedelta(days=1)).isoformat()},
        {"resident_id": "110105194001010010", "died_on": "2026-01-05"},
        {"resident_id": world.rider.resident_id, "died_on": "2026-01-05"},
    ]
    response = send(client, bearer(client, civil), "deaths", "register-2026-01-07", rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_total"], body["rows_applied"], body["rows_unchanged"], body["rows_refused"]) == (6, 1, 0, 5)
    assert body["error_counts"] == {"unknown_person": 1, "bad_value": 2, "future_date": 1, "repeated": 1}
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (2, "resident_id", "unknown_person"),
        (3, "died_on", "bad_value"),
        (4, "died_on", "future_date"),
        (5, "resident_id", "bad_value"),
        (6, "resident_id", "repeated"),
    ]
    assert body["errors"][1]["message"] == "died_on: '5 Jan 2026' is not a date (YYYY-MM-DD)"
    notice = DeathNotice.objects.get()
    assert (notice.person_id, notice.died_on, notice.source) == (
        world.rider.pk,
        dt.date(2026, 1, 5),
        "Civil Affairs Bureau D-1",
    )


def test_the_same_feed_again_changes_nothing_and_other_rows_under_its_key_are_refused(client, civil, world):
    headers = bearer(client, civil)
    rows = [{"resident_id": world.rider.resident_id, "died_on": "2026-01-05"}]
    first = send(client, headers, "deaths", "k1", rows).json()
    again = send(client, headers, "deaths", "k1", rows)
    assert again.status_code == 200
    assert again.json() == {**first, "replayed": True}
    other = send(
        client, headers, "deaths", "k1", [{"resident_id": world.employee.resident_id, "died_on": "2026-01-05"}]
    )
    assert other.status_code == 409
    assert other.json()["code"] == "feed_key_reused"
    assert (Feed.objects.count(), DeathNotice.objects.count()) == (1, 1)
    assert PartnerRefusal.objects.get().code == "feed_key_reused"
    # a new feed naming a death already known: unchanged; another day for it: refused
    later = send(
        client, headers, "deaths", "k2", [*rows, {"resident_id": world.rider.resident_id, "died_on": "2026-01-04"}]
    )
    assert later.json()["rows_unchanged"] == 1
    assert later.json()["errors"][0]["code"] == "repeated"
    conflict = send(
        client, headers, "deaths", "k3", [{"resident_id": world.rider.resident_id, "died_on": "2026-01-04"}]
    )
    assert (
        conflict.json()["errors"][0]["message"] == "died_on: a death on 2026-01-05 is recorded already for this person"
    )
    assert DeathNotice.objects.get().died_on == dt.date(2026, 1, 5)


def test_a_column_outside_the_agreement_refuses_the_feed_and_writes_nothing(client, civil, world):
    rows = [{"resident_id": world.rider.resident_id, "died_on": "2026-01-05", "name": "李雷"}]
    response = send(client, bearer(client, civil), "deaths", "k1", rows)
    assert response.status_code == 422
    assert response.json()["message"] == "name: not a column of this feed (it has resident_id, died_on, certificate_no)"
    assert (Feed.objects.count(), DeathNotice.objects.count()) == (0, 0)
    assert PartnerRefusal.objects.get().action == "feeds.deaths"


def test_a_feed_the_agreement_does_not_cover_is_refused(client, civil, world):
    rows = [
        {
            "resident_id": world.rider.resident_id,
            "injured_on": "2026-01-05",
            "hospital": "H",
            "admitted_on": "2026-01-05",
        }
    ]
    response = send(client, bearer(client, civil), "injuries", "k1", rows)
    assert response.status_code == 403
    assert response.json()["code"] == "scope_outside_agreement"
    assert PartnerRefusal.objects.count() == 1 and not Feed.objects.exists()


def test_a_feed_killed_midway_leaves_nothing_and_is_applied_when_sent_again(civil, world, monkeypatch):
    from socsec.partners import feeds

    call = PartnerCall(agreement=civil.agreement, scopes=frozenset(civil.agreement.scopes))
    rows = [
        {"resident_id": world.rider.resident_id, "died_on": "2026-01-05"},
        {"resident_id": world.employee.resident_id, "died_on": "2026-01-06"},
    ]
    real = feeds.death_notices_record_many

    def killed_after_the_notices(**kwargs):
        real(**kwargs)
        assert DeathNotice.objects.count() == 2  # written, not committed
        raise KeyboardInterrupt  # the process killed before the feed's transaction commits

    monkeypatch.setattr(feeds, "death_notices_record_many", killed_after_the_notices)
    with pytest.raises(KeyboardInterrupt):
        feed_receive(call=call, kind="deaths", rows=rows, idempotency_key="k1")
    assert (Feed.objects.count(), DeathNotice.objects.count()) == (0, 0)
    monkeypatch.setattr(feeds, "death_notices_record_many", real)
    feed, replayed = feed_receive(call=call, kind="deaths", rows=rows, idempotency_key="k1")
    assert (replayed, feed.rows_applied, DeathNotice.objects.count()) == (False, 2, 2)


def test_a_csv_file_is_read_with_its_header(civil, world):
    content = f"\ufeffresident_id,died_on\n{world.rider.resident_id},2026-01-05\n{UNKNOWN},2026-01-05\n".encode()
    rows = read_feed_csv(content)
    call = PartnerCall(agreement=civil.agreement, scopes=frozenset(civil.agreement.scopes))
    feed, _ = feed_receive(call=call, kind="deaths", rows=rows, idempotency_key="file-1", first_row=2)
    assert [(e["row"], e["code"]) for e in feed.errors] == [(3, "unknown_person")]
    with pytest.raises(DomainError) as refused:
        read_feed_csv(b"resident_id,died_on\n1,2,3\n")
    assert refused.value.message == "line 2 has more cells than the header"


@pytest.fixture
def injury(world):
    return Claim.objects.create(
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        status="GATHERING_EVIDENCE",
        event_date=dt.date(2026, 3, 2),
        engagement=world.rider_eng_platform,
        reported_by="WORKER",
        submitted_on=dt.date(2026, 3, 3),
        decision_due=dt.date(2026, 4, 3),
        evidence={"platform_activity": {"orders_on_day": 3}},
    )


def test_a_hospital_record_confirms_the_injury_of_its_claim(client, health, world, injury):
    row = {
        "resident_id": world.rider.resident_id,
        "injured_on": "2026-03-02",
        "hospital": "Shenzhen People's Hospital",
        "admitted_on": "2026-03-02",
        "diagnosis_code": "S82.1",
    }
    no_claim = {**row, "injured_on": "2026-03-01", "admitted_on": "2026-03-01"}
    response = send(client, bearer(client, health), "injuries", "h1", [row, no_claim])
    body = response.json()
    assert (body["rows_applied"], body["rows_refused"]) == (1, 1)
    assert body["errors"][0]["message"] == "injured_on: no injury claim of this person names 2026-03-01"
    record = HospitalRecord.objects.get()
    assert (record.claim_id, record.diagnosis_code) == (injury.pk, "S82.1")
    injury.refresh_from_db()
    assert injury.version == 2 and injury.status == "GATHERING_EVIDENCE"
    assert injury.evidence["platform_activity"] == {"orders_on_day": 3}
    assert injury.evidence["hospital_record"]["hospital"] == "Shenzhen People's Hospital"
    assert injury.evidence["hospital_record"]["agreement"] == "NHC-2026-01"
    event = ClaimEvent.objects.get(claim=injury)
    assert "confirms the injury on that day: no certificate is needed" in event.note
    again = send(client, bearer(client, health), "injuries", "h2", [row]).json()
    assert (again["rows_applied"], again["rows_unchanged"]) == (0, 1)


def test_a_death_from_the_register_stops_the_pension_at_the_next_run(civil, world, data_dir):
    from socsec.benefits.payments import pay_month
    from tests.benefits.test_awards_and_payments import pension_in_payment

    pension_in_payment(world, dt.date(2024, 6, 1), 300000)
    pay_month(actor=SYSTEM, month="2024-06", today=dt.date(2024, 7, 2))
    call = PartnerCall(agreement=civil.agreement, scopes=frozenset(civil.agreement.scopes))
    rows = [{"resident_id": world.freelancer.resident_id, "died_on": "2024-06-20"}]
    feed, _ = feed_receive(call=call, kind="deaths", rows=rows, idempotency_key="k1")
    assert feed.rows_applied == 1
    july = pay_month(actor=SYSTEM, month="2024-07", today=dt.date(2024, 8, 2))
    assert list(july.run.payments.values_list("month", "amount_cents")) == []
