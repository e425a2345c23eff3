"""Resident IDs and names are encrypted at rest: the table holds no plain text, lookups go by the keyed
blind index, the resident ID stays unique, a wrong key fails clearly, and the migration encrypts the rows
written before (and decrypts them going back)."""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from socsec.core.crypto import DecryptionError, KeyRing, key_id, looks_encrypted
from socsec.registry.models import Person
from socsec.registry.selectors import person_search

migration = importlib.import_module("socsec.registry.migrations.0003_crypto_encrypt_person")


def raw_rows() -> list[tuple[int, str, str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, resident_id, name, resident_id_index, name_index FROM registry_person ORDER BY id")
        return list(cursor.fetchall())


def test_the_table_holds_no_plain_resident_id_or_name(world):
    rows = raw_rows()
    assert len(rows) == 3
    stored = " ".join(str(value) for row in rows for value in row)
    for person in Person.objects.all():
        assert person.resident_id not in stored
        assert person.name not in stored
    assert world.rider.resident_id in {p.resident_id for p in Person.objects.all()}  # it reads back
    for _pk, rid, name, rid_index, name_index in rows:
        assert looks_encrypted(rid) and looks_encrypted(name)
        assert len(rid_index) == 64 and len(name_index) == 64


def test_lookup_by_resident_id_and_by_whole_name(world):
    rid = world.rider.resident_id
    assert Person.objects.with_resident_id(rid.lower()).get().pk == world.rider.pk
    assert Person.objects.by_resident_id([rid, world.employee.resident_id]) == {
        rid: world.rider,
        world.employee.resident_id: world.employee,
    }
    assert [p.pk for p in person_search(query=f" {rid} ")] == [world.rider.pk]
    assert [p.pk for p in person_search(query="张伟")] == [world.rider.pk]
    assert person_search(query="张") == []  # whole names only: the database cannot look inside
    assert [p.name for p in person_search(query="")] == ["张伟", "李娜", "王强"]  # sorted by name here
    assert [p.name for p in person_search(query="", organisation=world.platform)] == ["张伟", "李娜"]


def test_filtering_on_the_encrypted_column_fails_loudly(world):
    with pytest.raises(FieldError, match="Unsupported lookup 'exact' for EncryptedTextField"):
        Person.objects.filter(resident_id=world.rider.resident_id).exists()
    with pytest.raises(FieldError, match="Unsupported lookup 'icontains' for EncryptedTextField"):
        Person.objects.filter(name__icontains="张").exists()


def test_the_resident_id_stays_unique_in_the_database(world):
    twin = Person(
        resident_id=world.rider.resident_id.lower(),
        name="另一个人",
        birth_date=world.rider.birth_date,
        sex=world.rider.sex,
        retirement_group=world.rider.retirement_group,
        residence_region=world.rider.residence_region,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Person.objects.count() == 3


def test_a_wrong_key_is_a_clear_error(world, settings):
    other = KeyRing(current=bytes([7]) * 32, index_key=bytes([8]) * 32)
    current = settings.SOCSEC_FIELD_KEYS.current_id
    settings.SOCSEC_FIELD_KEYS = other
    with pytest.raises(DecryptionError) as caught:
        Person.objects.get(pk=world.rider.pk)
    assert str(caught.value) == (
        f"registry.person.resident_id: the value was encrypted with key {current}, which is neither "
        f"SOCSEC_DATA_KEY ({key_id(bytes([7]) * 32)}) nor among SOCSEC_DATA_KEYS_RETIRED"
    )


def test_the_migration_encrypts_plain_rows_and_is_rerunnable(world, settings):
    ring = settings.SOCSEC_FIELD_KEYS
    people = {p.pk: (p.resident_id, p.name) for p in Person.objects.all()}
    assert migration.decrypt_person_rows(connection, ring) == 3  # back to the plain text of before
    assert {pk: (rid, name) for pk, rid, name, _, _ in raw_rows()} == people
    with connection.cursor() as cursor:  # and the indexes as a table without them would leave them
        cursor.execute("UPDATE registry_person SET resident_id_index = 'old-' || id, name_index = 'old'")

    assert migration.encrypt_person_rows(connection, ring) == 3
    rows = raw_rows()
    assert all(looks_encrypted(rid) and looks_encrypted(name) for _, rid, name, _, _ in rows)
    assert {p.pk: (p.resident_id, p.name) for p in Person.objects.all()} == people
    assert Person.objects.with_resident_id(world.rider.resident_id).get().pk == world.rider.pk
    assert Person.objects.with_name("张伟").get().pk == world.rider.pk
    assert migration.encrypt_person_rows(connection, ring) == 0  # nothing left to do
    assert raw_rows() == rows


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a SQLite file of its own")
def test_the_migration_runs_both_ways_on_the_demo(tmp_path, demo_var, settings):
    var = demo_var.copy_to(tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}

    def socsec(*args: str) -> None:
        command = [sys.executable, "-m", "socsec.cli", *args]
        subprocess.run(command, env=env, check=True, timeout=300, capture_output=True)

    def rows() -> list[tuple[int, str, str]]:
        with closing(sqlite3.connect(var / "socsec.sqlite3")) as db:
            return db.execute("SELECT id, resident_id, name FROM registry_person ORDER BY id").fetchall()

    ring = settings.SOCSEC_FIELD_KEYS
    encrypted = rows()
    plain = [
        (pk, ring.decrypt(rid, context=migration.ID_CONTEXT), ring.decrypt(name, context=migration.NAME_CONTEXT))
        for pk, rid, name in encrypted
    ]
    assert len(plain) == 178 and all(len(rid) == 18 for _, rid, _ in plain)
    socsec("manage", "migrate", "registry", "0001")
    assert rows() == plain
    socsec("migrate")
    again = rows()
    assert [r[0] for r in again] == [r[0] for r in plain]
    assert all(looks_encrypted(rid) and looks_encrypted(name) for _, rid, name in again)
    decrypted = [
        (pk, ring.decrypt(rid, context=migration.ID_CONTEXT), ring.decrypt(name, context=migration.NAME_CONTEXT))
        for pk, rid, name in again
    ]
    assert decrypted == plain
