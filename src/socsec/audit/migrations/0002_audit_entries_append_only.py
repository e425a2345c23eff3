"""Make the audit table append-only in the database itself: UPDATE and DELETE raise. Re-runnable."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from socsec.audit import triggers


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    statements = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
    for sql in statements:
        schema_editor.execute(sql)


def _install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, triggers.POSTGRES_CREATE, triggers.SQLITE_CREATE)


def _remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, triggers.POSTGRES_DROP, triggers.SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(_install, _remove)]
