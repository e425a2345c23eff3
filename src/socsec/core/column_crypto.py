"""Encrypting a column that held plain text (and back), for the migrations that move a field to
``EncryptedTextField`` or ``EncryptedJSONField``: in chunks, in id order, never all rows in memory, and
re-runnable (a value already encrypted is left as it is; on the way back, one in plain text)."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from .crypto import KeyRing, looks_encrypted

CHUNK = 5000


def rewrite_column(
    connection: BaseDatabaseWrapper, ring: KeyRing, *, table: str, column: str, context: str, encrypt: bool
) -> int:
    """Encrypt (``encrypt``) or decrypt every value of ``table.column`` not yet so; the number of rows
    written. ``context`` is the field's (``<app label>.<model>.<field>``). A null stays null."""
    quoted, col = connection.ops.quote_name(table), connection.ops.quote_name(column)
    last, written = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {col} FROM {quoted} WHERE id > %s ORDER BY id LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
        if not rows:
            return written
        last = rows[-1][0]
        if encrypt:
            updates = [
                (ring.encrypt(v, context=context), pk) for pk, v in rows if v is not None and not looks_encrypted(v)
            ]
        else:
            updates = [(ring.decrypt(v, context=context), pk) for pk, v in rows if v is not None and looks_encrypted(v)]
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {quoted} SET {col} = %s WHERE id = %s", updates)
            written += len(updates)
