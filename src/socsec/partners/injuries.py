"""A hospital's record of an injury confirms the injury of the claim that names the same person and day,
without a certificate from the worker: the record is kept, the claim's evidence shows it (beside the
platform's order data), and the claim's history says so. It decides nothing by itself: whether the injury
happened at work is still shown by the platform's data or decided by an officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from socsec.audit.services import Actor, audit_record_many, snapshot
from socsec.benefits.models import Claim, ClaimEvent
from socsec.core.bulk import copy_rows

from .feed_rows import Checked
from .models import Feed, HospitalRecord


def hospital_records_apply(*, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None:
    """Inside the feed's transaction, in bulk: the records, each claim's evidence and its history, audited.
    The claims are read again, locked, in one query: an officer's change since the check is kept."""
    rows = [r for r in checked.valid if r.person is not None and r.claim is not None]
    columns = ["feed_id", "person_id", "injured_on", "admitted_on", "hospital", "diagnosis_code", "claim_id"]
    values = [
        (
            feed.pk,
            r.person.pk if r.person else 0,
            r.values["injured_on"],
            r.values["admitted_on"],
            r.values["hospital"],
            r.values["diagnosis_code"],
            r.claim.pk if r.claim else 0,
        )
        for r in rows
    ]
    ids = copy_rows(HospitalRecord, columns, values)
    records = [HospitalRecord(pk=pk, **dict(zip(columns, v, strict=True))) for pk, v in zip(ids, values, strict=True)]
    audit_record_many(actor=actor, action="partners.hospital_record", instances=records)
    locked = Claim.objects.filter(pk__in=[r.claim_id for r in records]).order_by("id")
    claims = {
        c.pk: c
        for c in (locked.select_for_update(of=("self",)) if connection.features.has_select_for_update else locked)
    }
    befores, changed, events = [], [], []
    for record in records:
        claim = claims[record.claim_id or 0]
        if claim not in changed:
            befores.append(snapshot(claim))
            changed.append(claim)
        # a new version: an officer with the claim open sees the evidence before deciding
        claim.evidence = {**claim.evidence, "hospital_record": _evidence(record, feed)}
        claim.version += 1
        events.append(
            ClaimEvent(
                claim=claim,
                on=today,
                actor=actor.label,
                from_status=claim.status,
                to_status=claim.status,
                note=(
                    f"the hospital's record ({record.hospital}, admitted {record.admitted_on.isoformat()}) confirms "
                    "the injury on that day: no certificate is needed from the worker"
                ),
            )
        )
    Claim.objects.bulk_update(changed, ["evidence", "version"], batch_size=300)
    ClaimEvent.objects.bulk_create(events, batch_size=300)
    audit_record_many(actor=actor, action="benefit.claim.evidence", instances=changed, befores=befores)


def _evidence(record: HospitalRecord, feed: Feed) -> dict[str, Any]:
    return {
        "hospital": record.hospital,
        "injured_on": record.injured_on.isoformat(),
        "admitted_on": record.admitted_on.isoformat(),
        "partner": feed.agreement.partner.code,
        "agreement": feed.agreement.reference,
        "feed": feed.pk,
    }
