"""The audit trail's hash chain: written by every audit call, verified by `socsec audit verify`, and broken
by any change made behind the application's back."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from socsec.audit import chain, triggers
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor, audit_record, audit_record_many
from socsec.cli import build_parser
from socsec.registry.models import Region


def _behind_the_back(sql: str, params: list[object]) -> None:
    """Run SQL on the trail with its append-only triggers lifted, as someone with database access could."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in triggers.POSTGRES_DROP if postgres else triggers.SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in triggers.POSTGRES_CREATE if postgres else triggers.SQLITE_CREATE:
            cursor.execute(statement)


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = build_parser().parse_args(["audit", "verify", "--batch-size", "3"])  # batches: the walk crosses edges
    code = args.func(args)
    return code, capsys.readouterr().out


def test_the_world_is_one_unbroken_chain(world, capsys):
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == chain.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert _verify(capsys) == (
        0,
        f"OK: {len(entries)} audit entries, the hash chain is unbroken; head {entries[-1].hash}\n",
    )


def test_auditors_read_each_entry_with_its_link(world):
    from django.test import Client

    client = Client()
    client.force_login(world.users["auditor"])
    rows = client.get("/api/audit?limit=2").json()["items"]
    newest = list(AuditEntry.objects.order_by("-id")[:2])
    assert [(r["id"], r["prev_hash"], r["hash"]) for r in rows] == [(e.pk, e.prev_hash, e.hash) for e in newest]
    assert rows[0]["prev_hash"] == rows[1]["hash"]


def test_single_and_bulk_writes_continue_the_chain(world):
    tail = chain.chain_tail()
    regions = [Region(code=f"99{i:04d}", name=f"R{i}", level="PROVINCE") for i in range(3)]
    Region.objects.bulk_create(regions)
    with transaction.atomic():
        assert audit_record_many(actor=Actor.system("t"), action="region.create", instances=regions) == 3
        single = audit_record(actor=Actor.system("t"), action="region.create", instance=regions[0])
    added = list(AuditEntry.objects.order_by("-id")[:4])[::-1]
    assert added[0].prev_hash == tail
    assert [e.prev_hash for e in added[1:]] == [e.hash for e in added[:-1]]
    assert added[-1].pk == single.pk
    report = chain.chain_verify(batch_size=2)
    assert report == chain.ChainReport(AuditEntry.objects.count(), None, single.hash)


def test_an_entry_changed_behind_the_back_is_named(world, capsys):
    entries = list(AuditEntry.objects.order_by("id"))
    victim = entries[4]
    _behind_the_back(f"UPDATE {triggers.TABLE} SET actor_label = %s WHERE id = %s", ["someone else", victim.pk])
    expected = chain.entry_hash(
        victim.prev_hash, {**{n: getattr(victim, n) for n in chain.HASHED_FIELDS}, "actor_label": "someone else"}
    )
    code, out = _verify(capsys)
    assert code == 1
    assert out == (
        f"BROKEN at audit entry {victim.pk} (this entry was changed after it was written): "
        f"hash expected {expected}, found {victim.hash}; 4 entries before it verified\n"
    )


def test_a_deleted_entry_is_named_by_the_next_one(world, capsys):
    entries = list(AuditEntry.objects.order_by("id"))
    _behind_the_back(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [entries[2].pk])
    report = chain.chain_verify(batch_size=2)
    assert report.entries == 2
    assert report.broken == chain.BrokenLink(entries[3].pk, "prev_hash", entries[1].hash, entries[2].hash)
    code, out = _verify(capsys)
    assert code == 1
    assert out.startswith(f"BROKEN at audit entry {entries[3].pk} (the entry before it was changed or removed)")


def test_a_snapshot_changed_inside_its_json_is_caught(world):
    entry = AuditEntry.objects.filter(after__isnull=False).order_by("id").first()
    assert entry is not None
    changed = {**entry.after, "id": 999999}
    import json

    _behind_the_back(f"UPDATE {triggers.TABLE} SET after = %s WHERE id = %s", [json.dumps(changed), entry.pk])
    report = chain.chain_verify()
    assert report.broken is not None
    assert (report.broken.entry_id, report.broken.column, report.broken.found) == (entry.pk, "hash", entry.hash)


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_still_form_one_chain():
    """Eight transactions audit at once, each holding its transaction open a moment after its entry."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions itself; the chain's lock is PostgreSQL's")
    import threading
    import time

    from django.db import connections

    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                region = Region.objects.create(code=f"98{i:04d}", name=f"R{i}", level="PROVINCE")
                audit_record(actor=Actor.system(f"t{i}"), action="region.create", instance=region)
                audit_record_many(actor=Actor.system(f"t{i}"), action="region.create", instances=[region, region])
                time.sleep(0.05)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = chain.chain_verify()
    assert (report.entries, report.broken) == (24, None)


def test_a_snapshot_with_large_and_small_floats_verifies_after_the_database_gives_it_back(world):
    """jsonb gives a float of 1e16 or more back as an integer (1e20 -> 100000000000000000000) and others
    as they were (3.0)."""
    from socsec.audit.services import _entry

    region = Region.objects.first()
    assert region is not None
    entry = _entry(
        Actor.system("t"),
        "t",
        region,
        {"big": 1e20, "small": 1e-7, "n": [2.5, 3.0, 1.2345678901234567e25]},
        None,
        timezone.now(),
    )
    with transaction.atomic():
        chain.lock_chain()
        chain.link([entry], chain.chain_tail())
        entry.save(force_insert=True)
    assert chain.chain_verify().broken is None
