"""What a claimant stated and what was assessed (dependants' names, health) encrypted at rest: the columns
become text holding the encrypted JSON, and every row still in plain JSON is encrypted (re-runnable)."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import socsec.core.fields
from socsec.core.column_crypto import rewrite_column

COLUMNS = [
    {"table": "benefits_claim", "column": name, "context": f"benefits.claim.{name}"} for name in ("facts", "assessment")
]


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in COLUMNS:
        rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **column, encrypt=True)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in COLUMNS:
        rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **column, encrypt=False)


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0006_fixpii_encrypt_beneficiary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="assessment",
            field=socsec.core.fields.EncryptedJSONField(
                default=dict, help_text="grade, care level, years, dependants, ... as assessed"
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="facts",
            field=socsec.core.fields.EncryptedJSONField(
                default=dict, help_text="what the claimant stated: description, dependants, ..."
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
