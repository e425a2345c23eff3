import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.registry.models import Person


def test_every_write_in_the_world_left_an_audit_entry(world):
    assert AuditEntry.objects.filter(action="person.register").count() == Person.objects.count()
    assert AuditEntry.objects.filter(action="engagement.create").count() == 5
    assert AuditEntry.objects.filter(action="activation.create").count() == 3


def test_audit_entries_cannot_be_changed_or_deleted(world):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.action != "tampered"


def test_auditor_reads_before_and_after(world):
    from socsec.registry.services import engagement_end
    from tests.world import SYSTEM

    engagement_end(
        actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2026, 9, 30), today=dt.date(2026, 10, 5)
    )
    client = Client()
    client.force_login(world.users["auditor"])
    rows = client.get(f"/api/audit?object_type=registry.Engagement&object_id={world.rider_eng_courier.pk}").json()[
        "items"
    ]
    assert [r["action"] for r in rows] == ["engagement.end", "engagement.create"]
    assert (rows[0]["before"]["end_date"], rows[0]["after"]["end_date"], rows[0]["actor"]) == (
        None,
        "2026-09-30",
        "test",
    )
    page = client.get("/audit/", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert '<span class="action">Engagement ended</span>' in page.content.decode()
