"""Claims' stated facts and assessments and dependants' names came to be kept encrypted on their rows
after 0004 ran: they are removed from the entries already written in the same way (the triggers lifted and
put back, every entry chained again, one entry of its own when something was removed). Re-runnable."""

from __future__ import annotations

import importlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "benefits.Claim": ("facts", "assessment"),
    "benefits.Award": ("beneficiary",),
}


def _scrub(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    scrub = importlib.import_module("socsec.audit.migrations.0004_auditlog_scrub_and_chain")
    scrub.scrub_and_chain(apps, schema_editor, SECRET_KEYS, "migration:audit.0006")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_auditlog_reads_append_only")]
    operations = [migrations.RunPython(_scrub, migrations.RunPython.noop)]
