"""The entries written before snapshots had an allow-list: their secrets are removed (password hashes,
token digests, persons' resident IDs and names), and every entry is chained by hash
(``socsec.audit.chain``). The append-only triggers are lifted for the rewrite and put back at the end.
When there were entries, the migration writes one entry of its own saying what it removed, chained after
the rest. Re-runnable: a second run finds nothing to remove and the same chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from socsec.audit import chain, triggers

# Frozen here, not read from socsec.audit.policy: this migration removes what the trail held before it.
SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "accounts.User": ("password",),
    "accounts.ApiToken": ("digest",),
    "registry.Person": ("resident_id", "name"),  # kept encrypted on the row, not in plain text here
}
BATCH = 2000


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    for sql in postgres if schema_editor.connection.vendor == "postgresql" else sqlite:
        schema_editor.execute(sql)


def _scrub(snapshot: Any, keys: tuple[str, ...]) -> tuple[Any, list[str]]:
    if not isinstance(snapshot, dict):
        return snapshot, []
    removed = [key for key in keys if key in snapshot]
    return {k: v for k, v in snapshot.items() if k not in removed}, removed


def _scrub_and_chain(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    scrub_and_chain(apps, schema_editor, SECRET_KEYS, "migration:audit.0004")


def scrub_and_chain(
    apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, secret_keys: dict[str, tuple[str, ...]], label: str
) -> None:
    """Removes ``secret_keys`` (per object type) from every entry's snapshots and chains the entries again;
    writes an entry of its own, by ``label``, when it removed something (or on the first run)."""
    entry_model = apps.get_model("audit", "AuditEntry")
    manager = entry_model._base_manager.db_manager(schema_editor.connection.alias)
    _run(schema_editor, triggers.POSTGRES_DROP, triggers.SQLITE_DROP)
    prev_hash = chain.GENESIS
    seen = scrubbed = 0
    fields: dict[str, set[str]] = {}
    last = 0
    while True:
        batch = list(manager.filter(id__gt=last).order_by("id")[:BATCH])
        if not batch:
            break
        last = batch[-1].id
        changed = []
        for entry in batch:
            seen += 1
            keys = secret_keys.get(entry.object_type, ())
            entry.before, removed_before = _scrub(entry.before, keys)
            entry.after, removed_after = _scrub(entry.after, keys)
            if removed := sorted(set(removed_before) | set(removed_after)):
                scrubbed += 1
                fields.setdefault(entry.object_type, set()).update(removed)
            old = (entry.prev_hash, entry.hash)
            prev_hash = chain.link([entry], prev_hash)
            if removed or (entry.prev_hash, entry.hash) != old:
                changed.append(entry)
        manager.bulk_update(changed, ["before", "after", "prev_hash", "hash"], batch_size=BATCH)
    _run(schema_editor, triggers.POSTGRES_CREATE, triggers.SQLITE_CREATE)
    if seen == 0 or (scrubbed == 0 and _already_recorded(manager)):
        return
    record = entry_model(
        at=dt.datetime.now(dt.UTC),
        actor_user_id=None,
        actor_token_id=None,
        actor_label=label,
        action="audit.secrets_scrub",
        object_type="audit.AuditEntry",
        object_id="*",
        before=None,
        after={
            "entries_read": seen,
            "entries_scrubbed": scrubbed,
            "fields": {kind: sorted(names) for kind, names in sorted(fields.items())},
        },
    )
    chain.link([record], prev_hash)
    record.save(force_insert=True, using=schema_editor.connection.alias)


def _already_recorded(manager: Any) -> bool:
    return bool(manager.filter(action="audit.secrets_scrub").exists())


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditlog_chain_and_reads")]
    # The triggers are put back before the migration's own entry is written; on PostgreSQL the rewrite
    # and the trigger changes commit together.
    operations = [migrations.RunPython(_scrub_and_chain, migrations.RunPython.noop)]
