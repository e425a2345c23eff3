"""SQL that makes the audit tables append-only: UPDATE and DELETE raise. The trail's (migration 0002) and
the log of reads of personal data's (migration 0004)."""

TABLE = "audit_auditentry"
READS_TABLE = "audit_personaldataaccess"


def _sqlite_create(table: str, prefix: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_no_{event.lower()} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event in ("UPDATE", "DELETE")
    ]


def _sqlite_drop(prefix: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {prefix}_no_update", f"DROP TRIGGER IF EXISTS {prefix}_no_delete"]


def _postgres_create(table: str, prefix: str, message: str) -> list[str]:
    return [
        f"""
    CREATE OR REPLACE FUNCTION {prefix}_is_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{message}';
    END;
    $$ LANGUAGE plpgsql
    """,
        f"DROP TRIGGER IF EXISTS {prefix}_no_change ON {table}",
        f"CREATE TRIGGER {prefix}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {prefix}_is_append_only()",
    ]


def _postgres_drop(table: str, prefix: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_no_change ON {table}",
        f"DROP FUNCTION IF EXISTS {prefix}_is_append_only()",
    ]


SQLITE_CREATE = _sqlite_create(TABLE, "audit_entry", "audit entries are append-only")
SQLITE_DROP = _sqlite_drop("audit_entry")
POSTGRES_CREATE = _postgres_create(TABLE, "audit_entry", "audit entries are append-only")
POSTGRES_DROP = _postgres_drop(TABLE, "audit_entry")

READS_SQLITE_CREATE = _sqlite_create(READS_TABLE, "personal_read", "the log of personal data reads is append-only")
READS_SQLITE_DROP = _sqlite_drop("personal_read")
READS_POSTGRES_CREATE = _postgres_create(READS_TABLE, "personal_read", "the log of personal data reads is append-only")
READS_POSTGRES_DROP = _postgres_drop(READS_TABLE, "personal_read")
