"""Claims: submission against the registry and the rules' deadlines, automated checks that approve from the
platform's order data or route to an officer (never reject), decisions, versions, appeals."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading

import pytest
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.decisions import claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.models import Claim
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from tests.contributions.test_ingest import DAY, TODAY, order, send
from tests.world import SYSTEM

S = Claim.Status
CSRF = "k" * 32


def officer(world, name="officer"):
    user = world.users[name]
    return Actor(label=f"user:{user.username}", user_id=user.pk)  # as a logged-in user acts


def injury(world, day=DAY, **kw):
    args = {
        "actor": SYSTEM,
        "person": world.rider,
        "kind": "OCCUPATIONAL_INJURY",
        "event_date": day,
        "engagement": world.rider_eng_platform,
        "today": TODAY,
        **kw,
    }
    return claim_submit(**args)


def test_platform_data_confirm_the_injury_and_the_claim_is_accepted_at_once(world, data_dir, platform):
    send(platform, [order(world, "a1"), order(world, "a2")], "k1")
    claim = injury(world, order_id="a2")
    assert claim.status == S.ACCEPTED
    assert claim.evidence["platform_activity"]["orders_on_day"] == 2
    assert claim.evidence["platform_activity"]["order_ids"] == ["a1", "a2"]
    assert claim.decision_due == TODAY + dt.timedelta(days=15)  # clear: 15 days (Art 20)
    assert claim.deadlines["decision_clear"]["reference"].endswith("Art 20(2)")
    assert [e.to_status for e in claim.events.all()] == [S.SUBMITTED, S.ACCEPTED]
    assert claim.decided_by is None  # the checks approved it; no officer rejected or accepted anything


def test_without_platform_data_the_claim_goes_to_an_officer(world, data_dir):
    claim = injury(world)
    assert claim.status == S.GATHERING_EVIDENCE
    assert claim.routed_reason == "the platform's order data show no order of this worker on the day of the injury"
    assert claim.decision_due == TODAY + dt.timedelta(days=60)
    decided = claim_decide(
        actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="witness statement"
    )
    assert (decided.status, decided.decided_by, decided.assessment_due) == (
        S.ACCEPTED,
        world.users["officer"],
        TODAY + dt.timedelta(days=60),
    )


def test_a_late_report_is_routed_not_refused(world, data_dir, platform):
    send(platform, [order(world, "a1")], "k1")
    claim = injury(world, actor=Actor(label="ridego", organisation_id=world.platform.pk), today=DAY + dt.timedelta(40))
    assert claim.status == S.GATHERING_EVIDENCE
    assert claim.routed_reason == "reported 40 days after the injury; the time limit is 30 days"
    assert claim.reported_by == Claim.Reporter.ORGANISATION


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"event_date": TODAY + dt.timedelta(days=1)}, "event_date", "is in the future"),
        ({"event_date": dt.date(2021, 6, 1)}, "event_date", "not covered by Occupational injury protection"),
        ({"kind": "HOLIDAY"}, "kind", "'HOLIDAY' is not one of"),
        ({"engagement": None}, "engagement", "is required"),
        ({"kind": "WORK_INJURY"}, "event_date", "covers labour relations only"),
    ],
)
def test_bad_claims_write_nothing(world, data_dir, unchanged, kw, field, words):
    with pytest.raises(ValidationFailed) as caught:
        injury(world, **kw)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_second_claim_for_the_same_injury_is_refused(world, data_dir):
    injury(world)
    with pytest.raises(
        Conflict, match=f"occupational injury protection \\(platform work\\) claim for {DAY.isoformat()} already exists"
    ):
        injury(world)
    assert Claim.objects.count() == 1


def test_a_platform_reports_only_for_its_own_work(world, data_dir):
    with pytest.raises(ValidationFailed, match="only for work done through it"):
        injury(world, actor=Actor(label="zipper", organisation_id=world.courier.pk))


def test_two_officers_deciding_at_once_one_wins(world, data_dir):
    claim = injury(world)
    seen = claim.version
    claim_decide(actor=officer(world), claim=claim, expected_version=seen, accept=True, reason="checked")
    with pytest.raises(Conflict, match="changed by someone else") as caught:
        claim_decide(actor=officer(world, "supervisor"), claim=claim, expected_version=seen, accept=False, reason="no")
    assert caught.value.code == "stale"
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (S.ACCEPTED, "checked")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="the in-memory SQLite test database shares one connection between the live server's threads, so "
    "their transactions interleave; the race is tested on PostgreSQL (the stale-version test runs on both)",
)
def test_concurrent_decisions_over_http(world, data_dir, live_server):
    """Two officers post their decisions at the same moment: one 200, one 409, and one decision stands."""
    import urllib.error
    import urllib.request

    from django.db import connections

    claim = injury(world)
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def decide(name: str, accept: bool) -> None:
        client = Client()
        client.force_login(world.users[name])
        connections.close_all()  # this thread's own, opened to write the session: left open, it keeps the
        # test database from being dropped at the end of the run
        cookie = client.cookies["sessionid"].value
        body = json.dumps({"version": claim.version, "accept": accept, "reason": f"by {name}"}).encode()
        req = urllib.request.Request(
            f"{live_server.url}/api/claims/{claim.pk}/decision",
            data=body,
            headers={  # a logged-in page's request: session cookie and the CSRF pair
                "Content-Type": "application/json",
                "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
            },
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(req) as response:
                results[name] = response.status
        except urllib.error.HTTPError as exc:
            results[name] = exc.code

    threads = [threading.Thread(target=decide, args=a) for a in (("officer", True), ("supervisor", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 409]
    claim.refresh_from_db()
    winner = next(name for name, code in results.items() if code == 200)
    assert claim.decision_reason == f"by {winner}"
    assert claim.events.filter(to_status__in=[S.ACCEPTED, S.REJECTED]).count() == 1


def test_reject_then_appeal_then_review_by_another_officer(world, data_dir):
    claim = injury(world)
    rejected = claim_decide(
        actor=officer(world), claim=claim, expected_version=claim.version, accept=False, reason="no work that day"
    )
    worker = Client()
    worker.force_login(world.users["worker"])
    body = json.dumps({"version": rejected.version, "reason": "I was delivering order a9"})
    appealed = worker.post(f"/api/claims/{claim.pk}/appeal", body, content_type="application/json")
    assert (appealed.status_code, appealed.json()["status"]) == (200, "UNDER_REVIEW")
    claim.refresh_from_db()
    with pytest.raises(Forbidden, match="another officer"):
        claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    reviewed = claim_decide(
        actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version, accept=True, reason="ok"
    )
    assert reviewed.status == S.ACCEPTED
    assert [e.to_status for e in reviewed.events.all()] == [
        S.SUBMITTED,
        S.GATHERING_EVIDENCE,
        S.REJECTED,
        S.UNDER_REVIEW,
        S.ACCEPTED,
    ]
    assert AuditEntry.objects.filter(action__startswith="benefit.claim.").count() == 5


def test_claims_over_the_api_by_role(world, data_dir, platform):
    made = platform.post(
        "/api/claims",
        json.dumps(
            {
                "kind": "OCCUPATIONAL_INJURY",
                "event_date": DAY.isoformat(),
                "person_id": world.rider.pk,
                "engagement_id": world.rider_eng_platform.pk,
            }
        ),
        content_type="application/json",
    )
    assert (made.status_code, made.json()["reported_by"]) == (201, "ORGANISATION")
    claim_id = made.json()["id"]
    assert [c["id"] for c in platform.get("/api/claims").json()["items"]] == [claim_id]
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    assert courier.get(f"/api/claims/{claim_id}").status_code == 404  # not on its work: answered as absent
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get(f"/api/claims/{claim_id}").json()["status"] == "GATHERING_EVIDENCE"
    denied = worker.post(
        f"/api/claims/{claim_id}/decision",
        json.dumps({"version": 2, "accept": True, "reason": "me"}),
        content_type="application/json",
    )
    assert denied.status_code == 403
    staff = Client()
    staff.force_login(world.users["officer"])
    assert [c["id"] for c in staff.get("/api/claims?status=GATHERING_EVIDENCE").json()["items"]] == [claim_id]


def test_send_back_only_from_an_assessment_and_auditors_file_no_claims(world, data_dir):
    claim = injury(world)
    with pytest.raises(Conflict, match="only an assessed claim can be sent back"):
        from socsec.benefits.decisions import claim_send_back

        claim_send_back(actor=officer(world), claim=claim, expected_version=claim.version, reason="redo")
    auditor = Client()
    auditor.force_login(world.users["auditor"])
    body = {"kind": "OCCUPATIONAL_INJURY", "event_date": DAY.isoformat(), "person_id": world.rider.pk}
    made = auditor.post("/api/claims", json.dumps(body), content_type="application/json")
    assert made.status_code == 403
    assert Claim.objects.count() == 1
