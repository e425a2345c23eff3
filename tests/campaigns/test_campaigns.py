"""Sending a campaign: the members and the control group drawn, the notices (once per person), the audit
entry, what is refused, sending twice; and the conversion 30/60/90 days on against the control group."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.campaigns.draw import control_bucket
from socsec.campaigns.models import Campaign, CampaignMember
from socsec.campaigns.results import campaign_results
from socsec.campaigns.services import campaign_check, campaign_send
from socsec.contributions.models import OwnContribution, VoluntaryEnrolment
from socsec.core.errors import Conflict, ValidationFailed
from socsec.notifications.models import Notice
from socsec.notifications.texts import render
from socsec.registry.models import Region
from tests.world import SYSTEM

from .conftest import FIRST_ID, TODAY

pytestmark = pytest.mark.django_db

TEXTS = {
    "name": "Join the pension",
    "subject_en": "Your pension",
    "subject_zh": "您的养老保险",
    "text_en": "Flexible workers may join the employee pension on the portal.",
    "text_zh": "灵活就业人员可以在网上参加职工养老保险。",
}
RIDERS = {"platform": "zipper", "province": "140000"}  # the crowd's sixteen riders


def send(key: str = "k1", percent: int = 50, segment: dict | None = None) -> Campaign:
    draft = campaign_check(segment=segment or RIDERS, control_percent=str(percent), **TEXTS)
    return campaign_send(actor=SYSTEM, draft=draft, idempotency_key=key, today=TODAY)


def test_the_draw_is_the_same_integers_in_python_everywhere():
    assert control_bucket(1, 1) == 4049
    assert control_bucket(900_000_000, 7) == 3503
    assert control_bucket(2**53 - 1, 10**9) == control_bucket(2**53 - 1, 10**9)


def test_a_campaign_tells_its_segment_less_the_control_group(world, crowd):
    campaign = send()
    riders = [FIRST_ID + i for i in range(20) if i % 5 != 4]
    held = {p for p in riders if control_bucket(p, campaign.pk) < 5000}
    members = dict(CampaignMember.objects.filter(campaign=campaign).values_list("person_id", "control"))
    assert members == {p: p in held for p in riders}
    assert (campaign.treated, campaign.control) == (16 - len(held), len(held))
    notices = Notice.objects.filter(event="campaign.message")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(f"person:{p}" for p in set(riders) - held)
    assert set(notices.values_list("dedupe_key", flat=True)) == {f"campaign:{campaign.pk}"}
    notice = notices.first()
    assert render(notice.event, notice.context, "zh-hans") == (
        "社保：您的养老保险",
        f"灵活就业人员可以在网上参加职工养老保险。（社保经办机构发出的信息，宣传活动 {campaign.pk}。）",
    )
    assert render(notice.event, notice.context, "en") == (
        "Social security: Your pension",
        "Flexible workers may join the employee pension on the portal. "
        f"(A message from the social security agency, campaign {campaign.pk}.)",
    )
    entry = AuditEntry.objects.get(action="campaigns.campaign.sent")
    assert (entry.object_id, entry.after["treated"], entry.after["control"]) == (
        str(campaign.pk),
        campaign.treated,
        campaign.control,
    )


def test_sending_twice_sends_nothing_twice(world, crowd):
    first = send()
    again = send()
    assert again.pk == first.pk
    assert Campaign.objects.count() == 1
    assert Notice.objects.filter(event="campaign.message").count() == first.treated
    assert AuditEntry.objects.filter(action="campaigns.campaign.sent").count() == 1
    with pytest.raises(Conflict) as caught:
        send(percent=10)  # the same key, another campaign
    assert caught.value.code == "campaign_idempotency_key_reused"
    assert caught.value.field == "idempotency_key"


def test_no_control_group_tells_everyone(world, crowd):
    campaign = send(percent=0)
    assert (campaign.treated, campaign.control) == (16, 0)


def test_bad_campaigns_are_refused_field_by_field_and_nothing_is_written(world, crowd):
    with pytest.raises(ValidationFailed) as caught:
        campaign_check(
            name=" ",
            segment={"age_from": "abc"},
            subject_en="Pension",
            subject_zh="",
            text_en="x" * 501,
            text_zh="养老",
            control_percent="60",
        )
    fields = caught.value.details["fields"]
    assert fields == {
        "age_from": ["'abc' is not an age in whole years from 0 to 120."],
        "name": ["is needed: every message is written in Chinese and in English."],
        "subject_zh": ["is needed: every message is written in Chinese and in English."],
        "text_en": ["has 501 characters; at most 500."],
        "control_percent": ["'60' is not a whole per cent from 0 to 50."],
    }
    with pytest.raises(ValidationFailed) as caught:
        send(segment={"platform": "zipper", "age_from": "90"})
    assert (caught.value.code, caught.value.field) == ("campaign_segment_empty", "segment")
    assert (Campaign.objects.count(), CampaignMember.objects.count(), Notice.objects.count()) == (0, 0, 0)


def test_conversion_by_window_against_the_control_group(world, crowd):
    campaign = send()
    told = list(CampaignMember.objects.filter(campaign=campaign, control=False).order_by("person_id"))
    held = list(CampaignMember.objects.filter(campaign=campaign, control=True).order_by("person_id"))
    region = Region.objects.get(code="140100")

    def join(member: CampaignMember, day: dt.date, scheme: str = "EMPLOYEE_PENSION") -> None:
        VoluntaryEnrolment.objects.create(person_id=member.person_id, scheme=scheme, region=region, joined_on=day)

    def pay(member: CampaignMember, day: dt.date) -> None:
        OwnContribution.objects.create(
            person_id=member.person_id,
            scheme="EMPLOYEE_PENSION",
            region=region,
            period_start=day.replace(day=1),
            months=1,
            paid_cents=100_000,
            individual_account_cents=40_000,
            pooled_cents=60_000,
            explanation={},
            paid_on=day,
        )

    join(told[0], TODAY)  # the sending day counts
    join(told[1], TODAY + dt.timedelta(days=29))  # the 30th day
    join(told[2], TODAY + dt.timedelta(days=30))  # the 31st: in 60 days
    join(told[2], TODAY + dt.timedelta(days=31), "MEDICAL")  # a second scheme: still one person
    join(told[3], TODAY - dt.timedelta(days=1))  # before: not counted
    pay(told[0], TODAY + dt.timedelta(days=40))
    join(held[0], TODAY + dt.timedelta(days=70))
    pay(held[1], TODAY + dt.timedelta(days=3))
    pay(held[1], TODAY + dt.timedelta(days=50))

    windows = campaign_results(campaign, today=TODAY + dt.timedelta(days=65), threshold=1)
    got = [
        (w.days, w.last, w.complete, w.treated.joined, w.treated.paid, w.control.joined, w.control.paid)
        for w in windows
    ]
    assert got == [
        (30, dt.date(2026, 6, 30), True, 2, 0, 0, 1),
        (60, dt.date(2026, 7, 30), True, 3, 1, 0, 1),
        (90, dt.date(2026, 8, 5), False, 3, 1, 0, 1),  # runs to 2026-08-29: so far
    ]
    w60 = windows[1]
    assert (w60.treated.members, w60.control.members) == (campaign.treated, campaign.control)
    assert str(w60.treated.rate("joined")) == f"{300 / campaign.treated:.1f}"
    assert w60.difference("joined") == w60.treated.rate("joined")  # the control group's is 0.0
    late = campaign_results(campaign, today=TODAY + dt.timedelta(days=120), threshold=1)
    assert [(w.complete, w.control.joined) for w in late] == [(True, 0), (True, 0), (True, 1)]
    hidden = campaign_results(campaign, today=TODAY + dt.timedelta(days=120), threshold=10)
    assert [(w.treated.joined, w.control.paid, w.difference("paid")) for w in hidden] == [
        (None, None, None),
        (None, None, None),
        (None, None, None),
    ]
    assert hidden[0].control.joined == 0  # nobody is not a small count
