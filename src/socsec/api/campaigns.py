"""Targeted publicity over the API, for officers and supervisors (a session; no API token sends a campaign).

``GET /api/campaigns`` the campaigns sent, newest first, a page at a time;
``GET /api/campaigns/preview?province=&categories=...`` how many persons a segment holds today;
``POST /api/campaigns`` send a campaign (the same ``idempotency_key`` again returns the campaign first sent,
with 200, and sends nothing; a bad field: 422 with the field);
``GET /api/campaigns/{id}/results?threshold=`` joined and paid within 30/60/90 days, told against held back,
small counts withheld (null)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_run_campaigns
from socsec.api.responses import PageIn, page_of, paginate_ordered, responses
from socsec.campaigns.models import Campaign
from socsec.campaigns.results import MEASURES, campaign_results
from socsec.campaigns.segments import segment_parse, segment_size
from socsec.campaigns.services import campaign_check, campaign_send
from socsec.core.errors import NotFound
from socsec.supervision.statistics import check_threshold

router = Router(tags=["campaigns"])


def _allowed(request: HttpRequest) -> None:
    require(may_run_campaigns(principal_of(request)), "only officers and supervisors run campaigns")


class SegmentIn(Schema):
    province: str = Field("", max_length=6, description="A province's code: works in it")
    categories: list[str] = Field(default_factory=list, max_length=4)
    platform: str = Field("", max_length=40, description="An organisation's code")
    sectors: list[str] = Field(default_factory=list, max_length=9)
    age_from: int | None = Field(None, ge=0, le=120)
    age_to: int | None = Field(None, ge=0, le=120)
    sex: str = Field("", max_length=1)
    ordered_last_month: bool | None = None
    in_schemes: list[str] = Field(default_factory=list, max_length=4)
    not_in_schemes: list[str] = Field(default_factory=list, max_length=4)
    paid_own: bool | None = None


class CampaignIn(Schema):
    name: str = Field(..., max_length=200)
    segment: SegmentIn
    subject_en: str = Field("", max_length=200)
    subject_zh: str = Field("", max_length=200)
    text_en: str = Field("", max_length=1000)
    text_zh: str = Field("", max_length=1000)
    control_percent: int = Field(..., description="Held back as a control group: 0 to 50")
    idempotency_key: str = Field(..., max_length=100)


class CampaignOut(Schema):
    id: int
    name: str
    segment: SegmentIn
    subject_en: str
    subject_zh: str
    text_en: str
    text_zh: str
    control_percent: int
    sent_on: str
    treated: int
    control: int


class PreviewOut(Schema):
    on: str
    persons: int


class GroupOut(Schema):
    members: int
    joined: int | None
    joined_percent: str | None
    paid: int | None
    paid_percent: str | None


class WindowOut(Schema):
    days: int
    first: str
    last: str
    complete: bool
    treated: GroupOut
    control: GroupOut
    joined_difference_points: str | None
    paid_difference_points: str | None


class ResultsOut(Schema):
    campaign: int
    threshold: int
    windows: list[WindowOut]


def _out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "segment": c.segment,
        "subject_en": c.subject_en,
        "subject_zh": c.subject_zh,
        "text_en": c.text_en,
        "text_zh": c.text_zh,
        "control_percent": c.control_percent,
        "sent_on": c.sent_on.isoformat(),
        "treated": c.treated,
        "control": c.control,
    }


@router.get("/campaigns", response=responses({200: page_of(CampaignOut)}))
def list_campaigns(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    """The campaigns sent, newest first."""
    _allowed(request)
    page = paginate_ordered(Campaign.objects.order_by("-sent_at", "-id"), filters)
    return {**page, "items": [_out(c) for c in page["items"]]}


@router.get("/campaigns/preview", response=responses({200: PreviewOut}))
def preview_campaign_segment(request: HttpRequest, segment: Query[SegmentIn]) -> dict[str, Any]:
    """How many persons the segment holds today (one counting query)."""
    _allowed(request)
    today = timezone.localdate()
    return {"on": today.isoformat(), "persons": segment_size(segment_parse(segment.dict()), today)}


@router.post("/campaigns", response=responses({201: CampaignOut, 200: CampaignOut}, 409, 422))
def send_campaign(request: HttpRequest, payload: CampaignIn) -> tuple[int, dict[str, Any]]:
    """Send a campaign to its segment as it is today; once per idempotency key."""
    _allowed(request)
    data = payload.dict()
    draft = campaign_check(
        name=data["name"],
        segment=data["segment"],
        subject_en=data["subject_en"],
        subject_zh=data["subject_zh"],
        text_en=data["text_en"],
        text_zh=data["text_zh"],
        control_percent=data["control_percent"],
    )
    before = Campaign.objects.filter(idempotency_key=data["idempotency_key"].strip()).exists()
    campaign = campaign_send(
        actor=principal_of(request).actor,
        draft=draft,
        idempotency_key=data["idempotency_key"],
        today=timezone.localdate(),
    )
    return (200 if before else 201), _out(campaign)


def _group(group: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"members": group.members}
    for m in MEASURES:
        rate = group.rate(m)
        out[m] = getattr(group, m)
        out[f"{m}_percent"] = None if rate is None else str(rate)
    return out


@router.get("/campaigns/{campaign_id}/results", response=responses({200: ResultsOut}, 404))
def get_campaign_results(request: HttpRequest, campaign_id: int, threshold: str = "") -> dict[str, Any]:
    _allowed(request)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("no campaign %(campaign)s", field="campaign_id", params={"campaign": campaign_id})
    bound = check_threshold(threshold)
    windows = campaign_results(campaign, today=timezone.localdate(), threshold=bound)
    return {
        "campaign": campaign.pk,
        "threshold": bound,
        "windows": [
            {
                "days": w.days,
                "first": w.first.isoformat(),
                "last": w.last.isoformat(),
                "complete": w.complete,
                "treated": _group(w.treated),
                "control": _group(w.control),
                **{
                    f"{m}_difference_points": None if w.difference(m) is None else str(w.difference(m))
                    for m in MEASURES
                },
            }
            for w in windows
        ],
    }
