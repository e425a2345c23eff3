"""Who acted, on the officer's claim history and the audit trail: the automated checks in the reader's
language, a person by their user name marked as a name (not a word to translate)."""

from __future__ import annotations

from django.test import Client

from tests.web.test_claim_pages import injury
from tests.world import resident_id


def staff(world, name: str) -> Client:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(world.users[name])
    return client


def test_the_claim_history_names_the_checks_in_chinese_and_marks_a_person(world, data_dir):
    claim = injury(world)  # the automated checks send it to an officer
    page = staff(world, "officer").get(f"/officer/claims/{claim.pk}/").content.decode()
    assert " · 自动核验 · 已提交 → 审核中" in page
    assert "automated checks" not in page


def test_the_audit_trail_names_the_checks_in_chinese_and_marks_a_user(world, data_dir):
    injury(world)
    new = {"resident_id": resident_id("110105", "20010203", 45), "name": "王小明", "residence_region": "110100"}
    assert staff(world, "officer").post("/officer/persons/new/", new).status_code == 302
    page = staff(world, "auditor").get("/audit/").content.decode()
    assert '><span class="name">officer</span></a>' in page
    assert ">自动核验</a>" in page
    assert "automated checks" not in page
