"""Engagement ends: an organisation cannot end an engagement before the last order it reported, before a
claim's event, or further back than the window; an officer can, with a reason that is kept."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.models import Claim
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.registry.models import Engagement, EngagementEndDecision
from socsec.registry.services import engagement_end, engagement_end_decide
from tests.benefits.test_claims import injury
from tests.contributions.test_ingest import DAY, TODAY, order, send
from tests.world import SYSTEM


def end(c: Client, engagement: Engagement, end_date: dt.date | None, reason: str | None = None) -> Any:
    url = f"/api/engagements/{engagement.pk}/" + ("end" if reason is None else "end-decision")
    body: dict[str, Any] = {"end_date": end_date.isoformat() if end_date else None}
    if reason is not None:
        body["reason"] = reason
    return c.post(url, json.dumps(body), content_type="application/json")


def staff(world: Any, role: str = "officer") -> Client:
    c = Client()
    c.force_login(world.users[role])
    return c


def officer_actor(world: Any) -> Actor:
    user = world.users["officer"]
    return Actor(label=user.username, user_id=user.pk)


def test_backdating_before_reported_orders_is_refused_and_the_injury_claim_accepted(world, data_dir, platform):
    """The finding: the platform backdated the end over days it had reported orders for, and an injury on
    such a day was refused ("no engagement"). Now the backdating is refused and the claim accepted."""
    assert send(platform, [order(world, "a1"), order(world, "a2")], "k1").status_code == 201
    for day in (DAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=90)):
        refused = end(platform, world.rider_eng_platform, day)
        assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
            409,
            "end_before_last_order",
            "end_date",
        )
        assert refused.json()["message"] == (
            f"the engagement cannot end on {day.isoformat()}: ridego reported orders of this worker up to "
            f"{DAY.isoformat()}"
        )
    assert Engagement.objects.get(pk=world.rider_eng_platform.pk).end_date is None
    claim = injury(world, order_id="a1")
    assert claim.status == Claim.Status.ACCEPTED
    ended = end(platform, world.rider_eng_platform, DAY)  # the last order's day itself is still work
    assert (ended.status_code, ended.json()["end_date"]) == (200, DAY.isoformat())


def test_the_window_for_backdating(world, data_dir):
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    too_far = TODAY - dt.timedelta(days=31)
    refused = end(courier, world.rider_eng_courier, too_far)
    assert (refused.status_code, refused.json()["code"]) == (409, "end_backdated")
    assert refused.json()["message"] == (
        f"an organisation may date an engagement's end at most 30 days back (to "
        f"{(TODAY - dt.timedelta(days=30)).isoformat()}); {too_far.isoformat()} needs an officer's decision"
    )
    assert Engagement.objects.get(pk=world.rider_eng_courier.pk).end_date is None
    edge = end(courier, world.rider_eng_courier, TODAY - dt.timedelta(days=30))
    assert (edge.status_code, edge.json()["end_date"]) == (200, (TODAY - dt.timedelta(days=30)).isoformat())
    # moving an end already set (reopening it to another day) is held to the same window
    moved = end(courier, world.rider_eng_courier, too_far)
    assert (moved.status_code, moved.json()["code"]) == (409, "end_backdated")


def test_a_claims_event_holds_the_end(world, data_dir):
    claim = injury(world)  # no orders: routed to an officer, still open
    assert claim.status == Claim.Status.GATHERING_EVIDENCE
    with pytest.raises(Conflict) as caught:
        engagement_end(actor=SYSTEM, engagement=world.rider_eng_platform, end_date=DAY - dt.timedelta(days=1))
    assert caught.value.code == "end_before_claim"
    assert caught.value.message == (
        f"the engagement cannot end on {(DAY - dt.timedelta(days=1)).isoformat()}: a claim on this work has its "
        f"event on {DAY.isoformat()}"
    )
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.WITHDRAWN)  # a withdrawn claim holds nothing
    done = engagement_end(actor=SYSTEM, engagement=world.rider_eng_platform, end_date=DAY - dt.timedelta(days=1))
    assert done.end_date == DAY - dt.timedelta(days=1)


def test_an_officer_decides_with_a_reason(world, data_dir, platform):
    send(platform, [order(world, "a1")], "k1")
    earlier = TODAY - dt.timedelta(days=90)
    denied = end(platform, world.rider_eng_platform, earlier, reason="we say so")
    assert denied.status_code == 403
    officer = staff(world)
    no_reason = end(officer, world.rider_eng_platform, earlier, reason=" ")
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    plain = end(officer, world.rider_eng_platform, earlier)  # without a decision, staff are held to the limits
    assert (plain.status_code, plain.json()["code"]) == (409, "end_before_last_order")
    decided = end(officer, world.rider_eng_platform, earlier, reason="orders after that day were found fictitious")
    assert (decided.status_code, decided.json()["end_date"]) == (200, earlier.isoformat())
    decision = EngagementEndDecision.objects.get()
    assert (decision.previous_end_date, decision.end_date, decision.reason, decision.decided_by_id) == (
        None,
        earlier,
        "orders after that day were found fictitious",
        world.users["officer"].pk,
    )
    assert [d["code"] for d in decision.overridden] == ["end_before_last_order", "end_backdated"]
    actions = AuditEntry.objects.filter(action__startswith="engagement.end").order_by("id")
    assert list(actions.values_list("action", flat=True)) == ["engagement.end.decide", "engagement.end.decision"]
    reopened = end(officer, world.rider_eng_platform, None, reason="the worker's contract runs on")
    assert (reopened.status_code, reopened.json()["end_date"]) == (200, None)
    assert EngagementEndDecision.objects.count() == 2


def test_only_an_officer_decides(world, data_dir):
    for actor in (SYSTEM, Actor(label="t", token_id=1, organisation_id=world.platform.pk)):
        with pytest.raises(Forbidden):
            engagement_end_decide(actor=actor, engagement=world.rider_eng_platform, end_date=DAY, reason="r")
    with pytest.raises(ValidationFailed):
        engagement_end_decide(
            actor=officer_actor(world), engagement=world.rider_eng_platform, end_date=dt.date(2022, 8, 1), reason="r"
        )  # before the start
    assert (Engagement.objects.get(pk=world.rider_eng_platform.pk).end_date, EngagementEndDecision.objects.count()) == (
        None,
        0,
    )
