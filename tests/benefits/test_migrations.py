"""The award status migration: awards assessed after the claim's last approval are proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide, claim_send_back
from socsec.benefits.models import Award, Claim
from socsec.benefits.payments import pay_month
from socsec.benefits.review import claim_appeal
from tests.benefits.test_awards_and_payments import ASSESSED, accepted_injury, officer
from tests.world import SYSTEM, build_world


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    """Migrate to ``target``, or back to the latest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_awards_assessed_after_the_last_approval_become_proposals(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    world = build_world()

    def assessed(day):
        claim = accepted_injury(world, day)
        return claim_assess(
            actor=officer(world),
            claim=claim,
            expected_version=claim.version,
            assessment=parse_assessment(claim.kind, {"grade": 3}),
            today=ASSESSED,
        )

    waiting = assessed(dt.date(2026, 3, 10))  # assessed, not approved yet
    approved = assessed(dt.date(2026, 3, 11))
    approved = claim_approve(actor=officer(world, "supervisor"), claim=approved, expected_version=approved.version)
    # approved, appealed, assessed again and sent back: as before the status field, the new assessment's
    # awards replaced the approved ones
    sent_back = assessed(dt.date(2026, 3, 12))
    sent_back = claim_approve(actor=officer(world, "supervisor"), claim=sent_back, expected_version=sent_back.version)
    sent_back = claim_appeal(actor=SYSTEM, claim=sent_back, expected_version=sent_back.version, reason="grade")
    sent_back = claim_decide(
        actor=officer(world, "supervisor"),
        claim=sent_back,
        expected_version=sent_back.version,
        accept=True,
        reason="ok",
    )
    sent_back.awards.all().delete()
    sent_back = claim_assess(
        actor=officer(world),
        claim=sent_back,
        expected_version=sent_back.version,
        assessment=parse_assessment(sent_back.kind, {"grade": 2}),
        today=ASSESSED,
    )
    sent_back = claim_send_back(
        actor=officer(world, "supervisor"), claim=sent_back, expected_version=sent_back.version, reason="redo"
    )
    assert sent_back.status == Claim.Status.ACCEPTED
    # approved, paid for May, appealed and rejected on review: before the status field its awards stayed
    rejected = assessed(dt.date(2026, 3, 13))
    rejected = claim_approve(actor=officer(world, "supervisor"), claim=rejected, expected_version=rejected.version)
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    rejected.refresh_from_db()
    rejected = claim_appeal(actor=SYSTEM, claim=rejected, expected_version=rejected.version, reason="more")
    rejected = claim_decide(
        actor=officer(world, "supervisor"), claim=rejected, expected_version=rejected.version, accept=False, reason="no"
    )
    Award.objects.filter(claim=rejected).update(status="ACTIVE", end_month="")
    _migrate([("benefits", "0001_claims_awards_payments")])
    _migrate()
    status = {
        c.pk: sorted(set(Award.objects.filter(claim=c).values_list("status", flat=True)))
        for c in (waiting, approved, sent_back)
    }
    assert status == {waiting.pk: ["PROPOSED"], approved.pk: ["ACTIVE"], sent_back.pk: ["PROPOSED"]}
    assert sorted(Award.objects.filter(claim=rejected).values_list("status", "end_month")) == [
        ("SUPERSEDED", ""),
        ("SUPERSEDED", "2026-05"),
    ]
