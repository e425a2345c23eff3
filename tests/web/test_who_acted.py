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


def test_one_filter_names_every_actor_of_the_history_and_the_trail(world, data_dir):
    """The claim history and the audit trail name who acted alike: no code or English word on a Chinese page."""
    from django.utils import translation

    from socsec.web.templatetags.socsec_tags import actor

    with translation.override("zh-hans"):
        said = [
            actor(label)
            for label in ("user:officer", "officer", "automated checks", "payment run", "cli:ops", "token:ridego:ab12")
        ]
    assert said == [
        '<span class="name">officer</span>',  # a user, as the audit trail records them
        '<span class="name">officer</span>',  # a name recorded bare on a claim's history
        "自动核验",
        "待遇发放批次",
        "命令行（ops）",
        "RideGo（接口令牌 ab12）",  # the organisation by its name, not its code
    ]
