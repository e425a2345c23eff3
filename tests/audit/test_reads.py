"""Reads of a person's personal data by others are logged with reader, purpose and what; the worker sees
who read their data (API and portal); auditors and supervisors query the log."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from django.test import Client

from socsec.audit.models import PersonalDataAccess, ReadPurpose
from socsec.cli.export import cmd_export_records


def _client(world, role: str, lang: str = "en") -> Client:
    client = Client(headers={"Accept-Language": lang})
    client.force_login(world.users[role])
    return client


def _reads() -> list[tuple[int, str, str, str, int | None, int | None]]:
    return list(
        PersonalDataAccess.objects.order_by("id").values_list(
            "person_id", "actor_role", "purpose", "what", "actor_user_id", "actor_organisation_id"
        )
    )


def test_an_officer_reading_a_person_is_logged_and_the_worker_sees_it(world):
    officer = world.users["officer"]
    officer.first_name, officer.last_name = "Min", "Wang"
    officer.save()
    assert _client(world, "officer").get(f"/api/persons/{world.rider.pk}").status_code == 200
    assert _reads() == [(world.rider.pk, "OFFICER", "CASE_HANDLING", "person", officer.pk, None)]
    body = _client(world, "worker").get("/api/me/data-access").json()
    read = PersonalDataAccess.objects.get()
    assert body["items"][0].pop("at") == read.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert body == {
        "items": [
            {
                "id": read.pk,
                "person_id": world.rider.pk,
                "reader_role": "OFFICER",
                "reader": "Min Wang",
                "purpose": "CASE_HANDLING",
                "what": "person",
                "agreement": None,
            }
        ],
        "next_cursor": None,
    }


def test_a_platform_search_logs_each_person_found_with_its_organisation(world, platform):
    found = platform.get("/api/persons").json()["items"]
    assert found
    assert _reads() == [
        (p["id"], "PLATFORM", "PLATFORM_ADMINISTRATION", "person search", None, world.platform.pk) for p in found
    ]
    reader = _client(world, "worker").get("/api/me/data-access").json()["items"][0]
    assert (reader["reader_role"], reader["reader"]) == ("PLATFORM", world.platform.name)


def test_a_worker_reading_their_own_data_is_not_logged(world):
    worker = _client(world, "worker")
    assert worker.get("/api/me").status_code == 200
    assert worker.get(f"/api/persons/{world.rider.pk}/coverage").status_code == 200
    assert worker.get("/me/coverage/").status_code == 200
    assert _reads() == []


def test_the_worker_pages_through_their_log_newest_first(world):
    officer = _client(world, "officer")
    for path in ("", "/engagements", "/coverage"):
        assert officer.get(f"/api/persons/{world.rider.pk}{path}").status_code == 200
    worker = _client(world, "worker")
    first = worker.get("/api/me/data-access?limit=2").json()
    assert [i["what"] for i in first["items"]] == ["coverage", "engagements"]
    second = worker.get(f"/api/me/data-access?limit=2&cursor={first['next_cursor']}").json()
    assert ([i["what"] for i in second["items"]], second["next_cursor"]) == (["person"], None)
    assert _client(world, "officer").get("/api/me/data-access").status_code == 403


def test_auditors_query_the_log_by_person_and_reader_and_others_may_not(world):
    _client(world, "officer").get(f"/api/persons/{world.rider.pk}")
    _client(world, "supervisor").get(f"/api/persons/{world.employee.pk}")
    auditor = _client(world, "auditor")
    by_person = auditor.get(f"/api/personal-data-access?person_id={world.employee.pk}").json()["items"]
    assert [(i["person_id"], i["reader_role"], i["purpose"]) for i in by_person] == [
        (world.employee.pk, "SUPERVISOR", "SUPERVISION")
    ]
    by_reader = auditor.get("/api/personal-data-access?actor_username=officer").json()["items"]
    assert [(i["person_id"], i["what"]) for i in by_reader] == [(world.rider.pk, "person")]
    assert auditor.get("/api/personal-data-access?since=2200-12-31T00:00:00Z").json()["items"] == []
    assert _client(world, "officer").get("/api/personal-data-access").status_code == 403
    assert len(_reads()) == 2  # the auditor's queries of the log read no person's data


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ["Who read my data", "Officer · officer", "case handling", "personal details, work and coverage"]),
        ("zh-hans", ["谁查看了我的数据", "经办人员 · officer", "经办业务", "个人信息、工作与参保情况"]),
    ],
)
def test_the_officer_page_read_shows_on_the_worker_portal(world, lang, texts):
    assert _client(world, "officer").get(f"/officer/persons/{world.rider.pk}/").status_code == 200
    page = _client(world, "worker", lang).get("/me/coverage/").content.decode()
    for text in texts:
        assert text in page


def test_the_worker_portal_says_when_nobody_read(world):
    page = _client(world, "worker").get("/me/coverage/").content.decode()
    assert "Nobody else has read your data." in page


def test_an_officer_claim_page_and_queue_are_logged(world):
    from tests.benefits.test_awards_and_payments import accepted_injury

    claim = accepted_injury(world, dt.date(2026, 3, 10))
    assert _reads() == []
    officer = _client(world, "officer")
    assert officer.get(f"/officer/claims/{claim.pk}/").status_code == 200
    assert officer.get("/officer/claims/").status_code == 200
    assert [r[:4] for r in _reads()] == [
        (claim.person_id, "OFFICER", "CASE_HANDLING", "claim"),
        (claim.person_id, "OFFICER", "CASE_HANDLING", "claim queue"),
    ]


def test_an_export_logs_every_person_exported(world, tmp_path, capsys):
    args = argparse.Namespace(year=2027, out=str(tmp_path / "records.csv"))
    assert cmd_export_records(args) == 0
    lines = (tmp_path / "records.csv").read_text().splitlines()
    reads = _reads()
    assert len(reads) == len(lines) - 1 > 0
    assert {(r[1], r[2], r[3]) for r in reads} == {("SYSTEM", ReadPurpose.EXPORT, "insured records")}


def test_the_log_of_reads_cannot_be_changed_or_deleted(world):
    from django.db import DatabaseError, transaction

    _client(world, "officer").get(f"/api/persons/{world.rider.pk}")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PersonalDataAccess.objects.update(purpose="EXPORT")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PersonalDataAccess.objects.all().delete()
    assert _reads()[0][2] == "CASE_HANDLING"


def test_reads_spooled_while_locked_wait_in_their_file_until_the_lock_is_free(world, settings, tmp_path, monkeypatch):
    from socsec.audit import reads
    from socsec.audit.services import Actor

    settings.VAR_DIR = tmp_path
    free = reads.write_briefly
    monkeypatch.setattr(reads, "write_briefly", lambda write: False)  # a batch job holds the write lock
    logged = reads.log_personal_read(
        actor=Actor(label="officer", user_id=world.users["officer"].pk),
        role="OFFICER",
        person_ids=[world.rider.pk, world.rider.pk, world.employee.pk],
        purpose=ReadPurpose.CASE_HANDLING,
        what="person",
    )
    spooled = sorted((tmp_path / "spool" / "reads").iterdir())
    assert (logged, len(spooled), reads.reads_load_spooled()) == (2, 1, 0)
    assert sorted((tmp_path / "spool" / "reads").iterdir()) == spooled and _reads() == []  # put back, unread
    monkeypatch.setattr(reads, "write_briefly", free)
    assert reads.reads_load_spooled() == 2
    assert list((tmp_path / "spool" / "reads").iterdir()) == []
    assert [(r[0], r[1], r[2], r[3]) for r in _reads()] == [
        (world.rider.pk, "OFFICER", "CASE_HANDLING", "person"),
        (world.employee.pk, "OFFICER", "CASE_HANDLING", "person"),
    ]


def test_every_kind_of_read_logged_in_the_source_has_words():
    """Each kind a page, an endpoint or an export logs (``record_read(..., "kind")``, ``what="kind"``) is in
    ``READ_KINDS``, so the worker's data page and its notice read it in their language."""
    import re
    from pathlib import Path

    import socsec
    from socsec.audit.reads import READ_KINDS

    source = Path(socsec.__file__).parent
    logged = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        logged |= set(re.findall(r'record_read\([^\n]*, "([a-z ]+)"\)', text))
        logged |= set(re.findall(r'what="([a-z ]+)"', text))
    assert {"claim search", "person search", "insured records"} <= logged
    assert sorted(logged - set(READ_KINDS)) == []


