"""The declared name gets a keyed blind index, as the registry's name has, and the engagements two indexes
for an organisation's reads: its persons in id order, and a declared name. Every declared name already
kept is indexed (re-runnable: rows already indexed are skipped), ``CHUNK`` rows at a time."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import socsec.core.fields
from socsec.core.crypto import normalise_name

TABLE = "registry_engagement"
CONTEXT = "registry.engagement.declared_name"
CHUNK = 5000


def index_declared_names(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    ring = settings.SOCSEC_FIELD_KEYS
    table = connection.ops.quote_name(TABLE)
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, declared_name FROM {table} WHERE id > %s AND declared_name IS NOT NULL "
                f"AND declared_name_index IS NULL ORDER BY id LIMIT {CHUNK}",
                [last],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        updates = [
            (ring.blind_index(normalise_name(ring.decrypt(name, context=CONTEXT)), context=CONTEXT), pk)
            for pk, name in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET declared_name_index = %s WHERE id = %s", updates)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_randid_person_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="declared_name_index",
            field=socsec.core.fields.BlindIndexField(normaliser="name", null=True, source="declared_name"),
        ),
        migrations.RunPython(index_declared_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="engagement",
            index=models.Index(fields=["organisation", "person"], name="engagement_org_person_idx"),
        ),
        migrations.AddIndex(
            model_name="engagement",
            index=models.Index(fields=["organisation", "declared_name_index"], name="engagement_org_declared_idx"),
        ),
    ]
