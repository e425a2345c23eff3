"""Awards' beneficiaries (a dependant's name) encrypted at rest: the column becomes text and every row
still in plain text is encrypted (re-runnable: rows already encrypted are left as they are)."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import socsec.core.fields
from socsec.core.crypto import KeyRing, looks_encrypted

TABLE = "benefits_award"
CONTEXT = "benefits.award.beneficiary"
CHUNK = 5000


def _rewrite(connection: BaseDatabaseWrapper, ring: KeyRing, *, encrypt: bool) -> int:
    """Encrypt (or decrypt, backwards) every row not yet so, ``CHUNK`` at a time in id order; the number
    of rows written."""
    table = connection.ops.quote_name(TABLE)
    last, written = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, beneficiary FROM {table} WHERE id > %s ORDER BY id LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
        if not rows:
            return written
        last = rows[-1][0]
        if encrypt:
            updates = [(ring.encrypt(v or "", context=CONTEXT), pk) for pk, v in rows if not looks_encrypted(v or "")]
        else:
            updates = [(ring.decrypt(v, context=CONTEXT), pk) for pk, v in rows if looks_encrypted(v or "")]
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET beneficiary = %s WHERE id = %s", updates)
            written += len(updates)


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, encrypt=True)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, encrypt=False)


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0005_files_bank_file"),
    ]

    operations = [
        migrations.AlterField(
            model_name="award",
            name="beneficiary",
            field=socsec.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