def test_the_log_of_reads_has_one_index_a_way_it_is_read(world):
    """Each index is one more write on a table every read of personal data writes to: the person's reads
    and a user's by (who, when), all by when, and an organisation's (auditors filter by it). Migration audit
    0010 dropped the person's and the user's of one column, which these cover; 0011 the token's, never
    looked up."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, PersonalDataAccess._meta.db_table)
    indexes = sorted(
        tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"] and not c["unique"]
    )
    assert indexes == [
        ("actor_organisation_id",),
        ("actor_user_id", "at"),
        ("at",),
        ("person_id", "at"),
    ]


def test_a_platforms_reads_lock_neither_its_token_nor_its_organisation(world, platform):
    """On PostgreSQL the reading token and organisation are not foreign-key constraints (migration audit
    0011): each read would lock both rows, shared by every read of the platform at once. The person and the
    user stay constraints; on SQLite all four do. A token or an organisation that read still cannot be
    deleted: Django's PROTECT refuses it."""
    from django.db import connection
    from django.db.models import ProtectedError

    from socsec.accounts.models import ApiToken

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, PersonalDataAccess._meta.db_table)
    keys = sorted(c["columns"][0] for c in constraints.values() if c["foreign_key"])
    everyone = ["actor_organisation_id", "actor_token_id", "actor_user_id", "person_id"]
    assert keys == (["actor_user_id", "person_id"] if connection.vendor == "postgresql" else everyone)

    assert platform.get(f"/api/persons/{world.rider.pk}").status_code == 200
    [read] = PersonalDataAccess.objects.all()
    assert (read.actor_organisation_id, read.actor_token.organisation_id) == (world.platform.pk, world.platform.pk)
    with pytest.raises(ProtectedError):
        ApiToken.objects.get(pk=read.actor_token_id).delete()
    with pytest.raises(ProtectedError):
        world.platform.delete()
    assert PersonalDataAccess.objects.count() == 1
