"""A hospital's record of an injury confirms the injury of the claim that names the same person and day,
without a certificate from the worker: the record is kept, the claim's evidence shows it (beside the
platform's order data), and the claim's history says so. It decides nothing by itself: whether the injury
happened at work is still shown by the platform's data or decided by an officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.benefits.models import Claim, ClaimEvent
from socsec.registry.models import Person

from .models import Feed, HospitalRecord


def hospital_record_apply(
    *, actor: Actor, feed: Feed, person: Person, claim: Claim, values: dict[str, Any], today: dt.date
) -> HospitalRecord:
    """Inside the feed's transaction: the record, the claim's evidence and its history, audited."""
    record = HospitalRecord.objects.create(
        feed=feed,
        person=person,
        injured_on=values["injured_on"],
        admitted_on=values["admitted_on"],
        hospital=values["hospital"],
        diagnosis_code=values["diagnosis_code"],
        claim=claim,
    )
    audit_record(actor=actor, action="partners.hospital_record", instance=record)
    claim.refresh_from_db()
    before = snapshot(claim)
    evidence = dict(claim.evidence)
    evidence["hospital_record"] = {
        "hospital": record.hospital,
        "injured_on": record.injured_on.isoformat(),
        "admitted_on": record.admitted_on.isoformat(),
        "partner": feed.agreement.partner.code,
        "agreement": feed.agreement.reference,
        "feed": feed.pk,
    }
    # a new version: an officer with the claim open sees the evidence before deciding
    Claim.objects.filter(pk=claim.pk).update(evidence=evidence, version=F("version") + 1)
    claim.refresh_from_db()
    ClaimEvent.objects.create(
        claim=claim,
        on=today,
        actor=actor.label,
        from_status=claim.status,
        to_status=claim.status,
        note=(
            f"the hospital's record ({record.hospital}, admitted {record.admitted_on.isoformat()}) confirms the "
            "injury on that day: no certificate is needed from the worker"
        ),
    )
    audit_record(actor=actor, action="benefit.claim.evidence", instance=claim, before=before)
    return record
