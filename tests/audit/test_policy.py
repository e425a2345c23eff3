"""What audit snapshots may hold: the allow-list of socsec.audit.policy, complete for every model it lists,
and nothing withheld reaching the trail."""

from __future__ import annotations

import pytest
from django.apps import apps

from socsec.audit.models import AuditEntry
from socsec.audit.policy import AUDIT_FIELDS
from socsec.audit.services import snapshot
from socsec.benefits.models import ClaimEvent


@pytest.mark.parametrize("label", sorted(AUDIT_FIELDS))
def test_each_listed_model_names_every_field_once(label):
    """A field added to an audited model fails here until it is recorded or withheld, with a reason."""
    fields = AUDIT_FIELDS[label]
    concrete = [f.attname for f in apps.get_model(label)._meta.concrete_fields]
    assert len(set(fields.recorded)) == len(fields.recorded)
    assert not set(fields.recorded) & set(fields.withheld)
    assert sorted([*fields.recorded, *fields.withheld]) == sorted(concrete)
    assert all(reason for reason in fields.withheld.values())


def test_secrets_are_withheld():
    assert AUDIT_FIELDS["accounts.User"].withheld.keys() == {"password"}
    assert AUDIT_FIELDS["accounts.ApiToken"].withheld.keys() == {"digest"}
    assert AUDIT_FIELDS["registry.Person"].withheld.keys() == {"resident_id", "resident_id_index", "name", "name_index"}
    assert "key" in AUDIT_FIELDS["otp_totp.TOTPDevice"].withheld


def test_the_world_trail_holds_no_password_digest_or_resident_id(world):
    entries = list(AuditEntry.objects.all())
    assert {e.object_type for e in entries} == {
        "accounts.User",
        "accounts.ApiToken",
        "registry.Region",
        "registry.Organisation",
        "registry.Person",
        "registry.Engagement",
        "coverage.SchemeActivation",
    }
    for entry in entries:
        withheld = AUDIT_FIELDS[entry.object_type].withheld
        assert not withheld.keys() & (entry.after or {}).keys(), entry
    user = next(e for e in entries if e.object_type == "accounts.User")
    assert user.after is not None and user.after["username"] and "password" not in user.after
    token = next(e for e in entries if e.action == "token.issue")
    assert token.after is not None and token.after["prefix"] and "digest" not in token.after


def test_a_model_without_a_policy_is_snapshotted_by_its_id_alone(world):
    event = ClaimEvent(pk=41, note="free text a policy never approved")
    assert "benefits.ClaimEvent" not in AUDIT_FIELDS
    assert snapshot(event) == {"id": 41}
