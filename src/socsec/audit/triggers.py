"""SQL that makes the audit table append-only: UPDATE and DELETE raise (used by migration 0002)."""

TABLE = "audit_auditentry"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_{event.lower()} BEFORE {event} ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
    for event in ("UPDATE", "DELETE")
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_entry_no_update", "DROP TRIGGER IF EXISTS audit_entry_no_delete"]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_is_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_is_append_only()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_is_append_only()",
]
