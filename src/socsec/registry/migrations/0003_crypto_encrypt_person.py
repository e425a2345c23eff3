"""Resident IDs and names encrypted at rest, with a keyed blind index each: the columns become text, the
index columns are added, and every row still in plain text is encrypted and indexed (re-runnable: rows
already encrypted are only re-indexed when their index is missing). The constraints on the indexes
follow in the next migration, in a transaction of their own."""

from collections.abc import Iterator
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import socsec.core.fields
from socsec.core.crypto import KeyRing, looks_encrypted, normalise_identifier, normalise_name

TABLE = "registry_person"
ID_CONTEXT = "registry.person.resident_id"
NAME_CONTEXT = "registry.person.name"
CHUNK = 5000


def _chunks(connection: BaseDatabaseWrapper, columns: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of the table, ``CHUNK`` at a time, in id order (a keyset walk, never all in memory)."""
    table = connection.ops.quote_name(TABLE)
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {columns} FROM {table} WHERE id > %s ORDER BY id LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def encrypt_person_rows(connection: BaseDatabaseWrapper, ring: KeyRing) -> int:
    """Encrypt and index every person row not yet done; the number of rows written."""
    table = connection.ops.quote_name(TABLE)
    written = 0
    for rows in _chunks(connection, "resident_id, name, resident_id_index, name_index"):
        updates: list[tuple[str, str, str, str, int]] = []
        for pk, rid, name, rid_index, name_index in rows:
            if looks_encrypted(rid) and looks_encrypted(name) and rid_index and name_index:
                continue
            plain_id = ring.decrypt(rid, context=ID_CONTEXT) if looks_encrypted(rid) else rid
            plain_name = ring.decrypt(name, context=NAME_CONTEXT) if looks_encrypted(name) else name
            updates.append(
                (
                    rid if looks_encrypted(rid) else ring.encrypt(plain_id, context=ID_CONTEXT),
                    ring.blind_index(normalise_identifier(plain_id), context=ID_CONTEXT),
                    name if looks_encrypted(name) else ring.encrypt(plain_name, context=NAME_CONTEXT),
                    ring.blind_index(normalise_name(plain_name), context=NAME_CONTEXT),
                    pk,
                )
            )
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET resident_id = %s, resident_id_index = %s, name = %s, name_index = %s "
                    "WHERE id = %s",
                    updates,
                )
            written += len(updates)
    return written


def decrypt_person_rows(connection: BaseDatabaseWrapper, ring: KeyRing) -> int:
    """Back to plain text (migrating backwards); the number of rows written."""
    table = connection.ops.quote_name(TABLE)
    written = 0
    for rows in _chunks(connection, "resident_id, name"):
        updates = [
            (
                ring.decrypt(rid, context=ID_CONTEXT) if looks_encrypted(rid) else rid,
                ring.decrypt(name, context=NAME_CONTEXT) if looks_encrypted(name) else name,
                pk,
            )
            for pk, rid, name in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET resident_id = %s, name = %s WHERE id = %s", updates)
        written += len(updates)
    return written


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    encrypt_person_rows(schema_editor.connection, settings.SOCSEC_FIELD_KEYS)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    decrypt_person_rows(schema_editor.connection, settings.SOCSEC_FIELD_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_money_engagement_end_decisions"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_name_idx"),
        migrations.AlterField(model_name="person", name="resident_id", field=socsec.core.fields.EncryptedTextField()),
        migrations.AlterField(model_name="person", name="name", field=socsec.core.fields.EncryptedTextField()),
        migrations.AddField(
            model_name="person",
            name="resident_id_index",
            field=socsec.core.fields.BlindIndexField(null=True, normaliser="identifier", source="resident_id"),
        ),
        migrations.AddField(
            model_name="person",
            name="name_index",
            field=socsec.core.fields.BlindIndexField(null=True, normaliser="name", source="name"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
