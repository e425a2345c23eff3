"""The log of reads of personal data is append-only in the database itself, like the trail. Re-runnable."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from socsec.audit import triggers


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    for sql in postgres if schema_editor.connection.vendor == "postgresql" else sqlite:
        schema_editor.execute(sql)


def _install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, triggers.READS_POSTGRES_CREATE, triggers.READS_SQLITE_CREATE)


def _remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, triggers.READS_POSTGRES_DROP, triggers.READS_SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditlog_scrub_and_chain")]
    operations = [migrations.RunPython(_install, _remove)]
