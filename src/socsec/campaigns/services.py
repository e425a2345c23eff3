"""Sending a campaign: in one transaction the segment is read into the campaign's members (one
``INSERT ... SELECT``), a control group is drawn among them by a seeded hash of the person's id and the
campaign's id, the others are told through the notification outbox (``notify_many``: one notice per person
and campaign), and the audit entry is written. An idempotency key makes a second send of the same
campaign return the first, sending nothing again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.notifications import recipients
from socsec.notifications.services import notify_many

from .draw import CAMPAIGN_STRIDE, bucket_sql
from .errors import CampaignErrorCode
from .models import Campaign, CampaignMember
from .segments import Segment, segment_parse, segment_persons

CONTROL_PERCENT_RANGE = (0, 50)
NAME_MAX, SUBJECT_MAX, TEXT_MAX, KEY_MAX = 120, 120, 500, 100
EVENT = "campaign.message"


@dataclass(frozen=True)
class CampaignDraft:
    name: str
    segment: Segment
    subject_en: str
    subject_zh: str
    text_en: str
    text_zh: str
    control_percent: int


def campaign_check(
    *,
    name: str,
    segment: Mapping[str, Any],
    subject_en: str,
    subject_zh: str,
    text_en: str,
    text_zh: str,
    control_percent: object,
) -> CampaignDraft:
    """The campaign as asked, every field checked: all that is wrong is refused at once, field by field."""
    errors: dict[str, list[str]] = {}
    try:
        parsed = segment_parse(segment)
    except ValidationFailed as exc:
        errors.update(exc.details.get("fields", {}))
        parsed = Segment()
    texts = {"name": name, "subject_en": subject_en, "subject_zh": subject_zh, "text_en": text_en, "text_zh": text_zh}
    most = {"name": NAME_MAX, "subject_en": SUBJECT_MAX, "subject_zh": SUBJECT_MAX, "text_en": TEXT_MAX}
    most["text_zh"] = TEXT_MAX
    for field, value in list(texts.items()):
        texts[field] = value = (value or "").strip()
        if not value:
            errors[field] = ["is needed: every message is written in Chinese and in English."]
        elif len(value) > most[field]:
            errors[field] = [f"has {len(value)} characters; at most {most[field]}."]
    text = str(control_percent if control_percent is not None else "").strip()
    low, high = CONTROL_PERCENT_RANGE
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        errors["control_percent"] = [f"{text[:20]!r} is not a whole per cent from {low} to {high}."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    return CampaignDraft(control_percent=int(text), segment=parsed, **texts)


def _same(campaign: Campaign, draft: CampaignDraft) -> bool:
    return (
        campaign.name == draft.name
        and campaign.segment == draft.segment.as_json()
        and (campaign.subject_en, campaign.subject_zh) == (draft.subject_en, draft.subject_zh)
        and (campaign.text_en, campaign.text_zh) == (draft.text_en, draft.text_zh)
        and campaign.control_percent == draft.control_percent
    )


def _already(key: str, draft: CampaignDraft) -> Campaign | None:
    earlier = Campaign.objects.filter(idempotency_key=key).first()
    if earlier is not None and not _same(earlier, draft):
        raise Conflict(
            "idempotency key %(key)s was used for another campaign (%(name)s)",
            field="idempotency_key",
            code=CampaignErrorCode.IDEMPOTENCY_REUSED,
            params={"key": key, "name": earlier.name},
        )
    return earlier


def campaign_send(*, actor: Actor, draft: CampaignDraft, idempotency_key: str, today: dt.date) -> Campaign:
    """Send the campaign to its segment as it is on ``today``. Sent once per idempotency key: the same
    key again returns the campaign first sent (nothing sent twice); with other content it is refused."""
    key = idempotency_key.strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationFailed(
            "idempotency_key: is needed, at most %(most)s characters", field="idempotency_key", params={"most": KEY_MAX}
        )
    earlier = _already(key, draft)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return _send(actor, draft, key, today)
    except IntegrityError:  # the same key sent at the same moment: the other one stands
        earlier = _already(key, draft)
        if earlier is None:
            raise
        return earlier


def _send(actor: Actor, draft: CampaignDraft, key: str, today: dt.date) -> Campaign:
    campaign = Campaign.objects.create(
        name=draft.name,
        segment=draft.segment.as_json(),
        subject_en=draft.subject_en,
        subject_zh=draft.subject_zh,
        text_en=draft.text_en,
        text_zh=draft.text_zh,
        control_percent=draft.control_percent,
        idempotency_key=key,
        sent_on=today,
        sent_at=timezone.now(),
        sent_by_id=actor.user_id,
        treated=0,
        control=0,
    )
    with segment_persons(draft.segment, today) as persons:
        select, params = persons.order_by().values(member=F("pk")).query.sql_with_params()
        quote = connection.ops.quote_name
        statement = (
            f"INSERT INTO {quote(CampaignMember._meta.db_table)} (campaign_id, person_id, control) "
            f"SELECT %s, s.member, CASE WHEN {bucket_sql('s.member')} < %s THEN %s ELSE %s END FROM ({select}) s"
        )
        stride = campaign.pk * CAMPAIGN_STRIDE
        with connection.cursor() as cursor:
            cursor.execute(statement, [campaign.pk, stride, draft.control_percent * 100, True, False, *params])
    groups = dict(
        CampaignMember.objects.filter(campaign=campaign).values_list("control").annotate(n=Count("id")).order_by()
    )
    campaign.treated, campaign.control = groups.get(False, 0), groups.get(True, 0)
    if not campaign.treated + campaign.control:
        raise ValidationFailed(
            "segment: no one is in it on %(day)s; a campaign needs at least one person",
            field="segment",
            code=CampaignErrorCode.SEGMENT_EMPTY,
            params={"day": today.isoformat()},
        )
    campaign.save(update_fields=["treated", "control"])
    context = {
        "campaign": campaign.pk,
        "subject@en": draft.subject_en,
        "subject@zh-hans": draft.subject_zh,
        "text@en": draft.text_en,
        "text@zh-hans": draft.text_zh,
    }
    told = CampaignMember.objects.filter(campaign=campaign, control=False).order_by("person_id")
    dedupe = f"campaign:{campaign.pk}"
    notify_many(
        event=EVENT,
        rows=((recipients.person(p), context, dedupe) for p in told.values_list("person_id", flat=True).iterator()),
    )
    audit_record(actor=actor, action="campaigns.campaign.sent", instance=campaign)
    return campaign
