"""Every award's beneficiary and every claim's facts and assessment still in plain text encrypted
(re-runnable: values already encrypted are left as they are); back to plain text when migrating back."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from socsec.core.column_crypto import rewrite_column

COLUMNS = [
    {"table": "benefits_award", "column": "beneficiary", "context": "benefits.award.beneficiary"},
    {"table": "benefits_claim", "column": "facts", "context": "benefits.claim.facts"},
    {"table": "benefits_claim", "column": "assessment", "context": "benefits.claim.assessment"},
]


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in COLUMNS:
        rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **column, encrypt=True)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in COLUMNS:
        rewrite_column(schema_editor.connection, settings.SOCSEC_FIELD_KEYS, **column, encrypt=False)


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0006_fixpii_encrypt_dependants"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
