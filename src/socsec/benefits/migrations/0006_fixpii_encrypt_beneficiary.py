"""Awards' beneficiaries (a dependant's name) encrypted at rest: the column becomes text and every row
still in plain text is encrypted (re-runnable: rows already encrypted are left as they are)."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import socsec.core.fields
from socsec.core.column_crypto import rewrite_column

COLUMN = {"table": "benefits_award", "column": "beneficiary", "context": "benefits.award.beneficiary"}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **COLUMN, encrypt=True)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **COLUMN, encrypt=False)


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
