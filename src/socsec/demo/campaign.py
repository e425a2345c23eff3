"""The demo's campaign: 100 days before the demo's today an officer told the platform workers of Guangdong
who are not in the employee pension that they may join it as flexible workers, holding back a fifth of
them; afterwards some of each group joined a scheme (one in six told, one in twelve held back, on
days spread over the three months), so the campaign's page compares real figures."""

from __future__ import annotations

import datetime as dt

from socsec.campaigns.models import Campaign, CampaignMember
from socsec.campaigns.services import campaign_check, campaign_send
from socsec.contributions.own.enrolments import enrolment_join
from socsec.core.errors import DomainError
from socsec.registry.models import Person

from .pilot import ACTOR

DAYS_BEFORE = 100
KEY = "demo-campaign-guangdong-pension"
SEGMENT = {
    "province": "440000",
    "categories": ["MANAGED_NON_LABOUR", "CIVIL_LAW"],
    "not_in_schemes": ["EMPLOYEE_PENSION"],
}
JOIN_EVERY = {False: 6, True: 12}  # every n-th member of the told group and of the control group joins


def demo_campaign(today: dt.date | None = None) -> Campaign | None:
    """Send the campaign (once: its key) and let some of its members join afterwards."""
    today = today or dt.date.today()
    if Campaign.objects.filter(idempotency_key=KEY).exists():
        return None
    sent_on = today - dt.timedelta(days=DAYS_BEFORE)
    draft = campaign_check(
        name="Guangdong platform workers: join the employee pension",
        segment=SEGMENT,
        subject_en="You can join the employee pension",
        subject_zh="您可以参加职工养老保险",
        text_en="As a platform worker you may join the employee basic pension as a flexible worker. "
        "Join on the portal's page 'Join a scheme' and pay online.",
        text_zh="作为平台从业人员，您可以以灵活就业人员身份参加职工基本养老保险。请在网上服务的“参加险种”页面办理，并在网上缴费。",
        control_percent="20",
    )
    campaign = campaign_send(actor=ACTOR, draft=draft, idempotency_key=KEY, today=sent_on)
    for control, every in JOIN_EVERY.items():
        ids = CampaignMember.objects.filter(campaign=campaign, control=control).order_by("person_id")
        chosen = list(ids.values_list("person_id", flat=True))[::every]
        for n, person in enumerate(Person.objects.filter(pk__in=chosen).order_by("pk")):
            day = sent_on + dt.timedelta(days=3 + (n * 7) % 85)
            try:
                enrolment_join(actor=ACTOR, person=person, scheme="EMPLOYEE_PENSION", today=day)
            except DomainError:  # not open to them on the day: they do not join
                continue
    return campaign
