"""Migration operations the project's migrations share (kept as long as a migration names them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.migrations.operations.base import Operation


def foreign_key_index_dropped(
    model_name: str, field_name: str, field: models.ForeignKey[Any, Any], *, table: str, index: str
) -> Operation:
    """A foreign key's own index dropped (``field`` says ``db_index=False``: a composite index leading with its
    column serves), the constraint kept. Django's AlterField would drop the foreign key and add it back, which
    on PostgreSQL checks every row again under lock. ``index`` is the name Django gave the index (the same on
    SQLite and PostgreSQL; see ``sqlmigrate`` of the migration that made it); a reversal makes it again."""
    column = field.db_column or f"{field_name}_id"
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=field_name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
            )
        ],
    )
