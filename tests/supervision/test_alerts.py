"""Thresholds per fund, validated field by field; their evaluation for a month raises each alert once with
its evidence, delivered after commit to the registered channels; a supervisor acknowledges it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from socsec.audit.models import AuditEntry
from socsec.benefits.models import Claim
from socsec.core.errors import ValidationFailed
from socsec.supervision import alerts
from socsec.supervision.alerts import fund_alert_acknowledge, fund_alerts_evaluate, fund_threshold_set
from socsec.supervision.models import FundAlert, FundThreshold

from .ledger_book import benefit, contribution
from .test_collection import invoice

D = dt.date
TODAY = D(2026, 7, 5)


def test_a_limit_out_of_range_is_refused_with_its_field_and_nothing_is_written(world):
    cases = [
        (dict(reserve_months="0"), "reserve_months", "from 0.1 to 120"),
        (dict(reserve_months="abc"), "reserve_months", "is not a number"),
        (dict(arrears_growth_months=25), "arrears_growth_months", "from 1 to 24"),
        (dict(arrears_growth_months="2.5"), "arrears_growth_months", "from 1 to 24"),
        (dict(claims_jump_percent=-5), "claims_jump_percent", "from 1 to 1000"),
        (dict(claims_jump_percent="NaN"), "claims_jump_percent", "from 1 to 1000"),
    ]
    audit = AuditEntry.objects.count()
    for kwargs, field, reason in cases:
        with pytest.raises(ValidationFailed) as refused:
            fund_threshold_set(actor=alerts.Actor.system("t"), scheme="OIP", **kwargs)
        assert refused.value.field == field and reason in refused.value.message
    with pytest.raises(ValidationFailed) as refused:
        fund_threshold_set(actor=alerts.Actor.system("t"), scheme="NOPE", reserve_months=3)
    assert refused.value.field == "scheme"
    with pytest.raises(ValidationFailed) as refused:
        fund_threshold_set(actor=alerts.Actor.system("t"), scheme="OIP", province="440300", reserve_months=3)
    assert refused.value.field == "province"  # a city, not a province
    assert FundThreshold.objects.count() == 0 and AuditEntry.objects.count() == audit


def claim(world, kind: str, on: dt.date) -> None:
    Claim.objects.create(
        person=world.rider,
        kind=kind,
        event_date=on,
        reported_by="WORKER",
        submitted_on=on,
        decision_due=on,
        engagement=world.rider_eng_platform,
    )


@pytest.fixture
def crossing(world):
    """OIP in Guangdong: a thin reserve, arrears growing three months running, claims up from 2 to 5."""
    actor = alerts.Actor.system("t")
    contribution("OIP", "440000", 100_000, D(2026, 1, 10))
    for m in range(1, 7):
        benefit("OIP", "440000", 15_000, D(2026, m, 20))
    for m, cents in [(3, 10_000), (4, 20_000), (5, 30_000), (6, 40_000)]:
        invoice(world.platform, "440000", cents, D(2026, m, 15), f"2026-0{m - 1}")
    for day in (3, 9):
        claim(world, "OCCUPATIONAL_INJURY", D(2026, 5, day))
    for day in (1, 2, 3, 4, 5):
        claim(world, "OCCUPATIONAL_INJURY", D(2026, 6, day))
    fund_threshold_set(actor=actor, scheme="OIP", reserve_months="2", arrears_growth_months=3, claims_jump_percent=50)
    return world


def test_each_crossed_limit_raises_one_alert_with_its_evidence(
    crossing, django_capture_on_commit_callbacks, monkeypatch
):
    seen: list[list[int]] = []
    monkeypatch.setattr(alerts, "_channels", [])
    alerts.register_channel(lambda made: seen.append([a.pk for a in made]))
    with django_capture_on_commit_callbacks(execute=True):
        made = fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    by_kind = {a.kind: a for a in made}
    assert sorted(by_kind) == ["ARREARS_GROWING", "CLAIMS_JUMP", "RESERVE_LOW"]
    assert by_kind["RESERVE_LOW"].evidence == {
        "reserve_cents": 10_000,
        "expenditure_cents": 15_000,
        "reserve_months": "0.7",
        "window_months": 12,
        "limit_months": "2.0",
    }
    assert by_kind["ARREARS_GROWING"].evidence == {
        "months": ["2026-03", "2026-04", "2026-05", "2026-06"],
        "arrears_cents": [10_000, 30_000, 60_000, 100_000],
        "limit_months": 3,
    }
    assert by_kind["CLAIMS_JUMP"].evidence == {
        "months": ["2026-05", "2026-06"],
        "claims": [2, 5],
        "rise_percent": "150.0",
        "limit_percent": 50,
    }
    assert all(a.province == "440000" and a.scheme == "OIP" and a.state == "OPEN" for a in made)
    assert seen == [[a.pk for a in made]]
    assert FundAlert.objects.filter(delivered_at__isnull=False).count() == 3
    again = fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    assert again == [] and FundAlert.objects.count() == 3


def test_the_alerts_reach_each_supervisor_through_the_outbox(crossing, django_capture_on_commit_callbacks):
    from socsec.notifications.models import Notice

    supervisor = crossing.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        made = fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    notices = Notice.objects.filter(event="fund.alert").order_by("dedupe_key")
    assert [(n.recipient, n.dedupe_key) for n in notices] == sorted(
        (f"user:{supervisor.pk}", f"fund-alert:{a.pk}") for a in made
    )
    assert {n.context["kind"] for n in notices} == {"Reserve below its months of expenditure", "Arrears growing",
                                                    "Jump in claims"}  # fmt: skip
    assert all(n.context["province"] == "440000" and n.context["month"] == "2026-06" for n in notices)


def test_a_month_not_begun_is_refused(crossing):
    with pytest.raises(ValidationFailed) as refused:
        fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-08", today=TODAY)
    assert refused.value.field == "month"


def test_setting_the_same_limits_again_writes_nothing(crossing):
    audit = AuditEntry.objects.count()
    same = fund_threshold_set(
        actor=alerts.Actor.system("t"),
        scheme="OIP",
        reserve_months="2.0",
        arrears_growth_months="3",
        claims_jump_percent=50,
    )
    assert same.reserve_months == Decimal("2.0") and AuditEntry.objects.count() == audit


def test_a_province_threshold_overrides_the_schemes(crossing):
    fund_threshold_set(actor=alerts.Actor.system("t"), scheme="OIP", province="440000", reserve_months="0.5")
    made = fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    assert [a.kind for a in made] == []  # 0.7 months is above 0.5, and the province's sets no other limit
    assert FundThreshold.objects.get(province="440000").reserve_months == Decimal("0.5")


def test_acknowledged_with_who_and_when(crossing):
    made = fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    user = crossing.users["supervisor"]
    done = fund_alert_acknowledge(actor=alerts.Actor(label="u", user_id=user.pk), alert_id=made[0].pk)
    assert done.state == "ACKNOWLEDGED" and done.acknowledged_by_id == user.pk
