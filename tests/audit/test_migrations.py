"""The migration that scrubs the secrets of the entries written before the audit policy and chains them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from socsec.audit import chain
from socsec.audit.models import AuditEntry

BEFORE_CHAIN = ("audit", "0002_audit_entries_append_only")


def _migrate(target: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_old_entries_lose_their_secrets_are_chained_and_the_scrub_is_audited():
    executor = _migrate([BEFORE_CHAIN])
    old = executor.loader.project_state([BEFORE_CHAIN]).apps.get_model("audit", "AuditEntry")
    at = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    rows = [
        ("user.create", "accounts.User", None, {"id": 1, "username": "li", "password": "md5$x$hash"}),
        ("token.issue", "accounts.ApiToken", None, {"id": 2, "prefix": "abc", "digest": "f" * 64}),
        (
            "person.register",
            "registry.Person",
            {"id": 3, "resident_id": "X1"},
            {"id": 3, "resident_id": "X2", "name": "Li"},
        ),
        ("region.create", "registry.Region", None, {"id": 4, "code": "110000", "password": "kept: not a User"}),
        ("claim.submit", "benefits.Claim", None, {"id": 5, "kind": "OIP_MEDICAL", "facts": {"days": 3}}),
        ("award.create", "benefits.Award", None, {"id": 6, "beneficiary": "Wang", "amount_cents": 100}),
    ]
    for i, (action, object_type, before, after) in enumerate(rows):
        old.objects.create(
            at=at + dt.timedelta(seconds=i),
            actor_label="system",
            action=action,
            object_type=object_type,
            object_id=str(i + 1),
            before=before,
            after=after,
        )
    _migrate()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.before, e.after) for e in entries[:4]] == [
        (None, {"id": 1, "username": "li"}),
        (None, {"id": 2, "prefix": "abc"}),
        ({"id": 3}, {"id": 3}),
        (None, {"id": 4, "code": "110000", "password": "kept: not a User"}),
    ]
    assert [(e.before, e.after) for e in entries[4:6]] == [
        (None, {"id": 5, "kind": "OIP_MEDICAL"}),
        (None, {"id": 6, "amount_cents": 100}),
    ]
    scrub = entries[6]
    assert (scrub.action, scrub.actor_label, scrub.object_type, scrub.after) == (
        "audit.secrets_scrub",
        "migration:audit.0004",
        "audit.AuditEntry",
        {
            "entries_read": 6,
            "entries_scrubbed": 3,
            "fields": {
                "accounts.ApiToken": ["digest"],
                "accounts.User": ["password"],
                "registry.Person": ["name", "resident_id"],
            },
        },
    )
    later = entries[7]  # 0006: what came to be kept encrypted on claims and awards after 0004
    assert (later.action, later.actor_label, later.after) == (
        "audit.secrets_scrub",
        "migration:audit.0006",
        {
            "entries_read": 7,
            "entries_scrubbed": 2,
            "fields": {"benefits.Award": ["beneficiary"], "benefits.Claim": ["facts"]},
        },
    )
    assert len(entries) == 8
    assert chain.chain_verify() == chain.ChainReport(8, None, later.hash)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # the triggers are back
        AuditEntry.objects.filter(pk=entries[0].pk).update(action="tampered")
