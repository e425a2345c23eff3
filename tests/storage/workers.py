"""The resident IDs and work regions of a demo platform's workers, read from a var dir's database (resident
IDs are stored encrypted: the commands run with the same development keys as the tests)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tests.contributions.test_ingest_killed import query


def platform_workers(var: Path, platform: str = "swiftride") -> list[tuple[str, str]]:
    rows = query(
        var,
        "SELECT p.resident_id, r.code FROM registry_engagement e JOIN registry_person p ON p.id = e.person_id"
        " JOIN registry_organisation o ON o.id = e.organisation_id JOIN registry_region r ON r.id = e.work_region_id"
        " WHERE o.code = ? AND e.end_date IS NULL ORDER BY e.id",
        platform,
    )
    ring = settings.SOCSEC_FIELD_KEYS
    return [(ring.decrypt(rid, context="registry.person.resident_id"), region) for rid, region in rows]
